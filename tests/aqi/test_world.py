"""The non-US AQI standards (India, China, EEA, UK, Canada).

(a) test_oracle_*: the exact oracle (aqi_world_oracle) against the hand-derived vectors
    (aqi_world_vectors), so the property tests can trust it.
(b) test_engine_*: pt.aqi on every vector, through the public API of the contract.
(c) test_engine_random_*: hypothesis, pt.aqi against the oracle on random rows.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import pollutrack as pt
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from support import aqi_world_oracle as oracle
from support.aqi_world_vectors import (
    ALL_VECTORS,
    AQHI_VALUES,
    CA,
    CATEGORY_TABLE,
    CN,
    ENDPOINT_TABLES,
    ENDPOINTS,
    EU24,
    EU_OLD,
    IN,
    SUBINDEX,
    UK,
    Vector,
    vector_id,
)

NEW_STANDARDS = (IN, CN, EU24, EU_OLD, UK, CA)
OUTPUTS = ["aqi", "aqi_category", "aqi_dominant", "aqi_status"]


def _case_id(case: tuple) -> str:
    return "-".join(str(part) for part in case if part is not None)


def _subindex_kwargs(standard: str, beyond: str | None) -> dict[str, Any]:
    # pt.aqi.subindex's own default may differ from compute's; name the standard's default.
    if standard in oracle.BEYOND_OPTIONS:
        return {"beyond": beyond or oracle.DEFAULT_BEYOND[standard]}
    return {}


# ============================ (a) the oracle against the vectors ============================


@pytest.mark.parametrize("v", ALL_VECTORS, ids=vector_id)
def test_oracle_vector(v: Vector) -> None:
    got = oracle.compute_row(
        v.readings, v.standard, beyond=v.beyond, negative=v.negative or oracle.NEGATIVE[0]
    )
    assert (got["aqi"], got["category"], got["dominant"], got["status"]) == (
        v.aqi,
        v.category,
        v.dominant,
        v.status,
    ), v.note
    if v.standard == CN:
        assert got["exceeding"] == v.exceeding
    if v.standard == CA:
        assert got["label"] == v.label
        assert got["subindices"] == {}
        assert (got["value"] is None) == (v.aqi is None)
    if v.subindices is not None:
        assert got["subindices"] == v.subindices
        assert list(got["subindices"]) == list(v.subindices)  # canonical order


@pytest.mark.parametrize("case", ENDPOINTS, ids=_case_id)
def test_oracle_row_end(case: tuple[str, str, str, int]) -> None:
    standard, measure, conc, expected = case
    assert oracle.subindex(float(conc), measure, standard) == expected
    assert oracle.subindex(Decimal(conc), measure, standard) == expected


@pytest.mark.parametrize("case", SUBINDEX, ids=_case_id)
def test_oracle_subindex_case(case: tuple[str, str, str, str | None, int | None]) -> None:
    standard, measure, value, beyond, expected = case
    assert oracle.subindex(float(value), measure, standard, beyond=beyond) == expected


def test_oracle_row_ends_cover_every_table() -> None:
    # India: both ends of every row, typed twice.
    for measure, rows in oracle.IN_ROWS.items():
        ends = [c for s, m, c, _ in ENDPOINTS if (s, m) == (IN, measure)]
        assert [Decimal(c) for c in ends] == [Decimal(c) for r in rows for c in r[:2]], measure
    # China: every breakpoint.
    for measure, bps in oracle.CN_BREAKPOINTS.items():
        ends = [c for s, m, c, _ in ENDPOINTS if (s, m) == (CN, measure)]
        assert [Decimal(c) for c in ends] == [Decimal(b) for b in bps], measure
    # EEA / UK: every band limit appears with its own band.
    for standard, table in [(EU24, oracle.EU_UPPERS[EU24]), (EU_OLD, oracle.EU_UPPERS[EU_OLD])]:
        for measure, uppers in table.items():
            got = {Decimal(c): i for s, m, c, i in ENDPOINTS if (s, m) == (standard, measure)}
            assert all(got[Decimal(u)] == k for k, u in enumerate(uppers, 1)), measure
    for measure, uppers in oracle.UK_UPPERS.items():
        got = {Decimal(c): i for s, m, c, i in ENDPOINTS if (s, m) == (UK, measure)}
        assert all(got[Decimal(u)] == k for k, u in enumerate(uppers, 1)), measure
    assert set(ENDPOINT_TABLES) == set(oracle.STANDARDS) - {CA}


def test_oracle_india_rows_contiguous_and_severe_continues_very_poor() -> None:
    for measure in oracle.IN_ROWS:
        rows = oracle._in_rows(measure)
        for (_, hi, _, ihi), (lo, _, ilo, _) in itertools.pairwise(rows):
            assert (lo, ilo) == (hi + 1, ihi + 1), measure
        if len(rows) == 6 or measure == "o3_1h":  # Very Poor and Severe: same slope
            (lo1, hi1, a1, b1), (lo2, hi2, a2, b2) = rows[-2], rows[-1]
            assert Fraction(b1 - a1, hi1 - lo1) == Fraction(b2 - a2, hi2 - lo2), measure


def test_oracle_china_breakpoints_increase() -> None:
    for measure, bps in oracle.CN_BREAKPOINTS.items():
        values = [Fraction(b) for b in bps]
        assert values == sorted(set(values)), measure
        assert len(values) == {"so2_1h": 5, "o3_8h": 6}.get(measure, 8)


@pytest.mark.parametrize("standard", NEW_STANDARDS)
def test_oracle_categories(standard: str) -> None:
    typed = [(name, lo, hi) for name, lo, hi, _ in CATEGORY_TABLE[standard]]
    assert typed == list(oracle.CATEGORIES[standard])
    assert oracle.categories(standard) == [name for name, _, _ in typed]
    hexes = [h for *_, h in CATEGORY_TABLE[standard]]
    if standard in oracle.COLOURS:
        assert hexes == list(oracle.COLOURS[standard])


@pytest.mark.parametrize(("readings", "value"), AQHI_VALUES)
def test_oracle_aqhi_value(readings: dict[str, float], value: str) -> None:
    got = oracle.compute_row(readings, CA)
    assert abs(got["exact_value"] - Decimal(value)) < Decimal("5e-7")
    assert math.isclose(got["value"], float(value), abs_tol=1e-6)


def test_oracle_rounding_helpers() -> None:
    halves = [Fraction(k, 2) for k in range(-1, 12)]
    assert [oracle.round_half_up(h) for h in halves] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]
    assert [oracle.round_half_even(h) for h in halves] == [0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 4, 5, 6]
    assert oracle.round_half_even(Fraction("2.4999")) == 2
    assert oracle.round_half_even(Fraction("3.5001")) == 4
    # the decimal the user wrote, not the binary double (2.15 is 2.1499999... in binary)
    assert oracle.exact(2.15)[0] == Fraction(215, 100)


def test_oracle_rejects_what_the_contract_does_not_define() -> None:
    with pytest.raises(ValueError, match="beyond"):
        oracle.compute_row({"pm25": 1.0}, EU_OLD, beyond="extend")
    with pytest.raises(ValueError, match="nh3"):
        oracle.compute_row({"nh3": 1.0}, CN)
    with pytest.raises(ValueError, match="ca_aqhi"):
        oracle.subindex(1.0, "pm25", CA)
    with pytest.raises(ValueError, match="standard"):
        oracle.compute_row({"pm25": 1.0}, "us_epa_2024")


def test_oracle_beyond_is_ignored_where_nothing_is_beyond() -> None:
    for standard, row in [(EU24, {"pm25": 5000.0}), (UK, {"pm25": 5000.0})]:
        assert oracle.compute_row(row, standard)["status"] == "ok"


# ================================ (b) the engine on the vectors ================================


def _one_row(readings: dict[str, float | None]) -> pa.Table:
    return pa.table({m: pa.array([x], pa.float64()) for m, x in readings.items()})


@pytest.mark.parametrize("v", ALL_VECTORS, ids=vector_id)
def test_engine_vector(v: Vector) -> None:
    out = pt.aqi.compute(
        _one_row(v.readings),
        standard=v.standard,
        beyond=cast(Any, v.beyond),
        negative=cast(Any, v.negative),
        subindices=True,
    )
    got = {c: out.column(c).to_pylist() for c in OUTPUTS}
    assert got == {
        "aqi": [v.aqi],
        "aqi_category": [v.category],
        "aqi_dominant": [v.dominant],
        "aqi_status": [v.status],
    }, v.note
    if v.standard == CN:
        assert out.column("aqi_exceeding").to_pylist() == [v.exceeding]
    if v.standard == CA:
        assert out.column("aqi_label").to_pylist() == [v.label]
    if v.subindices is not None:
        assert {p: out.column(f"aqi_{p}").to_pylist()[0] for p in v.subindices} == v.subindices


ALL_SUBINDEX = [(s, m, c, None, i) for s, m, c, i in ENDPOINTS] + SUBINDEX


@pytest.mark.parametrize("case", ALL_SUBINDEX, ids=_case_id)
def test_engine_subindex(case: tuple[str, str, str, str | None, int | None]) -> None:
    standard, measure, value, beyond, expected = case
    got = pt.aqi.subindex(
        pa.array([float(value)], pa.float64()),
        measure,
        standard=standard,
        **_subindex_kwargs(standard, beyond),
    )
    assert got.to_pylist() == [expected]


@pytest.mark.parametrize(("readings", "value"), AQHI_VALUES)
def test_engine_aqhi_value(readings: dict[str, float], value: str) -> None:
    out = pt.aqi.compute(_one_row(dict(readings)), standard=CA, subindices=True)
    assert math.isclose(out.column("aqi_value")[0].as_py(), float(value), abs_tol=1e-6)


def test_engine_lists_the_new_standards() -> None:
    assert set(NEW_STANDARDS) <= set(pt.aqi.standard_names())


@pytest.mark.parametrize("standard", NEW_STANDARDS)
def test_engine_categories(standard: str) -> None:
    table = pt.aqi.categories(standard).to_pylist()
    # The engine lists one entry per colour level (UK, AQHI) under its category's name, and
    # leaves the top category open-ended (aqi_hi null); merge levels and compare the ranges.
    merged: list[list[object]] = []
    for r in table:
        if merged and merged[-1][0] == r["category"]:
            merged[-1][2] = r["aqi_hi"]
        else:
            merged.append([r["category"], r["aqi_lo"], r["aqi_hi"]])
    expected = [[name, lo, hi] for name, lo, hi, _ in CATEGORY_TABLE[standard]]
    assert merged[-1][2] is None
    merged[-1][2] = expected[-1][2]
    assert merged == expected
    if standard in oracle.COLOURS and len(table) == len(expected):
        assert [r["hex"] for r in table] == [h for *_, h in CATEGORY_TABLE[standard]]


# ============================ (c) the engine against the oracle ============================

# Measures and their quantum for the random values (a finer grid than the tables' own).
_RANDOM_DIGITS = 2  # decimals drawn below the table's resolution
_AQHI_TOP = {"no2": 200, "o3": 150, "pm25": 400}


def _boundaries(standard: str, measure: str) -> tuple[list[Fraction], Fraction, list[Fraction]]:
    """(interesting concentrations, top of the table, offsets to add to them)."""
    if standard == IN:
        q = oracle.IN_QUANTUM[measure]
        points = [Fraction(c) for row in oracle.IN_ROWS[measure] for c in row[:2]]
        offsets = [Fraction(0), q, -q, q / 2, -q / 2, q * 2 / 5, -q * 2 / 5, q * 3 / 5]
    elif standard == CN:
        q = oracle.CN_QUANTUM[measure]
        points = [Fraction(b) for b in oracle.CN_BREAKPOINTS[measure]]
        offsets = [Fraction(0), q, -q, q / 2, -q / 2, q * 3 / 2, q * 2 / 5, q * 3 / 5]
    elif standard in (EU24, EU_OLD):
        points = [Fraction(u) for u in oracle.EU_UPPERS[standard][measure]]
        offsets = [Fraction(0)] + [s * Fraction(1, 10**k) for k in (1, 2, 3) for s in (1, -1)]
    elif standard == UK:
        points = [Fraction(u) for u in oracle.UK_UPPERS[measure]]
        offsets = [Fraction(d, 100) for d in (0, 100, -100, 50, -50, 49, -49, 51)]
    else:
        points = [Fraction(0)]
        offsets = [Fraction(0)]
    top = points[-1] if standard != CA else Fraction(_AQHI_TOP[measure])
    return points, top, offsets


@st.composite
def concentrations(draw: st.DrawFn, standard: str, measure: str) -> float:
    """A non-negative decimal near a table boundary, or anywhere up to 1.3 x the top."""
    points, top, offsets = _boundaries(standard, measure)
    if standard != CA and draw(st.booleans()):
        x = draw(st.sampled_from(points)) + draw(st.sampled_from(offsets))
    else:
        scale = 10 ** (_RANDOM_DIGITS + 1)
        x = Fraction(draw(st.integers(0, int(top * 13 / 10 * scale))), scale)
    return float(max(x, Fraction(0)))


@st.composite
def readings(draw: st.DrawFn, standard: str, measure: str, dirty: bool = True) -> float | None:
    """Mostly valid values; a few nulls and, when ``dirty``, a few negatives and NaN/inf."""
    kind = draw(st.integers(0, 19))
    if kind <= 1:
        return None
    if kind == 2 and dirty:
        return draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    x = draw(concentrations(standard, measure))
    if kind == 3 and dirty and x > 0:
        return -x
    return x


@st.composite
def tables(draw: st.DrawFn, standard: str) -> tuple[list[str], list[dict[str, float | None]]]:
    keys = list(oracle.MEASURES[standard])
    measures = draw(
        st.one_of(st.permutations(keys), st.lists(st.sampled_from(keys), min_size=1, unique=True))
    )
    dirty = draw(st.booleans())  # half the tables have only valid readings and nulls
    row = st.fixed_dictionaries({m: readings(standard, m, dirty) for m in measures})
    return list(measures), draw(st.lists(row, min_size=1, max_size=8))


def _to_table(measures: list[str], rows: list[dict[str, float | None]]) -> pa.Table:
    return pa.table({m: pa.array([r[m] for r in rows], pa.float64()) for m in measures})


def _aqhi_is_knife_edge(want: dict[str, Any], row: dict[str, float | None]) -> bool:
    """A float engine cannot be asked to settle x.5 to 1e-9 or a tie of two terms."""
    if want["aqi"] is None:
        return False
    frac = want["exact_value"] - int(want["exact_value"])
    if abs(frac - Decimal("0.5")) < Decimal("1e-9"):
        return True
    exps = sorted(
        float(oracle.AQHI_COEFFICIENTS[p]) * float(row[p])  # type: ignore[arg-type]
        for p in ("no2", "o3", "pm25")
    )
    return any(0 < b - a <= 1e-9 * b for a, b in itertools.pairwise(exps))


GRID = [(IN, b) for b in (None, "cap", "extend", "null")]
GRID += [(CN, b) for b in (None, "cap", "extend", "null")]
GRID += [(EU_OLD, b) for b in (None, "cap", "null")]
GRID += [(EU24, None), (UK, None), (CA, None)]


@pytest.mark.slow
@pytest.mark.parametrize(("standard", "beyond"), GRID)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_engine_random_rows(standard: str, beyond: str | None, data: st.DataObject) -> None:
    measures, rows = data.draw(tables(standard))
    negative = data.draw(st.sampled_from([None, *oracle.NEGATIVE]))
    wants = [
        oracle.compute_row(r, standard, beyond=beyond, negative=negative or oracle.NEGATIVE[0])
        for r in rows
    ]
    if standard == CA:
        assume(not any(_aqhi_is_knife_edge(w, r) for w, r in zip(wants, rows, strict=True)))
    out = pt.aqi.compute(
        _to_table(measures, rows),
        standard=standard,
        beyond=cast(Any, beyond),
        negative=cast(Any, negative),
        subindices=True,
    )

    head = measures + OUTPUTS
    if standard == CA:
        assert out.column_names[: len(head)] == head
        assert set(out.column_names) == {*head, "aqi_label", "aqi_value"}
    else:
        present = [
            p for p in oracle.POLLUTANTS if p in {oracle.MEASURES[standard][m] for m in measures}
        ]
        extra = ["aqi_exceeding"] if standard == CN else []
        assert out.column_names == head + extra + [f"aqi_{p}" for p in present]

    got_rows = out.drop_columns(measures).to_pylist()
    for row, want, got in zip(rows, wants, got_rows, strict=True):
        expected: dict[str, Any] = {
            "aqi": want["aqi"],
            "aqi_category": want["category"],
            "aqi_dominant": want["dominant"],
            "aqi_status": want["status"],
        }
        expected |= {f"aqi_{p}": s for p, s in want["subindices"].items()}
        if standard == CN:
            expected["aqi_exceeding"] = want["exceeding"]
        if standard == CA:
            expected["aqi_label"] = want["label"]
            value = got.pop("aqi_value")
            if want["value"] is None:
                assert value is None, row
            else:
                assert math.isclose(value, want["value"], rel_tol=1e-12, abs_tol=1e-12), row
        assert got == expected, row


SUBINDEX_GRID = [(s, b) for s, b in GRID if s != CA]


@pytest.mark.parametrize(("standard", "beyond"), SUBINDEX_GRID)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_engine_random_subindex(standard: str, beyond: str | None, data: st.DataObject) -> None:
    measure = data.draw(st.sampled_from(sorted(oracle.MEASURES[standard])))
    values = data.draw(st.lists(readings(standard, measure), min_size=1, max_size=20))
    negative = data.draw(st.sampled_from(oracle.NEGATIVE))
    want = [oracle.subindex(v, measure, standard, beyond=beyond, negative=negative) for v in values]
    got = pt.aqi.subindex(
        pa.array(values, pa.float64()),
        measure,
        standard=standard,
        negative=cast(Any, negative),
        **_subindex_kwargs(standard, beyond),
    )
    assert got.to_pylist() == want
