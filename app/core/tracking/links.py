"""Find the links a message carries and swap them for tracked ones (pure functions).

Email: every `<a href>` of the HTML and every address in the text part; push: an http(s)
deep link; SMS: every address in the text. Links that unsubscribe or lead to the
recipient's preferences (by their text or address, or under our own /p/ and /u/ paths)
are never tracked, nor are mailto:, tel: or other schemes.
"""
import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import unquote

# Bounded pieces only, as in app.core.templates.html_text: no quadratic backtracking.
_ANCHOR = re.compile(r"<a\b[^>]{0,500}?\bhref\s*=\s*([\"'])([^\"']{1,2048})\1[^>]{0,500}>"
                     r"((?:[^<]|<(?!/?a\b)){0,2000})</a\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]{1,2048}", re.I)
_TRAILING = ".,;:!?"
# Whitespace, control characters or an unrendered placeholder: not an address to store.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f]|\{\{")
_OPT_OUT = re.compile(r"unsub|opt[-_ ]?out|preference|abmelden|d[ée]sinscri|d[ée]sabonn"
                      r"|baja|manage[-_ ]?(your[-_ ]?)?(email|subscription|notification)", re.I)
OWN_PATHS = ("/p/", "/u/", "/c/", "/o/", "/s/")
BODY_END = re.compile(r"</body\s*>", re.I)

Replace = Callable[[str], str | None]


def trackable(url: str, text: str, base_url: str) -> bool:
    """Whether a link may be tracked: http(s), not an opt-out link, not one of ours."""
    if not url.lower().startswith(("http://", "https://")) or _NOT_IN_URL.search(url):
        return False
    if _OPT_OUT.search(url) or _OPT_OUT.search(text):
        return False
    base = base_url.rstrip("/")
    return not any(url.startswith(base + path) for path in OWN_PATHS)


def _text_urls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of each address in plain text, trailing punctuation left out."""
    found = []
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        found.append((match.start(), match.start() + len(url), url))
    return found


def _line_of(text: str, at: int) -> str:
    return text[text.rfind("\n", 0, at) + 1: at]


def html_links(html: str) -> list[tuple[int, int, str, str]]:
    """(start, end, url, link text) of each anchor's address in HTML."""
    out = []
    for match in _ANCHOR.finditer(html or ""):
        text = " ".join(unescape(_TAG.sub("", match.group(3))).split())
        out.append((match.start(2), match.end(2), unescape(match.group(2)).strip(), text))
    return out


def urls_in(channel: str, content: dict, base_url: str) -> list[str]:
    """The trackable addresses a rendered message holds, each once, in order."""
    found = []
    if channel == "email":
        found += [u for _, _, u, t in html_links(content.get("html") or "")
                  if trackable(u, t, base_url)]
        text = content.get("text") or ""
        found += [u for s, _, u in _text_urls(text) if trackable(u, _line_of(text, s), base_url)]
    elif channel == "sms":
        found += [u for _, _, u in _text_urls(content.get("text") or "")
                  if trackable(u, "", base_url)]
    elif channel == "push" and trackable(content.get("deep_link") or "", "", base_url):
        found.append(content["deep_link"])
    return list(dict.fromkeys(found))


def _swap(text: str, spans, replace: Replace, quote: bool) -> str:
    out, last = [], 0
    for start, end, url in spans:
        new = replace(url)
        if new is not None:
            out += [text[last:start], escape(new) if quote else new]
            last = end
    return "".join(out) + text[last:]


def rewrite(channel: str, content: dict, replace: Replace) -> dict:
    """A copy of the content with each address `replace` maps swapped (None: kept)."""
    content = dict(content)
    if channel == "email":
        if content.get("html"):
            html = content["html"]
            content["html"] = _swap(html, [(s, e, u) for s, e, u, _ in html_links(html)],
                                    replace, quote=True)
        if content.get("text"):
            content["text"] = _swap(content["text"], _text_urls(content["text"]), replace,
                                    quote=False)
    elif channel == "sms" and content.get("text"):
        content["text"] = _swap(content["text"], _text_urls(content["text"]), replace,
                                quote=False)
    elif channel == "push" and content.get("deep_link"):
        content["deep_link"] = replace(content["deep_link"]) or content["deep_link"]
    return content


def append_to_body(html: str, extra: str) -> str:
    """Put markup last in the body (before </body>, or at the end)."""
    matches = list(BODY_END.finditer(html))
    if not matches:
        return html + extra
    at = matches[-1].start()
    return html[:at] + extra + html[at:]


def naming(values: list[str]) -> re.Pattern:
    """Any of the values standing whole in a percent-decoded address, in any case: no
    letter or digit just before or after (`mada@example.com` does not name
    ada@example.com)."""
    either = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![0-9a-z])(?:{either})(?![0-9a-z])", re.I)


def names(url: str, values: list[str]) -> bool:
    """Whether an address names one of the (lower-case) values, as `naming` reads it.

    The tracker asks this of every link of every message, with the recipient's own
    address: compiling `naming` for each cost ~215 µs a personalised link. An ASCII
    address is read with string searches, which are exactly the pattern there; only
    another address, where the pattern's case folding reaches past lower(), compiles it."""
    decoded = unquote(url).lower()
    present = [v for v in values if v and v in decoded]
    if not present:
        return False
    if not decoded.isascii():
        return naming(present).search(decoded) is not None
    return any(_whole(decoded, value) for value in present)


_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


def _whole(text: str, value: str) -> bool:
    """Whether the value occurs in the (lower-case ASCII) text with no letter or digit
    just before or after it."""
    at = text.find(value)
    while at != -1:
        end = at + len(value)
        if ((at == 0 or text[at - 1] not in _ALNUM)
                and (end == len(text) or text[end] not in _ALNUM)):
            return True
        at = text.find(value, at + 1)
    return False
