"""The significance numbers against published examples."""
import pytest

from app.core.analytics.significance import lift, normal_cdf, two_proportion, verdict


def test_normal_cdf_matches_the_table():
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.959964) == pytest.approx(0.975, abs=1e-6)
    assert normal_cdf(-1) == pytest.approx(0.158655, abs=1e-6)


def test_two_proportion_textbook_example():
    """OpenStax Introductory Statistics, two population proportions (medication for hives):
    20 of 200 vs 12 of 200, z ≈ 1.47, two-sided p ≈ 0.1404."""
    result = two_proportion((20, 200), (12, 200))
    assert result.z == pytest.approx(-1.4744, abs=1e-4)
    assert result.p_value == pytest.approx(0.1404, abs=1e-4)
    assert verdict(result, "clicks") == "no clear difference on clicks yet (85% confidence)"


def test_clear_winner_and_its_confidence():
    """200/1000 against 250/1000: pooled z = 2.677, p = 0.0074."""
    result = two_proportion((200, 1000), (250, 1000))
    assert result.z == pytest.approx(2.6774, abs=1e-4)
    assert result.p_value == pytest.approx(0.00742, abs=1e-5)
    assert verdict(result, "clicks") == "B beats A on clicks, 99.2% confidence"
    assert verdict(two_proportion((250, 1000), (200, 1000)), "opens", "A", "C") == \
        "A beats C on opens, 99.2% confidence"


def test_about_97_percent():
    result = two_proportion((100, 1000), (132, 1000))
    assert result.confidence == pytest.approx(0.9745, abs=1e-4)
    assert verdict(result, "clicks") == "B beats A on clicks, 97% confidence"


@pytest.mark.parametrize("control, challenger", [
    ((0, 0), (0, 0)), ((1, 10), (3, 10)), ((0, 500), (2, 500)), ((1, 29), (20, 1000))])
def test_small_samples_say_not_enough_data(control, challenger):
    assert verdict(two_proportion(control, challenger), "clicks") == "not enough data yet"


def test_equal_rates_with_no_variance():
    result = two_proportion((0, 100), (0, 100))
    assert (result.z, result.p_value) == (0.0, 1.0)
    assert verdict(two_proportion((100, 100), (100, 100)), "opens") == \
        "no clear difference on opens yet (0% confidence)"


def test_holdout_lift_with_katz_interval():
    """60/1000 converted against 40/1000: risk ratio 1.5, 95% CI 1.015–2.216."""
    found = lift((60, 1000), (40, 1000))
    assert found.lift == pytest.approx(0.5)
    assert found.low == pytest.approx(0.0152, abs=1e-4)
    assert found.high == pytest.approx(1.2163, abs=1e-4)
    assert found.significant


def test_lift_without_conversions_has_no_interval():
    found = lift((5, 100), (0, 10))
    assert (found.sent_rate, found.holdout_rate) == (0.05, 0.0)
    assert found.lift is None and not found.significant
