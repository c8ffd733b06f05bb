//! The reference tables, as data: one block per standard, written exactly as the reference
//! prints them (`../shared/reference/aqi_standards.md` §2.2, §2.3, §2.9). Concentrations are
//! decimal strings so that they are parsed exactly into integer counts of each measure's quantum.

use super::measure::Measure;
use crate::engine::{Error, Result};

/// One breakpoint row: concentrations `lo..=hi` map linearly onto indices `i_lo..=i_hi`.
#[derive(Clone, Copy, Debug)]
pub struct RowText {
    pub lo: &'static str,
    pub hi: &'static str,
    pub i_lo: i32,
    pub i_hi: i32,
}

const fn r(lo: &'static str, hi: &'static str, i_lo: i32, i_hi: i32) -> RowText {
    RowText { lo, hi, i_lo, i_hi }
}

/// An AQI category with its colour (TAD Table 1).
#[derive(Clone, Copy, Debug)]
pub struct Category {
    pub name: &'static str,
    pub i_lo: i32,
    /// `None` for the open-ended top category.
    pub i_hi: Option<i32>,
    pub colour: &'static str,
    pub hex: &'static str,
}

/// A built-in standard: id, source, tables per measure and categories.
#[derive(Debug)]
pub struct StandardDef {
    pub id: &'static str,
    pub source: &'static str,
    pub tables: &'static [(Measure, &'static [RowText])],
    pub categories: &'static [Category],
}

const fn cat(
    name: &'static str,
    i_lo: i32,
    i_hi: Option<i32>,
    colour: &'static str,
    hex: &'static str,
) -> Category {
    Category { name, i_lo, i_hi, colour, hex }
}

/// US EPA categories, the same in every EPA table version (TAD Table 1, reference §2.3).
const US_EPA_CATEGORIES: &[Category] = &[
    cat("Good", 0, Some(50), "Green", "#00E400"),
    cat("Moderate", 51, Some(100), "Yellow", "#FFFF00"),
    cat("Unhealthy for Sensitive Groups", 101, Some(150), "Orange", "#FF7E00"),
    cat("Unhealthy", 151, Some(200), "Red", "#FF0000"),
    cat("Very Unhealthy", 201, Some(300), "Purple", "#8F3F97"),
    cat("Hazardous", 301, None, "Maroon", "#7E0023"),
];

// Rows every EPA version since 2015 shares (reference §2.2 and §2.9).
const O3_8H: &[RowText] = &[
    r("0.000", "0.054", 0, 50),
    r("0.055", "0.070", 51, 100),
    r("0.071", "0.085", 101, 150),
    r("0.086", "0.105", 151, 200),
    r("0.106", "0.200", 201, 300),
];
const SO2_1H: &[RowText] =
    &[r("0", "35", 0, 50), r("36", "75", 51, 100), r("76", "185", 101, 150), r("186", "304", 151, 200)];

/// US EPA, 2024 revision (EPA-454/B-24-002): one merged Hazardous row 301–500 (§2.2).
pub const US_EPA_2024: StandardDef = StandardDef {
    id: "us_epa_2024",
    source: "US EPA AQI Technical Assistance Document EPA-454/B-24-002 (May 2024)",
    tables: &[
        (
            Measure::Pm25,
            &[
                r("0.0", "9.0", 0, 50),
                r("9.1", "35.4", 51, 100),
                r("35.5", "55.4", 101, 150),
                r("55.5", "125.4", 151, 200),
                r("125.5", "225.4", 201, 300),
                r("225.5", "325.4", 301, 500),
            ],
        ),
        (
            Measure::Pm10,
            &[
                r("0", "54", 0, 50),
                r("55", "154", 51, 100),
                r("155", "254", 101, 150),
                r("255", "354", 151, 200),
                r("355", "424", 201, 300),
                r("425", "604", 301, 500),
            ],
        ),
        (Measure::O3_8h, O3_8H),
        (
            Measure::O3_1h,
            &[
                r("0.125", "0.164", 101, 150),
                r("0.165", "0.204", 151, 200),
                r("0.205", "0.404", 201, 300),
                r("0.405", "0.604", 301, 500),
            ],
        ),
        (
            Measure::Co,
            &[
                r("0.0", "4.4", 0, 50),
                r("4.5", "9.4", 51, 100),
                r("9.5", "12.4", 101, 150),
                r("12.5", "15.4", 151, 200),
                r("15.5", "30.4", 201, 300),
                r("30.5", "50.4", 301, 500),
            ],
        ),
        (Measure::So2_1h, SO2_1H),
        (Measure::So2_24h, &[r("305", "604", 201, 300), r("605", "1004", 301, 500)]),
        (
            Measure::No2,
            &[
                r("0", "53", 0, 50),
                r("54", "100", 51, 100),
                r("101", "360", 101, 150),
                r("361", "649", 151, 200),
                r("650", "1249", 201, 300),
                r("1250", "2049", 301, 500),
            ],
        ),
    ],
    categories: US_EPA_CATEGORIES,
};

/// US EPA before May 2024 (EPA-454/B-18-007 with the Dec 2012 PM2.5 table): two Hazardous rows (§2.9).
pub const US_EPA_2012: StandardDef = StandardDef {
    id: "us_epa_2012",
    source: "US EPA AQI Technical Assistance Document EPA-454/B-18-007 (Sept 2018; PM2.5 table of Dec 2012)",
    tables: &[
        (
            Measure::Pm25,
            &[
                r("0.0", "12.0", 0, 50),
                r("12.1", "35.4", 51, 100),
                r("35.5", "55.4", 101, 150),
                r("55.5", "150.4", 151, 200),
                r("150.5", "250.4", 201, 300),
                r("250.5", "350.4", 301, 400),
                r("350.5", "500.4", 401, 500),
            ],
        ),
        (
            Measure::Pm10,
            &[
                r("0", "54", 0, 50),
                r("55", "154", 51, 100),
                r("155", "254", 101, 150),
                r("255", "354", 151, 200),
                r("355", "424", 201, 300),
                r("425", "504", 301, 400),
                r("505", "604", 401, 500),
            ],
        ),
        (Measure::O3_8h, O3_8H),
        (
            Measure::O3_1h,
            &[
                r("0.125", "0.164", 101, 150),
                r("0.165", "0.204", 151, 200),
                r("0.205", "0.404", 201, 300),
                r("0.405", "0.504", 301, 400),
                r("0.505", "0.604", 401, 500),
            ],
        ),
        (
            Measure::Co,
            &[
                r("0.0", "4.4", 0, 50),
                r("4.5", "9.4", 51, 100),
                r("9.5", "12.4", 101, 150),
                r("12.5", "15.4", 151, 200),
                r("15.5", "30.4", 201, 300),
                r("30.5", "40.4", 301, 400),
                r("40.5", "50.4", 401, 500),
            ],
        ),
        (Measure::So2_1h, SO2_1H),
        (
            Measure::So2_24h,
            &[r("305", "604", 201, 300), r("605", "804", 301, 400), r("805", "1004", 401, 500)],
        ),
        (
            Measure::No2,
            &[
                r("0", "53", 0, 50),
                r("54", "100", 51, 100),
                r("101", "360", 101, 150),
                r("361", "649", 151, 200),
                r("650", "1249", 201, 300),
                r("1250", "1649", 301, 400),
                r("1650", "2049", 401, 500),
            ],
        ),
    ],
    categories: US_EPA_CATEGORIES,
};

/// US EPA 1999 PM2.5 rows (74 FR 30469, 26 Jun 2009 correction); PM2.5 only (§2.9).
pub const US_EPA_1999: StandardDef = StandardDef {
    id: "us_epa_1999",
    source: "40 CFR 58 App. G PM2.5 breakpoints of 1999 (74 FR 30469, 26 Jun 2009)",
    tables: &[(
        Measure::Pm25,
        &[
            r("0.0", "15.4", 0, 50),
            r("15.5", "40.4", 51, 100),
            r("40.5", "65.4", 101, 150),
            r("65.5", "150.4", 151, 200),
            r("150.5", "250.4", 201, 300),
            r("250.5", "350.4", 301, 400),
            r("350.5", "500.4", 401, 500),
        ],
    )],
    categories: US_EPA_CATEGORIES,
};

/// Every built-in standard, the default first.
pub const STANDARDS: &[&StandardDef] = &[&US_EPA_2024, &US_EPA_2012, &US_EPA_1999];

/// Finds a built-in standard by id.
pub fn standard(id: &str) -> Result<&'static StandardDef> {
    let wanted = id.trim().to_ascii_lowercase();
    STANDARDS.iter().copied().find(|s| s.id == wanted).ok_or_else(|| {
        Error::spec(format!(
            "unknown standard '{id}'; expected one of {}",
            STANDARDS.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
        ))
    })
}

impl StandardDef {
    pub fn rows(&self, measure: Measure) -> Option<&'static [RowText]> {
        self.tables.iter().find(|(m, _)| *m == measure).map(|(_, rows)| *rows)
    }

    pub fn measures(&self) -> impl Iterator<Item = Measure> + '_ {
        self.tables.iter().map(|(m, _)| *m)
    }

    /// The category whose index range holds `index` (indices above every range: the last).
    pub fn category_of(&self, index: i32) -> usize {
        self.categories
            .iter()
            .position(|c| c.i_hi.is_none_or(|hi| index <= hi))
            .unwrap_or(self.categories.len() - 1)
    }
}

/// Parses a decimal string into an exact count of quanta with `decimals` digits after the point.
pub fn parse_count(text: &str, decimals: u32) -> Result<i64> {
    let bad =
        || Error::spec(format!("breakpoint '{text}' is not a decimal with at most {decimals} decimals"));
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > decimals as usize || whole.is_empty() {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let padded = format!("{frac:0<width$}", width = decimals as usize);
    let frac: i64 = if padded.is_empty() { 0 } else { padded.parse().map_err(|_| bad())? };
    Ok(whole * 10_i64.pow(decimals) + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_count("35.4", 1).unwrap(), 354);
        assert_eq!(parse_count("0.054", 3).unwrap(), 54);
        assert_eq!(parse_count("1004", 0).unwrap(), 1004);
        assert_eq!(parse_count("9", 1).unwrap(), 90);
        assert!(parse_count("0.0541", 3).is_err());
        assert!(parse_count("abc", 0).is_err());
    }

    #[test]
    fn every_table_is_contiguous_and_increasing() {
        for std in STANDARDS {
            for (measure, rows) in std.tables {
                let d = measure.decimals();
                for pair in rows.windows(2) {
                    let hi = parse_count(pair[0].hi, d).unwrap();
                    let next_lo = parse_count(pair[1].lo, d).unwrap();
                    assert_eq!(next_lo, hi + 1, "{} {} gap after {}", std.id, measure.key(), pair[0].hi);
                    assert_eq!(pair[1].i_lo, pair[0].i_hi + 1, "{} {}", std.id, measure.key());
                }
                for row in *rows {
                    assert!(parse_count(row.lo, d).unwrap() < parse_count(row.hi, d).unwrap());
                    assert!(row.i_lo < row.i_hi);
                }
            }
        }
    }

    #[test]
    fn categories_partition_the_index() {
        let s = standard("US_EPA_2024").unwrap();
        assert_eq!(s.categories[s.category_of(0)].name, "Good");
        assert_eq!(s.categories[s.category_of(50)].name, "Good");
        assert_eq!(s.categories[s.category_of(51)].name, "Moderate");
        assert_eq!(s.categories[s.category_of(300)].name, "Very Unhealthy");
        assert_eq!(s.categories[s.category_of(301)].name, "Hazardous");
        assert_eq!(s.categories[s.category_of(5000)].name, "Hazardous");
        assert!(standard("us_epa_2030").is_err());
    }
}
