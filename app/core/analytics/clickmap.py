"""The click map: a variant's email, rendered with sample data, with each link's clicks
drawn on it. The result is shown in a sandboxed frame under its own CSP (no scripts)."""
from html import escape

from app.core.analytics.engagement import LinkClicks
from app.core.templates.preview import render_preview, sample_skeleton
from app.core.tracking.links import html_links

BADGE = ("display:inline-block;margin:0 4px;padding:1px 7px;border-radius:10px;"
         "font:600 12px/18px system-ui,sans-serif;color:#fff;background:{color};"
         "vertical-align:middle;white-space:nowrap")
HOT, WARM, COLD = "#c2410c", "#2563eb", "#64748b"


def email_html(version) -> str | None:
    """The version's email in its default locale, rendered with placeholder data."""
    content = version.content or {}
    locale = version.default_locale
    preview = render_preview(content, locale, locale, sample_skeleton(content))
    email = preview.channels["email"].content
    return email.get("html") if email else None


def draw(html: str, clicks: list[LinkClicks]) -> str:
    """The HTML with a badge before each link: its clicks and share of all clicks."""
    by_url = {c.url: c.clicks for c in clicks}
    total = sum(by_url.values())
    top = max(by_url.values(), default=0)
    lower = html.lower()
    out, last = [], 0
    for start, _end, url, _text in html_links(html):
        anchor = lower.rfind("<a", 0, start)
        if anchor < last:
            continue
        count = by_url.get(url, 0)
        out += [html[last:anchor], _badge(count, total, top), html[anchor:start]]
        last = start
    out.append(html[last:])
    return "".join(out)


def _badge(count: int, total: int, top: int) -> str:
    color = HOT if count and count == top else WARM if count else COLD
    share = f" · {count / total:.0%}" if total else ""
    label = f"{count:,} click{'s' if count != 1 else ''}{share}"
    return (f'<span style="{BADGE.format(color=color)}" title="{escape(label)}">'
            f"{escape(label)}</span>")
