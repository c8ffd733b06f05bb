//! The ordered parallel pipeline: a reader thread cuts chunks (I/O, gzip, array scanning) into
//! a bounded channel; each chunk is decoded as its own task on the pollutrack pool as soon as it
//! arrives, at most two per thread in flight; results are handed out in file order, so memory
//! stays bounded and no thread waits for the slowest chunk of a batch. Every wait is cut into
//! short ones that ask the caller's `interrupt` whether to stop (Ctrl-C in Python).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{channel, sync_channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::engine::io::chunks::{Chunk, Chunker, Cutting};
use crate::engine::io::decode::{DecodePlan, Decoded};
use crate::engine::{parallel, Error, Result};

/// How often a running read asks whether to stop.
pub const POLL_EVERY: Duration = Duration::from_millis(50);

/// Asked every [`POLL_EVERY`] while a read waits or runs: `true` stops it with
/// [`Error::Interrupted`].
pub type Interrupt<'a> = &'a mut dyn FnMut() -> bool;

/// Calls `interrupt` at most every [`POLL_EVERY`].
#[derive(Debug)]
pub struct Ticker {
    last: Instant,
}

impl Default for Ticker {
    fn default() -> Self {
        Self { last: Instant::now() }
    }
}

impl Ticker {
    pub fn check(&mut self, interrupt: Interrupt<'_>) -> Result<()> {
        if self.last.elapsed() >= POLL_EVERY {
            self.last = Instant::now();
            if interrupt() {
                return Err(Error::Interrupted);
            }
        }
        Ok(())
    }

    /// Waits for a message, asking `interrupt` between short waits; `None` when disconnected.
    pub fn recv<T>(&mut self, rx: &Receiver<T>, interrupt: Interrupt<'_>) -> Result<Option<T>> {
        loop {
            self.check(interrupt)?;
            match rx.recv_timeout(POLL_EVERY) {
                Ok(item) => return Ok(Some(item)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }
}

/// The reader thread: cuts the files into chunks into a bounded channel; dropped, it stops.
pub struct Producer {
    chunks: Option<Receiver<Result<Chunk>>>,
    thread: Option<JoinHandle<()>>,
    cutting: Cutting,
}

impl Producer {
    pub fn start(files: Vec<PathBuf>, cutting: Cutting, bound: usize) -> Self {
        let (tx, rx) = sync_channel(bound);
        let reader = Chunker::new(files, cutting.clone());
        let thread = std::thread::Builder::new()
            .name("pollutrack-json-reader".into())
            .spawn(move || {
                for chunk in reader {
                    // The receiver is gone when the caller stopped reading early.
                    if tx.send(chunk).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn the JSON reader thread");
        Self { chunks: Some(rx), thread: Some(thread), cutting }
    }

    pub fn receiver(&self) -> Option<&Receiver<Result<Chunk>>> {
        self.chunks.as_ref()
    }

    pub fn close(&mut self) {
        self.chunks = None;
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        // The flag stops the reader at its next read, closing the channel at its next send.
        self.cutting.cancel.store(true, Ordering::Relaxed);
        self.chunks = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Numbered = (u64, Result<Decoded>);

/// A decoded chunk with where it came from.
pub struct Part {
    pub file: usize,
    pub offset: u64,
    pub decoded: Decoded,
}

pub struct Pipeline {
    producer: Producer,
    plan: Arc<DecodePlan>,
    results_tx: Sender<Numbered>,
    results: Receiver<Numbered>,
    /// Finished parts not yet handed out, by chunk number, with their file and offset.
    done: BTreeMap<u64, Result<Decoded>>,
    origins: BTreeMap<u64, (usize, u64)>,
    /// Chunks launched so far, and the number of the next part to hand out.
    launched: u64,
    next: u64,
    window: u64,
    ticker: Ticker,
}

impl Pipeline {
    pub fn start(files: Vec<PathBuf>, cutting: Cutting, plan: Arc<DecodePlan>) -> Self {
        let threads = parallel::num_threads();
        let (results_tx, results) = channel();
        Self {
            producer: Producer::start(files, cutting, threads),
            plan,
            results_tx,
            results,
            done: BTreeMap::new(),
            origins: BTreeMap::new(),
            launched: 0,
            next: 0,
            window: 2 * threads.max(1) as u64,
            ticker: Ticker::default(),
        }
    }

    /// Starts decoding a chunk on the pool (a reader error takes its place in the order).
    fn launch(&mut self, item: Result<Chunk>) {
        let number = self.launched;
        self.launched += 1;
        match item {
            Ok(chunk) => {
                self.origins.insert(number, (chunk.file, chunk.offset));
                let (plan, tx) = (Arc::clone(&self.plan), self.results_tx.clone());
                parallel::install(move || {
                    rayon::spawn(move || {
                        let part = catch_unwind(AssertUnwindSafe(|| plan.decode(chunk)))
                            .unwrap_or_else(|_| Err(Error::spec("internal error decoding a JSON chunk")));
                        // The receiver is gone when the caller stopped reading early.
                        let _ = tx.send((number, part));
                    });
                });
            }
            Err(e) => {
                self.done.insert(number, Err(e));
                self.producer.close();
            }
        }
    }

    /// Launches chunks until the window is full; waits for one only when nothing is in flight.
    fn fill(&mut self, interrupt: Interrupt<'_>) -> Result<()> {
        while self.launched - self.next < self.window {
            let Some(chunks) = self.producer.receiver() else { return Ok(()) };
            let item = if self.launched == self.next {
                self.ticker.recv(chunks, interrupt)?
            } else {
                match chunks.try_recv() {
                    Ok(item) => Some(item),
                    Err(TryRecvError::Empty) => return Ok(()),
                    Err(TryRecvError::Disconnected) => None,
                }
            };
            match item {
                Some(item) => self.launch(item),
                None => self.producer.close(),
            }
        }
        Ok(())
    }

    /// The next part in file order, `None` at the end.
    pub fn next_part(&mut self, interrupt: Interrupt<'_>) -> Option<Result<Part>> {
        loop {
            if let Err(e) = self.fill(interrupt) {
                return Some(Err(e));
            }
            if let Some(decoded) = self.done.remove(&self.next) {
                let (file, offset) = self.origins.remove(&self.next).unwrap_or_default();
                self.next += 1;
                if let Err(e) = self.fill(interrupt) {
                    return Some(Err(e));
                }
                return Some(decoded.map(|decoded| Part { file, offset, decoded }));
            }
            if self.next == self.launched {
                return None;
            }
            match self.ticker.recv(&self.results, interrupt) {
                Ok(Some((number, decoded))) => {
                    self.done.insert(number, decoded);
                }
                Ok(None) => return Some(Err(Error::spec("internal error: a JSON decoding task vanished"))),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
