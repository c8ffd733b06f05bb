//! The ordered parallel pipeline: a reader thread cuts chunks (I/O, gzip, array scanning) into
//! a bounded channel while the pollutrack pool decodes a window of chunks at a time; results
//! come out in file order and memory stays bounded by the window.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

use arrow_schema::SchemaRef;
use rayon::prelude::*;

use crate::engine::ingest::chunks::{Chunk, Chunker, FormatChoice};
use crate::engine::ingest::decode::Decoded;
use crate::engine::ingest::schema::flatten_batch;
use crate::engine::ingest::timestamps::DecodePlan;
use crate::engine::{parallel, Result};

/// A decoded chunk with where it came from.
pub struct Part {
    pub file: usize,
    pub offset: u64,
    pub decoded: Decoded,
}

pub struct Pipeline {
    rx: Option<Receiver<Result<Chunk>>>,
    producer: Option<JoinHandle<()>>,
    ready: VecDeque<Result<Part>>,
    plan: DecodePlan,
    flat_schema: Option<SchemaRef>,
}

impl Pipeline {
    pub fn start(
        files: Vec<PathBuf>,
        format: FormatChoice,
        chunk_bytes: usize,
        decode_schema: SchemaRef,
        flat_schema: Option<SchemaRef>,
    ) -> Self {
        let (tx, rx) = sync_channel(parallel::num_threads());
        let producer = std::thread::Builder::new()
            .name("pollutrack-json-reader".into())
            .spawn(move || {
                for chunk in Chunker::new(files, format, chunk_bytes) {
                    // The receiver is gone when the caller stopped reading early.
                    if tx.send(chunk).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn the JSON reader thread");
        let plan = DecodePlan::new(decode_schema);
        Self { rx: Some(rx), producer: Some(producer), ready: VecDeque::new(), plan, flat_schema }
    }

    /// Decodes the next window of chunks (one per thread, at least two) in parallel.
    fn refill(&mut self) {
        let Some(rx) = &self.rx else { return };
        let window = parallel::num_threads().max(2);
        let mut chunks = Vec::with_capacity(window);
        let mut failed = None;
        while chunks.len() < window {
            match rx.recv() {
                Ok(Ok(chunk)) => chunks.push(chunk),
                Ok(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                Err(_) => break,
            }
        }
        if chunks.is_empty() || failed.is_some() {
            self.rx = None;
        }
        let (plan, flat) = (&self.plan, &self.flat_schema);
        let parts: Vec<Result<Part>> = parallel::install(|| {
            chunks
                .par_iter()
                .map(|chunk| {
                    let mut decoded = plan.decode(chunk)?;
                    if let Some(flat) = flat {
                        decoded.batch = flatten_batch(&decoded.batch, flat)?;
                    }
                    Ok(Part { file: chunk.file, offset: chunk.offset, decoded })
                })
                .collect()
        });
        self.ready.extend(parts);
        self.ready.extend(failed.map(Err));
    }
}

impl Iterator for Pipeline {
    type Item = Result<Part>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            self.refill();
        }
        self.ready.pop_front()
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channel stops the reader thread at its next send.
        self.rx = None;
        if let Some(producer) = self.producer.take() {
            let _ = producer.join();
        }
    }
}
