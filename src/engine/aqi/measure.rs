//! What is measured: pollutants, their averaging periods ("measures"), units and precision.

use crate::engine::{Error, Result};

/// An output pollutant, in the canonical order used for columns and tie lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pollutant {
    Pm25,
    Pm10,
    O3,
    Co,
    So2,
    No2,
}

impl Pollutant {
    pub const ALL: [Pollutant; 6] = [Self::Pm25, Self::Pm10, Self::O3, Self::Co, Self::So2, Self::No2];

    pub fn key(self) -> &'static str {
        match self {
            Self::Pm25 => "pm25",
            Self::Pm10 => "pm10",
            Self::O3 => "o3",
            Self::Co => "co",
            Self::So2 => "so2",
            Self::No2 => "no2",
        }
    }

    /// Position in `ALL`, also the bit in a dominant-pollutant mask.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Molar mass in g/mol for gases (reference §8); `None` for particles.
    pub fn molar_mass(self) -> Option<f64> {
        match self {
            Self::O3 => Some(48.00),
            Self::No2 => Some(46.01),
            Self::So2 => Some(64.07),
            Self::Co => Some(28.01),
            Self::Pm25 | Self::Pm10 => None,
        }
    }
}

/// A pollutant at one averaging period: one input column, one breakpoint table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Pm25,
    Pm10,
    O3_8h,
    O3_1h,
    Co,
    So2_1h,
    So2_24h,
    No2,
}

impl Measure {
    pub const ALL: [Measure; 8] =
        [Self::Pm25, Self::Pm10, Self::O3_8h, Self::O3_1h, Self::Co, Self::So2_1h, Self::So2_24h, Self::No2];

    pub fn key(self) -> &'static str {
        match self {
            Self::Pm25 => "pm25",
            Self::Pm10 => "pm10",
            Self::O3_8h => "o3_8h",
            Self::O3_1h => "o3_1h",
            Self::Co => "co",
            Self::So2_1h => "so2_1h",
            Self::So2_24h => "so2_24h",
            Self::No2 => "no2",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn pollutant(self) -> Pollutant {
        match self {
            Self::Pm25 => Pollutant::Pm25,
            Self::Pm10 => Pollutant::Pm10,
            Self::O3_8h | Self::O3_1h => Pollutant::O3,
            Self::Co => Pollutant::Co,
            Self::So2_1h | Self::So2_24h => Pollutant::So2,
            Self::No2 => Pollutant::No2,
        }
    }

    /// Averaging period of the breakpoint table (reference §2.1).
    pub fn averaging(self) -> &'static str {
        match self {
            Self::Pm25 | Self::Pm10 | Self::So2_24h => "24h",
            Self::O3_8h | Self::Co => "8h",
            Self::O3_1h | Self::So2_1h | Self::No2 => "1h",
        }
    }

    /// The unit the US EPA tables are written in.
    pub fn native_unit(self) -> Unit {
        match self {
            Self::Pm25 | Self::Pm10 => Unit::MicrogramPerM3,
            Self::O3_8h | Self::O3_1h | Self::Co => Unit::Ppm,
            Self::So2_1h | Self::So2_24h | Self::No2 => Unit::Ppb,
        }
    }

    /// Decimals kept by truncation: PM2.5 0.1, PM10 1, O3 0.001, CO 0.1, SO2 and NO2 1 (§2.1).
    pub fn decimals(self) -> u32 {
        match self {
            Self::Pm25 | Self::Co => 1,
            Self::O3_8h | Self::O3_1h => 3,
            Self::Pm10 | Self::So2_1h | Self::So2_24h | Self::No2 => 0,
        }
    }

    /// Quanta per unit: the factor that turns a concentration into an integer count.
    pub fn scale(self) -> f64 {
        f64::from(10_u32.pow(self.decimals()))
    }

    /// Parses a measure key as users write it in `columns=`, `units=` or `subindex()`.
    /// "o3" means the 8-hour value and "so2" the 1-hour value, as in the EPA tables.
    pub fn parse(key: &str) -> Result<Measure> {
        let found = match key.trim().to_ascii_lowercase().as_str() {
            "pm25" | "pm2_5" | "pm2.5" => Self::Pm25,
            "pm10" => Self::Pm10,
            "o3" | "o3_8h" => Self::O3_8h,
            "o3_1h" => Self::O3_1h,
            "co" => Self::Co,
            "so2" | "so2_1h" => Self::So2_1h,
            "so2_24h" => Self::So2_24h,
            "no2" => Self::No2,
            _ => {
                return Err(Error::spec(format!(
                    "unknown pollutant '{key}'; expected one of {}",
                    Self::ALL.map(Self::key).join(", ")
                )))
            }
        };
        Ok(found)
    }

    /// Recognises a column name (already normalised by `columns::normalize_name`).
    pub fn recognise(normalized: &str) -> Option<Measure> {
        let found = match normalized {
            "pm25" | "pm25ugm3" => Self::Pm25,
            "pm10" => Self::Pm10,
            "o3" | "o38h" | "o38hr" | "ozone" | "ozone8h" => Self::O3_8h,
            "o31h" | "o31hr" | "ozone1h" => Self::O3_1h,
            "co" | "co8h" | "co8hr" => Self::Co,
            "so2" | "so21h" | "so21hr" => Self::So2_1h,
            "so224h" | "so224hr" => Self::So2_24h,
            "no2" | "no21h" | "no21hr" => Self::No2,
            _ => return None,
        };
        Some(found)
    }
}

/// A concentration unit the engine converts between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    MicrogramPerM3,
    MilligramPerM3,
    Ppb,
    Ppm,
}

/// Molar volume at 25 °C and 1 atm, the US EPA convention (reference §8).
pub const MOLAR_VOLUME_25C: f64 = 24.45;

impl Unit {
    pub fn parse(text: &str, measure: Measure) -> Result<Unit> {
        let squashed: String = text
            .trim()
            .to_lowercase()
            .replace(['µ', 'μ'], "u")
            .replace('³', "3")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match squashed.as_str() {
            "ug/m3" | "ugm-3" | "ug/m^3" => Ok(Self::MicrogramPerM3),
            "mg/m3" | "mgm-3" | "mg/m^3" => Ok(Self::MilligramPerM3),
            "ppb" => Ok(Self::Ppb),
            "ppm" => Ok(Self::Ppm),
            _ => Err(Error::spec(format!(
                "unknown unit '{text}' for pollutant {}; expected one of ug/m3, mg/m3, ppb, ppm",
                measure.key()
            ))),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::MicrogramPerM3 => "ug/m3",
            Self::MilligramPerM3 => "mg/m3",
            Self::Ppb => "ppb",
            Self::Ppm => "ppm",
        }
    }

    fn is_mass(self) -> bool {
        matches!(self, Self::MicrogramPerM3 | Self::MilligramPerM3)
    }

    /// Factor that turns a value in `self` into µg/m³ (mass) or ppb (mixing ratio).
    fn to_base(self) -> f64 {
        match self {
            Self::MicrogramPerM3 | Self::Ppb => 1.0,
            Self::MilligramPerM3 | Self::Ppm => 1000.0,
        }
    }

    /// The factor that converts a value in `self` to the measure's native unit.
    pub fn factor_to(self, measure: Measure) -> Result<f64> {
        let native = measure.native_unit();
        if self == native {
            return Ok(1.0);
        }
        let base = self.to_base() / native.to_base();
        if self.is_mass() == native.is_mass() {
            return Ok(base);
        }
        let Some(molar_mass) = measure.pollutant().molar_mass() else {
            return Err(Error::spec(format!(
                "pollutant {} is a particle mass: unit '{}' cannot be converted to {}",
                measure.key(),
                self.key(),
                native.key()
            )));
        };
        // ppb = µg/m³ × Vm / M, and the inverse.
        let ratio =
            if self.is_mass() { MOLAR_VOLUME_25C / molar_mass } else { molar_mass / MOLAR_VOLUME_25C };
        Ok(base * ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.key()).unwrap(), m);
        }
        assert_eq!(Measure::parse("O3").unwrap(), Measure::O3_8h);
        assert_eq!(Measure::parse("so2").unwrap(), Measure::So2_1h);
        assert!(Measure::parse("pm1").is_err());
    }

    #[test]
    fn unit_factors() {
        let f = Unit::parse("µg/m³", Measure::O3_8h).unwrap().factor_to(Measure::O3_8h).unwrap();
        assert!((f - 24.45 / 48.0 / 1000.0).abs() < 1e-15);
        let f = Unit::parse("ppm", Measure::No2).unwrap().factor_to(Measure::No2).unwrap();
        assert!((f - 1000.0).abs() < 1e-12);
        let f = Unit::parse("mg/m3", Measure::Pm25).unwrap().factor_to(Measure::Pm25).unwrap();
        assert!((f - 1000.0).abs() < 1e-12);
        let f = Unit::parse("ug/m3", Measure::Co).unwrap().factor_to(Measure::Co).unwrap();
        assert!((f - 24.45 / 28.01 / 1000.0).abs() < 1e-15);
        let err = Unit::parse("ppb", Measure::Pm25).unwrap().factor_to(Measure::Pm25).unwrap_err();
        assert!(err.to_string().contains("pm25"), "{err}");
        let err = Unit::parse("furlongs", Measure::So2_1h).unwrap_err();
        assert!(err.to_string().contains("so2_1h"), "{err}");
    }
}
