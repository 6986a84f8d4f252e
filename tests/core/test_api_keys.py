"""API keys: hashed storage, authentication, scopes, revocation, throttled last use."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.access import api_keys
from app.core.access.audit import SYSTEM
from app.errors import ValidationFailed
from app.models import ApiKey
from app.models.types import utcnow


def test_create_stores_only_a_hash_behind_a_visible_prefix(db):
    key, token = api_keys.create_api_key(db.session, "Shop backend", ["send"], actor=SYSTEM)
    db.session.commit()
    row = db.session.scalar(select(ApiKey))
    assert token.startswith(row.prefix + "_") and row.prefix.startswith("hk_")
    assert len(row.prefix) == 11
    assert row.key_hash == api_keys.hash_token(token) and token not in row.key_hash
    assert row.scopes == ["send"] and row.name == "Shop backend"


def test_authenticate_accepts_the_token_and_nothing_close(db):
    key, token = api_keys.create_api_key(db.session, "k", ["send", "manage"], actor=SYSTEM)
    db.session.commit()
    assert api_keys.authenticate(db.session, token).id == key.id
    for wrong in (token[:-1], token + "x", key.prefix, "", "hk_", "Bearer " + token,
                  token.replace(key.prefix, "hk_zzzzzzzz")):
        assert api_keys.authenticate(db.session, wrong) is None


def test_revoked_key_is_rejected(db):
    key, token = api_keys.create_api_key(db.session, "k", ["send"], actor=SYSTEM)
    assert api_keys.revoke_api_key(db.session, key.id, actor=SYSTEM) is True
    assert api_keys.revoke_api_key(db.session, key.id, actor=SYSTEM) is False
    db.session.commit()
    assert api_keys.authenticate(db.session, token) is None


def test_last_used_is_written_at_most_once_a_minute(db):
    key, token = api_keys.create_api_key(db.session, "k", ["send"], actor=SYSTEM)
    db.session.commit()
    start = utcnow()
    api_keys.authenticate(db.session, token, now=start)
    db.session.commit()
    api_keys.authenticate(db.session, token, now=start + timedelta(seconds=30))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).last_used_at == start
    later = start + timedelta(seconds=61)
    api_keys.authenticate(db.session, token, now=later)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).last_used_at == later


def test_scopes(db):
    key, _ = api_keys.create_api_key(db.session, "k", ["manage"], actor=SYSTEM)
    assert api_keys.has_scope(key, "manage") and not api_keys.has_scope(key, "send")
    assert api_keys.has_scope(key, ("send", "manage")) and api_keys.has_scope(key, None)


@pytest.mark.parametrize("name, scopes", [("", ["send"]), ("k", []), ("k", ["admin"])])
def test_invalid_keys_are_refused(db, name, scopes):
    with pytest.raises(ValidationFailed):
        api_keys.create_api_key(db.session, name, scopes, actor=SYSTEM)
    assert db.session.scalar(select(ApiKey)) is None
