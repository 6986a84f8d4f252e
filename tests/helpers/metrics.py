"""Reading a /metrics scrape."""
from prometheus_client.parser import text_string_to_metric_families


def request_counts(text: str) -> dict:
    """{(route, status class): requests} of the latency histogram in a scrape."""
    return {(s.labels["route"], s.labels["status"]): s.value
            for family in text_string_to_metric_families(text) for s in family.samples
            if s.name == "herald_http_request_duration_seconds_count"}
