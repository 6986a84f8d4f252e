"""CSV contact imports: reading the upload, the mapping, bad rows, upserts, resuming."""
import sys
import time

import pytest
from sqlalchemy import select, update

from app.core.delivery.sweeper import sweep
from app.core.imports import run as import_run
from app.core.imports import writer as writer_module
from app.core.imports.mapping import (
    check_mapping,
    guess_mapping,
    preview_rows,
    read_upload,
    sniff_delimiter,
)
from app.core.imports.rows import Column, Options
from app.core.imports.run import create_import, resume_import, run_import, start_import
from app.core.imports.writer import ChunkWriter
from app.errors import ValidationFailed
from app.models import AuditLog, Contact, ContactImport, ContactImportError
from app.models.types import utcnow
from app.queues import queue
from tests import factories

HEADER = "external_id,email,phone,locale,timezone,tags,plan,score,vip,joined"
MAPPING = [Column("external_id"), Column("email"), Column("phone"), Column("locale"),
           Column("timezone"), Column("tags"), Column("attribute", "plan", "text"),
           Column("attribute", "score", "number"), Column("attribute", "vip", "boolean"),
           Column("attribute", "joined", "date")]
GOOD_1 = "user-1,ada@example.com,+14155550101,en-US,Europe/Paris,vip;beta,pro,42,yes,2026-05-31"
GOOD_3 = "user-3,bob@example.com,+14155550103,fr,UTC,,free,1.5,no,2025-01-02"


def import_csv(db, text: str, columns=None, options=None, chunk_rows=import_run.CHUNK_ROWS):
    """Upload, map and run an import in this process; return the import and its counts."""
    data = text.encode()
    imp = create_import(db.session, None, "contacts.csv", data, 1024 * 1024)
    if columns is None:
        columns = guess_mapping(imp.header, [cells for _, cells in preview_rows(imp)])
    start_import(db.session, imp, columns, options or Options())
    db.session.commit()
    counts = run_import(db.session, imp.id, chunk_rows=chunk_rows)
    return imp, counts


def contacts(db) -> dict[str, Contact]:
    db.session.expire_all()
    return {c.external_id: c for c in db.session.scalars(select(Contact))}


def error_rows(db, imp) -> list[ContactImportError]:
    return list(db.session.scalars(select(ContactImportError)
                                   .where(ContactImportError.import_id == imp.id)
                                   .order_by(ContactImportError.line)))


BAD_ROWS = [
    ("invalid email", "user-2,not-an-email,,,,,,,,", "email: "),
    ("email with two @", "user-2,a@b@example.com,,,,,,,,", "email: "),
    ("phone without +", "user-2,,4155550102,,,,,,,", "phone: give the number in international"),
    ("phone too short", "user-2,,+1 555,,,,,,,", "phone: not a valid phone number"),
    ("phone not a number", "user-2,,+call-me,,,,,,,", "phone: not a phone number"),
    ("unknown timezone", "user-2,,,,Mars/Olympus,,,,,", "timezone: not an IANA timezone"),
    ("timezone in wrong case", "user-2,,,,europe/paris,,,,,", "timezone: not an IANA timezone"),
    ("bad locale", "user-2,,,english,,,,,,", "locale: not a BCP 47 language tag"),
    ("missing external_id", ",carol@example.com,,,,,,,,", "external_id: external_id is required"),
    ("external_id with a space", "user 2,,,,,,,,,", "external_id: 1 to 255 characters"),
    ("duplicate external_id", "user-1,dup@example.com,,,,,,,,",
     "external_id 'user-1' already appears on line 2"),
    ("bad tag", "user-2,,,,,ok;not ok!,,,,", "tags: tag 'not ok!'"),
    ("bad number", "user-2,,,,,,,12abc,,", "score: '12abc' is not a number"),
    ("number with underscores", "user-2,,,,,,,1_000,,", "score: '1_000' is not a number"),
    ("NaN as a number", "user-2,,,,,,,NaN,,", "score: 'NaN' is not a number"),
    ("infinity as a number", "user-2,,,,,,,-Infinity,,", "score: '-Infinity' is not a number"),
    ("inf as a number", "user-2,,,,,,,inf,,", "score: 'inf' is not a number"),
    ("number past a float", "user-2,,,,,,,1e999,,", "score: '1e999' is too large a number"),
    ("bad boolean", "user-2,,,,,,,,maybe,", "vip: 'maybe' is not true/false"),
    ("bad date", "user-2,,,,,,,,,31/05/2026", "joined: '31/05/2026' is not a date"),
    ("too many cells", "user-2,,,,,,,,,,extra", "this row has 11 cells; the header has 10"),
    ("too few cells", "user-2,a@example.com", "this row has 2 cells; the header has 10"),
    ("two bad cells", "user-2,nope,12,,,,,,,",
     "email: An email address must have an @-sign.; phone: give the number"),
]


@pytest.mark.parametrize("bad, message", [case[1:] for case in BAD_ROWS],
                         ids=[case[0] for case in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_line_and_the_good_rows_go_in(db, bad, message):
    imp, counts = import_csv(db, "\n".join([HEADER, GOOD_1, bad, GOOD_3]) + "\n", MAPPING)

    assert counts == {"created": 2, "updated": 0, "errors": 1}
    assert set(contacts(db)) == {"user-1", "user-3"}
    [error] = error_rows(db, imp)
    assert error.line == 3
    assert error.message.startswith(message)
    assert error.values == bad.split(",")
    db.session.refresh(imp)
    assert (imp.status, imp.processed_rows, imp.total_rows) == ("done", 3, 3)
    assert imp.data is None  # the file is not kept once the import is done


def test_good_rows_are_stored_normalised_and_typed(db):
    text = "\n".join([HEADER, GOOD_1,
                      "user-2,Eve@EXAMPLE.com,+1 (415) 555-0102,en_gb,Asia/Tokyo,,,-3,0,"])
    imp, counts = import_csv(db, text, MAPPING)

    assert counts == {"created": 2, "updated": 0, "errors": 0}
    stored = contacts(db)
    ada, eve = stored["user-1"], stored["user-2"]
    assert (ada.email, ada.phone, ada.locale, ada.timezone) == \
        ("ada@example.com", "+14155550101", "en-US", "Europe/Paris")
    assert ada.tags == ["vip", "beta"]
    assert ada.attributes == {"plan": "pro", "score": 42, "vip": True, "joined": "2026-05-31"}
    assert (eve.email, eve.phone, eve.locale) == ("Eve@example.com", "+14155550102", "en-GB")
    assert eve.attributes == {"score": -3, "vip": False}  # empty cells set nothing


def test_lines_count_physical_lines_of_quoted_cells_and_skip_blank_rows(db):
    text = ('external_id,email,note\n'
            'user-1,a@example.com,"two\nlines"\n'
            '\n'
            'user-2,nope,x\n')
    imp, counts = import_csv(db, text)

    assert counts == {"created": 1, "updated": 0, "errors": 1}
    [error] = error_rows(db, imp)
    assert (error.line, error.values) == (5, ["user-2", "nope", "x"])
    assert contacts(db)["user-1"].attributes == {"note": "two\nlines"}


def test_cells_with_quotes_commas_backslashes_and_line_breaks_are_stored_as_they_are(db):
    # The chunk reaches PostgreSQL as CSV: each of these must survive its quoting.
    note = 'say "hi",\\o/\r\nnext\ttab \\N é'
    text = ('external_id,email,note\n'
            '"user,""1""\\",a@example.com,"' + note.replace('"', '""') + '"\n'
            'user-2,b@example.com,\\.\n')
    imp, counts = import_csv(db, text)

    assert counts == {"created": 2, "updated": 0, "errors": 0}
    stored = contacts(db)
    assert stored['user,"1"\\'].attributes == {"note": note}
    assert stored["user-2"].attributes == {"note": "\\."}


def test_an_import_updates_existing_contacts_field_by_field(db):
    factories.contact(external_id="user-1", email="old@example.com", phone="+14155550100",
                      locale="de", attributes={"plan": "free", "seats": 3}, tags=["beta"])
    text = "external_id,email,phone,plan\nuser-1,,+14155550199,pro\nuser-9,new@example.com,,\n"
    imp, counts = import_csv(db, text)

    assert counts == {"created": 1, "updated": 1, "errors": 0}
    user = contacts(db)["user-1"]
    assert user.email == "old@example.com"  # an empty cell keeps the stored value
    assert user.phone == "+14155550199"
    assert user.locale == "de"  # not mapped: untouched
    assert user.attributes == {"plan": "pro", "seats": 3}  # merged key by key
    assert user.tags == ["beta"]


def test_non_finite_words_in_a_text_column_stay_text(db):
    imp, counts = import_csv(db, "external_id,note\nuser-1,NaN\nuser-2,1e999\n")
    assert imp.mapping[1]["type"] == "text"  # guessed: these are no numbers
    assert counts == {"created": 2, "updated": 0, "errors": 0}
    assert {k: c.attributes for k, c in contacts(db).items()} == {
        "user-1": {"note": "NaN"}, "user-2": {"note": "1e999"}}


def test_an_import_updates_a_contact_holding_a_non_finite_number(db):
    factories.contact_holding_non_finite("user-1", plan="free")
    imp, counts = import_csv(db, "external_id,plan\nuser-1,pro\n")
    assert counts == {"created": 0, "updated": 1, "errors": 0}
    assert contacts(db)["user-1"].attributes["plan"] == "pro"


@pytest.mark.parametrize("mode, cell, expected", [
    ("add", "vip;beta", ["beta", "news", "vip"]),
    ("replace", "vip;beta", ["vip", "beta"]),
    ("add", "", ["beta", "news"]),
    ("replace", "", ["beta", "news"]),  # an empty cell never clears the tags
])
def test_tags_are_added_or_replaced(db, mode, cell, expected):
    factories.contact(external_id="user-1", tags=["beta", "news"])
    import_csv(db, f"external_id,tags\nuser-1,{cell}\n", options=Options(tag_mode=mode))

    tags = contacts(db)["user-1"].tags
    assert (sorted(tags) if mode == "add" else tags) == expected


def test_tag_separator_and_default_region(db):
    options = Options(tag_separator="|", default_region="GB")
    import_csv(db, "id,mobile,labels\nuser-1,020 7946 0958,a|b\n", options=options)

    user = contacts(db)["user-1"]
    assert (user.phone, user.tags) == ("+442079460958", ["a", "b"])


def test_chunks_commit_progress_and_the_run_is_idempotent(db):
    rows = [f"user-{n},u{n}@example.com" for n in range(7)] + ["user-7,bad"]
    imp, counts = import_csv(db, "external_id,email\n" + "\n".join(rows), chunk_rows=3)

    assert counts == {"created": 7, "updated": 0, "errors": 1}
    assert run_import(db.session, imp.id) is None  # done: a second run changes nothing
    assert len(contacts(db)) == 7 and len(error_rows(db, imp)) == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "contact.import_finish"))
    assert entry.after["created"] == 7 and entry.after["rejected"] == 1


def test_a_failed_import_resumes_from_its_last_chunk(db, monkeypatch):
    text = "external_id,email\n" + "\n".join(f"user-{n},u{n}@example.com" for n in range(5))
    imp = create_import(db.session, None, "c.csv", text.encode(), 1024)
    start_import(db.session, imp, [Column("external_id"), Column("email")], Options())
    db.session.commit()
    upsert, calls = import_run.upsert_contacts, []

    def dies_on_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("database went away")
        return upsert(*args)

    monkeypatch.setattr(import_run, "upsert_contacts", dies_on_second_chunk)
    with pytest.raises(ConnectionError):
        run_import(db.session, imp.id, chunk_rows=2)
    db.session.refresh(imp)
    assert (imp.status, imp.processed_rows, imp.failure) == \
        ("failed", 2, "ConnectionError: database went away")
    assert len(contacts(db)) == 2

    monkeypatch.undo()
    resume_import(db.session, imp)
    db.session.commit()
    assert run_import(db.session, imp.id, chunk_rows=2) == \
        {"created": 5, "updated": 0, "errors": 0}
    assert len(contacts(db)) == 5


def test_a_stalled_import_is_taken_over_and_a_live_one_is_not(db):
    text = "external_id\nuser-1\nuser-2\nuser-1\n"
    imp = create_import(db.session, None, "c.csv", text.encode(), 1024)
    start_import(db.session, imp, [Column("external_id")], Options())
    db.session.commit()
    # A worker claimed it, wrote the first row, then died: its heartbeat is getting old.
    beat = utcnow()
    db.session.execute(update(ContactImport).where(ContactImport.id == imp.id)
                       .values(status="running", processed_rows=1, heartbeat_at=beat))
    factories.contact(external_id="user-1")

    assert not import_run.can_resume(imp, beat + import_run.STALE_AFTER / 2)
    assert run_import(db.session, imp.id, now=beat + import_run.STALE_AFTER / 2) is None
    later = beat + import_run.STALE_AFTER * 2
    assert import_run.can_resume(imp, later)
    assert run_import(db.session, imp.id, now=later) == {"created": 1, "updated": 0, "errors": 1}
    # Row 1 was done before the stall: it still counts for repeats (line 4 is one).
    [error] = error_rows(db, imp)
    assert (error.line, error.message) == (4, "external_id 'user-1' already appears on line 2")


def test_resume_refuses_a_running_import(db):
    imp = create_import(db.session, None, "c.csv", b"external_id\nuser-1\n", 1024)
    start_import(db.session, imp, [Column("external_id")], Options())
    with pytest.raises(ValidationFailed):
        resume_import(db.session, imp)
    with pytest.raises(ValidationFailed, match="already started"):
        start_import(db.session, imp, [Column("external_id")], Options())


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    (b"  \n\n", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    (b"external_id,email\n", "no contacts under it"),
    (b"user-1,ada@example.com\nuser-2,bob@example.com\n", "looks like a contact"),
    (b"external_id,,email\nx,y,z\n", "Column 2 of the header has no name"),
    (b"email,Email\nx,y\n", "names 'Email' more than once"),
    (b'external_id\n"unclosed\n', "not a readable CSV"),
])
def test_unreadable_uploads_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ValidationFailed) as caught:
        read_upload(data)
    assert message in caught.value.detail
    assert caught.value.errors[0]["field"] == "/file"


def test_an_upload_over_the_limit_is_refused():
    with pytest.raises(ValidationFailed, match="the limit is 1 KB"):
        read_upload(b"external_id\n" + b"user-1\n" * 200, max_bytes=1024)


def test_upload_reads_bom_and_other_delimiters():
    upload = read_upload("\ufeffexternal_id;email\nuser-1;a@example.com\n\n".encode())
    assert (upload.delimiter, upload.header, upload.rows) == (";", ["external_id", "email"], 1)
    assert sniff_delimiter("id\tname\n1\tAda\n") == "\t"
    assert sniff_delimiter("external_id\nuser-1\n") == ","


def test_guess_mapping_knows_common_names_and_sample_types():
    header = ["User ID", "E-mail", "Mobile", "TZ", "Language", "Labels", "Zip", "Score",
              "Active", "Signed up", "Email 2", "First name"]
    samples = [["u1", "a@x.io", "+14155550100", "UTC", "en", "a", "02134", "3", "yes",
                "2026-01-02", "b@x.io", "Ada"],
               ["u2", "", "", "", "", "", "10001", "4.5", "no", "2026-02-03", "", "Bob"]]
    guessed = [(c.field, c.name, c.type) for c in guess_mapping(header, samples)]
    assert guessed == [
        ("external_id", "", "text"), ("email", "", "text"), ("phone", "", "text"),
        ("timezone", "", "text"), ("locale", "", "text"), ("tags", "", "text"),
        ("attribute", "zip", "text"),  # leading zeros: not a number
        ("attribute", "score", "number"), ("attribute", "active", "boolean"),
        ("attribute", "signed_up", "date"), ("attribute", "email_2", "text"),
        ("attribute", "first_name", "text"),
    ]


@pytest.mark.parametrize("columns, options, field, message", [
    ([Column("email"), Column("skip")], Options(), "/mapping", "Map one column to external_id"),
    ([Column("external_id")], Options(), "/mapping", "map every column"),
    ([Column("external_id"), Column("external_id")], Options(), "/mapping/1", "mapped twice"),
    ([Column("external_id"), Column("attribute", "has space")], Options(), "/mapping/1",
     "attribute name"),
    ([Column("external_id"), Column("attribute", "a", "money")], Options(), "/mapping/1",
     "unknown attribute type"),
    ([Column("external_id"), Column("nickname")], Options(), "/mapping/1", "unknown field"),
    ([Column("external_id"), Column("tags")], Options(tag_separator=""), "/tag_separator",
     "1 to 3 characters"),
    ([Column("external_id"), Column("skip")], Options(tag_mode="merge"), "/tag_mode",
     "add or replace"),
    ([Column("external_id"), Column("skip")], Options(default_region="XX"), "/default_region",
     "country code"),
])
def test_check_mapping_names_each_problem(columns, options, field, message):
    with pytest.raises(ValidationFailed) as caught:
        check_mapping(["a", "b"], columns, options)
    assert any(e["field"] == field and message in e["message"] for e in caught.value.errors), \
        caught.value.errors


def test_the_sweeper_requeues_an_import_whose_worker_died(db, redis, config):
    imp = create_import(db.session, None, "c.csv", b"external_id\nuser-1\nuser-2\n", 1024)
    start_import(db.session, imp, [Column("external_id")], Options())
    db.session.commit()
    beat = utcnow()
    db.session.execute(update(ContactImport).where(ContactImport.id == imp.id)
                       .values(status="running", processed_rows=1, heartbeat_at=beat))
    db.session.commit()

    assert sweep(db.session, redis, config, beat + import_run.STALE_AFTER / 2)[
        "imports_resumed"] == 0
    assert sweep(db.session, redis, config, beat + import_run.STALE_AFTER * 2)[
        "imports_resumed"] == 1
    [job] = queue(redis, import_run.IMPORT_QUEUE).jobs
    assert job.args == (imp.id,)
    db.session.refresh(imp)
    assert imp.status == "queued"
    assert run_import(db.session, imp.id) == {"created": 1, "updated": 0, "errors": 0}


def test_the_chunk_writer_writes_in_order_one_at_a_time_and_raises_a_write_s_error():
    written, running = [], []

    def write(n):
        running.append(n)
        assert running == [n], "two writes ran at once"
        time.sleep(0.01)
        written.append(n)
        running.remove(n)
        if n == 3:
            raise ConnectionError("database went away")

    with pytest.raises(ConnectionError), ChunkWriter(background=True) as writer:
        for n in range(6):
            writer.write(write, n)
    assert written == [0, 1, 2, 3]  # nothing after the failed write


def test_the_chunk_writer_hands_the_interpreter_over_often_while_it_writes():
    before, during = sys.getswitchinterval(), []
    with ChunkWriter(background=True) as writer:
        writer.write(lambda: during.append(sys.getswitchinterval()))
    assert during == [pytest.approx(writer_module.SWITCH_SECONDS)]
    assert sys.getswitchinterval() == before
    with ChunkWriter(background=False) as writer:  # inline: nothing to hand over to
        writer.write(lambda: during.append(sys.getswitchinterval()))
    assert during[-1] == before


def test_overlapping_chunk_writers_restore_the_switch_interval_when_the_last_ends():
    before = sys.getswitchinterval()
    first, second = ChunkWriter(background=True), ChunkWriter(background=True)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(writer_module.SWITCH_SECONDS)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


def test_the_chunk_writer_lets_the_write_in_flight_end_when_the_caller_fails():
    written = []

    def write(n):
        time.sleep(0.05)
        written.append(n)

    with pytest.raises(KeyError), ChunkWriter(background=True) as writer:
        writer.write(write, 1)
        raise KeyError("the caller's error wins")
    assert written == [1]


def test_a_field_column_ignores_an_attribute_name_the_form_sent_with_it(db):
    columns = [Column("external_id", "id"), Column("email", "mail"), Column("locale", "x")]
    imp, counts = import_csv(db, "id,mail,lang\nuser-1,a@example.com,en\n", columns)

    assert counts == {"created": 1, "updated": 0, "errors": 0}
    user = contacts(db)["user-1"]
    assert (user.email, user.locale, user.attributes) == ("a@example.com", "en", {})
