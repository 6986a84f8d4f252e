"""What apps report after a send: push opens, conversions and their own events."""
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.api.schemas.common import DateTime, ExternalId, Input, Output, example

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")]
EventData = Annotated[dict[Name, Annotated[str, StringConstraints(max_length=500)] | int | float
                           | bool], Field(max_length=20)]


class EventIn(Input):
    """One event; `id` (or, for an open, the notification) makes a repeat a no-op."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "opened", "notification_id": "01939b1e-5f6a-7c3d-9e2f-0a1b2c3d4e5f"},
        {"id": "order-A-1001", "kind": "converted", "contact": "user-42", "value": 49.9,
         "currency": "EUR"},
        {"id": "evt-8842", "kind": "custom", "name": "trial_started", "contact": "user-42",
         "data": {"plan": "pro"}},
    ]})

    id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = Field(
        None, description="Your id for the event: a repeat of it is recorded once.")
    kind: Literal["opened", "converted", "custom"] = Field(
        description="`opened`: the app opened a push notification (give `notification_id`); "
                    "`converted`: a purchase or goal, with its value; `custom`: your own "
                    "(give `name`).")
    name: Name | None = Field(None, description="A custom event's name.",
                              examples=["trial_started"])
    notification_id: uuid.UUID | None = Field(
        None, description="The notification the event follows; default: the contact's last "
                          "one sent within HERALD_ATTRIBUTION_WINDOW_HOURS.")
    contact: ExternalId | None = Field(None, description="Whose event (when no "
                                                         "notification_id is given).")
    value: Annotated[float, Field(ge=0, le=1e12)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code, with `value`.", examples=["EUR"])
    at: DateTime | None = Field(None, description="When it happened; default now.")
    data: EventData | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.kind == "opened" and self.notification_id is None:
            raise ValueError("an open names its notification_id")
        if self.kind == "custom" and self.name is None:
            raise ValueError("a custom event has a name")
        if self.kind != "custom" and self.name is not None:
            raise ValueError("only custom events have a name")
        if self.notification_id is None and self.contact is None:
            raise ValueError("give notification_id or contact")
        if (self.value is None) != (self.currency is None):
            raise ValueError("value and currency go together")
        return self


class EventOut(Output):
    model_config = example({"id": "01939b2a-0c11-7e4d-8a2f-5b6c7d8e9f10",
                            "kind": "converted", "name": None,
                            "notification_id": "01939b1e-5f6a-7c3d-9e2f-0a1b2c3d4e5f",
                            "contact": "user-42", "value": 49.9, "currency": "EUR",
                            "at": "2027-01-10T16:00:00Z", "duplicate": False})

    id: uuid.UUID
    kind: str
    name: str | None
    notification_id: uuid.UUID | None
    contact: str | None
    value: float | None
    currency: str | None
    at: datetime
    duplicate: bool = Field(description="This event was recorded before; nothing changed.")
