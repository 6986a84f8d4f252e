"""A/B variants against A, and the sent group against the holdout.

Variants are compared per message sent (opened, clicked, converted over sent or
delivered rows, as the test-phase winner counts them); the holdout per contact: the
share of contacts with a conversion from the run's start to the attribution window after
its end, whether or not it was attributed to a message (the holdout got none).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, or_, select

from app.core.analytics.funnel import ENGAGEMENT, HOLDOUT, SENT, Funnel
from app.core.analytics.significance import Comparison, Lift, lift, two_proportion, verdict
from app.models import Event, Notification


@dataclass(frozen=True)
class VariantResult:
    label: str
    sent: int
    rates: dict[str, float | None]  # metric -> rate per sent message
    comparisons: dict[str, Comparison]  # metric -> against A (absent for A)
    verdicts: dict[str, str]


def ab_results(variants: dict[str, Funnel]) -> list[VariantResult]:
    """Each variant's rates; B, C, D each tested against A on every metric."""
    labels = [label for label in sorted(variants) if label != "-"]
    if len(labels) < 2:
        return []
    control = variants[labels[0]]
    results = []
    for label in labels:
        funnel = variants[label]
        rates = {m: getattr(funnel, m) / funnel.sent if funnel.sent else None
                 for m in ENGAGEMENT}
        comparisons = {} if label == labels[0] else {
            m: two_proportion((getattr(control, m), control.sent),
                              (getattr(funnel, m), funnel.sent)) for m in ENGAGEMENT}
        verdicts = {m: verdict(c, _metric_word(m), labels[0], label)
                    for m, c in comparisons.items()}
        results.append(VariantResult(label, funnel.sent, rates, comparisons, verdicts))
    return results


def _metric_word(metric: str) -> str:
    return {"opened": "opens", "clicked": "clicks", "converted": "conversions"}[metric]


@dataclass(frozen=True)
class HoldoutResult:
    sent: tuple[int, int]  # (converted contacts, contacts)
    holdout: tuple[int, int]
    lift: Lift
    window_end: datetime


def holdout_result(session, runs, window_hours: int, now: datetime,
                   humans_only: bool = True) -> HoldoutResult | None:
    """Conversion per contact, sent group against holdout; None without a holdout."""
    run_ids = [r.id for r in runs]
    n = Notification
    group = case((n.reason == HOLDOUT, literal(HOLDOUT)), else_=literal("sent")).label("grp")
    members = select(group, n.contact_id).where(
        n.campaign_run_id.in_(run_ids), n.contact_id.is_not(None),
        or_(n.reason == HOLDOUT, n.status.in_(SENT))).distinct().subquery("members")
    start = min(r.started_at for r in runs)
    end = max(r.finished_at or now for r in runs) + timedelta(hours=window_hours)
    conditions = [Event.kind == "converted", Event.at >= start, Event.at <= end]
    if humans_only:
        conditions.append(Event.machine.is_(False))
    converted = select(Event.contact_id).where(*conditions).distinct().subquery("converted")
    counts = {grp: (hits, total) for grp, total, hits in session.execute(
        select(members.c.grp, func.count(), func.count(converted.c.contact_id))
        .outerjoin(converted, converted.c.contact_id == members.c.contact_id)
        .group_by(members.c.grp)).all()}
    if HOLDOUT not in counts:
        return None
    sent = counts.get("sent", (0, 0))
    return HoldoutResult(sent, counts[HOLDOUT], lift(sent, counts[HOLDOUT]), end)

