"""The list headers of marketing email: RFC 8058 one-click unsubscribe and RFC 2919 List-Id.

Every email in a marketing category carries `List-Unsubscribe` (the recipient's signed
https link and a mailto), `List-Unsubscribe-Post: List-Unsubscribe=One-Click` and
`List-Id`; transactional email carries none of them, and neither does a critical
category's (it is delivered whatever the recipient chooses: there is nothing to leave).
Added at send time, per recipient, to the content's extra headers, which every email
provider sends.
"""
from dataclasses import replace
from email.utils import parseaddr

from sqlalchemy import select

from app.channels.base import Message
from app.core.recipients.links import unsubscribe_token, unsubscribe_url
from app.models import Category

ONE_CLICK = "List-Unsubscribe=One-Click"


def list_headers(config, contact_id: int, category: Category) -> dict[str, str]:
    """The three headers for one recipient of one marketing category."""
    mailto = f"mailto:{config.UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20" + unsubscribe_token(
        config, contact_id, category.key)
    domain = parseaddr(config.EMAIL_FROM)[1].rpartition("@")[2] or "localhost"
    name = category.name.replace('"', "'")
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(config, contact_id, category.key)}>, <{mailto}>",
        "List-Unsubscribe-Post": ONE_CLICK,
        "List-Id": f'"{name}" <{category.key}.{domain}>',
    }


def with_list_headers(session, config, rows, messages: list[Message]) -> list[Message]:
    """The messages, each marketing email with its list headers (one query per batch)."""
    emails = {m.category for m in messages if m.channel == "email"}
    if not emails:
        return messages
    marketing = {c.key: c for c in session.scalars(select(Category).where(
        Category.key.in_(emails), Category.marketing.is_(True), Category.critical.is_(False)))}
    if not marketing:
        return messages
    contact_of = {str(r.id): r.contact_id for r in rows}
    out = []
    for message in messages:
        category, contact_id = marketing.get(message.category), contact_of.get(message.id)
        if message.channel == "email" and category is not None and contact_id is not None:
            headers = {**(message.content.get("headers") or {}),
                       **list_headers(config, contact_id, category)}
            message = replace(message, content={**message.content, "headers": headers})
        out.append(message)
    return out
