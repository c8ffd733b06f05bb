//! Key normalisation, applied alike to sheet keys and data values: Unicode NFKC, then
//! lower-casing, then trimming. `near_key` is the looser form drift uses to spot renames.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::engine::{Error, Result};

/// Which normalisation steps apply; all off means exact matching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Normalize {
    pub trim: bool,
    pub casefold: bool,
    pub nfkc: bool,
}

impl Normalize {
    pub const ALL: Self = Self { trim: true, casefold: true, nfkc: true };

    /// From step names: "trim", "casefold", "nfkc" (or "all").
    pub fn parse<S: AsRef<str>>(steps: &[S]) -> Result<Self> {
        let mut out = Self::default();
        for step in steps {
            match step.as_ref() {
                "trim" => out.trim = true,
                "casefold" => out.casefold = true,
                "nfkc" => out.nfkc = true,
                "all" => out = Self::ALL,
                other => {
                    return Err(Error::spec(format!(
                        "unknown normalize step '{other}'; expected trim, casefold, nfkc or all"
                    )))
                }
            }
        }
        Ok(out)
    }

    pub fn is_exact(self) -> bool {
        self == Self::default()
    }

    /// The step names, for metadata.
    pub fn names(self) -> Vec<&'static str> {
        [(self.nfkc, "nfkc"), (self.casefold, "casefold"), (self.trim, "trim")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect()
    }

    /// The normalised form of `value`.
    pub fn apply(self, value: &str) -> String {
        let mut s: String = if self.nfkc { value.nfkc().collect() } else { value.to_owned() };
        if self.casefold {
            s = s.to_lowercase();
        }
        if self.trim {
            s = s.trim().to_owned();
        }
        s
    }
}

/// Letters and digits only, accents removed, lower case: "Calm / Variable" and "calm-variable"
/// meet at "calmvariable", "Résolu" and "resolu" at "resolu".
pub fn near_key(value: &str) -> String {
    value
        .nfkd()
        .filter(|c| !is_combining_mark(*c) && c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps() {
        assert_eq!(Normalize::ALL.apply("  Finance\u{a0}"), "finance");
        assert_eq!(Normalize::ALL.apply("ＦＩＮＡＮＣＥ"), "finance"); // full-width letters (NFKC)
        assert_eq!(Normalize::parse(&["trim"]).unwrap().apply(" A "), "A");
        assert_eq!(Normalize::parse(&["casefold"]).unwrap().apply(" A "), " a ");
        assert_eq!(Normalize::parse(&["nfkc"]).unwrap().apply("ﬁ"), "fi");
        assert_eq!(Normalize::default().apply(" A "), " A ");
        assert!(Normalize::parse(&["upper"]).unwrap_err().to_string().contains("'upper'"));
        assert_eq!(Normalize::parse(&["all"]).unwrap(), Normalize::ALL);
        assert_eq!(Normalize::ALL.names(), ["nfkc", "casefold", "trim"]);
    }

    #[test]
    fn near_keys() {
        assert_eq!(near_key("Résolu"), "resolu");
        assert_eq!(near_key("Calm / Variable"), near_key("calm-variable"));
        assert_ne!(near_key("open"), near_key("opened"));
    }
}
