//! JSON reading: NDJSON and top-level JSON arrays (optionally gzip-compressed) to Arrow
//! batches, decoded in parallel in file order, with bad records quarantined.
//!
//! `open` opens files (gzip, and a named refusal of what we do not read), `split` (NDJSON
//! lines), `array` and `masks` (array elements) find records without parsing, `chunks` cuts
//! files into chunks at record boundaries, `validate` checks each record against RFC 8259 with
//! `tokens` and `check` (the schema; `direct` builds the simple top-level columns) or `infer`
//! (inference) riding on the same pass, `decode` builds the batch of the valid records (the
//! other columns with arrow-json), `timestamps` reads date-times, `schema` flattens, `pipeline`
//! runs it all in parallel, `rejected` builds the quarantine table.

pub mod array;
pub mod check;
pub mod chunks;
pub mod decode;
pub mod direct;
pub mod infer;
pub mod masks;
pub mod open;
pub mod pipeline;
pub mod rejected;
pub mod schema;
pub mod split;
pub mod timestamps;
pub mod tokens;
pub mod validate;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef, TimeUnit};

pub use chunks::{FormatChoice, CHUNK_BYTES, MAX_RECORD_BYTES};
pub use decode::RAW_TEXT_LIMIT;
pub use pipeline::Interrupt;
pub use rejected::Rejected;

use crate::engine::io::chunks::Cutting;
use crate::engine::io::decode::{with_rows, DecodePlan};
use crate::engine::io::infer::Infer;
use crate::engine::io::pipeline::{Part, Pipeline, Producer, Ticker};
use crate::engine::io::split::ndjson_records;
use crate::engine::io::validate::{NoVisit, Validator};
use crate::engine::{Error, Result};

/// Records sampled for schema inference unless told otherwise (valid records only).
pub const INFER_ROWS: usize = 10_000;

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

/// Parses a time unit name (`s`, `ms`, `us`, `ns`).
pub fn parse_unit(text: &str) -> Result<TimeUnit> {
    match text {
        "s" => Ok(TimeUnit::Second),
        "ms" => Ok(TimeUnit::Millisecond),
        "us" => Ok(TimeUnit::Microsecond),
        "ns" => Ok(TimeUnit::Nanosecond),
        other => Err(Error::spec(format!("unknown epoch_unit '{other}'; expected 's', 'ms', 'us' or 'ns'"))),
    }
}

fn unit_name(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub format: FormatChoice,
    /// The JSON shape to decode with; inferred from the first valid records when `None`.
    pub schema: Option<SchemaRef>,
    pub infer_rows: usize,
    /// Replace struct columns by their leaves (`a.b`).
    pub flatten: bool,
    pub on_error: OnError,
    pub chunk_bytes: usize,
    /// Records longer than this are rejected without being held whole.
    pub max_record_bytes: usize,
    /// The unit of bare numbers in top-level timestamp columns (since 1970-01-01 UTC); `None`
    /// rejects such numbers.
    pub epoch_unit: Option<TimeUnit>,
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
            max_record_bytes: MAX_RECORD_BYTES,
            epoch_unit: None,
            batch_rows: 65_536,
        }
    }
}

impl ReadOptions {
    fn cutting(&self) -> Cutting {
        Cutting {
            format: self.format,
            chunk_bytes: self.chunk_bytes,
            max_record_bytes: self.max_record_bytes,
            cancel: Arc::default(),
        }
    }

    /// The options as JSON, for the provenance of a read.
    pub fn describe(&self) -> String {
        let format = match self.format {
            FormatChoice::Auto => "auto",
            FormatChoice::Fixed(split::Format::Ndjson) => "ndjson",
            FormatChoice::Fixed(split::Format::Array) => "array",
        };
        let schema = match &self.schema {
            Some(_) => "given".to_owned(),
            None => format!("inferred from up to {} valid records", self.infer_rows),
        };
        serde_json::json!({
            "format": format,
            "on_error": if self.on_error == OnError::Raise { "raise" } else { "quarantine" },
            "flatten": self.flatten,
            "schema": schema,
            "infer_rows": self.infer_rows,
            "chunk_bytes": self.chunk_bytes,
            "max_record_bytes": self.max_record_bytes,
            "epoch_unit": self.epoch_unit.map(unit_name),
        })
        .to_string()
    }
}

/// Infers the schema from the first `rows` valid records of the files (see `infer`).
pub fn infer_schema(files: &[PathBuf], options: &ReadOptions, interrupt: Interrupt<'_>) -> Result<Schema> {
    let cutting = Cutting { chunk_bytes: options.chunk_bytes.min(256 * 1024), ..options.cutting() };
    let producer = Producer::start(files.to_vec(), cutting, 1);
    let (mut validator, mut infer, mut ticker) = (Validator::default(), Infer::default(), Ticker::default());
    let mut sampled = 0;
    while sampled < options.infer_rows {
        let Some(rx) = producer.receiver() else { break };
        let Some(chunk) = ticker.recv(rx, interrupt)? else { break };
        let chunk = chunk?;
        let element = chunk.pieces.is_some();
        let pieces = chunk.pieces.unwrap_or_else(|| ndjson_records(&chunk.bytes));
        let fits = |p: &split::Piece| p.problem.is_none() && p.span.len() <= options.max_record_bytes;
        for piece in pieces.into_iter().filter(fits) {
            let record = &chunk.bytes[piece.span];
            // Checked first: a record that fails must not count any of its values.
            if validator.record(record, &mut NoVisit, element).is_ok() {
                infer.begin();
                validator.record(record, &mut infer, element).expect("a valid record");
                sampled += 1;
                if sampled == options.infer_rows {
                    break;
                }
            }
        }
    }
    Ok(infer.schema())
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
    pub fn open(files: Vec<PathBuf>, options: &ReadOptions, interrupt: Interrupt<'_>) -> Result<Self> {
        if options.chunk_bytes == 0 || options.batch_rows == 0 || options.max_record_bytes == 0 {
            return Err(Error::spec("chunk_bytes, max_record_bytes and batch_rows must be at least 1"));
        }
        let decode_schema = match &options.schema {
            Some(schema) => Arc::clone(schema),
            None => Arc::new(infer_schema(&files, options, interrupt)?),
        };
        let flat = options.flatten.then(|| schema::flatten_schema(&decode_schema));
        let schema = flat.clone().unwrap_or_else(|| Arc::clone(&decode_schema));
        let names = files.iter().map(|f| f.display().to_string()).collect();
        let plan =
            Arc::new(DecodePlan::new(decode_schema, options.epoch_unit, flat, options.max_record_bytes));
        let pipeline = Pipeline::start(files, options.cutting(), plan);
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
            raw_bytes: r.raw_bytes,
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
    pub fn next_batch(&mut self, interrupt: Interrupt<'_>) -> Result<Option<(RecordBatch, Vec<Rejected>)>> {
        while self.pending.is_empty() && !self.failed {
            match self.pipeline.next_part(interrupt) {
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
            None => Ok(Some((with_rows(self.schema(), empty_columns(&self.schema), 0)?, rejected))),
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
pub fn read_json(files: Vec<PathBuf>, options: &ReadOptions, interrupt: Interrupt<'_>) -> Result<ReadOutput> {
    let options = ReadOptions { batch_rows: usize::MAX, ..options.clone() };
    let mut reader = JsonReader::open(files, &options, &mut *interrupt)?;
    let (mut batches, mut rejected) = (Vec::new(), Vec::new());
    while let Some((batch, more)) = reader.next_batch(&mut *interrupt)? {
        if batch.num_rows() > 0 {
            batches.push(batch);
        }
        rejected.extend(more);
    }
    Ok(ReadOutput { batches, schema: reader.schema(), rejected: rejected::to_batch(&rejected)? })
}

fn empty_columns(schema: &Schema) -> Vec<arrow_array::ArrayRef> {
    schema.fields().iter().map(|f| arrow_array::new_empty_array(f.data_type())).collect()
}
