"""The simulators served from several processes (benchmarks): every process answers on
the same ports, the counts add up across them, and faults are refused rather than held
by one process only."""
import httpx
import pytest

from tests.sandbox_client import Sandbox

FCM_BODY = {"message": {"token": "fcm-token-forked-0001", "notification": {"title": "Hi"}}}


@pytest.fixture(scope="module")
def forked(tmp_path_factory):
    box = Sandbox(tmp_path_factory.mktemp("forked"), processes=2)
    yield box
    box.stop()


def test_requests_to_every_process_are_counted_together(forked):
    forked.reset()
    url = "/v1/projects/herald-sandbox/messages:send"
    for _ in range(3):  # a new connection each round: the kernel picks the process
        with httpx.Client(base_url=forked.http_url, timeout=10) as http:
            for _ in range(10):
                response = http.post(url, json=FCM_BODY,
                                     headers={"Authorization": "Bearer sandbox-token"})
                assert response.status_code == 200, response.text
    assert forked.counts() == {"fcm": 30}
    assert forked.received("fcm") == []  # counts only: no process holds every entry


def test_a_fault_is_refused_by_a_forked_sandbox(forked):
    with pytest.raises(httpx.HTTPStatusError) as refused:
        forked.fail("fcm", "UNAVAILABLE")
    assert refused.value.response.status_code == 409
