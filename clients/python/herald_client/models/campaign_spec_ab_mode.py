from enum import StrEnum


class CampaignSpecAbMode(StrEnum):
    SPLIT = "split"
    TEST = "test"

    def __str__(self) -> str:
        return str(self.value)
