from enum import StrEnum


class ListSuppressionsChannelType0Item(StrEnum):
    EMAIL = "email"
    SMS = "sms"

    def __str__(self) -> str:
        return str(self.value)
