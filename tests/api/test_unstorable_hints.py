"""The cheap look at a body before walking it for NULs and non-finite numbers finds what
the regular expression it replaced found, and nothing else."""
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.registry import maybe_unstorable

REPLACED = re.compile(rb"\\u0000|\x00|(?i:nan|inf)|\d{300}|[eE][+-]?\d{3}")
PIECES = [b"a", b"e", b"E", b"n", b"N", b"i", b"I", b"f", b"F", b"0", b"1", b"9", b"+",
          b"-", b"\\", b"u", b"U", b"\x00", b'"', b" ", b"7" * 150, b"\\u0000", b"1e308"]


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_hints_are_the_pattern(pieces):
    body = b"".join(pieces)
    assert maybe_unstorable(body) == (REPLACED.search(body) is not None)


@given(st.binary(max_size=64))
def test_any_bytes(body):
    assert maybe_unstorable(body) == (REPLACED.search(body) is not None)


def test_a_batch_body_has_no_hint_and_each_kind_is_found():
    body = json.dumps({"recipients": [f"mail-{i}" for i in range(1000)],
                       "category": "orders", "channels": ["email"]}).encode()
    assert not maybe_unstorable(body)
    for hint in (b'"\\u0000"', b'"Infinity"', b"NaN", b"1" * 300, b"1E+308", b"2e-999"):
        assert maybe_unstorable(body[:-1] + b', "x": ' + hint + b"}")
