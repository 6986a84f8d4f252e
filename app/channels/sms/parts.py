"""Count the parts an SMS body is sent in, as carriers (and Twilio/Vonage) bill them.

GSM 03.38 text goes as 7-bit septets: 160 in one part, 153 per part once concatenated
(a 6-byte header takes the rest); characters from the extension table cost two septets
(an escape plus the character). Any other character switches the whole body to UCS-2:
70 UTF-16 code units in one part, 67 per part; characters outside the BMP (most emoji)
are surrogate pairs and cost two. Neither an escape pair nor a surrogate pair is split
across parts, so a part can end one unit short: we pack greedily, as handsets do.

No maintained library covers this (the PyPI candidates are unmaintained or bare
character counters), and the rules fit on one screen.
"""

import math
import re

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}
# Counted part by part up to here; beyond it (far past any sendable SMS) the count is the
# lower bound units / per_part, so a pasted novel costs milliseconds, not a Python loop.
EXACT_UP_TO_PARTS = 100
_ALL_GSM7 = re.compile("[" + re.escape("".join(sorted(GSM7_BASIC | GSM7_EXTENSION))) + "]*")


def encoding_of(text: str) -> str:
    """Return "GSM-7" when every character is in the GSM 03.38 tables, else "UCS-2"."""
    if _ALL_GSM7.fullmatch(text):
        return GSM7
    return UCS2


def _units(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def count(text: str) -> tuple[str, int, int]:
    """Return (encoding, segments, units) for a body; units are septets or UTF-16 units."""
    encoding = encoding_of(text)
    single, per_part = LIMITS[encoding]
    if encoding == GSM7:
        units = len(text) + sum(text.count(c) for c in GSM7_EXTENSION)
    else:
        units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    if units <= single:
        return encoding, (1 if units else 0), units
    if units == len(text) or units > per_part * EXACT_UP_TO_PARTS:  # no pairs, or huge
        return encoding, math.ceil(units / per_part), units
    segments, used = 1, 0
    for width in (_units(c, encoding) for c in text):
        if used + width > per_part:  # a pair never straddles two parts
            segments, used = segments + 1, 0
        used += width
    return encoding, segments, units
