"""A campaign report as CSV: the funnel in total and per channel, variant and platform."""
import csv
import io

from app.core.analytics.funnel import DIMENSIONS, Funnel

FIGURES = ("targeted", "holdout", "suppressed_total", "sent", "delivered", "failed",
           "waiting", "opened", "clicked", "converted")
RATES = ("sent", "delivered", "opened", "clicked", "converted")


def report_csv(report) -> str:
    """One row per breakdown (the total first), figures then rates (0–1, 4 decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["dimension", "value", *(f.removesuffix("_total") for f in FIGURES),
                     *(f"{r}_rate" for r in RATES)])
    writer.writerow(_row("total", "all", report.breakdown.total))
    for dimension in DIMENSIONS:
        for value, funnel in report.breakdown.by[dimension].items():
            writer.writerow(_row(dimension, value, funnel))
    return out.getvalue()


def _row(dimension: str, value: str, funnel: Funnel) -> list:
    rates = [funnel.rate(r) for r in RATES]
    return [dimension, value, *(getattr(funnel, f) for f in FIGURES),
            *("" if r is None else f"{r:.4f}" for r in rates)]
