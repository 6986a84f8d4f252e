"""Compare two template versions field by field, line by line (difflib)."""

import difflib
import re
from dataclasses import dataclass, field

from app.core.templates.content import CHANNEL_FIELDS

CONTEXT_LINES = 3
# Below this similarity two changed lines are shown as replaced whole, not word by word.
INLINE_RATIO = 0.4
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")  # words, runs of space, single marks


@dataclass
class Side:
    number: int | None = None
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, changed)


@dataclass
class Row:
    """One line of the side-by-side view; kind is equal|replace|delete|insert|skip."""

    kind: str
    old: Side = field(default_factory=Side)
    new: Side = field(default_factory=Side)
    skipped: int = 0  # for kind "skip": how many unchanged lines are folded


@dataclass
class FieldDiff:
    path: tuple[str, ...]  # ("en", "email", "html") or ("default_locale",)
    status: str  # added | removed | changed
    rows: list[Row]
    unified: list[tuple[str, str]]  # (kind: hunk|equal|delete|insert, text)
    added: int = 0
    removed: int = 0


def flatten(version) -> dict[tuple[str, ...], str]:
    """Return every field of a version as text, keyed by (locale, channel, field)."""
    out = {("default_locale",): version.default_locale}
    for locale in sorted(version.content):
        variant = version.content[locale]
        for channel, names in CHANNEL_FIELDS.items():
            for name in names:
                value = variant.get(channel, {}).get(name)
                if value in (None, "", {}):
                    continue
                if name == "data":
                    value = "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
                out[(locale, channel, name)] = str(value)
    return out


def diff_versions(old, new, context: int = CONTEXT_LINES) -> list[FieldDiff]:
    """Return the fields that differ between two versions, in editor order."""
    before, after = flatten(old), flatten(new)
    paths = sorted({*before, *after}, key=_editor_order)
    diffs = []
    for path in paths:
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        diffs.append(diff_text(path, a or "", b or "", status, context))
    return diffs


_FIELD_ORDER = {(channel, name): i for i, (channel, name) in enumerate(
    (channel, name) for channel, names in CHANNEL_FIELDS.items() for name in names)}


def _editor_order(path: tuple[str, ...]):
    if path == ("default_locale",):
        return (0, "", 0)
    return (1, path[0], _FIELD_ORDER[path[1:]])


def diff_text(path, a: str, b: str, status: str = "changed",
              context: int = CONTEXT_LINES) -> FieldDiff:
    """Diff two texts into side-by-side rows and unified lines."""
    old_lines, new_lines = a.splitlines() if a else [], b.splitlines() if b else []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows, added, removed = [], 0, 0
    previous_end = 0
    for group in matcher.get_grouped_opcodes(context):
        start = group[0][1]
        if start > previous_end:
            rows.append(Row("skip", skipped=start - previous_end))
        for tag, i1, i2, j1, j2 in group:
            rows += _rows(tag, old_lines, new_lines, i1, i2, j1, j2)
            removed += (i2 - i1) if tag in ("replace", "delete") else 0
            added += (j2 - j1) if tag in ("replace", "insert") else 0
        previous_end = group[-1][2]
    if rows and previous_end < len(old_lines):
        rows.append(Row("skip", skipped=len(old_lines) - previous_end))
    unified = [_classify(line) for line in difflib.unified_diff(
        old_lines, new_lines, lineterm="", n=context)][2:]
    return FieldDiff(path, status, rows, unified, added, removed)


def _rows(tag, old_lines, new_lines, i1, i2, j1, j2) -> list[Row]:
    if tag == "equal":
        return [Row("equal", Side(i + 1, [(old_lines[i], False)]),
                    Side(j + 1, [(new_lines[j], False)]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
    rows = []
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        old = old_lines[i] if i < i2 else None
        new = new_lines[j] if j < j2 else None
        if old is not None and new is not None:
            old_parts, new_parts = inline_parts(old, new)
            rows.append(Row("replace", Side(i + 1, old_parts), Side(j + 1, new_parts)))
        elif old is not None:
            rows.append(Row("delete", Side(i + 1, [(old, True)]), Side()))
        else:
            rows.append(Row("insert", Side(), Side(j + 1, [(new, True)])))
    return rows


def inline_parts(old: str, new: str) -> tuple[list, list]:
    """Split two similar lines into (text, changed) parts so the changed words stand out."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < INLINE_RATIO:
        return [(old, True)], [(new, True)]
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            old_parts.append(("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            new_parts.append(("".join(b[j1:j2]), tag != "equal"))
    return old_parts, new_parts


def _classify(line: str) -> tuple[str, str]:
    if line.startswith("@@"):
        return "hunk", line
    kind = {"+": "insert", "-": "delete"}.get(line[:1], "equal")
    return kind, line
