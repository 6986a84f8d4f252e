"""Campaigns: the definition (the core's spec, held to the API's strictness), runs, stats."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.api.schemas.common import Cursor, DateTime, Input, Limit, Output, Params, example
from app.core.campaigns import spec
from app.models.campaigns import CampaignStatus, RunStatus

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Label = Literal["A", "B", "C", "D"]
STATUSES = tuple(s.value for s in CampaignStatus)
# A local date whose instants exist in every zone (datetime's range ends at years 1 and 9999).
LocalDate = Annotated[date, Field(gt=date.min, lt=date.max)]
SPEC_EXAMPLE = {
    "name": "Winter sale", "category": "orders", "segment_id": 1, "channels": ["email"],
    "variants": [{"template": "welcome"}],
    "schedule": {"kind": "at", "send_at": "2027-01-15T09:00:00Z", "timezone": "Europe/Paris"},
    "window": {"start": "09:00", "end": "20:00", "days": [0, 1, 2, 3, 4]},
    "throttle_per_minute": 1000,
}
FIGURES_EXAMPLE = {"rows": 980, "held": 0, "waiting": 0, "queued": 0, "sent": 12,
                   "delivered": 940, "failed": 3, "suppressed": 25}
STATS_EXAMPLE = {"total": FIGURES_EXAMPLE, "channels": {"email": FIGURES_EXAMPLE},
                 "variants": {"A": FIGURES_EXAMPLE}, "reasons": {"opted_out": 25},
                 "targeted": 980, "counted_at": "2027-01-15T09:04:00Z"}
RUN_EXAMPLE = {"number": 1, "status": "completed", "phase": "all",
               "scheduled_for": "2027-01-15T09:00:00Z", "started_at": "2027-01-15T09:00:01Z",
               "finished_at": "2027-01-15T09:04:00Z", "winner": None, "winner_reason": None,
               "failure": None, "stats": STATS_EXAMPLE}
SUMMARY_EXAMPLE = {"id": 1, "name": "Winter sale", "status": "completed", "category": "orders",
                   "channels": ["email"], "schedule_kind": "at", "next_run_at": None,
                   "created_by": "api-key", "created_at": "2027-01-10T16:00:00Z",
                   "updated_at": "2027-01-10T16:00:00Z", "archived_at": None}
CAMPAIGN_EXAMPLE = {**SUMMARY_EXAMPLE, "definition": SPEC_EXAMPLE, "last_run": RUN_EXAMPLE}



class VariantIn(spec.Variant, Input):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None, description="The template version to pin; default: the published one.")


class ScheduleIn(spec.Schedule, Input):
    send_at: DateTime | None = Field(None, description="kind `at`: when to send.")
    local_date: LocalDate | None = Field(None, description="kind `local`: the recipients' day.")


class WindowIn(spec.Window, Input):
    """Only send between start and end, recipient-local, on these weekdays (0 = Monday)."""


class CampaignIn(spec.CampaignSpec, Input):
    """A campaign's whole definition (fields left out take their defaults)."""

    model_config = example(SPEC_EXAMPLE)

    segment_id: Id | None = None
    exclusion_segment_id: Id | None = None
    variants: list[VariantIn] = Field(
        default_factory=list, max_length=4,
        description="One template, or 2 to 4 variants (A, B, C, D in this order).")
    schedule: ScheduleIn = Field(default_factory=ScheduleIn)
    window: WindowIn | None = None
    expires_at: DateTime | None = Field(None, description="Nothing is delivered after it.")


class WinnerIn(Input):
    model_config = example({"variant": "B"})

    variant: Label = Field(description="The variant the rest of the audience gets.")


class Figures(Output):
    rows: int = 0
    held: int = Field(0, description="Waiting for their send time (recipient zone, window).")
    waiting: int = Field(0, description="Due, waiting for the throttle or the next tick.")
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    suppressed: int = 0


class StatsOut(Output):
    model_config = example(STATS_EXAMPLE)

    total: Figures = Field(default_factory=Figures)
    channels: dict[str, Figures] = Field(default_factory=dict)
    variants: dict[str, Figures] = Field(default_factory=dict)
    reasons: dict[str, int] = Field(default_factory=dict, description="Suppressed, by reason.")
    targeted: int = 0
    counted_at: datetime | None = Field(None, description="When the numbers were counted.")


class RunOut(Output):
    model_config = example(RUN_EXAMPLE)

    number: int
    status: Literal[tuple(s.value for s in RunStatus)]
    phase: Literal["all", "test", "final"]
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    winner: Label | None
    winner_reason: str | None
    failure: str | None
    stats: StatsOut


class CampaignSummary(Output):
    model_config = example(SUMMARY_EXAMPLE)

    id: int
    name: str
    status: Literal[STATUSES]
    category: str
    channels: list[str]
    schedule_kind: str
    next_run_at: datetime | None = Field(description="When the next run starts.")
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


class CampaignOut(CampaignSummary):
    model_config = example(CAMPAIGN_EXAMPLE)

    definition: spec.CampaignSpec = Field(description="The body PUT takes.")
    last_run: RunOut | None


class CampaignCancelled(CampaignOut):
    model_config = example({**CAMPAIGN_EXAMPLE, "status": "cancelled", "stopped": 120})

    stopped: int = Field(description="Messages not yet sent that will not be.")


class CampaignPage(Output):
    model_config = example({"data": [SUMMARY_EXAMPLE], "next_cursor": None})

    data: list[CampaignSummary]
    next_cursor: str | None


class RunList(Output):
    model_config = example({"data": [RUN_EXAMPLE], "next_cursor": None})

    data: list[RunOut] = Field(description="Newest first.")
    next_cursor: str | None


class Progress(Output):
    percent: int
    rows: int
    done: int
    remaining: int
    per_second: float
    eta: datetime | None


class CampaignStats(Output):
    model_config = example({"run": RUN_EXAMPLE, "progress": {
        "percent": 100, "rows": 980, "done": 980, "remaining": 0, "per_second": 4.1,
        "eta": None}})

    run: RunOut | None = Field(description="The live run, else the last one; null before "
                                           "the first run.")
    progress: Progress | None


class Audience(Output):
    channels: dict[str, dict[str, int]] = Field(
        description="Per channel: `send` and how many are left out, by reason.")
    contacts: int = Field(description="Contacts in the audience.")
    send: int = Field(description="Messages that would be sent.")
    reasons: dict[str, int]


class Review(Output):
    model_config = example({
        "audience": {"channels": {"email": {"send": 955, "opted_out": 25}}, "contacts": 980,
                     "send": 955, "reasons": {"opted_out": 25}},
        "estimated_seconds": 58, "first_run_at": "2027-01-15T09:00:00Z", "next_runs": [],
        "errors": []})

    audience: Audience
    estimated_seconds: int | None = Field(description="At the throttle; null: unthrottled.")
    first_run_at: datetime | None = Field(
        description="A draft: when it would start if scheduled now; else its next run.")
    next_runs: list[datetime] = Field(description="A recurring campaign's next five runs.")
    errors: list[dict[str, str]] = Field(
        description="What stops a draft from being scheduled, as {field, message}.")


class CampaignPath(Params):
    campaign_id: Annotated[Id, Field(examples=[1])]


class RunQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None


class CampaignQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
    status: list[Literal[STATUSES]] | None = Field(None, examples=[["sending"]],
                                                   description="Repeat to match several.")
    archived: bool = Field(False, description="List archived campaigns instead.")
