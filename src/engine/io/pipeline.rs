//! The ordered parallel pipeline: a reader thread cuts chunks (I/O, gzip, array scanning) into
//! a bounded channel; each chunk is decoded as its own task on the pollutrack pool as soon as it
//! arrives, at most two per thread in flight; results are handed out in file order, so memory
//! stays bounded and no thread waits for the slowest chunk of a batch.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;

use arrow_schema::SchemaRef;

use crate::engine::io::chunks::{Chunk, Chunker, FormatChoice};
use crate::engine::io::decode::Decoded;
use crate::engine::io::schema::flatten_batch;
use crate::engine::io::timestamps::DecodePlan;
use crate::engine::{parallel, Error, Result};

/// A decoded chunk with where it came from.
pub struct Part {
    pub file: usize,
    pub offset: u64,
    pub decoded: Decoded,
}

struct Decoding {
    plan: DecodePlan,
    flat_schema: Option<SchemaRef>,
}

impl Decoding {
    fn part(&self, chunk: &Chunk) -> Result<Part> {
        let mut decoded = self.plan.decode(chunk)?;
        if let Some(flat) = &self.flat_schema {
            decoded.batch = flatten_batch(&decoded.batch, flat)?;
        }
        Ok(Part { file: chunk.file, offset: chunk.offset, decoded })
    }
}

type Numbered = (u64, Result<Part>);

pub struct Pipeline {
    chunks: Option<Receiver<Result<Chunk>>>,
    producer: Option<JoinHandle<()>>,
    decoding: Arc<Decoding>,
    results_tx: Sender<Numbered>,
    results: Receiver<Numbered>,
    /// Finished parts not yet handed out, by chunk number.
    done: BTreeMap<u64, Result<Part>>,
    /// Chunks launched so far, and the number of the next part to hand out.
    launched: u64,
    next: u64,
    window: u64,
}

impl Pipeline {
    pub fn start(
        files: Vec<PathBuf>,
        format: FormatChoice,
        chunk_bytes: usize,
        decode_schema: SchemaRef,
        flat_schema: Option<SchemaRef>,
    ) -> Self {
        let threads = parallel::num_threads();
        let (tx, rx) = sync_channel(threads);
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
        let (results_tx, results) = channel();
        Self {
            chunks: Some(rx),
            producer: Some(producer),
            decoding: Arc::new(Decoding { plan: DecodePlan::new(decode_schema), flat_schema }),
            results_tx,
            results,
            done: BTreeMap::new(),
            launched: 0,
            next: 0,
            window: 2 * threads.max(1) as u64,
        }
    }

    /// Starts decoding a chunk on the pool (a reader error takes its place in the order).
    fn launch(&mut self, item: Result<Chunk>) {
        let number = self.launched;
        self.launched += 1;
        match item {
            Ok(chunk) => {
                let (decoding, tx) = (Arc::clone(&self.decoding), self.results_tx.clone());
                parallel::install(move || {
                    rayon::spawn(move || {
                        let part = catch_unwind(AssertUnwindSafe(|| decoding.part(&chunk)))
                            .unwrap_or_else(|_| Err(Error::spec("internal error decoding a JSON chunk")));
                        // The receiver is gone when the caller stopped reading early.
                        let _ = tx.send((number, part));
                    });
                });
            }
            Err(e) => {
                self.done.insert(number, Err(e));
                self.chunks = None;
            }
        }
    }

    /// Launches chunks until the window is full; waits for one only when nothing is in flight.
    fn fill(&mut self) {
        while self.launched - self.next < self.window {
            let Some(chunks) = &self.chunks else { return };
            let item = if self.launched == self.next {
                chunks.recv().ok()
            } else {
                match chunks.try_recv() {
                    Ok(item) => Some(item),
                    Err(TryRecvError::Empty) => return,
                    Err(TryRecvError::Disconnected) => None,
                }
            };
            match item {
                Some(item) => self.launch(item),
                None => self.chunks = None,
            }
        }
    }
}

impl Iterator for Pipeline {
    type Item = Result<Part>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.fill();
            if let Some(part) = self.done.remove(&self.next) {
                self.next += 1;
                self.fill();
                return Some(part);
            }
            if self.next == self.launched {
                return None;
            }
            let (number, part) = self.results.recv().expect("the pipeline holds a sender");
            self.done.insert(number, part);
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channel stops the reader thread at its next send; tasks still running
        // finish on their own (they own their chunk) and their results are dropped.
        self.chunks = None;
        if let Some(producer) = self.producer.take() {
            let _ = producer.join();
        }
    }
}
