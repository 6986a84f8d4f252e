from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.remove_suppression_channel import RemoveSuppressionChannel
from ...types import Response


def _get_kwargs(
    channel: RemoveSuppressionChannel,
    address: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/suppressions/{channel}/{address}".format(
            channel=quote(str(channel), safe=""),
            address=quote(str(address), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    channel: RemoveSuppressionChannel,
    address: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """Remove a suppression

     Sends to the address may go out again. Idempotent: 204 whether or not it was suppressed (only an
    actual removal is audited).

    Args:
        channel (RemoveSuppressionChannel):
        address (str): An email address, or a phone number in E.164 (+ and digits).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        channel=channel,
        address=address,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    channel: RemoveSuppressionChannel,
    address: str,
    *,
    client: AuthenticatedClient,
) -> Any | Problem | None:
    """Remove a suppression

     Sends to the address may go out again. Idempotent: 204 whether or not it was suppressed (only an
    actual removal is audited).

    Args:
        channel (RemoveSuppressionChannel):
        address (str): An email address, or a phone number in E.164 (+ and digits).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        channel=channel,
        address=address,
        client=client,
    ).parsed


async def asyncio_detailed(
    channel: RemoveSuppressionChannel,
    address: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """Remove a suppression

     Sends to the address may go out again. Idempotent: 204 whether or not it was suppressed (only an
    actual removal is audited).

    Args:
        channel (RemoveSuppressionChannel):
        address (str): An email address, or a phone number in E.164 (+ and digits).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        channel=channel,
        address=address,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    channel: RemoveSuppressionChannel,
    address: str,
    *,
    client: AuthenticatedClient,
) -> Any | Problem | None:
    """Remove a suppression

     Sends to the address may go out again. Idempotent: 204 whether or not it was suppressed (only an
    actual removal is audited).

    Args:
        channel (RemoveSuppressionChannel):
        address (str): An email address, or a phone number in E.164 (+ and digits).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            channel=channel,
            address=address,
            client=client,
        )
    ).parsed
