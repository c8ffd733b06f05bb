//! The ingestion engine through its public Rust API: every record is a row or a rejection, in
//! file order, whatever the chunk size and thread count.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{Array, Int64Array};
use arrow_schema::{DataType, Field, Schema};
use pollutrack::engine::io::{self, FormatChoice, OnError, ReadOptions};
use pollutrack::engine::{parallel, Error};

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pollutrack-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();
    path
}

/// 3,000 records, every 7th one bad; returns the text and the good values.
fn messy(array: bool) -> (String, Vec<i64>) {
    let (mut records, mut good) = (Vec::new(), Vec::new());
    for i in 0..3000_i64 {
        if i % 7 == 3 {
            records.push(format!("{{\"v\": {i}, \"s\": \"x\\\"]"));
        } else {
            records.push(format!("{{\"v\": {i}, \"s\": \"a,]}}\\\"{i}\"}}"));
            good.push(i);
        }
    }
    let text = if array { format!("[{}]", records.join(",\n")) } else { records.join("\n") };
    (text, good)
}

fn values(out: &io::ReadOutput) -> Vec<i64> {
    out.batches
        .iter()
        .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
        .collect()
}

#[test]
fn rows_plus_rejected_is_records_at_any_chunk_size_and_thread_count() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("v", DataType::Int64, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    for array in [false, true] {
        let (text, good) = messy(array);
        let path = write(if array { "m.json" } else { "m.ndjson" }, &text);
        let mut seen = Vec::new();
        for (threads, chunk_bytes) in [(1, 100), (2, 100), (3, 4096), (2, 1 << 20)] {
            parallel::set_num_threads(threads).unwrap();
            let options = ReadOptions { schema: Some(schema.clone()), chunk_bytes, ..Default::default() };
            let out = io::read_json(vec![path.clone()], &options, &mut || false).unwrap();
            // Unbalanced bad elements swallow their neighbours in an array; in NDJSON each line
            // is a record.
            if !array {
                assert_eq!(values(&out), good);
                assert_eq!(out.rejected.num_rows() + good.len(), 3000);
            }
            seen.push((values(&out), out.rejected.num_rows()));
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "same at every chunk size and thread count");
    }
}

#[test]
fn raise_names_file_line_and_offset() {
    let path = write("r.ndjson", "{\"v\": 1}\n\n{\"v\": }\n");
    let options = ReadOptions {
        on_error: OnError::Raise,
        format: FormatChoice::parse("ndjson").unwrap(),
        ..Default::default()
    };
    match io::read_json(vec![path.clone()], &options, &mut || false) {
        Err(Error::JsonFormat { file, line, offset, .. }) => {
            assert_eq!((file, line, offset), (path.display().to_string(), 3, 10));
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a bad record must raise"),
    }
}

#[test]
fn an_interrupt_stops_the_read() {
    let lines: Vec<String> = (0..200_000).map(|i| format!("{{\"v\": {i}}}")).collect();
    let path = write("i.ndjson", &lines.join("\n"));
    // 40,000 chunks of 64 bytes take seconds in a test build: far past the first question,
    // asked after 50 ms.
    let options = ReadOptions { chunk_bytes: 64, ..Default::default() };
    let mut asked = 0;
    let mut interrupt = || {
        asked += 1;
        true
    };
    match io::read_json(vec![path], &options, &mut interrupt) {
        Err(Error::Interrupted) => assert_eq!(asked, 1),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("the read must stop at the first question"),
    }
}
