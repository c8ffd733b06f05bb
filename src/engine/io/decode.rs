//! Decoding one chunk with the arrow-rs JSON decoder. A chunk decodes in one call when all its
//! records are good; otherwise it is bisected until each bad record stands alone, so the good
//! records around it are kept and every record is either a row or a rejection.

use arrow_array::RecordBatch;
use arrow_json::reader::Decoder;
use arrow_json::ReaderBuilder;
use arrow_schema::{ArrowError, SchemaRef};
use arrow_select::concat::concat_batches;

use crate::engine::io::chunks::Chunk;
use crate::engine::io::split::{ndjson_count, ndjson_records, Piece};
use crate::engine::Result;

/// Raw text kept per rejected record, in bytes (cut on a character boundary when possible).
pub const RAW_TEXT_LIMIT: usize = 1024;

/// A record that could not be decoded; positions are within its chunk.
#[derive(Clone, Debug)]
pub struct LocalReject {
    /// Newlines before the record in its chunk.
    pub line: u64,
    /// Byte position in the chunk.
    pub position: usize,
    pub reason: String,
    pub raw: String,
    pub raw_bytes: usize,
}

/// The rows and rejections of one chunk.
#[derive(Debug)]
pub struct Decoded {
    pub batch: RecordBatch,
    pub rejected: Vec<LocalReject>,
    pub records: usize,
    pub newlines: u64,
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

/// The fast path: decodes a whole chunk in one call; it must hold exactly `expected` values.
fn decode_whole(
    schema: &SchemaRef,
    bytes: &[u8],
    expected: usize,
) -> std::result::Result<RecordBatch, String> {
    let mut decoder = decoder(schema, expected)?;
    feed(&mut decoder, bytes, expected)?;
    if decoder.len() > expected {
        return Err("record count mismatch".to_owned());
    }
    finish(decoder, schema, expected)
}

/// Decodes records one piece at a time, checking after each that it held exactly one complete
/// value; type errors surface at the end, for the group.
fn decode_pieces(
    schema: &SchemaRef,
    bytes: &[u8],
    pieces: &[Piece],
) -> std::result::Result<RecordBatch, String> {
    let mut decoder = decoder(schema, pieces.len())?;
    for (i, piece) in pieces.iter().enumerate() {
        feed(&mut decoder, &bytes[piece.span.clone()], i + 1)?;
        if decoder.len() > i + 1 {
            return Err("more than one JSON value in the record".to_owned());
        }
        if decoder.has_partial_record() {
            return Err("truncated record: it ends inside a value".to_owned());
        }
    }
    finish(decoder, schema, pieces.len())
}

/// Decodes `pieces` (none with a known problem), keeping good batches in order and halving
/// failing groups until each bad record stands alone.
fn bisect(
    schema: &SchemaRef,
    bytes: &[u8],
    pieces: &[Piece],
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

fn raw_text(bytes: &[u8]) -> String {
    let mut end = bytes.len().min(RAW_TEXT_LIMIT);
    // Back up (at most 3 bytes) to a UTF-8 character start, so the cut breaks no character.
    let floor = end.saturating_sub(3);
    while end > floor && end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Decodes a chunk: the fast path decodes it whole, the slow path isolates bad records.
pub fn decode_chunk(chunk: &Chunk, schema: &SchemaRef) -> Result<Decoded> {
    let bytes = &chunk.bytes;
    let (records, newlines) = match &chunk.pieces {
        None => ndjson_count(bytes),
        Some(pieces) => (pieces.len(), memchr::memchr_iter(b'\n', bytes).count() as u64),
    };
    let known_bad = chunk.pieces.as_ref().is_some_and(|p| p.iter().any(|p| p.problem.is_some()));
    if !known_bad {
        if let Ok(batch) = decode_whole(schema, bytes, records) {
            return Ok(Decoded { batch, rejected: Vec::new(), records, newlines });
        }
    }
    let pieces = chunk.pieces.clone().unwrap_or_else(|| ndjson_records(bytes));
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if let Some(problem) = piece.problem {
            if start < i {
                bisect(schema, bytes, &pieces[start..i], start, &mut good, &mut bad);
            }
            bad.push((i, problem.to_owned()));
            start = i + 1;
        }
    }
    if start < pieces.len() {
        bisect(schema, bytes, &pieces[start..], start, &mut good, &mut bad);
    }
    bad.sort_by_key(|(i, _)| *i);
    let (mut line, mut counted) = (0_u64, 0_usize);
    let rejected = bad
        .into_iter()
        .map(|(i, reason)| {
            let span = pieces[i].span.clone();
            line += memchr::memchr_iter(b'\n', &bytes[counted..span.start]).count() as u64;
            counted = span.start;
            LocalReject {
                line,
                position: span.start,
                reason,
                raw: raw_text(&bytes[span.clone()]),
                raw_bytes: span.len(),
            }
        })
        .collect();
    let batch = concat_batches(schema, &good)?;
    Ok(Decoded { batch, rejected, records, newlines })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]))
    }

    fn ndjson(text: &str) -> Decoded {
        let chunk = Chunk { file: 0, offset: 0, bytes: text.as_bytes().to_vec(), pieces: None };
        decode_chunk(&chunk, &schema()).unwrap()
    }

    #[test]
    fn good_chunk_in_one_call() {
        let out = ndjson("{\"a\":1}\n\n{\"a\":\"2\"}\r\n{}\n");
        assert_eq!((out.batch.num_rows(), out.records, out.newlines), (3, 3, 4));
        assert!(out.rejected.is_empty());
    }

    #[test]
    fn bad_records_isolated() {
        let out = ndjson("{\"a\":1}\n{\"a\":\n{\"a\":3} {\"a\":4}\n[1]\n{\"a\":5}\nnull\n{\"a\":6");
        assert_eq!(out.records, 7);
        let a = out.batch.column(0).as_any().downcast_ref::<arrow_array::Int64Array>().unwrap();
        assert_eq!(a.values().to_vec(), [1, 5]);
        let lines: Vec<_> = out.rejected.iter().map(|r| (r.line, r.position)).collect();
        assert_eq!(lines, [(1, 8), (2, 14), (3, 30), (5, 42), (6, 47)]);
        assert_eq!(out.rejected[1].reason, "more than one JSON value in the record");
        assert_eq!(out.rejected[0].reason, "truncated record: it ends inside a value");
        assert_eq!(out.batch.num_rows() + out.rejected.len(), out.records);
    }

    #[test]
    fn raw_text_is_cut_on_a_character() {
        let text = "é".repeat(RAW_TEXT_LIMIT);
        let raw = raw_text(text.as_bytes());
        assert_eq!(raw.len(), RAW_TEXT_LIMIT);
        assert!(raw.chars().all(|c| c == 'é'));
        assert_eq!(raw_text(b"ab\xFFc"), "ab\u{FFFD}c");
    }
}
