//! How the measures in the data make pollutants (the combining rule of each), and the
//! dictionary of dominant-pollutant labels.

use std::sync::Arc;

use arrow_array::{ArrayRef, StringArray};

use super::{PlannedInput, PlannedPollutant, Rule};
use crate::engine::aqi::measure::Pollutant;
use crate::engine::aqi::standard::Standard;

/// Groups planned inputs by pollutant, in canonical pollutant order.
pub(super) fn plan_pollutants(standard: &Standard, inputs: &[PlannedInput]) -> Vec<PlannedPollutant> {
    let mut out = Vec::new();
    for pollutant in Pollutant::ALL {
        let mut measures: Vec<usize> =
            (0..standard.measures.len()).filter(|&m| standard.measures[m].pollutant == pollutant).collect();
        let one_hour = |m: &usize| standard.measures[*m].averaging == "1h";
        let rule = match (measures.len(), pollutant) {
            (1, _) => Rule::Single,
            (_, Pollutant::So2) if standard.epa_so2 => Rule::EpaSulfur,
            (_, Pollutant::So2 | Pollutant::No2 | Pollutant::Co)
                if standard.hj633_periods && measures.iter().filter(|m| one_hour(m)).count() == 1 =>
            {
                measures.sort_by_key(|m| !one_hour(m)); // the 1-hour measure first
                Rule::HourlyFirst
            }
            _ => Rule::Larger,
        };
        let mut slots = [None, None];
        for (slot, m) in slots.iter_mut().zip(&measures) {
            *slot = inputs.iter().position(|i| i.measure == *m);
        }
        if slots.iter().all(Option::is_none) {
            continue;
        }
        out.push(PlannedPollutant { pollutant, rule, slots });
    }
    out
}

/// One dictionary entry per non-empty set of present pollutants (singles first), so every batch
/// shares one dictionary; ties read "pm25,pm10".
pub(super) fn dominant_dictionary(pollutants: &[Pollutant]) -> (ArrayRef, Vec<i16>) {
    let present: usize = pollutants.iter().map(|p| 1 << p.index()).sum();
    let mut masks: Vec<usize> = (1..256).filter(|m| m & !present == 0).collect();
    masks.sort_by_key(|m| (m.count_ones(), *m));
    let mut keys = vec![0_i16; 256];
    let names = masks.iter().enumerate().map(|(key, &mask)| {
        keys[mask] = key as i16;
        Pollutant::ALL
            .iter()
            .filter(|p| mask & (1 << p.index()) != 0)
            .map(|p| p.key())
            .collect::<Vec<_>>()
            .join(",")
    });
    let values: ArrayRef = Arc::new(StringArray::from_iter_values(names.collect::<Vec<_>>()));
    (values, keys)
}
