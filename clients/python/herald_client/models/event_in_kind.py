from enum import StrEnum


class EventInKind(StrEnum):
    CONVERTED = "converted"
    CUSTOM = "custom"
    OPENED = "opened"

    def __str__(self) -> str:
        return str(self.value)
