from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.version_out import VersionOut
from ...types import Response


def _get_kwargs(
    key: str,
    number: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/templates/{key}/versions/{number}/rollback".format(
            key=quote(str(key), safe=""),
            number=quote(str(number), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VersionOut | None:
    if response.status_code == 201:
        response_201 = VersionOut.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[Problem | VersionOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | VersionOut]:
    """Roll back to an earlier published version

     Publishes a copy of that version as the newest version (201); the draft, if any, is kept as the
    version after it. 409 for a draft or the live version.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionOut]
    """

    kwargs = _get_kwargs(
        key=key,
        number=number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Problem | VersionOut | None:
    """Roll back to an earlier published version

     Publishes a copy of that version as the newest version (201); the draft, if any, is kept as the
    version after it. 409 for a draft or the live version.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionOut
    """

    return sync_detailed(
        key=key,
        number=number,
        client=client,
    ).parsed


async def asyncio_detailed(
    key: str,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | VersionOut]:
    """Roll back to an earlier published version

     Publishes a copy of that version as the newest version (201); the draft, if any, is kept as the
    version after it. 409 for a draft or the live version.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionOut]
    """

    kwargs = _get_kwargs(
        key=key,
        number=number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Problem | VersionOut | None:
    """Roll back to an earlier published version

     Publishes a copy of that version as the newest version (201); the draft, if any, is kept as the
    version after it. 409 for a draft or the live version.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionOut
    """

    return (
        await asyncio_detailed(
            key=key,
            number=number,
            client=client,
        )
    ).parsed
