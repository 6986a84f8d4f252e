"""The sandbox inbox's forms: faults reach the simulators, bad input is refused per field."""
import pytest

from tests.helpers.console import app_with, sign_in


def queued_faults(sandbox) -> list[dict]:
    return sandbox.http.get("/_sandbox/outbox").json()["faults"]


def test_a_fault_is_queued_in_the_simulator(editor_client, sandbox):
    response = editor_client.post("/sandbox/faults", data={
        "provider": "fcm", "outcome": "unregistered", "match": " fcm-token-ada ", "times": "2"})
    assert response.status_code == 302
    assert queued_faults(sandbox) == [{"provider": "fcm", "kind": "UNREGISTERED",
                                       "match": "fcm-token-ada", "times": 2,
                                       "retry_after": None, "delay": 0.0, "seconds": None}]


@pytest.mark.parametrize("changes, field, message", [
    ({"outcome": "opt_out"}, "outcome", "fcm cannot answer that"),
    ({"outcome": "nonsense"}, "outcome", "Not a valid choice"),
    ({"provider": "pigeon"}, "provider", "Not a valid choice"),
    ({"times": "0"}, "times", "between 1 and 1000"),
    ({"times": "many"}, "times", "Not a valid integer"),
    ({"retry_after": "99999"}, "retry_after", "between 0 and 3600"),
    ({"match": "x" * 3000}, "match", "longer than 2048"),
])
def test_bad_input_is_refused_next_to_the_field(editor_client, sandbox, changes, field,
                                                 message):
    data = {"provider": "fcm", "outcome": "unregistered", "times": "1", **changes}
    response = editor_client.post("/sandbox/faults", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}"' in page and 'aria-invalid="true"' in page
    assert message in page
    assert queued_faults(sandbox) == []


def test_viewers_see_the_inbox_but_cannot_change_the_simulators(viewer_client, sandbox):
    assert viewer_client.get("/sandbox/").status_code == 200
    assert viewer_client.post("/sandbox/faults", data={
        "provider": "fcm", "outcome": "unregistered", "times": "1"}).status_code == 403
    assert viewer_client.post("/sandbox/clear").status_code == 403


def test_clear_empties_the_outbox_and_the_faults(editor_client, sandbox):
    sandbox.http.post("/_sandbox/faults", json={"provider": "twilio", "kind": "21610"})
    assert editor_client.post("/sandbox/clear").status_code == 302
    assert queued_faults(sandbox) == []


def test_there_is_no_inbox_when_no_provider_uses_the_sandbox(app, editor):
    elsewhere = app_with(app, SANDBOX_HTTP_PORT=1, SANDBOX_TLS_PORT=2, SANDBOX_SMTP_PORT=3)
    client = elsewhere.test_client()
    sign_in(client, editor.email)
    assert client.get("/sandbox/").status_code == 404
    assert "Sandbox inbox" not in client.get("/dashboard").get_data(as_text=True)
