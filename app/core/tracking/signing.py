"""Signed, URL-safe tokens for the links Herald puts in messages (tracking, preferences,
unsubscribe). Signed with HERALD_SECRET_KEY; the keys in HERALD_SECRET_KEY_PREVIOUS are
still accepted, so a key can be rotated without breaking the links already sent.
"""

import hashlib
import hmac
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.exc import BadData


def serializer(config, purpose: str) -> URLSafeSerializer:
    """A serializer for one purpose (its salt): a token made for one never opens another."""
    # itsdangerous signs with the last key and accepts any of them.
    return _serializer(_keys(config), purpose)


def _keys(config) -> tuple[str, ...]:
    return (*reversed(config.SECRET_KEY_PREVIOUS), config.SECRET_KEY)


@lru_cache(maxsize=64)
def _serializer(keys: tuple[str, ...], purpose: str) -> URLSafeSerializer:
    # Made once per keys and purpose: every tracked hit checks a token.
    return URLSafeSerializer(list(keys), salt=f"herald.{purpose}")


@lru_cache(maxsize=64)
def _macs(keys: tuple[str, ...], purpose: str) -> tuple:
    """HMAC-SHA1 (itsdangerous's default) keyed with each key's derived key, newest first:
    the order itsdangerous tries them in. Keyed once; a check copies one."""
    signer = _serializer(keys, purpose).make_signer()
    return tuple(hmac.new(signer.derive_key(key), digestmod=hashlib.sha1)
                 for key in reversed(signer.secret_keys))


def sign(config, purpose: str, payload) -> str:
    return serializer(config, purpose).dumps(payload)


def unsign(config, purpose: str, token: str):
    """The payload of a genuine token for this purpose, or None (forged, altered, other).

    The signature is checked as itsdangerous's `loads` checks it, on HMACs keyed once:
    itsdangerous builds a signer, derives each key and keys an HMAC in Python per token,
    most of a tracked hit's token check."""
    keys = _keys(config)
    try:
        value, sep, signature = token.encode().rpartition(b".")
        if not sep or not _genuine(_macs(keys, purpose), value, signature):
            return None
        return _serializer(keys, purpose).load_payload(value)
    except (BadSignature, UnicodeError, ValueError):
        return None


def _genuine(macs: tuple, value: bytes, signature: bytes) -> bool:
    try:
        signature = base64_decode(signature)
    except BadData:
        return False
    for keyed in macs:
        mac = keyed.copy()
        mac.update(value)
        if hmac.compare_digest(signature, mac.digest()):
            return True
    return False
