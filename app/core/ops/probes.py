"""Whether the database and Redis answer, for /readyz and /api/v1/health."""

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def database_ok(session) -> bool:
    try:
        session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        session.rollback()
        return False


def redis_ok(redis) -> bool:
    try:
        return bool(redis.ping())
    except RedisError:
        return False
