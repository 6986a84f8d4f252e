"""Bad input to /api/v1/campaigns: a 422 problem naming the field and nothing written;
keys without the `manage` scope get 403 on every campaign operation."""
import pytest

from tests.helpers.api import assert_problem

URL = "/api/v1/campaigns"
# Valid but for the field under test (checked before anything is looked up).
SPEC = {"name": "Winter sale", "category": "promo", "segment_id": 1, "channels": ["email"],
        "variants": [{"template": "sale-a"}]}


def _schedule(**fields):
    return {"schedule": fields}


BAD_BODIES = [
    ("unknown field", {"colour": "red"}, "/colour"),
    ("unknown nested field", _schedule(kind="now", every="day"), "/schedule/every"),
    ("name not a string", {"name": 5}, "/name"),
    ("empty name", {"name": "   "}, "/name"),
    ("number as a string", {"throttle_per_minute": "100"}, "/throttle_per_minute"),
    ("NaN-ish string", {"holdout_percent": "NaN"}, "/holdout_percent"),
    ("huge number", {"throttle_per_minute": 10**30}, "/throttle_per_minute"),
    ("huge id", {"segment_id": 2**70}, "/segment_id"),
    ("huge version", {"variants": [{"template": "sale-a", "version": 2**40}]},
     "/variants/0/version"),
    ("float share", {"variants": [{"template": "sale-a", "share": 50.5}]}, "/variants/0/share"),
    ("bool as a number", {"test_percent": True}, "/test_percent"),
    ("channels not a list", {"channels": "email"}, "/channels"),
    ("unknown channel", {"channels": ["fax"]}, "/channels/0"),
    ("channel twice", {"channels": ["sms", "sms"]}, "/channels"),
    ("too many variants", {"variants": [{"template": "sale-a", "share": 20}] * 5},
     "/variants"),
    ("shares not 100", {"variants": [{"template": "sale-a", "share": 60},
                                     {"template": "sale-b", "share": 60}]}, "/variants"),
    ("test with one variant", {"ab_mode": "test"}, "/variants"),
    ("bad cron", _schedule(kind="recurring", cron="every monday"), "/schedule/cron"),
    ("cron every minute", _schedule(kind="recurring", cron="* * * * *"), "/schedule/cron"),
    ("cron never", _schedule(kind="recurring", cron="0 0 31 2 *"), "/schedule/cron"),
    ("cron missing", _schedule(kind="recurring"), "/schedule/cron"),
    ("bad zone", _schedule(timezone="Mars/Olympus_Mons"), "/schedule/timezone"),
    ("zone path", _schedule(default_timezone="../../etc/passwd"),
     "/schedule/default_timezone"),
    ("send_at without offset", _schedule(kind="at", send_at="2030-01-01T09:00:00"),
     "/schedule/send_at"),
    ("send_at as a number", _schedule(kind="at", send_at=1700000000), "/schedule/send_at"),
    ("send_at past year 9999", _schedule(kind="at", send_at="9999-12-31T23:00:00-01:00"),
     "/schedule/send_at"),
    ("local date at the end of time", _schedule(kind="local", local_date="9999-12-31",
                                                local_time="09:00"), "/schedule/local_date"),
    ("local time 24:00", _schedule(kind="local", local_date="2030-01-01",
                                   local_time="24:00"), "/schedule/local_time"),
    ("window start is end", {"window": {"start": "09:00", "end": "09:00"}}, "/window"),
    ("window day 7", {"window": {"start": "09:00", "end": "17:00", "days": [7]}},
     "/window/days/0"),
    ("NUL in the name", {"name": "Sale\u0000"}, "/name"),
    ("expires_at not a time", {"expires_at": "tomorrow"}, "/expires_at"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_bodies_are_422_naming_the_field(client, auth, counts, case, fields, field):
    before = counts()
    problem = assert_problem(client.post(URL, json={**SPEC, **fields}, headers=auth), 422)
    assert field in [e["field"] for e in problem["errors"]], problem
    assert counts() == before


def test_non_json_numbers_and_broken_json(client, auth):
    raw = '{"name": "x", "category": "promo", "throttle_per_minute": NaN}'
    problem = assert_problem(client.post(URL, data=raw, content_type="application/json",
                                         headers=auth), 422)
    assert [e["field"] for e in problem["errors"]] == ["/throttle_per_minute"]
    assert_problem(client.post(URL, data="{", content_type="application/json", headers=auth),
                   400)
    assert_problem(client.get(f"{URL}/{2**64}", headers=auth), 422)
    assert_problem(client.get(f"{URL}?status=lost", headers=auth), 422)
    assert_problem(client.get(f"{URL}?cursor=abc", headers=auth), 422)


def test_a_send_only_key_gets_403_everywhere(app, client, make_key):
    _, headers = make_key(scopes=("send",))
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(URL)]
    assert len(rules) == 17  # one per operation
    for rule in rules:
        path = rule.rule.replace("<int:campaign_id>", "1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, json={}, headers=headers)
            problem = assert_problem(response, 403)
            assert "manage" in problem["detail"], (method, path)
