from enum import StrEnum


class DeviceInProviderType0(StrEnum):
    FCM = "fcm"
    JPUSH = "jpush"

    def __str__(self) -> str:
        return str(self.value)
