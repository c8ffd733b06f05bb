//! Decoding chunks: the good records in one call, each bad one rejected alone with its line.

use super::*;
use arrow_array::{Array, Int64Array};
use arrow_schema::{DataType, Field, Schema};

fn plan() -> DecodePlan {
    DecodePlan::new(Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)])), None, None, 1 << 20)
}

fn ndjson(text: &str) -> Decoded {
    let chunk = Chunk { file: 0, offset: 0, bytes: text.as_bytes().to_vec(), pieces: None, oversize: None };
    plan().decode(chunk).unwrap()
}

#[test]
fn good_chunk_in_one_call() {
    let out = ndjson("{\"a\":1}\n\n{\"a\":\"2\"}\r\n{}\r{\"a\":null}");
    assert_eq!((out.batch.num_rows(), out.records, out.newlines), (4, 4, 4));
    assert!(out.rejected.is_empty());
}

#[test]
fn bad_records_isolated() {
    let out = ndjson("{\"a\":1}\n{\"a\":\n{\"a\":3} {\"a\":4}\n[1]\n{\"a\":5}\nnull\n{\"a\":6");
    assert_eq!(out.records, 7);
    let a = out.batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(a.values().to_vec(), [1, 5]);
    let lines: Vec<_> = out.rejected.iter().map(|r| (r.line, r.position)).collect();
    assert_eq!(lines, [(1, 8), (2, 14), (3, 30), (5, 42), (6, 47)]);
    let reasons: Vec<_> = out.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "truncated record: it ends inside a value",
            "more than one JSON value in the record",
            "not a JSON object: the record is an array",
            "not a JSON object: the record is null",
            "truncated record: it ends inside a value",
        ]
    );
    assert_eq!(out.batch.num_rows() + out.rejected.len(), out.records);
}

#[test]
fn zero_columns_keep_their_rows() {
    let plan = DecodePlan::new(Arc::new(Schema::empty()), None, None, 1 << 20);
    let chunk =
        Chunk { file: 0, offset: 0, bytes: b"{}\n{\"a\":1}\nx\n".to_vec(), pieces: None, oversize: None };
    let out = plan.decode(chunk).unwrap();
    assert_eq!((out.batch.num_rows(), out.batch.num_columns(), out.rejected.len()), (2, 0, 1));
}

#[test]
fn raw_text_is_cut_on_a_character() {
    let text = "é".repeat(RAW_TEXT_LIMIT);
    let raw = raw_text(text.as_bytes());
    assert_eq!(raw.len(), RAW_TEXT_LIMIT);
    assert!(raw.chars().all(|c| c == 'é'));
    assert_eq!(raw_text(b"ab\xFFc"), "ab\u{FFFD}c");
}
