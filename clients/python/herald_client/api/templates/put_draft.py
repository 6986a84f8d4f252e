from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.draft_in import DraftIn
from ...models.problem import Problem
from ...models.version_out import VersionOut
from ...types import Response


def _get_kwargs(
    key: str,
    *,
    body: DraftIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/templates/{key}/draft".format(
            key=quote(str(key), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VersionOut | None:
    if response.status_code == 200:
        response_200 = VersionOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | VersionOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DraftIn,
) -> Response[Problem | VersionOut]:
    """Write the draft

     Replaces the draft's content, starting a draft (the next version) if there is none. Content equal to
    the live version starts no draft: the live version is returned.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        body (DraftIn): The whole content of the draft (a draft is started if there is none).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionOut]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DraftIn,
) -> Problem | VersionOut | None:
    """Write the draft

     Replaces the draft's content, starting a draft (the next version) if there is none. Content equal to
    the live version starts no draft: the live version is returned.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        body (DraftIn): The whole content of the draft (a draft is started if there is none).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionOut
    """

    return sync_detailed(
        key=key,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DraftIn,
) -> Response[Problem | VersionOut]:
    """Write the draft

     Replaces the draft's content, starting a draft (the next version) if there is none. Content equal to
    the live version starts no draft: the live version is returned.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        body (DraftIn): The whole content of the draft (a draft is started if there is none).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionOut]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DraftIn,
) -> Problem | VersionOut | None:
    """Write the draft

     Replaces the draft's content, starting a draft (the next version) if there is none. Content equal to
    the live version starts no draft: the live version is returned.

    Args:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        body (DraftIn): The whole content of the draft (a draft is started if there is none).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionOut
    """

    return (
        await asyncio_detailed(
            key=key,
            client=client,
            body=body,
        )
    ).parsed
