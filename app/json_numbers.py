"""Finite numbers only: JSON has no NaN or Infinity, and PostgreSQL's JSONB cannot hold them.

Python's json module (like the API's parser) reads `NaN`, `Infinity` and numbers past the
float range such as `1e999` as non-finite floats. Inputs refuse them (`loads_finite`, and
the API's body check); the database's JSON columns never write one (`dumps`) and read any
a row already holds as null (`loads`), so a stray value cannot break a page or a query.
"""

import json
import math


class NonFiniteNumber(ValueError):
    """A NaN, an Infinity, or a number too large for a float, where JSON allows none."""


def _refuse_constant(name: str):
    raise NonFiniteNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise NonFiniteNumber(f"{text[:40]} is too large a number")
    return number


def _null(_text: str) -> None:
    return None


def _float_or_null(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None


def loads_finite(text: str | bytes):
    """json.loads, but NaN, Infinity and numbers past the float range raise NonFiniteNumber."""
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)


# Made once: json.dumps() with any option builds an encoder per call, which cost as much
# as encoding a small value (an import dumps a contact's attributes per row).
_COLUMN_ENCODER = json.JSONEncoder(allow_nan=False)


def dumps(value) -> str:
    """Serialise a JSON column's value; a non-finite number raises ValueError, never NaN."""
    return _COLUMN_ENCODER.encode(value)


# Made once: json.loads() with hooks builds a decoder per call, which cost more than
# decoding a small value (a thousand rows' "{}" each).
_COLUMN_DECODER = json.JSONDecoder(parse_constant=_null, parse_float=_float_or_null)


def loads(text: str | bytes):
    """Read a JSON column's value; a NaN, Infinity or overflowing number a row holds is null."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _COLUMN_DECODER.decode(text)
