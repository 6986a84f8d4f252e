"""Suppressions: list (filtered), add (idempotent), remove (idempotent)."""

from contextlib import contextmanager

from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.suppressions import (
    SuppressionIn,
    SuppressionOut,
    SuppressionPage,
    SuppressionPath,
    SuppressionQuery,
)
from app.core.contacts import suppressions
from app.errors import ValidationFailed
from app.extensions import db

TAG = "Suppressions"


@contextmanager
def located(where: str):
    """Say where a field the core refused is: in the query or in the path."""
    try:
        yield
    except ValidationFailed as exc:
        exc.errors = [{**error, "in": where} for error in exc.errors]
        raise


@route("/suppressions", query=SuppressionQuery, response=SuppressionPage, scope="manage",
       tag=TAG, summary="List suppressions",
       description="Newest first; filter by channel, reason or address (normalised as "
                   "stored: email lowercase domain, phone E.164).")
def list_suppressions(query: SuppressionQuery):
    channels = set(query.channel or ())
    address = query.address
    if address and len(channels) == 1:
        with located("query"):
            address = suppressions.normalise_address(channels.pop(), address)
    rows = suppressions.list_suppressions(
        db.session, channel=query.channel, reason=query.reason, address=address,
        before_id=decode_cursor("suppression", query.cursor, int), limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "suppression", lambda s: s.id)
    data = [SuppressionOut.model_validate(s) for s in page]
    return SuppressionPage(data=data, next_cursor=cursor), 200, next_link(cursor)


@route("/suppressions", "POST", body=SuppressionIn, response=SuppressionOut, status=201,
       responses={200: SuppressionOut}, scope="manage", tag=TAG,
       summary="Suppress an address",
       description="Nothing is sent to it on that channel until it is removed. Idempotent: "
                   "201 when added, 200 with the existing suppression (its first reason "
                   "kept) when the address was already suppressed.")
def add_suppression(body: SuppressionIn):
    row, created = suppressions.add(db.session, body.channel, body.address, reason=body.reason,
                                    detail=body.detail, actor=current_actor())
    out = SuppressionOut.model_validate(row)
    db.session.commit()
    return out, 201 if created else 200


@route("/suppressions/<channel>/<path:address>", "DELETE", path=SuppressionPath,
       response=None, status=204, scope="manage", tag=TAG, summary="Remove a suppression",
       description="Sends to the address may go out again. Idempotent: 204 whether or not "
                   "it was suppressed (only an actual removal is audited).")
def remove_suppression(channel: str, address: str):
    with located("path"):
        suppressions.remove(db.session, channel, address, actor=current_actor())
    db.session.commit()
