//! Suggestions beyond normalisation: the candidate most similar to a value, for typos
//! (`Finanse` → `Finance`) and small rewordings (`Finance & Accounting` → `Finance and
//! Accounting`).
//!
//! Both are compared as `near_key`s (letters and digits, lower case, no accents) by the optimal
//! string alignment distance of strsim (Levenshtein with adjacent transpositions), scaled to a
//! similarity `1 - distance / longer length`. A candidate is suggested at `THRESHOLD` (0.8) or
//! above: one edit in five characters. Digits must agree exactly (`Room 101` is not a typo of
//! `Room 102`), and candidates whose length rules out the threshold are never compared.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::normalize::near_key;
use crate::engine::parallel::install;

/// The least similarity suggested.
pub const THRESHOLD: f64 = 0.8;

/// The most comparisons one call of `best_of_each` makes (values × candidates of a fitting
/// length); beyond it, no similar suggestions are given (normalised matches still are).
pub const BUDGET: usize = 4_000_000;

/// The similarity of two `near_key`s, from 0 (nothing alike) to 1 (equal).
pub fn similarity(a: &str, b: &str) -> f64 {
    let longer = a.chars().count().max(b.chars().count());
    if longer == 0 {
        return 0.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longer as f64
}

fn digits(key: &str) -> String {
    key.chars().filter(char::is_ascii_digit).collect()
}

/// The candidates, grouped by their digits and then by length in characters.
pub struct Candidates {
    keys: Vec<String>,
    groups: HashMap<String, BTreeMap<usize, Vec<usize>>>,
}

impl Candidates {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut out = Self { keys: Vec::new(), groups: HashMap::new() };
        for (i, text) in texts.into_iter().enumerate() {
            let key = near_key(text);
            let by_len = out.groups.entry(digits(&key)).or_default();
            by_len.entry(key.chars().count()).or_default().push(i);
            out.keys.push(key);
        }
        out
    }

    /// The candidates a value of key `key` may reach: same digits, length within the window
    /// the threshold allows (`|a - b| <= (1 - THRESHOLD) * max(a, b)`).
    fn reachable<'s>(&'s self, key: &str) -> impl Iterator<Item = usize> + 's {
        let len = key.chars().count() as f64;
        let (low, high) =
            ((len * THRESHOLD - 1e-9).ceil() as usize, (len / THRESHOLD + 1e-9).floor() as usize);
        let group = if key.is_empty() { None } else { self.groups.get(&digits(key)) };
        group.into_iter().flat_map(move |g| g.range(low..=high).flat_map(|(_, ids)| ids.iter().copied()))
    }

    /// The most similar candidate at or above the threshold, as (index, similarity); the
    /// first in candidate order on a tie.
    pub fn best(&self, value: &str) -> Option<(usize, f64)> {
        self.best_except(value, |_| false)
    }

    /// `best` among the candidates `taken` does not exclude.
    pub fn best_except(&self, value: &str, taken: impl Fn(usize) -> bool) -> Option<(usize, f64)> {
        let key = near_key(value);
        let mut best: Option<(usize, f64)> = None;
        for i in self.reachable(&key).filter(|&i| !taken(i)) {
            let score = similarity(&key, &self.keys[i]);
            let better = match best {
                None => true,
                // Higher first, then earlier (the same score comes out as the same float).
                Some((j, s)) => score.total_cmp(&s).then(j.cmp(&i)).is_gt(),
            };
            if score >= THRESHOLD && better {
                best = Some((i, score));
            }
        }
        best
    }

    /// The comparisons `best` makes for each of `values`, summed.
    pub fn work(&self, values: &[&str]) -> usize {
        values.iter().map(|v| self.reachable(&near_key(v)).count()).sum()
    }

    /// `best` for every value (in parallel), or `None` when that would take more than
    /// `budget` comparisons.
    pub fn best_of_each(&self, values: &[&str], budget: usize) -> Option<Vec<Option<(usize, f64)>>> {
        (self.work(values) <= budget).then(|| install(|| values.par_iter().map(|v| self.best(v)).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_cases() {
        let score = |a: &str, b: &str| similarity(&near_key(a), &near_key(b));
        // 3 insertions in 20 letters; 1 substitution in 7; 1 transposition in 6.
        assert!((score("Finance & Accounting", "Finance and Accounting") - 0.85).abs() < 1e-12);
        assert!((score("Finanse", "Finance") - 6.0 / 7.0).abs() < 1e-12);
        assert!((score("Clsoed", "Closed") - 5.0 / 6.0).abs() < 1e-12);
        // Exactly at the threshold is suggested; just below is not.
        let c = Candidates::new(["abcde", "Open", "HR", "Room 102"]);
        assert_eq!(c.best("abcdx"), Some((0, 0.8)));
        assert_eq!(c.best("Opened"), None); // 2 edits in 6: 0.67
        assert_eq!(c.best("Opn"), None); // 1 edit in 4: 0.75
        assert_eq!(c.best("HRM"), None);
        assert_eq!(c.best("Room 101"), None); // digits differ
        assert_eq!(c.best("room-102"), Some((3, 1.0)));
        assert_eq!(c.best("&&"), None);
    }

    #[test]
    fn best_first_and_budget() {
        let c = Candidates::new(["Financ", "Finance", "Finances", "Marketing"]);
        // "finanse": "finance" 1 edit in 7; "financ" and "finances" 2 edits.
        assert_eq!(c.best("Finanse").map(|b| b.0), Some(1));
        let tie = Candidates::new(["abcdx", "abcdy"]);
        assert_eq!(tie.best("abcdz").map(|b| b.0), Some(0));
        let values = ["Finanse", "Marketting", "x"];
        let all = c.best_of_each(&values, BUDGET).unwrap();
        assert_eq!(all.iter().map(|b| b.map(|b| b.0)).collect::<Vec<_>>(), [Some(1), Some(3), None]);
        // "finanse" (7 letters) may reach those of 6 to 8 letters, 3; "marketting" (10) those
        // of 8 to 12, 2; "x" none: 5 comparisons.
        assert!(c.best_of_each(&values, 5).is_some());
        assert!(c.best_of_each(&values, 4).is_none());
    }
}
