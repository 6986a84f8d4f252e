"""Signed tokens: what unsign accepts is exactly what itsdangerous's loads accepts."""
import pytest
from itsdangerous import BadSignature, URLSafeSerializer

from app.config import Config
from app.core.tracking.signing import sign, unsign

CONFIG = Config(SECRET_KEY="current", SECRET_KEY_PREVIOUS=["older", "old"])


def itsdangerous_loads(keys: list[str], purpose: str, token: str):
    try:
        return URLSafeSerializer(keys, salt=f"herald.{purpose}").loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None


def altered(token: str) -> list[str]:
    """The token with each character changed, dropped or doubled, cut and padded."""
    swap = {c: "A" if c != "A" else "B" for c in token}
    return [*(token[:i] + swap[c] + token[i + 1:] for i, c in enumerate(token)),
            *(token[:i] + token[i + 1:] for i in range(len(token))),
            *(token[:i] + c + token[i:] for i, c in enumerate(token)),
            token[:-1], token + "=", token + "==", token + "!", token.replace(".", ""),
            token + ".", "." + token, "", ".", token.replace(".", ".."), token + "\udcff",
            token + "é"]


@pytest.mark.parametrize("payload", [["0123abcd", 20000], [7, "ff", 20000, 3],
                                     # long enough that itsdangerous compresses it
                                     ["x" * 200, 1]])
def test_tokens_and_their_alterations_are_judged_as_itsdangerous_judges_them(payload):
    token = sign(CONFIG, "open", payload)
    assert token.startswith(".") == (payload[0] == "x" * 200)
    assert unsign(CONFIG, "open", token) == payload
    for candidate in altered(token):
        assert unsign(CONFIG, "open", candidate) == itsdangerous_loads(
            ["old", "older", "current"], "open", candidate), candidate


def test_previous_keys_still_open_their_tokens_and_no_other_key_or_purpose_does():
    for key in ("old", "older", "current"):
        token = URLSafeSerializer(key, salt="herald.open").dumps([1, 2])
        assert unsign(CONFIG, "open", token) == [1, 2]
        assert unsign(CONFIG, "click", token) is None
    assert unsign(CONFIG, "open", URLSafeSerializer("other", salt="herald.open").dumps(
        [1, 2])) is None
    rotated = Config(SECRET_KEY="next", SECRET_KEY_PREVIOUS=["current"])
    assert unsign(rotated, "open", sign(CONFIG, "open", [3])) == [3]
    assert unsign(Config(SECRET_KEY="next"), "open", sign(CONFIG, "open", [3])) is None
