"""Console operators: password hashes, sign-in with lockout, invitations and roles."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.core.access import login_limits
from app.core.access.login_limits import LoginPolicy
from app.errors import ValidationFailed
from app.models import Operator
from app.models.auth import ROLES, fingerprint
from app.models.types import utcnow

ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
INVITE_MAX_AGE_SECONDS = 7 * 24 * 3600
LEGACY_ZONE_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a miss costs as much time as a hit
    (made at the first sign-in: workers, which never sign anyone in, skip its cost)."""
    return _hasher.hash("herald-timing-equaliser")


class OperatorError(ValidationFailed):
    """A change the rules forbid: duplicate email, weak password, removing the last admin."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: an operator, or why not (invalid/locked/...)."""

    operator: Operator | None = None
    error: str | None = None


def has_role(operator, role: str) -> bool:
    """Return True when the operator's role is at least `role` (viewer < editor < admin)."""
    return ROLE_RANK.get(getattr(operator, "role", None), -1) >= ROLE_RANK[role]


def fold_email(email: str) -> str:
    """Return the case-folded form operators are stored and found by (not a validation:
    contact addresses go through app.core.contacts.fields.normalise_email)."""
    return (email or "").strip().lower()


def check_password_rules(password: str, email: str = "") -> None:
    """Raise OperatorError when the password is too short, too long or is the email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OperatorError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise OperatorError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == fold_email(email):
        raise OperatorError("The password must not be your email address.")


def set_password(operator: Operator, password: str) -> None:
    """Hash and store a new password (which also voids invitations and other sessions)."""
    check_password_rules(password, operator.email)
    operator.password_hash = _hasher.hash(password)
    operator.failed_logins = 0
    operator.locked_until = None


def load_by_session_id(session, value: str) -> Operator | None:
    """Return the active operator a session id names, if its password is unchanged."""
    op_id, _, print_ = (value or "").partition(":")
    if not op_id.isdigit():
        return None
    operator = session.get(Operator, int(op_id))
    if operator is None or not operator.active or fingerprint(operator) != print_:
        return None
    return operator


def find_by_email(session, email: str) -> Operator | None:
    return session.scalar(select(Operator).where(Operator.email == fold_email(email)))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session, redis, email: str, password: str, ip: str,
                 policy: LoginPolicy, now: datetime | None = None) -> SignIn:
    """Check a sign-in within the per-IP and per-account limits; commits the counters.

    The attempt is counted before the password is checked (see login_limits), and a
    successful sign-in resets the account's count and gives the IP's place back.
    """
    now = now or utcnow()
    if not login_limits.take_ip_attempt(redis, ip, policy):
        return SignIn(error="ip_blocked")
    operator = find_by_email(session, email)
    password_hash = operator.password_hash if operator else None
    attempt = login_limits.take_account_attempt(session, operator.id, policy, now) \
        if operator else 0
    session.commit()  # the count, and no connection held during the slow check below
    if attempt is None:
        return SignIn(error="locked")
    if not _verify(password_hash, password):
        return SignIn(error="locked" if attempt >= policy.max_failures else "invalid")
    if not operator.active:
        return SignIn(error="disabled")
    if _hasher.check_needs_rehash(password_hash):
        operator.password_hash = _hasher.hash(password)
    operator.failed_logins = 0
    operator.locked_until = None
    operator.last_login_at = now
    session.commit()
    login_limits.give_back_ip_attempt(redis, ip)
    return SignIn(operator=operator)


def create_operator(session, email: str, role: str, name: str = "",
                    password: str | None = None) -> Operator:
    """Add an operator (flushed, not committed); without a password it must be invited."""
    email = fold_email(email)
    if role not in ROLES:
        raise OperatorError(f"Unknown role {role!r}.", [{"field": "role", "message": "Pick one."}])
    if find_by_email(session, email) is not None:
        message = "An operator with this email already exists."
        raise OperatorError(message, [{"field": "email", "message": message}])
    operator = Operator(email=email, name=name.strip(), role=role, active=True,
                        failed_logins=0)
    if password is not None:
        set_password(operator, password)
    session.add(operator)
    session.flush()
    return operator


def _active_admins(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Operator)
        .where(Operator.role == "admin", Operator.active.is_(True))
    )


def change_role(session, operator: Operator, role: str) -> None:
    """Give the operator a new role, keeping at least one active admin."""
    if role not in ROLES:
        raise OperatorError(f"Unknown role {role!r}.")
    if operator.role == "admin" and role != "admin" and operator.active \
            and _active_admins(session) <= 1:
        raise OperatorError("Herald needs at least one active admin.")
    operator.role = role


def set_active(session, operator: Operator, active: bool, acting: Operator) -> None:
    """Enable or disable an operator; nobody can disable themselves or the last admin."""
    if not active and operator.id == acting.id:
        raise OperatorError("You cannot disable your own account.")
    if not active and operator.role == "admin" and _active_admins(session) <= 1:
        raise OperatorError("Herald needs at least one active admin.")
    operator.active = active
    if active:
        operator.failed_logins = 0
        operator.locked_until = None


def time_zones() -> list[str]:
    """The zones an operator may choose: the IANA names, less the legacy aliases."""
    return sorted(name for name in available_timezones()
                  if "/" in name and not name.startswith(LEGACY_ZONE_PREFIXES) or name == "UTC")


def set_timezone(operator: Operator, name: str) -> None:
    """Show the operator's console times in the zone `name` (an IANA name)."""
    if name not in time_zones():
        raise OperatorError("Choose a time zone from the list (e.g. Europe/Paris).")
    operator.timezone = name


def snapshot(operator: Operator) -> dict:
    """Return the fields the audit log keeps for an operator (never the hash)."""
    return {"email": operator.email, "name": operator.name, "role": operator.role,
            "active": operator.active}


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="herald.set-password")


def make_password_token(operator: Operator, secret: str) -> str:
    """Return a set-password token that dies when the password is set (one use)."""
    return _serializer(secret).dumps({"id": operator.id, "fp": fingerprint(operator)})


def read_password_token(session, token: str, secret: str,
                        max_age: int = INVITE_MAX_AGE_SECONDS) -> Operator | None:
    """Return the active operator a set-password token names, or None if spent/expired."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except BadSignature:
        return None
    operator = session.get(Operator, int(data.get("id", 0)))
    if operator is None or not operator.active or fingerprint(operator) != data.get("fp"):
        return None
    return operator
