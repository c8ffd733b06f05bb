//! JSON ingestion: NDJSON and top-level JSON arrays (optionally gzip-compressed) to Arrow
//! batches, decoded in parallel in file order, with bad records quarantined.
//!
//! `split` (NDJSON lines), `array` and `masks` (array elements) find records without parsing,
//! `chunks` cuts files into chunks at record boundaries, `decode` turns a chunk into a batch
//! with arrow-json and isolates bad records, `timestamps` reads ISO-8601 columns fast, `schema`
//! infers and flattens schemas, `pipeline` runs it all in parallel, `rejected` builds the
//! quarantine table.

pub mod array;
pub mod chunks;
pub mod decode;
pub mod masks;
pub mod pipeline;
pub mod rejected;
pub mod schema;
pub mod split;
pub mod timestamps;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};

pub use chunks::{FormatChoice, CHUNK_BYTES};
pub use decode::RAW_TEXT_LIMIT;
pub use rejected::Rejected;
pub use schema::INFER_ROWS;

use crate::engine::io::chunks::Chunker;
use crate::engine::io::pipeline::{Part, Pipeline};
use crate::engine::io::split::ndjson_records;
use crate::engine::{Error, Result};

/// What to do with a record that cannot be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// Keep reading; the record goes to the rejected table.
    Quarantine,
    /// Stop with [`Error::JsonFormat`] at the first bad record in file order.
    Raise,
}

impl OnError {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "quarantine" => Ok(Self::Quarantine),
            "raise" => Ok(Self::Raise),
            other => {
                Err(Error::spec(format!("unknown on_error '{other}'; expected 'quarantine' or 'raise'")))
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub format: FormatChoice,
    /// The JSON shape to decode with; inferred from the first records when `None`.
    pub schema: Option<SchemaRef>,
    pub infer_rows: usize,
    /// Replace struct columns by their leaves (`a.b`).
    pub flatten: bool,
    pub on_error: OnError,
    pub chunk_bytes: usize,
    /// Largest batch `JsonReader` yields.
    pub batch_rows: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: FormatChoice::Auto,
            schema: None,
            infer_rows: INFER_ROWS,
            flatten: false,
            on_error: OnError::Quarantine,
            chunk_bytes: CHUNK_BYTES,
            batch_rows: 65_536,
        }
    }
}

/// Infers the schema from the first `rows` records of the files that parse as JSON objects.
pub fn infer_schema(files: &[PathBuf], format: FormatChoice, rows: usize) -> Result<Schema> {
    let mut sample: Vec<Vec<u8>> = Vec::new();
    let chunk_bytes = 256 * 1024;
    for chunk in Chunker::new(files.to_vec(), format, chunk_bytes) {
        let chunk = chunk?;
        let pieces = chunk.pieces.clone().unwrap_or_else(|| ndjson_records(&chunk.bytes));
        let good = pieces.into_iter().filter(|p| p.problem.is_none());
        sample.extend(good.take(rows - sample.len()).map(|p| chunk.bytes[p.span].to_vec()));
        if sample.len() >= rows {
            break;
        }
    }
    schema::infer(sample.iter().map(Vec::as_slice))
}

/// A stream of record batches (at most `batch_rows` rows each) and the records rejected
/// alongside each, in file order.
pub struct JsonReader {
    files: Vec<String>,
    pipeline: Pipeline,
    schema: SchemaRef,
    on_error: OnError,
    batch_rows: usize,
    /// Lines before the current chunk in its file (the file index, the count).
    lines: (usize, u64),
    pending: VecDeque<RecordBatch>,
    pending_rejected: Vec<Rejected>,
    failed: bool,
}

impl JsonReader {
    pub fn open(files: Vec<PathBuf>, options: &ReadOptions) -> Result<Self> {
        if options.chunk_bytes == 0 || options.batch_rows == 0 {
            return Err(Error::spec("chunk_bytes and batch_rows must be at least 1"));
        }
        let decode_schema = match &options.schema {
            Some(schema) => Arc::clone(schema),
            None => Arc::new(infer_schema(&files, options.format, options.infer_rows.max(1))?),
        };
        let flat = options.flatten.then(|| schema::flatten_schema(&decode_schema));
        let schema = flat.clone().unwrap_or_else(|| Arc::clone(&decode_schema));
        let names = files.iter().map(|f| f.display().to_string()).collect();
        let pipeline = Pipeline::start(files, options.format, options.chunk_bytes, decode_schema, flat);
        Ok(Self {
            files: names,
            pipeline,
            schema,
            on_error: options.on_error,
            batch_rows: options.batch_rows,
            lines: (0, 0),
            pending: VecDeque::new(),
            pending_rejected: Vec::new(),
            failed: false,
        })
    }

    /// The schema of the batches.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn accept(&mut self, part: Part) -> Result<()> {
        if self.lines.0 != part.file {
            self.lines = (part.file, 0);
        }
        let first_line = self.lines.1;
        self.lines.1 += part.decoded.newlines;
        let file = &self.files[part.file];
        let rejected = part.decoded.rejected.into_iter().map(|r| Rejected {
            file: file.clone(),
            line: first_line + r.line + 1,
            offset: part.offset + r.position as u64,
            reason: r.reason,
            raw: r.raw,
            raw_bytes: r.raw_bytes as u64,
        });
        self.pending_rejected.extend(rejected);
        if self.on_error == OnError::Raise {
            if let Some(first) = self.pending_rejected.first() {
                return Err(Error::JsonFormat {
                    file: first.file.clone(),
                    line: first.line,
                    offset: first.offset,
                    reason: first.reason.clone(),
                });
            }
        }
        let batch = part.decoded.batch;
        let mut start = 0;
        while start < batch.num_rows() {
            let len = self.batch_rows.min(batch.num_rows() - start);
            self.pending.push_back(batch.slice(start, len));
            start += len;
        }
        Ok(())
    }

    /// The next batch with the records rejected since the previous one; `None` at the end.
    /// A final call may return an empty batch that carries the last rejections.
    pub fn next_batch(&mut self) -> Result<Option<(RecordBatch, Vec<Rejected>)>> {
        while self.pending.is_empty() && !self.failed {
            match self.pipeline.next() {
                None => break,
                Some(part) => {
                    if let Err(e) = part.and_then(|part| self.accept(part)) {
                        self.failed = true;
                        return Err(e);
                    }
                }
            }
        }
        let rejected = std::mem::take(&mut self.pending_rejected);
        match self.pending.pop_front() {
            Some(batch) => Ok(Some((batch, rejected))),
            None if rejected.is_empty() => Ok(None),
            None => Ok(Some((RecordBatch::new_empty(self.schema()), rejected))),
        }
    }
}

/// What `read_json` returns: the batches in file order, their schema and the rejected records.
pub struct ReadOutput {
    pub batches: Vec<RecordBatch>,
    pub schema: SchemaRef,
    pub rejected: RecordBatch,
}

/// Reads every file whole (still chunk by chunk, in parallel, in file order).
pub fn read_json(files: Vec<PathBuf>, options: &ReadOptions) -> Result<ReadOutput> {
    let options = ReadOptions { batch_rows: usize::MAX, ..options.clone() };
    let mut reader = JsonReader::open(files, &options)?;
    let (mut batches, mut rejected) = (Vec::new(), Vec::new());
    while let Some((batch, more)) = reader.next_batch()? {
        if batch.num_rows() > 0 {
            batches.push(batch);
        }
        rejected.extend(more);
    }
    Ok(ReadOutput { batches, schema: reader.schema(), rejected: rejected::to_batch(&rejected)? })
}
