"""A run's numbers: targeted, held, queued, sent, delivered, failed, suppressed by reason,
per channel and per variant, with progress and an ETA.

The tick counts each live run every few seconds into campaign_runs.stats, so the list and
progress pages read one row however large the run; a finished run keeps its last count.
"""

from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, select

from app.models import Notification
from app.models.notifications import Status
from app.models.types import utcnow

S = Status
STATS_SECONDS = 5  # a live run is counted at most this often
BUCKET = {S.ACCEPTED: "held", S.QUEUED: "queued", S.SENDING: "queued", S.RETRYING: "queued",
          S.SENT: "sent", S.DELIVERED: "delivered", S.FAILED: "failed", S.DEAD: "failed",
          S.SUPPRESSED: "suppressed"}
FIGURES = ("rows", "held", "waiting", "queued", "sent", "delivered", "failed", "suppressed")


def _empty() -> dict:
    return dict.fromkeys(FIGURES, 0)


def count(session, run, now: datetime | None = None) -> dict:
    """Count a run's rows now (one GROUP BY over the run's rows)."""
    now = now or utcnow()
    n = Notification
    later = case((n.send_at > now, literal(True)), else_=literal(False)).label("later")
    rows = session.execute(
        select(n.channel, n.variant, n.status, n.reason, later, func.count())
        .where(n.campaign_run_id == run.id)
        .group_by(n.channel, n.variant, n.status, n.reason, later)).all()
    total, channels, variants, reasons = _empty(), {}, {}, {}
    for channel, variant, status, reason, is_later, number in rows:
        figure = BUCKET[Status(status)]
        if figure == "held" and not is_later:
            figure = "waiting"  # due, waiting for the throttle or the next tick
        label = "ABCD"[variant] if variant is not None else "-"
        for group in (total, channels.setdefault(channel, _empty()),
                      variants.setdefault(label, _empty())):
            group[figure] += number
            group["rows"] += number
        if figure == "suppressed":
            reasons[reason or "unknown"] = reasons.get(reason or "unknown", 0) + number
    return {"total": total, "channels": channels, "variants": variants, "reasons": reasons,
            "targeted": run.targeted or 0,
            "counted_at": now.isoformat()}


def refresh(session, run, now: datetime, force: bool = False) -> dict:
    """Recount a run if its count is older than STATS_SECONDS (or when forced)."""
    if force or run.stats_at is None or now - run.stats_at >= timedelta(seconds=STATS_SECONDS):
        stats = count(session, run, now)
        stats["history"] = _history(run.stats or {}, stats, now)
        run.stats, run.stats_at = stats, now
    return run.stats


def _history(old: dict, new: dict, now: datetime) -> list:
    """(time, finished rows) samples of the last ten minutes, for the ETA."""
    done = _finished(new["total"])
    samples = [s for s in old.get("history", [])
               if datetime.fromisoformat(s[0]) > now - timedelta(minutes=10)]
    return [*samples, [now.isoformat(), done]][-120:]


def _finished(total: dict) -> int:
    return total["sent"] + total["delivered"] + total["failed"] + total["suppressed"]


def progress(run, campaign, now: datetime | None = None) -> dict:
    """What the progress page shows: percent done, the remaining rows and an ETA."""
    now = now or utcnow()
    stats = run.stats or {}
    total = stats.get("total") or _empty()
    rows = total["rows"]
    done = _finished(total)
    remaining = rows - done
    rate = _rate(stats.get("history", []))
    if campaign.throttle_per_minute:
        rate = min(rate, campaign.throttle_per_minute / 60) if rate else \
            campaign.throttle_per_minute / 60
    eta = now + timedelta(seconds=remaining / rate) if rate and remaining else None
    return {"percent": round(100 * done / rows) if rows else 0, "rows": rows, "done": done,
            "remaining": remaining, "per_second": round(rate, 1), "eta": eta}


def _rate(history: list) -> float:
    if len(history) < 2:
        return 0.0
    (t0, d0), (t1, d1) = history[0], history[-1]
    seconds = (datetime.fromisoformat(t1) - datetime.fromisoformat(t0)).total_seconds()
    return (d1 - d0) / seconds if seconds > 0 else 0.0
