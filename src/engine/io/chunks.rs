//! Reading files into chunks cut at record boundaries: the serial part of reading (I/O, gzip,
//! the array scanner). Chunk sizes do not depend on the thread count, so the output does not
//! either. Every byte is looked at a bounded number of times (time is linear in the file,
//! whatever its records' lengths), and a record longer than the limit is rejected from its
//! first bytes while the rest of it streams past, so memory stays bounded too.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::engine::io::array::ArrayScanner;
use crate::engine::io::decode::RAW_TEXT_LIMIT;
use crate::engine::io::open::{invalid, open, sniff};
use crate::engine::io::split::{count_lines, is_space, Format, Piece};
use crate::engine::{Error, Result};

/// Bytes of raw JSON per chunk: small enough that the chunks and decoder tapes in flight stay
/// a few MiB (measured: peak memory of `read_json` 1.4x the table at 512 KiB, 1.8x at 2 MiB),
/// large enough that the per-chunk costs (a decoder, a batch) vanish.
pub const CHUNK_BYTES: usize = 512 * 1024;

/// The longest record read, in bytes, unless told otherwise; a longer one is rejected.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Which layout to read files as; `Auto` looks at each file's first non-space byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatChoice {
    Auto,
    Fixed(Format),
}

impl FormatChoice {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "auto" => Ok(Self::Auto),
            "ndjson" | "jsonl" => Ok(Self::Fixed(Format::Ndjson)),
            "array" => Ok(Self::Fixed(Format::Array)),
            other => Err(Error::spec(format!(
                "unknown JSON format '{other}'; expected 'ndjson', 'array' or 'auto'"
            ))),
        }
    }
}

/// A record over the size limit: only its first bytes are in its chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oversize {
    /// The record's full length.
    pub bytes: u64,
    /// Line ends in the chunk (the ones in the bytes not kept included).
    pub newlines: u64,
}

/// A run of whole records from one file.
#[derive(Debug)]
pub struct Chunk {
    /// Index of the file in the list read.
    pub file: usize,
    /// Offset of `bytes[0]` in the (decompressed) file.
    pub offset: u64,
    pub bytes: Vec<u8>,
    /// The elements of an array file; `None` for NDJSON (the records are its non-blank lines).
    pub pieces: Option<Vec<Piece>>,
    pub oversize: Option<Oversize>,
}

/// How files are cut: chunk size, record size limit, and a flag that stops the reading.
#[derive(Clone, Debug)]
pub struct Cutting {
    pub format: FormatChoice,
    pub chunk_bytes: usize,
    pub max_record_bytes: usize,
    pub cancel: Arc<AtomicBool>,
}

struct OpenFile {
    index: usize,
    reader: Box<dyn Read + Send>,
    format: Format,
    buf: Vec<u8>,
    offset: u64,
    eof: bool,
    scanner: ArrayScanner,
    /// NDJSON: the bytes of `buf` already searched for a line end.
    searched: usize,
}

/// The files' records as chunks, in file order.
pub struct Chunker {
    files: Vec<PathBuf>,
    cutting: Cutting,
    next_file: usize,
    current: Option<OpenFile>,
}

pub fn oversize_reason(limit: usize) -> String {
    format!("record longer than {limit} bytes (max_record_bytes); its first bytes are kept in raw")
}

impl Chunker {
    pub fn new(files: Vec<PathBuf>, mut cutting: Cutting) -> Self {
        cutting.chunk_bytes = cutting.chunk_bytes.max(1);
        cutting.max_record_bytes = cutting.max_record_bytes.max(1);
        Self { files, cutting, next_file: 0, current: None }
    }

    /// Reads until `buf` holds `want` bytes or the file ends. `read_to_end` fills the spare
    /// capacity without zeroing it first (the reader thread is the serial part).
    fn fill(&self, file: &mut OpenFile, want: usize) -> Result<()> {
        if self.cutting.cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        if file.eof || file.buf.len() >= want {
            return Ok(());
        }
        let missing = want - file.buf.len();
        file.buf.reserve(missing);
        let read = (&mut file.reader)
            .take(missing as u64)
            .read_to_end(&mut file.buf)
            .map_err(|source| self.io_error(file.index, source))?;
        file.eof = read < missing;
        Ok(())
    }

    fn io_error(&self, index: usize, source: std::io::Error) -> Error {
        Error::Io { file: self.files[index].display().to_string(), source }
    }

    fn open_next(&mut self) -> Result<Option<OpenFile>> {
        let Some(path) = self.files.get(self.next_file) else { return Ok(None) };
        let mut file = OpenFile {
            index: self.next_file,
            reader: open(path)?,
            format: Format::Ndjson,
            buf: Vec::with_capacity(self.cutting.chunk_bytes),
            offset: 0,
            eof: false,
            scanner: ArrayScanner::default(),
            searched: 0,
        };
        self.next_file += 1;
        self.fill(&mut file, self.cutting.chunk_bytes.max(16))?;
        if file.buf.starts_with(BOM) {
            // Spaces keep byte offsets those of the file.
            file.buf[..BOM.len()].fill(b' ');
        } else if let Some(what) = sniff(&file.buf) {
            return Err(self.io_error(file.index, invalid(what.to_owned())));
        }
        file.format = match self.cutting.format {
            FormatChoice::Fixed(format) => format,
            FormatChoice::Auto => match file.buf.iter().find(|&&b| !is_space(b)) {
                Some(b'[') => Format::Array,
                _ => Format::Ndjson,
            },
        };
        Ok(Some(file))
    }

    /// NDJSON: where the buffer may be cut (after its last line end), searching only new bytes.
    /// A CR as the last byte waits for the next read: it may be half of a CRLF.
    fn ndjson_cut(file: &mut OpenFile) -> usize {
        let len = file.buf.len();
        if file.eof {
            file.searched = 0;
            return len;
        }
        let limit = len.saturating_sub(1);
        let from = file.searched.min(limit);
        let cut = memchr::memrchr2(b'\n', b'\r', &file.buf[from..limit]).map_or(0, |k| from + k + 1);
        file.searched = limit - cut;
        cut
    }

    /// The start of the record in progress when the buffer holds no complete one, dropping
    /// the whitespace before it; `None` when there is only whitespace so far.
    fn open_record(file: &mut OpenFile) -> Option<usize> {
        match file.format {
            Format::Array => file.scanner.open_record(),
            Format::Ndjson => {
                let start = file.buf.iter().position(|&b| !is_space(b));
                if start.is_none() && file.buf.len() > 1 {
                    // A blank line of any length: keep only its last byte (maybe a CR).
                    let drop = file.buf.len() - 1;
                    file.buf.drain(..drop);
                    file.offset += drop as u64;
                    file.searched = 0;
                }
                start
            }
        }
    }

    /// Streams past a record over the limit starting at `start` (nothing complete before it),
    /// keeping its first bytes; returns its chunk.
    fn skip_record(&self, file: &mut OpenFile, start: usize) -> Result<Chunk> {
        let keep = RAW_TEXT_LIMIT.min(file.buf.len() - start);
        let bytes = file.buf[..start + keep].to_vec();
        let offset = file.offset;
        let (mut length, mut newlines, mut from) = (0_u64, 0_u64, start);
        file.scanner.stop_after_piece = true;
        loop {
            // Where the record ends in `buf`, and where the next one may start.
            let end = match file.format {
                Format::Ndjson => match memchr::memchr2(b'\n', b'\r', &file.buf[from..]).map(|k| from + k) {
                    Some(k) if file.buf[k] == b'\r' && k + 1 == file.buf.len() && !file.eof => {
                        // A CR at the end: read one more byte to see if a LF follows.
                        self.fill(file, file.buf.len() + 1)?;
                        continue;
                    }
                    Some(k) => {
                        let crlf = file.buf[k] == b'\r' && file.buf.get(k + 1) == Some(&b'\n');
                        Some((k, k + 1 + usize::from(crlf)))
                    }
                    None if file.eof => Some((file.buf.len(), file.buf.len())),
                    None => None,
                },
                Format::Array => {
                    file.scanner.scan(&mut file.buf);
                    let (mut cut, mut pieces) = file.scanner.take();
                    if pieces.is_empty() && file.eof {
                        // Only when the record runs to the end: `finish` ends what follows too.
                        file.scanner.finish(&file.buf);
                        (cut, pieces) = file.scanner.take();
                    }
                    pieces.first().map(|piece| (piece.span.end, cut))
                }
            };
            let Some((end, cut)) = end else {
                let dropped = file.buf.len();
                length += (dropped - from) as u64;
                newlines += count_lines(&file.buf);
                file.offset += dropped as u64;
                file.buf.clear();
                file.scanner.skip(dropped);
                from = 0;
                self.fill(file, self.cutting.chunk_bytes)?;
                continue;
            };
            length += (end - from) as u64;
            newlines += count_lines(&file.buf[..cut]);
            file.buf.drain(..cut);
            file.offset += cut as u64;
            file.searched = 0;
            file.scanner.stop_after_piece = false;
            let reason = oversize_reason(self.cutting.max_record_bytes);
            let piece = Piece { span: start..start + keep, problem: Some(reason) };
            let oversize = Some(Oversize { bytes: length, newlines });
            return Ok(Chunk { file: file.index, offset, bytes, pieces: Some(vec![piece]), oversize });
        }
    }

    /// Cuts the next chunk from `file`, or returns `None` when the file is done.
    fn cut(&self, file: &mut OpenFile) -> Result<Option<Chunk>> {
        let mut want = self.cutting.chunk_bytes;
        loop {
            self.fill(file, want)?;
            let (cut, pieces) = match file.format {
                Format::Ndjson => (Self::ndjson_cut(file), None),
                Format::Array => {
                    file.scanner.scan(&mut file.buf);
                    if file.eof {
                        file.scanner.finish(&file.buf);
                    }
                    let (cut, pieces) = file.scanner.take();
                    (cut, Some(pieces))
                }
            };
            if cut == 0 && !file.eof {
                // No complete record yet: read on, or stream past a record over the limit.
                if let Some(start) = Self::open_record(file) {
                    if file.buf.len() - start > self.cutting.max_record_bytes {
                        return self.skip_record(file, start).map(Some);
                    }
                }
                want = file.buf.len() + self.cutting.chunk_bytes;
                continue;
            }
            if cut == 0 && pieces.as_ref().is_none_or(Vec::is_empty) {
                return Ok(None);
            }
            let rest = file.buf[cut..].to_vec();
            let mut bytes = std::mem::replace(&mut file.buf, rest);
            bytes.truncate(cut);
            file.buf.reserve(self.cutting.chunk_bytes.saturating_sub(file.buf.len()));
            let offset = file.offset;
            file.offset += cut as u64;
            // A chunk without records still counts its line ends; one without either is dropped.
            let empty = match &pieces {
                None => bytes.iter().all(|&b| is_space(b)),
                Some(pieces) => pieces.is_empty(),
            };
            if empty && count_lines(&bytes) == 0 {
                if file.eof && file.buf.is_empty() {
                    return Ok(None);
                }
                want = self.cutting.chunk_bytes;
                continue;
            }
            return Ok(Some(Chunk { file: file.index, offset, bytes, pieces, oversize: None }));
        }
    }

    fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        loop {
            if self.current.is_none() {
                self.current = self.open_next()?;
            }
            let Some(mut file) = self.current.take() else { return Ok(None) };
            if let Some(chunk) = self.cut(&mut file)? {
                self.current = Some(file);
                return Ok(Some(chunk));
            }
        }
    }
}

impl Iterator for Chunker {
    type Item = Result<Chunk>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_chunk() {
            Ok(chunk) => chunk.map(Ok),
            Err(e) => {
                // Stop after an error rather than retry the same file forever.
                self.next_file = self.files.len();
                self.current = None;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pollutrack-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
        path
    }

    fn cutting(chunk_bytes: usize) -> Cutting {
        Cutting {
            format: FormatChoice::Auto,
            chunk_bytes,
            max_record_bytes: MAX_RECORD_BYTES,
            cancel: Arc::default(),
        }
    }

    fn chunk_texts(path: PathBuf, chunk_bytes: usize) -> Vec<(u64, String)> {
        Chunker::new(vec![path], cutting(chunk_bytes))
            .map(|c| c.unwrap())
            .map(|c| (c.offset, String::from_utf8(c.bytes).unwrap()))
            .collect()
    }

    #[test]
    fn ndjson_chunks_end_at_newlines() {
        let path = write("a.ndjson", b"\xEF\xBB\xBF{\"a\":1}\n{\"a\":22}\n\n{\"a\":3}");
        let chunks = chunk_texts(path, 8);
        assert_eq!(
            chunks,
            [(0, "   {\"a\":1}\n".into()), (11, "{\"a\":22}\n\n".into()), (21, "{\"a\":3}".into())]
        );
    }

    #[test]
    fn gzip_by_magic_bytes() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"[{\"a\":1},{\"a\":2}]").unwrap();
        let path = write("b.json.gz", &gz.finish().unwrap());
        let chunks = chunk_texts(path, 1 << 20);
        assert_eq!(chunks, [(0, " {\"a\":1} {\"a\":2} ".into())]);
    }

    #[test]
    fn empty_and_missing_files() {
        assert!(chunk_texts(write("c.json", b""), 4).is_empty());
        // Blank lines make chunks without records, which still count their line ends.
        let blank = chunk_texts(write("d.json", b" \n\r\n"), 1);
        assert_eq!(blank, [(0, " \n\r\n".into())]);
        let missing =
            Chunker::new(vec!["/nonexistent/x.json".into()], cutting(4)).next().unwrap().unwrap_err();
        assert!(missing.to_string().starts_with("/nonexistent/x.json: "), "{missing}");
    }
}
