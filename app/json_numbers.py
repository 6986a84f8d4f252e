"""Finite numbers only: JSON has no NaN or Infinity, and PostgreSQL's JSONB cannot hold them.

Python's json module (like the API's parser) reads `NaN`, `Infinity` and numbers past the
float range such as `1e999` as non-finite floats. Inputs refuse them (`loads_finite`, and
the API's body check); the database's JSON columns never write one (`dumps`) and read any
a row already holds as null (`loads`), so a stray value cannot break a page or a query.
"""

import json
import math
from json.encoder import c_make_encoder, encode_basestring_ascii


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


def encoder(separators: tuple[str, str] = (", ", ": "), allow_nan: bool = False,
            default=None):
    """A function that encodes as json.JSONEncoder(separators=…, allow_nan=…,
    default=…).encode does.

    That method builds a C encoder per call, which costs more than encoding a small value
    (an import encodes each row's attributes); this one is built once. It does not look
    for cycles (JSON values are data; one would raise RecursionError, not ValueError).
    """
    fallback = json.JSONEncoder(separators=separators, allow_nan=allow_nan, default=default)
    if c_make_encoder is None:  # CPython without its _json accelerator
        return fallback.encode
    item_separator, key_separator = separators
    encode = c_make_encoder(None, fallback.default, encode_basestring_ascii, None,
                            key_separator, item_separator, False, False, allow_nan)

    def dump(value) -> str:
        return "".join(encode(value, 0))

    return dump


_encode_column = encoder()


def dumps(value) -> str:
    """Serialise a JSON column's value; a non-finite number raises ValueError, never NaN."""
    return _encode_column(value)


# Made once: json.loads() with hooks builds a decoder per call, which cost more than
# decoding a small value (a thousand rows' "{}" each).
_COLUMN_DECODER = json.JSONDecoder(parse_constant=_null, parse_float=_float_or_null)


def loads(text: str | bytes):
    """Read a JSON column's value; a NaN, Infinity or overflowing number a row holds is null."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _COLUMN_DECODER.decode(text)
