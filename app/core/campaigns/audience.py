"""Who a campaign run reaches, as one SELECT: the fan-out inserts from it, the review counts it.

For the contacts of a segment (minus an exclusion segment) in a contact-id range, one row
per (contact, channel[, device]) with the reason it must not be sent, or none:
  no_address          the contact can receive none of the campaign's channels
  suppressed_address  the address is on the suppression list
  opted_out           the contact's preferences for the category say no
  frequency_cap       the contact already had the cap's worth of marketing messages
  holdout             the contact is in the campaign's holdout share
In "fallback" mode each contact keeps only the first channel (in the campaign's order) it
can be sent on. Variant, holdout and test-group membership are deterministic per
(campaign, contact): a repeated or resumed fan-out decides the same.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.segments.store import segment_condition
from app.models import Category, Contact, Device, Notification, Preference, Segment, Suppression
from app.models.notifications import Status

P = 2_147_483_647  # a prime: contact ids are scrambled modulo it
BUCKETS = 10_000  # shares are decided in basis points
# One multiplier per decision, so holdout, test group and variant are independent.
MULTIPLIERS = {"holdout": 48_271, "test": 69_621, "variant": 16_807}
NOT_COUNTED = (Status.SUPPRESSED, Status.FAILED, Status.DEAD)


def bucket(contact_id: int, campaign_id: int, purpose: str) -> int:
    """The contact's bucket (0–9,999) for one decision; bucket_sql computes the same."""
    return ((contact_id % P) * MULTIPLIERS[purpose] + campaign_id * 7_919) % P % BUCKETS


def bucket_sql(contact_id, campaign_id: int, purpose: str):
    return (contact_id % P * MULTIPLIERS[purpose] + campaign_id * 7_919 % P) % P % BUCKETS


def _none(type_):
    """A typed NULL: PostgreSQL must know a NULL column's type across UNION and INSERT."""
    return cast(null(), type_)


def shares_to_bounds(shares: list[int]) -> list[int]:
    """Percent shares → the upper bucket bound of each variant: [50, 50] → [5000, 10000]."""
    bounds, total = [], 0
    for share in shares:
        total += share * BUCKETS // 100
        bounds.append(total)
    bounds[-1] = BUCKETS
    return bounds


@dataclass
class Scope:
    """The part of a run one SELECT covers."""

    phase: str = "all"  # "all", "test" (the test group) or "final" (everyone else)
    low: int = 0  # contact ids after this one …
    high: int | None = None  # … up to this one
    winner: int | None = None  # the final phase's variant
    run_id: int | None = None  # frequency caps do not count the run's own rows
    ids: list[int] | None = None  # … and of those, only these (PostgreSQL: a chunk's, locked)


def contacts_in(session, campaign, scope: Scope, now: datetime):
    """The condition on Contact for a run's audience in a scope."""
    segment = session.get(Segment, campaign.segment_id) if campaign.segment_id else None
    if segment is None:
        return false()
    conditions = [segment_condition(session, segment.rules, now), Contact.id > scope.low]
    if scope.high is not None:
        conditions.append(Contact.id <= scope.high)
    if scope.ids is not None:
        conditions.append(Contact.id == any_(bindparam("chunk_ids", scope.ids,
                                                       type_=ARRAY(BigInteger))))
    if campaign.exclusion_segment_id:
        excluded = session.get(Segment, campaign.exclusion_segment_id)
        if excluded is not None:
            conditions.append(not_(segment_condition(session, excluded.rules, now)))
    if campaign.ab_mode == "test" and scope.phase != "all":
        in_test = bucket_sql(Contact.id, campaign.id, "test") < campaign.test_percent * 100
        conditions.append(in_test if scope.phase == "test" else not_(in_test))
    return and_(*conditions)


def rows(session, campaign, category: Category, scope: Scope, now: datetime):
    """The SELECT of candidate rows: contact_id, channel, device_id, address, provider,
    timezone, variant, reason (None: send)."""
    c = select(Contact.id, Contact.email, Contact.phone, Contact.timezone).where(
        contacts_in(session, campaign, scope, now)).cte("c").prefix_with("NOT MATERIALIZED")
    cand = _reachable(c, campaign.channels).cte("cand").prefix_with("NOT MATERIALIZED")
    judged = _judged(cand, category).cte("judged").prefix_with("NOT MATERIALIZED")
    chosen = _first_channel(judged) if campaign.channel_mode == "fallback" else judged
    unreachable = select(
        c.c.id.label("contact_id"), literal(campaign.channels[0]).label("channel"),
        _none(BigInteger).label("device_id"), _none(String).label("address"),
        _none(String).label("provider"), c.c.timezone,
        literal("no_address").label("block"),
    ).where(~exists().where(cand.c.contact_id == c.c.id))
    every = union_all(
        select(chosen.c.contact_id, chosen.c.channel, chosen.c.device_id, chosen.c.address,
               chosen.c.provider, chosen.c.timezone, chosen.c.block),
        unreachable,
    ).subquery("every")
    capped = _capped(session, category, scope, now)
    held_out = bucket_sql(every.c.contact_id, campaign.id, "holdout") < \
        campaign.holdout_percent * 100 if campaign.holdout_percent else false()
    reason = case(
        (every.c.block.is_not(None), every.c.block),
        (every.c.contact_id.in_(capped) if capped is not None else false(),
         literal("frequency_cap")),
        (held_out, literal("holdout")),
        else_=_none(String),
    )
    return select(
        every.c.contact_id, every.c.channel, every.c.device_id, every.c.address,
        every.c.provider, every.c.timezone, _variant(campaign, scope, every.c.contact_id),
        reason.label("reason"),
    )


def _reachable(c, channels: list[str]):
    """One row per channel the contact has an address on (push: per active device)."""
    parts = []
    for rank, channel in enumerate(channels):
        if channel == "push":
            parts.append(select(
                c.c.id.label("contact_id"), literal("push").label("channel"),
                Device.id.label("device_id"), Device.token.label("address"),
                Device.provider.label("provider"), c.c.timezone, literal(rank).label("rank"),
            ).join_from(c, Device, and_(Device.contact_id == c.c.id, Device.active)))
        else:
            address = c.c.email if channel == "email" else c.c.phone
            parts.append(select(
                c.c.id.label("contact_id"), literal(channel).label("channel"),
                _none(BigInteger).label("device_id"), address.label("address"),
                _none(String).label("provider"), c.c.timezone, literal(rank).label("rank"),
            ).where(address.is_not(None), address != ""))
    return union_all(*parts)


def _judged(cand, category: Category):
    """Each reachable row with the address or preference reason that blocks it."""
    if category.critical:
        opted_out = false()
    else:
        said = Preference.opted_in
        opted_out = or_(said == false(), and_(said.is_(None), literal(
            not category.default_opt_in)))
    block = case((Suppression.id.is_not(None), literal("suppressed_address")),
                 (opted_out, literal("opted_out")), else_=_none(String))
    return select(cand, block.label("block")).select_from(
        cand.outerjoin(Suppression, and_(Suppression.channel == cand.c.channel,
                                         Suppression.address == cand.c.address))
        .outerjoin(Preference, and_(Preference.contact_id == cand.c.contact_id,
                                    Preference.category_id == category.id,
                                    Preference.channel == cand.c.channel)))


def _first_channel(judged):
    """Fallback: keep the contact's first sendable channel, or its first reachable one."""
    first_ok = func.min(case((judged.c.block.is_(None), judged.c.rank))).over(
        partition_by=judged.c.contact_id)
    first_any = func.min(judged.c.rank).over(partition_by=judged.c.contact_id)
    ranked = select(judged, func.coalesce(first_ok, first_any).label("chosen")).subquery()
    return select(ranked).where(ranked.c.rank == ranked.c.chosen).subquery("chosen")


def _capped(session, category: Category, scope: Scope, now: datetime):
    """The ids of contacts at the category's frequency cap, or None without a cap."""
    if category.critical or not category.marketing or not category.frequency_cap:
        return None
    marketing = select(Category.key).where(Category.marketing.is_(True))
    n = Notification
    conditions = [n.campaign_run_id.is_not(None), n.contact_id > scope.low,
                  n.created_at >= now - timedelta(seconds=category.frequency_window_seconds),
                  n.category.in_(marketing), n.status.not_in([s.value for s in NOT_COUNTED])]
    if scope.high is not None:
        conditions.append(n.contact_id <= scope.high)
    if scope.run_id is not None:
        conditions.append(n.campaign_run_id != scope.run_id)
    return (select(n.contact_id).where(*conditions).group_by(n.contact_id)
            .having(func.count(n.campaign_run_id.distinct()) >= category.frequency_cap))


def _variant(campaign, scope: Scope, contact_id):
    """The variant position (0 = A) each contact gets."""
    if scope.phase == "final" and scope.winner is not None:
        return literal(scope.winner).label("variant")
    count = max(1, len(campaign.variants))
    if campaign.ab_mode == "test":
        shares = [100 // count] * count
    else:
        shares = [v.share for v in campaign.variants] or [100]
    bounds = shares_to_bounds(shares)
    if len(bounds) == 1:
        return literal(0).label("variant")
    b = bucket_sql(contact_id, campaign.id, "variant")
    return case(*((b < bound, literal(i)) for i, bound in enumerate(bounds[:-1])),
                else_=literal(len(bounds) - 1)).label("variant")


def counts(session, campaign, category: Category, scope: Scope, now: datetime) -> list:
    """(channel, reason, rows) for the review: the fan-out's SELECT, counted."""
    q = rows(session, campaign, category, scope, now).subquery()
    return session.execute(select(q.c.channel, q.c.reason, func.count())
                           .group_by(q.c.channel, q.c.reason)).all()



def contact_count(session, campaign, scope: Scope, now: datetime) -> int:
    """How many contacts the run's audience holds."""
    return session.scalar(select(func.count()).select_from(Contact).where(
        contacts_in(session, campaign, scope, now)))
