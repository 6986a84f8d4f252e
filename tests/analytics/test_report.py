"""The campaign report's numbers against the hand-built campaign (tests/analytics/conftest)."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.analytics import engagement
from app.core.analytics.export import report_csv
from app.core.analytics.report import ReportQuery, campaign_report
from app.errors import ValidationFailed
from tests.analytics.conftest import NEW, SALE, START

KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30: a UTC hour splits in two local ones


def _report(db, hand_built, humans_only=True, run_number=None, zone=KOLKATA):
    return campaign_report(db.session, hand_built["campaign"],
                           ReportQuery(run_number, humans_only), zone, 72,
                           START + timedelta(days=1))


def test_funnel_counts_people_only(db, hand_built):
    total = _report(db, hand_built).breakdown.total
    assert (total.targeted, total.holdout, total.sent, total.delivered, total.failed) == \
        (30, 3, 23, 22, 1)
    assert total.suppressed == {"opted_out": 2, "suppressed_address": 1}
    assert (total.opened, total.clicked, total.converted) == (10, 7, 3)
    assert total.rate("sent") == pytest.approx(23 / 27)
    assert total.rate("delivered") == pytest.approx(22 / 23)
    assert total.rate("opened") == pytest.approx(10 / 22)


def test_machines_counted_on_request(db, hand_built):
    total = _report(db, hand_built, humans_only=False).breakdown.total
    assert (total.opened, total.clicked, total.converted) == (12, 8, 3)


def test_breakdowns_per_channel_variant_and_platform(db, hand_built):
    by = _report(db, hand_built).breakdown.by
    a, b = by["variant"]["A"], by["variant"]["B"]
    assert (a.targeted, a.sent, a.delivered, a.opened, a.clicked, a.converted) == \
        (18, 13, 12, 4, 2, 1)
    assert (b.targeted, b.sent, b.delivered, b.opened, b.clicked, b.converted) == \
        (12, 10, 10, 6, 5, 2)
    assert {k: f.sent for k, f in by["channel"].items()} == {"email": 19, "push": 4}
    assert {k: f.targeted for k, f in by["platform"].items()} == \
        {"-": 6, "apns": 2, "fcm": 2, "sendgrid": 20}


def test_ab_results_and_verdict(db, hand_built):
    a, b = _report(db, hand_built).ab
    assert (a.label, a.sent, b.label, b.sent) == ("A", 13, "B", 10)
    assert b.rates["clicked"] == pytest.approx(0.5)
    assert b.comparisons["clicked"].control == (2, 13)
    assert b.verdicts["clicked"] == "not enough data yet"  # 13 and 10 messages
    assert a.comparisons == {}


def test_holdout_conversion_per_contact(db, hand_built):
    holdout = _report(db, hand_built).holdout
    assert (holdout.sent, holdout.holdout) == ((3, 23), (1, 3))
    assert holdout.lift.lift == pytest.approx((3 / 23) / (1 / 3) - 1)
    assert holdout.lift.low < 0 < holdout.lift.high and not holdout.lift.significant


def test_hourly_buckets_in_the_operators_zone(db, hand_built):
    hours = _report(db, hand_built).hourly
    assert [(at.strftime("%H:%M"), n["opened"], n["clicked"]) for at, n in hours] == \
        [("15:00", 8, 0), ("16:00", 3, 7)]
    utc = _report(db, hand_built, zone=ZoneInfo("UTC")).hourly
    assert [(at.hour, n["opened"], n["clicked"]) for at, n in utc] == [(10, 11, 7)]


def test_top_links_bounces_and_unsubscribes(db, hand_built):
    found = _report(db, hand_built)
    assert [(link.url, link.clicks, link.people) for link in found.links] == \
        [(SALE, 6, 6), (NEW, 1, 1)]
    assert found.bounces == [("email", "hard_bounce", 1)]
    assert found.unsubscribes == [("email", 1)]
    run_ids = found.run_ids
    assert [link.clicks for link in engagement.top_links(db.session, run_ids, variant=1)] == [5]
    assert engagement.top_links(db.session, run_ids, False)[0].clicks == 7


def test_one_run_or_a_missing_one(db, hand_built):
    assert _report(db, hand_built, run_number=1).breakdown.total.targeted == 30
    with pytest.raises(ValidationFailed):
        _report(db, hand_built, run_number=2)


def test_csv_export(db, hand_built):
    lines = report_csv(_report(db, hand_built)).splitlines()
    assert lines[0] == ("dimension,value,targeted,holdout,suppressed,sent,delivered,failed,"
                        "waiting,opened,clicked,converted,sent_rate,delivered_rate,"
                        "opened_rate,clicked_rate,converted_rate")
    assert lines[1] == "total,all,30,3,3,23,22,1,0,10,7,3,0.8519,0.9565,0.4545,0.3182,0.1364"
    assert "variant,B,12,0,2,10,10,0,0,6,5,2,0.8333,1.0000,0.6000,0.5000,0.2000" in lines
    assert any(line.startswith("platform,apns,2,") for line in lines)
