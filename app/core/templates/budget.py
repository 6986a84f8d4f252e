"""The budget every template render runs under: wall clock, loop steps and sizes.

A render opens a Budget in a context variable; the sandbox's hooks (operators, calls,
attribute lookups, loop steps, filters, output) charge it and raise BudgetExceeded the
moment the template would go over. Sizes are checked before the work is done, and the
clock at every hook, so even a loop that prints nothing stops within milliseconds of the
deadline, in the thread that runs it: no watchdog thread, no subprocess.
"""

import time
from collections.abc import Mapping, MappingView
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from jinja2.runtime import Undefined
from jinja2.utils import Namespace

MAX_INT_BITS = 13_300  # about 4,000 decimal digits
TOO_BIG_NUMBER = "builds a number of more than 4,000 digits"
MAX_ITEMS = 100_000  # items one list, tuple, dict or range() may have
MAX_LOOP_STEPS = 500_000  # loop iterations (and items filters walk) in one render
MIN_VALUE_CHARS = 256 * 1024  # the longest string or list any render may build
PRODUCED_FACTOR = 16  # all values built in one render: this many of the longest


@dataclass(frozen=True)
class RenderLimits:
    """What one render may use: HERALD_RENDER_TIMEOUT_MS, HERALD_MAX_EMAIL_HTML_BYTES."""

    timeout_ms: int = 200
    max_email_bytes: int = 512 * 1024

    @classmethod
    def from_config(cls, config) -> "RenderLimits":
        return cls(config.RENDER_TIMEOUT_MS, config.MAX_EMAIL_HTML_BYTES)


class BudgetExceeded(Exception):
    """A render went over its budget; rendering reports it as a RenderError."""


class Budget:
    """Time, loop steps and sizes left to the renders of one message or preview."""

    def __init__(self, limits: RenderLimits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout_ms / 1000
        self.steps = 0
        self.produced = 0
        self.max_value = MIN_VALUE_CHARS
        self.spent_by: str | None = None  # the field that went over, once one has

    def for_output(self, max_chars: int) -> None:
        """Size the value limits for a field that may render up to max_chars."""
        self.max_value = max(max_chars, MIN_VALUE_CHARS)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"took longer than {self.limits.timeout_ms} ms to render")

    def guard(self, iterable, most: int | None = None, what: str = "items"):
        """Iterate, spending one loop step per item (the hottest hook: kept lean)."""
        clock, deadline = time.monotonic, self.deadline
        for count, item in enumerate(iterable, 1):
            self.steps += 1
            if self.steps > MAX_LOOP_STEPS:
                raise BudgetExceeded(f"loops more than {MAX_LOOP_STEPS:,} times")
            if clock() > deadline:
                self.check_time()
            if most is not None and count > most:
                raise BudgetExceeded(f"{what} more than {most:,} items")
            yield item

    def check_size(self, size: int, what: str = "a value") -> None:
        """Refuse to build something longer than a value may be."""
        if size > self.max_value:
            raise BudgetExceeded(f"builds {what} longer than {self.max_value:,} characters")

    def charge(self, size: int) -> None:
        """Count a value built; refuse once the render has built too much in all."""
        self.check_size(size)
        self.produced += size
        if self.produced > PRODUCED_FACTOR * self.max_value:
            raise BudgetExceeded(
                f"builds more than {PRODUCED_FACTOR * self.max_value:,} characters in all")

    def check_items(self, count: int, what: str = "a list") -> None:
        if count > MAX_ITEMS:
            raise BudgetExceeded(f"builds {what} of more than {MAX_ITEMS:,} items")

    def charge_value(self, value) -> None:
        if isinstance(value, (str, bytes)):
            self.charge(len(value))
        elif isinstance(value, (list, tuple, dict)):
            self.check_items(len(value))
            self.charge(len(value))

    def check_int(self, value) -> None:
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise BudgetExceeded(TOO_BIG_NUMBER)

    def check_text(self, value, what: str = "a value") -> int:
        """Refuse a value whose text would be too long; return that length (estimated)."""
        size = text_weight(value, self.max_value)
        self.check_size(size, what)
        return size


_current: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


def current() -> Budget | None:
    return _current.get()


def active() -> Budget:
    """The budget of the render in progress; outside one (compile time) nothing runs."""
    budget = _current.get()
    if budget is None:
        raise BudgetExceeded("no render in progress")
    return budget


def tick() -> Budget:
    """The active budget, its clock checked: the hooks' hot path, one call."""
    budget = _current.get()
    if budget is None or time.monotonic() > budget.deadline:
        active().check_time()
    return budget


@contextmanager
def scope(limits: RenderLimits):
    """Run the renders inside under one budget (the enclosing one, if any is open)."""
    budget = _current.get()
    if budget is not None:
        yield budget
        return
    budget = Budget(limits)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def text_weight(value, limit: int) -> int:
    """Estimate len(str(value)), walking containers; stop counting past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item) + 2
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() * 3 // 10 + 2
        elif isinstance(item, Namespace):
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, (Mapping, MappingView, list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item.items() if isinstance(item, Mapping) else item)
        elif not isinstance(item, Undefined):
            total += 32  # numbers, None, ranges, generators, loop and macro objects
    return total
