"""A/B variants against A, and the sent group against the holdout.

Variants are compared per message sent (opened, clicked, converted over sent or
delivered rows, as the test-phase winner counts them); the holdout per contact: the
share of contacts with a conversion from the run's start to the attribution window after
its end, whether or not it was attributed to a message (the holdout got none).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

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
    of_runs = [n.campaign_run_id.in_(run_ids), n.contact_id.is_not(None)]
    is_sent, is_held = n.status.in_(SENT), n.reason == HOLDOUT
    held, sent = session.execute(select(
        func.count(n.contact_id.distinct()).filter(is_held),
        func.count(n.contact_id.distinct()).filter(is_sent)).where(*of_runs)).one()
    if not held:
        return None
    start = min(r.started_at for r in runs)
    end = max(r.finished_at or now for r in runs) + timedelta(hours=window_hours)
    conditions = [Event.kind == "converted", Event.at >= start, Event.at <= end]
    if humans_only:
        conditions.append(Event.machine.is_(False))
    converted = select(Event.contact_id).where(*conditions).distinct().subquery("converted")
    held_hits, sent_hits = session.execute(select(
        func.count(n.contact_id.distinct()).filter(is_held),
        func.count(n.contact_id.distinct()).filter(is_sent))
        .join(converted, converted.c.contact_id == n.contact_id).where(*of_runs)).one()
    return HoldoutResult((sent_hits, sent), (held_hits, held),
                         lift((sent_hits, sent), (held_hits, held)), end)
