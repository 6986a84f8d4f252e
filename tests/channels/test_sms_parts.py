"""SMS segment counting: encodings, single/concatenated limits, two-unit characters."""
import pytest

from app.channels.sms.parts import count, encoding_of

CASES = [
    # text, encoding, segments, units
    ("", "GSM-7", 0, 0),
    ("Hello", "GSM-7", 1, 5),
    ("a" * 160, "GSM-7", 1, 160),
    ("a" * 161, "GSM-7", 2, 161),
    ("a" * 306, "GSM-7", 2, 306),
    ("a" * 307, "GSM-7", 3, 307),
    ("€" * 80, "GSM-7", 1, 160),  # extension characters count two
    ("€" * 81, "GSM-7", 2, 162),
    ("{}[]~^|\\\f", "GSM-7", 1, 18),
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 3, 306),  # the escape pair moves to part 2
    ("Ça va? é è ù ñ ß Ø", "GSM-7", 1, 18),  # accented letters of the basic table
    ("ça", "UCS-2", 1, 2),  # lower-case ç is not in GSM 03.38
    ("Привет", "UCS-2", 1, 6),
    ("ą" * 70, "UCS-2", 1, 70),
    ("ą" * 71, "UCS-2", 2, 71),
    ("ą" * 134, "UCS-2", 2, 134),
    ("ą" * 135, "UCS-2", 3, 135),
    ("😀" * 35, "UCS-2", 1, 70),  # outside the BMP: a surrogate pair each
    ("😀" * 36, "UCS-2", 2, 72),
    ("a" * 66 + "😀" + "a" * 66, "UCS-2", 3, 134),  # the pair is not split across parts
    ("Hi 👋", "UCS-2", 1, 5),
]


@pytest.mark.parametrize(("text", "encoding", "segments", "units"), CASES)
def test_count(text, encoding, segments, units):
    assert count(text) == (encoding, segments, units)


def test_one_non_gsm_character_switches_the_whole_body():
    assert encoding_of("a" * 100) == "GSM-7"
    assert encoding_of("a" * 100 + "’") == "UCS-2"  # a curly apostrophe, a common culprit
    assert count("a" * 100 + "’")[1] == 2



def test_a_pasted_novel_is_counted_past_the_exact_range():
    """Far past any sendable SMS the count is units / per part, without a Python loop."""
    assert count("{{ x }}" * 70_000) == ("GSM-7", 5033, 770_000)  # { and } cost two
    assert count("€" * 100_000) == ("GSM-7", 1308, 200_000)
    assert count("ж" * 300_000) == ("UCS-2", 4478, 300_000)
