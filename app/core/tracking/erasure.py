"""A contact's erasure in the tracking data: the links whose address names the contact.

A template's link can carry who it was sent to (`https://shop.example/welcome?email=
{{ contact.email }}`): rendered, each recipient gets a tracked link of their own (stored
with the message when it names the message's address, else with the template version:
by the contact's external id, say), and clicks roll up per address. Once the contact's
events and message contents are gone, those addresses are what is left of them. Erasure
deletes the tracked links (and their SMS short codes) whose address carries the contact's
email, phone or external id, and takes the identifier out of the addresses in the
campaigns' per-link roll-ups, whose counts stay. The redirects' cached destinations are
dropped once the erasure is committed (`drop_cached`).

An address carries a value when the value stands whole in it, percent-decoded and in any
case: `?email=ada%40example.com` and `/u/ADA@example.com/` name ada@example.com,
`mada@example.com` does not. An external id shorter than MIN_ID characters is not looked
for: `42` would match `/products/42` for everyone. The contact's other attributes are not
looked for either ("premium" in `/plans/premium` is no one's).

Candidates are found with a LIKE on each form the values can take in an address, then
checked here: among the links of the contact's own messages (by their index), the
template versions' links (by their partial index: they outlive the messages that named
them; a message's own links, personal ones included, are not among them), and the roll-ups
(read whole: a run's clicked links). The LIKE read a million links in about 3 s.
"""
import logging
from urllib.parse import quote, quote_plus, unquote

from redis.exceptions import RedisError
from sqlalchemy import delete, func, or_, select, update

from app.core.tracking import links
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from app.models import LinkRollup, ShortLink, TrackedLink

log = logging.getLogger(__name__)

MIN_ID = 6
CHUNK = 5000  # notification ids a query
ERASED = "erased"


def identifiers(email: str | None, phone: str | None, external_id: str) -> list[str]:
    """The values an address may name a contact by (lower case)."""
    values = [email, phone, phone.lstrip("+") if phone else None]
    if len(external_id) >= MIN_ID:
        values.append(external_id)
    return sorted({v.lower() for v in values if v})


def _forms(values: list[str]) -> set[str]:
    """What each value can look like inside an address, for the LIKE that finds them."""
    return {form.lower() for v in values
            for form in (v, quote(v, safe=""), quote_plus(v), quote(v, safe="@+"))}


def _candidates(session, key, column, values: list[str], *where) -> list:
    """(key, url) of the rows whose url may carry a value (checked in Python after)."""
    lowered = func.lower(column)
    found = or_(*(lowered.contains(form, autoescape=True) for form in _forms(values)))
    return session.execute(select(key, column).where(found, *where)).all()


def forget(session, values: list[str], notifications) -> list[str]:
    """Delete the tracked links naming the values (those of the `notifications` select's
    messages, and the template versions'), take the values out of the roll-ups' addresses;
    return the Redis keys of the deleted links' cached destinations."""
    if not values:
        return []
    ids = session.scalars(notifications).all()
    found = _candidates(session, TrackedLink.id, TrackedLink.url, values,
                        TrackedLink.notification_id.is_(None))  # the template versions'
    for start in range(0, len(ids), CHUNK):  # each an index look-up, never a scan
        found += _candidates(session, TrackedLink.id, TrackedLink.url, values,
                             TrackedLink.notification_id.in_(ids[start:start + CHUNK]))
    gone = [id_ for id_, url in found if links.names(url, values)]
    keys = [LINK_KEY.format(id_) for id_ in gone]
    if gone:
        codes = session.scalars(select(ShortLink.code).where(ShortLink.link_id.in_(gone)))
        keys += [SHORT_KEY.format(code) for code in codes]
        session.execute(delete(ShortLink).where(ShortLink.link_id.in_(gone)))
        session.execute(delete(TrackedLink).where(TrackedLink.id.in_(gone)))
    named = links.naming(values)
    for id_, url in _candidates(session, LinkRollup.id, LinkRollup.url, values):
        if links.names(url, values):
            session.execute(update(LinkRollup).where(LinkRollup.id == id_)
                            .values(url=named.sub(ERASED, unquote(url))))
    return keys


def drop_cached(redis, keys: list[str]) -> None:
    """Drop the erased links' cached destinations (after the erasure's commit: a click in
    between would cache them again from the rows)."""
    if not keys:
        return
    try:
        redis.delete(*keys)
    except RedisError as exc:  # they expire with the links' TTL
        log.warning("erased links still cached until they expire: %s", exc)
