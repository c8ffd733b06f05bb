//! Decoding one chunk: every record is first checked (grammar and schema, `validate` and
//! `check`); the records that fail are blanked out and rejected with their reason, and the rest
//! decode with the arrow-rs JSON decoder in one call. Should the decoder still refuse a group
//! (a type the check leaves to it), the group is bisected until each bad record stands alone,
//! so every record is either a row or a rejection.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow_cast::cast;
use arrow_json::reader::Decoder;
use arrow_json::ReaderBuilder;
use arrow_schema::{ArrowError, DataType, SchemaRef, TimeUnit};
use arrow_select::concat::concat_batches;
use arrow_select::filter::filter;

use crate::engine::io::check::{Check, Plan};
use crate::engine::io::chunks::{oversize_reason, Chunk};
use crate::engine::io::schema::flatten_batch;
use crate::engine::io::split::{count_lines, ndjson_records, Piece};
use crate::engine::io::validate::Validator;
use crate::engine::type_names::pyarrow_name;
use crate::engine::{Error, Result};

/// Raw text kept per rejected record, in bytes (cut on a character boundary when possible).
pub const RAW_TEXT_LIMIT: usize = 1024;

/// A record that could not be decoded; positions are within its chunk.
#[derive(Clone, Debug)]
pub struct LocalReject {
    /// Line ends before the record in its chunk.
    pub line: u64,
    /// Byte position in the chunk.
    pub position: usize,
    pub reason: String,
    pub raw: String,
    pub raw_bytes: u64,
}

/// The rows and rejections of one chunk.
#[derive(Debug)]
pub struct Decoded {
    pub batch: RecordBatch,
    pub rejected: Vec<LocalReject>,
    pub records: usize,
    pub newlines: u64,
}

/// How chunks are decoded: the schema, its checks, and what the decoder itself builds.
#[derive(Debug)]
pub struct DecodePlan {
    pub schema: SchemaRef,
    decode_schema: SchemaRef,
    check: Plan,
    flat: Option<SchemaRef>,
    max_record_bytes: usize,
}

fn reason(err: &ArrowError) -> String {
    let text = err.to_string();
    text.strip_prefix("Json error: ").unwrap_or(&text).to_owned()
}

fn decoder(schema: &SchemaRef, rows: usize) -> std::result::Result<Decoder, String> {
    ReaderBuilder::new(schema.clone())
        .with_batch_size(rows + 1)
        .with_coerce_primitive(true)
        .build_decoder()
        .map_err(|e| reason(&e))
}

/// Feeds `bytes` to `decoder`, stopping once it holds more than `limit` values.
fn feed(decoder: &mut Decoder, bytes: &[u8], limit: usize) -> std::result::Result<(), String> {
    let mut pos = 0;
    while pos < bytes.len() && decoder.len() <= limit {
        pos += decoder.decode(&bytes[pos..]).map_err(|e| reason(&e))?;
    }
    Ok(())
}

fn finish(
    mut decoder: Decoder,
    schema: &SchemaRef,
    expected: usize,
) -> std::result::Result<RecordBatch, String> {
    let batch = decoder.flush().map_err(|e| reason(&e))?;
    let batch = batch.unwrap_or_else(|| RecordBatch::new_empty(schema.clone()));
    if batch.num_rows() == expected {
        Ok(batch)
    } else {
        Err("record count mismatch".to_owned())
    }
}

/// Decodes records one piece at a time, each holding exactly one value.
fn decode_pieces(
    schema: &SchemaRef,
    bytes: &[u8],
    pieces: &[&Piece],
) -> std::result::Result<RecordBatch, String> {
    let mut decoder = decoder(schema, pieces.len())?;
    for (i, piece) in pieces.iter().enumerate() {
        feed(&mut decoder, &bytes[piece.span.clone()], i + 1)?;
        if decoder.len() != i + 1 || decoder.has_partial_record() {
            return Err("record count mismatch".to_owned());
        }
    }
    finish(decoder, schema, pieces.len())
}

/// Decodes `pieces`, keeping good batches in order and halving failing groups until each bad
/// record stands alone.
fn bisect(
    schema: &SchemaRef,
    bytes: &[u8],
    pieces: &[&Piece],
    first: usize,
    good: &mut Vec<RecordBatch>,
    bad: &mut Vec<(usize, String)>,
) {
    match decode_pieces(schema, bytes, pieces) {
        Ok(batch) => good.push(batch),
        Err(why) if pieces.len() == 1 => bad.push((first, why)),
        Err(_) => {
            let mid = pieces.len() / 2;
            bisect(schema, bytes, &pieces[..mid], first, good, bad);
            bisect(schema, bytes, &pieces[mid..], first + mid, good, bad);
        }
    }
}

pub fn raw_text(bytes: &[u8]) -> String {
    let mut end = bytes.len().min(RAW_TEXT_LIMIT);
    // Back up (at most 3 bytes) to a UTF-8 character start, so the cut breaks no character.
    let floor = end.saturating_sub(3);
    while end > floor && end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

pub fn with_rows(schema: SchemaRef, columns: Vec<ArrayRef>, rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

fn rejects(
    bytes: &[u8],
    pieces: &[Piece],
    bad: &[(usize, String)],
    oversize: Option<u64>,
) -> Vec<LocalReject> {
    let (mut line, mut counted) = (0_u64, 0_usize);
    bad.iter()
        .map(|(i, reason)| {
            let span = pieces[*i].span.clone();
            line += count_lines(&bytes[counted..span.start]);
            counted = span.start;
            LocalReject {
                line,
                position: span.start,
                reason: reason.clone(),
                raw: raw_text(&bytes[span.clone()]),
                raw_bytes: oversize.unwrap_or(span.len() as u64),
            }
        })
        .collect()
}

impl DecodePlan {
    /// `epoch`: see [`Plan::new`]; `flat`: the flattened schema when flattening; records
    /// longer than `max_record_bytes` are rejected (the longer ones are cut by the chunker).
    pub fn new(
        schema: SchemaRef,
        epoch: Option<TimeUnit>,
        flat: Option<SchemaRef>,
        max_record_bytes: usize,
    ) -> Self {
        let check = Plan::new(&schema, epoch);
        let decode_schema = Arc::new(check.decode_schema(&schema));
        Self { schema, decode_schema, check, flat, max_record_bytes }
    }

    /// The decoder's rows of the good records (`bytes` has the bad ones blanked), bisecting on
    /// a failure: the batch, and the failures as (index among `good`, reason).
    fn rows(&self, bytes: &[u8], good: &[&Piece]) -> Result<(RecordBatch, Vec<(usize, String)>)> {
        let schema = &self.decode_schema;
        if schema.fields().is_empty() {
            return Ok((with_rows(Arc::clone(schema), Vec::new(), good.len())?, Vec::new()));
        }
        let whole = decoder(schema, good.len()).and_then(|mut d| {
            feed(&mut d, bytes, good.len())?;
            finish(d, schema, good.len())
        });
        if let Ok(batch) = whole {
            return Ok((batch, Vec::new()));
        }
        let (mut batches, mut bad) = (Vec::new(), Vec::new());
        bisect(schema, bytes, good, 0, &mut batches, &mut bad);
        let rows = good.len() - bad.len();
        let batch = concat_batches(schema, &batches)?;
        Ok((with_rows(Arc::clone(schema), batch.columns().to_vec(), rows)?, bad))
    }

    /// Decodes a chunk into its rows and rejections.
    pub fn decode(&self, chunk: Chunk) -> Result<Decoded> {
        let Chunk { mut bytes, pieces, oversize, .. } = chunk;
        let element = pieces.is_some();
        let pieces = pieces.unwrap_or_else(|| ndjson_records(&bytes));
        let newlines = oversize.map_or_else(|| count_lines(&bytes), |o| o.newlines);
        let mut bad: Vec<(usize, String)> = Vec::new();
        let mut good: Vec<usize> = Vec::with_capacity(pieces.len());
        let (mut validator, mut check) = (Validator::default(), Check::new(&self.check, pieces.len()));
        for (i, piece) in pieces.iter().enumerate() {
            if let Some(problem) = &piece.problem {
                bad.push((i, problem.clone()));
                continue;
            }
            if piece.span.len() > self.max_record_bytes {
                bad.push((i, oversize_reason(self.max_record_bytes)));
                continue;
            }
            check.begin();
            let verdict = validator.record(&bytes[piece.span.clone()], &mut check, element);
            check.end(verdict.is_ok());
            match verdict {
                Ok(()) => good.push(i),
                Err(why) => bad.push((i, why)),
            }
        }
        let mut rejected = rejects(&bytes, &pieces, &bad, oversize.map(|o| o.bytes));
        for (i, _) in &bad {
            bytes[pieces[*i].span.clone()].fill(b' ');
        }
        let good_pieces: Vec<&Piece> = good.iter().map(|&i| &pieces[i]).collect();
        let (decoded, failed) = self.rows(&bytes, &good_pieces)?;
        let mut direct = Vec::with_capacity(check.columns.len());
        for (column, &(index, _)) in check.columns.into_iter().zip(&self.check.direct) {
            direct.push(column.finish(self.schema.field(index).data_type())?);
        }
        if !failed.is_empty() {
            // The decoder refused records the check passed: drop their direct values.
            let mut keep = vec![true; good.len()];
            for (k, _) in &failed {
                keep[*k] = false;
            }
            let failed: Vec<(usize, String)> = failed.into_iter().map(|(k, why)| (good[k], why)).collect();
            rejected.extend(rejects(&bytes, &pieces, &failed, None));
            rejected.sort_by_key(|r| r.position);
            let keep = BooleanArray::from(keep);
            direct = direct.iter().map(|c| filter(c, &keep)).collect::<Result<_, _>>()?;
        }
        let batch = self.assemble(&decoded, direct)?;
        Ok(Decoded { batch, rejected, records: pieces.len(), newlines })
    }

    /// The decoder's columns and the direct ones in the schema's order.
    fn assemble(&self, decoded: &RecordBatch, direct: Vec<ArrayRef>) -> Result<RecordBatch> {
        let rows = decoded.num_rows();
        let mut decoded_columns = decoded.columns().iter();
        let mut direct = self.check.direct.iter().zip(direct).peekable();
        let mut columns = Vec::with_capacity(self.schema.fields().len());
        for i in 0..self.schema.fields().len() {
            match direct.peek() {
                Some(((index, _), _)) if *index == i => columns.push(direct.next().expect("peeked").1),
                _ => {
                    let column = decoded_columns.next().expect("one decoded column a field");
                    let wanted = self.schema.field(i).data_type();
                    // Only dictionaries differ (see `decodable`): cast their values back.
                    columns.push(if column.data_type() == wanted {
                        Arc::clone(column)
                    } else {
                        cast(column, wanted)
                            .map_err(|e| dictionary_error(self.schema.field(i).name(), wanted, &e))?
                    });
                }
            }
        }
        let batch = with_rows(Arc::clone(&self.schema), columns, rows)?;
        match &self.flat {
            Some(flat) => flatten_batch(&batch, flat),
            None => Ok(batch),
        }
    }
}

/// A dictionary column whose values outgrow its index type (per chunk of the file).
fn dictionary_error(column: &str, wanted: &DataType, error: &ArrowError) -> Error {
    Error::InvalidSpec(format!(
        "column '{column}': its values do not fit {} ({error}); give a wider index type, such as \
         dictionary(int32, string)",
        pyarrow_name(wanted)
    ))
}

#[cfg(test)]
mod tests;
