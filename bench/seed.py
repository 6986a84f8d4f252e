"""What the harness sends to: contacts reachable by email, SMS, FCM or APNs, one
category, and an API key that may send."""
import sqlalchemy as sa

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db
from app.models import Category, Contact, Device

PLATFORMS = {"fcm": "android", "apns": "ios"}


def token(provider: str, i: int) -> str:
    return f"fcm-token-bench-{i:08d}" if provider == "fcm" else f"{i:064x}"


def seed(contacts: int) -> str:
    """Seed `contacts` contacts of each kind (mail-N, fcm-N, apns-N); return an API key."""
    db.session.add(Category(key="orders", name="Orders", quiet_hours=False))
    db.session.execute(sa.insert(Contact), [
        {"external_id": f"{kind}-{i}", "email": f"{kind}-{i}@example.com",
         "phone": f"+1415{i % 10_000_000:07d}", "attributes": {}, "tags": []}
        for kind in ("mail", *PLATFORMS) for i in range(contacts)])
    for provider, platform in PLATFORMS.items():
        ids = db.session.execute(sa.select(Contact.id, Contact.external_id).where(
            Contact.external_id.startswith(f"{provider}-")))
        db.session.execute(sa.insert(Device), [
            {"contact_id": cid, "platform": platform, "provider": provider,
             "token": token(provider, int(external.split("-")[1]))} for cid, external in ids])
    _, key = create_api_key(db.session, "bench", ["send"], actor=SYSTEM)
    db.session.commit()
    return key


def clear_notifications() -> None:
    """Forget every notification between two measures."""
    tables = [t.name for t in db.metadata.sorted_tables
              if t.name.startswith(("notification", "idempotency", "event"))]
    db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    db.session.commit()


def forget_jobs(redis) -> None:
    """Drop every queued job and due id (only while no worker runs: their keys go too)."""
    for pattern in ("rq:*", "herald:due:*", "herald:drain:*"):
        for key in redis.scan_iter(pattern):
            redis.delete(key)
