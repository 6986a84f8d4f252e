"""CSV contact imports: read an upload, then guess and check its column mapping.

The import itself runs in a background job (app.core.imports.run) and checks each row
with app.core.imports.rows; this module holds the parts the console's upload and mapping
steps share with it.
"""

import csv
import io
import math
import re
from dataclasses import dataclass

import phonenumbers

from app.core.imports.rows import Column, Options, convert
from app.errors import ValidationFailed
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


@dataclass
class Upload:
    text: str
    delimiter: str
    header: list[str]
    rows: int


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
    if "\x00" in text:  # nothing could store it; a binary file often decodes this far
        raise _file_error(f"The file has a NUL character at position {text.index(chr(0))}: "
                          "it is not a CSV text file. In your spreadsheet, save it as "
                          "“CSV UTF-8”.")
    delimiter = sniff_delimiter(text)
    try:
        reader = _reader(text, delimiter)
        header = [name.strip() for name in next(reader, [])]
        rows = sum(1 for cells in reader if any(map(str.strip, cells)))
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
        if any(map(str.strip, cells)):
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
        convert(kind, value)
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


def mapping_from(imp: ContactImport) -> tuple[list[Column], Options]:
    """Return the stored mapping and options of an import."""
    columns = [Column(**c) for c in imp.mapping or []]
    options = Options(**{k: v for k, v in (imp.options or {}).items()
                         if k in Options.__dataclass_fields__})
    return columns, options
