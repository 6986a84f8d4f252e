from enum import StrEnum


class RunOutPhase(StrEnum):
    ALL = "all"
    FINAL = "final"
    TEST = "test"

    def __str__(self) -> str:
        return str(self.value)
