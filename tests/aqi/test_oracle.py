"""The oracle itself against hand-worked values, so the property tests can trust it."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from support import aqi_oracle as oracle
from support.aqi_vectors import (
    CATEGORY_TABLE,
    ENDPOINTS,
    NEGATIVE,
    ROWS,
    SUBINDEX,
    SUBINDICES,
    UNITS,
    case_id,
)


@pytest.mark.parametrize("case", ENDPOINTS, ids=case_id)
def test_every_row_end(case: tuple[str, str, str, int]) -> None:
    standard, measure, conc, expected = case
    assert oracle.subindex(float(conc), measure, standard) == expected
    assert oracle.subindex(Decimal(conc), measure, standard) == expected


def test_endpoint_vectors_cover_every_table_row() -> None:
    # Two ends per row: a row missing from either transcription changes the count.
    for standard, table in oracle.TABLES.items():
        for measure, rows in table.items():
            ends = [c for s, m, c, _ in ENDPOINTS if (s, m) == (standard, measure)]
            assert len(ends) == 2 * len(rows), (standard, measure)
            typed = [c for lo, hi, _, _ in rows for c in (lo, hi)]
            assert [Decimal(c) for c in ends] == [Decimal(c) for c in typed]


@pytest.mark.parametrize("standard", oracle.STANDARDS)
def test_tables_are_contiguous(standard: str) -> None:
    # Rows are disjoint at the quantum and the index bands follow on (docs/standards/us_epa.md).
    for measure in oracle.TABLES[standard]:
        rows = oracle.rows(measure, standard)
        for (_, hi, _, ihi), (lo, _, ilo, _) in itertools.pairwise(rows):
            assert (lo, ilo) == (hi + 1, ihi + 1), (measure, lo)
        assert all(lo < hi and ilo < ihi for lo, hi, ilo, ihi in rows)


@pytest.mark.parametrize("case", SUBINDEX, ids=case_id)
def test_subindex_cases(case: tuple[str, str, str, str, int | None]) -> None:
    standard, measure, value, beyond, expected = case
    assert oracle.subindex(float(value), measure, standard, beyond) == expected


@pytest.mark.parametrize(
    ("value", "count"), [(0.3, 3), (9.1, 91), (35.5, 355), (35.49, 354), (9.05, 90), (0.0, 0)]
)
def test_truncation_is_exact_decimal(value: float, count: int) -> None:
    # 9.1 / 0.1 == 90.99999999999999 in binary floating point (docs/standards/index.md); the oracle
    # is exact.
    x, problem = oracle.exact(value)
    assert problem is None
    assert x is not None
    assert oracle.truncate(x, "pm25") == count


def test_o3_truncation_at_three_decimals() -> None:
    assert oracle.truncate(Fraction("0.0709"), "o3_8h") == 70
    assert oracle.truncate(oracle.exact(0.1259)[0], "o3_1h") == 125  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, None),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        (float("-inf"), "not_finite"),
        (-1.0, "negative"),
        (-0.001, "negative"),
        (-0.0, None),
    ],
)
def test_reading_problems(value: float | None, problem: str | None) -> None:
    assert oracle.exact(value)[1] == problem
    assert oracle.subindex(value, "pm25", negative="null") == (0 if value == 0 else None)
    # The US EPA default rates a negative reading as 0; NaN and infinities stay unrated.
    rated = value == 0 or problem == "negative"
    assert oracle.subindex(value, "pm25") == (0 if rated else None)
    zeroed = "negative_as_zero" if problem == "negative" else problem
    assert oracle.rated_value(value)[1] == zeroed


@pytest.mark.parametrize("case", NEGATIVE, ids=case_id)
def test_negative_cases(case: tuple) -> None:
    standard, negative, values, expected, subindices = case
    aqi, cat, dom, status, subs = oracle.compute_row(values, standard, negative=negative)
    assert (aqi, cat, dom, status) == expected
    assert {p: subs[p] for p in subindices} == subindices
    if negative == "zero":  # the US EPA default
        assert oracle.compute_row(values, standard)[:4] == expected


@pytest.mark.parametrize("case", ROWS, ids=case_id)
def test_row_cases(case: tuple) -> None:
    standard, beyond, values, expected = case
    assert oracle.compute_row(values, standard, beyond)[:4] == expected


@pytest.mark.parametrize("case", SUBINDICES, ids=case_id)
def test_row_subindices(case: tuple) -> None:
    standard, beyond, values, expected = case
    subs = oracle.compute_row(values, standard, beyond)[4]
    assert subs == expected
    assert list(subs) == [p for p in oracle.POLLUTANTS if p in expected]  # canonical order


def test_aqi_is_max_and_null_rows_have_no_category() -> None:
    aqi, cat, dom, status, subs = oracle.compute_row({"pm25": 12.0, "co": 1.1, "no2": 77})
    assert (aqi, cat, dom, status) == (76, "Moderate", "no2", "ok")  # max(56, 13, 76)
    assert subs == {"pm25": 56, "co": 13, "no2": 76}


def test_1999_has_only_pm25() -> None:
    assert oracle.compute_row({"pm25": 15.5}, "us_epa_1999")[:4] == (51, "Moderate", "pm25", "ok")
    with pytest.raises(ValueError, match="us_epa_1999"):
        oracle.compute_row({"pm25": 1.0, "pm10": 5}, "us_epa_1999")
    with pytest.raises(ValueError, match="pm10"):
        oracle.subindex(5, "pm10", "us_epa_1999")


@pytest.mark.parametrize("case", UNITS, ids=case_id)
def test_units(case: tuple[str, float, str, int]) -> None:
    measure, value, unit, expected = case
    assert oracle.subindex(value, measure, unit=unit) == expected


def test_unit_conversion_factors() -> None:
    assert oracle.to_native(Fraction("137.4"), "o3_8h", "ug/m3") == Fraction("0.069988125")
    assert oracle.to_native(Fraction(48), "o3_8h", "ug/m3") == Fraction("0.02445")
    assert oracle.to_native(Fraction(1), "co", "ppb") == Fraction("0.001")
    assert oracle.to_native(Fraction("0.5"), "pm10", "mg/m3") == 500
    with pytest.raises(KeyError):
        oracle.to_native(Fraction(1), "pm25", "ppb")


@pytest.mark.parametrize(
    ("aqi", "name"),
    [
        (None, None),
        (0, "Good"),
        (50, "Good"),
        (51, "Moderate"),
        (100, "Moderate"),
        (101, "Unhealthy for Sensitive Groups"),
        (150, "Unhealthy for Sensitive Groups"),
        (151, "Unhealthy"),
        (200, "Unhealthy"),
        (201, "Very Unhealthy"),
        (300, "Very Unhealthy"),
        (301, "Hazardous"),
        (500, "Hazardous"),
        (848, "Hazardous"),
    ],
)
def test_category(aqi: int | None, name: str | None) -> None:
    assert oracle.category(aqi) == name


def test_category_table_matches_vectors() -> None:
    assert [row[:3] for row in CATEGORY_TABLE] == list(oracle.CATEGORIES)


@pytest.mark.parametrize(
    ("index", "measure", "standard", "expected"),
    [
        (101, "pm25", "us_epa_2024", "35.5"),
        (51, "pm25", "us_epa_2024", "9.1"),
        (50, "pm25", "us_epa_2024", "9.0"),  # 8.9 gives 50 * 89/90 = 49.44 -> 49
        (0, "pm25", "us_epa_2024", "0"),
        (51, "pm25", "us_epa_2012", "12.1"),
        (500, "pm25", "us_epa_2024", "325.2"),  # 301 + 199 * 997/999 = 499.60; 325.1 -> 499.40
        (500, "pm25", "us_epa_2012", "499.7"),  # 401 + 99 * 1492/1499 = 499.54; 499.6 -> 499.47
        (101, "o3_8h", "us_epa_2024", "0.071"),
        (300, "o3_8h", "us_epa_2024", "0.200"),  # 0.199: 201 + 99 * 93/94 = 298.95
        (1, "o3_1h", "us_epa_2024", "0.125"),
        (200, "so2_1h", "us_epa_2024", "303"),  # 151 + 49 * 117/118 = 199.58; 302 -> 199.17
        (0, "so2_24h", "us_epa_2024", "305"),
        (201, "so2_24h", "us_epa_2024", "305"),
        (13, "co", "us_epa_2024", "1.1"),
    ],  # 1.0: 50 * 10/44 = 11.36
)
def test_concentration_cases(index: int, measure: str, standard: str, expected: str) -> None:
    assert oracle.concentration(index, measure, standard) == Fraction(expected)


@pytest.mark.parametrize(("index", "measure"), [(301, "o3_8h"), (201, "so2_1h"), (500, "so2_1h")])
def test_concentration_unreachable(index: int, measure: str) -> None:
    assert oracle.concentration(index, measure) is None
