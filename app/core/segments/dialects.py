"""Read contact attributes (a JSON column) per dialect: JSONB on PostgreSQL, JSON1 on SQLite.

A value is compared as a number or a date only after its JSON type and a regular
expression said it is one, so "n/a" in a numeric comparison does not match instead of
failing the query.
"""
from decimal import Decimal

from sqlalchemy import (
    Float,
    Numeric,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB, array

from app.models import Contact

NUMERIC_TEXT = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?\s*$"


DAY_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"


class JsonValues:
    """Reading contact attributes; each dialect says how JSON types and values look."""

    string_kind: str
    number_kinds: tuple[str, ...]
    number_type: type

    def is_string(self, key):
        return self.typeof(key) == self.string_kind

    def is_set(self, key):
        return func.coalesce(self.typeof(key), "null") != "null"

    def number(self, key):
        text = self.text(key)
        return case((self.typeof(key).in_(self.number_kinds), cast(text, self.number_type)),
                    (and_(self.is_string(key), text.regexp_match(NUMERIC_TEXT)),
                     cast(text, self.number_type)))

    def day(self, key):
        text = self.text(key)
        return case((and_(self.is_string(key), text.regexp_match(DAY_TEXT)),
                     func.substr(text, 1, 10)))


class PostgresJson(JsonValues):
    string_kind, number_kinds, number_type = "string", ("number",), Numeric

    def __init__(self):
        self.attrs = type_coerce(Contact.attributes, JSONB)
        self.tags = type_coerce(Contact.tags, JSONB)

    def typeof(self, key):
        return func.jsonb_typeof(self.attrs[key])

    def text(self, key):
        return self.attrs[key].astext

    def equals_any(self, key, values):
        return or_(*[self.attrs.contains({key: v}) for v in values])

    def array_has(self, key, value):
        return self.attrs.contains({key: [value]})

    def num(self, value):
        return literal(Decimal(str(value)), Numeric())

    def tags_any(self, values):
        return self.tags.has_any(array(values))

    def tags_all(self, values):
        return self.tags.has_all(array(values))


class SQLiteJson(JsonValues):
    string_kind, number_kinds, number_type = "text", ("integer", "real"), Float

    def __init__(self):
        # A row whose JSON SQLite cannot read (a NaN written before they were refused)
        # would fail the whole statement: it reads as no attributes instead.
        self.attrs = case((func.json_valid(Contact.attributes) == 1, Contact.attributes),
                          else_=literal("{}"))

    def _path(self, key):
        return f'$."{key}"'  # keys never hold quotes or backslashes (validated)

    def typeof(self, key):
        return func.json_type(self.attrs, self._path(key), type_=String)

    def text(self, key):
        return func.json_extract(self.attrs, self._path(key), type_=String)

    def equals_any(self, key, values):
        kind, value = self.typeof(key), self.text(key)
        return or_(*[
            kind == ("true" if v else "false") if isinstance(v, bool)
            else and_(kind.in_(self.number_kinds), value == v) if isinstance(v, int | float)
            else and_(kind == "text", value == v)
            for v in values])

    def array_has(self, key, value):
        each = func.json_each(self.attrs, self._path(key)).table_valued("value")
        return and_(self.typeof(key) == "array",
                    exists(select(1).select_from(each).where(each.c.value == value)))

    def num(self, value):
        return literal(float(value), Float())

    def _tag_exists(self, values):
        each = func.json_each(Contact.tags).table_valued("value")
        return exists(select(1).select_from(each).where(each.c.value.in_(values)))

    def tags_any(self, values):
        return self._tag_exists(values)

    def tags_all(self, values):
        return and_(*[self._tag_exists([v]) for v in values])
