"""Campaigns: one template (or 2–4 variants) sent to a segment, once or on a schedule.

A campaign is the operator's definition; each time it goes out is a run, which owns the
notification rows it fanned out (notifications.campaign_run_id) and its own numbers.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.templates import TemplateVersion
from app.models.types import BigId, Json, UTCDateTime, utcnow


class CampaignStatus(StrEnum):
    """draft → scheduled → sending ⇄ paused → completed | cancelled | failed."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class RunStatus(StrEnum):
    """fanning_out → (testing → fanning_out) → sending → completed | cancelled | failed;
    paused from any live state."""

    FANNING_OUT = "fanning_out"
    TESTING = "testing"  # the test share went out; waiting to pick the winner
    SENDING = "sending"  # every row written; releasing and delivering
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


LIVE_RUN = (RunStatus.FANNING_OUT, RunStatus.TESTING, RunStatus.SENDING, RunStatus.PAUSED)


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.DRAFT.value,
                                        index=True)
    category: Mapped[str] = mapped_column(String(64))
    # A segment a campaign uses cannot be deleted (segments.store turns that into a 409).
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"))
    exclusion_segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"))
    # "all": every listed channel the contact can receive; "fallback": the first of them.
    channel_mode: Mapped[str] = mapped_column(String(16), default="all")
    channels: Mapped[list] = mapped_column(Json, default=list)
    # A/B: "split" sends every variant at its share; "test" sends them to test_percent of
    # the audience, then the winner by winner_metric to the rest after test_wait_minutes.
    ab_mode: Mapped[str] = mapped_column(String(8), default="split")
    test_percent: Mapped[int] = mapped_column(Integer, default=20)
    test_wait_minutes: Mapped[int] = mapped_column(Integer, default=240)
    winner_metric: Mapped[str] = mapped_column(String(16), default="delivered")
    holdout_percent: Mapped[int] = mapped_column(Integer, default=0)
    # "now", "at" (send_at), "local" (local_time on local_date in each recipient's zone),
    # "recurring" (cron in `timezone`).
    schedule_kind: Mapped[str] = mapped_column(String(16), default="now")
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    local_date: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD
    local_time: Mapped[str | None] = mapped_column(String(5))  # HH:MM
    cron: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The zone of contacts without a valid one of their own.
    default_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Send window in each recipient's zone: minutes after midnight, and weekdays (0 = Monday).
    window_start: Mapped[int | None] = mapped_column(Integer)
    window_end: Mapped[int | None] = mapped_column(Integer)
    window_days: Mapped[list] = mapped_column(Json, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    throttle_per_minute: Mapped[int | None] = mapped_column(Integer)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    variants: Mapped[list["CampaignVariant"]] = relationship(
        back_populates="campaign", order_by="CampaignVariant.position",
        cascade="all, delete-orphan", passive_deletes=True)
    runs: Mapped[list["CampaignRun"]] = relationship(
        back_populates="campaign", order_by="CampaignRun.number",
        cascade="all, delete-orphan", passive_deletes=True)


class CampaignVariant(db.Model):
    """One version of the content, pinned to a published template version."""

    __tablename__ = "campaign_variants"
    __table_args__ = (UniqueConstraint("campaign_id", "position", name="uq_campaign_variants"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0 = "A"
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    share: Mapped[int] = mapped_column(Integer, default=100)  # percent of the sent group

    campaign: Mapped[Campaign] = relationship(back_populates="variants")
    template_version: Mapped[TemplateVersion] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return "ABCD"[self.position]


class CampaignRun(db.Model):
    """One time a campaign goes out, with its fan-out cursor and its numbers."""

    __tablename__ = "campaign_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_campaign_runs"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.FANNING_OUT.value,
                                        index=True)
    # "all" (no test), "test" (the test share), "final" (the rest, with the winner).
    phase: Mapped[str] = mapped_column(String(8), default="all")
    # The last contact id written in this phase: the next chunk starts after it. It moves
    # in the same transaction as the chunk's rows, so a crash can neither skip nor repeat.
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Contacts the fan-out wrote rows for (counted with each chunk, under the same lock).
    targeted: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    winner: Mapped[int | None] = mapped_column(Integer)  # variant position
    winner_reason: Mapped[str | None] = mapped_column(String(255))
    # The numbers as last counted (targeted, by status and reason, per channel and variant).
    stats: Mapped[dict] = mapped_column(Json, default=dict)
    stats_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure: Mapped[str | None] = mapped_column(Text)
    paused_from: Mapped[str | None] = mapped_column(String(16))  # the status to resume to

    campaign: Mapped[Campaign] = relationship(back_populates="runs")
