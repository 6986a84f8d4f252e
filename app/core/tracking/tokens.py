"""What a tracked link's token says: signed (app.core.tracking.signing), with an expiry.

An open token names the notification; a click token names the stored link (0 for the
hidden honeypot link), the notification and how many links the message has (to tell
"every link clicked within one second"). SMS links use short random base62 codes.
"""
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import uuid_utils

from app.core.tracking.signing import sign, unsign

HONEYPOT = 0
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SHORT_CODE_LENGTH = 8  # 62^8 ≈ 2·10^14 codes: unguessable enough for a link


def today(now: datetime | None = None) -> int:
    """Days since 1970-01-01 (UTC): the unit token expiry is counted in."""
    return int((now.timestamp() if now else time.time()) // 86400)


@dataclass(frozen=True)
class Click:
    link_id: int
    notification_id: str
    links: int


def open_token(config, notification_id: str, now: datetime | None = None) -> str:
    return sign(config, "open", [uuid.UUID(notification_id).hex,
                                 today(now) + config.TRACKING_LINK_DAYS])


def click_token(config, link_id: int, notification_id: str, links: int,
                now: datetime | None = None) -> str:
    return sign(config, "click", [link_id, uuid.UUID(notification_id).hex,
                                  today(now) + config.TRACKING_LINK_DAYS, links])


def _valid(payload, size: int) -> bool:
    return (isinstance(payload, list) and len(payload) == size
            and isinstance(payload[-1 if size == 2 else 2], int)
            and payload[-1 if size == 2 else 2] >= today())


def read_open(config, token: str) -> str | None:
    """The notification id of a genuine, unexpired open token, else None."""
    payload = unsign(config, "open", token)
    # uuid_utils makes the id's text form for an eighth of uuid.UUID's cost.
    return str(uuid_utils.UUID(payload[0])) if _valid(payload, 2) else None


def read_click(config, token: str) -> Click | None:
    """What a genuine, unexpired click token names, else None."""
    payload = unsign(config, "click", token)
    if not _valid(payload, 4) or not isinstance(payload[0], int):
        return None
    return Click(payload[0], str(uuid_utils.UUID(payload[1])), int(payload[3]))


def short_code() -> str:
    return "".join(secrets.choice(_BASE62) for _ in range(SHORT_CODE_LENGTH))


def is_short_code(code: str) -> bool:
    return len(code) == SHORT_CODE_LENGTH and all(c in _BASE62 for c in code)
