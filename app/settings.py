"""What settings are made of: typed values read once from HERALD_* variables, defaults that
follow the sandbox's address, and the start-up error that names the variable to change.

app.config composes Herald's own settings with each provider's `Settings` group (declared
in the provider's module, listed by app.channels.registry) into the one Config class.
"""
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import limits
from cryptography.fernet import Fernet
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PositiveInt,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
PREFIX = "HERALD_"
CHANNELS = ("push", "sms", "email")


@dataclass(frozen=True)
class Problem:
    setting: str  # the HERALD_* variable to change
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.setting} {self.message}"


class ConfigurationError(Exception):
    """Settings a process must not start with; the message lists each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Herald will not start; change these settings:\n{lines}")


@dataclass(frozen=True)
class Derived:
    """Field metadata: the default, when the setting is not given, computed from others
    (already typed: it is not validated again)."""
    compute: Any  # (config) -> value


# Where `python -m app.sandbox` listens; every provider's default points there.
SANDBOX_HTTP = Derived(lambda c: f"http://{c.SANDBOX_HOST}:{c.SANDBOX_HTTP_PORT}")
SANDBOX_HTTPS = Derived(lambda c: f"https://{c.SANDBOX_HOST}:{c.SANDBOX_TLS_PORT}")
SANDBOX_HOST = Derived(lambda c: c.SANDBOX_HOST)
SANDBOX_SMTP_PORT = Derived(lambda c: c.SANDBOX_SMTP_PORT)
SANDBOX_CA = Derived(lambda c: c.SANDBOX_CA_FILE)
SANDBOX_ORIGINS = Derived(lambda c: (f"https://{c.SANDBOX_HOST}:{c.SANDBOX_TLS_PORT}".lower(),))
# Field metadata: a public development value, fine against the sandbox, refused in production.
PUBLIC = "public development value"
# Field metadata: a credential or webhook secret: shown masked (last 4 characters) and kept
# encrypted when stored in the console (Settings → Providers).
SECRET = "secret"
# Field metadata: a setting only code passes (Flask's own); no HERALD_* variable reads it.
NO_ENV = {"env": False}


def is_public_default(config, name: str) -> bool:
    """Whether a setting still holds its public development value."""
    field = type(config).model_fields.get(name)
    return field is not None and PUBLIC in field.metadata and getattr(config, name) == field.default


def _names(value):
    """"a, b,,c" → ("a", "b", "c"); a sequence passes as it is."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _flag(value):
    return False if value == "" else value  # set but empty: off, as before


def _quiet_hours(value):
    """"22:00-08:00" → (1320, 480), minutes after midnight; empty means none."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    match = re.fullmatch(r"\s*(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)\s*", value)
    if not match or int(match[1]) > 23 or int(match[3]) > 23 \
            or int(match[2]) > 59 or int(match[4]) > 59:
        raise ValueError("use HH:MM-HH:MM, e.g. 22:00-08:00, or empty for none")
    return int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4])


def _rate_limits(value):
    """"push=10/3600,sms=2/60" → {channel: (limit, per_seconds)}; empty means none."""
    if not isinstance(value, str):
        return value
    limits = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = re.fullmatch(r"(\w+)\s*=\s*(\d+)\s*/\s*(\d+)", part)
        if not match or match[1] not in CHANNELS or match[1] in limits \
                or int(match[2]) < 1 or int(match[3]) < 1:
            raise ValueError("write each part as channel=limit/seconds, push, sms or email "
                             "once each, whole numbers above 0, e.g. push=10/3600,sms=2/60 "
                             f"(not {part!r})")
        limits[match[1]] = (int(match[2]), int(match[3]))
    return limits


def _fernet_keys(value):
    """"k1,k2" → ("k1", "k2"), each a Fernet key (32 bytes, URL-safe base64)."""
    keys = _names(value)
    for n, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(f"key {n} is not a Fernet key (32 bytes in URL-safe base64, as "
                             "Fernet.generate_key() makes)") from None
    return keys


def _request_rate(value):
    """"600/minute", "10/second": a number of requests per period; empty means none."""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        item = limits.parse(value)
    except ValueError:
        item = None
    if item is None or item.amount < 1:
        raise ValueError(f"write it as requests/period, e.g. 600/minute or 10/second "
                         f"(not {value!r})")
    return value.strip()


def _host_port(value):
    """"127.0.0.1:8001", "[::1]:8001", "0.0.0.0:8001": an address and a port to listen on."""
    if not isinstance(value, str):
        return value
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"write it as host:port, e.g. 127.0.0.1:8001 (not {value!r})")
    return value.strip()


Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
HostPort = Annotated[str, BeforeValidator(_host_port)]
FernetKeys = Annotated[tuple[str, ...], BeforeValidator(_fernet_keys)]
LowerNames = Annotated[tuple[str, ...], BeforeValidator(
    lambda v: tuple(n.lower().rstrip("/") for n in _names(v)) if isinstance(v, str) else v)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[int, Field(ge=0)]
Minute = Annotated[int, Field(ge=0, lt=24 * 60)]
QuietHours = Annotated[tuple[Minute, Minute] | None, BeforeValidator(_quiet_hours)]
RequestRate = Annotated[str, BeforeValidator(_request_rate)]
RateLimits = Annotated[dict[Literal["push", "sms", "email"], tuple[PositiveInt, PositiveInt]],
                       BeforeValidator(_rate_limits)]


class SettingsGroup(BaseModel):
    """A provider's settings: HERALD_<PROVIDER>_* fields, with defaults for the sandbox.

    Each group also says which setting is its endpoint, what production's endpoint looks
    like, which settings are its credentials (shown masked, never whole) and which key file
    production needs.
    """

    endpoint: ClassVar[str | None] = None
    real_endpoint: ClassVar[str] = ""
    credentials: ClassVar[tuple[str, ...]] = ()
    key_file: ClassVar[str | None] = None


class _Environment(EnvSettingsSource):
    """HERALD_* variables, except for the settings only code passes."""

    def get_field_value(self, field, field_name):
        if field.json_schema_extra == NO_ENV:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class HeraldSettings(BaseSettings):
    """Typed settings from keyword overrides, else HERALD_* variables, else defaults.

    A misspelled override or a value of the wrong shape raises ConfigurationError naming
    the setting, so a process refuses to start rather than fail at send time.
    """

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, case_sensitive=True, extra="forbid", validate_by_name=True,
        validate_default=True, validate_assignment=True, enable_decoding=False)

    def __init__(self, **overrides):
        try:
            super().__init__(**overrides)
        except ValidationError as exc:
            raise ConfigurationError(problems_from(exc, type(self))) from None

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        return init_settings, _Environment(settings_cls)  # no .env or secrets files

    @classmethod
    def variables(cls) -> dict[str, str]:
        """{setting: the HERALD_* variable it is read from}."""
        return {name: variable(name, field) for name, field in cls.model_fields.items()
                if field.json_schema_extra != NO_ENV}

    @model_validator(mode="after")
    def _derive_defaults(self):
        for name, field in type(self).model_fields.items():
            derived = [m for m in field.metadata if isinstance(m, Derived)]
            if derived and name not in self.model_fields_set:
                self.__dict__[name] = derived[0].compute(self)
                self.model_fields_set.add(name)  # computed once, as if given
        return self


def variable(name: str, field) -> str:
    alias = field.validation_alias
    if field.json_schema_extra == NO_ENV:
        return name
    return alias if isinstance(alias, str) else f"{PREFIX}{name}"


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """One Problem per invalid or unknown setting, naming its HERALD_* variable."""
    fields = model.model_fields
    by_variable = {variable(n, f): n for n, f in fields.items()}
    found = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "settings"
        name = by_variable.get(name, name)
        if error["type"] == "extra_forbidden":
            guess = difflib.get_close_matches(name, fields, n=1)
            hint = f": did you mean {guess[0]}?" if guess else ""
            found.append(Problem(name, f"is not a setting{hint}"))
            continue
        given = repr(error["input"])
        given = given if len(given) <= 60 else given[:57] + "..."
        where = "".join(f"[{part}]" for part in error["loc"][1:])  # inside a list or map
        reason = error["msg"].removeprefix("Value error, ")
        found.append(Problem(variable(name, fields[name]) if name in fields else name,
                             f"is {given}{where and f' at {where}'}: {reason}"))
    return found
