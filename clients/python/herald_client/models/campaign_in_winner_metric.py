from enum import StrEnum


class CampaignInWinnerMetric(StrEnum):
    CLICKED = "clicked"
    CONVERTED = "converted"
    DELIVERED = "delivered"
    MANUAL = "manual"
    OPENED = "opened"

    def __str__(self) -> str:
        return str(self.value)
