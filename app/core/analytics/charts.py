"""The report's and overview's charts as plotly figures (JSON for plotly.js, which the
console serves itself). Every chart's numbers are also on the page as a table."""
from app.core.analytics.experiment import VariantResult
from app.core.analytics.funnel import Funnel

PALETTE = ["#4f46e5", "#0891b2", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"]
FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, sans-serif", "size": 12,
        "color": "#334155"}
STAGES = ("targeted", "sent", "delivered", "opened", "clicked", "converted")


def _plotly():
    """plotly's graph objects, imported when a chart is drawn: the channel workers load
    the console with the app and never draw one."""
    from plotly import graph_objects

    return graph_objects


def _layout(**extra) -> dict:
    return {"template": "plotly_white", "font": FONT, "colorway": PALETTE,
            "margin": {"l": 48, "r": 16, "t": 8, "b": 40},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "y": -0.18}, "hovermode": "x unified",
            "xaxis": {"gridcolor": "#e2e8f0"}, "yaxis": {"gridcolor": "#e2e8f0"},
            "height": 280, **extra}


def funnel_chart(funnel: Funnel) -> str:
    go = _plotly()
    values = [funnel.targeted - funnel.holdout if s == "targeted" else getattr(funnel, s)
              for s in STAGES]
    figure = go.Figure(go.Funnel(
        y=[s.capitalize() for s in STAGES], x=values,
        texttemplate="%{value:,}<br>%{percentInitial:.1%}", textposition="auto",
        marker={"color": PALETTE[:len(STAGES)]},
        connector={"fillcolor": "#eef2ff", "line": {"width": 0}}))
    return figure.update_layout(**_layout(margin={"l": 88, "r": 16, "t": 8, "b": 8},
                                          hovermode="closest")).to_json()


def time_chart(points, keys: tuple[str, ...], labels: dict[str, str], kind: str = "line",
               date_format: str = "%Y-%m-%dT%H:%M") -> str:
    """Lines (or stacked bars) of counts over time, one trace per key."""
    go = _plotly()
    x = [at.strftime(date_format) for at, _ in points]
    trace = go.Scatter if kind == "line" else go.Bar
    style = {"mode": "lines", "line": {"width": 2, "shape": "spline"}} if kind == "line" \
        else {}
    figure = go.Figure([trace(x=x, y=[c[k] for _, c in points], name=labels.get(k, k),
                              **style) for k in keys])
    return figure.update_layout(**_layout(barmode="stack")).to_json()


def variant_chart(results: list[VariantResult]) -> str:
    """Open, click and conversion rates per variant, side by side."""
    go = _plotly()
    metrics = {"opened": "Open rate", "clicked": "Click rate", "converted": "Conversion"}
    figure = go.Figure([go.Bar(
        x=list(metrics.values()), y=[100 * (r.rates[m] or 0) for m in metrics],
        name=f"Variant {r.label}") for r in results])
    layout = _layout(barmode="group", hovermode="closest")
    layout["yaxis"] = {**layout["yaxis"], "ticksuffix": "%"}
    return figure.update_layout(**layout).to_json()


def rate_chart(names: list[str], series: dict[str, list[float | None]]) -> str:
    """Rates (0–1) per name as grouped bars in percent, one bar per series."""
    go = _plotly()
    figure = go.Figure([go.Bar(x=names, y=[100 * (v or 0) for v in values], name=label)
                        for label, values in series.items()])
    layout = _layout(barmode="group", hovermode="closest")
    layout["yaxis"] = {**layout["yaxis"], "ticksuffix": "%", "range": [0, 100]}
    return figure.update_layout(**layout).to_json()
