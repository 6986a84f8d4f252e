"""Track the messages of a delivery batch: store their links, swap in tracked ones.

Links are stored once per template version (or per notification sent without one), SMS
short codes once per link and recipient; both are cached in Redis so a click needs no
database. The notification's stored content keeps the original links.
"""
import dataclasses
import hashlib
import logging
import uuid
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import select, update

from app.channels.base import Message
from app.core.db import dialect_insert, insert_ignore
from app.core.tracking import links, tokens
from app.models import ShortLink, TrackedLink
from app.models.types import utcnow

log = logging.getLogger(__name__)

USED_EVERY = timedelta(days=1)  # how often a stored link's use is written again
LINK_KEY = "herald:link:{}"
SHORT_KEY = "herald:short:{}"
PIXEL = ('<img src="{}" width="1" height="1" alt="" '
         'style="display:block;width:1px;height:1px;border:0">')
# Hidden from people (and screen readers); a scanner following every href clicks it.
HONEYPOT = '<a href="{}" style="display:none" aria-hidden="true" tabindex="-1"></a>'


def _scope(row, message: Message, url: str) -> str:
    """Where a link is stored: once per template version, unless it names its recipient
    (`?email={{ contact.email | urlencode }}`): such a link is the message's own, so it
    goes with the message's day of the log, and an erasure finds it by the message."""
    if row.template_version_id and not links.names(url, [message.to.lower()]):
        return f"v{row.template_version_id}"
    return f"n{row.id.hex}"


def _hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


class LinkTracker:
    """Rewrites one batch's messages for tracking (see track)."""

    def __init__(self, session, redis, config):
        self.session, self.redis, self.config = session, redis, config
        self.base = config.BASE_URL.rstrip("/")
        self.ttl = timedelta(days=config.TRACKING_LINK_DAYS)

    def track(self, rows, messages: list[Message]) -> list[Message]:
        """The messages with tracked links (and an open pixel in HTML mail)."""
        if not (self.config.TRACK_CLICKS or self.config.TRACK_OPENS) or not messages:
            return messages
        by_id = {str(r.id): r for r in rows}
        scoped = {m.id: {url: _scope(by_id[m.id], m, url)
                         for url in links.urls_in(m.channel, m.content, self.base)}
                  for m in messages} if self.config.TRACK_CLICKS else {}
        ids = self._store({(scope, url): by_id[nid] for nid, urls in scoped.items()
                           for url, scope in urls.items()})
        shorts = self._short_codes([(m.id, ids[scope, u]) for m in messages
                                    if m.channel == "sms"
                                    for u, scope in scoped.get(m.id, {}).items()])
        self._cache(ids, shorts)
        self.session.commit()  # stored before any message that names them goes out
        out = []
        for message in messages:
            link_of = {u: ids[scope, u] for u, scope in scoped.get(message.id, {}).items()}
            if message.channel == "email":
                content, tags = self._tag_email(message, link_of)
                out.append(dataclasses.replace(message, content=content, substitutions=tags))
            else:
                out.append(dataclasses.replace(
                    message, content=self._rewrite(message, link_of, shorts)))
        return out

    def _rewrite(self, message: Message, link_of: dict, shorts: dict) -> dict:
        """SMS and push: each link swapped for this recipient's tracked one."""
        nid, count = message.id, len(link_of)

        def replace(url: str) -> str | None:
            if url not in link_of:
                return None
            if message.channel == "sms":
                return f"{self.base}/s/{shorts[nid, link_of[url]]}"
            return f"{self.base}/c/{tokens.click_token(self.config, link_of[url], nid, count)}"

        return links.rewrite(message.channel, message.content, replace)

    def _tag_email(self, message: Message, link_of: dict) -> tuple[dict, dict[str, str]]:
        """Email: tracked links and the open pixel carry tags, and the recipient's tokens
        are the tags' values, so recipients of the same content share one tagged body."""
        nid, count = message.id, len(link_of)
        tags = {}

        def click(link_id: int, tag: str) -> str:
            if tag not in tags:  # a link in both parts (or twice) signs one token
                tags[tag] = tokens.click_token(self.config, link_id, nid, count)
            return f"{self.base}/c/{tag}"

        tag_of = {url: f"%herald_click_{i}%" for i, url in enumerate(link_of)}
        content = links.rewrite("email", message.content, lambda url: click(
            link_of[url], tag_of[url]) if url in link_of else None)
        if content.get("html"):
            extra = HONEYPOT.format(click(tokens.HONEYPOT, "%herald_click_x%")) if count else ""
            if self.config.TRACK_OPENS:
                tags["%herald_open%"] = tokens.open_token(self.config, nid)
                extra += PIXEL.format(f"{self.base}/o/%herald_open%.gif")
            content["html"] = links.append_to_body(content["html"], extra)
        return content, tags

    def _store(self, pairs: dict) -> dict:
        """{(scope, url): link id} for {(scope, url): a row of the batch that carries it},
        inserting the links not stored yet."""
        if not pairs:
            return {}
        now = utcnow()
        insert_ignore(self.session, TrackedLink, [
            {"scope": scope, "url": url, "url_hash": _hash(url), "created_at": now,
             "used_at": now, "template_version_id": row.template_version_id,
             "notification_id": None if scope.startswith("v") else row.id}
            for (scope, url), row in sorted(pairs.items(), key=lambda item: item[0])])
        stored = self.session.execute(
            select(TrackedLink.id, TrackedLink.scope, TrackedLink.url, TrackedLink.used_at)
            .where(TrackedLink.scope.in_({s for s, _ in pairs}),
                   TrackedLink.url_hash.in_({_hash(u) for _, u in pairs}))).all()
        # Stored before: stamped used again, once a day at most (retention deletes a
        # template version's links unused for TRACKING_LINK_DAYS); only those rows are locked,
        # not every link a concurrent batch of the same template stores too.
        stale = [id_ for id_, _, _, used in stored if used and used < now - USED_EVERY]
        if stale:
            self.session.execute(update(TrackedLink).where(
                TrackedLink.id.in_(stale), TrackedLink.used_at < now - USED_EVERY)
                .values(used_at=now))
        return {(scope, url): id_ for id_, scope, url, _ in stored if (scope, url) in pairs}

    def _short_codes(self, wanted: list[tuple[str, int]]) -> dict:
        """{(notification id, link id): code} for SMS links; a code taken is drawn again."""
        codes, expires = {}, utcnow() + self.ttl
        wanted = list(dict.fromkeys(wanted))
        while wanted:
            rows = {tokens.short_code(): pair for pair in wanted}
            stmt = dialect_insert(self.session, ShortLink).on_conflict_do_nothing()
            stored = self.session.scalars(stmt.returning(ShortLink.code), [
                {"code": code, "notification_id": uuid.UUID(nid), "link_id": link,
                 "expires_at": expires}
                for code, (nid, link) in rows.items()]).all()
            codes.update({rows[code]: code for code in stored})
            wanted = [pair for pair in wanted if pair not in codes]
        return codes

    def _cache(self, ids: dict, shorts: dict) -> None:
        """Let clicks find their destination in Redis; on a miss they read the database."""
        url_of = {id_: url for (_, url), id_ in ids.items()}
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                for id_, url in url_of.items():
                    pipe.set(LINK_KEY.format(id_), url, ex=self.ttl)
                for (_, link), code in shorts.items():
                    pipe.set(SHORT_KEY.format(code), url_of[link], ex=self.ttl)
                pipe.execute()
        except RedisError as exc:
            log.warning("tracked links not cached, clicks will read the database: %s", exc)
