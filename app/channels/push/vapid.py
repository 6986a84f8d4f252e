"""The VAPID key pair (RFC 8292) that identifies us to browsers' push services.

It comes from HERALD_VAPID_PRIVATE_KEY (PEM, or py-vapid's base64url raw/DER form).
Unset, a key is made once in HERALD_VAPID_KEY_FILE and kept: browsers subscribe with its
public key (vapid_public_key), so it must not change under them. Several nodes need the
setting (or a shared file), or each would make its own.
"""
import base64
import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from app.private_files import restrict, write_private

log = logging.getLogger(__name__)


def load_vapid(config) -> Vapid:
    """Return the VAPID key from settings, or the one kept in VAPID_KEY_FILE (made once)."""
    value = (config.VAPID_PRIVATE_KEY or "").strip()
    if value.startswith("-----BEGIN"):
        return Vapid.from_pem(value.encode())
    if value:
        return Vapid.from_string(value)
    return Vapid.from_pem(ensure_key_file(Path(config.VAPID_KEY_FILE)))


def ensure_key_file(path: Path) -> bytes:
    """Return the PEM key at path, writing a new one first if there is none.

    Workers may start together: the file appears atomically, so all of them end up with
    the key that won. It is readable by this user only.
    """
    if path.exists():
        restrict(path)
    else:
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        if write_private(path, pem, replace=False):
            log.info("web push: made a VAPID key in %s", path)
    return path.read_bytes()


def vapid_public_key(config) -> str:
    """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
    point = load_vapid(config).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).decode().rstrip("=")
