"""JSON columns hold finite numbers only: writing NaN fails, a stored one reads as null."""
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import StatementError

from app import json_numbers
from tests import factories


@pytest.mark.parametrize("text", ['{"x": NaN}', '{"x": [Infinity]}', '{"x": -Infinity}',
                                  '{"x": 1e999}', '{"x": -1e400}'])
def test_loads_reads_non_finite_as_null_and_loads_finite_refuses_it(text):
    value = json_numbers.loads(text)
    assert None in (value["x"], *(value["x"] if isinstance(value["x"], list) else []))
    with pytest.raises(json_numbers.NonFiniteNumber):
        json_numbers.loads_finite(text)


def test_finite_numbers_are_unchanged():
    text = '{"a": 1.5, "b": -2, "c": 1e300, "d": [0.1, "NaN"]}'
    assert json_numbers.loads(text) == json_numbers.loads_finite(text) == {
        "a": 1.5, "b": -2, "c": 1e300, "d": [0.1, "NaN"]}


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_json_column_never_writes_a_non_finite_number(db, number):
    with pytest.raises(ValueError):
        json_numbers.dumps({"x": number})
    with pytest.raises((StatementError, ValueError)):
        factories.contact(attributes={"x": [number]})
    db.session.rollback()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@given(JSON_VALUES)
@settings(max_examples=500, deadline=None)
def test_the_made_once_encoders_encode_as_json_does(value):
    assert json_numbers.dumps(value) == json.JSONEncoder(allow_nan=False).encode(value)
    compact = json_numbers.encoder(separators=(",", ":"), allow_nan=True)
    assert compact(value) == json.JSONEncoder(separators=(",", ":")).encode(value)
