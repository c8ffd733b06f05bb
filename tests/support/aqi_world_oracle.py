"""Slow, obviously-correct oracle for the non-US AQI standards of pt.aqi.

Follows the Decisions sections of the standards pages where the sources are silent; the tables
are typed from docs/standards/india.md (India NAQI), china.md (China HJ 633-2012), europe.md
(EEA EAQI, 2024 and pre-2024 bands), uk.md (UK DAQI) and canada.md (Canada AQHI).

Arithmetic is exact: a float is read as ``Decimal(repr(x))`` (the number the user wrote) and
then as a ``Fraction``. India rounds the concentration half up to the table resolution and the
index half up; China rounds the concentration half to even and the IAQI up (ceiling); the UK
rounds the concentration half up to an integer and looks up the band; the EEA compares the
unrounded value with the band limits (a value equal to a limit is in the lower band). The AQHI
is the only formula with ``exp``: it is evaluated with ``Decimal.exp`` at 60 significant digits.
No numpy, no floats in the computation.

China rates SO2, NO2 and CO on the row's 1-hour value (the real-time report) and, when the row
has none, on its 24-hour value (the daily report); 1-hour SO2 above 800 µg/m³ hands over to the
24-hour value. A negative reading gets no index (``negative="null"``, every standard's default
here) or is rated as 0 with ``negative="zero"`` (status ``negative_as_zero``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from support.aqi_oracle import Reading, exact  # the same exact reading of a float as the EPA oracle

IN, CN, EU24, EU_OLD, UK, CA = (
    "in_naqi",
    "cn_hj633_2012",
    "eu_eaqi_2024",
    "eu_eaqi_pre2024",
    "uk_daqi",
    "ca_aqhi",
)
STANDARDS = (IN, CN, EU24, EU_OLD, UK, CA)
POLLUTANTS = ("pm25", "pm10", "o3", "co", "so2", "no2", "nh3", "pb")  # canonical output order
# First that applies wins; then "no_data" when every reading is null, else "ok".
STATUS_ORDER = (
    "not_finite",
    "negative",
    "undefined",
    "insufficient_pollutants",
    "beyond_index",
    "negative_as_zero",
)
NEGATIVE = ("null", "zero")  # the first is the default of every standard here
INT32_MAX = 2**31 - 1
DEFAULT_BEYOND = {IN: "cap", CN: "cap", EU_OLD: "cap"}
BEYOND_OPTIONS = {
    IN: ("cap", "extend", "null"),
    CN: ("cap", "extend", "null"),
    EU_OLD: ("cap", "null"),
}

# --- measures ------------------------------------------------------------------------------

# measure key -> pollutant, per standard (contract "Measures").
MEASURES: dict[str, dict[str, str]] = {
    IN: {
        "pm10": "pm10",
        "pm25": "pm25",
        "no2": "no2",
        "o3_8h": "o3",
        "o3_1h": "o3",
        "co": "co",
        "so2": "so2",
        "nh3": "nh3",
        "pb": "pb",
    },
    CN: {
        "pm25": "pm25",
        "pm10": "pm10",
        "so2_24h": "so2",
        "so2_1h": "so2",
        "no2_24h": "no2",
        "no2_1h": "no2",
        "co_24h": "co",
        "co_1h": "co",
        "o3_8h": "o3",
        "o3_1h": "o3",
    },
    EU24: {m: m for m in ("pm25", "pm10", "no2", "o3", "so2")},
    EU_OLD: {m: m for m in ("pm25", "pm10", "no2", "o3", "so2")},
    UK: {m: m for m in ("o3", "no2", "so2", "pm25", "pm10")},
    CA: {m: m for m in ("no2", "o3", "pm25")},
}
# Plain pollutant name -> the standard's default measure, where the two differ.
ALIASES: dict[str, dict[str, str]] = {
    IN: {"o3": "o3_8h"},
    CN: {"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "o3": "o3_8h"},
    EU24: {},
    EU_OLD: {},
    UK: {},
    CA: {},
}

# --- India NAQI (contract "in_naqi"; docs/standards/india.md, rows as decided in the contract)
# ---------

IN_ROWS: dict[str, list[tuple[str, str, int, int]]] = {
    "pm10": [
        ("0", "50", 0, 50),
        ("51", "100", 51, 100),
        ("101", "250", 101, 200),
        ("251", "350", 201, 300),
        ("351", "430", 301, 400),
        ("431", "510", 401, 500),
    ],
    "pm25": [
        ("0", "30", 0, 50),
        ("31", "60", 51, 100),
        ("61", "90", 101, 200),
        ("91", "120", 201, 300),
        ("121", "250", 301, 400),
        ("251", "380", 401, 500),
    ],
    "no2": [
        ("0", "40", 0, 50),
        ("41", "80", 51, 100),
        ("81", "180", 101, 200),
        ("181", "280", 201, 300),
        ("281", "400", 301, 400),
        ("401", "520", 401, 500),
    ],
    "o3_8h": [
        ("0", "50", 0, 50),
        ("51", "100", 51, 100),
        ("101", "168", 101, 200),
        ("169", "208", 201, 300),
    ],
    "o3_1h": [
        ("209", "748", 301, 400),
        ("749", "1288", 401, 500),
    ],
    "co": [
        ("0.0", "1.0", 0, 50),
        ("1.1", "2.0", 51, 100),
        ("2.1", "10.0", 101, 200),
        ("10.1", "17.0", 201, 300),
        ("17.1", "34.0", 301, 400),
        ("34.1", "51.0", 401, 500),
    ],
    "so2": [
        ("0", "40", 0, 50),
        ("41", "80", 51, 100),
        ("81", "380", 101, 200),
        ("381", "800", 201, 300),
        ("801", "1600", 301, 400),
        ("1601", "2400", 401, 500),
    ],
    "nh3": [
        ("0", "200", 0, 50),
        ("201", "400", 51, 100),
        ("401", "800", 101, 200),
        ("801", "1200", 201, 300),
        ("1201", "1800", 301, 400),
        ("1801", "2400", 401, 500),
    ],
    "pb": [
        ("0.0", "0.5", 0, 50),
        ("0.6", "1.0", 51, 100),
        ("1.1", "2.0", 101, 200),
        ("2.1", "3.0", 201, 300),
        ("3.1", "3.5", 301, 400),
        ("3.6", "4.0", 401, 500),
    ],
}
IN_QUANTUM = {m: Fraction(1, 10) if m in ("co", "pb") else Fraction(1) for m in IN_ROWS}

# --- China HJ 633-2012 (docs/standards/china.md Table 1; continuous breakpoints)
# ----------------------

CN_IAQI = (0, 50, 100, 150, 200, 300, 400, 500)
CN_BREAKPOINTS: dict[str, tuple[str, ...]] = {
    "so2_24h": ("0", "50", "150", "475", "800", "1600", "2100", "2620"),
    "so2_1h": ("0", "150", "500", "650", "800"),  # top IAQI 200 (footnote 2)
    "no2_24h": ("0", "40", "80", "180", "280", "565", "750", "940"),
    "no2_1h": ("0", "100", "200", "700", "1200", "2340", "3090", "3840"),
    "pm10": ("0", "50", "150", "250", "350", "420", "500", "600"),
    "co_24h": ("0", "2", "4", "14", "24", "36", "48", "60"),
    "co_1h": ("0", "5", "10", "35", "60", "90", "120", "150"),
    "o3_1h": ("0", "160", "200", "300", "400", "800", "1000", "1200"),
    "o3_8h": ("0", "100", "160", "215", "265", "800"),  # top IAQI 300 (footnote 3)
    "pm25": ("0", "35", "75", "115", "150", "250", "350", "500"),
}
CN_QUANTUM = {m: Fraction(1, 10) if m.startswith("co") else Fraction(1) for m in CN_BREAKPOINTS}
# Above the top of these two the measure gives no IAQI at all (not "beyond").
CN_ENDS_EARLY = ("so2_1h", "o3_8h")
# HJ 633: these pollutants' 1-hour limits are for the real-time report, the 24-hour ones for the
# daily report; a row is rated on its 1-hour value when it has one.
CN_HOURLY_FIRST = ("so2", "no2", "co")

# --- EEA (docs/standards/europe.md; upper limits of bands 1..5, resp. 1..6) ---------------------

EU_UPPERS: dict[str, dict[str, tuple[int, ...]]] = {
    EU24: {  # band 6 open-ended
        "pm25": (5, 15, 50, 90, 140),
        "pm10": (15, 45, 120, 195, 270),
        "no2": (10, 25, 60, 100, 150),
        "o3": (60, 100, 120, 160, 180),
        "so2": (20, 40, 125, 190, 275),
    },
    EU_OLD: {  # last = top of band 6
        "pm25": (10, 20, 25, 50, 75, 800),
        "pm10": (20, 40, 50, 100, 150, 1200),
        "no2": (40, 90, 120, 230, 340, 1000),
        "o3": (50, 100, 130, 240, 380, 800),
        "so2": (100, 200, 350, 500, 750, 1250),
    },
}

# --- UK DAQI (docs/standards/uk.md; upper limits of bands 1..9, band 10 open-ended)
# -----------------

UK_UPPERS: dict[str, tuple[int, ...]] = {
    "o3": (33, 66, 100, 120, 140, 160, 187, 213, 240),
    "no2": (67, 134, 200, 267, 334, 400, 467, 534, 600),
    "so2": (88, 177, 266, 354, 443, 532, 710, 887, 1064),
    "pm25": (11, 23, 35, 41, 47, 53, 58, 64, 70),
    "pm10": (16, 33, 50, 58, 66, 75, 83, 91, 100),
}

# --- Canada AQHI (docs/standards/canada.md)
# -------------------------------------------------------------

AQHI_COEFFICIENTS = {
    "pm25": Decimal("0.000487"),
    "o3": Decimal("0.000537"),
    "no2": Decimal("0.000871"),
}

# --- categories: (name, index_lo, index_hi or None when open-ended) -------------------------

CATEGORIES: dict[str, tuple[tuple[str, int, int | None], ...]] = {
    IN: (
        ("Good", 0, 50),
        ("Satisfactory", 51, 100),
        ("Moderately Polluted", 101, 200),
        ("Poor", 201, 300),
        ("Very Poor", 301, 400),
        ("Severe", 401, None),
    ),
    CN: (
        ("Excellent", 0, 50),
        ("Good", 51, 100),
        ("Lightly Polluted", 101, 150),
        ("Moderately Polluted", 151, 200),
        ("Heavily Polluted", 201, 300),
        ("Severely Polluted", 301, None),
    ),
    EU24: (
        ("Good", 1, 1),
        ("Fair", 2, 2),
        ("Moderate", 3, 3),
        ("Poor", 4, 4),
        ("Very poor", 5, 5),
        ("Extremely poor", 6, 6),
    ),
    UK: (("Low", 1, 3), ("Moderate", 4, 6), ("High", 7, 9), ("Very High", 10, 10)),
    CA: (
        ("Low risk", 1, 3),
        ("Moderate risk", 4, 6),
        ("High risk", 7, 10),
        ("Very high risk", 11, None),
    ),
}
CATEGORIES[EU_OLD] = CATEGORIES[EU24]
COLOURS: dict[str, tuple[str, ...]] = {  # contract; same order as CATEGORIES
    IN: ("#00B050", "#92D050", "#FFFF00", "#FF6500", "#FF0000", "#C00000"),
    CN: ("#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"),
    EU24: ("#50F0E6", "#50CCAA", "#F0E641", "#FF5050", "#960032", "#7D2181"),
    EU_OLD: ("#50F0E6", "#50CCAA", "#F0E641", "#FF5050", "#960032", "#7D2181"),
}


def categories(standard: str) -> list[str]:
    """The category names of a standard, best first (their ranks for compare)."""
    return [name for name, _, _ in CATEGORIES[standard]]


def category(aqi: int | None, standard: str) -> str | None:
    if aqi is None:
        return None
    return next(
        name for name, lo, hi in CATEGORIES[standard] if lo <= aqi and (hi is None or aqi <= hi)
    )


# --- exact helpers --------------------------------------------------------------------------


def round_half_up(y: Fraction) -> int:
    return math.floor(y + Fraction(1, 2))


def round_half_even(y: Fraction) -> int:
    low = math.floor(y)
    rest = y - low
    if rest > Fraction(1, 2):
        return low + 1
    if rest < Fraction(1, 2):
        return low
    return low if low % 2 == 0 else low + 1


def measure_key(measure: str, standard: str) -> str:
    """Resolve a plain pollutant name to the standard's default measure."""
    key = measure.lower()
    key = ALIASES[standard].get(key, key)
    if key not in MEASURES[standard]:
        raise ValueError(f"{measure!r} is not a measure of {standard}")
    return key


def resolve_beyond(standard: str, beyond: str | None) -> str | None:
    if standard not in BEYOND_OPTIONS:
        return None  # nothing in these tables is beyond (open-ended top band / no table)
    beyond = DEFAULT_BEYOND[standard] if beyond is None else beyond
    if beyond not in BEYOND_OPTIONS[standard]:
        raise ValueError(f"beyond={beyond!r} is not defined for {standard}")
    return beyond


# --- one measure ----------------------------------------------------------------------------
# _rate returns (index, kind): kind "ok"; "beyond" (above the top of a table that reaches the
# top index; the index is the capped / extended / null one); "outside" (the measure defines no
# index at this value: India O3 8-h > 208 and 1-h < 209, China SO2 1-h and O3 8-h > 800).


def _in_rows(measure: str) -> list[tuple[int, int, int, int]]:
    q = IN_QUANTUM[measure]
    out = []
    for lo, hi, ilo, ihi in IN_ROWS[measure]:
        a, b = Fraction(lo) / q, Fraction(hi) / q
        assert a.denominator == b.denominator == 1
        out.append((int(a), int(b), ilo, ihi))
    return out


def _half_up_interpolation(c: int, row: tuple[int, int, int, int]) -> int:
    lo, hi, ilo, ihi = row
    return round_half_up(ilo + Fraction((ihi - ilo) * (c - lo), hi - lo))


def _rate_in(x: Fraction, measure: str, beyond: str) -> tuple[int | None, str]:
    c = round_half_up(x / IN_QUANTUM[measure])  # half up to the table resolution
    rows = _in_rows(measure)
    for row in rows:
        if row[0] <= c <= row[1]:
            return _half_up_interpolation(c, row), "ok"
    if c < rows[0][0] or measure == "o3_8h":  # 1-h below 209 / 8-h above 208
        return None, "outside"
    if beyond == "cap":
        return 500, "beyond"
    if beyond == "null":
        return None, "beyond"
    return _half_up_interpolation(c, rows[-1]), "beyond"  # extend the Severe row


def _cn_segments(measure: str) -> list[tuple[int, int, int, int]]:
    q = CN_QUANTUM[measure]
    bps = [Fraction(b) / q for b in CN_BREAKPOINTS[measure]]
    assert all(b.denominator == 1 for b in bps)
    return [(int(bps[i]), int(bps[i + 1]), CN_IAQI[i], CN_IAQI[i + 1]) for i in range(len(bps) - 1)]


def _ceiling_interpolation(c: int, seg: tuple[int, int, int, int]) -> int:
    lo, hi, ilo, ihi = seg
    return ilo + math.ceil(Fraction((ihi - ilo) * (c - lo), hi - lo))


def _rate_cn(x: Fraction, measure: str, beyond: str) -> tuple[int | None, str]:
    c = round_half_even(x / CN_QUANTUM[measure])  # GB/T 8170 half to even
    segments = _cn_segments(measure)
    for seg in segments:
        if seg[0] <= c <= seg[1]:  # on a breakpoint both segments give its IAQI
            return _ceiling_interpolation(c, seg), "ok"
    if measure in CN_ENDS_EARLY:
        return None, "outside"
    if beyond == "cap":
        return 500, "beyond"
    if beyond == "null":
        return None, "beyond"
    return _ceiling_interpolation(c, segments[-1]), "beyond"


def _rate_eu(
    x: Fraction, measure: str, standard: str, beyond: str | None
) -> tuple[int | None, str]:
    uppers = EU_UPPERS[standard][measure]
    for band, upper in enumerate(uppers, start=1):
        if x <= upper:  # equal to a limit: the lower band
            return band, "ok"
    if standard == EU24:
        return 6, "ok"  # band 6 open-ended
    return (6 if beyond == "cap" else None), "beyond"


def _rate_uk(x: Fraction, measure: str) -> tuple[int | None, str]:
    c = round_half_up(x)
    for band, upper in enumerate(UK_UPPERS[measure], start=1):
        if c <= upper:
            return band, "ok"
    return 10, "ok"


def _rate(x: Fraction, measure: str, standard: str, beyond: str | None) -> tuple[int | None, str]:
    if standard == IN:
        assert beyond is not None
        return _rate_in(x, measure, beyond)
    if standard == CN:
        assert beyond is not None
        return _rate_cn(x, measure, beyond)
    if standard in (EU24, EU_OLD):
        return _rate_eu(x, measure, standard, beyond)
    if standard == UK:
        return _rate_uk(x, measure)
    raise ValueError(f"{standard} has no per-measure sub-index")


def subindex(
    value: Reading,
    measure: str,
    standard: str,
    *,
    beyond: str | None = None,
    negative: str = "null",
) -> int | None:
    """Sub-index (India/China) or band (EEA/UK) of one reading in native units, or None."""
    beyond = resolve_beyond(standard, beyond)
    measure = measure_key(measure, standard)
    x, _ = _reading(value, negative)
    if x is None:
        return None
    return _rate(x, measure, standard, beyond)[0]


# --- one row --------------------------------------------------------------------------------


def _status(problems: set[str], readings: Mapping[str, Reading]) -> str:
    status = next((s for s in STATUS_ORDER if s in problems), None)
    if status is not None:
        return status
    return "no_data" if all(v is None for v in readings.values()) else "ok"


def _reading(value: Reading, negative: str) -> tuple[Fraction | None, str | None]:
    """``exact`` with the ``negative`` policy: under "zero" a negative reading is 0."""
    if negative not in NEGATIVE:
        raise ValueError(f"negative={negative!r}")
    x, problem = exact(value)
    if problem == "negative" and negative == "zero":
        return Fraction(0), "negative_as_zero"
    return x, problem


def _defining(
    pollutant: str, measures: list[str], rated: Mapping[str, tuple[int | None, str]], standard: str
) -> list[str]:
    """The measures whose sub-index makes the pollutant's (the larger of them)."""
    defining = [m for m in measures if m in rated and rated[m][1] != "outside"]
    if standard != CN or pollutant not in CN_HOURLY_FIRST:
        return defining
    hourly, daily = f"{pollutant}_1h", f"{pollutant}_24h"
    if hourly in defining:
        return [hourly]  # the real-time report; the 24-hour value is not compared
    return [m for m in defining if m == daily]  # 1-h missing, or SO2 1-h above 800


def compute_row(
    values: Mapping[str, Reading],
    standard: str,
    *,
    beyond: str | None = None,
    negative: str = "null",
) -> dict[str, Any]:
    """One row of pt.aqi.compute(..., standard=standard, beyond=beyond, subindices=True).

    ``values`` maps measure keys (or plain pollutant names) to a reading in the table's
    native units (None = null). Returns aqi, category, dominant, status and
    ``subindices`` ({pollutant: index}, canonical order, one per pollutant present); plus
    ``exceeding`` for cn_hj633_2012 and ``label`` / ``value`` for ca_aqhi.
    """
    if standard not in STANDARDS:
        raise ValueError(f"unknown standard {standard!r}")
    beyond = resolve_beyond(standard, beyond)
    readings = {measure_key(m, standard): v for m, v in values.items()}
    if standard == CA:
        return _aqhi(readings, negative)

    pollutant_of = MEASURES[standard]
    parsed = {m: _reading(v, negative) for m, v in readings.items()}
    problems = {p for _, p in parsed.values() if p is not None}
    rated = {m: _rate(x, m, standard, beyond) for m, (x, _) in parsed.items() if x is not None}

    sub: dict[str, int | None] = {}
    for pollutant in POLLUTANTS:
        measures = [m for m in readings if pollutant_of[m] == pollutant]
        if not measures:
            continue
        defining = _defining(pollutant, measures, rated, standard)
        if not defining:
            sub[pollutant] = None
            if any(m in rated for m in measures):  # valid readings, none defines an index
                problems.add("undefined")
            continue
        if any(rated[m][1] == "beyond" for m in defining):
            problems.add("beyond_index")
            if beyond == "null":
                # Beyond the table: the pollutant's index is unknown (> 500), even where
                # another of its measures defines a smaller one.
                sub[pollutant] = None
                continue
        sub[pollutant] = max(i for m in defining if (i := rated[m][0]) is not None)

    defined = {p: s for p, s in sub.items() if s is not None}
    aqi = max(defined.values()) if defined else None
    if beyond == "null" and "beyond_index" in problems:
        aqi = None  # the worst pollutant is off the scale: no overall index
    if standard == IN:
        enough = len(defined) >= 3 and ("pm25" in defined or "pm10" in defined)
        if not enough:
            aqi = None
            if any(v is not None for v in readings.values()):
                problems.add("insufficient_pollutants")

    dominant = None
    if aqi is not None and not (standard == CN and aqi <= 50):
        dominant = ",".join(p for p, s in defined.items() if s == aqi)
    result: dict[str, Any] = {
        "aqi": aqi,
        "category": category(aqi, standard),
        "dominant": dominant,
        "status": _status(problems, readings),
        "subindices": sub,
    }
    if standard == CN:
        exceeding = [p for p, s in defined.items() if s > 100]
        result["exceeding"] = ",".join(exceeding) if exceeding else None
    return result


def aqhi_value(no2: Fraction, o3: Fraction, pm25: Fraction) -> Decimal:
    """(10/10.4)·100·Σ(e^{βx} − 1), at 60 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        terms = [
            (AQHI_COEFFICIENTS[p] * _decimal(x)).exp() - 1
            for p, x in (("no2", no2), ("o3", o3), ("pm25", pm25))
        ]
        return Decimal(1000) / Decimal("10.4") * sum(terms, Decimal(0))


def _decimal(x: Fraction) -> Decimal:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    assert Fraction(d) == x, x  # readings come from decimals, so this is exact
    return d


def _aqhi(readings: dict[str, Reading], negative: str) -> dict[str, Any]:
    parsed = {m: _reading(v, negative) for m, v in readings.items()}
    problems = {p for _, p in parsed.values() if p is not None}
    xs = {m: parsed[m][0] if m in parsed else None for m in ("no2", "o3", "pm25")}
    result: dict[str, Any] = {
        "aqi": None,
        "category": None,
        "dominant": None,
        "subindices": {},
        "label": None,
        "value": None,
    }
    if any(x is None for x in xs.values()):
        if any(v is not None for v in readings.values()):
            problems.add("insufficient_pollutants")
        result["status"] = _status(problems, readings)
        return result
    no2, o3, pm25 = (x for x in xs.values() if x is not None)
    value = aqhi_value(no2, o3, pm25)
    aqi = max(1, int(value.to_integral_value(rounding=ROUND_HALF_UP)))
    if aqi >= INT32_MAX:  # the index column is int32: saturated, and said so
        aqi = INT32_MAX
        problems.add("beyond_index")
    # The largest term has the largest exponent β·x (exp is increasing): compare exactly.
    given = {"pm25": pm25, "o3": o3, "no2": no2}  # canonical order
    exponents = {p: Fraction(AQHI_COEFFICIENTS[p]) * x for p, x in given.items()}
    top = max(exponents.values())
    result |= {
        "aqi": aqi,
        "category": category(aqi, CA),
        "dominant": ",".join(p for p, e in exponents.items() if e == top),
        "label": str(aqi) if aqi <= 10 else "10+",
        "value": float(value),
        "exact_value": value,
    }
    result["status"] = _status(problems, readings)
    return result
