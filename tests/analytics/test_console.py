"""The report and overview pages: numbers on the page, machines switch, CSV, click map,
and bad query arguments answered with a 4xx."""
from datetime import timedelta

import pytest

from app.models.types import utcnow
from tests.analytics.conftest import SALE
from tests.helpers.console import make_operator, sign_in


@pytest.fixture()
def viewer(app, db):
    make_operator("viewer@example.com", "viewer", timezone="Asia/Kolkata")
    client = app.test_client()
    assert sign_in(client, "viewer@example.com").status_code == 302
    return client


def _url(hand_built, suffix=""):
    return f"/campaigns/{hand_built['campaign'].id}/report{suffix}"


def test_report_page_shows_the_numbers(viewer, hand_built):
    response = viewer.get(_url(hand_built))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "people only" in page and "Asia/Kolkata" in page
    assert 'id="chart-funnel"' in page and 'id="chart-hourly"' in page
    assert "vendor/plotly.min.js" in page
    assert "45.5%" in page  # opened: 10 of 22 delivered
    assert "2026-03-02 16:00" in page  # the hour table, in the operator's zone
    assert "hard_bounce" in page and SALE in page
    assert "Not enough data yet" in page  # the A/B verdict on 13 and 10 messages


def test_machines_switch(viewer, hand_built):
    people = viewer.get(_url(hand_built)).get_data(as_text=True)
    everyone = viewer.get(_url(hand_built, "?machines=1")).get_data(as_text=True)
    assert "54.5%" not in people and "54.5%" in everyone  # opened: 12 of 22
    assert "people and machines" in everyone


def test_csv_export(viewer, hand_built):
    response = viewer.get(_url(hand_built, ".csv?machines=1&run=1"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[1].startswith("total,all,30,3,3,23,22,1,0,12,8,3,")


def test_click_map_is_the_email_with_counts_in_a_locked_frame(viewer, hand_built):
    response = viewer.get(_url(hand_built, "/clickmap/1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "5 clicks · 100%" in html and "0 clicks" in html
    assert html.index("5 clicks") < html.index(SALE)
    assert viewer.get(_url(hand_built, "/clickmap/3")).status_code == 404


@pytest.mark.parametrize("query, status", [
    ("?machines=yes", 400), ("?run=abc", 400), ("?run=0", 400), ("?run=99999999999", 400),
    ("?run=2", 404), (".csv?machines=2", 400)])
def test_bad_query_arguments_are_4xx(viewer, hand_built, query, status):
    response = viewer.get(_url(hand_built, query))
    assert response.status_code == status
    assert "Page not found" in response.get_data(as_text=True) or status == 400


def test_unknown_campaign_is_404(viewer, db):
    assert viewer.get("/campaigns/424242/report").status_code == 404


def test_report_needs_sign_in(client, hand_built):
    assert client.get(_url(hand_built)).status_code == 302


def test_overview(viewer, db, hand_built):
    from app.extensions import db as _db
    from app.models import Notification, Suppression

    _db.session.execute(Notification.__table__.update().values(created_at=utcnow()))
    _db.session.add(Suppression(channel="sms", address="+14155550100", reason="stop",
                                created_at=utcnow() - timedelta(days=1)))
    _db.session.commit()
    response = viewer.get("/analytics/?days=7")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for chart in ("volume", "providers", "opt_outs"):
        assert f'id="chart-{chart}"' in page
    assert "sendgrid" in page and "stop" in page and "recipient opt-outs" in page
    assert 'aria-current="page"' in page and "Analytics" in page


@pytest.mark.parametrize("query", ["?days=0", "?days=91", "?days=x", "?machines=true"])
def test_overview_bad_arguments(viewer, db, query):
    assert viewer.get(f"/analytics/{query}").status_code == 400
