"""Every render runs under one budget: hostile templates fail fast with a RenderError.

Each hostile render runs in a forked child with its memory capped: a render that
ignores its budget is killed after a few seconds (and cannot take the machine's memory
with it) instead of holding up the suite.
"""
import gc
import multiprocessing
import resource
import time
from pathlib import Path

import pytest

from app.core.delivery.deliver import deliver_batch
from app.core.templates.environment import _CompileCache
from app.core.templates.rendering import (
    MAX_SMS_CHARS,
    RenderError,
    RenderLimits,
    check_limits,
    check_syntax,
    render_channel,
    render_string,
)
from app.models import Notification
from tests import factories

LIMITS = RenderLimits(timeout_ms=200, max_email_bytes=64 * 1024)
# For tests of what a render produces, not of its budget: a loaded machine can pause a
# well-behaved render past 200 ms of wall clock.
GENEROUS = RenderLimits(timeout_ms=10_000)
# A render over budget stops within this much CPU time past the limit. Seen on a busy
# 2-core machine: up to 120 ms past it for the formatting and 100 KB-source cases (time
# spent in single C calls between two budget checks).
SLACK = 0.2
KILL_AFTER = 8  # seconds: a render still running then ignores its budget
FIELD = "/content/sms/text"
DATA = {"n": 10**9, "neg": -5, "s": "x" * 60_000, "big": "b" * 100_000}

HOSTILE = [
    # big numbers
    "{{ 9**(10**8) }}",
    "{{ 2**99999999 }}",
    "{{ 10**(10**10) }}",
    "{% set ns = namespace(x=2) %}{% for i in range(60) %}{% set ns.x = ns.x * ns.x %}"
    "{% endfor %}{{ ns.x > 1 }}",
    # repeated strings, lists, tuples
    "{{ 'a'*10**9 }}",
    "{{ [1]*10**9 }}",
    "{{ 'ab' * 99999999 }}",
    "{{ 'a'*1000 * 1000 * 1000 }}",
    "{{ (1,)*10**9 }}",
    "{% set x = 'a'*10**6 %}{{ x*10**6 }}",
    "{{ 'a' * ('99999999999'|int) }}",
    "{{ 'ab' * n }}",
    "{{ s * 100000 }}",
    "{{ data.big * data.n }}",
    "{% set ns = namespace(x='a') %}{% for i in range(64) %}{% set ns.x = ns.x ~ ns.x %}"
    "{% endfor %}{{ ns.x }}",
    "{% set ns = namespace(x=['a']) %}{% for i in range(64) %}{% set ns.x = ns.x + ns.x %}"
    "{% endfor %}{{ ns.x|length }}",
    "{% set x = 'a'*100000 %}{{ x|replace('a', x) }}",
    # loops
    "{% for i in range(10**6) %}{% for j in range(10**6) %}x{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% set y = i %}{% endfor %}"
    "{% endfor %}",
    "{% for c in s %}{% for d in s %}{% endfor %}{% endfor %}",
    "{{ range(10**9)|list }}",
    "{{ range(10**100) }}",
    "{% for i in [1, 2] recursive %}{% if loop.depth < 60 %}{{ loop([1, 2]) }}{% endif %}"
    "{% endfor %}",
    # recursion
    "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
    "{{ f(60) }}",
    # padding, formatting, filters, methods
    "{{ 'x'|center(10**9) }}",
    "{{ 'x'|indent(10**9) }}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ 'x'.zfill(10**9) }}",
    "{{ 'a\tb'.expandtabs(10**9) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%.*f' % (999999999, 1.0) }}",
    "{{ '%s' * 100000 % ((big,) * 100000) }}",
    "{{ '%999999999s'|format(1) }}",
    '{{ "{:>999999999}".format(1) }}',
    "{{ '{:.999999999f}'.format(1.0) }}",
    "{{ '{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}'.format(big) }}",
    "{{ lipsum(10**9) }}",
    "{{ lipsum(5, max=10**9) }}",
    "{{ (1).to_bytes(10**9, 'big') }}",
    "{{ big.translate({98: big}) }}",
    "{{ [1]|batch(10**9, 'x')|list }}",
    "{{ [1]|slice(10**9)|list }}",
    "{{ (big ~ ' ')|wordwrap(1, wrapstring=big) }}",
    "{{ [1, 2, 3]|tojson(indent=10**9) }}",
    "{% set x = big %}{{ [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]|string }}",
    # joins of huge generators
    "{{ range(100000)|map('string')|join(',' * 100000) }}",
    "{{ ','.join(range(100000)|map('string')|list * 100) }}",
    "{{ range(100000)|join(big) }}",
    "{{ ([[1] * 100000] * 100000)|sum(start=[]) }}",
    # output and what builds it
    "{% for i in range(100000) %}{{ big }}{% endfor %}",
    "{% set b %}{% for i in range(100000) %}{{ big ~ i }}{% endfor %}{% endset %}{{ b|length }}",
    # compiling
    "{{ x }}" * 70_000,
    "{% raw %}" + "{{ x }}" * 70_000 + "{% endraw %}",
    "{% if x %}" * 200 + "{% endif %}" * 200,
    "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
]


def _child(conn, work, args, kwargs):
    status = Path("/proc/self/status").read_text().splitlines()
    vm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    cap = vm_kb * 1024 + (2 << 30)  # what the suite uses, plus 2 GiB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # The suite's heap is inherited, not the render's: keep the collector off it, or a
    # full collection copies every page of it (copy-on-write) on the render's clock.
    gc.freeze()
    started = time.process_time()
    try:
        work(*args, **kwargs)
        outcome = ("rendered", [])
    except RenderError as exc:
        outcome = (type(exc).__name__, exc.errors)
    except BaseException as exc:  # noqa: BLE001 (reported to the parent as a crash)
        outcome = (f"crashed: {type(exc).__name__}: {str(exc)[:200]}", [])
    # CPU seconds, not wall: a busy CI machine may pause the child, but a render that
    # ignores its budget burns CPU; one stopped by the clock cannot burn more than the limit.
    conn.send((*outcome, time.process_time() - started))


def run_isolated(work, *args, **kwargs) -> tuple[str, list, float]:
    """Run work(...) in a forked child; return (outcome, field errors, CPU seconds)."""
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    child = fork.Process(target=_child, args=(send, work, args, kwargs), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(KILL_AFTER):
            pytest.fail(f"still rendering after {KILL_AFTER} s: no budget stopped it")
        return receive.recv()
    except EOFError:
        pytest.fail("the render killed its process")
    finally:
        child.kill()
        child.join()


@pytest.mark.parametrize("source", HOSTILE, ids=lambda s: s[:60])
def test_hostile_template_fails_fast_naming_the_field(source):
    outcome, errors, seconds = run_isolated(
        render_string, source, {**DATA, "data": DATA}, field=FIELD, limits=LIMITS,
        max_chars=MAX_SMS_CHARS)
    assert outcome == "RenderBudgetExceeded", errors
    assert [e["field"] for e in errors] == [FIELD]
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK


@pytest.mark.parametrize("source", ["{{ x }}" * 4_900, "{% if x %}{% endif %}" * 3_000],
                         ids=("4,900 tags", "3,000 if blocks"))
def test_a_template_just_under_the_tag_bound_compiles_or_stops_within_its_budget(source):
    """Under the bound a source is compiled: on a fast machine within the budget (then `x`
    is undefined), on a slow one stopped by it. Either way it fails fast, naming the field."""
    outcome, errors, seconds = run_isolated(
        render_string, source, {**DATA, "data": DATA}, field=FIELD, limits=LIMITS,
        max_chars=MAX_SMS_CHARS)
    assert outcome in ("RenderBudgetExceeded", "RenderError"), errors
    assert [e["field"] for e in errors] == [FIELD]
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK


@pytest.mark.parametrize("source", [
    "{{ 9**(10**8) }}", "{{ 'a'*10**9 }}", "{{ 'x'|center(10**9) }}", "{{ lipsum(10**9) }}",
    "{{ '%0999999999d' % 1 }}", "{{ x }}" * 70_000,
])
def test_compiling_evaluates_nothing(source):
    """Saving a template compiles it: nothing in it runs, so nothing is folded or cached."""
    outcome, errors, seconds = run_isolated(check_syntax, source, field=FIELD, limits=LIMITS)
    assert outcome in ("rendered", "RenderBudgetExceeded"), errors
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK


@pytest.mark.parametrize(("channel", "content", "field"), [
    ("sms", {"text": "{% for i in range(100000) %}0123456789{% endfor %}"}, "/content/sms/text"),
    ("push", {"title": "{{ 'x' * 9000 }}"}, "/content/push/title"),
    ("push", {"body": "ok", "data": {"k": "{{ 'x' * 9000 }}"}}, "/content/push/data/k"),
    ("email", {"subject": "Hi", "html": "<p>{{ 'x' * 70000 }}</p>"}, "/content/email/html"),
    ("email", {"subject": "Hi", "text": "{% for i in range(9000) %}0123456789{% endfor %}"},
     "/content/email/text"),
    ("email", {"subject": "Hi", "html": "<style>*{" + "".join(f"--v{n}:{n};" for n in range(20))
               + "}</style>" + "<b></b>" * 5000}, "/content/email/html"),  # CSS inlined: 1 MB
])
def test_output_is_bounded_per_channel(channel, content, field):
    outcome, errors, seconds = run_isolated(render_channel, channel, content, {}, "/content",
                                            limits=LIMITS)
    assert outcome == "RenderBudgetExceeded", errors
    assert [e["field"] for e in errors] == [field]
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK


def test_rendering_fetches_no_stylesheet():
    html = ('<link rel="stylesheet" href="http://127.0.0.1:9/remote.css">'
            "<style>p { color: red }</style><p>Hi</p>")
    outcome, errors, seconds = run_isolated(
        render_channel, "email", {"subject": "Hi", "html": html}, {}, "/content", limits=LIMITS)
    assert outcome == "rendered", errors


def test_large_html_gets_a_plain_text_part_quickly():
    rows = "".join(f"<tr><td>Item {n}</td><td>&pound;{n}</td></tr>" for n in range(3000))
    html = f"<html><head><style>td {{ padding: 4px }}</style></head><body><h1>Order</h1>" \
           f"<table>{rows}</table><script>track()</script></body></html>"
    email = {"subject": "Hi", "html": html}
    outcome, errors, seconds = run_isolated(render_channel, "email", email, {}, "/content")
    assert outcome == "rendered", errors
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK
    content = render_channel("email", email, {}, limits=GENEROUS)  # 512 KiB allowed
    lines = content["text"].splitlines()
    assert lines[:3] == ["Order", "Item 0 £0", "Item 1 £1"] and "track()" not in content["text"]


def test_large_html_text_part_keeps_link_addresses():
    filler = "".join(f"<p>Line {n}</p>" for n in range(8000))
    html = f'{filler}<p><a href="https://shop.example/sale?a=1&amp;b=2">Shop <b>now</b></a> ' \
           f'<a href="mailto:help@shop.example">help@shop.example</a> <a href="#top">Top</a></p>'
    text = render_channel("email", {"subject": "Hi", "html": html}, {})["text"]
    assert text.splitlines()[-1] == "Shop now (https://shop.example/sale?a=1&b=2) " \
                                     "help@shop.example Top"


def test_channel_limits_name_the_field():
    sms = {"text": "ж" * 700}  # UCS-2, 67 a part: 11 segments
    assert check_limits("sms", sms, "/content/sms", LIMITS) == [
        {"field": "/content/sms/text", "message": "SMS is 11 segments; max is 10"}]
    email = {"subject": "Hi", "html": "é" * 40_000}  # 80,000 bytes
    assert check_limits("email", email, "/content/email", LIMITS) == [
        {"field": "/content/email/html", "message": "email html is 80,000 bytes; max is 65,536"}]


@pytest.mark.parametrize(("source", "message"), [
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{{ 'abc'.index('z') }}", "ValueError: substring not found"),
    ("{{ nope }}", "'nope' is undefined"),
])
def test_whatever_a_template_raises_is_a_render_error(source, message):
    with pytest.raises(RenderError) as err:
        render_string(source, {}, field=FIELD, limits=LIMITS)
    [error] = err.value.errors
    assert error["field"] == FIELD and message in error["message"]


def test_an_over_budget_field_stops_the_rest_of_the_message():
    content = {"subject": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                          "{% endfor %}", "text": "fine"}
    outcome, errors, seconds = run_isolated(render_channel, "email", content, {}, "/content",
                                            limits=LIMITS)
    assert outcome == "RenderBudgetExceeded", errors
    assert seconds <= LIMITS.timeout_ms / 1000 + SLACK
    assert errors[0]["field"] == "/content/email/subject"


WELL_BEHAVED = [
    ("{{ '%05d' % 42 }} {{ '%-4s|' % 'ab' }} {{ '%(a)s' % {'a': 1} }}", "00042 ab  | 1"),
    ("{{ '{:>6}'.format('x') }}|{{ '{0:.2f}'.format(3.14159) }}", "     x|3.14"),
    ("{{ 'x'|center(5) }}|{{ 'ab'.ljust(4, '.') }}|{{ '7'.zfill(3) }}", "  x  |ab..|007"),
    ("{{ 2**64 }} {{ 3 * 4 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 'ab' * 3 }}",
     "18446744073709551616 12 3 1 ababab"),
    ("{% for i in range(1000) %}{% if loop.last %}{{ loop.length }}{% endif %}{% endfor %}",
     "1000"),
    ("{{ items|join(', ') }} {{ items|sort|first }} {{ items|unique|list|length }}",
     "b, a, b a 2"),
    ("{{ items|map('upper')|join }} {{ [1, 2, 3]|sum }} {{ [[1], [2]]|sum(start=[]) }}",
     "BAB 6 [1, 2]"),
    ("{{ 'one two three'|wordwrap(7) }}", "one two\nthree"),
    ("{{ 'hello world'|title }} {{ 'a b c'|wordcount }} {{ 'x y'|urlencode }}",
     "Hello World 3 x%20y"),
    ("{{ 'line1\nline2'|indent(2) }}", "line1\n  line2"),
    ("{{ {'a': [1, 2]}|tojson }} {{ [1, 2]|batch(1)|list }}", '{"a": [1, 2]} [[1], [2]]'),
    ("{% set ns = namespace(n=0) %}{% for i in range(10) %}{% set ns.n = ns.n + i %}"
     "{% endfor %}{{ ns.n }}", "45"),
    ("{% macro greet(name) %}Hi {{ name }}{% endmacro %}{{ greet('Ada') ~ '!' }}", "Hi Ada!"),
    ("{% for n in tree recursive %}{{ n.name }}{{ loop(n.kids) }}{% endfor %}", "abc"),
    ("{{ ','.join(['a', 'b']) }} {{ 'a-b'.replace('-', '+') }} {{ 'x'|replace('x', 'yz') }}",
     "a,b a+b yz"),
    ("{{ lipsum(1, html=False, min=5, max=6).split()|length >= 5 }}", "True"),
]


@pytest.mark.parametrize(("source", "expected"), WELL_BEHAVED, ids=lambda s: str(s)[:40])
def test_ordinary_templates_render_as_before(source, expected):
    context = {"items": ["b", "a", "b"],
               "tree": [{"name": "a", "kids": [{"name": "b", "kids": []},
                                               {"name": "c", "kids": []}]}]}
    assert render_string(source, context, limits=GENEROUS) == expected


def test_compile_cache_is_bounded_by_count_and_size():
    cache = _CompileCache(max_entries=3, max_chars=800)
    for n in range(10):
        cache.put((f"{n}" * 50, False), n)
    assert len(cache.entries) == 3 and cache.chars <= 800
    cache.put(("x" * 500, False), "huge")  # more than an eighth of the cache: not kept
    assert cache.get(("x" * 500, False)) is None and cache.get(("9" * 50, False)) == 9


@pytest.mark.parametrize("text", [
    "{{ range(10**9)|list }}",
    "{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}",
])
def test_worker_fails_an_over_budget_render_permanently(db, redis, config, text):
    factories.category()
    contact = factories.contact()
    template = factories.template(content={"en": {"sms": {"text": text}}})
    rows = [factories.notification(contact, channel="sms", status="queued", content=None,
                                   address=contact.phone,
                                   template_version_id=template.published_version_id)
            for _ in range(3)]
    from app.channels.pool import ProviderPool

    started = time.process_time()  # CPU: a loaded machine's pauses are not the render's
    counts = deliver_batch(db.session, redis, config, ProviderPool(config), "sms",
                           [str(r.id) for r in rows])
    assert time.process_time() - started <= config.RENDER_TIMEOUT_MS / 1000 + 1
    assert counts == {"failed": 3}
    for row in rows:
        db.session.refresh(row)
        assert (row.status, row.error_code) == ("failed", "render_budget")
        assert "/sms/text" in row.error_message
    assert db.session.get(Notification, rows[0].id).due_at is None  # never retried
