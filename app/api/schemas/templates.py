"""Templates and their versions: drafts in, versions out.

Draft content may be incomplete (an email without a subject yet); publishing checks that
every channel is complete. Each text field is a Jinja template checked for syntax and
rendered under the same budget as the console's editor.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas.common import CategoryKey, Cursor, Input, Limit, Output, Params, example

MAX_LOCALES = 100
MAX_DATA_KEYS = 100
KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,127}$"
Text = Annotated[str, StringConstraints(max_length=4096)]
Long = Annotated[str, StringConstraints(max_length=512 * 1024)]
TemplateKey = Annotated[str, StringConstraints(pattern=KEY_PATTERN), Field(
    description="What sends name: lowercase letters, digits, `.`, `_`, `-`.",
    examples=["order-shipped"])]
Locale = Annotated[str, StringConstraints(min_length=2, max_length=35), Field(
    description="A BCP 47 locale tag.", examples=["en"])]
VersionNumber = Annotated[int, Field(ge=1, le=2**31 - 1, examples=[2])]

CONTENT_EXAMPLE = {
    "en": {"push": {"title": "Order {{ data.order }} shipped", "body": "It is on its way."},
           "email": {"subject": "Your order {{ data.order }} has shipped",
                     "html": "<p>Hi {{ contact.attributes.first_name }}, it is on its way.</p>"}},
    "fr": {"push": {"title": "Commande {{ data.order }} expédiée", "body": "Elle arrive."}},
}
VERSION_EXAMPLE = {"version": 2, "status": "draft", "default_locale": "en",
                   "content": CONTENT_EXAMPLE, "created_by": "shop-backend",
                   "created_at": "2027-01-10T16:00:00Z", "published_at": None}
SUMMARY_EXAMPLE = {"key": "order-shipped", "name": "Order shipped", "category": "orders",
                   "description": "When the parcel leaves the warehouse.", "live_version": 1,
                   "draft_version": 2, "created_at": "2027-01-02T10:00:00Z",
                   "updated_at": "2027-01-10T16:00:00Z"}
TEMPLATE_EXAMPLE = {**SUMMARY_EXAMPLE,
                    "live": {**VERSION_EXAMPLE, "version": 1, "status": "published",
                             "published_at": "2027-01-03T09:00:00Z"},
                    "draft": VERSION_EXAMPLE}



class PushFields(Input):
    title: Text | None = None
    body: Text | None = None
    image: Text | None = None
    deep_link: Text | None = None
    sound: Annotated[str, StringConstraints(max_length=64)] | None = None
    badge: Annotated[int, Field(ge=0, le=99_999)] | None = None
    data: dict[Annotated[str, StringConstraints(min_length=1, max_length=256)], Text] | None = \
        Field(None, max_length=MAX_DATA_KEYS, description="Key-value strings for the app.")


class SmsFields(Input):
    text: Annotated[str, StringConstraints(max_length=1600)] | None = None


class EmailFields(Input):
    subject: Annotated[str, StringConstraints(max_length=998)] | None = None
    preheader: Annotated[str, StringConstraints(max_length=255)] | None = None
    html: Long | None = None
    text: Long | None = None


class LocaleContent(Input):
    push: PushFields | None = None
    sms: SmsFields | None = None
    email: EmailFields | None = None


Content = Annotated[dict[Locale, LocaleContent], Field(
    min_length=1, max_length=MAX_LOCALES,
    description="Per locale, per channel: the fields of each channel, Jinja templates "
                "rendered with `data` and `contact`.",
    examples=[CONTENT_EXAMPLE])]


class TemplateIn(Input):
    """A new template; its content becomes version 1, a draft."""

    model_config = example({"key": "order-shipped", "name": "Order shipped",
                             "category": "orders", "default_locale": "en",
                             "content": CONTENT_EXAMPLE})

    key: TemplateKey
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    category: CategoryKey
    description: Annotated[str, StringConstraints(max_length=1024)] = ""
    default_locale: Locale = "en"
    content: Content | None = None


class TemplatePatch(Input):
    """The template's details; fields left out keep their value."""

    model_config = example({"name": "Order shipped (v2)", "description": "Sent by the shop."})

    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    category: CategoryKey | None = None
    description: Annotated[str, StringConstraints(max_length=1024)] | None = None


class DraftIn(Input):
    """The whole content of the draft (a draft is started if there is none)."""

    model_config = example({"default_locale": "en", "content": CONTENT_EXAMPLE})

    default_locale: Locale = "en"
    content: Content


class VersionOut(Output):
    model_config = example(VERSION_EXAMPLE)

    version: int
    status: Literal["draft", "published"]
    default_locale: str
    content: dict
    created_by: str | None
    created_at: datetime
    published_at: datetime | None


class TemplateSummary(Output):
    model_config = example(SUMMARY_EXAMPLE)

    key: str
    name: str
    category: str
    description: str
    live_version: int | None = Field(description="The published version sends use.")
    draft_version: int | None = Field(description="The unpublished draft, if any.")
    created_at: datetime
    updated_at: datetime


class TemplateOut(TemplateSummary):
    model_config = example(TEMPLATE_EXAMPLE)

    live: VersionOut | None
    draft: VersionOut | None


class TemplatePage(Output):
    model_config = example({"data": [SUMMARY_EXAMPLE], "next_cursor": None})

    data: list[TemplateSummary]
    next_cursor: str | None


class VersionPage(Output):
    model_config = example({"data": [VERSION_EXAMPLE], "next_cursor": None})

    data: list[VersionOut]
    next_cursor: str | None


class TemplatePath(Params):
    key: Annotated[TemplateKey, Field(examples=["order-shipped"])]


class VersionPath(TemplatePath):
    number: VersionNumber


class TemplateQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
    category: CategoryKey | None = Field(None, examples=["orders"])
    q: Annotated[str, StringConstraints(max_length=255)] | None = Field(
        None, description="Part of the key or the name.", examples=["order"])


class VersionQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
