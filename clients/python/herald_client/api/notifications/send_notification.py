from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.notification_in import NotificationIn
from ...models.notifications_accepted import NotificationsAccepted
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NotificationIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/notifications",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NotificationsAccepted | Problem | None:
    if response.status_code == 202:
        response_202 = NotificationsAccepted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[NotificationsAccepted | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NotificationIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[NotificationsAccepted | Problem]:
    """Send a notification

     Writes one notification per contact × channel (× device for push), suppressed ones included with
    their reason, then queues them. With an `Idempotency-Key` header or an `event_id` (both count when
    both are given), a repeat of either within 24 h returns the first response with `Idempotent-
    Replayed: true` and sends nothing.

    Args:
        idempotency_key (str | Unset):
        body (NotificationIn): Send to contacts: a published template with data, or inline
            content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationsAccepted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: NotificationIn,
    idempotency_key: str | Unset = UNSET,
) -> NotificationsAccepted | Problem | None:
    """Send a notification

     Writes one notification per contact × channel (× device for push), suppressed ones included with
    their reason, then queues them. With an `Idempotency-Key` header or an `event_id` (both count when
    both are given), a repeat of either within 24 h returns the first response with `Idempotent-
    Replayed: true` and sends nothing.

    Args:
        idempotency_key (str | Unset):
        body (NotificationIn): Send to contacts: a published template with data, or inline
            content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationsAccepted | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NotificationIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[NotificationsAccepted | Problem]:
    """Send a notification

     Writes one notification per contact × channel (× device for push), suppressed ones included with
    their reason, then queues them. With an `Idempotency-Key` header or an `event_id` (both count when
    both are given), a repeat of either within 24 h returns the first response with `Idempotent-
    Replayed: true` and sends nothing.

    Args:
        idempotency_key (str | Unset):
        body (NotificationIn): Send to contacts: a published template with data, or inline
            content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationsAccepted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NotificationIn,
    idempotency_key: str | Unset = UNSET,
) -> NotificationsAccepted | Problem | None:
    """Send a notification

     Writes one notification per contact × channel (× device for push), suppressed ones included with
    their reason, then queues them. With an `Idempotency-Key` header or an `event_id` (both count when
    both are given), a repeat of either within 24 h returns the first response with `Idempotent-
    Replayed: true` and sends nothing.

    Args:
        idempotency_key (str | Unset):
        body (NotificationIn): Send to contacts: a published template with data, or inline
            content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationsAccepted | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
