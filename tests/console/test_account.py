"""Console → Your account: the operator's own time zone, used for the console's times."""
from sqlalchemy import select

from app.extensions import db as _db
from app.models import AuditLog, Operator


def text(response) -> str:
    return response.get_data(as_text=True)


def test_an_operator_chooses_their_time_zone(viewer_client, viewer):
    page = text(viewer_client.get("/settings/account/"))
    assert '<option selected value="UTC">UTC</option>' in page
    assert "Etc/GMT+3" not in page and "US/Pacific" not in page  # legacy aliases
    response = viewer_client.post("/settings/account/", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert "Times are now shown in Asia/Tokyo" in text(viewer_client.get("/settings/account/"))
    _db.session.expire_all()
    assert _db.session.get(Operator, viewer.id).timezone == "Asia/Tokyo"
    [entry] = _db.session.scalars(select(AuditLog).where(
        AuditLog.action == "operator.change_timezone"))
    assert (entry.before, entry.after) == ({"timezone": "UTC"}, {"timezone": "Asia/Tokyo"})
    assert entry.operator_email == viewer.email


def test_an_unknown_zone_is_refused_next_to_the_field(editor_client, editor):
    for bad in ("Mars/Olympus_Mons", "", "US/Pacific", "../etc/passwd"):
        response = editor_client.post("/settings/account/", data={"timezone": bad})
        assert response.status_code == 422, bad
        assert "Choose a time zone from the list" in text(response)
    _db.session.expire_all()
    assert _db.session.get(Operator, editor.id).timezone == "UTC"


def test_the_top_bar_links_to_the_account_page(editor_client):
    assert 'href="/settings/account/"' in text(editor_client.get("/dashboard"))
