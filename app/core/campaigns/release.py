"""Let a run's held rows go: due by their send time, within the run's throttle and each
recipient's window; end what expired.

The throttle is a token bucket per campaign in Redis, shared by every node running the
tick: tokens accrue at throttle_per_minute / 60 per second (Redis's own clock) up to a few
seconds' worth, and a release takes at most what the bucket holds, atomically.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.core.campaigns import fanout, timing
from app.core.delivery import rules
from app.core.delivery.transitions import move
from app.models import Category, Contact, Notification
from app.models.notifications import Status
from app.queues import by_channel

MAX_RELEASE = 50_000  # rows per run per tick
BURST_SECONDS = 10  # the bucket holds this many seconds of tokens

# KEYS[1] the bucket; ARGV: rate per second, capacity, tokens wanted. Returns tokens given.
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
local rate, cap, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if tokens == nil then tokens, at = math.min(cap, rate), t end
tokens = math.min(cap, tokens + math.max(0, t - at) * rate)
local given = math.min(want, math.floor(tokens))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - given), 'at', tostring(t))
redis.call('EXPIRE', KEYS[1], 3600)
return given
"""
_REFUND = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HINCRBYFLOAT', KEYS[1], 'tokens', ARGV[1])
end
return 1
"""


def bucket_key(campaign_id: int) -> str:
    return f"herald:campaign:{campaign_id}:throttle"


def take_tokens(redis, campaign, wanted: int) -> int:
    rate = campaign.throttle_per_minute / 60
    capacity = max(1.0, rate * BURST_SECONDS)
    return int(redis.eval(_TAKE, 1, bucket_key(campaign.id), rate, capacity, wanted))


def release(session, redis, config, run, now: datetime) -> dict[str, list[str]]:
    """Move the run's due held rows to `queued` (the caller commits, then queues them);
    return their ids by channel."""
    campaign = run.campaign
    wanted = MAX_RELEASE
    if campaign.throttle_per_minute:
        wanted = take_tokens(redis, campaign, MAX_RELEASE)
        if not wanted:
            return {}
    due = session.execute(
        select(Notification.id, Notification.contact_id).where(
            Notification.campaign_run_id == run.id, Notification.status == Status.ACCEPTED,
            Notification.send_at <= now)
        .order_by(Notification.send_at).limit(wanted).with_for_update(skip_locked=True)).all()
    closed = _outside_window(session, config, campaign, due, now)
    ids = [row.id for row in due if row.id not in closed]
    if campaign.throttle_per_minute and len(ids) < wanted:
        redis.eval(_REFUND, 1, bucket_key(campaign.id), wanted - len(ids))
    for at in set(closed.values()):  # not a status change: no history
        session.execute(update(Notification).where(Notification.id.in_(
            [i for i, when in closed.items() if when == at])).values(send_at=at))
    moved = move(session, ids, Status.QUEUED, now=now, detail="released",
                 returning=(Notification.channel,),
                 due_at=now + timedelta(seconds=config.SWEEP_GRACE_SECONDS))
    return by_channel((row.id, row.channel) for row in moved)


def _outside_window(session, config, campaign, due, now: datetime) -> dict:
    """{row id: when it may go} for due rows whose recipient's window (or the category's
    quiet hours) is closed now — held up by the throttle past its end, say."""
    category = session.scalar(select(Category).where(Category.key == campaign.category))
    quiet = rules.quiet_window(config, category)
    if not due or (timing.window_of(campaign) is None and quiet is None):
        return {}
    zones = dict(session.execute(select(Contact.id, Contact.timezone).where(
        Contact.id.in_({row.contact_id for row in due}))).all())
    later, cache = {}, {}
    for row in due:
        name = zones.get(row.contact_id)
        if name not in cache:
            cache[name] = fanout.send_time(campaign, name, now, quiet)
        if cache[name] > now:
            later[row.id] = cache[name]
    return later
