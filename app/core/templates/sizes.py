"""How much an operation would build, estimated before it runs, and refused if too much.

The sandbox's operator and call hooks and the bounded filters ask these first:
repetition and concatenation, big-number arithmetic, % and str.format widths,
padding, replace, translate, join, int.to_bytes.
"""

import re

from app.core.templates.budget import (
    MAX_INT_BITS,
    TOO_BIG_NUMBER,
    Budget,
    BudgetExceeded,
    text_weight,
)

FLOAT_DIGITS = 330  # '%f' % 1e308 is 316 characters
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)
_PADDING_METHODS = {"center", "ljust", "rjust", "zfill"}


def number(digits: str, budget: Budget) -> int:
    """A width or precision as written; absurdly long ones count as too wide."""
    return int(digits) if len(digits) <= 9 else budget.max_value + 1


def check_percent(budget: Budget, template, values) -> None:
    """Estimate what `template % values` builds: widths, precisions and the values."""
    text = template.decode("latin-1") if isinstance(template, bytes) else str(template)
    specs = widths = 0
    for width, precision, kind in _PERCENT_SPEC.findall(text):
        if kind == "%":
            continue
        specs += 1
        for digits in (width, precision):
            if digits == "*":
                stars = values if isinstance(values, tuple) else (values,)
                widths += max((abs(v) for v in stars if isinstance(v, int)), default=0)
            elif digits:
                widths += number(digits, budget)
    weight = budget.check_text(values, "a formatted string")
    used = weight if isinstance(values, tuple) else specs * weight
    budget.check_size(len(text) + widths + used + specs * FLOAT_DIGITS, "a formatted string")


def replaced_size(text, old, new, count=-1) -> int:
    """The length of text.replace(old, new, count) (0 if the call would fail anyway)."""
    try:
        hits = len(text) + 1 if not old else text.count(old)
        growth = len(new) - len(old)
    except TypeError:
        return 0
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(growth, 0)


def longest_value(table) -> int:
    """The longest replacement in a str.translate table."""
    values = table.values() if isinstance(table, dict) else ()
    return max((len(v) for v in values if isinstance(v, str)), default=1)


def joined_size(budget: Budget, items: list, separator) -> int:
    total = len(separator) * len(items) if isinstance(separator, (str, bytes)) else 0
    if all(isinstance(item, str) for item in items):
        return total + sum(map(len, items))
    for item in items:
        if total > budget.max_value:
            break
        budget.check_time()
        total += text_weight(item, budget.max_value)
    return total


def check_binop(budget: Budget, operator: str, left, right) -> None:
    """Refuse, before computing it, a result the budget cannot hold."""
    if operator == "**" and _whole(left) and _whole(right) and right > 0 and abs(left) > 1:
        if (left.bit_length() - 1) * right > MAX_INT_BITS:
            raise BudgetExceeded(TOO_BIG_NUMBER)
    elif operator == "*":
        if _whole(left) and _whole(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
                raise BudgetExceeded(TOO_BIG_NUMBER)
        elif _whole(right) and _sequence(left):
            _check_length(budget, left, len(left) * max(right, 0))
        elif _whole(left) and _sequence(right):
            _check_length(budget, right, len(right) * max(left, 0))
    elif operator == "+" and _sequence(left) and _sequence(right):
        _check_length(budget, left, len(left) + len(right))
    elif operator == "%" and isinstance(left, (str, bytes)):
        check_percent(budget, left, right)


def _whole(value) -> bool:
    return isinstance(value, int)


def _sequence(value) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


def _check_length(budget: Budget, kind, length: int) -> None:
    if isinstance(kind, (str, bytes)):
        budget.check_size(length, "a string")
    else:
        budget.check_items(length)


def check_method(budget: Budget, method, args: tuple, kwargs: dict) -> tuple:
    """Bound str/bytes methods that build more than they are given; return the args."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if isinstance(owner, int) and name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        budget.check_size(length if _whole(length) else 0, "a byte string")
    if not isinstance(owner, (str, bytes)):
        return args
    if name in _PADDING_METHODS and args and _whole(args[0]):
        budget.check_size(args[0], "a padded string")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        tabs = owner.count("\t" if isinstance(owner, str) else b"\t")
        budget.check_size(len(owner) + tabs * (size if _whole(size) else 0), "a string")
    elif name == "replace" and len(args) >= 2:
        budget.check_size(replaced_size(owner, *args[:3]), "a string")
    elif name == "translate" and args:
        budget.check_size(len(owner) * max(1, longest_value(args[0])), "a string")
    elif name == "join" and args:
        items = list(budget.guard(args[0]))
        budget.check_size(joined_size(budget, items, owner), "a joined string")
        args = (items, *args[1:])
    return args
