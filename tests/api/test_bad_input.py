"""Bad input across the API: always a 4xx problem naming the field, never a write."""
import json

import pytest

from tests import factories
from tests.helpers.api import assert_problem

KEYS = {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}  # a 65-byte 0x04 point, 16 bytes
SEND = {"recipients": ["user-1"], "category": "orders"}
SMS = {"sms": {"text": "Hi"}}


def contact(**body):
    return "put", "/api/v1/contacts/user-9", {"json": body}


def device(**body):
    return "post", "/api/v1/contacts/user-1/devices", {"json": body}


def send(**body):
    return "post", "/api/v1/notifications", {"json": {**SEND, **body}}


def raw(method, path, data, content_type="application/json", headers=None):
    return method, path, {"data": data, "content_type": content_type, "headers": headers or {}}


CASES = [
    # contacts
    ("unknown field", contact(nickname="Ada"), 422, "/nickname"),
    ("email not a string", contact(email=5), 422, "/email"),
    ("bad email", contact(email="ada@"), 422, "/email"),
    ("bad E.164", contact(phone="+1 555"), 422, "/phone"),
    ("number without +", contact(phone="4155550100"), 422, "/phone"),
    ("unknown timezone", contact(timezone="Mars/Olympus_Mons"), 422, "/timezone"),
    ("bad locale", contact(locale="english!"), 422, "/locale"),
    ("tags not a list", contact(tags="vip"), 422, "/tags"),
    ("tag with a space", contact(tags=["ok", "not ok"]), 422, "/tags/1"),
    ("attributes not an object", contact(attributes=[1, 2]), 422, "/attributes"),
    ("attributes too big", contact(attributes={"x": "a" * 17_000}), 422, "/attributes"),
    ("external id too long", ("put", "/api/v1/contacts/" + "x" * 256, {"json": {}}), 422,
     "/external_id"),
    ("body is an array", ("put", "/api/v1/contacts/user-9", {"json": [1]}), 422, ""),
    ("batch repeats an id", ("post", "/api/v1/contacts:batch", {"json": {"contacts": [
        {"external_id": "a"}, {"external_id": "a"}]}}), 422, "/contacts"),
    # devices
    ("bad platform", device(platform="blackberry", token="x" * 64), 422, "/platform"),
    ("bad APNs token", device(platform="ios", token="xyz"), 422, "/token"),
    ("short FCM token", device(platform="android", token="abc"), 422, "/token"),
    ("ios without token", device(platform="ios"), 422, "/token"),
    ("web without subscription", device(platform="web"), 422, "/subscription"),
    ("web with a bad key", device(platform="web", subscription={
        "endpoint": "https://push.example.net/x", "keys": {**KEYS, "p256dh": "AAAA"}}),
     422, "/subscription"),
    ("web endpoint not a URL", device(platform="web", subscription={
        "endpoint": "push-me", "keys": KEYS}), 422, "/subscription"),
    ("web endpoint over http", device(platform="web", subscription={
        "endpoint": "http://push.example.net/x", "keys": KEYS}), 422, "/subscription"),
    # notifications
    ("too many recipients", send(recipients=[f"u{i}" for i in range(1001)], content=SMS),
     422, "/recipients"),
    ("no recipients", send(recipients=[], content=SMS), 422, "/recipients"),
    ("recipient not a string", send(recipients=["user-1", 7], content=SMS), 422,
     "/recipients/1"),
    ("unknown recipient", send(recipients=["user-1", "ghost"], content=SMS), 422,
     "/recipients/1"),
    ("template and content", send(template="welcome", content=SMS), 422, "/content"),
    ("neither template nor content", send(), 422, "/content"),
    ("unknown channel", send(channels=["sms", "fax"], content=SMS), 422, "/channels/1"),
    ("channel without content", send(channels=["email"], content=SMS), 422, "/content"),
    ("empty push content", send(content={"push": {}}), 422, "/content/push"),
    ("email without a body", send(content={"email": {"subject": "Hi"}}), 422,
     "/content/email"),
    ("bad send_at", send(content=SMS, send_at="tomorrow"), 422, "/send_at"),
    ("send_at without offset", send(content=SMS, send_at="2030-01-01T10:00:00"), 422,
     "/send_at"),
    ("unknown category", send(category="nope", content=SMS), 422, "/category"),
    ("unknown template", send(template="nope"), 422, "/template"),
    ("push over 4 KB", send(content={"push": {"title": "t" * 4000, "body": "b" * 200}}), 422,
     "/content/push"),
    ("SMS over 10 segments", send(channels=["sms"], content={"sms": {"text": "a" * 1531}}),
     422, "/content/sms/text"),
    ("unicode SMS over 10 segments", send(channels=["sms"], content={"sms": {"text": "é✓" * 336}}),
     422, "/content/sms/text"),
    ("missing category", ("post", "/api/v1/notifications",
                          {"json": {"recipients": ["user-1"], "content": SMS}}), 422,
     "/category"),
    ("bad idempotency key", ("post", "/api/v1/notifications", {
        "json": {**SEND, "content": SMS}, "headers": {"Idempotency-Key": "has space"}}),
     422, "Idempotency-Key"),
    # categories and preferences
    ("strict int", ("put", "/api/v1/categories/promo", {"json": {
        "name": "Promo", "rate_limits": {"push": {"limit": "3", "per_seconds": 60}}}}),
     422, "/rate_limits/push/limit"),
    ("rate limit for unknown channel", ("put", "/api/v1/categories/promo", {"json": {
        "name": "Promo", "rate_limits": {"fax": {"limit": 3, "per_seconds": 60}}}}),
     422, "/rate_limits/fax"),
    ("bad category key", ("put", "/api/v1/categories/Not%20Ok", {"json": {"name": "x"}}),
     422, "/key"),
    ("unknown preference channel", ("put", "/api/v1/contacts/user-1/preferences", {"json": {
        "categories": {"orders": {"fax": True}}}}), 422, "/categories/orders/fax"),
    ("preference not a boolean", ("put", "/api/v1/contacts/user-1/preferences", {"json": {
        "categories": {"orders": {"sms": "no"}}}}), 422, "/categories/orders/sms"),
    # query strings
    ("limit too big", ("get", "/api/v1/contacts?limit=500", {}), 422, "/limit"),
    ("limit not a number", ("get", "/api/v1/notifications?limit=ten", {}), 422, "/limit"),
    ("unknown query parameter", ("get", "/api/v1/contacts?colour=red", {}), 422, "/colour"),
    ("bad cursor", ("get", "/api/v1/notifications?cursor=bm9wZQ", {}), 422, "/cursor"),
    ("unknown status filter", ("get", "/api/v1/notifications?status=lost", {}), 422,
     "/status/0"),
    ("date-time as a number", ("get", "/api/v1/notifications?created_before=0.5", {}), 422,
     "/created_before"),
    ("send_at with a space", send(content=SMS, send_at="2030-01-01 10:00:00Z"), 422,
     "/send_at"),
    # date-times: in UTC within datetime's years, send_at within the schedule window
    ("send_at past the last year in UTC", send(content=SMS, send_at="9999-12-31T23:59:59-01:00"),
     422, "/send_at"),
    ("send_at before the first year in UTC", send(content=SMS,
                                                  send_at="0001-01-01T00:00:00+01:00"),
     422, "/send_at"),
    ("send_at centuries ahead", send(content=SMS, send_at="2999-01-01T00:00:00Z"), 422,
     "/send_at"),
    ("send_at years ago", send(content=SMS, send_at="2001-01-01T00:00:00+02:00"), 422,
     "/send_at"),
    ("created_after past the last year in UTC", (
        "get", "/api/v1/notifications?created_after=9999-12-31T23:59:59-01:00", {}), 422,
     "/created_after"),
    ("created_before before the first year in UTC", (
        "get", "/api/v1/notifications?created_before=0001-01-01T00:00:00%2B00:01", {}), 422,
     "/created_before"),
    # NUL characters, which PostgreSQL text and JSONB cannot hold
    ("NUL in a body string", ("put", "/api/v1/categories/promo", {"json": {"name": "a\x00"}}),
     422, "/name"),
    ("NUL in an attribute", contact(attributes={"note": "a\x00b"}), 422, "/attributes/note"),
    ("NUL in an attribute name", contact(attributes={"\x00": 1}), 422, "/attributes/\x00"),
    ("NUL in event data", send(template="welcome", data={"order": ["\x00"]}), 422,
     "/data/order/0"),
    ("NUL in a query parameter", ("get", "/api/v1/notifications?event_id=a%00", {}), 422,
     "/event_id"),
    ("NUL in a path parameter", ("delete", "/api/v1/contacts/user-1/devices/a%00", {}), 422,
     "/device"),
    # non-finite numbers, which JSON does not have and JSONB cannot hold
    ("NaN in an attribute", raw("put", "/api/v1/contacts/user-9",
                                '{"attributes": {"score": NaN}}'), 422, "/attributes/score"),
    ("Infinity in event data", raw("post", "/api/v1/notifications", json.dumps(
        {**SEND, "content": SMS})[:-1] + ', "data": {"n": [1, -Infinity]}}'), 422, "/data/n/1"),
    ("a float of 400 digits in event data", raw("post", "/api/v1/notifications", json.dumps(
        {**SEND, "content": SMS})[:-1] + ', "data": {"n": 1' + "0" * 400 + '.5}}'), 422,
     "/data/n"),
    ("number past a float in a batch", raw("post", "/api/v1/contacts:batch",
                                           '{"contacts": [{"external_id": "a", "attributes": '
                                           '{"x": {"y": 1e999}}}]}'), 422,
     "/contacts/0/attributes/x/y"),
    # transport
    ("malformed JSON", raw("put", "/api/v1/contacts/user-9", '{"email": '), 400, None),
    ("empty body", raw("post", "/api/v1/notifications", ""), 400, None),
    ("wrong content type", raw("put", "/api/v1/contacts/user-9", '{"email": "a@b.co"}',
                               "text/plain"), 415, None),
    ("form instead of JSON", raw("post", "/api/v1/notifications", "recipients=user-1",
                                 "application/x-www-form-urlencoded"), 415, None),
    ("URL too long", ("get", "/api/v1/notifications?event_id=e&" + "status=sent&" * 400, {}),
     414, None),
    ("URL too long on no resource", ("get", "/api/v1/nothing?" + "x" * 5000, {}), 414, None),
    ("body too large", raw("put", "/api/v1/contacts/user-9",
                           json.dumps({"attributes": {"x": "a" * (2 * 1024 * 1024)}})),
     413, None),
]


def contact_with_device():
    row = factories.contact()
    factories.device(row, "android", "fcm-token-bad-input-0001")
    return row


@pytest.fixture()
def known(seed):
    seed(factories.category, "orders")
    seed(contact_with_device)


@pytest.mark.parametrize("request_, status, field",
                         [pytest.param(c[1], c[2], c[3], id=c[0]) for c in CASES])
def test_bad_input_is_a_problem_and_writes_nothing(client, auth, known, counts, request_,
                                                   status, field):
    method, path, kwargs = request_
    kwargs = {**kwargs, "headers": {**auth, **kwargs.get("headers", {})}}
    before = counts()
    response = getattr(client, method)(path, **kwargs)
    problem = assert_problem(response, status)
    if field is not None:
        fields = [e["field"] for e in problem["errors"]]
        assert field in fields, problem
        assert all(e["message"] for e in problem["errors"])
        assert problem["type"].endswith("/validation-failed")
    assert counts() == before


def test_the_table_is_wide(request):
    assert len(CASES) >= 20
