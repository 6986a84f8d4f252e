"""Check CSV rows against a column mapping, exactly as the API checks a contact.

Every cell rule is the one the API applies (app.core.contacts.fields), with the same
messages, so a row is valid here iff the API would take it.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import phonenumbers

from app.core.contacts import fields as rules

_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


@dataclass
class Column:
    """Where one CSV column goes: a contact field, an attribute, or nowhere ("skip")."""

    field: str = "skip"
    name: str = ""  # the attribute name when field == "attribute"
    type: str = "text"  # the attribute type

    def as_dict(self) -> dict:
        return {"field": self.field, "name": self.name, "type": self.type}


@dataclass
class Options:
    tag_separator: str = ";"
    tag_mode: str = "add"  # add to a contact's tags, or replace them
    default_region: str | None = None  # ISO country for numbers written without +

    def as_dict(self) -> dict:
        return {"tag_separator": self.tag_separator, "tag_mode": self.tag_mode,
                "default_region": self.default_region}


@dataclass
class CheckedRow:
    """One row after checking: the contact fields, or why it was rejected."""

    line: int
    cells: list[str]
    record: dict | None = None  # external_id, email, phone, locale, timezone, attributes, tags
    errors: dict[int, str] = field(default_factory=dict)  # column index -> message
    problem: str | None = None  # a fault of the whole row (cell count, duplicate)

    def message(self, header: list[str]) -> str:
        """What is wrong, each bad cell named by its column ("email: …; phone: …")."""
        cells = "; ".join(f"{header[i]}: {text}" for i, text in self.errors.items())
        return cells or self.problem or ""


# Distinct values of a column remembered per import: locales, zones, tag lists and
# attribute values repeat down a file; past this many, new ones are checked each time.
MEMO_VALUES = 10_000
_REPEATING = ("locale", "timezone", "tags")  # ids, emails and phones are the contact's own


class RowChecker:
    """Check rows against a mapping, exactly as the API checks a contact."""

    def __init__(self, header: list[str], columns: list[Column], options: Options):
        self.width = len(header)
        self.options = options
        self.seen: dict[str, int] = {}  # external id -> first line, to refuse repeats
        # (column index, record key or attribute name, is an attribute, rule) per mapped
        # column; the rule is None where the cell is kept as it is (a text attribute).
        self._cells = [(index, column.name if column.field == "attribute" else column.field,
                        column.field == "attribute", self._rule(column))
                       for index, column in enumerate(columns) if column.field != "skip"]

    def check(self, line: int, cells: list[str]) -> CheckedRow:
        if len(cells) != self.width:
            return CheckedRow(line, cells, problem=f"this row has {len(cells)} cells; "
                                                   f"the header has {self.width}")
        # Every field, None where the row leaves the contact's value alone: one shape for
        # all rows, which the chunk's COPY takes as it is.
        record: dict = {"external_id": None, "email": None, "phone": None, "locale": None,
                        "timezone": None, "attributes": {}, "tags": ()}
        attributes, errors = record["attributes"], {}
        for index, key, is_attribute, rule in self._cells:
            value = cells[index].strip()
            if not value and rule is not _external_id:
                continue  # an empty cell leaves the contact's current value alone
            try:
                checked = value if rule is None else rule(value)
            except ValueError as exc:
                errors[index] = str(exc)
                continue
            (attributes if is_attribute else record)[key] = checked
        row = CheckedRow(line, cells, errors=errors)
        self._check_repeat(row, record.get("external_id"))
        if attributes and not errors:
            try:
                rules.check_attributes(attributes)
            except ValueError as exc:
                row.problem = str(exc)
        if not errors and not row.problem:
            row.record = record
        return row

    def _check_repeat(self, row: CheckedRow, external_id: str | None) -> None:
        if external_id is None:
            return
        first = self.seen.setdefault(external_id, row.line)
        if first != row.line:
            row.problem = f"external_id {external_id!r} already appears on line {first}"

    def _rule(self, column: Column):
        """The function that turns a non-empty cell of the column into its stored value."""
        if column.field == "external_id":
            return _external_id
        if column.field == "attribute":
            return None if column.type == "text" else _remembered(partial(convert, column.type))
        if column.field == "tags":
            rule = partial(_tags, self.options.tag_separator)
        elif column.field == "phone":
            rule = self._phone
        else:
            rule = partial(rules.check_field, column.field)
        return _remembered(rule) if column.field in _REPEATING else rule

    def _phone(self, value: str) -> str:
        if len(value) <= rules.MAX_LENGTH["phone"]:
            value = self._international(value)
        return rules.check_field("phone", value)

    def _international(self, value: str) -> str:
        region = self.options.default_region
        if not region or value.lstrip().startswith("+"):
            return value
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException as exc:
            raise ValueError("not a phone number") from exc
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _external_id(value: str) -> str:
    if not value:
        raise ValueError("external_id is required")
    return rules.check_external_id(value)


def _tags(separator: str, value: str) -> tuple[str, ...]:
    # A tuple: one checked cell's tags are shared by every row that repeats it.
    return tuple(rules.check_tags([t.strip() for t in value.split(separator) if t.strip()]))


def _remembered(rule):
    """rule(value), its result or its error remembered per distinct value (the rules are
    functions of the value alone)."""
    outcomes: dict[str, tuple] = {}

    def check(value: str):
        outcome = outcomes.get(value)
        if outcome is None:
            try:
                outcome = (rule(value), None)
            except ValueError as exc:
                outcome = (None, str(exc))
            if len(outcomes) < MEMO_VALUES:
                outcomes[value] = outcome
        if outcome[1] is not None:
            raise ValueError(outcome[1])
        return outcome[0]

    return check


def convert(kind: str, value: str):
    """Convert a cell to an attribute value of the given type; raise ValueError if it is not."""
    if kind == "number":
        if len(value) > 32 or not _NUMBER.fullmatch(value):
            raise ValueError(f"{value[:40]!r} is not a number")
        number = int(value) if _INTEGER.fullmatch(value) else float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value[:40]!r} is too large a number")
        return number
    if kind == "boolean":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValueError(f"{value[:40]!r} is not true/false (or yes/no, 1/0)")
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a date like 2026-05-31") from None
    return value
