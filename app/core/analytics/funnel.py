"""A campaign's funnel: targeted → suppressed (by reason) → sent → delivered → opened →
clicked → converted, in total and per channel, variant and platform (the provider).

A GROUP BY over the runs' rows by status, and one over their events (which carry their
notification's run, channel, variant and provider: no join), counting the notifications
with at least one event of each kind — people's only, unless machines are asked for. Days
retention has dropped count from their rollups (notification_rollups, event_rollups).
"""
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, cast, func, select

from app.models import Event, EventRollup, Notification, NotificationRollup
from app.models.notifications import Status

ENGAGEMENT = ("opened", "clicked", "converted")
SENT = (Status.SENT.value, Status.DELIVERED.value)
FAILED = (Status.FAILED.value, Status.DEAD.value)
HOLDOUT = "holdout"
DIMENSIONS = {"channel": "Channel", "variant": "Variant", "platform": "Platform"}


@dataclass
class Funnel:
    targeted: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)  # reason -> rows (no holdout)
    holdout: int = 0
    sent: int = 0  # sent or delivered
    delivered: int = 0
    failed: int = 0
    waiting: int = 0  # not sent yet (held, queued, retrying)
    opened: int = 0
    clicked: int = 0
    converted: int = 0

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())

    def rate(self, figure: str) -> float | None:
        """A stage over the one it is measured against (sent over targeted, delivered over
        sent, engagement over delivered)."""
        base = {"sent": self.targeted - self.holdout, "delivered": self.sent}.get(
            figure, self.delivered)
        return getattr(self, figure) / base if base else None

    def add_rows(self, status: str, reason: str | None, rows: int) -> None:
        self.targeted += rows
        if status == Status.SUPPRESSED and reason == HOLDOUT:
            self.holdout += rows
        elif status == Status.SUPPRESSED:
            key = reason or "unknown"
            self.suppressed[key] = self.suppressed.get(key, 0) + rows
        elif status in SENT:
            self.sent += rows
            self.delivered += rows if status == Status.DELIVERED else 0
        elif status in FAILED:
            self.failed += rows
        else:
            self.waiting += rows


@dataclass
class Breakdown:
    total: Funnel
    by: dict[str, dict[str, Funnel]]  # dimension -> value -> funnel


def variant_label(position: int | None) -> str:
    return "ABCD"[position] if position is not None and 0 <= position < 4 else "-"


def _keys(channel: str, variant: int | None, provider: str | None) -> dict[str, str]:
    return {"channel": channel, "variant": variant_label(variant), "platform": provider or "-"}


def engaged(run_ids: list[int], humans_only: bool):
    """(channel, variant, provider, kind, notifications) with at least one such event: from
    the events alone (they carry their notification's run and dimensions)."""
    e = Event
    where = [e.campaign_run_id.in_(run_ids), e.kind.in_(ENGAGEMENT)]
    if humans_only:
        where.append(e.machine.is_(False))
    # DISTINCT then count: a hash, where count(DISTINCT …) would sort every event.
    once = select(e.channel, e.variant, e.provider, e.kind, e.notification_id).where(
        *where).distinct().subquery("once")
    dimensions = (once.c.channel, once.c.variant, once.c.provider, once.c.kind)
    return select(*dimensions, func.count()).group_by(*dimensions)


def breakdown(session, run_ids: list[int], humans_only: bool = True) -> Breakdown:
    """The funnel of the runs' rows, in total and per channel, variant and platform."""
    total = Funnel()
    by: dict[str, dict[str, Funnel]] = {d: {} for d in DIMENSIONS}
    if not run_ids:
        return Breakdown(total, by)
    n = Notification
    dimensions = (n.channel, n.variant, n.provider)
    rows = session.execute(select(*dimensions, n.status, n.reason, func.count()).where(
        n.campaign_run_id.in_(run_ids)).group_by(*dimensions, n.status, n.reason)).all()
    for channel, variant, provider, status, reason, number in [*rows, *rolled_up(session,
                                                                                 run_ids)]:
        for funnel in _funnels(total, by, _keys(channel, variant, provider)):
            funnel.add_rows(status, reason, number)
    for channel, variant, provider, kind, number in [
            *session.execute(engaged(run_ids, humans_only)).all(),
            *engaged_rolled_up(session, run_ids, humans_only)]:
        for funnel in _funnels(total, by, _keys(channel, variant, provider)):
            setattr(funnel, kind, getattr(funnel, kind) + number)
    return Breakdown(total, {d: dict(sorted(v.items())) for d, v in by.items()})


def rolled_up(session, run_ids: list[int]) -> list:
    """The runs' rows retention has dropped, as their daily counts kept them (the same
    columns as the live count)."""
    r = NotificationRollup
    dimensions = (r.channel, r.variant, r.provider, r.status, r.reason)
    return session.execute(select(*dimensions, cast(func.sum(r.rows), BigInteger)).where(
        r.campaign_run_id.in_(run_ids)).group_by(*dimensions)).all()


def engaged_rolled_up(session, run_ids: list[int], humans_only: bool) -> list:
    """The runs' engaged notifications among the events retention has dropped (the same
    columns as engaged())."""
    r = EventRollup
    dimensions = (r.channel, r.variant, r.provider, r.kind)
    counted = r.humans if humans_only else r.notifications
    return session.execute(select(*dimensions, cast(func.sum(counted), BigInteger)).where(
        r.campaign_run_id.in_(run_ids), r.kind.in_(ENGAGEMENT)).group_by(*dimensions)).all()


def _funnels(total: Funnel, by: dict, keys: dict[str, str]) -> list[Funnel]:
    return [total, *(by[d].setdefault(value, Funnel()) for d, value in keys.items())]
