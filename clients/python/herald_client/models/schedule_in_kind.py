from enum import StrEnum


class ScheduleInKind(StrEnum):
    AT = "at"
    LOCAL = "local"
    NOW = "now"
    RECURRING = "recurring"

    def __str__(self) -> str:
        return str(self.value)
