"""Drive a CSV import in Chromium: upload, map, start, watch the progress bar finish."""
import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Contact, ContactImportError
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIRST = ["Amelia", "Bruno", "Chloé", "Daniel", "Elif", "Felix", "Grace", "Hana", "Isabel",
         "Jonas", "Kiara", "Liam", "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa"]
LAST = ["Hart", "Carvalho", "Martin", "Okafor", "Yılmaz", "Wagner", "Kim", "Sato", "García",
        "Berg", "Patel", "Murphy", "Cohen", "Schmidt", "Brown", "Romero", "Taylor", "Bianchi"]
PLACES = [("+14155550142", "en-US", "America/Los_Angeles"),
          ("+33612345678", "fr-FR", "Europe/Paris"),
          ("+447911123456", "en-GB", "Europe/London"),
          ("+4915112345678", "de-DE", "Europe/Berlin"),
          ("+819012345678", "ja-JP", "Asia/Tokyo"),
          ("+34612345678", "es-ES", "Europe/Madrid"),
          ("+61412345678", "en-AU", "Australia/Sydney"),
          ("+14165550142", "en-CA", "America/Toronto")]
# Line number (2 is the first contact) -> the column made bad, and its bad value.
BAD = {4: ("email", "amelia.hart@@example.com"), 7: ("mobile", "555-0199"),
       11: ("time_zone", "Europe/Pariss"), 60: ("customer_id", "cus_10003"),
       121: ("signed_up", "31/02/2026"), 181: ("language", "english")}
HEADER = ["customer_id", "email", "mobile", "language", "time_zone", "segments", "first_name",
          "plan", "lifetime_value", "newsletter", "signed_up"]


def contacts_csv(rows: int = 200) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        phone, locale, zone = PLACES[n % len(PLACES)]
        row = {"customer_id": f"cus_{10001 + n}",
               "email": f"{first}.{last}{n}@example.com".lower().replace(" ", ""),
               "mobile": phone, "language": locale, "time_zone": zone,
               "segments": ";".join(["newsletter", "beta"][: 1 + n % 2]),
               "first_name": first, "plan": ("free", "pro", "team")[n % 3],
               "lifetime_value": f"{(n * 37) % 900 + 0.5:.2f}",
               "newsletter": ("yes", "no")[n % 4 == 0],
               "signed_up": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"}
        column, value = BAD.get(n + 2, (None, None))
        if column:
            row[column] = value
        writer.writerow(row[name] for name in HEADER)
    return out.getvalue()


def run_import_worker(app) -> None:
    """The Procfile's imports worker, in burst mode, against the test database and Redis."""
    config = app.extensions["herald_config"]
    env = {**os.environ, "HERALD_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "HERALD_REDIS_URL": config.REDIS_URL}
    subprocess.run([sys.executable, "-m", "workers.run", "imports", "--burst"], cwd=ROOT,
                   env=env, check=True, timeout=120, capture_output=True)


def test_import_a_csv_and_watch_the_progress_bar_finish(page, app, tmp_path):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    path = tmp_path / "customers-2026-05.csv"
    path.write_text(contacts_csv())
    sign_in(page, "grace@example.com")

    page.goto("/contacts/import/new")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Contacts")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Upload and map columns").click()  # no file yet
    expect(page.locator("#file-error")).to_contain_text("Choose a CSV file")
    page.get_by_label("CSV file").set_input_files(path)
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.locator("h1")).to_have_text("Map columns")
    expect(page.get_by_label("customer_id", exact=True)).to_have_value("external_id")
    expect(page.get_by_label("mobile", exact=True)).to_have_value("phone")
    expect(page.get_by_label("segments", exact=True)).to_have_value("tags")
    expect(page.get_by_label("lifetime_value", exact=True)).to_have_value("attribute")
    expect(page.get_by_label("Attribute type for lifetime_value")).to_have_value("number")
    expect(page.get_by_label("Attribute type for signed_up")).to_have_value("date")
    # Preview: lines 4, 7 and 11 are among the first 20 and fail their cell's check.
    expect(page.locator(".imp-preview td.is-invalid")).to_have_count(3)
    expect(page.locator(".imp-preview-wrap").locator("..")).to_contain_text("3 would be rejected")
    page.get_by_label("first_name", exact=True).select_option("skip")
    page.get_by_role("button", name="Check the preview again").click()
    expect(page.get_by_label("first_name", exact=True)).to_have_value("skip")
    expect(page.get_by_label("Attribute name for first_name")).to_be_hidden()
    page.get_by_label("first_name", exact=True).select_option("attribute")
    expect(page.get_by_label("Attribute name for first_name")).to_have_value("first_name")
    page.set_viewport_size({"width": 1280, "height": 1400})  # columns, options and preview
    screenshot(page, "import_mapping")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Import 200 rows").click()
    expect(page).to_have_url(re.compile(r"/contacts/import/\d+$"))
    bar = page.locator("#import-bar")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("#import-progress")).to_contain_text("Waiting for a worker")

    run_import_worker(app)  # the page polls every second and sees the worker's progress
    expect(bar).to_have_attribute("value", "100", timeout=15_000)
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Import finished")
    expect(progress.locator(".imp-created")).to_have_text("194")
    expect(progress.locator(".imp-errors")).to_have_text("6")
    expect(progress.locator("tbody tr")).to_have_count(6)
    download_link = page.get_by_role("link", name="Download error CSV")
    expect(download_link).to_be_visible()
    screenshot(page, "import_progress")

    with page.expect_download() as info:
        download_link.click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert rows[0] == ["line", "error", *HEADER]
    assert [int(r[0]) for r in rows[1:]] == sorted(BAD)
    assert rows[4][1] == "external_id 'cus_10003' already appears on line 4"
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 194
    assert db.session.scalar(select(func.count()).select_from(ContactImportError)) == 6
