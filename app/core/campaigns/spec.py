"""What a campaign definition may hold: one typed model shared by the API and the console.

parse() turns a dict into a CampaignSpec or raises ValidationFailed with a JSON pointer
per bad field; checks that need the database (the category, segments and templates
exist) are in store.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from app.errors import ValidationFailed

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Channel = Literal["push", "sms", "email"]
MIN_RECURRENCE_SECONDS = 3600  # a recurring campaign runs at most hourly
# The schedule fields each kind of schedule needs.
SCHEDULE_NEEDS = {"at": ("send_at",), "local": ("local_date", "local_time"),
                  "recurring": ("cron",)}
WINNER_METRICS = ("delivered", "opened", "clicked", "converted", "manual")


class _Fields(ValueError):  # noqa: N818 - collected by pydantic like any ValueError
    """A validator's errors on named fields (pydantic collects it with the others)."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not a known time zone (e.g. Europe/Paris)") from exc
    return name


Zone = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Far enough for any campaign, near enough that time-zone arithmetic never overflows.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def _in_range(value):
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Variant(_Part):
    template: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None, description="The template version to pin; default: the published one.")
    share: Annotated[int, Field(ge=0, le=100)] = Field(
        100, description="Percent of the sent group (split mode).")


class Schedule(_Part):
    kind: Literal["now", "at", "local", "recurring"] = "now"
    send_at: AwareDatetime | None = Field(None, description="kind `at`: when to send.")
    local_date: date | None = Field(None, description="kind `local`: the recipients' day.")
    local_time: HHMM | None = Field(None, description="kind `local`: the recipients' time.")
    cron: Annotated[str, StringConstraints(max_length=120, strip_whitespace=True)] | None = \
        Field(None, description="kind `recurring`: a cron expression, in `timezone`.")
    timezone: Zone = Field("UTC", description="The zone `cron` and the console's times use.")
    default_timezone: Zone = Field("UTC", description="The zone of contacts without one.")

    _zones = field_validator("timezone", "default_timezone")(_zone)
    _dates = field_validator("send_at", "local_date")(_in_range)

    @field_validator("cron")
    @classmethod
    def _cron(cls, value):
        if value is None:
            return value
        if not croniter.is_valid(value) or len(value.split()) != 5:
            raise ValueError("not a cron expression of five fields (e.g. 0 9 * * 1)")
        try:
            runs = croniter(value, 0)
            first, second = runs.get_next(float), runs.get_next(float)
        except (ValueError, KeyError, OverflowError) as exc:  # "0 0 31 2 *"
            raise ValueError("never runs (no such date)") from exc
        if second - first < MIN_RECURRENCE_SECONDS:
            raise ValueError("runs more often than once an hour")
        return value

    @model_validator(mode="after")
    def _kind_needs(self):
        needs = SCHEDULE_NEEDS.get(self.kind, ())
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise _Fields([{"field": f"/schedule/{name}",
                            "message": f"required when kind is {self.kind}"}
                           for name in missing])
        return self


class Window(_Part):
    """Only send between start and end, recipient-local, on these weekdays (0 = Monday)."""

    start: HHMM
    end: HHMM
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(range(7)), min_length=1, max_length=7)

    @model_validator(mode="after")
    def _not_empty(self):
        if self.start == self.end:
            raise ValueError("start and end must differ")
        self.days = sorted(set(self.days))
        return self


class CampaignSpec(_Part):
    name: Annotated[str, StringConstraints(min_length=1, max_length=255,
                                           strip_whitespace=True)]
    category: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    segment_id: Id | None = None
    exclusion_segment_id: Id | None = None
    channels: list[Channel] = Field(default_factory=lambda: ["email"], min_length=1,
                                    max_length=3)
    channel_mode: Literal["all", "fallback"] = Field(
        "all", description="`all`: every listed channel the contact can receive; "
                           "`fallback`: only the first of them, in the order listed.")
    variants: list[Variant] = Field(default_factory=list, max_length=4)
    ab_mode: Literal["split", "test"] = "split"
    test_percent: Annotated[int, Field(ge=1, le=50)] = 20
    test_wait_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 240
    winner_metric: Literal[WINNER_METRICS] = "delivered"
    holdout_percent: Annotated[int, Field(ge=0, le=50)] = 0
    schedule: Schedule = Field(default_factory=Schedule)
    window: Window | None = None
    expires_at: AwareDatetime | None = None
    throttle_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] | None = None

    _expiry = field_validator("expires_at")(_in_range)

    @model_validator(mode="after")
    def _consistent(self):
        errors = []
        if len(set(self.channels)) != len(self.channels):
            errors.append({"field": "/channels", "message": "lists a channel twice"})
        if self.ab_mode == "test" and len(self.variants) < 2:
            errors.append({"field": "/variants", "message": "an A/B test needs 2 to 4 variants"})
        if self.ab_mode == "split" and len(self.variants) > 1 and \
                sum(v.share for v in self.variants) != 100:
            errors.append({"field": "/variants", "message": "shares must add up to 100"})
        if self.segment_id is not None and self.segment_id == self.exclusion_segment_id:
            errors.append({"field": "/exclusion_segment_id",
                           "message": "cannot be the audience segment itself"})
        if errors:
            raise _Fields(errors)
        return self


def parse(data) -> CampaignSpec:
    """A CampaignSpec from a dict, or ValidationFailed naming every bad field."""
    try:
        return CampaignSpec.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Some campaign fields are not valid", _errors(exc)) from None


def _errors(exc: ValidationError) -> list[dict]:
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        inner = (error.get("ctx") or {}).get("error")
        if isinstance(inner, _Fields):  # a model validator's own field errors
            errors += inner.errors
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        errors.append({"field": "".join(f"/{p}" for p in error["loc"]), "message": message})
    return errors
