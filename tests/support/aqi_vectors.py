"""Hand-derived US EPA AQI vectors, shared by tests/aqi/test_oracle.py and test_compute.py.

Every expected number is worked out from docs/standards/index.md and us_epa.md, with
I = I_lo + (I_hi - I_lo) * (C - BP_lo) / (BP_hi - BP_lo) on the truncated C, rounded half up;
the arithmetic is written next to the non-obvious ones. Never produced by
running the oracle or the engine.
"""

from __future__ import annotations

import math
from typing import Any

NAN, INF = math.nan, math.inf
GOOD, MOD, USG = "Good", "Moderate", "Unhealthy for Sensitive Groups"
UNH, VUNH, HAZ = "Unhealthy", "Very Unhealthy", "Hazardous"

# Both ends of every breakpoint row ("conc:index"), typed from the reference tables a second
# time, independently of aqi_oracle.TABLES, so a typo in either shows up as a failure.
_ENDPOINTS: dict[str, dict[str, str]] = {
    "us_epa_2024": {  # docs/standards/us_epa.md
        "pm25": "0.0:0 9.0:50 9.1:51 35.4:100 35.5:101 55.4:150 55.5:151 125.4:200 "
        "125.5:201 225.4:300 225.5:301 325.4:500",
        "pm10": "0:0 54:50 55:51 154:100 155:101 254:150 255:151 354:200 355:201 424:300 "
        "425:301 604:500",
        "o3_8h": "0.000:0 0.054:50 0.055:51 0.070:100 0.071:101 0.085:150 0.086:151 "
        "0.105:200 0.106:201 0.200:300",
        "o3_1h": "0.125:101 0.164:150 0.165:151 0.204:200 0.205:201 0.404:300 0.405:301 0.604:500",
        "co": "0.0:0 4.4:50 4.5:51 9.4:100 9.5:101 12.4:150 12.5:151 15.4:200 15.5:201 "
        "30.4:300 30.5:301 50.4:500",
        "so2_1h": "0:0 35:50 36:51 75:100 76:101 185:150 186:151 304:200",
        "so2_24h": "305:201 604:300 605:301 1004:500",
        "no2": "0:0 53:50 54:51 100:100 101:101 360:150 361:151 649:200 650:201 1249:300 "
        "1250:301 2049:500",
    },
    "us_epa_2012": {  # docs/standards/us_epa.md
        "pm25": "0.0:0 12.0:50 12.1:51 35.4:100 35.5:101 55.4:150 55.5:151 150.4:200 "
        "150.5:201 250.4:300 250.5:301 350.4:400 350.5:401 500.4:500",
        "pm10": "0:0 54:50 55:51 154:100 155:101 254:150 255:151 354:200 355:201 424:300 "
        "425:301 504:400 505:401 604:500",
        "o3_8h": "0.000:0 0.054:50 0.055:51 0.070:100 0.071:101 0.085:150 0.086:151 "
        "0.105:200 0.106:201 0.200:300",
        "o3_1h": "0.125:101 0.164:150 0.165:151 0.204:200 0.205:201 0.404:300 0.405:301 "
        "0.504:400 0.505:401 0.604:500",
        "co": "0.0:0 4.4:50 4.5:51 9.4:100 9.5:101 12.4:150 12.5:151 15.4:200 15.5:201 "
        "30.4:300 30.5:301 40.4:400 40.5:401 50.4:500",
        "so2_1h": "0:0 35:50 36:51 75:100 76:101 185:150 186:151 304:200",
        "so2_24h": "305:201 604:300 605:301 804:400 805:401 1004:500",
        "no2": "0:0 53:50 54:51 100:100 101:101 360:150 361:151 649:200 650:201 1249:300 "
        "1250:301 1649:400 1650:401 2049:500",
    },
    "us_epa_1999": {  # 1999 PM2.5 rows quoted in docs/standards/us_epa.md
        "pm25": "0.0:0 15.4:50 15.5:51 40.4:100 40.5:101 65.4:150 65.5:151 150.4:200 "
        "150.5:201 250.4:300 250.5:301 350.4:400 350.5:401 500.4:500",
    },
}

# (standard, measure, value as written, expected sub-index) for every row end.
ENDPOINTS: list[tuple[str, str, str, int]] = [
    (std, m, conc, int(idx))
    for std, table in _ENDPOINTS.items()
    for m, ends in table.items()
    for conc, idx in (pair.split(":") for pair in ends.split())
]

E24, E12, E99 = "us_epa_2024", "us_epa_2012", "us_epa_1999"

# (standard, measure, value, beyond, expected sub-index or None)
SUBINDEX: list[tuple[str, str, str, str, int | None]] = [
    # Truncation, not rounding, and not x / 0.1 (docs/standards/{index,us_epa}.md)
    (E24, "pm25", "35.49", "extend", 100),
    (E24, "pm25", "9.05", "extend", 50),
    (E24, "pm25", "9.09", "extend", 50),
    (E24, "pm25", "9.1", "extend", 51),
    (E24, "pm25", "0.3", "extend", 2),  # 50 * 3/90 = 1.67
    (E12, "pm25", "0.3", "extend", 1),  # 50 * 3/120 = 1.25
    (E99, "pm25", "0.3", "extend", 1),  # 50 * 3/154 = 0.97
    (E24, "pm25", "35.5", "extend", 101),
    (E24, "pm25", "55.45", "extend", 150),
    (E24, "pm25", "125.45", "extend", 200),
    (E24, "pm10", "54.9", "extend", 50),
    (E24, "pm10", "424.99", "extend", 300),
    (E24, "co", "4.45", "extend", 50),
    (E24, "so2_1h", "35.9", "extend", 50),
    (E24, "no2", "53.7", "extend", 50),
    (E24, "o3_8h", "0.0549", "extend", 50),
    (E24, "o3_8h", "0.0709", "extend", 100),
    (E24, "o3_1h", "0.1259", "extend", 101),
    (E24, "o3_8h", "0.1259", "extend", 221),  # 201 + 99 * 19/94 = 221.01
    # Interior values
    (E24, "pm25", "12.0", "extend", 56),  # 51 + 49 * 29/263 = 56.40
    (E12, "pm25", "12.0", "extend", 50),
    (E99, "pm25", "12.0", "extend", 39),  # 50 * 120/154 = 38.96
    (E99, "pm25", "35.0", "extend", 89),  # 51 + 49 * 195/249 = 89.37
    (E24, "pm10", "50", "extend", 46),  # 50 * 50/54 = 46.30
    (E24, "o3_8h", "0.100", "extend", 187),  # 151 + 49 * 14/19 = 187.11
    (E24, "o3_1h", "0.130", "extend", 107),  # 101 + 49 * 5/39 = 107.28
    (E24, "o3_1h", "0.200", "extend", 195),  # 151 + 49 * 35/39 = 194.97
    (E24, "so2_1h", "100", "extend", 112),  # 101 + 49 * 24/109 = 111.79
    (E24, "so2_24h", "350", "extend", 216),  # 201 + 99 * 45/299 = 215.90
    (E24, "o3_1h", "0.450", "extend", 346),  # 301 + 199 * 45/199
    (E12, "o3_1h", "0.450", "extend", 346),  # 301 + 99 * 45/99
    (E12, "pm25", "330.0", "extend", 380),  # 301 + 99 * 795/999 = 379.78
    # Exact .5 ties round half up (docs/standards/index.md)
    (E24, "co", "1.1", "extend", 13),  # 12.5
    (E12, "co", "1.1", "extend", 13),
    (E24, "co", "3.3", "extend", 38),  # 37.5
    (E24, "so2_1h", "245", "extend", 176),  # 151 + 49 * 59/118 = 175.5
    (E24, "no2", "77", "extend", 76),  # 51 + 49 * 23/46 = 75.5
    (E24, "no2", "505", "extend", 176),  # 151 + 49 * 144/288 = 175.5
    (E24, "o3_8h", "0.072", "extend", 105),  # 101 + 49 * 1/14 = 104.5
    (E24, "o3_8h", "0.074", "extend", 112),  # 111.5
    (E24, "o3_8h", "0.076", "extend", 119),  # 118.5
    (E24, "o3_8h", "0.078", "extend", 126),  # 125.5
    (E24, "o3_8h", "0.080", "extend", 133),  # 132.5
    (E24, "o3_8h", "0.082", "extend", 140),  # 139.5
    (E24, "o3_8h", "0.084", "extend", 147),  # 146.5
    (E12, "o3_8h", "0.076", "extend", 119),
    (E24, "o3_8h", "0.153", "extend", 251),  # 201 + 99 * 47/94 = 250.5
    (E12, "pm25", "0.6", "extend", 3),  # 50 * 6/120 = 2.5
    (E12, "pm25", "1.8", "extend", 8),  # 7.5
    (E12, "pm25", "3.0", "extend", 13),  # 12.5
    (E12, "pm25", "5.4", "extend", 23),  # 22.5
    (E12, "pm25", "7.8", "extend", 33),  # 32.5
    (E12, "pm25", "9.0", "extend", 38),  # 37.5
    (E12, "pm25", "10.2", "extend", 43),  # 42.5
    (E12, "pm25", "11.4", "extend", 48),  # 47.5
    # Above the top breakpoint (docs/standards/us_epa.md): extend the 301-500 row, or cap, or null
    (E24, "pm25", "325.5", "extend", 500),  # 301 + 199 * 1000/999 = 500.20
    (E24, "pm25", "330.0", "extend", 509),  # 301 + 199 * 1045/999 = 509.16
    (E24, "pm25", "500.0", "extend", 848),  # 301 + 199 * 2745/999 = 847.80
    (E24, "pm25", "330.0", "cap", 500),
    (E24, "pm25", "330.0", "null", None),
    (E24, "pm25", "325.4", "null", 500),  # the top itself is not beyond
    (E24, "pm10", "605", "extend", 501),  # 301 + 199 * 180/179 = 501.11
    (E24, "pm10", "700", "extend", 607),  # 301 + 199 * 275/179 = 606.73
    (E24, "co", "50.5", "extend", 501),  # 301 + 199 * 200/199
    (E24, "co", "60", "extend", 596),  # 301 + 199 * 295/199
    (E24, "no2", "2100", "extend", 513),  # 301 + 199 * 850/799 = 512.70
    (E24, "no2", "2050", "extend", 500),  # 301 + 199 * 800/799 = 500.25
    (E24, "so2_24h", "1005", "extend", 500),  # 301 + 199 * 400/399 = 500.50 (not a tie)
    (E24, "so2_24h", "1100", "extend", 548),  # 301 + 199 * 495/399 = 547.88
    (E24, "so2_24h", "1100", "cap", 500),
    (E24, "o3_1h", "0.605", "extend", 501),  # 301 + 199 * 200/199
    (E24, "o3_1h", "0.700", "extend", 596),  # 301 + 199 * 295/199
    (E24, "o3_1h", "0.700", "null", None),
    (E12, "pm25", "500.5", "extend", 500),  # 401 + 99 * 1500/1499 = 500.07
    (E12, "pm25", "600.0", "extend", 566),  # 401 + 99 * 2495/1499 = 565.78
    (E12, "pm25", "600.0", "cap", 500),
    (E99, "pm25", "600.0", "extend", 566),  # same top row as 2012
    (E99, "pm25", "600.0", "null", None),
    # Merged 2024 Hazardous row vs the two pre-2024 rows (docs/standards/us_epa.md)
    (E24, "pm10", "504", "extend", 389),  # 301 + 199 * 79/179 = 388.83
    (E12, "pm10", "504", "extend", 400),
    (E24, "pm10", "450", "extend", 329),  # 301 + 199 * 25/179 = 328.79
    (E12, "pm10", "450", "extend", 332),  # 301 + 99 * 25/79 = 332.33
    (E24, "so2_24h", "804", "extend", 400),  # 301 + 199 * 199/399 = 400.25
    (E24, "so2_24h", "700", "extend", 348),  # 301 + 199 * 95/399 = 348.38
    (E12, "so2_24h", "700", "extend", 348),  # 301 + 99 * 95/199 = 348.26
    (E24, "no2", "1649", "extend", 400),  # 301 + 199 * 399/799 = 400.38
    # Measures with part of the scale missing (docs/standards/us_epa.md)
    (E24, "o3_1h", "0.124", "extend", None),
    (E24, "o3_1h", "0", "extend", None),
    (E24, "o3_8h", "0.201", "extend", None),
    (E24, "o3_8h", "0.201", "cap", None),  # not "beyond": 8-h simply ends at 300
    (E12, "o3_8h", "0.5", "extend", None),
    (E24, "so2_1h", "305", "extend", 200),
    (E24, "so2_1h", "2000", "null", 200),  # 1-h never goes beyond 200
    (E24, "so2_24h", "304", "extend", None),
    (E24, "so2_24h", "0", "extend", None),
    # Aliases
    (E24, "o3", "0.080", "extend", 133),
    (E24, "so2", "245", "extend", 176),
    (E24, "so2", "400", "extend", 200),
]

# (measure, value, unit, expected sub-index); ppb = ug/m3 * 24.45 / M.
UNITS: list[tuple[str, float, str, int]] = [
    ("o3", 137.4, "ug/m3", 97),  # 137.4*24.45/48.00 = 69.988 ppb -> 0.069 ppm: 51+49*14/15
    ("o3_1h", 400.0, "ug/m3", 199),  # 203.75 ppb -> 0.203: 151 + 49 * 38/39 = 198.74
    ("o3", 70.0, "ppb", 100),  # 0.070 ppm
    ("no2", 200.0, "ug/m3", 102),  # 200*24.45/46.01 = 106.28 -> 106: 101 + 49 * 5/259
    ("no2", 0.1, "ppm", 100),  # 100 ppb
    ("so2", 0.245, "ppm", 176),  # 245 ppb (tie 175.5)
    ("so2", 500.0, "ug/m3", 153),  # 190.81 ppb -> 190: 151 + 49 * 4/118 = 152.66
    ("co", 10.0, "mg/m3", 93),  # 10*24.45/28.01 = 8.729 ppm -> 8.7: 51 + 49 * 42/49
    ("co", 5000.0, "ug/m3", 49),  # 4.3645 ppm -> 4.3: 50 * 43/44 = 48.86
    ("pm25", 0.040, "mg/m3", 112),  # 40.0 ug/m3: 101 + 49 * 45/199 = 112.08
    ("pm25", 35.5, "ug/m3", 101),
]

# (standard, beyond, {measure: reading}, (aqi, category, dominant, status))
ROWS: list[tuple[str, str, dict[str, float | None], tuple]] = [
    (E24, "extend", {"pm25": 35.5, "pm10": 155}, (101, USG, "pm25,pm10", "ok")),
    # canonical dominant order whatever the column order
    (
        E24,
        "extend",
        {"no2": 53, "co": 4.4, "pm10": 54, "pm25": 9.0},
        (50, GOOD, "pm25,pm10,co,no2", "ok"),
    ),
    (E24, "extend", {"o3_8h": 0.055, "so2_1h": 36}, (51, MOD, "o3,so2", "ok")),
    (E24, "extend", {"o3_8h": 0.072, "pm10": 155}, (105, USG, "o3", "ok")),
    (E24, "extend", {"pm25": None, "pm10": 50}, (46, GOOD, "pm10", "ok")),
    (E24, "extend", {"pm25": -0.0}, (0, GOOD, "pm25", "ok")),
    (E24, "extend", {"pm25": NAN, "pm10": 50}, (46, GOOD, "pm10", "not_finite")),
    (E24, "extend", {"pm25": INF, "pm10": 50}, (46, GOOD, "pm10", "not_finite")),
    (E24, "extend", {"pm25": -INF, "pm10": 50}, (46, GOOD, "pm10", "not_finite")),
    (E24, "extend", {"pm25": None, "pm10": None}, (None, None, None, "no_data")),
    # O3 8-h / 1-h (docs/standards/us_epa.md)
    (E24, "extend", {"o3_8h": 0.25}, (None, None, None, "undefined")),
    (E24, "extend", {"o3_8h": 0.25, "pm25": 35.5}, (101, USG, "pm25", "undefined")),
    (E24, "extend", {"o3_1h": 0.1}, (None, None, None, "undefined")),
    (E24, "extend", {"o3_1h": 0.1, "o3_8h": None}, (None, None, None, "undefined")),
    (E24, "extend", {"o3_1h": 0.1, "o3_8h": 0.21}, (None, None, None, "undefined")),
    (E24, "extend", {"o3_1h": 0.125}, (101, USG, "o3", "ok")),
    (E24, "extend", {"o3_1h": 0.1, "o3_8h": 0.080}, (133, USG, "o3", "ok")),
    (E24, "extend", {"o3_1h": 0.130, "o3_8h": 0.080}, (133, USG, "o3", "ok")),  # max(107, 133)
    (E24, "extend", {"o3_1h": 0.200, "o3_8h": 0.080}, (195, UNH, "o3", "ok")),  # max(195, 133)
    (E24, "extend", {"o3_1h": 0.450, "o3_8h": 0.21}, (346, HAZ, "o3", "ok")),
    (E24, "extend", {"o3_1h": 0.700, "o3_8h": 0.100}, (596, HAZ, "o3", "beyond_index")),
    (E24, "cap", {"o3_1h": 0.700, "o3_8h": 0.100}, (500, HAZ, "o3", "beyond_index")),
    (E24, "null", {"o3_1h": 0.700, "o3_8h": 0.100}, (None, None, None, "beyond_index")),
    # SO2 1-h / 24-h (docs/standards/us_epa.md)
    (E24, "extend", {"so2_1h": 400}, (200, UNH, "so2", "ok")),
    (E24, "extend", {"so2_1h": 400, "so2_24h": 350}, (216, VUNH, "so2", "ok")),
    (E24, "extend", {"so2_1h": 400, "so2_24h": 200}, (200, UNH, "so2", "ok")),
    (E24, "extend", {"so2_1h": 400, "so2_24h": None}, (200, UNH, "so2", "ok")),
    (E24, "extend", {"so2_1h": 100, "so2_24h": 350}, (112, USG, "so2", "ok")),  # 24-h unused
    (E24, "extend", {"so2_24h": 350}, (216, VUNH, "so2", "ok")),
    (E24, "extend", {"so2_24h": 304}, (None, None, None, "undefined")),
    (E24, "extend", {"so2_1h": NAN, "so2_24h": 350}, (216, VUNH, "so2", "not_finite")),
    (E24, "extend", {"so2_1h": 400, "so2_24h": 1100}, (548, HAZ, "so2", "beyond_index")),
    (E24, "cap", {"so2_1h": 400, "so2_24h": 1100}, (500, HAZ, "so2", "beyond_index")),
    (E24, "null", {"so2_1h": 400, "so2_24h": 1100}, (None, None, None, "beyond_index")),
    (E12, "extend", {"so2_1h": 400, "so2_24h": 700}, (348, HAZ, "so2", "ok")),
    # beyond and status priority
    (E24, "extend", {"pm25": 330.0, "pm10": 50}, (509, HAZ, "pm25", "beyond_index")),
    (E24, "cap", {"pm25": 330.0, "pm10": 50}, (500, HAZ, "pm25", "beyond_index")),
    (E24, "null", {"pm25": 330.0, "pm10": 50}, (None, None, None, "beyond_index")),
    (E24, "extend", {"pm25": 500.0, "no2": 2100}, (848, HAZ, "pm25", "beyond_index")),
    (E24, "extend", {"pm25": 330.0, "o3_8h": 0.25}, (509, HAZ, "pm25", "undefined")),
    (E24, "null", {"pm25": 330.0, "o3_8h": 0.25}, (None, None, None, "undefined")),
    (E24, "null", {"pm25": 325.4}, (500, HAZ, "pm25", "ok")),
    (E12, "extend", {"pm25": 330.0}, (380, HAZ, "pm25", "ok")),
    (E12, "extend", {"pm25": 600.0}, (566, HAZ, "pm25", "beyond_index")),
    (E99, "extend", {"pm25": 35.0}, (89, MOD, "pm25", "ok")),
    # category boundaries
    *[
        (E24, "extend", {"pm10": c}, (i, cat, "pm10", "ok"))
        for c, i, cat in [
            (0, 0, GOOD),
            (54, 50, GOOD),
            (55, 51, MOD),
            (154, 100, MOD),
            (155, 101, USG),
            (254, 150, USG),
            (255, 151, UNH),
            (354, 200, UNH),
            (355, 201, VUNH),
            (424, 300, VUNH),
            (425, 301, HAZ),
            (604, 500, HAZ),
        ]
    ],
]

# (standard, beyond, {measure: reading}, {pollutant: sub-index}) for subindices=True.
SUBINDICES: list[tuple[str, str, dict[str, float | None], dict[str, int | None]]] = [
    (E24, "extend", {"pm25": 35.5, "pm10": 155}, {"pm25": 101, "pm10": 101}),
    (E24, "extend", {"o3_8h": 0.25, "pm25": 35.5}, {"pm25": 101, "o3": None}),
    (E24, "extend", {"o3_1h": 0.200, "o3_8h": 0.080, "co": 1.1}, {"o3": 195, "co": 13}),
    (E24, "extend", {"so2_24h": 304, "no2": 77}, {"so2": None, "no2": 76}),
    (E24, "extend", {"so2_1h": 400, "so2_24h": 350}, {"so2": 216}),
    (E24, "null", {"so2_1h": 400, "so2_24h": 1100, "no2": 77}, {"so2": None, "no2": 76}),
    (E24, "null", {"pm25": 330.0, "pm10": 50}, {"pm25": None, "pm10": 46}),
    (E24, "cap", {"pm25": 330.0, "pm10": 50}, {"pm25": 500, "pm10": 46}),
]

# Negative readings (docs/standards/us_epa.md): EPA's AQS and AirData daily files publish AQI 0
# for slightly negative daily values, so the US EPA tables rate a negative reading as a
# concentration of 0 by default ("zero", status negative_as_zero, after beyond_index in
# priority); "null" gives it no sub-index (status negative, before undefined).
# (standard, negative, {measure: reading}, (aqi, category, dominant, status), {pollutant: sub}).
NEGATIVE: list[tuple[str, str, dict[str, float | None], tuple, dict[str, int | None]]] = [
    (E24, "null", {"pm25": -1.0, "pm10": 50}, (46, GOOD, "pm10", "negative"), {"pm25": None}),
    (E24, "null", {"pm25": -0.01}, (None, None, None, "negative"), {"pm25": None}),
    (E24, "null", {"pm25": NAN, "pm10": -3}, (None, None, None, "not_finite"), {"pm10": None}),
    (E24, "null", {"pm25": -1.0, "o3_8h": 0.25}, (None, None, None, "negative"), {"o3": None}),
    (E24, "null", {"pm25": 330.0, "pm10": -1}, (509, HAZ, "pm25", "negative"), {"pm10": None}),
    (
        E24,
        "null",
        {"pm25": NAN, "pm10": -5, "co": None},
        (None, None, None, "not_finite"),
        {"pm25": None, "pm10": None, "co": None},
    ),
    (E24, "null", {"pm25": -3.4}, (None, None, None, "negative"), {"pm25": None}),
    # The 1-h value is unusable: the 24-h 350 rates SO2, 201 + 99 * 45/299 = 215.90 -> 216.
    (
        E24,
        "null",
        {"so2_1h": -2, "so2_24h": 350},
        (216, VUNH, "so2", "negative"),
        {"so2": 216},
    ),
    # pm25 -1.0 -> 0 -> 0; pm10 50 -> 50 * 50/54 = 46.30 -> 46.
    (E24, "zero", {"pm25": -1.0, "pm10": 50}, (46, GOOD, "pm10", "negative_as_zero"), {"pm25": 0}),
    (E24, "zero", {"pm25": -0.01}, (0, GOOD, "pm25", "negative_as_zero"), {"pm25": 0}),
    (E24, "zero", {"pm25": -3.4}, (0, GOOD, "pm25", "negative_as_zero"), {"pm25": 0}),  # AQS
    (E12, "zero", {"pm25": -3.4}, (0, GOOD, "pm25", "negative_as_zero"), {"pm25": 0}),
    (E99, "zero", {"pm25": -2.0}, (0, GOOD, "pm25", "negative_as_zero"), {"pm25": 0}),
    (E24, "zero", {"pm25": -0.0}, (0, GOOD, "pm25", "ok"), {"pm25": 0}),  # -0.0 is 0
    (E24, "zero", {"pm25": NAN, "pm10": -3}, (0, GOOD, "pm10", "not_finite"), {"pm10": 0}),
    (E24, "zero", {"pm25": -INF, "pm10": 50}, (46, GOOD, "pm10", "not_finite"), {"pm25": None}),
    # undefined (8-h O3 above 0.200 alone) and beyond_index outrank negative_as_zero.
    (E24, "zero", {"pm25": -1.0, "o3_8h": 0.25}, (0, GOOD, "pm25", "undefined"), {"o3": None}),
    (E24, "zero", {"pm25": 330.0, "pm10": -1}, (509, HAZ, "pm25", "beyond_index"), {"pm10": 0}),
    (E12, "zero", {"pm25": -0.5, "co": -0.1}, (0, GOOD, "pm25,co", "negative_as_zero"), {"co": 0}),
    (E24, "zero", {"no2": -5, "pm10": None}, (0, GOOD, "no2", "negative_as_zero"), {"no2": 0}),
    # 1-h SO2 rated as 0 (<= 304 ppb) is the SO2 index; the 24-h mean is not consulted.
    (
        E24,
        "zero",
        {"so2_1h": -2, "so2_24h": 350},
        (0, GOOD, "so2", "negative_as_zero"),
        {"so2": 0},
    ),
    # A 24-h SO2 of 0 alone rates nothing (below 305 ppb); a 1-h O3 of 0 neither (below 0.125).
    (E24, "zero", {"so2_24h": -2}, (None, None, None, "undefined"), {"so2": None}),
    (E24, "zero", {"o3_1h": -0.01}, (None, None, None, "undefined"), {"o3": None}),
    # 8-h 0.060: 51 + 49 * 5/15 = 67.33 -> 67; the 1-h 0 defines nothing beside it.
    (
        E24,
        "zero",
        {"o3_1h": -0.01, "o3_8h": 0.060},
        (67, MOD, "o3", "negative_as_zero"),
        {"o3": 67},
    ),
]

CATEGORY_TABLE = [  # docs/standards/us_epa.md (name, aqi_lo, aqi_hi, colour, hex)
    ("Good", 0, 50, "Green", "#00E400"),
    ("Moderate", 51, 100, "Yellow", "#FFFF00"),
    ("Unhealthy for Sensitive Groups", 101, 150, "Orange", "#FF7E00"),
    ("Unhealthy", 151, 200, "Red", "#FF0000"),
    ("Very Unhealthy", 201, 300, "Purple", "#8F3F97"),
    ("Hazardous", 301, None, "Maroon", "#7E0023"),
]


def case_id(case: tuple) -> str:
    return "-".join(str(part) for part in case[:4]).replace(" ", "")


# --- helpers shared by the pytest files ------------------------------------------------------

OUTPUTS = ["aqi", "aqi_category", "aqi_dominant", "aqi_status"]


def summary(result: Any) -> list[tuple]:
    """(aqi, category, dominant, status) of every row of a pt.aqi.compute result."""
    cols = [result.column(c).to_pylist() for c in OUTPUTS]
    return list(zip(*cols, strict=True))
