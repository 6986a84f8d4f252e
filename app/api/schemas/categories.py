"""Categories of messages and their delivery rules."""

from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.schemas.common import CategoryKey, Channel, Input, Output, Params


class RateLimit(Input):
    limit: Annotated[int, Field(ge=1, le=1_000_000)]
    per_seconds: Annotated[int, Field(ge=1, le=366 * 86400)]


class CategoryIn(Input):
    """A category's full definition: fields left out take their defaults."""

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


class CategoryOut(Output):
    key: str
    name: str
    description: str
    critical: bool
    default_opt_in: bool
    quiet_hours: bool
    rate_limits: dict[str, dict[str, int]]


class CategoryList(Output):
    data: list[CategoryOut]


class CategoryPath(Params):
    key: CategoryKey
