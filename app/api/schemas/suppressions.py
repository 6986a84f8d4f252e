"""Suppressions: the addresses and numbers Herald never sends to."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas.common import Cursor, Input, Limit, Output, Params, example

SuppressedChannel = Literal["email", "sms"]
Reason = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$"), Field(
    description="Why: `hard_bounce`, `complaint`, `stop` (an SMS reply), `invalid_recipient` "
                "(set by deliveries) or `manual`.", examples=["hard_bounce"])]
Address = Annotated[str, StringConstraints(min_length=1, max_length=320), Field(
    description="An email address, or a phone number in E.164 (+ and digits).",
    examples=["ada@example.com"])]
EXAMPLE = {"channel": "email", "address": "ada@example.com", "reason": "manual",
           "detail": "asked support to stop all email", "created_at": "2027-01-10T16:00:00Z"}



class SuppressionIn(Input):
    """Block an address; one already blocked keeps its first reason."""

    model_config = example({"channel": "email", "address": "ada@example.com",
                             "detail": "asked support to stop all email"})

    channel: SuppressedChannel
    address: Address
    reason: Literal["manual", "hard_bounce", "complaint", "stop", "invalid_recipient"] = \
        "manual"
    detail: Annotated[str, StringConstraints(max_length=512)] = ""


class SuppressionOut(Output):
    model_config = example(EXAMPLE)

    channel: str
    address: str
    reason: str
    detail: str
    created_at: datetime


class SuppressionPage(Output):
    model_config = example({"data": [EXAMPLE], "next_cursor": None})

    data: list[SuppressionOut]
    next_cursor: str | None


class SuppressionPath(Params):
    channel: Annotated[SuppressedChannel, Field(examples=["email"])]
    address: Address


class SuppressionQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
    channel: list[SuppressedChannel] | None = Field(
        None, examples=[["email"]], description="Repeat to match several.")
    reason: list[Reason] | None = Field(None, max_length=10,
                                        description="Repeat to match several.")
    address: Address | None = None
