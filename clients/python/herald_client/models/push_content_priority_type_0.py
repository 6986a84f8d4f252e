from enum import StrEnum


class PushContentPriorityType0(StrEnum):
    HIGH = "high"
    NORMAL = "normal"

    def __str__(self) -> str:
        return str(self.value)
