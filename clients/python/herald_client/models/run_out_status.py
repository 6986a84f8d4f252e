from enum import StrEnum


class RunOutStatus(StrEnum):
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    FANNING_OUT = "fanning_out"
    PAUSED = "paused"
    SENDING = "sending"
    TESTING = "testing"

    def __str__(self) -> str:
        return str(self.value)
