"""Categories of messages and their delivery rules."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas.common import (
    CategoryKey,
    Channel,
    Cursor,
    Input,
    Limit,
    Output,
    Params,
    example,
)

IN_EXAMPLE = {"name": "Orders", "description": "Order and delivery updates.",
              "rate_limits": {"push": {"limit": 3, "per_seconds": 86400}}}
OUT_EXAMPLE = {"key": "orders", "name": "Orders", "description": "Order and delivery updates.",
               "critical": False, "default_opt_in": True, "quiet_hours": True,
               "rate_limits": {"push": {"limit": 3, "per_seconds": 86400}}, "marketing": False,
               "frequency_cap": None, "frequency_window_seconds": 604800,
               "frequency_action": "suppress"}


class RateLimit(Input):
    limit: Annotated[int, Field(ge=1, le=1_000_000)]
    per_seconds: Annotated[int, Field(ge=1, le=366 * 86400)]


class CategoryIn(Input):
    """A category's full definition: fields left out take their defaults."""

    model_config = example(IN_EXAMPLE)

    name: Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
    description: Annotated[str, StringConstraints(max_length=512)] = ""
    critical: bool = Field(False, description="Bypass opt-outs, rate limits and quiet hours.")
    default_opt_in: bool = Field(True, description="Whether contacts receive it until they "
                                                   "choose otherwise.")
    quiet_hours: bool = Field(True, description="Hold messages during the quiet hours.")
    rate_limits: dict[Channel, RateLimit] = Field(
        default_factory=dict, description="Per-contact cap per channel.",
        examples=[{"push": {"limit": 3, "per_seconds": 86400}}],
    )
    marketing: bool = Field(False, description="Marketing, not transactional: its email carries "
                                               "List-Unsubscribe and its campaign messages obey "
                                               "frequency caps.")
    frequency_cap: Annotated[int | None, Field(ge=1, le=10_000)] = Field(
        None, description="At most this many marketing campaign messages per contact in the "
                          "window (all marketing categories count); none: no cap.")
    frequency_window_seconds: Annotated[int, Field(ge=3600, le=366 * 86400)] = 7 * 86400
    frequency_action: Literal["suppress", "defer"] = Field(
        "suppress", description="Over the cap: suppress the message, or defer it until the "
                                "contact is under the cap again.")


class CategoryOut(Output):
    model_config = example(OUT_EXAMPLE)

    key: str
    name: str
    description: str
    critical: bool
    default_opt_in: bool
    quiet_hours: bool
    rate_limits: dict[str, dict[str, int]]
    marketing: bool
    frequency_cap: int | None
    frequency_window_seconds: int
    frequency_action: str


class CategoryList(Output):
    model_config = example({"data": [OUT_EXAMPLE], "next_cursor": None})

    data: list[CategoryOut]
    next_cursor: str | None


class CategoryPath(Params):
    key: CategoryKey


class CategoryQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
