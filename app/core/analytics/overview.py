"""The analytics overview of the last days: volume per channel per day, delivery and
failure rates per provider, the opt-out trend, and per-template numbers for
transactional sends (those of no campaign)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select

from app.core.analytics import buckets
from app.core.analytics.funnel import FAILED, SENT
from app.models import Event, Notification, Preference, Suppression, Template, TemplateVersion
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
    n = Notification
    of_transactional = [n.created_at >= since, n.campaign_id.is_(None)]
    keyed = select(Template.key, Template.name).join(
        TemplateVersion, TemplateVersion.template_id == Template.id)
    rows = session.execute(keyed.add_columns(n.status, func.count()).join(
        n, n.template_version_id == TemplateVersion.id).where(*of_transactional)
        .group_by(Template.key, Template.name, n.status)).all()
    where = [*of_transactional, Event.kind.in_(("opened", "clicked"))]
    if humans_only:
        where.append(Event.machine.is_(False))
    engaged = session.execute(keyed.add_columns(Event.kind, func.count(
        Event.notification_id.distinct())).join(
        n, n.template_version_id == TemplateVersion.id).join(
        Event, Event.notification_id == n.id).where(*where)
        .group_by(Template.key, Template.name, Event.kind)).all()
    found: dict[tuple, dict] = {}
    for key, name, status, number in rows:
        f = found.setdefault((key, name), dict.fromkeys(
            ("rows", "sent", "delivered", "failed", "suppressed", "opened", "clicked"), 0))
        f["rows"] += number
        f["sent"] += number if status in SENT else 0
        f["delivered"] += number if status == Status.DELIVERED else 0
        f["failed"] += number if status in FAILED else 0
        f["suppressed"] += number if status == Status.SUPPRESSED else 0
    for key, name, kind, number in engaged:
        if (key, name) in found:
            found[(key, name)][kind] = number
    return [TemplateNumbers(k, name, **f) for (k, name), f in
            sorted(found.items(), key=lambda item: -item[1]["rows"])]
