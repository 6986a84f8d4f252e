from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.contact_batch_item import ContactBatchItem


T = TypeVar("T", bound="ContactBatchIn")


@_attrs_define
class ContactBatchIn:
    """
    Attributes:
        contacts (list[ContactBatchItem]):
    """

    contacts: list[ContactBatchItem]

    def to_dict(self) -> dict[str, Any]:
        contacts = []
        for contacts_item_data in self.contacts:
            contacts_item = contacts_item_data.to_dict()
            contacts.append(contacts_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contacts": contacts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_batch_item import ContactBatchItem

        d = dict(src_dict)
        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = ContactBatchItem.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        contact_batch_in = cls(
            contacts=contacts,
        )

        return contact_batch_in
