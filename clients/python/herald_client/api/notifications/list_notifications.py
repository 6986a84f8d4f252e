import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_notifications_channel_type_0_item import (
    ListNotificationsChannelType0Item,
)
from ...models.list_notifications_status_type_0_item import (
    ListNotificationsStatusType0Item,
)
from ...models.notification_page import NotificationPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    contact: None | str | Unset = UNSET,
    status: list[ListNotificationsStatusType0Item] | None | Unset = UNSET,
    channel: list[ListNotificationsChannelType0Item] | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    event_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_contact: None | str | Unset
    if isinstance(contact, Unset):
        json_contact = UNSET
    else:
        json_contact = contact
    params["contact"] = json_contact

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_channel: list[str] | None | Unset
    if isinstance(channel, Unset):
        json_channel = UNSET
    elif isinstance(channel, list):
        json_channel = []
        for channel_type_0_item_data in channel:
            channel_type_0_item = channel_type_0_item_data.value
            json_channel.append(channel_type_0_item)

    else:
        json_channel = channel
    params["channel"] = json_channel

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    else:
        json_category = category
    params["category"] = json_category

    json_event_id: None | str | Unset
    if isinstance(event_id, Unset):
        json_event_id = UNSET
    else:
        json_event_id = event_id
    params["event_id"] = json_event_id

    json_created_after: None | str | Unset
    if isinstance(created_after, Unset):
        json_created_after = UNSET
    elif isinstance(created_after, datetime.datetime):
        json_created_after = created_after.isoformat()
    else:
        json_created_after = created_after
    params["created_after"] = json_created_after

    json_created_before: None | str | Unset
    if isinstance(created_before, Unset):
        json_created_before = UNSET
    elif isinstance(created_before, datetime.datetime):
        json_created_before = created_before.isoformat()
    else:
        json_created_before = created_before
    params["created_before"] = json_created_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/notifications",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NotificationPage | Problem | None:
    if response.status_code == 200:
        response_200 = NotificationPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[NotificationPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    contact: None | str | Unset = UNSET,
    status: list[ListNotificationsStatusType0Item] | None | Unset = UNSET,
    channel: list[ListNotificationsChannelType0Item] | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    event_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
) -> Response[NotificationPage | Problem]:
    """List notifications

     Newest first. Filters combine with AND; `status` and `channel` repeat.

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        contact (None | str | Unset):
        status (list[ListNotificationsStatusType0Item] | None | Unset):
        channel (list[ListNotificationsChannelType0Item] | None | Unset):
        category (None | str | Unset):
        event_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        contact=contact,
        status=status,
        channel=channel,
        category=category,
        event_id=event_id,
        created_after=created_after,
        created_before=created_before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    contact: None | str | Unset = UNSET,
    status: list[ListNotificationsStatusType0Item] | None | Unset = UNSET,
    channel: list[ListNotificationsChannelType0Item] | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    event_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
) -> NotificationPage | Problem | None:
    """List notifications

     Newest first. Filters combine with AND; `status` and `channel` repeat.

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        contact (None | str | Unset):
        status (list[ListNotificationsStatusType0Item] | None | Unset):
        channel (list[ListNotificationsChannelType0Item] | None | Unset):
        category (None | str | Unset):
        event_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationPage | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        contact=contact,
        status=status,
        channel=channel,
        category=category,
        event_id=event_id,
        created_after=created_after,
        created_before=created_before,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    contact: None | str | Unset = UNSET,
    status: list[ListNotificationsStatusType0Item] | None | Unset = UNSET,
    channel: list[ListNotificationsChannelType0Item] | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    event_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
) -> Response[NotificationPage | Problem]:
    """List notifications

     Newest first. Filters combine with AND; `status` and `channel` repeat.

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        contact (None | str | Unset):
        status (list[ListNotificationsStatusType0Item] | None | Unset):
        channel (list[ListNotificationsChannelType0Item] | None | Unset):
        category (None | str | Unset):
        event_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        contact=contact,
        status=status,
        channel=channel,
        category=category,
        event_id=event_id,
        created_after=created_after,
        created_before=created_before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    contact: None | str | Unset = UNSET,
    status: list[ListNotificationsStatusType0Item] | None | Unset = UNSET,
    channel: list[ListNotificationsChannelType0Item] | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    event_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
) -> NotificationPage | Problem | None:
    """List notifications

     Newest first. Filters combine with AND; `status` and `channel` repeat.

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        contact (None | str | Unset):
        status (list[ListNotificationsStatusType0Item] | None | Unset):
        channel (list[ListNotificationsChannelType0Item] | None | Unset):
        category (None | str | Unset):
        event_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            contact=contact,
            status=status,
            channel=channel,
            category=category,
            event_id=event_id,
            created_after=created_after,
            created_before=created_before,
        )
    ).parsed
