"""CSV contact imports: read an upload, guess and check its column mapping, check rows.

The import itself runs in a background job (app.core.import_run); this module holds the
parts the console's upload, mapping and preview steps share with it. Every cell rule is
the one the API applies (app.core.contacts), so a row is valid here iff the API takes it.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from app.core import contacts as rules
from app.core.errors import ValidationFailed
from app.models import ContactImport

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FIELDS = ("external_id", "email", "phone", "locale", "timezone", "tags")
ATTRIBUTE_TYPES = ("text", "number", "boolean", "date")
DELIMITERS = ",;\t|"
TAG_MODES = ("add", "replace")
PREVIEW_ROWS = 20
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_ALIASES = {
    "external_id": {"external_id", "externalid", "id", "user_id", "userid", "customer_id",
                    "customerid", "contact_id", "uid"},
    "email": {"email", "e_mail", "email_address", "emailaddress", "mail"},
    "phone": {"phone", "phone_number", "phonenumber", "mobile", "mobile_number", "cell",
              "msisdn", "tel", "telephone", "sms"},
    "locale": {"locale", "language", "lang"},
    "timezone": {"timezone", "time_zone", "tz"},
    "tags": {"tags", "tag", "labels", "segments"},
}
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
# Cell limits of the contact columns (cut-off before parsing, so a huge cell stays cheap).
_MAX_LENGTH = {"email": 320, "phone": 32, "locale": 35, "timezone": 64}


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
class Upload:
    text: str
    delimiter: str
    header: list[str]
    rows: int


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


def read_upload(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Upload:
    """Decode and parse an uploaded CSV; raise ValidationFailed with a clear message."""
    if len(data) > max_bytes:
        raise file_too_big(len(data), max_bytes)
    if not data.strip():
        raise _file_error("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start}). In your spreadsheet, save it as “CSV UTF-8”.") from exc
    delimiter = sniff_delimiter(text)
    try:
        reader = _reader(text, delimiter)
        header = [name.strip() for name in next(reader, [])]
        rows = sum(1 for cells in reader if any(c.strip() for c in cells))
    except csv.Error as exc:
        raise _file_error(f"This is not a readable CSV file: {exc}.") from exc
    _check_header(header)
    if rows == 0:
        raise _file_error("The file has a header row but no contacts under it.")
    return Upload(text, delimiter, header, rows)


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise _file_error("The first row must be a header naming the columns "
                          "(for example: external_id,email,phone).")
    if any("@" in name or _looks_like_value(name) for name in header):
        raise _file_error("The first row looks like a contact, not column names. Add a "
                          "header row (for example: external_id,email,phone).")
    blank = [str(i + 1) for i, name in enumerate(header) if not name]
    if blank:
        raise _file_error(f"Column {', '.join(blank)} of the header has no name.")
    seen: set[str] = set()
    repeated = [n for n in header if n.lower() in seen or seen.add(n.lower())]
    if repeated:
        raise _file_error(f"The header names {', '.join(map(repr, repeated))} more than once.")


def _looks_like_value(name: str) -> bool:
    return name.startswith("+") and name[1:].replace(" ", "").isdigit()


def file_too_big(size: int, max_bytes: int) -> ValidationFailed:
    return _file_error(f"The file is {_size(size)}; the limit is {_size(max_bytes)}.")


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "/file", "message": message}])


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{math.ceil(n / 1024)} KB"


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of the first lines (comma unless another one is evident)."""
    sample = "\n".join(text[:64 * 1024].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def records(text: str, delimiter: str):
    """Yield (line number, cells) for every non-blank row after the header."""
    reader = _reader(text, delimiter)
    next(reader, None)
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if any(c.strip() for c in cells):
            yield start, cells


def _reader(text: str, delimiter: str):
    # strict: a quote left open is an error, not the rest of the file in one cell.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def upload_text(imp: ContactImport) -> str:
    return (imp.data or b"").decode("utf-8-sig")


def preview_rows(imp: ContactImport, limit: int = PREVIEW_ROWS) -> list[tuple[int, list[str]]]:
    rows = []
    for item in records(upload_text(imp), imp.delimiter):
        rows.append(item)
        if len(rows) == limit:
            break
    return rows


def guess_mapping(header: list[str], samples: list[list[str]]) -> list[Column]:
    """Map columns whose names are known (email, mobile, tz, …); the rest become attributes."""
    columns, taken = [], set()
    for index, name in enumerate(header):
        key = re.sub(r"[\s\-]+", "_", name.strip().lower())
        target = next((f for f, names in _ALIASES.items() if key in names), None)
        if target and target not in taken:
            taken.add(target)
            columns.append(Column(target))
            continue
        values = [row[index].strip() for row in samples if index < len(row) and row[index].strip()]
        columns.append(Column("attribute", attribute_name(name), _guess_type(values)))
    return columns


def attribute_name(header_name: str) -> str:
    """Turn a column title ("First name") into an attribute name ("first_name")."""
    name = re.sub(r"[^A-Za-z0-9_.\-]+", "_", header_name.strip()).strip("_").lower()
    return name[:64] or "attribute"


def _guess_type(values: list[str]) -> str:
    """Guess an attribute type from sample values; text unless every value fits another."""
    for kind in ("boolean", "number", "date"):
        if values and all(_fits(kind, v) for v in values):
            # Leading zeros (zip codes, account numbers) would be lost as numbers.
            if kind == "number" and any(re.match(r"^[+-]?0\d", v) for v in values):
                continue
            return kind
    return "text"


def _fits(kind: str, value: str) -> bool:
    try:
        _convert(kind, value)
    except ValueError:
        return False
    return True


def check_mapping(header: list[str], columns: list[Column], options: Options) -> None:
    """Raise ValidationFailed naming every problem with the mapping or the options."""
    errors = []
    fields = [c.field for c in columns]
    if len(columns) != len(header):
        errors.append({"field": "/mapping", "message": "map every column of the file"})
    if "external_id" not in fields:
        errors.append({"field": "/mapping", "message": "Map one column to external_id: "
                                                       "it identifies each contact."})
    seen_fields, seen_names = set(), set()
    for index, column in enumerate(columns):
        where = f"/mapping/{index}"
        if column.field not in (*FIELDS, "attribute", "skip"):
            errors.append({"field": where, "message": "unknown field"})
        elif column.field in FIELDS:
            if column.field in seen_fields:
                errors.append({"field": where, "message": f"{column.field} is mapped twice"})
            seen_fields.add(column.field)
        elif column.field == "attribute":
            if not _ATTRIBUTE_NAME.match(column.name or ""):
                errors.append({"field": where, "message": "attribute name: 1 to 64 letters, "
                                                          "digits, _ . -"})
            elif column.name in seen_names:
                errors.append({"field": where, "message": f"attribute {column.name!r} is "
                                                          "mapped twice"})
            if column.type not in ATTRIBUTE_TYPES:
                errors.append({"field": where, "message": "unknown attribute type"})
            seen_names.add(column.name)
    errors += _option_errors(options, "tags" in fields)
    if errors:
        raise ValidationFailed("The column mapping needs changes", errors)


def _option_errors(options: Options, has_tags: bool) -> list[dict]:
    errors = []
    if has_tags and not 1 <= len(options.tag_separator) <= 3:
        errors.append({"field": "/tag_separator", "message": "use 1 to 3 characters"})
    if options.tag_mode not in TAG_MODES:
        errors.append({"field": "/tag_mode", "message": "choose add or replace"})
    region = options.default_region
    if region and region not in phonenumbers.SUPPORTED_REGIONS:
        errors.append({"field": "/default_region",
                       "message": "not a country code phone numbers know (like US, GB, DE)"})
    return errors


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
            record["attributes"][column.name] = _convert(column.type, value)
        elif column.field == "tags":
            parts = [t.strip() for t in value.split(self.options.tag_separator) if t.strip()]
            record["tags"] = rules.check_tags(parts)
        else:
            record[column.field] = self._normalise(column.field, value)

    def _normalise(self, name: str, value: str) -> str:
        if len(value) > _MAX_LENGTH[name]:
            raise ValueError(f"longer than {_MAX_LENGTH[name]} characters")
        if name == "email":
            return rules.normalise_email(value)
        if name == "phone":
            return rules.normalise_phone(self._international(value))
        if name == "locale":
            return rules.normalise_locale(value)
        return rules.check_timezone(value)

    def _international(self, value: str) -> str:
        region = self.options.default_region
        if not region or value.lstrip().startswith("+"):
            return value
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException as exc:
            raise ValueError("not a phone number") from exc
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _convert(kind: str, value: str):
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


def mapping_from(imp: ContactImport) -> tuple[list[Column], Options]:
    """Return the stored mapping and options of an import."""
    columns = [Column(**c) for c in imp.mapping or []]
    options = Options(**{k: v for k, v in (imp.options or {}).items()
                         if k in Options.__dataclass_fields__})
    return columns, options
