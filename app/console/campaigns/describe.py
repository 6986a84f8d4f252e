"""A campaign's definition in words, with every time in the operator's zone."""

from cron_descriptor import ExpressionDescriptor, FormatException, Options

from app.console.filters import duration, operator_time
from app.core.campaigns import timing

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CHANNELS = {"push": "push", "sms": "SMS", "email": "email"}
CHANNEL_LABELS = {"push": "Push", "sms": "SMS", "email": "Email"}
WEEKDAYS, WEEKEND, EVERY_DAY = [0, 1, 2, 3, 4], [5, 6], list(range(7))


def cron_words(expression: str) -> str:
    """'0 9 * * 1-5' → 'At 09:00, Monday through Friday'."""
    options = Options()
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except FormatException:
        return expression


def channel_list(campaign) -> str:
    """'Push → email' (fallback order) or 'Email · SMS'."""
    names = [CHANNELS.get(c, c) for c in campaign.channels]
    joined = (" → " if campaign.channel_mode == "fallback" else " · ").join(names)
    return joined[:1].upper() + joined[1:]


def channels(campaign) -> str:
    names = [CHANNELS.get(c, c) for c in campaign.channels]
    if campaign.channel_mode == "fallback" and len(names) > 1:
        return f"{', else '.join(names).capitalize()} — the first each contact can receive"
    if len(names) > 1:
        return f"{', '.join(names[:-1]).capitalize()} and {names[-1]} — every one each " \
               "contact can receive"
    return f"{names[0].capitalize()} only" if names else "—"


def schedule(campaign) -> str:
    kind = campaign.schedule_kind
    if kind == "at":
        return f"Once, at {operator_time(campaign.send_at)}"
    if kind == "local":
        return (f"Once, at {campaign.local_time} on {campaign.local_date} in each "
                f"recipient's time zone ({campaign.default_timezone} for contacts without one)")
    if kind == "recurring":
        return f"{cron_words(campaign.cron)} ({campaign.timezone})"
    return "Once, as soon as it is scheduled"


def days(selected) -> str:
    chosen = sorted(selected or EVERY_DAY)
    named = {tuple(EVERY_DAY): "every day", tuple(WEEKDAYS): "weekdays",
             tuple(WEEKEND): "weekends"}
    return named.get(tuple(chosen)) or ", ".join(DAYS[d] for d in chosen)


def window(campaign) -> str:
    if campaign.window_start is None or campaign.window_end is None:
        return "Any time of day"
    return (f"{timing.as_hhmm(campaign.window_start)}–{timing.as_hhmm(campaign.window_end)} "
            f"recipient-local, {days(campaign.window_days)}")


def content(campaign) -> str:
    """How the variants are sent: one, a split, or a test whose winner goes to the rest."""
    count = len(campaign.variants)
    if count < 2:
        return "One message for everyone"
    if campaign.ab_mode == "split":
        return "Split: " + ", ".join(f"{v.label} to {v.share}%" for v in campaign.variants)
    wait = duration(campaign.test_wait_minutes * 60)
    if campaign.winner_metric == "manual":
        pick = "you pick the winner"
    else:
        pick = f"the best {campaign.winner_metric} rate after {wait} wins"
    return f"A/B test on {campaign.test_percent}% of the audience; {pick}, and the winner " \
           "goes to the rest"


def throttle(campaign) -> str:
    if not campaign.throttle_per_minute:
        return "As fast as the providers take them"
    return f"At most {campaign.throttle_per_minute:,} messages a minute"


def holdout(campaign) -> str:
    if not campaign.holdout_percent:
        return "None"
    return f"{campaign.holdout_percent}% of the audience gets nothing (measures the lift)"


def expiry(campaign) -> str:
    if campaign.expires_at is None:
        return "Never"
    return f"Nothing is delivered after {operator_time(campaign.expires_at)}"


def actions(campaign, live_run) -> set[str]:
    """The lifecycle buttons the campaign's status allows (the core checks again)."""
    status = campaign.status
    shown = {"clone"}
    if status in ("draft", "scheduled"):
        shown.add("edit")
    shown |= {"draft": {"review"}, "scheduled": {"unschedule", "cancel"},
              "sending": {"pause", "cancel"}, "paused": {"resume", "cancel"}}.get(status, set())
    if live_run is not None and "testing" in (live_run.status, live_run.paused_from):
        shown.add("pick_winner")
    if status not in ("scheduled", "sending", "paused"):
        shown.add("unarchive" if campaign.archived_at else "archive")
    if status == "draft" and not campaign.runs:
        shown.add("delete")
    return shown
