"""Request ids and the latency histogram that every answered request feeds."""
import time
import uuid

from app import request_ids
from app.metrics import HTTP_REGISTRY, observe_request


def test_a_made_request_id_is_a_random_uuid4_in_hex():
    made = {request_ids.accept("bad id\t") for _ in range(200)}
    assert len(made) == 200
    for given in made:
        parsed = uuid.UUID(given)
        assert parsed.hex == given and parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
    assert request_ids.accept("lb-7f3a") == "lb-7f3a"


def test_each_answer_is_counted_under_its_own_route_method_and_status_class():
    def count(route, method, status):
        return HTTP_REGISTRY.get_sample_value(
            "herald_http_request_duration_seconds_count",
            {"route": route, "method": method, "status": status}) or 0

    before = {(m, s): count("/test/<x>", m, s) for m in ("GET", "HEAD") for s in ("2xx", "3xx")}
    for method, status in [("GET", 200), ("GET", 204), ("GET", 302), ("HEAD", 200)]:
        observe_request("/test/<x>", method, status, time.perf_counter())
    after = {key: count("/test/<x>", *key) - value for key, value in before.items()}
    assert after == {("GET", "2xx"): 2, ("GET", "3xx"): 1, ("HEAD", "2xx"): 1,
                     ("HEAD", "3xx"): 0}
