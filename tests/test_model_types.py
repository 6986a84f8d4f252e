"""The ids every row gets: UUIDv7 in time order, made without uuid.UUID's argument checks."""
import copy
import pickle
import uuid

from app.models.types import new_uuid, new_uuids_and_texts


def test_a_new_id_is_a_uuid_like_any_other():
    made = new_uuid()
    same = uuid.UUID(str(made))
    assert isinstance(made, uuid.UUID) and made.version == 7
    assert made == same and hash(made) == hash(same) and made.bytes == same.bytes
    assert pickle.loads(pickle.dumps(made)) == made == copy.deepcopy(made)
    assert {made: 1}[same] == 1


def test_ids_come_in_time_order_with_their_text():
    ids, texts = new_uuids_and_texts(1000)
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == len(texts)
    assert all(isinstance(made, uuid.UUID) and made.version == 7 for made in ids)
    assert [str(made) for made in ids] == texts
    made = ids[0]
    assert made == uuid.UUID(texts[0]) and hash(made) == hash(uuid.UUID(texts[0]))
