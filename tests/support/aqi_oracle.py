"""Slow, obviously-correct oracle for the US EPA AQI (the pt.aqi contract in plain Python).

Tables are typed from docs/standards/us_epa.md (the 2024 table, the pre-2024 table as
"us_epa_2012", and the 1999 PM2.5 rows). Arithmetic is exact: a float is read as
``Decimal(repr(x))``, truncated to the measure's quantum, and interpolated with ``Fraction``;
the index is rounded half up. No numpy, no floats in the computation.

A negative reading is rated as a concentration of 0 by default (``negative="zero"``, status
``negative_as_zero``: EPA publishes AQI 0 for slightly negative daily values), or gets no
sub-index with ``negative="null"`` (status ``negative``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from functools import cache

# (conc_lo, conc_hi, aqi_lo, aqi_hi), concentrations as in the reference (native units).
Row = tuple[str, str, int, int]

QUANTUM = {
    "pm25": Fraction("0.1"),
    "pm10": Fraction(1),
    "o3_8h": Fraction("0.001"),
    "o3_1h": Fraction("0.001"),
    "co": Fraction("0.1"),
    "so2_1h": Fraction(1),
    "so2_24h": Fraction(1),
    "no2": Fraction(1),
}
MEASURES = tuple(QUANTUM)
POLLUTANT = {
    "pm25": "pm25",
    "pm10": "pm10",
    "o3_8h": "o3",
    "o3_1h": "o3",
    "co": "co",
    "so2_1h": "so2",
    "so2_24h": "so2",
    "no2": "no2",
}
POLLUTANTS = ("pm25", "pm10", "o3", "co", "so2", "no2")  # canonical output order
ALIASES = {"o3": "o3_8h", "so2": "so2_1h"}
STATUS_ORDER = ("not_finite", "negative", "undefined", "beyond_index", "negative_as_zero")
BEYOND = ("extend", "cap", "null")
NEGATIVE = ("zero", "null")  # the first is every US EPA table's default

# Rows up to AQI 300 that the 2024 and pre-2024 tables share (docs/standards/us_epa.md: "identical
# ... rows <= 300").
_O3_8H: list[Row] = [
    ("0.000", "0.054", 0, 50),
    ("0.055", "0.070", 51, 100),
    ("0.071", "0.085", 101, 150),
    ("0.086", "0.105", 151, 200),
    ("0.106", "0.200", 201, 300),
]
_O3_1H: list[Row] = [
    ("0.125", "0.164", 101, 150),
    ("0.165", "0.204", 151, 200),
    ("0.205", "0.404", 201, 300),
]
_PM10: list[Row] = [
    ("0", "54", 0, 50),
    ("55", "154", 51, 100),
    ("155", "254", 101, 150),
    ("255", "354", 151, 200),
    ("355", "424", 201, 300),
]
_CO: list[Row] = [
    ("0.0", "4.4", 0, 50),
    ("4.5", "9.4", 51, 100),
    ("9.5", "12.4", 101, 150),
    ("12.5", "15.4", 151, 200),
    ("15.5", "30.4", 201, 300),
]
_SO2_1H: list[Row] = [
    ("0", "35", 0, 50),
    ("36", "75", 51, 100),
    ("76", "185", 101, 150),
    ("186", "304", 151, 200),
]
_SO2_24H: list[Row] = [("305", "604", 201, 300)]
_NO2: list[Row] = [
    ("0", "53", 0, 50),
    ("54", "100", 51, 100),
    ("101", "360", 101, 150),
    ("361", "649", 151, 200),
    ("650", "1249", 201, 300),
]

TABLES: dict[str, dict[str, list[Row]]] = {
    "us_epa_2024": {  # docs/standards/us_epa.md: one Hazardous row 301-500 for every pollutant
        "pm25": [
            ("0.0", "9.0", 0, 50),
            ("9.1", "35.4", 51, 100),
            ("35.5", "55.4", 101, 150),
            ("55.5", "125.4", 151, 200),
            ("125.5", "225.4", 201, 300),
            ("225.5", "325.4", 301, 500),
        ],
        "pm10": [*_PM10, ("425", "604", 301, 500)],
        "o3_8h": _O3_8H,
        "o3_1h": [*_O3_1H, ("0.405", "0.604", 301, 500)],
        "co": [*_CO, ("30.5", "50.4", 301, 500)],
        "so2_1h": _SO2_1H,
        "so2_24h": [*_SO2_24H, ("605", "1004", 301, 500)],
        "no2": [*_NO2, ("1250", "2049", 301, 500)],
    },
    "us_epa_2012": {  # docs/standards/us_epa.md: two Hazardous rows, 301-400 and 401-500
        "pm25": [
            ("0.0", "12.0", 0, 50),
            ("12.1", "35.4", 51, 100),
            ("35.5", "55.4", 101, 150),
            ("55.5", "150.4", 151, 200),
            ("150.5", "250.4", 201, 300),
            ("250.5", "350.4", 301, 400),
            ("350.5", "500.4", 401, 500),
        ],
        "pm10": [*_PM10, ("425", "504", 301, 400), ("505", "604", 401, 500)],
        "o3_8h": _O3_8H,
        "o3_1h": [*_O3_1H, ("0.405", "0.504", 301, 400), ("0.505", "0.604", 401, 500)],
        "co": [*_CO, ("30.5", "40.4", 301, 400), ("40.5", "50.4", 401, 500)],
        "so2_1h": _SO2_1H,
        "so2_24h": [*_SO2_24H, ("605", "804", 301, 400), ("805", "1004", 401, 500)],
        "no2": [*_NO2, ("1250", "1649", 301, 400), ("1650", "2049", 401, 500)],
    },
    "us_epa_1999": {  # 74 FR 30469 PM2.5 rows; no other measure exists in this standard
        "pm25": [
            ("0.0", "15.4", 0, 50),
            ("15.5", "40.4", 51, 100),
            ("40.5", "65.4", 101, 150),
            ("65.5", "150.4", 151, 200),
            ("150.5", "250.4", 201, 300),
            ("250.5", "350.4", 301, 400),
            ("350.5", "500.4", 401, 500),
        ],
    },
}
STANDARDS = tuple(TABLES)

CATEGORIES = (  # docs/standards/us_epa.md: (name, aqi_lo, aqi_hi or None when open-ended)
    ("Good", 0, 50),
    ("Moderate", 51, 100),
    ("Unhealthy for Sensitive Groups", 101, 150),
    ("Unhealthy", 151, 200),
    ("Very Unhealthy", 201, 300),
    ("Hazardous", 301, None),
)

# Unit conversion (docs/standards/index.md via the contract): 25 C, molar volume 24.45 L; ppb =
# ug/m3 * 24.45 / M.
MOLAR_MASS = {
    "o3": Fraction("48.00"),
    "no2": Fraction("46.01"),
    "so2": Fraction("64.07"),
    "co": Fraction("28.01"),
}
NATIVE_UNIT = {
    "pm25": "ug/m3",
    "pm10": "ug/m3",
    "o3": "ppm",
    "co": "ppm",
    "so2": "ppb",
    "no2": "ppb",
}


def measure_key(measure: str) -> str:
    """Resolve the aliases "o3" (= o3_8h) and "so2" (= so2_1h)."""
    return ALIASES.get(measure, measure)


def rows(measure: str, standard: str) -> list[tuple[int, int, int, int]]:
    """The table rows with concentrations as integer counts of the measure's quantum."""
    if measure not in TABLES[standard]:
        raise ValueError(f"{measure} is not defined in {standard}")
    q = QUANTUM[measure]
    return [
        (_whole(Fraction(lo) / q), _whole(Fraction(hi) / q), ilo, ihi)
        for lo, hi, ilo, ihi in TABLES[standard][measure]
    ]


def _whole(x: Fraction) -> int:
    assert x.denominator == 1, x
    return int(x)


def to_native(value: Fraction, measure: str, unit: str) -> Fraction:
    """Convert an exact value given in ``unit`` to the measure's native unit."""
    pollutant = POLLUTANT[measure]
    if pollutant in ("pm25", "pm10"):
        factor = {"ug/m3": Fraction(1), "mg/m3": Fraction(1000)}[unit]
    else:
        mass = MOLAR_MASS[pollutant]
        to_ppb = {
            "ppb": Fraction(1),
            "ppm": Fraction(1000),
            "ug/m3": Fraction("24.45") / mass,
            "mg/m3": 1000 * Fraction("24.45") / mass,
        }[unit]
        factor = to_ppb / 1000 if NATIVE_UNIT[pollutant] == "ppm" else to_ppb
    return value * factor


Reading = float | int | Decimal | Fraction | None


def exact(value: Reading) -> tuple[Fraction | None, str | None]:
    """(exact value, problem) of one reading; null is (None, None), not a problem."""
    if value is None:
        return None, None
    if isinstance(value, Fraction):
        x = value
    else:
        # repr gives the shortest decimal that round-trips: the number the user wrote.
        d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        if not d.is_finite():
            return None, "not_finite"
        x = Fraction(d)
    return (None, "negative") if x < 0 else (x, None)


def rated_value(value: Reading, negative: str = "zero") -> tuple[Fraction | None, str | None]:
    """``exact`` with the ``negative`` policy: under "zero" a negative reading is 0."""
    assert negative in NEGATIVE
    x, problem = exact(value)
    if problem == "negative" and negative == "zero":
        return Fraction(0), "negative_as_zero"
    return x, problem


def truncate(x: Fraction, measure: str) -> int:
    """The concentration as a whole number of quanta, truncated (docs/standards)."""
    return math.floor(x / QUANTUM[measure])


def _interpolate(c: int, row: tuple[int, int, int, int]) -> int:
    lo, hi, ilo, ihi = row
    index = ilo + Fraction(ihi - ilo, hi - lo) * (c - lo)
    return math.floor(index + Fraction(1, 2))  # half up (docs/standards/index.md)


def index_of(
    x: Fraction, measure: str, standard: str, beyond: str
) -> tuple[int | None, str | None]:
    """(sub-index, problem) of an exact non-negative native-unit value (contract steps 3-6)."""
    c = truncate(x, measure)
    table = rows(measure, standard)
    for row in table:
        if row[0] <= c <= row[1]:
            return _interpolate(c, row), None
    if c < table[0][0]:  # only o3_1h (< 0.125) and so2_24h (< 305) start above zero
        return None, None
    if (
        measure == "so2_1h"
    ):  # above 304 ppb the 1-h value can only say 200 (docs/standards/us_epa.md)
        return 200, None
    if measure == "o3_8h":  # 8-h table ends at 0.200 ppm / AQI 300 (docs/standards/us_epa.md)
        return None, None
    # Above the AQI-500 concentration (docs/standards/us_epa.md).
    if beyond == "cap":
        return 500, "beyond_index"
    if beyond == "null":
        return None, "beyond_index"
    return _interpolate(c, table[-1]), "beyond_index"


def reading(
    value: Reading, measure: str, standard: str, beyond: str, negative: str = "zero"
) -> tuple[int | None, str | None]:
    x, problem = rated_value(value, negative)
    if x is None:
        return None, problem
    index, beyond_problem = index_of(x, measure, standard, beyond)
    return index, problem or beyond_problem  # 0 is never beyond


def subindex(
    value: Reading,
    measure: str,
    standard: str = "us_epa_2024",
    beyond: str = "extend",
    unit: str | None = None,
    negative: str = "zero",
) -> int | None:
    """Sub-index of one reading, as pt.aqi.subindex on a scalar."""
    assert beyond in BEYOND
    measure = measure_key(measure)
    x, _ = rated_value(value, negative)
    if x is None:
        return None
    if unit is not None:
        x = to_native(x, measure, unit)
    return index_of(x, measure, standard, beyond)[0]


def category(aqi: int | None) -> str | None:
    if aqi is None:
        return None
    return next(name for name, lo, hi in CATEGORIES if lo <= aqi and (hi is None or aqi <= hi))


def compute_row(
    values: dict[str, Reading],
    standard: str = "us_epa_2024",
    beyond: str = "extend",
    negative: str = "zero",
) -> tuple[int | None, str | None, str | None, str, dict[str, int | None]]:
    """One row of pt.aqi.compute: (aqi, category, dominant, status, {pollutant: sub-index}).

    ``values`` maps measures (or the aliases o3/so2) to a reading (None = null).
    """
    assert beyond in BEYOND
    values = {measure_key(m): v for m, v in values.items()}
    if set(values) - set(TABLES[standard]):
        raise ValueError(f"{standard} defines only {sorted(TABLES[standard])}")
    read = {m: reading(v, m, standard, beyond, negative) for m, v in values.items()}
    # A negative reading rated as 0 is a valid 0 for every rule below.
    exacts = {m: rated_value(v, negative)[0] for m, v in values.items()}
    valid = {m for m, x in exacts.items() if x is not None}
    bad = ("not_finite", "negative", "negative_as_zero")
    problems = {p for _, p in read.values() if p in bad}
    sub: dict[str, int | None] = {}
    used: list[str] = []  # measures whose reading became the pollutant's sub-index

    for m in ("pm25", "pm10", "co", "no2"):
        if m in values:
            sub[m] = read[m][0]
            used.append(m)

    o3 = [m for m in ("o3_8h", "o3_1h") if m in values]
    if o3:
        # A valid reading "defines" an index unless it falls outside its table
        # (docs/standards/us_epa.md);
        # beyond="null" still counts as defined (it is beyond, not undefined).
        defining = [
            m for m in o3 if m in valid and (read[m][0] is not None or read[m][1] == "beyond_index")
        ]
        sub["o3"] = max((s for m in defining if (s := read[m][0]) is not None), default=None)
        used += defining
        if not defining and valid & set(o3):
            problems.add("undefined")

    if "so2_1h" in values or "so2_24h" in values:
        t1, t24 = (
            None if (x := exacts.get(m)) is None else truncate(x, m) for m in ("so2_1h", "so2_24h")
        )
        if t1 is not None and t1 <= 304:
            sub["so2"] = read["so2_1h"][0]
            used.append("so2_1h")
        elif (
            t24 is not None and t24 >= 305
        ):  # 24-h value decides above AQI 200 (docs/standards/us_epa.md)
            sub["so2"] = read["so2_24h"][0]
            used.append("so2_24h")
        elif t1 is not None:  # 1-h >= 305 without a usable 24-h value
            sub["so2"] = 200
        else:
            sub["so2"] = None
            if t24 is not None:  # only a 24-h value below 305: no SO2 index
                problems.add("undefined")

    if any(read[m][1] == "beyond_index" for m in used):
        problems.add("beyond_index")
    if beyond == "null":
        # A pollutant with a reading beyond its table has no index, even where another of its
        # periods (O3 8-h) defines a smaller one: that one would understate it.
        for m in used:
            if read[m][1] == "beyond_index":
                sub[POLLUTANT[m]] = None
    defined = [s for s in sub.values() if s is not None]
    aqi = max(defined) if defined else None
    if beyond == "null" and "beyond_index" in problems:
        aqi = None
    dominant = None if aqi is None else ",".join(p for p in POLLUTANTS if sub.get(p) == aqi)
    status = next((s for s in STATUS_ORDER if s in problems), None)
    if status is None:
        status = "no_data" if all(v is None for v in values.values()) else "ok"
    ordered = {p: sub[p] for p in POLLUTANTS if p in sub}
    return aqi, category(aqi), dominant, status, ordered


@cache
def _ladder(measure: str, standard: str) -> tuple[int | None, ...]:
    """Sub-index of every count 0..top of the table (the whole defined range up to AQI 500)."""
    top = rows(measure, standard)[-1][1]
    return tuple(
        index_of(c * QUANTUM[measure], measure, standard, "extend")[0] for c in range(top + 1)
    )


def concentration(index: int, measure: str, standard: str = "us_epa_2024") -> Fraction | None:
    """Lowest concentration (at the quantum) whose sub-index is >= index; index <= 500."""
    assert index <= 500
    measure = measure_key(measure)
    for c, s in enumerate(_ladder(measure, standard)):
        if s is not None and s >= index:
            return c * QUANTUM[measure]
    return None
