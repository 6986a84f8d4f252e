from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_suppressions_channel_type_0_item import (
    ListSuppressionsChannelType0Item,
)
from ...models.problem import Problem
from ...models.suppression_page import SuppressionPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    channel: list[ListSuppressionsChannelType0Item] | None | Unset = UNSET,
    reason: list[str] | None | Unset = UNSET,
    address: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

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

    json_reason: list[str] | None | Unset
    if isinstance(reason, Unset):
        json_reason = UNSET
    elif isinstance(reason, list):
        json_reason = reason

    else:
        json_reason = reason
    params["reason"] = json_reason

    json_address: None | str | Unset
    if isinstance(address, Unset):
        json_address = UNSET
    else:
        json_address = address
    params["address"] = json_address

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/suppressions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SuppressionPage | None:
    if response.status_code == 200:
        response_200 = SuppressionPage.from_dict(response.json())

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
) -> Response[Problem | SuppressionPage]:
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
    channel: list[ListSuppressionsChannelType0Item] | None | Unset = UNSET,
    reason: list[str] | None | Unset = UNSET,
    address: None | str | Unset = UNSET,
) -> Response[Problem | SuppressionPage]:
    """List suppressions

     Newest first; filter by channel, reason or address (normalised as stored: email lowercase domain,
    phone E.164).

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        channel (list[ListSuppressionsChannelType0Item] | None | Unset): Repeat to match several.
        reason (list[str] | None | Unset): Repeat to match several.
        address (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuppressionPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        channel=channel,
        reason=reason,
        address=address,
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
    channel: list[ListSuppressionsChannelType0Item] | None | Unset = UNSET,
    reason: list[str] | None | Unset = UNSET,
    address: None | str | Unset = UNSET,
) -> Problem | SuppressionPage | None:
    """List suppressions

     Newest first; filter by channel, reason or address (normalised as stored: email lowercase domain,
    phone E.164).

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        channel (list[ListSuppressionsChannelType0Item] | None | Unset): Repeat to match several.
        reason (list[str] | None | Unset): Repeat to match several.
        address (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuppressionPage
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        channel=channel,
        reason=reason,
        address=address,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    channel: list[ListSuppressionsChannelType0Item] | None | Unset = UNSET,
    reason: list[str] | None | Unset = UNSET,
    address: None | str | Unset = UNSET,
) -> Response[Problem | SuppressionPage]:
    """List suppressions

     Newest first; filter by channel, reason or address (normalised as stored: email lowercase domain,
    phone E.164).

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        channel (list[ListSuppressionsChannelType0Item] | None | Unset): Repeat to match several.
        reason (list[str] | None | Unset): Repeat to match several.
        address (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuppressionPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        channel=channel,
        reason=reason,
        address=address,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    channel: list[ListSuppressionsChannelType0Item] | None | Unset = UNSET,
    reason: list[str] | None | Unset = UNSET,
    address: None | str | Unset = UNSET,
) -> Problem | SuppressionPage | None:
    """List suppressions

     Newest first; filter by channel, reason or address (normalised as stored: email lowercase domain,
    phone E.164).

    Args:
        limit (int | Unset): Page size (at most 200). Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        channel (list[ListSuppressionsChannelType0Item] | None | Unset): Repeat to match several.
        reason (list[str] | None | Unset): Repeat to match several.
        address (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuppressionPage
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            channel=channel,
            reason=reason,
            address=address,
        )
    ).parsed
