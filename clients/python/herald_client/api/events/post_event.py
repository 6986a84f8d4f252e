from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_in import EventIn
from ...models.event_out import EventOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EventIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/events",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventOut | Problem | None:
    if response.status_code == 200:
        response_200 = EventOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = EventOut.from_dict(response.json())

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
) -> Response[EventOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EventIn,
) -> Response[EventOut | Problem]:
    """Report an event

     A push notification opened in the app, a conversion (value and currency) or an event of your own.
    Without `notification_id` it counts for the contact's last notification sent within
    HERALD_ATTRIBUTION_WINDOW_HOURS. Recorded once per `id`, and an open once per notification: a repeat
    answers 200 with `duplicate: true`.

    Args:
        body (EventIn): One event; `id` (or, for an open, the notification) makes a repeat a no-
            op.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventOut | Problem]
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
    body: EventIn,
) -> EventOut | Problem | None:
    """Report an event

     A push notification opened in the app, a conversion (value and currency) or an event of your own.
    Without `notification_id` it counts for the contact's last notification sent within
    HERALD_ATTRIBUTION_WINDOW_HOURS. Recorded once per `id`, and an open once per notification: a repeat
    answers 200 with `duplicate: true`.

    Args:
        body (EventIn): One event; `id` (or, for an open, the notification) makes a repeat a no-
            op.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EventIn,
) -> Response[EventOut | Problem]:
    """Report an event

     A push notification opened in the app, a conversion (value and currency) or an event of your own.
    Without `notification_id` it counts for the contact's last notification sent within
    HERALD_ATTRIBUTION_WINDOW_HOURS. Recorded once per `id`, and an open once per notification: a repeat
    answers 200 with `duplicate: true`.

    Args:
        body (EventIn): One event; `id` (or, for an open, the notification) makes a repeat a no-
            op.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EventIn,
) -> EventOut | Problem | None:
    """Report an event

     A push notification opened in the app, a conversion (value and currency) or an event of your own.
    Without `notification_id` it counts for the contact's last notification sent within
    HERALD_ATTRIBUTION_WINDOW_HOURS. Recorded once per `id`, and an open once per notification: a repeat
    answers 200 with `duplicate: true`.

    Args:
        body (EventIn): One event; `id` (or, for an open, the notification) makes a repeat a no-
            op.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
