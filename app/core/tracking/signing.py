"""Signed, URL-safe tokens for the links Herald puts in messages (tracking, preferences,
unsubscribe). Signed with HERALD_SECRET_KEY; the keys in HERALD_SECRET_KEY_PREVIOUS are
still accepted, so a key can be rotated without breaking the links already sent.
"""

from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer


def serializer(config, purpose: str) -> URLSafeSerializer:
    """A serializer for one purpose (its salt): a token made for one never opens another."""
    # itsdangerous signs with the last key and accepts any of them.
    return _serializer((*reversed(config.SECRET_KEY_PREVIOUS), config.SECRET_KEY), purpose)


@lru_cache(maxsize=64)
def _serializer(keys: tuple[str, ...], purpose: str) -> URLSafeSerializer:
    # Made once per keys and purpose: every tracked hit checks a token.
    return URLSafeSerializer(list(keys), salt=f"herald.{purpose}")


def sign(config, purpose: str, payload) -> str:
    return serializer(config, purpose).dumps(payload)


def unsign(config, purpose: str, token: str):
    """The payload of a genuine token for this purpose, or None (forged, altered, other)."""
    try:
        return serializer(config, purpose).loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None
