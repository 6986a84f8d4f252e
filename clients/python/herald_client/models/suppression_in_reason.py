from enum import StrEnum


class SuppressionInReason(StrEnum):
    COMPLAINT = "complaint"
    HARD_BOUNCE = "hard_bounce"
    INVALID_RECIPIENT = "invalid_recipient"
    MANUAL = "manual"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
