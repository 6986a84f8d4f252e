"""The analytics overview of the last days: volume per channel per day, delivery and
failure rates per provider, the opt-out trend, and per-template numbers for
transactional sends (those of no campaign). The templates' numbers add the rollups of the
days retention has dropped (notification_rollups, template_rollups), counted whole by UTC
day."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, cast, func, literal, select

from app.core.analytics import buckets
from app.core.analytics.funnel import FAILED, SENT
from app.models import (
    Event,
    Notification,
    NotificationRollup,
    Preference,
    Suppression,
    Template,
    TemplateRollup,
    TemplateVersion,
)
from app.models.contacts import CHANNELS
from app.models.notifications import Status

MAX_DAYS = 90


@dataclass(frozen=True)
class ProviderRates:
    provider: str
    attempted: int  # sent, delivered, failed or dead
    delivered: int
    failed: int

    def rate(self, figure: str) -> float | None:
        return getattr(self, figure) / self.attempted if self.attempted else None


@dataclass(frozen=True)
class TemplateNumbers:
    key: str
    name: str
    rows: int
    sent: int
    delivered: int
    failed: int
    suppressed: int
    opened: int = 0
    clicked: int = 0


@dataclass
class Overview:
    days: int
    since: datetime
    volume: list[tuple[datetime, dict[str, int]]]  # local day -> channel -> rows
    providers: list[ProviderRates]
    opt_outs: list[tuple[datetime, dict[str, int]]]  # local day -> reason -> count
    opt_out_kinds: tuple[str, ...]
    templates: list[TemplateNumbers]


def overview(session, zone: ZoneInfo, days: int, now: datetime, humans_only: bool = True
             ) -> Overview:
    """Every number of the overview, since the start of the local day `days - 1` ago."""
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    first = datetime.combine(today.date() - timedelta(days=days - 1), today.time(), zone)
    n = Notification
    slot = buckets.slice_of(session, n.created_at)
    volume = session.execute(select(slot, n.channel, func.count()).where(
        n.created_at >= first).group_by(slot, n.channel)).all()
    kinds, opt_outs = _opt_outs(session, first)
    return Overview(
        days=days, since=first,
        volume=buckets.series(volume, zone, "day", CHANNELS, first, today),
        providers=_providers(session, first),
        opt_outs=buckets.series(opt_outs, zone, "day", kinds, first, today),
        opt_out_kinds=kinds, templates=_templates(session, first, humans_only))


def _providers(session, since: datetime) -> list[ProviderRates]:
    n = Notification
    rows = session.execute(select(n.provider, n.status, func.count()).where(
        n.created_at >= since, n.provider.is_not(None),
        n.status.in_([*SENT, *FAILED])).group_by(n.provider, n.status)).all()
    found: dict[str, list[int]] = {}
    for provider, status, number in rows:
        figures = found.setdefault(provider, [0, 0, 0])
        figures[0] += number
        figures[1] += number if status == Status.DELIVERED else 0
        figures[2] += number if status in FAILED else 0
    return [ProviderRates(p, *f) for p, f in sorted(found.items())]


def _opt_outs(session, since: datetime) -> tuple[tuple[str, ...], list]:
    """Suppressions per reason and recipients' own opt-outs, as (slot, kind, count)."""
    s, p = Suppression, Preference
    slot = buckets.slice_of(session, s.created_at)
    rows = session.execute(select(slot, s.reason, func.count()).where(
        s.created_at >= since).group_by(slot, s.reason)).all()
    slot = buckets.slice_of(session, p.updated_at)
    rows += session.execute(select(slot, literal("opted_out"), func.count()).where(
        p.updated_at >= since, p.source == "recipient", p.opted_in.is_(False))
        .group_by(slot)).all()
    kinds = tuple(sorted({kind for _, kind, _ in rows} - {"opted_out"})) + ("opted_out",)
    return kinds, rows


def _templates(session, since: datetime, humans_only: bool) -> list[TemplateNumbers]:
    found: dict[tuple, dict] = {}
    for key, name, status, number in _template_rows(session, since):
        f = found.setdefault((key, name), dict.fromkeys(
            ("rows", "sent", "delivered", "failed", "suppressed", "opened", "clicked"), 0))
        f["rows"] += number
        f["sent"] += number if status in SENT else 0
        f["delivered"] += number if status == Status.DELIVERED else 0
        f["failed"] += number if status in FAILED else 0
        f["suppressed"] += number if status == Status.SUPPRESSED else 0
    for key, name, kind, number in _template_engagement(session, since, humans_only):
        if (key, name) in found:
            found[(key, name)][kind] += number
    return [TemplateNumbers(k, name, **f) for (k, name), f in
            sorted(found.items(), key=lambda item: -item[1]["rows"])]


def _keyed(model):
    """Template key and name, joined to the model's rows of the template's versions."""
    return select(Template.key, Template.name).join(
        TemplateVersion, TemplateVersion.template_id == Template.id).join(
        model, model.template_version_id == TemplateVersion.id)


def _template_rows(session, since: datetime) -> list:
    """(template key, name, status, rows) of transactional sends since then: the log's,
    then the rollups' of the days retention has dropped (whole UTC days)."""
    n, r = Notification, NotificationRollup
    live = _keyed(n).add_columns(n.status, func.count()).where(
        n.created_at >= since, n.campaign_id.is_(None))
    rolled = _keyed(r).add_columns(
        r.status, cast(func.sum(r.rows), BigInteger)).where(
        r.day >= since.astimezone(UTC).date(), r.campaign_id.is_(None))
    return [*session.execute(live.group_by(Template.key, Template.name, n.status)).all(),
            *session.execute(rolled.group_by(Template.key, Template.name, r.status)).all()]


def _template_engagement(session, since: datetime, humans_only: bool) -> list:
    """(template key, name, kind, messages) opened or clicked, of the sends since then: the
    log's, then those template_rollups kept (each message is in one or the other)."""
    n, e, t = Notification, Event, TemplateRollup
    where = [n.created_at >= since, n.campaign_id.is_(None), e.kind.in_(("opened", "clicked"))]
    if humans_only:
        where.append(e.machine.is_(False))
    live = _keyed(n).add_columns(
        e.kind, func.count(e.notification_id.distinct())).join(
        e, e.notification_id == n.id).where(*where)
    rolled = _keyed(t).add_columns(
        t.kind, cast(func.sum(t.humans if humans_only else t.notifications), BigInteger)
    ).where(t.day >= since.astimezone(UTC).date())
    return [*session.execute(live.group_by(Template.key, Template.name, e.kind)).all(),
            *session.execute(rolled.group_by(Template.key, Template.name, t.kind)).all()]
