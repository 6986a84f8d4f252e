"""Contains all the data models used in inputs/outputs"""

from .accepted_notification import AcceptedNotification
from .accepted_notification_status import AcceptedNotificationStatus
from .audience import Audience
from .audience_channels import AudienceChannels
from .audience_channels_additional_property import AudienceChannelsAdditionalProperty
from .audience_reasons import AudienceReasons
from .campaign_cancelled import CampaignCancelled
from .campaign_cancelled_status import CampaignCancelledStatus
from .campaign_in import CampaignIn
from .campaign_in_ab_mode import CampaignInAbMode
from .campaign_in_channel_mode import CampaignInChannelMode
from .campaign_in_channels_item import CampaignInChannelsItem
from .campaign_in_winner_metric import CampaignInWinnerMetric
from .campaign_out import CampaignOut
from .campaign_out_status import CampaignOutStatus
from .campaign_page import CampaignPage
from .campaign_spec import CampaignSpec
from .campaign_spec_ab_mode import CampaignSpecAbMode
from .campaign_spec_channel_mode import CampaignSpecChannelMode
from .campaign_spec_channels_item import CampaignSpecChannelsItem
from .campaign_spec_winner_metric import CampaignSpecWinnerMetric
from .campaign_stats import CampaignStats
from .campaign_summary import CampaignSummary
from .campaign_summary_status import CampaignSummaryStatus
from .category_in import CategoryIn
from .category_in_frequency_action import CategoryInFrequencyAction
from .category_in_rate_limits import CategoryInRateLimits
from .category_list import CategoryList
from .category_out import CategoryOut
from .category_out_rate_limits import CategoryOutRateLimits
from .category_out_rate_limits_additional_property import (
    CategoryOutRateLimitsAdditionalProperty,
)
from .channel_choices_in import ChannelChoicesIn
from .contact_batch_in import ContactBatchIn
from .contact_batch_item import ContactBatchItem
from .contact_batch_item_attributes import ContactBatchItemAttributes
from .contact_batch_out import ContactBatchOut
from .contact_in import ContactIn
from .contact_in_attributes import ContactInAttributes
from .contact_out import ContactOut
from .contact_out_attributes import ContactOutAttributes
from .contact_out_preferences import ContactOutPreferences
from .contact_out_preferences_additional_property import (
    ContactOutPreferencesAdditionalProperty,
)
from .contact_page import ContactPage
from .contact_patch import ContactPatch
from .contact_patch_attributes_type_0 import ContactPatchAttributesType0
from .contact_summary import ContactSummary
from .contact_summary_attributes import ContactSummaryAttributes
from .device_in import DeviceIn
from .device_in_platform import DeviceInPlatform
from .device_in_provider_type_0 import DeviceInProviderType0
from .device_out import DeviceOut
from .draft_in import DraftIn
from .draft_in_content import DraftInContent
from .email_content import EmailContent
from .email_fields import EmailFields
from .event_in import EventIn
from .event_in_data_type_0 import EventInDataType0
from .event_in_kind import EventInKind
from .event_out import EventOut
from .field_error import FieldError
from .field_error_in_type_0 import FieldErrorInType0
from .figures import Figures
from .health_out import HealthOut
from .health_out_database import HealthOutDatabase
from .health_out_queues_type_0 import HealthOutQueuesType0
from .health_out_redis import HealthOutRedis
from .health_out_status import HealthOutStatus
from .inline_content import InlineContent
from .list_campaigns_status_type_0_item import ListCampaignsStatusType0Item
from .list_notifications_channel_type_0_item import ListNotificationsChannelType0Item
from .list_notifications_status_type_0_item import ListNotificationsStatusType0Item
from .list_suppressions_channel_type_0_item import ListSuppressionsChannelType0Item
from .locale_content import LocaleContent
from .notification_in import NotificationIn
from .notification_in_channels_type_0_item import NotificationInChannelsType0Item
from .notification_in_data import NotificationInData
from .notification_out import NotificationOut
from .notification_out_content_type_0 import NotificationOutContentType0
from .notification_out_status import NotificationOutStatus
from .notification_page import NotificationPage
from .notification_summary import NotificationSummary
from .notification_summary_status import NotificationSummaryStatus
from .notifications_accepted import NotificationsAccepted
from .preferences_in import PreferencesIn
from .preferences_in_categories import PreferencesInCategories
from .preferences_out import PreferencesOut
from .preferences_out_categories import PreferencesOutCategories
from .preferences_out_categories_additional_property import (
    PreferencesOutCategoriesAdditionalProperty,
)
from .problem import Problem
from .progress import Progress
from .push_content import PushContent
from .push_content_data_type_0 import PushContentDataType0
from .push_content_priority_type_0 import PushContentPriorityType0
from .push_fields import PushFields
from .push_fields_data_type_0 import PushFieldsDataType0
from .rate_limit import RateLimit
from .remove_suppression_channel import RemoveSuppressionChannel
from .review import Review
from .review_errors_item import ReviewErrorsItem
from .run_list import RunList
from .run_out import RunOut
from .run_out_phase import RunOutPhase
from .run_out_status import RunOutStatus
from .run_out_winner_type_0 import RunOutWinnerType0
from .schedule import Schedule
from .schedule_in import ScheduleIn
from .schedule_in_kind import ScheduleInKind
from .schedule_kind import ScheduleKind
from .sms_content import SmsContent
from .sms_fields import SmsFields
from .stats_out import StatsOut
from .stats_out_channels import StatsOutChannels
from .stats_out_reasons import StatsOutReasons
from .stats_out_variants import StatsOutVariants
from .status_change import StatusChange
from .suppression_in import SuppressionIn
from .suppression_in_channel import SuppressionInChannel
from .suppression_in_reason import SuppressionInReason
from .suppression_out import SuppressionOut
from .suppression_page import SuppressionPage
from .template_in import TemplateIn
from .template_in_content_type_0 import TemplateInContentType0
from .template_out import TemplateOut
from .template_page import TemplatePage
from .template_patch import TemplatePatch
from .template_summary import TemplateSummary
from .vapid_key_out import VapidKeyOut
from .variant import Variant
from .variant_in import VariantIn
from .version_out import VersionOut
from .version_out_content import VersionOutContent
from .version_out_status import VersionOutStatus
from .version_page import VersionPage
from .web_push_keys import WebPushKeys
from .web_push_subscription import WebPushSubscription
from .window import Window
from .window_in import WindowIn
from .winner_in import WinnerIn
from .winner_in_variant import WinnerInVariant

__all__ = (
    "AcceptedNotification",
    "AcceptedNotificationStatus",
    "Audience",
    "AudienceChannels",
    "AudienceChannelsAdditionalProperty",
    "AudienceReasons",
    "CampaignCancelled",
    "CampaignCancelledStatus",
    "CampaignIn",
    "CampaignInAbMode",
    "CampaignInChannelMode",
    "CampaignInChannelsItem",
    "CampaignInWinnerMetric",
    "CampaignOut",
    "CampaignOutStatus",
    "CampaignPage",
    "CampaignSpec",
    "CampaignSpecAbMode",
    "CampaignSpecChannelMode",
    "CampaignSpecChannelsItem",
    "CampaignSpecWinnerMetric",
    "CampaignStats",
    "CampaignSummary",
    "CampaignSummaryStatus",
    "CategoryIn",
    "CategoryInFrequencyAction",
    "CategoryInRateLimits",
    "CategoryList",
    "CategoryOut",
    "CategoryOutRateLimits",
    "CategoryOutRateLimitsAdditionalProperty",
    "ChannelChoicesIn",
    "ContactBatchIn",
    "ContactBatchItem",
    "ContactBatchItemAttributes",
    "ContactBatchOut",
    "ContactIn",
    "ContactInAttributes",
    "ContactOut",
    "ContactOutAttributes",
    "ContactOutPreferences",
    "ContactOutPreferencesAdditionalProperty",
    "ContactPage",
    "ContactPatch",
    "ContactPatchAttributesType0",
    "ContactSummary",
    "ContactSummaryAttributes",
    "DeviceIn",
    "DeviceInPlatform",
    "DeviceInProviderType0",
    "DeviceOut",
    "DraftIn",
    "DraftInContent",
    "EmailContent",
    "EmailFields",
    "EventIn",
    "EventInDataType0",
    "EventInKind",
    "EventOut",
    "FieldError",
    "FieldErrorInType0",
    "Figures",
    "HealthOut",
    "HealthOutDatabase",
    "HealthOutQueuesType0",
    "HealthOutRedis",
    "HealthOutStatus",
    "InlineContent",
    "ListCampaignsStatusType0Item",
    "ListNotificationsChannelType0Item",
    "ListNotificationsStatusType0Item",
    "ListSuppressionsChannelType0Item",
    "LocaleContent",
    "NotificationIn",
    "NotificationInChannelsType0Item",
    "NotificationInData",
    "NotificationOut",
    "NotificationOutContentType0",
    "NotificationOutStatus",
    "NotificationPage",
    "NotificationSummary",
    "NotificationSummaryStatus",
    "NotificationsAccepted",
    "PreferencesIn",
    "PreferencesInCategories",
    "PreferencesOut",
    "PreferencesOutCategories",
    "PreferencesOutCategoriesAdditionalProperty",
    "Problem",
    "Progress",
    "PushContent",
    "PushContentDataType0",
    "PushContentPriorityType0",
    "PushFields",
    "PushFieldsDataType0",
    "RateLimit",
    "RemoveSuppressionChannel",
    "Review",
    "ReviewErrorsItem",
    "RunList",
    "RunOut",
    "RunOutPhase",
    "RunOutStatus",
    "RunOutWinnerType0",
    "Schedule",
    "ScheduleIn",
    "ScheduleInKind",
    "ScheduleKind",
    "SmsContent",
    "SmsFields",
    "StatsOut",
    "StatsOutChannels",
    "StatsOutReasons",
    "StatsOutVariants",
    "StatusChange",
    "SuppressionIn",
    "SuppressionInChannel",
    "SuppressionInReason",
    "SuppressionOut",
    "SuppressionPage",
    "TemplateIn",
    "TemplateInContentType0",
    "TemplateOut",
    "TemplatePage",
    "TemplatePatch",
    "TemplateSummary",
    "VapidKeyOut",
    "Variant",
    "VariantIn",
    "VersionOut",
    "VersionOutContent",
    "VersionOutStatus",
    "VersionPage",
    "WebPushKeys",
    "WebPushSubscription",
    "Window",
    "WindowIn",
    "WinnerIn",
    "WinnerInVariant",
)
