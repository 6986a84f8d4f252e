"""The A/B test's winner: the variant with the best rate on the campaign's metric among
the test group's rows (delivered, or opened/clicked/converted from engagement events
people made: a machine's open or click never picks a winner)."""

from sqlalchemy import func, select

from app.models import Event, Notification
from app.models.notifications import Status

SENT = (Status.SENT, Status.DELIVERED)
ATTEMPTED = (Status.SENT, Status.DELIVERED, Status.FAILED, Status.DEAD)


def rates(session, run) -> dict[int, tuple[int, int]]:
    """{variant position: (successes, base)} for the run's metric, over the test rows."""
    metric = run.campaign.winner_metric
    n = Notification
    of_run = [n.campaign_run_id == run.id, n.variant.is_not(None)]
    if metric in ("delivered", "manual"):
        base = dict(session.execute(select(n.variant, func.count()).where(
            *of_run, n.status.in_([s.value for s in ATTEMPTED])).group_by(n.variant)).all())
        hits = dict(session.execute(select(n.variant, func.count()).where(
            *of_run, n.status == Status.DELIVERED).group_by(n.variant)).all())
    else:
        base = dict(session.execute(select(n.variant, func.count()).where(
            *of_run, n.status.in_([s.value for s in SENT])).group_by(n.variant)).all())
        hits = dict(session.execute(
            select(n.variant, func.count(Event.notification_id.distinct()))
            .join(Event, Event.notification_id == n.id)
            .where(*of_run, Event.kind == metric, Event.machine.is_(False))
            .group_by(n.variant)).all())
    positions = range(len(run.campaign.variants))
    return {p: (hits.get(p, 0), base.get(p, 0)) for p in positions}


def choose(session, run) -> tuple[int, str]:
    """(winning position, why) — ties go to the earlier variant."""
    found = rates(session, run)
    def rate(p):
        hits, base = found[p]
        return hits / base if base else 0.0
    best = max(found, key=lambda p: (rate(p), -p))
    metric = run.campaign.winner_metric
    words = ", ".join(f"{'ABCD'[p]} {rate(p):.1%} of {found[p][1]:,}" for p in sorted(found))
    return best, f"best {metric} rate in the test: {words}"
