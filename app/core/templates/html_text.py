"""The text/plain part of an email, made from its HTML with every link's address kept.

A reader of the plain part cannot click "Shop now": the address is written after the
link text, "Shop now (https://example.com/shop)", except when the text already is the
address. mailto: and tel: links show the address or number alone; in-page (#) and
script links show nothing.

inscriptis lays the text out as a browser would, at about 1 ms a KB of HTML; larger HTML
gets a plainer text (a line per block element), made in a few milliseconds.
"""
import re
from html import unescape

from inscriptis import Inscriptis
from lxml.etree import ParserError
from lxml.html import document_fromstring

MAX_LAID_OUT_HTML = 64 * 1024
_XML_DECLARATION = re.compile(r"^<\?xml [^>]+?\?>")
_SHOWN_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_URL_NOISE = re.compile(r"^(?:https?://|mailto:|tel:)|/$")
_INVISIBLE = re.compile(r"<(script|style|head)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK_END = re.compile(r"<(br|/p|/div|/tr|/li|/h[1-6]|/table|/blockquote)\b[^>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
# Bounded pieces only: a page of unclosed tags must not make this quadratic.
_LINK = re.compile(r"<a\b[^>]{0,500}?\bhref\s*=\s*[\"']?([^\"'\s>]{1,2048})[^>]{0,500}>"
                   r"((?:[^<]|<(?!/?a\b)){0,2000})</a\s*>", re.I)


def html_to_text(html: str) -> str:
    """Return the plain-text rendering of an HTML body, links written out."""
    if len(html) > MAX_LAID_OUT_HTML:
        return _plain_text(html)
    html = _XML_DECLARATION.sub("", html.strip(), count=1)
    if not html:
        return ""
    try:  # parsed as inscriptis parses it (see inscriptis.get_text)
        tree = document_fromstring(html)
    except ParserError:
        tree = document_fromstring(f"<pre>{html}</pre>")
    for link in tree.iter("a"):
        _write_out(link)
    return Inscriptis(tree).get_text().strip()


def link_suffix(href: str, text: str) -> str:
    """What follows a link's text: " (address)", the address alone when there is no text,
    or nothing when the text already is the address or the link goes nowhere to show."""
    href = href.strip()
    if not href.lower().startswith(_SHOWN_SCHEMES):
        return ""
    shown = href.split(":", 1)[1].split("?", 1)[0] if href.lower().startswith(
        ("mailto:", "tel:")) else href
    if not shown or _plain(text) == _plain(shown):
        return ""
    return f" ({shown})" if text else shown


def _write_out(link) -> None:
    suffix = link_suffix(link.get("href") or "", " ".join(link.text_content().split()))
    if not suffix:
        return
    if len(link):  # inside the link, so a block (button) link keeps it on its line
        link[-1].tail = (link[-1].tail or "") + suffix
    else:
        link.text = (link.text or "") + suffix


def _plain_text(html: str) -> str:
    """A line per block element, links written out: for HTML too big to lay out."""
    html = _LINK.sub(_link_written_out, html)
    text = _CELL_END.sub(" ", _BLOCK_END.sub("\n", _INVISIBLE.sub("", html)))
    lines = (" ".join(line.split()) for line in unescape(_TAG.sub("", text)).splitlines())
    return "\n".join(line for line in lines if line)


def _link_written_out(match: re.Match) -> str:
    inner = match.group(2)
    text = " ".join(unescape(_TAG.sub("", inner)).split())
    return inner + link_suffix(unescape(match.group(1)), text)


def _plain(address: str) -> str:
    """An address without its scheme or trailing slash, for "is the text the address"."""
    return _URL_NOISE.sub("", address.strip().lower())
