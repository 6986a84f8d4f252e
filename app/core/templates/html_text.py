"""The text/plain part of an email, made from its HTML with every link's address kept.

A reader of the plain part cannot click "Shop now": the address is written after the
link text, "Shop now (https://example.com/shop)", except when the text already is the
address. mailto: and tel: links show the address or number alone; in-page (#) and
script links show nothing.
"""
import re

from inscriptis import Inscriptis
from lxml.etree import ParserError
from lxml.html import document_fromstring

_XML_DECLARATION = re.compile(r"^<\?xml [^>]+?\?>")
_SHOWN_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_URL_NOISE = re.compile(r"^(?:https?://|mailto:|tel:)|/$")


def html_to_text(html: str) -> str:
    """Return the plain-text rendering of an HTML body, links written out."""
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


def _write_out(link) -> None:
    href = (link.get("href") or "").strip()
    if not href.lower().startswith(_SHOWN_SCHEMES):
        return
    shown = href.split(":", 1)[1].split("?", 1)[0] if href.lower().startswith(
        ("mailto:", "tel:")) else href
    text = " ".join(link.text_content().split())
    if not shown or _plain(text) == _plain(shown):
        return
    suffix = f" ({shown})" if text else shown
    if len(link):  # inside the link, so a block (button) link keeps it on its line
        link[-1].tail = (link[-1].tail or "") + suffix
    else:
        link.text = (link.text or "") + suffix


def _plain(address: str) -> str:
    """An address without its scheme or trailing slash, for "is the text the address"."""
    return _URL_NOISE.sub("", address.strip().lower())
