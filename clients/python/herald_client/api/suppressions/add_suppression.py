from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.suppression_in import SuppressionIn
from ...models.suppression_out import SuppressionOut
from ...types import Response


def _get_kwargs(
    *,
    body: SuppressionIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/suppressions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SuppressionOut | None:
    if response.status_code == 200:
        response_200 = SuppressionOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = SuppressionOut.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[Problem | SuppressionOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SuppressionIn,
) -> Response[Problem | SuppressionOut]:
    """Suppress an address

     Nothing is sent to it on that channel until it is removed. Idempotent: 201 when added, 200 with the
    existing suppression (its first reason kept) when the address was already suppressed.

    Args:
        body (SuppressionIn): Block an address; one already blocked keeps its first reason.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuppressionOut]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SuppressionIn,
) -> Problem | SuppressionOut | None:
    """Suppress an address

     Nothing is sent to it on that channel until it is removed. Idempotent: 201 when added, 200 with the
    existing suppression (its first reason kept) when the address was already suppressed.

    Args:
        body (SuppressionIn): Block an address; one already blocked keeps its first reason.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuppressionOut
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SuppressionIn,
) -> Response[Problem | SuppressionOut]:
    """Suppress an address

     Nothing is sent to it on that channel until it is removed. Idempotent: 201 when added, 200 with the
    existing suppression (its first reason kept) when the address was already suppressed.

    Args:
        body (SuppressionIn): Block an address; one already blocked keeps its first reason.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuppressionOut]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SuppressionIn,
) -> Problem | SuppressionOut | None:
    """Suppress an address

     Nothing is sent to it on that channel until it is removed. Idempotent: 201 when added, 200 with the
    existing suppression (its first reason kept) when the address was already suppressed.

    Args:
        body (SuppressionIn): Block an address; one already blocked keeps its first reason.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuppressionOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
