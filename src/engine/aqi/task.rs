//! One task's share of the output buffers and the bitmap writers, shared by the kernels
//! (`kernel` for the maximum-of-sub-indices standards, `aqhi` for Canada's formula).

use super::subindex::NONE;

/// One task's share of the output buffers; `start` is a multiple of 64 (whole bitmap words).
pub struct TaskOut<'a> {
    pub start: usize,
    pub aqi: &'a mut [i32],
    pub aqi_valid: &'a mut [u64],
    pub category: &'a mut [i8],
    pub dominant: &'a mut [i16],
    pub status: &'a mut [i8],
    /// Dominant validity when the standard names it only above an index (else empty).
    pub dominant_valid: &'a mut [u64],
    /// Keys and validity of the pollutants above `exceeding_above` (empty when none).
    pub exceeding: &'a mut [i16],
    pub exceeding_valid: &'a mut [u64],
    /// The unrounded AQHI (empty unless asked for).
    pub value: &'a mut [f64],
    /// Per present pollutant (plan order), when sub-index columns are asked for.
    pub subindices: Vec<(&'a mut [i32], &'a mut [u64])>,
}

impl<'a> TaskOut<'a> {
    /// Splits the outputs into consecutive parts of `rows` rows (a multiple of 64, so bitmap
    /// words split with them); optional outputs that are empty stay empty in every part.
    pub fn split(self, rows: usize) -> Vec<TaskOut<'a>> {
        let words = rows / 64;
        let TaskOut {
            start,
            aqi,
            aqi_valid,
            category,
            dominant,
            status,
            dominant_valid,
            exceeding,
            exceeding_valid,
            value,
            subindices,
        } = self;
        let mut subs: Vec<_> =
            subindices.into_iter().map(|(v, w)| v.chunks_mut(rows).zip(w.chunks_mut(words))).collect();
        let mut dominant_valid = dominant_valid.chunks_mut(words);
        let mut exceeding = exceeding.chunks_mut(rows);
        let mut exceeding_valid = exceeding_valid.chunks_mut(words);
        let mut value = value.chunks_mut(rows);
        let parts = aqi
            .chunks_mut(rows)
            .zip(aqi_valid.chunks_mut(words))
            .zip(category.chunks_mut(rows))
            .zip(dominant.chunks_mut(rows))
            .zip(status.chunks_mut(rows));
        parts
            .enumerate()
            .map(|(i, ((((aqi, aqi_valid), category), dominant), status))| TaskOut {
                start: start + i * rows,
                aqi,
                aqi_valid,
                category,
                dominant,
                status,
                dominant_valid: dominant_valid.next().unwrap_or_default(),
                exceeding: exceeding.next().unwrap_or_default(),
                exceeding_valid: exceeding_valid.next().unwrap_or_default(),
                value: value.next().unwrap_or_default(),
                subindices: subs.iter_mut().map(|it| it.next().expect("same part count")).collect(),
            })
            .collect()
    }
}

/// Packs `index != NONE` into bitmap words, 64 rows per word.
pub fn write_validity(index: &[i32], words: &mut [u64]) {
    write_bits(index, words, |&v| v != NONE);
}

/// Packs a per-row test into bitmap words, 64 rows per word.
pub fn write_bits<T>(rows: &[T], words: &mut [u64], test: impl Fn(&T) -> bool) {
    for (word, chunk) in words.iter_mut().zip(rows.chunks(64)) {
        *word = chunk.iter().enumerate().fold(0, |w, (bit, v)| w | u64::from(test(v)) << bit);
    }
}
