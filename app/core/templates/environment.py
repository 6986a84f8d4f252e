"""The sandboxed Jinja environment every template renders in, with its budget hooks.

Jinja's sandbox stops a template from reaching Python internals, not from spending
the process: `9**(10**8)`, `'a'*10**9` or two nested loops run as long as they like.
Here every operator, call, attribute lookup, loop step, `~` and output goes through a
hook that checks the active Budget first. Nothing is evaluated at compile time: the
hooks refuse to run outside a render, so Jinja cannot fold `{{ 9**(10**8) }}` while
compiling, and a compiled template holds no value its source did not spell out.
"""

import re
import types
from collections import OrderedDict
from functools import update_wrapper
from threading import Lock

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.ext import Extension
from jinja2.runtime import LoopContext
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup

from app.core.templates import filters, sizes
from app.core.templates.budget import (
    Budget,
    BudgetExceeded,
    active,
    current,
    tick,
)

# Python compiles a template's generated code at ~10 µs a line, in one uninterruptible
# call: 5,000 lines is some 1,000 tags, well beyond any real template.
MAX_CODE_LINES = 5000
# Every tag yields at least one line of code, so a source with more tags than that can
# never compile: it is refused by counting, before a token is lexed or a node allocated.
MAX_TAGS = MAX_CODE_LINES
TOO_COMPLEX = "is too complex to compile: use fewer tags and blocks"


class _CompileClock(Extension):
    """Check the clock of the budget in progress while a source is lexed and parsed."""

    def filter_stream(self, stream):
        budget = current()
        if budget is None:
            return stream
        return _clocked(budget, stream)


def _clocked(budget: Budget, tokens):
    for token in tokens:
        budget.check_time()
        yield token


class _CodeGenerator(CodeGenerator):
    """Jinja's compiler, with a budget step per loop iteration and a size check per `~`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = current()

    def visit(self, node, *args, **kwargs):
        if self.budget is not None:
            self.budget.check_time()
        return super().visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For, frame) -> None:
        guard = nodes.EnvironmentAttribute("guard_loop", lineno=node.lineno)
        iterable = nodes.Call(guard, [node.iter], [], None, None, lineno=node.lineno)
        loop = nodes.For(node.target, iterable, node.body, node.else_, node.test,
                         node.recursive, lineno=node.lineno)
        for new in (guard, iterable, loop):
            new.environment = self.environment
        super().visit_For(loop, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"{join}(environment.check_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


def _finalize(value):
    """Check every {{ value }} before it is turned into text."""
    budget = tick()
    if type(value) is str:  # the usual case, kept cheap
        budget.charge(len(value))
    else:
        budget.charge(budget.check_text(value, "an output"))
    return value


class BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox + strict undefined + a budget on time, loops and sizes."""

    intercepted_binops = frozenset(SandboxedEnvironment.default_binop_table)
    code_generator_class = _CodeGenerator

    def __init__(self, *, autoescape: bool):
        super().__init__(undefined=StrictUndefined, autoescape=autoescape,
                         finalize=_finalize, optimized=False, extensions=[_CompileClock])
        self.globals.update(filters.bounded_globals())
        self.filters = filters.bounded_filters(self.filters)
        self.tests = filters.bounded_tests(self.tests)

    def _parse(self, source: str, name, filename):
        if source.count(self.block_start_string) + source.count(
                self.variable_start_string) > MAX_TAGS:
            raise BudgetExceeded(TOO_COMPLEX)
        return super()._parse(source, name, filename)

    def _compile(self, source: str, filename: str):
        if source.count("\n") > MAX_CODE_LINES:
            raise BudgetExceeded(TOO_COMPLEX)
        return super()._compile(source, filename)

    def call_binop(self, context, operator: str, left, right):
        budget = tick()
        sizes.check_binop(budget, operator, left, right)
        result = self.binop_table[operator](left, right)
        budget.check_int(result)
        budget.charge_value(result)
        return result

    def call(self, context, obj, /, *args, **kwargs):
        budget = tick()
        if isinstance(obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (budget.guard(args[0]), *args[1:])
        args = sizes.check_method(budget, obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        budget.charge_value(result)
        return result

    def getattr(self, obj, attribute):
        tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        tick()
        return super().getitem(obj, argument)

    def guard_loop(self, iterable):
        return active().guard(iterable)

    def check_concat(self, parts: tuple) -> tuple:
        budget = active()
        budget.charge(sum(budget.check_text(part, "a joined string") for part in parts))
        return parts

    def concat(self, parts) -> str:
        """Join a block's output (macros, {% set %} blocks, filter blocks), within budget."""
        parts = list(parts)
        active().charge(sum(map(len, parts)))
        return "".join(parts)

    def wrap_str_format(self, value):
        """str.format and format_map, with field widths and the result bounded."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                or value.__name__ not in ("format", "format_map") \
                or not isinstance(value.__self__, str):
            return None
        text = value.__self__
        formatter = (_BoundedEscapeFormatter(self, escape=text.escape)
                     if isinstance(text, Markup) else _BoundedFormatter(self))
        as_map = value.__name__ == "format_map"

        def wrapper(*args, **kwargs):
            if as_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                args, kwargs = (), args[0]
            return type(text)(formatter.vformat(text, args, kwargs))

        return update_wrapper(wrapper, value)


class _BoundedFormatter(SandboxedFormatter):
    def vformat(self, format_string, args, kwargs):
        self.built = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value, conversion):
        if conversion:
            active().check_text(value, "a formatted string")
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        budget = tick()
        widths = sum(sizes.number(n, budget) for n in re.findall(r"\d+", str(format_spec)))
        floats = sizes.FLOAT_DIGITS if isinstance(value, float) else 0
        self.built += widths + floats + budget.check_text(value, "a formatted string")
        budget.check_size(self.built, "a formatted string")
        return super().format_field(value, format_spec)


class _BoundedEscapeFormatter(_BoundedFormatter, SandboxedEscapeFormatter):
    pass


class _CompileCache:
    """Compiled templates by (source, html): bounded by count and by total source size."""

    def __init__(self, max_entries: int = 512, max_chars: int = 4 * 1024 * 1024):
        self.max_entries, self.max_chars = max_entries, max_chars
        self.entries: OrderedDict = OrderedDict()
        self.chars = 0
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            template = self.entries.get(key)
            if template is not None:
                self.entries.move_to_end(key)
            return template

    def put(self, key, template) -> None:
        size = len(key[0])
        if size > self.max_chars // 8:
            return  # a huge source is compiled each time rather than crowd out the rest
        with self.lock:
            if key not in self.entries:
                self.chars += size
            self.entries[key] = template
            while len(self.entries) > self.max_entries or self.chars > self.max_chars:
                (source, _), _ = self.entries.popitem(last=False)
                self.chars -= len(source)


text_env = BudgetedEnvironment(autoescape=False)
html_env = BudgetedEnvironment(autoescape=True)
_cache = _CompileCache()


def compile_template(source: str, html: bool):
    """Return the compiled template for a source, from the bounded cache when it is there."""
    key = (source, html)
    template = _cache.get(key)
    if template is None:
        template = (html_env if html else text_env).from_string(source)
        _cache.put(key, template)
    return template
