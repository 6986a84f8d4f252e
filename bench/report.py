"""The harness's one table, and the same rows as JSON in bench/results/."""
import json
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One measure beside its ceiling from the same run; ratio = value / ceiling."""

    measure: str
    value: float
    unit: str
    ceiling: float | None
    target: str
    passed: bool

    @property
    def ratio(self) -> float | None:
        return self.value / self.ceiling if self.ceiling else None

    def as_json(self) -> dict:
        out = asdict(self)
        out["pass"] = out.pop("passed")
        out["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        return out


def _figure(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(rows: list[Row]) -> str:
    header = ("measure", "Herald", "ceiling", "ratio", "target", "pass")
    lines = [(r.measure, f"{_figure(r.value)} {r.unit}", _figure(r.ceiling),
              "-" if r.ratio is None else f"{r.ratio:.2f}", r.target,
              "yes" if r.passed else "NO") for r in rows]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(6)]
    out = []
    for n, line in enumerate([header, *lines]):
        out.append(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True, cwd=RESULTS.parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(rows: list[Row], directory: Path = RESULTS) -> Path:
    """Write the rows to <directory>/<date>-<commit>.json and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{datetime.now(UTC):%Y-%m-%d}-{commit()}.json"
    path.write_text(json.dumps([r.as_json() for r in rows], indent=2) + "\n")
    return path
