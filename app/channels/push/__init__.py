"""Push providers: FCM, APNs and web push; what every push must respect, whichever sends it."""

# Data keys a push may not carry. FCM refuses "from", "message_type" and any key starting
# with "google" or "gcm" (HTTP v1 reference, Message.data); its legacy API also reserves
# "notification", and Android's RemoteMessage reads "collapse_key" itself. herald_id is
# ours: every provider adds it so a delivery can be matched to its notification.
RESERVED_DATA_KEYS = frozenset({"from", "message_type", "notification", "collapse_key",
                                "herald_id"})
RESERVED_DATA_PREFIXES = ("google", "gcm")


def reserved_data_key(key: str) -> bool:
    """Whether a push data key is reserved (refused by FCM, or used by Herald)."""
    return key in RESERVED_DATA_KEYS or key.startswith(RESERVED_DATA_PREFIXES)


def push_is_empty(content: dict) -> bool:
    """A push must show or carry something: a title, a body, data, or a badge (0 clears it)."""
    return not (content.get("title") or content.get("body") or content.get("data")
                or content.get("badge") is not None)
