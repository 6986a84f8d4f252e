"""Seal and open stored provider settings with MultiFernet (HERALD_ENCRYPTION_KEY).

The first key seals; every key opens, so a new key goes first and the old ones stay
listed until `flask herald rotate-keys` has sealed every row again with the new one.
Without a key (development) one is derived from HERALD_SECRET_KEY.
"""
import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["InvalidToken", "keys", "open_sealed", "seal"]


def keys(config) -> MultiFernet:
    given = config.ENCRYPTION_KEY or (derived_key(config.SECRET_KEY),)
    return MultiFernet([Fernet(key) for key in given])


def derived_key(secret_key: str) -> str:
    digest = hashlib.sha256(b"herald provider settings\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def seal(config, values: dict) -> str:
    return keys(config).encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def open_sealed(config, sealed: str) -> dict:
    """The stored values; raises InvalidToken when no configured key opens them."""
    return json.loads(keys(config).decrypt(sealed.encode()))


def reseal(config, sealed: str) -> str:
    """The same values sealed with the first key (MultiFernet.rotate)."""
    return keys(config).rotate(sealed.encode()).decode()
