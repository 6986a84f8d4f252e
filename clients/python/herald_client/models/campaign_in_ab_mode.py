from enum import StrEnum


class CampaignInAbMode(StrEnum):
    SPLIT = "split"
    TEST = "test"

    def __str__(self) -> str:
        return str(self.value)
