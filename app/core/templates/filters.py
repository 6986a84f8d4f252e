"""Jinja's filters, tests and globals, each under the render budget.

Every filter checks the clock; those that turn their input into text check its size
first; those that walk their input spend a loop step per item; those whose arguments
size the result (center, indent, wordwrap, replace, format, join, batch, slice,
tojson, sum, range, lipsum) check that size before doing the work.
"""

import re
import textwrap
from functools import wraps

from jinja2 import filters as jinja_filters
from jinja2 import pass_environment, pass_eval_context
from jinja2.filters import make_attrgetter
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

from app.core.templates import sizes
from app.core.templates.budget import (
    MAX_ITEMS,
    BudgetExceeded,
    active,
    text_weight,
    tick,
)

# Filters written in Python take microseconds a word or item; these keep any one call of
# them well under the 100 ms a render may overrun its deadline by.
PIECE_CHARS = 4096  # urlize, title, wordcount, urlencode: worked through in pieces
MAX_PARAGRAPH_CHARS = 16_384  # wordwrap, per paragraph
MAX_INDENT_LINES = 16_384
MAX_SLICES = 1000
MAX_WALKED_CHARS = 32 * 1024  # pprint, tojson(indent), xmlattr, urlencode of a dict
_SPACES = re.compile(r"\s+")

# Filters that turn their whole input into text, and filters that walk their input.
STRINGIFYING = frozenset({
    "capitalize", "center", "e", "escape", "filesizeformat", "forceescape", "format",
    "indent", "lower", "pprint", "replace", "safe", "string", "striptags", "title",
    "tojson", "trim", "truncate", "upper", "urlencode", "urlize", "wordcount", "wordwrap",
    "xmlattr",
})
ITERATING = frozenset({
    "batch", "groupby", "list", "map", "max", "min", "reject", "rejectattr", "select",
    "selectattr", "slice", "sort", "unique",
})
# These call a Python key function per item once they have read them all.
MAX_SORTED = 20_000
SORTING = frozenset({"dictsort", "groupby", "max", "min", "sort", "unique"})


def _int(value) -> int:
    return value if isinstance(value, int) else 0


def _center(value, width=80):
    active().check_size(_int(width), "a padded string")
    return jinja_filters.do_center(value, width)


def _indent(s, width=4, first=False, blank=False):
    budget, text = active(), str(s)
    lines = text.count("\n") + 1
    if lines > MAX_INDENT_LINES:
        raise BudgetExceeded(f"indents more than {MAX_INDENT_LINES:,} lines")
    prefix = len(width) if isinstance(width, str) else _int(width)
    budget.check_size(len(text) + (lines + 1) * prefix, "an indented string")
    return jinja_filters.do_indent(s, width, first, blank)


@pass_environment
def _wordwrap(environment, s, width=79, break_long_words=True, wrapstring=None,
              break_on_hyphens=True):
    """Jinja's wordwrap (each paragraph wrapped on its own), a paragraph at a time."""
    budget, text = active(), str(s)
    joint = environment.newline_sequence if wrapstring is None else str(wrapstring)
    budget.check_size(len(text) * (1 + len(joint)), "a wrapped string")
    paragraphs = []
    for line in text.splitlines():
        if len(line) > MAX_PARAGRAPH_CHARS:
            raise BudgetExceeded(f"wraps a paragraph of more than {MAX_PARAGRAPH_CHARS:,} "
                                 "characters")
        budget.check_time()
        paragraphs.append(joint.join(textwrap.wrap(
            line, width=width, expand_tabs=False, replace_whitespace=False,
            break_long_words=break_long_words, break_on_hyphens=break_on_hyphens)))
    return joint.join(paragraphs)


def pieces(text: str, size: int = PIECE_CHARS):
    """Cut text after a run of whitespace every `size` characters or so."""
    start = 0
    while start < len(text):
        end = start + size
        if end < len(text):
            gap = _SPACES.search(text, end)
            end = gap.end() if gap else len(text)
        yield text[start:end]
        start = end


def _piecewise(work, text, combine=None):
    """Apply a word-by-word filter to text in pieces, checking the clock between them."""
    if len(text) <= PIECE_CHARS:
        return work(text)
    budget = active()
    results = []
    for piece in pieces(text):
        budget.check_time()
        results.append(work(piece))
    if combine is not None:
        return combine(results)
    return (Markup("") if results and isinstance(results[0], Markup) else "").join(results)


def _title(s):
    return _piecewise(jinja_filters.do_title, jinja_filters.soft_str(s))


def _wordcount(s):
    return _piecewise(jinja_filters.do_wordcount, jinja_filters.soft_str(s), sum)


@pass_eval_context
def _urlize(eval_ctx, value, *args, **kwargs):
    return _piecewise(lambda piece: jinja_filters.do_urlize(eval_ctx, piece, *args, **kwargs),
                      jinja_filters.soft_str(value))


def _urlencode(value):
    if isinstance(value, str):
        return _piecewise(jinja_filters.do_urlencode, value)
    _check_walk(value, "urlencode")
    return jinja_filters.do_urlencode(value)


def _check_walk(value, name: str) -> None:
    """pprint, tojson(indent), xmlattr, urlencode walk their input in Python: keep it small."""
    if text_weight(value, MAX_WALKED_CHARS) > MAX_WALKED_CHARS:
        raise BudgetExceeded(f"gives |{name} more than {MAX_WALKED_CHARS:,} characters")


def _pprint(value):
    _check_walk(value, "pprint")
    return jinja_filters.do_pprint(value)


@pass_eval_context
def _xmlattr(eval_ctx, d, autospace=True):
    _check_walk(d, "xmlattr")
    return jinja_filters.do_xmlattr(eval_ctx, d, autospace)


@pass_eval_context
def _replace(eval_ctx, s, old, new, count=None):
    size = sizes.replaced_size(str(s), str(old), str(new), -1 if count is None else count)
    active().check_size(size, "a string")
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def _format(value, *args, **kwargs):
    sizes.check_percent(active(), value, kwargs or args)
    return jinja_filters.do_format(value, *args, **kwargs)


@pass_eval_context
def _join(eval_ctx, value, d="", attribute=None):
    budget = active()
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    items = list(budget.guard(value))
    budget.check_size(sizes.joined_size(budget, items, str(d)), "a joined string")
    return jinja_filters.sync_do_join(eval_ctx, items, d)


@pass_environment
def _sum(environment, iterable, attribute=None, start=0):
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    total = start
    for item in active().guard(iterable):
        total = environment.call_binop(None, "+", total, item)
    return total


def _batch(value, linecount, fill_with=None):
    active().check_size(_int(linecount), "a batch")
    return jinja_filters.do_batch(value, linecount, fill_with)


def _slice(value, slices, fill_with=None):
    if _int(slices) > MAX_SLICES:  # it loops over the slices in Python, unchecked
        raise BudgetExceeded(f"slices into more than {MAX_SLICES:,} columns")
    return jinja_filters.sync_do_slice(value, slices, fill_with)


@pass_eval_context
def _tojson(eval_ctx, value, indent=None):
    budget = active()
    if indent is not None:  # json's indenting encoder is pure Python
        _check_walk(value, "tojson")
    width = len(indent) if isinstance(indent, str) else _int(indent)
    budget.check_size(budget.check_text(value) * (1 + width), "a JSON string")
    return jinja_filters.do_tojson(eval_ctx, value, indent)


_REPLACED = {
    "batch": _batch, "center": _center, "format": _format, "indent": _indent,
    "join": _join, "pprint": _pprint, "replace": _replace, "slice": _slice, "sum": _sum,
    "title": _title, "tojson": _tojson, "urlencode": _urlencode, "urlize": _urlize,
    "wordcount": _wordcount, "wordwrap": _wordwrap, "xmlattr": _xmlattr,
}


def _bounded(name: str, func, stringifies: bool, iterates: bool = False):
    position = 1 if hasattr(func, "jinja_pass_arg") else 0  # context/environment first
    most = MAX_SORTED if name in SORTING else None

    @wraps(func)
    def run(*args, **kwargs):
        budget = tick()  # outside a render (compile time) a filter never runs
        if len(args) > position:
            value = args[position]
            if stringifies:
                budget.check_text(value, f"a value for |{name}")
            if most is not None and isinstance(value, dict) and len(value) > most:
                raise BudgetExceeded(f"gives |{name} more than {most:,} items")
            if iterates:
                value = budget.guard(value, most, f"gives |{name}")
                args = (*args[:position], value, *args[position + 1:])
        result = func(*args, **kwargs)
        budget.charge_value(result)
        return result

    return run


def bounded_filters(defaults: dict) -> dict:
    """Every filter, the risky ones replaced, all of them checked against the budget."""
    return {name: _bounded(name, _REPLACED.get(name, func), name in STRINGIFYING,
                           name in ITERATING)
            for name, func in defaults.items()}


def bounded_tests(defaults: dict) -> dict:
    """Every test, checked against the budget (`is lower`/`is upper` read their value as text)."""
    return {name: _bounded(name, func, name in ("lower", "upper"))
            for name, func in defaults.items()}


def bounded_range(*args) -> range:
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:
        size = MAX_ITEMS + 1
    if size > MAX_ITEMS:
        raise BudgetExceeded(f"asks for a range of more than {MAX_ITEMS:,} numbers")
    return numbers


def bounded_lipsum(n=5, html=True, min=20, max=100):  # noqa: A002 (Jinja's own names)
    words = _int(n) * (_int(max) if _int(max) > _int(min) else _int(min))
    active().check_size(words * 12, "lorem ipsum")
    return generate_lorem_ipsum(n, html, min, max)


def bounded_globals() -> dict:
    return {"range": bounded_range, "lipsum": bounded_lipsum}
