"""JSON API test helpers."""
from sqlalchemy import select

from app.models import NotificationStatus
from app.queues import due_key

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == response.request.path
    return body


def send(client, headers, **body):
    body = {"recipients": ["user-1"], "category": "orders", **body}
    response = client.post("/api/v1/notifications", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["notifications"]


def history(db, notification_id) -> list[str]:
    rows = db.session.scalars(
        select(NotificationStatus.status)
        .where(NotificationStatus.notification_id == notification_id)
        .order_by(NotificationStatus.id)
    )
    return list(rows)


def due(redis, channel: str) -> list[str]:
    """The ids waiting on a channel's due list, oldest first."""
    return [i.decode() for i in redis.lrange(due_key(channel), 0, -1)]
