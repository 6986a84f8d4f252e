"""Prometheus metrics, read fresh at each scrape: queue backlogs, workers, dead letters,
sends and errors per provider.

These come from Redis and the database at scrape time, so every web process answers
with the same numbers (no per-process counters to aggregate); the send counters are the
running totals workers keep in Redis (ops.throughput). Request latency is per process,
aggregated by prometheus_client's multiprocess mode (app.metrics).
"""

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core.ops import system as operations
from app.core.ops import throughput


class HeraldCollector(Collector):
    def __init__(self, redis, session_factory):
        self.redis = redis
        self.session_factory = session_factory  # called per scrape; returns a Session

    def collect(self):
        queues = operations.queue_stats(self.redis)
        gauges = {
            "waiting": GaugeMetricFamily(
                "herald_queue_jobs_waiting", "Jobs waiting in the queue", labels=["queue"]),
            "running": GaugeMetricFamily(
                "herald_queue_jobs_running", "Jobs being worked on", labels=["queue"]),
            "scheduled": GaugeMetricFamily(
                "herald_queue_jobs_scheduled", "Jobs scheduled for later", labels=["queue"]),
            "failed": GaugeMetricFamily(
                "herald_queue_jobs_failed", "Jobs in the failed registry", labels=["queue"]),
            "workers": GaugeMetricFamily(
                "herald_queue_workers", "Workers listening on the queue", labels=["queue"]),
            "oldest_seconds": GaugeMetricFamily(
                "herald_queue_oldest_job_age_seconds",
                "Age of the job at the head of the queue (0 when empty)", labels=["queue"]),
            "due": GaugeMetricFamily(
                "herald_queue_notifications_due",
                "Notifications waiting for their channel's drain", labels=["queue"]),
        }
        for q in queues:
            for field, gauge in gauges.items():
                gauge.add_metric([q.name], getattr(q, field) or 0)
        yield from gauges.values()
        dead = GaugeMetricFamily("herald_notifications_dead",
                                 "Notifications whose retries are exhausted", labels=["channel"])
        for channel, count in operations.dead_by_channel(self.session_factory()).items():
            dead.add_metric([channel], count)
        yield dead
        yield from self._sends()

    def _sends(self):
        families = {
            "sent": CounterMetricFamily("herald_sends", "Messages providers accepted",
                                        labels=["channel", "provider"]),
            "error": CounterMetricFamily("herald_send_errors",
                                         "Messages providers refused or failed to take",
                                         labels=["channel", "provider"]),
            "dead": CounterMetricFamily("herald_notifications_died",
                                        "Notifications that ran out of retries",
                                        labels=["channel", "provider"]),
        }
        for (channel, provider, kind), n in sorted(throughput.totals(self.redis).items()):
            if kind in families:
                families[kind].add_metric([channel, provider], n)
        yield from families.values()
