"""The API and a CSV import apply one set of contact field rules, with the same messages."""
import pytest

from app.core.imports.rows import Column, Options, RowChecker

BAD = [
    ("email", "not-an-email"),
    ("email", "a" * 321),
    ("phone", "4155550100"),
    ("phone", "+1 555"),
    ("phone", "+" + "1" * 40),
    ("locale", "english please"),
    ("locale", "en-" + "x" * 40),
    ("timezone", "Mars/Olympus"),
    ("timezone", "Europe/" + "P" * 70),
    ("tags", "bad tag!"),
]


def _csv_message(field: str, value: str) -> str:
    columns = [Column("external_id"), Column(field)]
    row = RowChecker(["id", field], columns, Options()).check(2, ["ada", value])
    assert row.record is None
    return row.errors[1]


def _api_message(client, auth, field: str, value: str) -> str:
    body = {field: [value] if field == "tags" else value}
    response = client.put("/api/v1/contacts/ada", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    [error] = response.get_json()["errors"]
    return error["message"]


@pytest.mark.parametrize("field, value", BAD, ids=[f"{f}-{v[:12]}" for f, v in BAD])
def test_a_bad_value_gets_the_same_message_from_the_api_and_a_csv_import(
        client, auth, field, value):
    assert _api_message(client, auth, field, value) == _csv_message(field, value)


@pytest.mark.parametrize("external_id", ["has space", "x" * 256])
def test_a_bad_external_id_gets_the_same_message_from_the_api_and_a_csv_import(
        client, auth, external_id):
    row = RowChecker(["id"], [Column("external_id")], Options()).check(2, [external_id])
    response = client.post("/api/v1/contacts:batch", json={"contacts": [
        {"external_id": external_id}]}, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == row.errors[0]


def test_too_many_tags_get_the_same_message(client, auth):
    tags = [f"t{i}" for i in range(51)]
    row = RowChecker(["id", "tags"], [Column("external_id"), Column("tags")], Options()).check(
        2, ["ada", ";".join(tags)])
    response = client.put("/api/v1/contacts/ada", json={"tags": tags}, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == row.errors[1]
