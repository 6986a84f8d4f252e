"""Check CSV rows against a column mapping, exactly as the API checks a contact.

Every cell rule is the one the API applies (app.core.contacts.fields), with the same
messages, so a row is valid here iff the API would take it.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date

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
    record: dict | None = None  # external_id, email, …, attributes, tags
    errors: dict[int, str] = field(default_factory=dict)  # column index -> message
    problem: str | None = None  # a fault of the whole row (cell count, duplicate)

    def message(self, header: list[str]) -> str:
        """What is wrong, each bad cell named by its column ("email: …; phone: …")."""
        cells = "; ".join(f"{header[i]}: {text}" for i, text in self.errors.items())
        return cells or self.problem or ""


class RowChecker:
    """Check rows against a mapping, exactly as the API checks a contact."""

    def __init__(self, header: list[str], columns: list[Column], options: Options):
        self.width = len(header)
        self.columns = list(enumerate(columns))
        self.options = options
        self.seen: dict[str, int] = {}  # external id -> first line, to refuse repeats

    def check(self, line: int, cells: list[str]) -> CheckedRow:
        row = CheckedRow(line, cells)
        if len(cells) != self.width:
            row.problem = f"this row has {len(cells)} cells; the header has {self.width}"
            return row
        record: dict = {"attributes": {}, "tags": []}
        for index, column in self.columns:
            if column.field == "skip":
                continue
            value = cells[index].strip()
            try:
                self._put(record, column, value)
            except ValueError as exc:
                row.errors[index] = str(exc)
        self._check_repeat(row, record.get("external_id"))
        if record["attributes"] and not row.errors:
            try:
                rules.check_attributes(record["attributes"])
            except ValueError as exc:
                row.problem = str(exc)
        if not row.errors and not row.problem:
            row.record = record
        return row

    def _check_repeat(self, row: CheckedRow, external_id: str | None) -> None:
        if external_id is None:
            return
        first = self.seen.setdefault(external_id, row.line)
        if first != row.line:
            row.problem = f"external_id {external_id!r} already appears on line {first}"

    def _put(self, record: dict, column: Column, value: str) -> None:
        if column.field == "external_id":
            if not value:
                raise ValueError("external_id is required")
            record["external_id"] = rules.check_external_id(value)
        elif not value:
            return  # an empty cell leaves the contact's current value alone
        elif column.field == "attribute":
            record["attributes"][column.name] = convert(column.type, value)
        elif column.field == "tags":
            parts = [t.strip() for t in value.split(self.options.tag_separator) if t.strip()]
            record["tags"] = rules.check_tags(parts)
        else:
            record[column.field] = self._normalise(column.field, value)

    def _normalise(self, name: str, value: str) -> str:
        if name == "phone" and len(value) <= rules.MAX_LENGTH["phone"]:
            value = self._international(value)
        return rules.check_field(name, value)

    def _international(self, value: str) -> str:
        region = self.options.default_region
        if not region or value.lstrip().startswith("+"):
            return value
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException as exc:
            raise ValueError("not a phone number") from exc
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
