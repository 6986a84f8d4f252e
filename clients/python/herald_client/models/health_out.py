from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_out_database import HealthOutDatabase
from ..models.health_out_redis import HealthOutRedis
from ..models.health_out_status import HealthOutStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.health_out_queues_type_0 import HealthOutQueuesType0


T = TypeVar("T", bound="HealthOut")


@_attrs_define
class HealthOut:
    """
    Attributes:
        status (HealthOutStatus):
        database (HealthOutDatabase):
        redis (HealthOutRedis):
        queues (HealthOutQueuesType0 | None | Unset):
    """

    status: HealthOutStatus
    database: HealthOutDatabase
    redis: HealthOutRedis
    queues: HealthOutQueuesType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.health_out_queues_type_0 import HealthOutQueuesType0

        status = self.status.value

        database = self.database.value

        redis = self.redis.value

        queues: dict[str, Any] | None | Unset
        if isinstance(self.queues, Unset):
            queues = UNSET
        elif isinstance(self.queues, HealthOutQueuesType0):
            queues = self.queues.to_dict()
        else:
            queues = self.queues

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "database": database,
                "redis": redis,
            }
        )
        if queues is not UNSET:
            field_dict["queues"] = queues

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.health_out_queues_type_0 import HealthOutQueuesType0

        d = dict(src_dict)
        status = HealthOutStatus(d.pop("status"))

        database = HealthOutDatabase(d.pop("database"))

        redis = HealthOutRedis(d.pop("redis"))

        def _parse_queues(data: object) -> HealthOutQueuesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                queues_type_0 = HealthOutQueuesType0.from_dict(data)

                return queues_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HealthOutQueuesType0 | None | Unset, data)

        queues = _parse_queues(d.pop("queues", UNSET))

        health_out = cls(
            status=status,
            database=database,
            redis=redis,
            queues=queues,
        )

        health_out.additional_properties = d
        return health_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
