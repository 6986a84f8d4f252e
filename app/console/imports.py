"""Contacts → Import: upload a CSV, map its columns, preview, then import in the background.

The import runs as an RQ job (app.core.imports.run). Its page polls a progress fragment
every second until the job is done, then offers the rejected rows as a CSV download.
"""

import csv
import io

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app import herald_config, redis_client
from app.console.audit import record_change
from app.console.pagination import cursor_args, keyset_page
from app.console.responses import or_404
from app.console.security import can, role_required
from app.core.imports import run as import_run
from app.core.imports.mapping import (
    ATTRIBUTE_TYPES,
    FIELDS,
    check_mapping,
    file_too_big,
    guess_mapping,
    preview_rows,
)
from app.core.imports.rows import Column, Options, RowChecker
from app.errors import ValidationFailed
from app.extensions import db
from app.models import ContactImport, ContactImportError
from app.models.imports import UPLOADED

bp = Blueprint("imports", __name__, url_prefix="/contacts/import")

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
ERROR_SAMPLE = 10  # rejected rows shown on the finished import's page


def _max_bytes() -> int:
    return herald_config().IMPORT_MAX_BYTES


@bp.url_value_preprocessor
def _allow_large_upload(endpoint, values):
    # This runs before the before_request hooks, and so before the CSRF check reads the
    # form: the upload alone may be as large as the import limit (a little more for the
    # multipart framing), every other request keeps the app's smaller limit.
    if endpoint == "console.imports.new" and request.method == "POST":
        request.max_content_length = _max_bytes() + 64 * 1024


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    return _upload_page(file_too_big(request.content_length or 0, _max_bytes()).detail)


@bp.route("/")
@role_required("viewer")
def index():
    page = keyset_page(db.session, select(ContactImport), ContactImport.id, **cursor_args(),
                       limit=25)
    return render_template("console/imports/index.html", page=page)


def _upload_page(error: str | None = None):
    return render_template("console/imports/new.html", error=error,
                           max_bytes=_max_bytes()), 422 if error else 200


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    if request.method == "GET":
        return _upload_page()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page("Choose a CSV file to upload.")
    if not upload.filename.lower().endswith(CSV_SUFFIXES):
        return _upload_page(f"“{upload.filename}” is not a CSV file. In your spreadsheet, "
                            "save the sheet as “CSV UTF-8” and upload that file.")
    try:
        imp = import_run.create_import(db.session, current_user, upload.filename,
                                       upload.read(), _max_bytes())
    except ValidationFailed as exc:
        db.session.rollback()
        return _upload_page(exc.detail)
    db.session.commit()
    return redirect(url_for(".mapping", import_id=imp.id))


def _posted_mapping(width: int) -> tuple[list[Column], Options]:
    form = request.form
    columns = [Column(form.get(f"field-{i}", "skip"), form.get(f"name-{i}", "").strip(),
                      form.get(f"type-{i}", "text")) for i in range(width)]
    options = Options(tag_separator=form.get("tag_separator", ";"),
                      tag_mode=form.get("tag_mode", "add"),
                      default_region=form.get("default_region", "").strip().upper() or None)
    return columns, options


def _mapping_page(imp: ContactImport, columns: list[Column], options: Options,
                  errors: list[dict] | None = None):
    """The mapping form and a preview of the first rows, checked as they will be imported."""
    samples = preview_rows(imp)
    checked = []
    if errors is None:
        try:
            check_mapping(imp.header, columns, options)
        except ValidationFailed as exc:
            errors = exc.errors
    if not errors:  # only a valid mapping can check rows
        checker = RowChecker(imp.header, columns, options)
        checked = [checker.check(line, cells) for line, cells in samples]
    messages: dict[str, list[str]] = {}
    for error in errors or []:
        messages.setdefault(error["field"], []).append(error["message"])
    return render_template(
        "console/imports/mapping.html", imp=imp, columns=columns, options=options,
        samples=samples, checked=checked, errors=messages, fields=FIELDS,
        attribute_types=ATTRIBUTE_TYPES,
    ), 422 if errors else 200


@bp.route("/<int:import_id>/map", methods=["GET", "POST"])
@role_required("editor")
def mapping(import_id: int):
    imp = or_404(db.session.get, ContactImport, import_id)
    if imp.status != UPLOADED:
        return redirect(url_for(".show", import_id=imp.id))
    if request.method == "GET":
        samples = [cells for _, cells in preview_rows(imp)]
        return _mapping_page(imp, guess_mapping(imp.header, samples), Options())
    columns, options = _posted_mapping(len(imp.header))
    if request.form.get("action") == "preview":
        return _mapping_page(imp, columns, options)
    try:
        import_run.start_import(db.session, imp, columns, options)
    except ValidationFailed as exc:
        db.session.rollback()
        return _mapping_page(imp, columns, options, exc.errors)
    record_change("contact.import", "contact_import", imp.id, after={
        "filename": imp.filename, "rows": imp.total_rows, "mapping": imp.mapping,
        "options": imp.options})
    db.session.commit()
    _enqueue(imp)
    return redirect(url_for(".show", import_id=imp.id))


def _enqueue(imp: ContactImport) -> None:
    if not import_run.enqueue_import(redis_client(), imp.id):
        flash("The import is saved, but the job queue is unreachable right now. It can be "
              "resumed from this page in a few minutes.", "warning")


def _progress_context(imp: ContactImport) -> dict:
    errors = []
    if imp.finished and imp.error_count:
        errors = db.session.scalars(
            select(ContactImportError).where(ContactImportError.import_id == imp.id)
            .order_by(ContactImportError.line).limit(ERROR_SAMPLE)).all()
    return {"imp": imp, "errors": errors, "resumable": import_run.can_resume(imp)}


@bp.route("/<int:import_id>")
@role_required("viewer")
def show(import_id: int):
    imp = or_404(db.session.get, ContactImport, import_id)
    if imp.status == UPLOADED and can("editor"):
        return redirect(url_for(".mapping", import_id=imp.id))
    return render_template("console/imports/show.html", **_progress_context(imp))


@bp.route("/<int:import_id>/progress")
@role_required("viewer")
def progress(import_id: int):
    imp = or_404(db.session.get, ContactImport, import_id)
    return render_template("console/imports/_progress.html", **_progress_context(imp))


def _command(command, import_id: int):
    """Run a core command on an import; when it is refused, flash why and go back to it."""
    imp = or_404(db.session.get, ContactImport, import_id)
    try:
        command(db.session, imp)
    except ValidationFailed as exc:
        flash(exc.detail, "info")
        return imp, redirect(url_for(".show", import_id=imp.id))
    return imp, None


@bp.route("/<int:import_id>/resume", methods=["POST"])
@role_required("editor")
def resume(import_id: int):
    imp, refused = _command(import_run.resume_import, import_id)
    if refused:
        return refused
    record_change("contact.import_resume", "contact_import", imp.id,
                  after={"processed_rows": imp.processed_rows})
    db.session.commit()
    _enqueue(imp)
    flash("The import goes on from where it stopped.", "success")
    return redirect(url_for(".show", import_id=imp.id))


@bp.route("/<int:import_id>/discard", methods=["POST"])
@role_required("editor")
def discard(import_id: int):
    imp, refused = _command(import_run.discard_import, import_id)
    if refused:
        return refused
    record_change("contact.import_discard", "contact_import", import_id,
                  before={"filename": imp.filename, "rows": imp.total_rows})
    db.session.commit()
    flash(f"{imp.filename} discarded: nothing was imported.", "success")
    return redirect(url_for(".index"))


@bp.route("/<int:import_id>/errors.csv")
@role_required("viewer")
def errors_csv(import_id: int):
    """Stream the rejected rows: line, error, then the row's original cells."""
    imp = or_404(db.session.get, ContactImport, import_id)
    rows = (select(ContactImportError).where(ContactImportError.import_id == imp.id)
            .order_by(ContactImportError.line).execution_options(yield_per=1000))
    header = ["line", "error", *imp.header]

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # spreadsheets then read the file as UTF-8
        writer.writerow(header)
        for row in db.session.scalars(rows):
            writer.writerow([row.line, row.message, *row.values])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="import-{imp.id}-errors.csv"'})
