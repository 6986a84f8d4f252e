from enum import StrEnum


class ListNotificationsStatusType0Item(StrEnum):
    ACCEPTED = "accepted"
    DEAD = "dead"
    DELIVERED = "delivered"
    FAILED = "failed"
    QUEUED = "queued"
    RETRYING = "retrying"
    SENDING = "sending"
    SENT = "sent"
    SUPPRESSED = "suppressed"

    def __str__(self) -> str:
        return str(self.value)
