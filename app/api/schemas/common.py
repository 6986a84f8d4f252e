"""Shared schema pieces: base classes, identifiers, problems, pagination."""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from app.core.contacts.fields import EXTERNAL_ID_PATTERN, check_external_id

Channel = Literal["push", "sms", "email"]
ExternalId = Annotated[
    str,
    AfterValidator(check_external_id),
    Field(description="Your id for the contact: no spaces or slashes.", examples=["user-42"],
          json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": EXTERNAL_ID_PATTERN}),
]
CategoryKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]{0,63}$"),
    Field(description="Lowercase key: letters, digits, _ . -", examples=["orders"]),
]
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", re.I)


def _rfc3339(value) -> datetime:
    """Parse only RFC 3339 text, as the document's `date-time` says: no numbers, no spaces;
    and only times that exist in UTC (9999-12-31T23:00:00-01:00 is past the last year)."""
    if not (isinstance(value, str) and _RFC3339.match(value)):
        raise ValueError("use an RFC 3339 date-time with an offset, e.g. 2026-01-31T09:00:00Z")
    parsed = datetime.fromisoformat(value.upper())  # ValueError for a day or hour out of range
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range: the time in UTC must fall in the years 1 to 9999") \
            from None
    return parsed


DateTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
Limit = Annotated[int, Field(ge=1, le=200, description="Page size (at most 200).")]
Cursor = Annotated[
    str | None, Field(max_length=200, description="`next_cursor` of the previous page.")
]


def example(*values) -> ConfigDict:
    """A model's examples, which the OpenAPI document shows as its requests and responses."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Input(BaseModel):
    """A request body: unknown fields are errors and types are strict ("1" is no int);
    numbers are finite (JSON has no NaN or Infinity)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Params(BaseModel):
    """Query or path parameters: strings by nature, so converted, but no unknown names."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """A response body, built from ORM rows or dicts."""

    model_config = ConfigDict(from_attributes=True)


class FieldError(BaseModel):
    field: str = Field(description="JSON pointer into the body (or the parameter's name).",
                       examples=["/recipients/3"])
    message: str
    in_: Literal["body", "query", "path", "header"] | None = Field(
        None, alias="in", description="Where the field is, when not in the body."
    )


class Problem(BaseModel):
    """An RFC 9457 problem; every error response has this shape."""

    type: str = Field(examples=["/api/v1/problems/validation-failed"])
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path.")
    errors: list[FieldError] = Field(default_factory=list)
