"""Hand-derived vectors for the non-US AQI standards, for tests/aqi/test_world.py.

Every expected value is worked out by hand from the standards' tables (docs/standards/india.md,
china.md, europe.md, uk.md, canada.md), with pollutrack's decisions where the sources are silent
(the Decisions sections of those pages); the arithmetic is
in a comment wherever it is not a plain table lookup. None of it was produced by running the
oracle or the engine. The tables are typed here a second time (row ends, breakpoints, band
limits, categories), independently of aqi_world_oracle, so a typo in either shows up.

Formulas used below:
  India  c = concentration rounded half up to 1 µg/m³ (CO, Pb 0.1);
         I = I_lo + (I_hi - I_lo)(c - BP_lo)/(BP_hi - BP_lo), rounded half up.
  China  c = concentration rounded half to even to 1 µg/m³ (CO 0.1 mg/m³);
         IAQI = I_lo + ceil((I_hi - I_lo)(c - BP_lo)/(BP_hi - BP_lo)).
  EEA    band k = first band whose upper limit u_k has C <= u_k (no rounding).
  UK     c = concentration rounded half up to an integer; band k = first with c <= u_k.
  AQHI   (1000/10.4)·[(e^{0.000871 NO2}-1) + (e^{0.000537 O3}-1) + (e^{0.000487 PM2.5}-1)].
"""

from __future__ import annotations

import math
from typing import NamedTuple

NAN, INF = math.nan, math.inf
IN, CN, EU24, EU_OLD, UK, CA = (
    "in_naqi",
    "cn_hj633_2012",
    "eu_eaqi_2024",
    "eu_eaqi_pre2024",
    "uk_daqi",
    "ca_aqhi",
)

# India categories
I_GOOD, SAT, MPOL, POOR, VPOOR, SEV = (
    "Good",
    "Satisfactory",
    "Moderately Polluted",
    "Poor",
    "Very Poor",
    "Severe",
)
# China categories
EXC, C_GOOD, LIGHT, C_MOD, HEAVY, C_SEV = (
    "Excellent",
    "Good",
    "Lightly Polluted",
    "Moderately Polluted",
    "Heavily Polluted",
    "Severely Polluted",
)
# EEA categories (band 1..6)
EEA = ("", "Good", "Fair", "Moderate", "Poor", "Very poor", "Extremely poor")
# UK categories
LOW, U_MOD, HIGH, VHIGH = "Low", "Moderate", "High", "Very High"
# AQHI categories
LOWR, MODR, HIGHR, VHIGHR = "Low risk", "Moderate risk", "High risk", "Very high risk"

# (name, index_lo, index_hi or None when open-ended, hex or None where the contract gives none)
CATEGORY_TABLE: dict[str, list[tuple[str, int, int | None, str | None]]] = {
    IN: [
        (I_GOOD, 0, 50, "#00B050"),
        (SAT, 51, 100, "#92D050"),
        (MPOL, 101, 200, "#FFFF00"),
        (POOR, 201, 300, "#FF6500"),
        (VPOOR, 301, 400, "#FF0000"),
        (SEV, 401, None, "#C00000"),
    ],
    CN: [
        (EXC, 0, 50, "#00E400"),
        (C_GOOD, 51, 100, "#FFFF00"),
        (LIGHT, 101, 150, "#FF7E00"),
        (C_MOD, 151, 200, "#FF0000"),
        (HEAVY, 201, 300, "#99004C"),
        (C_SEV, 301, None, "#7E0023"),
    ],
    EU24: [
        (EEA[1], 1, 1, "#50F0E6"),
        (EEA[2], 2, 2, "#50CCAA"),
        (EEA[3], 3, 3, "#F0E641"),
        (EEA[4], 4, 4, "#FF5050"),
        (EEA[5], 5, 5, "#960032"),
        (EEA[6], 6, 6, "#7D2181"),
    ],
    UK: [(LOW, 1, 3, None), (U_MOD, 4, 6, None), (HIGH, 7, 9, None), (VHIGH, 10, 10, None)],
    CA: [(LOWR, 1, 3, None), (MODR, 4, 6, None), (HIGHR, 7, 10, None), (VHIGHR, 11, None, None)],
}
CATEGORY_TABLE[EU_OLD] = CATEGORY_TABLE[EU24]

# Pollutant of every measure key, and the canonical output order.
CANONICAL = ("pm25", "pm10", "o3", "co", "so2", "no2", "nh3", "pb")
POLLUTANT_OF = {
    "pm25": "pm25",
    "pm10": "pm10",
    "o3": "o3",
    "o3_8h": "o3",
    "o3_1h": "o3",
    "co": "co",
    "co_24h": "co",
    "co_1h": "co",
    "so2": "so2",
    "so2_24h": "so2",
    "so2_1h": "so2",
    "no2": "no2",
    "no2_24h": "no2",
    "no2_1h": "no2",
    "nh3": "nh3",
    "pb": "pb",
}


class Vector(NamedTuple):
    standard: str
    readings: dict[str, float | None]
    aqi: int | None
    category: str | None
    dominant: str | None
    status: str
    note: str = ""
    beyond: str | None = None  # None = the standard's default ("cap" where it matters)
    exceeding: str | None = None  # cn_hj633_2012: aqi_exceeding (None = null)
    label: str | None = None  # ca_aqhi: aqi_label
    subindices: dict[str, int | None] | None = None  # checked when given
    negative: str | None = None  # None = the standard's default ("null" for all of these)


def vector_id(v: Vector) -> str:
    readings = ",".join(f"{k}={v}" for k, v in v.readings.items())
    options = [o for o in (v.beyond, v.negative and f"negative={v.negative}") if o]
    return f"{v.standard}-{readings}" + "".join(f"-{o}" for o in options)


# --- row ends: "conc:index" for both ends of every row / every breakpoint / band limit ------

ENDPOINT_TABLES: dict[str, dict[str, str]] = {
    # contract rows (docs/standards/india.md with the [D] lower bounds and the Severe upper ends)
    IN: {
        "pm10": "0:0 50:50 51:51 100:100 101:101 250:200 251:201 350:300 351:301 430:400 "
        "431:401 510:500",
        "pm25": "0:0 30:50 31:51 60:100 61:101 90:200 91:201 120:300 121:301 250:400 "
        "251:401 380:500",
        "no2": "0:0 40:50 41:51 80:100 81:101 180:200 181:201 280:300 281:301 400:400 "
        "401:401 520:500",
        "o3_8h": "0:0 50:50 51:51 100:100 101:101 168:200 169:201 208:300",
        "o3_1h": "209:301 748:400 749:401 1288:500",
        "co": "0.0:0 1.0:50 1.1:51 2.0:100 2.1:101 10.0:200 10.1:201 17.0:300 17.1:301 "
        "34.0:400 34.1:401 51.0:500",
        "so2": "0:0 40:50 41:51 80:100 81:101 380:200 381:201 800:300 801:301 1600:400 "
        "1601:401 2400:500",
        "nh3": "0:0 200:50 201:51 400:100 401:101 800:200 801:201 1200:300 1201:301 1800:400 "
        "1801:401 2400:500",
        "pb": "0.0:0 0.5:50 0.6:51 1.0:100 1.1:101 2.0:200 2.1:201 3.0:300 3.1:301 3.5:400 "
        "3.6:401 4.0:500",
    },
    CN: {  # docs/standards/china.md Table 1: a value on a breakpoint gets that breakpoint's IAQI
        "so2_24h": "0:0 50:50 150:100 475:150 800:200 1600:300 2100:400 2620:500",
        "so2_1h": "0:0 150:50 500:100 650:150 800:200",
        "no2_24h": "0:0 40:50 80:100 180:150 280:200 565:300 750:400 940:500",
        "no2_1h": "0:0 100:50 200:100 700:150 1200:200 2340:300 3090:400 3840:500",
        "pm10": "0:0 50:50 150:100 250:150 350:200 420:300 500:400 600:500",
        "co_24h": "0:0 2:50 4:100 14:150 24:200 36:300 48:400 60:500",
        "co_1h": "0:0 5:50 10:100 35:150 60:200 90:300 120:400 150:500",
        "o3_1h": "0:0 160:50 200:100 300:150 400:200 800:300 1000:400 1200:500",
        "o3_8h": "0:0 100:50 160:100 215:150 265:200 800:300",
        "pm25": "0:0 35:50 75:100 115:150 150:200 250:300 350:400 500:500",
    },
    # docs/standards/europe.md: a limit itself is in the lower band, 0.01 above is the next one
    EU24: {
        "pm25": "0:1 5:1 5.01:2 15:2 15.01:3 50:3 50.01:4 90:4 90.01:5 140:5 140.01:6 1000:6",
        "pm10": "0:1 15:1 15.01:2 45:2 45.01:3 120:3 120.01:4 195:4 195.01:5 270:5 270.01:6 2000:6",
        "no2": "0:1 10:1 10.01:2 25:2 25.01:3 60:3 60.01:4 100:4 100.01:5 150:5 150.01:6 1500:6",
        "o3": "0:1 60:1 60.01:2 100:2 100.01:3 120:3 120.01:4 160:4 160.01:5 180:5 180.01:6 1000:6",
        "so2": "0:1 20:1 20.01:2 40:2 40.01:3 125:3 125.01:4 190:4 190.01:5 275:5 275.01:6 3000:6",
    },
    EU_OLD: {  # docs/standards/europe.md; the last value is the top of band 6 (not beyond)
        "pm25": "0:1 10:1 10.01:2 20:2 20.01:3 25:3 25.01:4 50:4 50.01:5 75:5 75.01:6 800:6",
        "pm10": "0:1 20:1 20.01:2 40:2 40.01:3 50:3 50.01:4 100:4 100.01:5 150:5 150.01:6 1200:6",
        "no2": "0:1 40:1 40.01:2 90:2 90.01:3 120:3 120.01:4 230:4 230.01:5 340:5 340.01:6 1000:6",
        "o3": "0:1 50:1 50.01:2 100:2 100.01:3 130:3 130.01:4 240:4 240.01:5 380:5 380.01:6 800:6",
        "so2": "0:1 100:1 100.01:2 200:2 200.01:3 350:3 350.01:4 500:4 500.01:5 750:5 "
        "750.01:6 1250:6",
    },
    UK: {  # docs/standards/uk.md: u:k, then u + 0.5 rounds half up to u + 1, the next band
        "o3": "0:1 33:1 33.4:1 33.5:2 66:2 66.5:3 100:3 100.5:4 120:4 120.5:5 140:5 140.5:6 "
        "160:6 160.5:7 187:7 187.5:8 213:8 213.5:9 240:9 240.49:9 240.5:10 241:10 500:10",
        "no2": "0:1 67:1 67.5:2 134:2 134.5:3 200:3 200.5:4 267:4 267.5:5 334:5 334.5:6 400:6 "
        "400.5:7 467:7 467.5:8 534:8 534.5:9 600:9 600.5:10 1000:10",
        "so2": "0:1 88:1 88.5:2 177:2 177.5:3 266:3 266.5:4 354:4 354.5:5 443:5 443.5:6 532:6 "
        "532.5:7 710:7 710.5:8 887:8 887.5:9 1064:9 1064.5:10 2000:10",
        "pm25": "0:1 11:1 11.5:2 23:2 23.5:3 35:3 35.5:4 41:4 41.5:5 47:5 47.5:6 53:6 53.5:7 "
        "58:7 58.5:8 64:8 64.5:9 70:9 70.5:10 200:10",
        "pm10": "0:1 16:1 16.5:2 33:2 33.5:3 50:3 50.5:4 58:4 58.5:5 66:5 66.5:6 75:6 75.5:7 "
        "83:7 83.5:8 91:8 91.5:9 100:9 100.5:10 300:10",
    },
}

# (standard, measure, value as written, expected sub-index / band)
ENDPOINTS: list[tuple[str, str, str, int]] = [
    (std, m, conc, int(idx))
    for std, table in ENDPOINT_TABLES.items()
    for m, ends in table.items()
    for conc, idx in (pair.split(":") for pair in ends.split())
]

# (standard, measure, value as written, beyond, expected sub-index / band or None)
SUBINDEX: list[tuple[str, str, str, str | None, int | None]] = [
    # --- India: CPCB bulletin "51 at 31, 100 at 60 and 75 at 45" (docs/standards/india.md)
    (IN, "pm25", "31", None, 51),
    (IN, "pm25", "60", None, 100),
    (IN, "pm25", "45", None, 75),  # 51 + 49 * 14/29 = 74.66
    # docs/standards/india.md worked examples
    (IN, "no2", "60", None, 75),  # 51 + 49 * 19/39 = 74.87
    (IN, "o3_8h", "120", None, 129),  # 101 + 99 * 19/67 = 129.07
    (IN, "pm10", "175", None, 150),  # 101 + 99 * 74/149 = 150.17
    (IN, "so2", "20", None, 25),  # 50 * 20/40
    (IN, "co", "1.5", None, 73),  # 51 + 49 * 4/9 = 72.78
    (IN, "no2", "200", None, 220),  # 201 + 99 * 19/99
    (IN, "so2", "100", None, 107),  # 101 + 99 * 19/299 = 107.29
    (IN, "o3_8h", "150", None, 173),  # 101 + 99 * 49/67 = 173.40
    (IN, "pm25", "300", None, 439),  # Severe row 251-380: 401 + 99 * 49/129 = 438.60
    (IN, "no2", "20", None, 25),
    # first Severe values (docs/standards/{india,index}.md #7)
    (IN, "pm25", "251", None, 401),
    (IN, "pm10", "431", None, 401),
    (IN, "no2", "401", None, 401),
    (IN, "so2", "1601", None, 401),
    (IN, "o3_1h", "749", None, 401),
    # concentration rounded half up to the resolution first (gaps 30 | 31 cannot be hit)
    (IN, "pm25", "30.49", None, 50),  # -> 30
    (IN, "pm25", "30.5", None, 51),  # -> 31
    (IN, "pm25", "45.4", None, 75),  # -> 45
    (IN, "pm25", "45.5", None, 76),  # -> 46: 51 + 49 * 15/29 = 76.34
    (IN, "co", "1.04", None, 50),  # -> 1.0
    (IN, "co", "1.05", None, 51),  # -> 1.1
    (IN, "pb", "0.55", None, 51),  # -> 0.6
    (IN, "pb", "0.54", None, 50),  # -> 0.5
    (IN, "no2", "1.5", None, 3),  # -> 2: 50 * 2/40 = 2.5 -> 3
    # exact .5 index ties, rounded half up
    (IN, "no2", "2", None, 3),  # 2.5
    (IN, "no2", "6", None, 8),  # 7.5
    (IN, "so2", "2", None, 3),  # 2.5
    (IN, "nh3", "2", None, 1),  # 50 * 2/200 = 0.5
    (IN, "nh3", "6", None, 2),  # 1.5
    (IN, "pb", "0.8", None, 76),  # 51 + 49 * 2/4 = 75.5
    # interior values
    (IN, "co", "5.0", None, 137),  # 101 + 99 * 29/79 = 137.34
    (IN, "nh3", "1000", None, 250),  # 201 + 99 * 199/399 = 250.38
    (IN, "pb", "2.5", None, 245),  # 201 + 99 * 4/9 = 245 exactly
    (IN, "so2", "500", None, 229),  # 201 + 99 * 119/419 = 229.12
    (IN, "pm10", "300", None, 250),  # 201 + 99 * 49/99
    (IN, "no2", "300", None, 317),  # 301 + 99 * 19/119 = 316.81
    (IN, "o3_1h", "300", None, 318),  # 301 + 99 * 91/539 = 317.71
    # ozone 8-h ends at 208, 1-h starts at 209 (after rounding)
    (IN, "o3_8h", "208.4", None, 300),  # -> 208
    (IN, "o3_8h", "208.5", None, None),  # -> 209: no index from 8-h
    (IN, "o3_8h", "250", None, None),
    (IN, "o3_1h", "208.4", None, None),  # -> 208: no index from 1-h
    (IN, "o3_1h", "208.5", None, 301),  # -> 209
    (IN, "o3_1h", "150", None, None),
    (IN, "o3", "120", None, 129),  # plain "o3" is the 8-h measure
    # above the Severe row (contract: default cap; extend continues the slope; null)
    (IN, "pm25", "380", "null", 500),  # the top itself is not beyond
    (IN, "pm25", "380.49", "null", 500),  # -> 380
    (IN, "pm25", "380.5", "null", None),  # -> 381
    (IN, "pm25", "381", "cap", 500),
    (IN, "pm25", "381", "extend", 501),  # 401 + 99 * 130/129 = 500.77
    (IN, "pm25", "500", "extend", 592),  # 401 + 99 * 249/129 = 592.09
    (IN, "pm25", "381", "null", None),
    (IN, "pm10", "600", "cap", 500),
    (IN, "pm10", "600", "extend", 613),  # 401 + 99 * 169/79 = 612.78
    (IN, "o3_1h", "1288", "null", 500),
    (IN, "o3_1h", "1300", "cap", 500),
    (IN, "o3_1h", "1300", "extend", 502),  # 401 + 99 * 551/539 = 502.20
    (IN, "co", "51.04", "null", 500),  # -> 51.0
    (IN, "co", "51.05", "null", None),  # -> 51.1
    (IN, "co", "60", "extend", 553),  # quanta 600 in 341-510: 401 + 99 * 259/169 = 552.72
    # --- China: the five rows where ceiling and nearest differ (docs/standards/{china,index}.md #9)
    (CN, "pm25", "36", None, 52),  # 50 + ceil(50 * 1/40 = 1.25)
    (CN, "pm25", "76", None, 102),  # 100 + ceil(50 * 1/40)
    (CN, "no2_24h", "41", None, 52),  # 50 + ceil(50 * 1/40)
    (CN, "pm10", "51", None, 51),  # 50 + ceil(50 * 1/100 = 0.5)
    (CN, "co_24h", "2.1", None, 53),  # 50 + ceil(50 * 0.1/2 = 2.5)
    (CN, "o3_8h", "101", None, 51),  # 50 + ceil(50 * 1/60 = 0.83); nearest agrees
    # interior values
    (CN, "co_24h", "2.5", None, 63),  # 50 + ceil(50 * 0.5/2 = 12.5)
    (CN, "pm25", "100", None, 132),  # 100 + ceil(50 * 25/40 = 31.25)
    (CN, "pm25", "55", None, 75),  # 50 + 50 * 20/40, no rounding needed
    (CN, "pm25", "50", None, 69),  # 50 + ceil(50 * 15/40 = 18.75)
    (CN, "pm10", "60", None, 55),  # 50 + ceil(50 * 10/100)
    (CN, "pm10", "200", None, 125),  # 100 + ceil(50 * 50/100)
    (CN, "no2_24h", "100", None, 110),  # 100 + ceil(50 * 20/100)
    (CN, "no2_1h", "250", None, 105),  # 100 + ceil(50 * 50/500)
    (CN, "co_1h", "12", None, 104),  # 100 + ceil(50 * 2/25)
    (CN, "o3_8h", "500", None, 244),  # 200 + ceil(100 * 235/535 = 43.93)
    (CN, "o3_1h", "100", None, 32),  # ceil(50 * 100/160 = 31.25)
    (CN, "o3_1h", "300", None, 150),
    (CN, "so2_24h", "100", None, 75),  # 50 + ceil(50 * 50/100)
    (CN, "so2_24h", "50", None, 50),  # (not the "52" transcription error)
    (CN, "so2_24h", "2610", None, 499),  # 400 + ceil(100 * 510/520 = 98.08) (not "2602")
    # concentration rounded half to even first
    (CN, "pm25", "34.5", None, 49),  # -> 34: ceil(50 * 34/35 = 48.57)
    (CN, "pm25", "35.4", None, 50),  # -> 35
    (CN, "pm25", "35.5", None, 52),  # -> 36
    (CN, "pm25", "36.5", None, 52),  # -> 36
    (CN, "pm25", "37.5", None, 54),  # -> 38: 50 + ceil(50 * 3/40 = 3.75)
    (CN, "co_24h", "2.05", None, 50),  # -> 2.0
    (CN, "co_24h", "2.15", None, 55),  # -> 2.2: 50 + ceil(50 * 0.2/2 = 5)
    (CN, "co_24h", "2.25", None, 55),  # -> 2.2
    # footnotes (2), (3): SO2 1-h and O3 8-h above 800 give no IAQI
    (CN, "so2_1h", "800.5", None, 200),  # -> 800
    (CN, "so2_1h", "801", None, None),
    (CN, "so2_1h", "801.5", None, None),  # -> 802
    (CN, "so2_1h", "801", "extend", None),  # not "beyond": the 1-h scale simply stops
    (CN, "o3_8h", "800.5", None, 300),  # -> 800
    (CN, "o3_8h", "801", None, None),
    (CN, "o3_8h", "1000", "extend", None),
    # above IAQI 500
    (CN, "pm25", "500.5", "null", 500),  # -> 500 (half to even), the top itself
    (CN, "pm25", "501.5", "cap", 500),  # -> 502
    (CN, "pm25", "501.5", "extend", 502),  # 400 + ceil(100 * 152/150 = 101.33)
    (CN, "pm25", "501.5", "null", None),
    (CN, "pm25", "600", "extend", 567),  # 400 + ceil(100 * 250/150 = 166.67)
    (CN, "pm25", "600", None, 500),  # default cap
    (CN, "no2_1h", "3900", "extend", 508),  # 400 + ceil(100 * 810/750 = 108)
    (CN, "o3_1h", "1300", "extend", 550),  # 400 + ceil(100 * 300/200)
    (CN, "o3_1h", "1300", "cap", 500),
    (CN, "co_24h", "60.05", "null", 500),  # -> 60.0
    (CN, "co_24h", "60.15", "cap", 500),  # -> 60.2
    (CN, "co_24h", "60.15", "null", None),
    # plain names are the 24-h / 8-h measures
    (CN, "so2", "100", None, 75),
    (CN, "no2", "41", None, 52),
    (CN, "co", "2.1", None, 53),
    (CN, "o3", "101", None, 51),
    # --- EEA 2024: a value equal to a limit is in the lower band
    (EU24, "pm25", "12", None, 2),
    (EU24, "pm25", "5.0001", None, 2),
    (EU24, "pm25", "140.001", None, 6),
    (EU24, "pm10", "45", None, 2),
    (EU24, "no2", "70", None, 4),
    (EU24, "no2", "100", None, 4),
    (EU24, "o3", "120", None, 3),
    (EU24, "o3", "170", None, 5),
    (EU24, "so2", "250", None, 5),
    (EU24, "so2", "99999", None, 6),  # band 6 is open-ended
    # --- EEA pre-2024
    (EU_OLD, "pm25", "22", None, 3),
    (EU_OLD, "pm10", "45", None, 3),
    (EU_OLD, "no2", "100", None, 3),
    (EU_OLD, "o3", "120", None, 3),
    (EU_OLD, "so2", "250", None, 3),
    (EU_OLD, "pm10", "1200", "null", 6),  # the top of band 6 is still band 6
    (EU_OLD, "pm25", "800.1", "cap", 6),
    (EU_OLD, "pm25", "800.1", "null", None),
    (EU_OLD, "o3", "800.001", None, 6),  # default cap
    # --- UK: rounded half up to an integer, then the band
    (UK, "o3", "33.4", None, 1),
    (UK, "o3", "33.5", None, 2),
    (UK, "o3", "100.49", None, 3),
    (UK, "o3", "100.5", None, 4),
    (UK, "pm25", "70.4", None, 9),
    (UK, "pm25", "70.5", None, 10),
    (UK, "pm10", "51", None, 4),  # not band 3 (OpenWeatherMap's "52-58" typo, docs/standards/uk.md)
    (UK, "no2", "400.49", None, 6),
    (UK, "no2", "400.5", None, 7),
    (UK, "so2", "1064.4", None, 9),
    (UK, "so2", "1064.5", None, 10),
    (UK, "pm25", "42", None, 5),
    (UK, "pm10", "60", None, 5),
]


# --- rows ------------------------------------------------------------------------------------

VECTORS: list[Vector] = [
    # ===== India (in_naqi) =====
    # docs/standards/india.md worked examples
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 120},
        129,
        MPOL,
        "o3",
        "ok",
        "docs/standards/india.md row 1: sub-indices 75, 75, 129",
        subindices={"pm25": 75, "o3": 129, "no2": 75},
    ),
    Vector(
        IN,
        {"pm10": 175, "so2": 20, "co": 1.5},
        150,
        MPOL,
        "pm10",
        "ok",
        "docs/standards/india.md row 2: sub-indices 150, 25, 73",
        subindices={"pm10": 150, "co": 73, "so2": 25},
    ),
    Vector(
        IN,
        {"no2": 200, "so2": 100, "o3_8h": 150},
        None,
        None,
        None,
        "insufficient_pollutants",
        "docs/standards/india.md row 3: no PM2.5/PM10; sub-indices still given (220, 107, 173)",
        subindices={"o3": 173, "so2": 107, "no2": 220},
    ),
    Vector(
        IN,
        {"pm25": 300, "no2": 20},
        None,
        None,
        None,
        "insufficient_pollutants",
        "docs/standards/india.md row 4: only 2 pollutants. The reference prints PM2.5 "
        "sub-index 401; the "
        "contract's Severe row 251-380 gives 401 + 99*49/129 = 438.6 -> 439",
        subindices={"pm25": 439, "no2": 25},
    ),
    Vector(IN, {"pm25": 45, "no2": 0, "so2": 0}, 75, SAT, "pm25", "ok", "CPCB: 75 at 45"),
    Vector(IN, {"pm25": 45, "no2": 60, "o3": 120}, 129, MPOL, "o3", "ok", "plain o3 = 8-h"),
    # first Severe values
    Vector(IN, {"pm25": 251, "no2": 20, "so2": 20}, 401, SEV, "pm25", "ok"),
    Vector(IN, {"pm10": 431, "no2": 20, "so2": 20}, 401, SEV, "pm10", "ok"),
    Vector(IN, {"pm10": 50, "no2": 401, "so2": 20}, 401, SEV, "no2", "ok"),
    Vector(IN, {"pm25": 30, "no2": 20, "so2": 1601}, 401, SEV, "so2", "ok"),
    Vector(IN, {"pm25": 30, "no2": 20, "o3_1h": 749}, 401, SEV, "o3", "ok"),
    Vector(
        IN,
        {"pm25": 30, "no2": 20, "o3_8h": 250, "o3_1h": 749},
        401,
        SEV,
        "o3",
        "ok",
        "8-h above 208 gives nothing, the 1-h value rates ozone",
    ),
    # minimum-pollutant rule
    Vector(IN, {"pm25": 45, "no2": 60}, None, None, None, "insufficient_pollutants"),
    Vector(
        IN,
        {"no2": 60, "so2": 20, "co": 1.5, "o3_8h": 120},
        None,
        None,
        None,
        "insufficient_pollutants",
        "four pollutants but neither PM2.5 nor PM10",
    ),
    Vector(
        IN,
        {"pm25": 45, "pm10": 175, "no2": 60},
        150,
        MPOL,
        "pm10",
        "ok",
        "75, 150, 75: three pollutants including PM",
    ),
    Vector(
        IN,
        {"pm25": 45, "pm10": 175, "no2": None},
        None,
        None,
        None,
        "insufficient_pollutants",
        "a null reading does not count",
        subindices={"pm25": 75, "pm10": 150, "no2": None},
    ),
    Vector(
        IN,
        {"pm25": 45, "pm10": 175, "no2": -1},
        None,
        None,
        None,
        "negative",
        "negative outranks insufficient_pollutants",
    ),
    Vector(IN, {"pm25": 45, "pm10": 175, "no2": NAN}, None, None, None, "not_finite"),
    Vector(
        IN,
        {"pm25": 45, "pm10": 175, "no2": 60, "so2": -5},
        150,
        MPOL,
        "pm10",
        "negative",
        "three valid pollutants remain",
    ),
    Vector(IN, {"pm25": None, "pm10": None, "no2": None}, None, None, None, "no_data"),
    Vector(
        IN,
        {"pm25": -0.0, "pm10": 0, "no2": 0},
        0,
        I_GOOD,
        "pm25,pm10,no2",
        "ok",
        "-0.0 is zero; three-way tie at 0",
    ),
    # ozone 8-h / 1-h
    Vector(
        IN,
        {"o3_8h": 250, "pm25": 45, "no2": 60, "so2": 20},
        75,
        SAT,
        "pm25,no2",
        "undefined",
        "8-h > 208 without 1-h: ozone undefined; 75, 75, 25 from the rest",
        subindices={"pm25": 75, "o3": None, "so2": 25, "no2": 75},
    ),
    Vector(
        IN,
        {"o3_8h": 250, "pm25": 45, "no2": 60},
        None,
        None,
        None,
        "undefined",
        "undefined outranks insufficient_pollutants",
    ),
    Vector(
        IN,
        {"o3_8h": 250, "o3_1h": 150, "pm25": 45, "no2": 60, "so2": 20},
        75,
        SAT,
        "pm25,no2",
        "undefined",
        "a 1-h value below 209 does not rescue the 8-h one",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 120, "o3_1h": 300},
        318,
        VPOOR,
        "o3",
        "ok",
        "max(129, 301 + 99*91/539 = 317.71)",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 120, "o3_1h": 150},
        129,
        MPOL,
        "o3",
        "ok",
        "1-h below 209 contributes nothing",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "so2": 20, "o3_1h": 150},
        75,
        SAT,
        "pm25,no2",
        "undefined",
        "DECISION: a lone 1-h value below 209 leaves ozone undefined, as EPA O3 1-h < 0.125",
    ),
    Vector(IN, {"pm25": 45, "no2": 60, "o3_8h": 208.4}, 300, POOR, "o3", "ok", "-> 208"),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 208.5, "o3_1h": 208.5},
        301,
        VPOOR,
        "o3",
        "ok",
        "both -> 209: 8-h off its table, 1-h at its first value",
    ),
    # rounding of the concentration, then half-up index ties
    Vector(IN, {"pm25": 30.49, "no2": 0, "so2": 0}, 50, I_GOOD, "pm25", "ok", "-> 30"),
    Vector(IN, {"pm25": 30.5, "no2": 0, "so2": 0}, 51, SAT, "pm25", "ok", "-> 31"),
    Vector(IN, {"pm25": 45.5, "no2": 0, "so2": 0}, 76, SAT, "pm25", "ok", "-> 46: 76.34"),
    Vector(IN, {"pm10": 0, "no2": 0, "co": 1.05}, 51, SAT, "co", "ok", "-> 1.1"),
    Vector(IN, {"pm10": 0, "no2": 0, "co": 1.04}, 50, I_GOOD, "co", "ok", "-> 1.0"),
    Vector(IN, {"pm10": 0, "no2": 0, "pb": 0.55}, 51, SAT, "pb", "ok", "-> 0.6"),
    Vector(IN, {"pm10": 0, "no2": 2, "so2": 0}, 3, I_GOOD, "no2", "ok", "2.5 -> 3"),
    Vector(IN, {"pm10": 0, "nh3": 2, "so2": 0}, 1, I_GOOD, "nh3", "ok", "0.5 -> 1"),
    Vector(IN, {"pm10": 0, "no2": 0, "pb": 0.8}, 76, SAT, "pb", "ok", "75.5 -> 76"),
    Vector(
        IN,
        {"pm25": 60, "pm10": 100, "no2": 80, "so2": 80, "nh3": 400, "pb": 1.0, "co": 2.0},
        100,
        SAT,
        "pm25,pm10,co,so2,no2,nh3,pb",
        "ok",
        "every top of Satisfactory: seven-way tie in canonical order",
    ),
    # above the Severe row
    Vector(IN, {"pm25": 380, "no2": 0, "so2": 0}, 500, SEV, "pm25", "ok", "top, not beyond"),
    Vector(IN, {"pm25": 381, "no2": 0, "so2": 0}, 500, SEV, "pm25", "beyond_index", "default cap"),
    Vector(
        IN,
        {"pm25": 381, "no2": 0, "so2": 0},
        500,
        SEV,
        "pm25",
        "beyond_index",
        beyond="cap",
    ),
    Vector(
        IN,
        {"pm25": 381, "no2": 0, "so2": 0},
        501,
        SEV,
        "pm25",
        "beyond_index",
        "401 + 99*130/129 = 500.77",
        beyond="extend",
    ),
    Vector(
        IN,
        {"pm25": 500, "no2": 0, "so2": 0},
        592,
        SEV,
        "pm25",
        "beyond_index",
        "401 + 99*249/129 = 592.09",
        beyond="extend",
    ),
    Vector(
        IN,
        {"pm25": 381, "pm10": 50, "no2": 0, "so2": 0},
        None,
        None,
        None,
        "beyond_index",
        "null: no index for PM2.5 and none for the row (as for the EPA)",
        beyond="null",
        subindices={"pm25": None, "pm10": 50, "so2": 0, "no2": 0},
    ),
    Vector(
        IN,
        {"pm25": 381, "no2": 0, "so2": 0},
        None,
        None,
        None,
        "insufficient_pollutants",
        "DECISION: with null, PM2.5 has no sub-index, so only 2 pollutants have one",
        beyond="null",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 120, "o3_1h": 1300},
        500,
        SEV,
        "o3",
        "beyond_index",
        "O3 1-h above 1288, capped",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "o3_8h": 120, "o3_1h": 1300},
        502,
        SEV,
        "o3",
        "beyond_index",
        "401 + 99*551/539 = 502.20",
        beyond="extend",
    ),
    Vector(
        IN,
        {"pm25": 45, "no2": 60, "so2": 20, "o3_8h": 120, "o3_1h": 1300},
        None,
        None,
        None,
        "beyond_index",
        "the 8-h index does not stand in for an ozone off the scale",
        beyond="null",
        subindices={"pm25": 75, "o3": None, "so2": 25, "no2": 75},
    ),
    Vector(
        IN,
        {"pm10": 600, "no2": 20, "co": 1.0, "so2": NAN},
        500,
        SEV,
        "pm10",
        "not_finite",
        "500 (cap), 25, 50; not_finite outranks beyond_index",
    ),
    # ===== China (cn_hj633_2012) =====
    # the five rows where ceiling differs from nearest (docs/standards/china.md)
    Vector(CN, {"pm25": 36}, 52, C_GOOD, "pm25", "ok", "50 + ceil(1.25)"),
    Vector(CN, {"pm25": 76}, 102, LIGHT, "pm25", "ok", "100 + ceil(1.25)", exceeding="pm25"),
    Vector(CN, {"no2_24h": 41}, 52, C_GOOD, "no2", "ok", "50 + ceil(1.25)"),
    Vector(CN, {"pm10": 51}, 51, C_GOOD, "pm10", "ok", "50 + ceil(0.5)"),
    Vector(CN, {"co_24h": 2.1}, 53, C_GOOD, "co", "ok", "50 + ceil(2.5)"),
    Vector(CN, {"o3_8h": 101}, 51, C_GOOD, "o3", "ok", "50 + ceil(0.83)"),
    # footnotes: SO2 1-h > 800, O3 8-h > 800
    Vector(CN, {"so2_1h": 801}, None, None, None, "undefined", "footnote (2), no 24-h value"),
    Vector(
        CN,
        {"so2_1h": 801, "so2_24h": 100},
        75,
        C_GOOD,
        "so2",
        "ok",
        "footnote (2): the 24-h value rates SO2: 50 + ceil(50*50/100)",
    ),
    Vector(
        CN,
        {"so2_1h": 801, "pm25": 50},
        69,
        C_GOOD,
        "pm25",
        "undefined",
        "SO2 undefined; PM2.5 50 + ceil(18.75)",
        subindices={"pm25": 69, "so2": None},
    ),
    Vector(CN, {"so2_1h": 800}, 200, C_MOD, "so2", "ok", "top of the 1-h scale", exceeding="so2"),
    Vector(CN, {"so2_1h": 800.5}, 200, C_MOD, "so2", "ok", "-> 800 (half even)", exceeding="so2"),
    Vector(CN, {"o3_8h": 801}, None, None, None, "undefined", "footnote (3), no 1-h value"),
    Vector(
        CN,
        {"o3_8h": 801, "o3_1h": 300},
        150,
        LIGHT,
        "o3",
        "ok",
        "footnote (3): the 1-h value rates O3",
        exceeding="o3",
    ),
    Vector(CN, {"o3_8h": 800}, 300, HEAVY, "o3", "ok", "top of the 8-h scale", exceeding="o3"),
    Vector(
        CN,
        {"o3_8h": 500, "o3_1h": 100},
        244,
        HEAVY,
        "o3",
        "ok",
        "max(200 + ceil(43.93), ceil(31.25))",
        exceeding="o3",
        subindices={"o3": 244},
    ),
    # primary pollutant only above 50
    Vector(CN, {"pm25": 35}, 50, EXC, None, "ok", "AQI <= 50: no primary pollutant"),
    Vector(CN, {"pm25": 35, "pm10": 50}, 50, EXC, None, "ok"),
    Vector(CN, {"pm25": 0}, 0, EXC, None, "ok"),
    Vector(CN, {"pm25": -0.0}, 0, EXC, None, "ok"),
    # half-to-even concentration rounding
    Vector(CN, {"pm25": 34.5}, 49, EXC, None, "ok", "-> 34: ceil(48.57)"),
    Vector(CN, {"pm25": 35.4}, 50, EXC, None, "ok", "-> 35"),
    Vector(CN, {"pm25": 35.5}, 52, C_GOOD, "pm25", "ok", "-> 36"),
    Vector(CN, {"pm25": 36.5}, 52, C_GOOD, "pm25", "ok", "-> 36"),
    Vector(CN, {"pm25": 37.5}, 54, C_GOOD, "pm25", "ok", "-> 38: 50 + ceil(3.75)"),
    Vector(CN, {"co_24h": 2.05}, 50, EXC, None, "ok", "-> 2.0"),
    Vector(CN, {"co_24h": 2.15}, 55, C_GOOD, "co", "ok", "-> 2.2: 50 + ceil(5)"),
    Vector(CN, {"co_24h": 2.25}, 55, C_GOOD, "co", "ok", "-> 2.2"),
    Vector(CN, {"co_24h": 2.5}, 63, C_GOOD, "co", "ok", "50 + ceil(12.5)"),
    # plain names
    Vector(CN, {"so2": 100}, 75, C_GOOD, "so2", "ok", "so2 = 24-h"),
    Vector(CN, {"no2": 41}, 52, C_GOOD, "no2", "ok", "no2 = 24-h"),
    Vector(CN, {"co": 2.1}, 53, C_GOOD, "co", "ok", "co = 24-h"),
    Vector(CN, {"o3": 101}, 51, C_GOOD, "o3", "ok", "o3 = 8-h"),
    # SO2, NO2, CO: the 1-h value when the row has one (real-time report), else the 24-h value
    # (daily report); the two are never compared (docs/standards/china.md).
    Vector(
        CN,
        {"no2_24h": 100, "no2_1h": 250},
        105,
        LIGHT,
        "no2",
        "ok",
        "1-h: 100 + ceil(50 * 50/500); the 24-h 100 + ceil(10) is not compared",
        exceeding="no2",
        subindices={"no2": 105},
    ),
    Vector(
        CN,
        {"so2_1h": 8, "so2_24h": 15},
        3,
        EXC,
        None,
        "ok",
        "1-h: ceil(50 * 8/150) = ceil(2.67); not the 24-h ceil(15)",
        subindices={"so2": 3},
    ),
    Vector(
        CN,
        {"so2_1h": None, "so2_24h": 15},
        15,
        EXC,
        None,
        "ok",
        "no 1-h value: the daily report's 24-h value",
        subindices={"so2": 15},
    ),
    Vector(
        CN,
        {"so2_1h": NAN, "so2_24h": 100},
        75,
        C_GOOD,
        "so2",
        "not_finite",
        "no usable 1-h value: the 24-h value, and the NaN said",
    ),
    Vector(
        CN,
        {"so2_1h": 700, "so2_24h": 1000},
        167,
        C_MOD,
        "so2",
        "ok",
        "1-h 700 <= 800: 150 + ceil(50 * 50/150) = 150 + ceil(16.67); 24-h unused",
        exceeding="so2",
    ),
    Vector(
        CN,
        {"so2_1h": 801, "so2_24h": 3000},
        500,
        C_SEV,
        "so2",
        "beyond_index",
        "1-h above 800: the 24-h 3000 > 2620, capped",
        exceeding="so2",
    ),
    Vector(
        CN,
        {"so2_1h": 100, "so2_24h": 3000},
        34,
        EXC,
        None,
        "ok",
        "ceil(50 * 100/150) = ceil(33.3); an unused 24-h value is not beyond",
    ),
    Vector(
        CN,
        {"co_1h": 5, "co_24h": 4},
        50,
        EXC,
        None,
        "ok",
        "1-h 5 mg/m3 -> 50; the 24-h 4 mg/m3 (100) is not compared",
        subindices={"co": 50},
    ),
    Vector(
        CN,
        {"no2_1h": 4000, "no2_24h": 40},
        500,
        C_SEV,
        "no2",
        "beyond_index",
        "1-h above 3840: capped; the 24-h 50 does not replace it",
        exceeding="no2",
    ),
    Vector(
        CN,
        {"o3_1h": 200, "o3_8h": 100},
        100,
        C_GOOD,
        "o3",
        "ok",
        "ozone keeps both periods in both reports: max(100, 50)",
        subindices={"o3": 100},
    ),
    Vector(CN, {"co_1h": 12}, 104, LIGHT, "co", "ok", "100 + ceil(4)", exceeding="co"),
    Vector(
        CN,
        {"pm25": 76, "pm10": 151, "no2_24h": 81},
        102,
        LIGHT,
        "pm25",
        "ok",
        "102, 101, 101",
        exceeding="pm25,pm10,no2",
        subindices={"pm25": 102, "pm10": 101, "no2": 101},
    ),
    Vector(
        CN,
        {"no2_24h": 81, "pm10": 151, "pm25": 76},
        102,
        LIGHT,
        "pm25",
        "ok",
        "column order does not matter",
        exceeding="pm25,pm10,no2",
    ),
    Vector(CN, {"pm25": 75, "pm10": 150}, 100, C_GOOD, "pm25,pm10", "ok", "100 is not > 100"),
    Vector(
        CN,
        {"pm25": 115, "so2_24h": 475},
        150,
        LIGHT,
        "pm25,so2",
        "ok",
        exceeding="pm25,so2",
    ),
    Vector(CN, {"so2_24h": 2610}, 499, C_SEV, "so2", "ok", "400 + ceil(98.08)", exceeding="so2"),
    # beyond IAQI 500
    Vector(CN, {"pm25": 500}, 500, C_SEV, "pm25", "ok", "top, not beyond", exceeding="pm25"),
    Vector(CN, {"pm25": 500.5}, 500, C_SEV, "pm25", "ok", "-> 500 (half even)", exceeding="pm25"),
    Vector(
        CN,
        {"pm25": 501.5},
        500,
        C_SEV,
        "pm25",
        "beyond_index",
        "-> 502, default cap",
        exceeding="pm25",
    ),
    Vector(
        CN,
        {"pm25": 501.5},
        502,
        C_SEV,
        "pm25",
        "beyond_index",
        "400 + ceil(101.33)",
        beyond="extend",
        exceeding="pm25",
    ),
    Vector(
        CN,
        {"pm25": 600},
        567,
        C_SEV,
        "pm25",
        "beyond_index",
        "400 + ceil(166.67)",
        beyond="extend",
        exceeding="pm25",
    ),
    Vector(
        CN,
        {"pm25": 600, "pm10": 200},
        None,
        None,
        None,
        "beyond_index",
        "DECISION: aqi_exceeding lists the pollutants whose aqi_<p> > 100 (PM2.5 has none)",
        beyond="null",
        exceeding="pm10",
        subindices={"pm25": None, "pm10": 125},
    ),
    Vector(
        CN,
        {"o3_8h": 900, "o3_1h": 1300},
        500,
        C_SEV,
        "o3",
        "beyond_index",
        "8-h gives nothing, 1-h above 1200 capped",
        exceeding="o3",
    ),
    Vector(
        CN,
        {"co_24h": 60.15, "pm10": 50},
        500,
        C_SEV,
        "co",
        "beyond_index",
        "-> 60.2",
        exceeding="co",
    ),
    # bad readings
    Vector(CN, {"pm25": -1, "pm10": 60}, 55, C_GOOD, "pm10", "negative", "50 + ceil(5)"),
    Vector(CN, {"pm25": NAN}, None, None, None, "not_finite"),
    Vector(CN, {"pm25": INF, "so2_1h": 900}, None, None, None, "not_finite"),
    Vector(CN, {"pm25": None, "so2_1h": None}, None, None, None, "no_data"),
    Vector(
        CN,
        {"so2_1h": 900, "so2_24h": -3, "pm25": 76},
        102,
        LIGHT,
        "pm25",
        "negative",
        "SO2 undefined too, negative outranks it",
        exceeding="pm25",
    ),
    # ===== EEA 2024 =====
    Vector(EU24, {"pm25": 5}, 1, EEA[1], "pm25", "ok", "a limit is in the lower band"),
    Vector(EU24, {"pm25": 5.01}, 2, EEA[2], "pm25", "ok"),
    Vector(
        EU24,
        {"pm25": 12, "pm10": 30, "no2": 20, "o3": 80, "so2": 30},
        2,
        EEA[2],
        "pm25,pm10,o3,so2,no2",
        "ok",
        "all Fair",
    ),
    Vector(EU24, {"no2": 70, "o3": 170}, 5, EEA[5], "o3", "ok", "no2 4, o3 5"),
    Vector(
        EU24,
        {"pm25": 22, "pm10": 45, "no2": 100, "o3": 120, "so2": 250},
        5,
        EEA[5],
        "so2",
        "ok",
        "3, 2 (=45), 4 (=100), 3 (=120), 5",
        subindices={"pm25": 3, "pm10": 2, "o3": 3, "so2": 5, "no2": 4},
    ),
    Vector(EU24, {"so2": 300}, 6, EEA[6], "so2", "ok", "band 6 open-ended: not beyond"),
    Vector(EU24, {"pm10": 5000}, 6, EEA[6], "pm10", "ok"),
    Vector(EU24, {"pm25": 140}, 5, EEA[5], "pm25", "ok"),
    Vector(EU24, {"pm25": 140.001}, 6, EEA[6], "pm25", "ok"),
    Vector(EU24, {"pm25": 0, "no2": 0}, 1, EEA[1], "pm25,no2", "ok"),
    Vector(EU24, {"pm25": -2, "no2": 30}, 3, EEA[3], "no2", "negative"),
    Vector(EU24, {"pm25": NAN, "no2": -1}, None, None, None, "not_finite"),
    Vector(EU24, {"pm25": None, "o3": None}, None, None, None, "no_data"),
    # ===== EEA pre-2024 =====
    Vector(
        EU_OLD,
        {"pm25": 22, "pm10": 45, "no2": 100, "o3": 120, "so2": 250},
        3,
        EEA[3],
        "pm25,pm10,o3,so2,no2",
        "ok",
        "the same row as above: all Moderate in the old bands",
    ),
    Vector(EU_OLD, {"pm25": 10}, 1, EEA[1], "pm25", "ok"),
    Vector(EU_OLD, {"pm25": 10.5}, 2, EEA[2], "pm25", "ok"),
    Vector(EU_OLD, {"pm25": 800}, 6, EEA[6], "pm25", "ok", "top of band 6"),
    Vector(EU_OLD, {"pm25": 800.1, "no2": 50}, 6, EEA[6], "pm25", "beyond_index", "default cap"),
    Vector(EU_OLD, {"pm25": 800.1, "no2": 50}, 6, EEA[6], "pm25", "beyond_index", beyond="cap"),
    Vector(
        EU_OLD,
        {"pm25": 800.1, "no2": 50},
        None,
        None,
        None,
        "beyond_index",
        beyond="null",
        subindices={"pm25": None, "no2": 2},
    ),
    Vector(EU_OLD, {"o3": 380, "so2": 750}, 5, EEA[5], "o3,so2", "ok"),
    Vector(EU_OLD, {"o3": 380.5, "so2": 750}, 6, EEA[6], "o3", "ok"),
    # ===== UK DAQI =====
    Vector(UK, {"o3": 33.4}, 1, LOW, "o3", "ok", "-> 33"),
    Vector(UK, {"o3": 33.5}, 2, LOW, "o3", "ok", "-> 34 (half up)"),
    Vector(UK, {"o3": 100.49}, 3, LOW, "o3", "ok", "-> 100"),
    Vector(UK, {"o3": 100.5}, 4, U_MOD, "o3", "ok", "-> 101"),
    Vector(UK, {"pm25": 70.4}, 9, HIGH, "pm25", "ok"),
    Vector(UK, {"pm25": 70.5}, 10, VHIGH, "pm25", "ok", "-> 71; band 10 open-ended"),
    Vector(UK, {"pm10": 100}, 9, HIGH, "pm10", "ok"),
    Vector(UK, {"pm10": 101}, 10, VHIGH, "pm10", "ok"),
    Vector(UK, {"no2": 600.5}, 10, VHIGH, "no2", "ok"),
    Vector(UK, {"so2": 1064.5}, 10, VHIGH, "so2", "ok"),
    Vector(UK, {"so2": 1064.4}, 9, HIGH, "so2", "ok"),
    Vector(UK, {"no2": 400.49}, 6, U_MOD, "no2", "ok"),
    Vector(UK, {"no2": 400.5}, 7, HIGH, "no2", "ok"),
    Vector(UK, {"pm10": 51}, 4, U_MOD, "pm10", "ok", "band 4 starts at 51"),
    Vector(UK, {"so2": 99999}, 10, VHIGH, "so2", "ok", "never beyond"),
    Vector(
        UK,
        {"o3": 50, "no2": 150, "so2": 100, "pm25": 30, "pm10": 40},
        3,
        LOW,
        "pm25,pm10,no2",
        "ok",
        "o3 2, no2 3, so2 2, pm25 3, pm10 3",
        subindices={"pm25": 3, "pm10": 3, "o3": 2, "so2": 2, "no2": 3},
    ),
    Vector(UK, {"pm25": 42, "pm10": 60}, 5, U_MOD, "pm25,pm10", "ok"),
    Vector(UK, {"o3": -0.4, "pm25": 12}, 2, LOW, "pm25", "negative", "negative before rounding"),
    Vector(UK, {"o3": -0.0}, 1, LOW, "o3", "ok"),
    Vector(UK, {"o3": INF}, None, None, None, "not_finite"),
    Vector(UK, {"o3": None, "pm10": None}, None, None, None, "no_data"),
    # ===== Canada AQHI (docs/standards/canada.md worked examples; exponents β·x in the notes) =====
    Vector(
        CA,
        {"no2": 20, "o3": 30, "pm25": 10},
        4,
        MODR,
        "no2",
        "ok",
        "3.7207; exponents 0.01742, 0.01611, 0.00487",
        label="4",
    ),
    Vector(
        CA,
        {"no2": 10, "o3": 25, "pm25": 5},
        2,
        LOWR,
        "o3",
        "ok",
        "2.3751; exponents 0.00871, 0.013425, 0.002435",
        label="2",
    ),
    Vector(
        CA,
        {"no2": 40, "o3": 60, "pm25": 35},
        8,
        HIGHR,
        "no2",
        "ok",
        "8.2106; exponents 0.03484, 0.03222, 0.017045",
        label="8",
    ),
    Vector(
        CA,
        {"no2": 30, "o3": 40, "pm25": 150},
        12,
        VHIGHR,
        "pm25",
        "ok",
        "11.9203 -> 12, shown 10+; exponents 0.02613, 0.02148, 0.07305",
        label="10+",
    ),
    Vector(
        CA,
        {"no2": 5, "o3": 10, "pm25": 2},
        1,
        LOWR,
        "o3",
        "ok",
        "1.0311; exponents 0.004355, 0.00537, 0.000974",
        label="1",
    ),
    Vector(
        CA,
        {"no2": 0, "o3": 0, "pm25": 0},
        1,
        LOWR,
        "pm25,o3,no2",
        "ok",
        "0 -> at least 1; all three terms 0: a tie",
        label="1",
    ),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 10}, 1, LOWR, "pm25", "ok", "0.4694", label="1"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 73}, 3, LOWR, "pm25", "ok", "3.4799", label="3"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 74}, 4, MODR, "pm25", "ok", "3.5284", label="4"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 134}, 6, MODR, "pm25", "ok", "6.4841", label="6"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 135}, 7, HIGHR, "pm25", "ok", "6.5341", label="7"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 212}, 10, HIGHR, "pm25", "ok", "10.4579", label="10"),
    Vector(CA, {"no2": 0, "o3": 0, "pm25": 213}, 11, VHIGHR, "pm25", "ok", "10.5098", label="10+"),
    Vector(CA, {"no2": 41, "o3": 0, "pm25": 0}, 3, LOWR, "no2", "ok", "3.4958", label="3"),
    Vector(CA, {"no2": 42, "o3": 0, "pm25": 0}, 4, MODR, "no2", "ok", "3.5826", label="4"),
    Vector(
        CA,
        {"no2": 100, "o3": 80, "pm25": 200},
        23,
        VHIGHR,
        "pm25",
        "ok",
        "22.8080; exponents 0.0871, 0.04296, 0.0974",
        label="10+",
    ),
    Vector(CA, {"pm25": 10, "o3": 30, "no2": 20}, 4, MODR, "no2", "ok", "column order", label="4"),
    Vector(CA, {"no2": 20, "o3": 30, "pm25": None}, None, None, None, "insufficient_pollutants"),
    Vector(CA, {"no2": 20, "o3": 30}, None, None, None, "insufficient_pollutants", "no PM column"),
    Vector(CA, {"no2": None, "o3": None, "pm25": None}, None, None, None, "no_data"),
    Vector(CA, {"no2": -1, "o3": 30, "pm25": 10}, None, None, None, "negative"),
    Vector(CA, {"no2": 20, "o3": -1, "pm25": None}, None, None, None, "negative"),
    Vector(CA, {"no2": NAN, "o3": 30, "pm25": 10}, None, None, None, "not_finite"),
    # negative="zero" (the US EPA default, an option here): a negative reading is rated as 0
    Vector(
        CN,
        {"pm25": -1, "pm10": 60},
        55,
        C_GOOD,
        "pm10",
        "negative_as_zero",
        "pm25 -> 0 -> 0; pm10 50 + ceil(5)",
        subindices={"pm25": 0, "pm10": 55},
        negative="zero",
    ),
    Vector(CN, {"pm25": -3.4}, 0, EXC, None, "negative_as_zero", negative="zero"),
    Vector(
        CN,
        {"so2_1h": -2, "so2_24h": 100},
        0,
        EXC,
        None,
        "negative_as_zero",
        "the 1-h value rated as 0 rates SO2",
        negative="zero",
    ),
    Vector(
        IN,
        {"pm25": -1, "no2": 20, "so2": 10},
        25,
        I_GOOD,
        "no2",
        "negative_as_zero",
        "0, 50*20/40, 50*10/40 = 12.5 -> 13: three pollutants rated",
        negative="zero",
    ),
    Vector(
        EU24,
        {"pm25": -2, "no2": 30},
        3,
        EEA[3],
        "no2",
        "negative_as_zero",
        "pm25 -> 0: band 1; no2 30 in (25, 60]: band 3",
        negative="zero",
    ),
    Vector(
        CA,
        {"no2": -1, "o3": 30, "pm25": 10},
        2,
        LOWR,
        "o3",
        "negative_as_zero",
        "1000/10.4 * (0 + 0.016240 + 0.004882) = 2.03",
        label="2",
        negative="zero",
    ),
    Vector(
        CA,
        {"no2": -1, "o3": 30, "pm25": None},
        None,
        None,
        None,
        "insufficient_pollutants",
        "rated as 0, but PM2.5 is missing",
        negative="zero",
    ),
    # An index beyond int32 (the AQHI has no table top): saturated, beyond_index.
    Vector(
        CA,
        {"no2": 19820, "o3": 30, "pm25": 10},
        2**31 - 1,
        VHIGHR,
        "no2",
        "beyond_index",
        "1000/10.4 * e^17.26 = 3.0e9",
        label="10+",
    ),
]

# Unrounded AQHI of the worked examples (aqi_value), to 6 decimals.
AQHI_VALUES: list[tuple[dict[str, float], str]] = [
    ({"no2": 20, "o3": 30, "pm25": 10}, "3.720669"),
    ({"no2": 10, "o3": 25, "pm25": 5}, "2.375147"),
    ({"no2": 40, "o3": 60, "pm25": 35}, "8.210558"),
    ({"no2": 30, "o3": 40, "pm25": 150}, "11.920294"),
    ({"no2": 5, "o3": 10, "pm25": 2}, "1.031098"),
    ({"no2": 0, "o3": 0, "pm25": 0}, "0.000000"),
]


def _category(standard: str, index: int) -> str:
    return next(
        name
        for name, lo, hi, _ in CATEGORY_TABLE[standard]
        if lo <= index and (hi is None or index <= hi)
    )


def _endpoint_vector(standard: str, measure: str, conc: str, index: int) -> Vector:
    """A row that shows one row end: alone, or (India) with two zero companions."""
    pollutant = POLLUTANT_OF[measure]
    readings: dict[str, float | None] = {measure: float(conc)}
    if standard == IN:
        companions = ["no2", "so2"] if pollutant in ("pm25", "pm10") else ["pm10", "so2"]
        if pollutant == "so2":
            companions = ["pm10", "no2"]
        readings |= dict.fromkeys(companions, 0.0)
        tied = [pollutant, *companions] if index == 0 else [pollutant]
        dominant: str | None = ",".join(p for p in CANONICAL if p in tied)
    else:
        dominant = None if standard == CN and index <= 50 else pollutant
    exceeding = pollutant if standard == CN and index > 100 else None
    return Vector(
        standard,
        readings,
        index,
        _category(standard, index),
        dominant,
        "ok",
        "row end",
        exceeding=exceeding,
    )


ENDPOINT_VECTORS: list[Vector] = [_endpoint_vector(*case) for case in ENDPOINTS]
ALL_VECTORS: list[Vector] = VECTORS + ENDPOINT_VECTORS
