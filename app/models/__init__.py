"""Every model, imported so the metadata (and Alembic) sees all tables."""

from app.models.audit import AuditLog
from app.models.auth import ApiKey, Operator
from app.models.campaigns import Campaign, CampaignRun, CampaignVariant
from app.models.contacts import Category, Contact, Device, Preference, Suppression
from app.models.demo import DemoRow
from app.models.imports import ContactImport, ContactImportError
from app.models.notifications import (
    Event,
    EventKey,
    IdempotencyKey,
    Notification,
    NotificationStatus,
)
from app.models.providers import ProviderAccount
from app.models.retention import (
    EventRollup,
    EventSlotRollup,
    LinkRollup,
    NotificationRollup,
    RetentionPolicy,
    TemplateRollup,
)
from app.models.segments import Segment
from app.models.templates import Template, TemplateVersion
from app.models.tracking import ShortLink, TrackedLink
from app.models.webhooks import SmsKeyword, WebhookEventId

__all__ = [
    "ApiKey",
    "AuditLog",
    "Campaign",
    "CampaignRun",
    "CampaignVariant",
    "Category",
    "Contact",
    "ContactImport",
    "ContactImportError",
    "DemoRow",
    "Device",
    "Event",
    "EventKey",
    "EventRollup",
    "EventSlotRollup",
    "IdempotencyKey",
    "LinkRollup",
    "Notification",
    "NotificationRollup",
    "NotificationStatus",
    "Operator",
    "Preference",
    "ProviderAccount",
    "RetentionPolicy",
    "Segment",
    "ShortLink",
    "SmsKeyword",
    "Suppression",
    "Template",
    "TemplateRollup",
    "TemplateVersion",
    "TrackedLink",
    "WebhookEventId",
]
