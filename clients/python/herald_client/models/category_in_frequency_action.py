from enum import StrEnum


class CategoryInFrequencyAction(StrEnum):
    DEFER = "defer"
    SUPPRESS = "suppress"

    def __str__(self) -> str:
        return str(self.value)
