"""The text/plain part made from an email's HTML keeps every link's address."""
import pytest

from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")

HTML = ('<p>New arrivals. <a href="https://shop.example/new?utm=mail">Shop now</a></p>'
        '<table><tr><td><a href="https://shop.example/sale" style="display:block">'
        '<b>See the sale</b></a></td></tr></table>'
        '<p>Questions? <a href="mailto:help@shop.example">Write to us</a>, '
        '<a href="tel:+14155550100">call us</a> or visit '
        '<a href="https://shop.example/">https://shop.example</a>. '
        '<a href="#top">Back to top</a></p>')
TEXT = ["New arrivals. Shop now (https://shop.example/new?utm=mail)",
        "See the sale (https://shop.example/sale)",
        "Questions? Write to us (help@shop.example), call us (+14155550100) or visit "
        "https://shop.example. Back to top"]


@pytest.fixture()
def ada(db):
    factories.category()
    return factories.contact()


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_sendgrid_text_part_keeps_link_addresses(client, api_headers, drain, sandbox, ada):
    send(client, api_headers, channels=["email"],
         content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("sendgrid")
    contents = {c["type"]: c["value"] for c in received["payload"]["content"]}
    assert lines(contents["text/plain"]) == TEXT


def test_smtp_text_part_keeps_link_addresses(client, api_headers, drain, sandbox, config, ada,
                                             monkeypatch):
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", "smtp")
    send(client, api_headers, channels=["email"],
         content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("smtp")
    assert lines(received["payload"]["text"]) == TEXT


def test_a_text_part_given_is_kept_as_it_is(client, api_headers, drain, sandbox, ada):
    send(client, api_headers, channels=["email"],
         content={"email": {"subject": "New in", "html": HTML, "text": "Shop: shop.example"}})
    drain()
    [received] = sandbox.received("sendgrid")
    contents = {c["type"]: c["value"] for c in received["payload"]["content"]}
    assert contents["text/plain"] == "Shop: shop.example"
