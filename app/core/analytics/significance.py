"""Is a difference real? A two-proportion z-test for A/B variants and a risk-ratio interval
for a holdout's lift, with the normal distribution from math.erf (no SciPy)."""
import math
from dataclasses import dataclass

Z95 = 1.959964  # the two-sided 95% point of the standard normal
MIN_SAMPLE = 30  # below this many in a group, or fewer than 5 successes, say nothing yet
MIN_SUCCESSES = 5
CONFIDENT = 0.95


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@dataclass(frozen=True)
class Comparison:
    """A challenger's rate against the control's: z, two-sided p and confidence."""

    control: tuple[int, int]  # (successes, trials)
    challenger: tuple[int, int]
    z: float | None
    p_value: float | None

    @property
    def confidence(self) -> float | None:
        return None if self.p_value is None else 1 - self.p_value

    @property
    def enough_data(self) -> bool:
        return all(n >= MIN_SAMPLE for _, n in (self.control, self.challenger)) and \
            self.control[0] + self.challenger[0] >= MIN_SUCCESSES


def two_proportion(control: tuple[int, int], challenger: tuple[int, int]) -> Comparison:
    """The pooled two-proportion z-test of challenger against control."""
    (x1, n1), (x2, n2) = control, challenger
    if not n1 or not n2:
        return Comparison(control, challenger, None, None)
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return Comparison(control, challenger, 0.0, 1.0)
    z = (x2 / n2 - x1 / n1) / spread
    return Comparison(control, challenger, z, 2 * (1 - normal_cdf(abs(z))))


def verdict(comparison: Comparison, metric: str, control: str = "A",
            challenger: str = "B") -> str:
    """A plain sentence: who beats whom on what, and how sure we are."""
    if not comparison.enough_data:
        return "not enough data yet"
    confidence = comparison.confidence or 0.0
    if confidence < CONFIDENT or not comparison.z:
        return f"no clear difference on {metric} yet ({_percent(confidence)} confidence)"
    winner, loser = (challenger, control) if comparison.z > 0 else (control, challenger)
    return f"{winner} beats {loser} on {metric}, {_percent(confidence)} confidence"


def _percent(confidence: float) -> str:
    """Confidence as people say it, rounded down: 97%, 99.2%, never 100%."""
    if confidence < 0.99:
        return f"{math.floor(confidence * 100)}%"
    return f"{min(math.floor(confidence * 1000) / 10, 99.9):g}%"


@dataclass(frozen=True)
class Lift:
    """How much more often the sent group converted than the holdout, with a 95% interval
    (relative: 0.25 = 25% more); None where a group is empty or never converted."""

    sent_rate: float | None
    holdout_rate: float | None
    lift: float | None
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def lift(sent: tuple[int, int], holdout: tuple[int, int]) -> Lift:
    """Relative lift (risk ratio − 1) with the Katz log interval."""
    (x1, n1), (x2, n2) = sent, holdout
    rate1 = x1 / n1 if n1 else None
    rate2 = x2 / n2 if n2 else None
    if not (x1 and x2 and rate1 is not None and rate2 is not None):
        return Lift(rate1, rate2, None, None, None)
    ratio = rate1 / rate2
    spread = Z95 * math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return Lift(rate1, rate2, ratio - 1, ratio * math.exp(-spread) - 1,
                ratio * math.exp(spread) - 1)
