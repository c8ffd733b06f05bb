//! What is measured: pollutants, concentration units and how a concentration is rounded
//! before a table is consulted. Which measures a standard rates is data (`standard`).

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
    Nh3,
    Pb,
}

impl Pollutant {
    pub const ALL: [Pollutant; 8] =
        [Self::Pm25, Self::Pm10, Self::O3, Self::Co, Self::So2, Self::No2, Self::Nh3, Self::Pb];

    pub fn key(self) -> &'static str {
        match self {
            Self::Pm25 => "pm25",
            Self::Pm10 => "pm10",
            Self::O3 => "o3",
            Self::Co => "co",
            Self::So2 => "so2",
            Self::No2 => "no2",
            Self::Nh3 => "nh3",
            Self::Pb => "pb",
        }
    }

    /// Position in `ALL`, also the bit in a pollutant mask.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses a pollutant key or a common synonym ("PM2.5", "ozone", "lead").
    pub fn parse(text: &str) -> Result<Pollutant> {
        Self::recognise(&crate::engine::columns::normalize_name(text)).ok_or_else(|| {
            Error::spec(format!(
                "unknown pollutant '{text}'; expected one of {}",
                Self::ALL.map(Self::key).join(", ")
            ))
        })
    }

    /// The pollutant a normalised name (see `columns::normalize_name`) stands for.
    pub fn recognise(normalized: &str) -> Option<Pollutant> {
        let found = match normalized {
            "pm25" => Self::Pm25,
            "pm10" => Self::Pm10,
            "o3" | "ozone" => Self::O3,
            "co" => Self::Co,
            "so2" => Self::So2,
            "no2" => Self::No2,
            "nh3" | "ammonia" => Self::Nh3,
            "pb" | "lead" => Self::Pb,
            _ => return None,
        };
        Some(found)
    }

    /// Molar mass in g/mol for gases (`docs/standards/index.md`); `None` for particles and lead.
    pub fn molar_mass(self) -> Option<f64> {
        match self {
            Self::O3 => Some(48.00),
            Self::No2 => Some(46.01),
            Self::So2 => Some(64.07),
            Self::Co => Some(28.01),
            Self::Nh3 => Some(17.03),
            Self::Pm25 | Self::Pm10 | Self::Pb => None,
        }
    }
}

/// How a concentration becomes the value a table is read at (`docs/standards/{index,china,uk}.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Cut to the measure's resolution (US EPA).
    Truncate,
    /// Nearest value at the resolution, ties up (India, UK).
    HalfUp,
    /// Nearest value at the resolution, ties to even (China, GB/T 8170).
    HalfEven,
    /// Used as measured (EEA bands, the AQHI formula).
    None,
}

impl Rounding {
    pub fn parse(text: &str) -> Result<Rounding> {
        match text {
            "truncate" => Ok(Self::Truncate),
            "half_up" => Ok(Self::HalfUp),
            "half_even" => Ok(Self::HalfEven),
            "none" => Ok(Self::None),
            _ => Err(Error::spec(format!(
                "rounding must be 'truncate', 'half_up', 'half_even' or 'none', not '{text}'"
            ))),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Truncate => "truncate",
            Self::HalfUp => "half_up",
            Self::HalfEven => "half_even",
            Self::None => "none",
        }
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

/// Molar volume (L/mol) at 1 atm for the two conventions of `docs/standards/index.md`: 25 °C (US EPA, China)
/// and 20 °C (EU and UK regulatory factors).
pub fn molar_volume(temperature_c: u32) -> Result<f64> {
    match temperature_c {
        25 => Ok(24.45),
        20 => Ok(24.055),
        other => Err(Error::spec(format!(
            "temperature must be 25 (US EPA, China, India, Canada) or 20 (EU, UK) degrees C, not {other}"
        ))),
    }
}

impl Unit {
    /// Parses a unit written for `what` (named in the error).
    pub fn parse(text: &str, what: &str) -> Result<Unit> {
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
                "unknown unit '{text}' for {what}; expected one of ug/m3, mg/m3, ppb, ppm"
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

    /// The factor that converts a value of `pollutant` in `self` to `target`; mass ↔ mixing
    /// ratio uses `molar_volume` (`ppb = µg/m³ × Vm / M`). `what` names the column in errors.
    pub fn factor_to(self, target: Unit, pollutant: Pollutant, molar_volume: f64, what: &str) -> Result<f64> {
        if self == target {
            return Ok(1.0);
        }
        let base = self.to_base() / target.to_base();
        if self.is_mass() == target.is_mass() {
            return Ok(base);
        }
        let Some(molar_mass) = pollutant.molar_mass() else {
            return Err(Error::spec(format!(
                "{what} is a particle mass: unit '{}' cannot be converted to {}",
                self.key(),
                target.key()
            )));
        };
        let ratio = if self.is_mass() { molar_volume / molar_mass } else { molar_mass / molar_volume };
        Ok(base * ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pollutants_parse_with_synonyms() {
        assert_eq!(Pollutant::parse("PM2.5").unwrap(), Pollutant::Pm25);
        assert_eq!(Pollutant::parse("Ozone").unwrap(), Pollutant::O3);
        assert_eq!(Pollutant::parse("lead").unwrap(), Pollutant::Pb);
        assert!(Pollutant::parse("pm1").is_err());
        for p in Pollutant::ALL {
            assert_eq!(Pollutant::parse(p.key()).unwrap(), p);
        }
    }

    #[test]
    fn unit_factors() {
        let ug = Unit::parse("µg/m³", "o3").unwrap();
        let f = ug.factor_to(Unit::Ppm, Pollutant::O3, 24.45, "o3").unwrap();
        assert!((f - 24.45 / 48.0 / 1000.0).abs() < 1e-15);
        let f = Unit::Ppm.factor_to(Unit::Ppb, Pollutant::No2, 24.45, "no2").unwrap();
        assert!((f - 1000.0).abs() < 1e-12);
        // 20 °C: 1 ppb NO2 = 46.01 / 24.055 = 1.913 µg/m³ (`docs/standards/index.md`).
        let f = Unit::Ppb.factor_to(Unit::MicrogramPerM3, Pollutant::No2, molar_volume(20).unwrap(), "no2");
        assert!((f.unwrap() - 1.9127).abs() < 1e-4);
        let err =
            Unit::Ppb.factor_to(Unit::MicrogramPerM3, Pollutant::Pm25, 24.45, "column 'x'").unwrap_err();
        assert!(err.to_string().contains("column 'x'"), "{err}");
        assert!(Unit::parse("furlongs", "so2_1h").unwrap_err().to_string().contains("so2_1h"));
        assert!(molar_volume(30).is_err());
    }
}
