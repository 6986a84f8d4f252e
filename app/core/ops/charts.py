"""The Queues page's charts: sends and error rate per minute over the last hour, by
provider and by channel (plotly figures, drawn like the analytics pages')."""

from dataclasses import dataclass

from app.core.analytics.charts import time_chart
from app.core.ops.throughput import NO_PROVIDER, Series


@dataclass
class Rates:
    """One channel's or provider's last hour: counts and the share of sends that failed."""

    name: str
    sent: int
    errors: int
    dead: int

    @property
    def error_rate(self) -> float | None:
        attempts = self.sent + self.errors
        return self.errors / attempts if attempts else None


def _label(channel: str, provider: str) -> str:
    return f"{channel} · {'no provider' if provider == NO_PROVIDER else provider}"


def rows(series: Series) -> tuple[list[Rates], list[Rates]]:
    """(per channel, per provider) totals over the series."""
    channels = [Rates(c, sum(k["sent"]), sum(k["error"]), sum(k["dead"]))
                for c, k in sorted(series.by_channel().items())]
    providers = [Rates(_label(*key), series.total(key, "sent"), series.total(key, "error"),
                       series.total(key, "dead")) for key in sorted(series.counts)]
    return channels, providers


def figures(series: Series) -> dict[str, str]:
    """{"sends": …, "errors": …}: per provider, a line per minute."""
    keys = sorted(series.counts)
    names = [_label(*key) for key in keys]
    sends, rates = [], []
    for i, minute in enumerate(series.minutes):
        sends.append((minute, {name: series.counts[key]["sent"][i]
                               for key, name in zip(keys, names, strict=True)}))
        rates.append((minute, {name: _percent(series.counts[key], i)
                               for key, name in zip(keys, names, strict=True)}))
    return {"sends": time_chart(sends, tuple(names), {}),
            "errors": time_chart(rates, tuple(names), {})}


def _percent(kinds: dict[str, list[int]], i: int) -> float | None:
    attempts = kinds["sent"][i] + kinds["error"][i]
    return round(100 * kinds["error"][i] / attempts, 1) if attempts else None
