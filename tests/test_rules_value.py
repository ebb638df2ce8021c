"""The value rules at their boundaries (README, "Computed status", "Value"): which
recorded benefits are the last twelve months', what a year of an amount is, and the
portfolio's sums with ROI and payback worked out by hand. Cases are data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.measure.value import Value, annual, combine, last_twelve_months, year_before
from csitools.register.model import Realised
from tests.test_status import write_series
from tests.test_value import COST, ENTRY, FINANCIAL, PER_UNIT, edit, value_of


@pytest.mark.parametrize(
    ("amount", "per", "a_year"),
    [(5000, "month", 60_000), (5000, "year", 5000), (5000, "once", 5000), (5000, None, 5000)],
)
def test_an_amount_a_year_counts_a_monthly_one_12_times(
    amount: float, per: str | None, a_year: float
) -> None:
    assert annual(amount, per) == a_year


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (date(2026, 5, 15), date(2025, 5, 15)),
        (date(2028, 2, 29), date(2027, 2, 28)),  # no 29 February the year before
        (date(2028, 3, 1), date(2027, 3, 1)),
    ],
)
def test_a_year_before(day: date, before: date) -> None:
    assert year_before(day) == before


RECORDS = tuple(
    Realised(period, 1000.0, f"Finance report {period}")
    # A period that does not exist is skipped (check_value names it), not the end.
    for period in ("2025-04", "not-a-period", "2025-05", "2026-03", "2026-04", "2026-05")
)


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [
        # A period ends on the first day after it: April 2026 counts from 1 May, and on
        # 30 April the twelve months start after 30 April 2025, before April 2025 ended.
        (date(2026, 4, 30), ["2025-04", "2025-05", "2026-03"]),
        # 1 May 2026: the twelve months start after 1 May 2025, when April 2025 ended.
        (date(2026, 5, 1), ["2025-05", "2026-03", "2026-04"]),
        # 31 May 2026: May 2025 ended on 1 June 2025, inside the twelve months.
        (date(2026, 5, 31), ["2025-05", "2026-03", "2026-04"]),
        (date(2026, 6, 1), ["2026-03", "2026-04", "2026-05"]),
    ],
)
def test_the_last_twelve_months_hold_the_periods_that_ended_in_them(
    as_of: date, counted: list[str]
) -> None:
    assert [r.period for r in last_twelve_months(RECORDS, as_of)] == counted


def value(
    expected: float | None = None,
    realised: float | None = None,
    one_off: float | None = None,
    running: float | None = None,
) -> Value:
    """One improvement's value as the portfolio sums it (other figures do not count)."""
    return Value(
        currency="USD",
        expected_annual=expected,
        expected_from=None if expected is None else "stated",
        realised_annual=realised,
        realised_from=None if realised is None else "recorded",
        running_annual=running,
        one_off=one_off,
        roi_expected=-99.0,
        roi_realised=-99.0,
        payback_months_expected=-99.0,
        payback_months_realised=-99.0,
        reasons={"roi_expected": "not summed"},
    )


def test_the_portfolio_sums_what_is_stated_and_computes_its_returns_from_the_sums() -> None:
    """Expected 50,000 + 30,000 = 80,000, realised 12,000 (one entry), one-off 20,000 +
    10,000 = 30,000, running 6,000 a year. First year 36,000: ROI expected (80,000 −
    36,000) / 36,000 = 1.2222, realised (12,000 − 36,000) / 36,000 = −0.6667; payback
    30,000 / ((80,000 − 6,000) / 12) = 4.86 months, realised 30,000 / (6,000 / 12) = 60."""
    total = combine(
        [
            value(expected=50_000, one_off=20_000, running=6_000),
            value(expected=30_000, realised=12_000, one_off=10_000),
            value(),
        ],
        "EUR",
    )
    assert total == Value(
        currency="EUR",
        expected_annual=80_000,
        expected_from=None,
        realised_annual=12_000,
        realised_from=None,
        running_annual=6_000,
        one_off=30_000,
        roi_expected=1.2222,
        roi_realised=-0.6667,
        payback_months_expected=4.86,
        payback_months_realised=60.0,
        reasons={},
    )


def test_a_portfolio_that_states_nothing_says_why_each_figure_is_missing() -> None:
    total = combine([value(), value()], "USD")
    figures = (total.expected_annual, total.realised_annual, total.one_off, total.running_annual)
    assert figures == (None, None, None, None)
    assert (total.roi_expected, total.payback_months_realised) == (None, None)
    assert dict(total.reasons) == {
        "expected_annual": "no improvement states a financial benefit",
        "realised_annual": "nothing realised yet",
        "one_off": "no cost stated",
        "running_annual": "no running cost stated",
        "roi_expected": "no expected benefit",
        "roi_realised": "no realised benefit",
        "payback_months_expected": "no cost stated",
        "payback_months_realised": "no cost stated",
    }
    assert combine([], "USD").reasons == total.reasons
    stated = combine([value(expected=10_000)], "USD")
    assert (stated.reasons["roi_expected"], stated.reasons["payback_months_expected"]) == (
        "no cost stated",
        "no cost stated",
    )


@pytest.mark.parametrize(
    ("benefit", "one_off", "running", "roi", "payback", "why"),
    [
        # The benefit pays the first year exactly: ROI 0, paid back in 12 months.
        (24_000, 24_000, None, 0.0, 12.0, None),
        # Running cost equal to the benefit: it takes all of it, no payback.
        (24_000, 12_000, 24_000, -0.3333, None, "the running cost takes the whole benefit"),
        # One unit of benefit more than the running cost: a long but finite payback.
        (24_001, 12_000, 24_000, -0.3333, 144_000.0, None),
        # Any positive net benefit pays back, however small: 1 / (0.5 / 12) = 24.
        (12.5, 1, 12, -0.0385, 24.0, None),
        # A benefit of 1 a year with no running cost pays a cost of 1 in 12 months.
        (1, 1, None, 0.0, 12.0, None),
        (24_000, 12_000, 24_012, -0.3336, None, "the running cost is larger than the benefit"),
        # A benefit of exactly 0 is not positive.
        (0, 12_000, None, -1.0, None, "the expected benefit is not positive"),
        # Nothing paid once: paid back at once, but no ROI on a cost of 0.
        (24_000, 0, None, None, 0.0, None),
    ],
)
def test_roi_and_payback_at_their_boundaries(
    benefit: float,
    one_off: float,
    running: float | None,
    roi: float | None,
    payback: float | None,
    why: str | None,
) -> None:
    total = combine([value(expected=benefit, one_off=one_off, running=running)], "USD")
    assert (total.roi_expected, total.payback_months_expected) == (roi, payback)
    if why is not None:
        assert total.reasons["payback_months_expected"] == f"no payback: {why}"
    else:
        assert "payback_months_expected" not in total.reasons


def test_a_figure_that_rounds_to_zero_is_never_shown_as_minus_zero() -> None:
    """(23,999.99 − 24,000) / 24,000 rounds to −0.0 at four digits: shown as 0.0."""
    total = combine([value(expected=23_999.99, one_off=24_000)], "USD")
    assert str(total.roi_expected) == "0.0"


# --- one improvement, from a register on disk (tests/test_value.py's base case) -------


def test_a_stated_benefit_is_the_expectation_and_the_entry_s_currency_is_the_benefit_s(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    edit(repo, COST, COST.replace("USD", "EUR"))
    v, _ = value_of(repo)
    assert (v.expected_annual, v.expected_from, v.stated_annual) == (50_000, "stated", None)
    assert v.currency == "USD"  # the benefit's, not the cost's
    edit(repo, FINANCIAL, "")
    v, _ = value_of(repo)
    assert v.currency == "EUR"  # without a benefit, the cost's
    edit(repo, COST.replace("USD", "EUR"), "")
    v, _ = value_of(repo)
    assert v.currency == "USD"  # without either, the register's


def test_a_monthly_per_unit_value_counts_12_times(register_dir: Callable[..., Path]) -> None:
    """5,000 USD a month stated; 300 USD a month per hour under the agreed 16 h: expected
    300 × (16 − 6) × 12 = 36,000 a year, realised 300 × (16 − 8.8) × 12 = 25,920."""
    repo = register_dir()
    monthly = "  financial: {amount: 5000, currency: USD, per: month, "
    monthly += "per_unit: {kpi: email-resolution-time, amount: 300}}\n"
    edit(repo, FINANCIAL, monthly)
    v, problems = value_of(repo)
    assert problems == []
    assert (v.stated_annual, v.expected_annual, v.realised_annual) == (60_000, 36_000, 25_920)


@pytest.mark.parametrize(
    ("target", "units", "expected"),
    [
        ("6.5", 9.5, 38_000),
        # Units are kept to a millionth (no float noise from 16 − 6.1234567).
        ("6.1234567", 9.876543, 39_506.17),
        # A target at the baseline (within float noise) is 0 units, never −0.0.
        ("16.0000001", 0.0, 0.0),
    ],
)
def test_expected_units_are_the_target_s_distance_from_the_agreed_baseline(
    register_dir: Callable[..., Path], target: str, units: float, expected: float
) -> None:
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    edit(
        repo,
        "{kpi: email-resolution-time, value: 6,",
        f"{{kpi: email-resolution-time, value: {target},",
    )
    v, _ = value_of(repo)
    assert (str(v.expected_units), v.expected_annual) == (str(units), expected)


def test_a_kpi_back_at_its_baseline_realises_zero_units_never_minus_zero(
    register_dir: Callable[..., Path],
) -> None:
    """16.0000001 h against the agreed 16 h: 16 − 16.0000001 rounds to 0 units."""
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    write_series(repo, "email-resolution-time", {"2026-03": 9.0, "2026-04": 16.0000001})
    v, _ = value_of(repo)
    assert (str(v.realised_units), v.realised_annual) == ("0.0", 0.0)


def test_a_per_unit_kpi_without_a_target_in_the_cycle_expects_nothing(
    register_dir: Callable[..., Path],
) -> None:
    """Cycle 2 targets only email resolution time: a per-unit value on satisfaction (a
    KPI cycle 1 targeted) has nothing to multiply."""
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT.replace("email-resolution-time", "email-satisfaction"))
    v, problems = value_of(repo)
    assert problems == []
    assert (v.expected_annual, v.expected_cycle) == (None, 2)
    assert v.reasons["expected_annual"] == (
        "cycle 2 has no target on Satisfaction with email support to multiply the per-unit value by"
    )


def test_a_per_unit_kpi_the_entry_does_not_target_is_a_problem(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT.replace("email-resolution-time", "first-call-resolution"))
    v, problems = value_of(repo)
    assert problems == [
        f"{ENTRY}:17: $.benefits.financial.per_unit.kpi: 'first-call-resolution' is not a KPI "
        "this entry has a target on; per_unit prices the improvement of a KPI the entry "
        "aims to move: name one of email-resolution-time, email-satisfaction"
    ]
    assert v.reasons["expected_annual"] == (
        "cycle 2 has no target on first-call-resolution to multiply the per-unit value by"
    )
    assert v.reasons["realised_annual"] == (
        "first-call-resolution has no complete period to measure by; nothing recorded as realised"
    )


def test_no_kpi_gain_is_credited_before_a_period_is_complete(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    write_series(repo, "email-resolution-time", {"2026-06": 9.0})
    v, _ = value_of(repo)
    assert v.realised_annual is None
    assert v.reasons["realised_annual"] == (
        "Mean time to resolve email incidents has no complete period to measure by; "
        "nothing recorded as realised"
    )


def test_each_realised_period_must_exist_and_have_begun_by_the_as_of_date(
    register_dir: Callable[..., Path],
) -> None:
    """As of 15 May 2026: 2026-13 does not exist, 2026-05-16 begins the day after, and
    2026-05-15 begins on the day itself (begun)."""
    repo = register_dir()
    records = "".join(
        f"    - {{period: {p}, amount: 900, evidence: FR-{p}}}\n"
        for p in ("2026-13", "2026-05-16", "2026-05-15")
    )
    edit(repo, FINANCIAL, FINANCIAL + "  realised:\n" + records)
    _, problems = value_of(repo)
    assert problems == [
        f"{ENTRY}:19: $.benefits.realised[0].period: '2026-13' is not a period that exists; "
        "write a month (YYYY-MM), a quarter (YYYY-Qn), an ISO week (YYYY-Www) or a day "
        "(YYYY-MM-DD)",
        f"{ENTRY}:20: $.benefits.realised[1].period: 2026-05-16 has not begun as of "
        "2026-05-15: a benefit is realised only in a period that has begun; correct the "
        "period, or record the amount once it is realised",
    ]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (None, "the default: site_config/register.yml sets no currency"),
        ("register.yaml", "site_config/register.yaml"),
    ],
)
def test_a_currency_problem_names_where_the_register_s_currency_comes_from(
    register_dir: Callable[..., Path], settings: str | None, named: str
) -> None:
    repo = register_dir()
    path = repo / "site_config" / "register.yml"
    if settings is None:
        path.unlink()
    else:
        path.rename(path.with_name(settings))
    edit(repo, COST, COST.replace("USD", "EUR"))
    _, problems = value_of(repo)
    assert problems == [
        f"{ENTRY}:18: $.cost.currency: the cost is in EUR, but the register counts in USD "
        f"({named}); give every amount in USD, or make EUR the register's currency"
    ]
