"""The parts of one email, shared by the email providers: defaults, preheader, headers."""
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from html import escape

from app.channels.base import Message, PermanentError

# Headers the message itself sets (or SendGrid refuses as custom headers).
RESERVED_HEADERS = {
    "from", "to", "cc", "bcc", "subject", "reply-to", "date", "message-id", "sender",
    "content-type", "content-transfer-encoding", "mime-version", "received",
    "dkim-signature", "x-sg-id", "x-sg-eid", "x-herald-id",
}
BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
PREHEADER = (
    '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">'
    "{}</div>"
)


@dataclass(frozen=True)
class EmailParts:
    """What every email provider sends for one Message."""

    from_email: str  # "Name <address>" or a bare address
    to: str
    subject: str
    text: str
    html: str | None
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def from_address(self) -> str:
        return parseaddr(self.from_email)[1]


def with_preheader(html: str, preheader: str) -> str:
    """Put the preheader first in the body, hidden; inbox lists show it after the subject."""
    if not preheader or escape(preheader) in html:
        return html
    hidden = PREHEADER.format(escape(preheader))
    match = BODY_TAG.search(html)
    if match is None:
        return hidden + html
    return html[: match.end()] + hidden + html[match.end():]


def _headers(raw: dict | None) -> dict[str, str]:
    headers = {}
    for name, value in (raw or {}).items():
        if name.lower() in RESERVED_HEADERS:
            continue
        value = str(value)
        if any(c in name + value for c in "\r\n") or ":" in name:
            raise PermanentError(f"header {name!r} has a line break or colon", code="bad_header")
        headers[name] = value
    return headers


def email_parts(message: Message, default_from: str, *, expand: bool = True) -> EmailParts:
    """Collect the parts to send; raises PermanentError for content no provider can send.

    `expand=False` keeps the message's substitution tags in the bodies (the provider sends
    each recipient's values beside them).
    """
    content = message.expanded() if expand else message.content
    html = content.get("html") or None
    if html:  # its CSS was inlined when it was rendered (app.core.templates.rendering)
        html = with_preheader(html, content.get("preheader", ""))
    text = content.get("text") or ""
    if not text and not html:
        raise PermanentError("email has neither a text nor an HTML body", code="empty_body")
    return EmailParts(
        from_email=content.get("from_email") or default_from,
        to=message.to,
        subject=content.get("subject") or "",
        text=text,
        html=html,
        reply_to=content.get("reply_to") or None,
        headers=_headers(content.get("headers")),
    )
