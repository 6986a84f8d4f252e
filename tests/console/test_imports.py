"""Contacts → Import: upload, map, start, progress, error CSV; roles and bad input."""
import csv
import io
import re

import pytest
from rq import SimpleWorker
from sqlalchemy import select

import workers.jobs
from app.core.imports.run import IMPORT_QUEUE
from app.extensions import db
from app.models import AuditLog, Contact, ContactImport
from app.queues import queue
from tests.helpers.console import PASSWORD, app_with, make_operator, token_from

CSV = ("external_id,email,phone,plan\n"
       "user-1,ada@example.com,+14155550101,pro\n"
       "user-2,not-an-email,,free\n"
       "user-3,,+14155550103,\n")
MAPPING = {"field-0": "external_id", "field-1": "email", "field-2": "phone",
           "field-3": "attribute", "name-3": "plan", "type-3": "text",
           "tag_mode": "add", "tag_separator": ";", "default_region": ""}


def upload(client, data: bytes = CSV.encode(), filename: str = "contacts.csv", **extra):
    return client.post("/contacts/import/new", data={"file": (io.BytesIO(data), filename), **extra},
                       content_type="multipart/form-data")


def uploaded(client, data: bytes = CSV.encode()) -> int:
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/contacts/import/(\d+)/map$", response.location).group(1))


@pytest.fixture()
def run_jobs(app, redis):
    """Run the imports queue's jobs in this process until it is empty (a burst worker)."""
    workers.jobs.use_app(app)

    def run():
        SimpleWorker([IMPORT_QUEUE], connection=redis).work(burst=True)
        db.session.expire_all()

    yield run
    workers.jobs.use_app(app)  # closes the providers the jobs' app opened


def stored(import_id: int) -> ContactImport:
    db.session.expire_all()
    return db.session.get(ContactImport, import_id)


def test_upload_map_start_watch_and_download_the_errors(editor_client, editor, redis, run_jobs):
    import_id = uploaded(editor_client)
    page = editor_client.get(f"/contacts/import/{import_id}/map").get_data(as_text=True)
    assert '<option value="external_id" selected>' in page  # guessed from the header
    assert '<option value="attribute" selected>' in page and 'value="plan"' in page
    assert 'is-invalid" title="An email address must have an @-sign."' in page
    assert "1 would be rejected" in page

    response = editor_client.post(f"/contacts/import/{import_id}/map", data=MAPPING)
    assert response.status_code == 302
    assert response.location.endswith(f"/contacts/import/{import_id}")
    [job] = queue(redis, IMPORT_QUEUE).get_jobs()
    assert (job.func_name, job.args) == ("workers.jobs.run_import", (import_id,))
    waiting = editor_client.get(f"/contacts/import/{import_id}/progress").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in waiting and "Waiting for a worker" in waiting

    run_jobs()
    done = editor_client.get(f"/contacts/import/{import_id}/progress").get_data(as_text=True)
    assert "hx-trigger" not in done  # the fragment stops polling
    assert "Import finished" in done and "Download error CSV" in done
    assert 'value="100"' in done
    contacts = {c.external_id: c for c in db.session.scalars(select(Contact))}
    assert set(contacts) == {"user-1", "user-3"}
    assert contacts["user-1"].attributes == {"plan": "pro"}

    download = editor_client.get(f"/contacts/import/{import_id}/errors.csv")
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["line", "error", "external_id", "email", "phone", "plan"]
    assert rows[1][0] == "3" and rows[1][1].startswith("email: ")
    assert rows[1][2:] == ["user-2", "not-an-email", "", "free"]
    assert len(rows) == 2

    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "contact.import"))
    assert entry.operator_id == editor.id and entry.entity_id == str(import_id)
    assert entry.after["rows"] == 3 and entry.after["mapping"][3]["name"] == "plan"
    history = editor_client.get("/contacts/import/").get_data(as_text=True)
    assert "contacts.csv" in history and "Done" in history


def test_import_pages_keep_contacts_highlighted_in_the_sidebar(viewer_client):
    page = viewer_client.get("/contacts/import/").get_data(as_text=True)
    active = re.search(r'<a class="nav-link is-active" href="([^"]+)"', page)
    assert active.group(1) == "/contacts/"


@pytest.mark.parametrize("data, filename, message", [
    (None, "", "Choose a CSV file to upload."),
    (b"", "contacts.csv", "The file is empty."),
    (b"PK\x03\x04 a spreadsheet", "contacts.xlsx", "is not a CSV file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "photo.csv", "not UTF-8 text"),
    (b"external_id,email\n", "contacts.csv", "no contacts under it"),
    (b"user-1,ada@example.com\n", "contacts.csv", "looks like a contact, not column names"),
])
def test_bad_uploads_get_422_with_a_message(editor_client, data, filename, message):
    body = {} if data is None else {"file": (io.BytesIO(data), filename)}
    response = editor_client.post("/contacts/import/new", data=body,
                                  content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(ContactImport.id)) is None


@pytest.fixture(scope="module")
def small_limit_app(app):
    return app_with(app, IMPORT_MAX_BYTES=1024)


@pytest.mark.parametrize("size, shown", [(2000, "The file is 2 KB"),  # read by the view
                                         (200_000, "The file is 196 KB")])  # refused unread
def test_a_file_over_the_limit_gets_422(small_limit_app, editor, size, shown):
    client = small_limit_app.test_client()
    client.post("/login", data={"email": editor.email, "password": PASSWORD})
    data = b"external_id\n" + b"x" * size
    response = upload(client, data)
    assert response.status_code == 422
    assert shown in response.get_data(as_text=True)
    assert "the limit is 1 KB" in response.get_data(as_text=True)


def test_an_upload_may_exceed_the_request_limit_with_csrf_on(csrf_app, db):
    """3 MB is over the app's 2 MB request limit but within the import limit."""
    make_operator("ed@example.com", "editor")
    client = csrf_app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "ed@example.com", "password": PASSWORD,
                                "csrf_token": token})
    token = token_from(client.get("/contacts/import/new").get_data(as_text=True))
    data = ("external_id,email\n" + "".join(f"user-{n},user{n}@example.com\n"
                                            for n in range(110_000))).encode()
    assert len(data) > csrf_app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, data, csrf_token=token)
    assert response.status_code == 302
    assert db.session.scalar(select(ContactImport.total_rows)) == 110_000


@pytest.mark.parametrize("change, message", [
    ({"field-0": "skip"}, "Map one column to external_id"),
    ({"name-3": "plan name!"}, "attribute name: 1 to 64 letters"),
    ({"field-2": "email"}, "email is mapped twice"),
    ({"default_region": "ZZ"}, "not a country code"),
    ({"tag_mode": "merge"}, "choose add or replace"),
])
def test_an_invalid_mapping_gets_422_and_starts_nothing(editor_client, redis, change, message):
    import_id = uploaded(editor_client)
    response = editor_client.post(f"/contacts/import/{import_id}/map", data={**MAPPING, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(import_id).status == "uploaded"
    assert queue(redis, IMPORT_QUEUE).count == 0


def test_preview_rechecks_with_the_posted_mapping(editor_client, redis):
    import_id = uploaded(editor_client)
    response = editor_client.post(f"/contacts/import/{import_id}/map",
                                  data={**MAPPING, "field-1": "skip", "action": "preview"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "all valid" in page  # the bad email column is skipped now
    assert '<option value="skip" selected>' in page
    assert stored(import_id).status == "uploaded" and queue(redis, IMPORT_QUEUE).count == 0


def test_a_started_import_cannot_start_twice(editor_client, redis):
    import_id = uploaded(editor_client)
    editor_client.post(f"/contacts/import/{import_id}/map", data=MAPPING)
    again = editor_client.post(f"/contacts/import/{import_id}/map", data=MAPPING)
    assert again.status_code == 302 and again.location.endswith(f"/contacts/import/{import_id}")
    assert editor_client.get(f"/contacts/import/{import_id}/map").status_code == 302
    assert queue(redis, IMPORT_QUEUE).count == 1


def test_an_import_saved_while_redis_is_down_says_so(app, editor):
    down = app_with(app, REDIS_URL="redis://127.0.0.1:1/0")
    client = down.test_client()
    client.post("/login", data={"email": editor.email, "password": PASSWORD})
    import_id = uploaded(client)
    response = client.post(f"/contacts/import/{import_id}/map", data=MAPPING,
                           follow_redirects=True)
    assert response.status_code == 200
    assert "the job queue is unreachable" in response.get_data(as_text=True)
    assert stored(import_id).status == "queued"  # resumable once it counts as stalled


def test_a_failed_import_can_be_resumed(editor_client, redis, run_jobs):
    import_id = uploaded(editor_client)
    editor_client.post(f"/contacts/import/{import_id}/map", data=MAPPING)
    not_yet = editor_client.post(f"/contacts/import/{import_id}/resume", follow_redirects=True)
    assert "nothing to resume" in not_yet.get_data(as_text=True)
    imp = stored(import_id)
    imp.status, imp.failure = "failed", "OperationalError: server closed the connection"
    db.session.commit()
    page = editor_client.get(f"/contacts/import/{import_id}").get_data(as_text=True)
    assert "server closed the connection" in page and "Resume import" in page

    response = editor_client.post(f"/contacts/import/{import_id}/resume")
    assert response.status_code == 302
    assert stored(import_id).status == "queued"
    run_jobs()
    assert stored(import_id).status == "done"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.action == "contact.import_resume")) == "contact.import_resume"


def test_viewers_see_imports_but_change_nothing(editor_client, viewer_client, redis):
    import_id = uploaded(editor_client)
    editor_client.post(f"/contacts/import/{import_id}/map", data=MAPPING)
    for path in ("/contacts/import/", f"/contacts/import/{import_id}",
                 f"/contacts/import/{import_id}/progress",
                 f"/contacts/import/{import_id}/errors.csv"):
        assert viewer_client.get(path).status_code == 200, path
    assert "Import CSV" not in viewer_client.get("/contacts/import/").get_data(as_text=True)
    assert viewer_client.get("/contacts/import/new").status_code == 403
    assert upload(viewer_client).status_code == 403
    for path in (f"/contacts/import/{import_id}/map", f"/contacts/import/{import_id}/resume"):
        assert viewer_client.post(path, data=MAPPING).status_code == 403
    assert db.session.scalar(select(ContactImport.id).where(ContactImport.id != import_id)) \
        is None


def test_unknown_imports_are_404(viewer_client):
    assert viewer_client.get("/contacts/import/999").status_code == 404
    assert viewer_client.get("/contacts/import/999/errors.csv").status_code == 404


def test_an_import_not_started_yet_does_not_poll(editor_client, viewer_client):
    import_id = uploaded(editor_client)
    page = viewer_client.get(f"/contacts/import/{import_id}").get_data(as_text=True)
    assert "Not started" in page and "hx-trigger" not in page


def test_cancel_discards_an_upload_that_never_started(editor_client, redis):
    import_id = uploaded(editor_client)
    response = editor_client.post(f"/contacts/import/{import_id}/discard", follow_redirects=True)
    assert "contacts.csv discarded" in response.get_data(as_text=True)
    assert stored(import_id) is None
    assert db.session.scalar(select(AuditLog.before).where(
        AuditLog.action == "contact.import_discard")) == {"filename": "contacts.csv", "rows": 3}

    started = uploaded(editor_client)
    editor_client.post(f"/contacts/import/{started}/map", data=MAPPING)
    kept = editor_client.post(f"/contacts/import/{started}/discard", follow_redirects=True)
    assert "stays in the history" in kept.get_data(as_text=True)
    assert stored(started) is not None
