//! Reading files into chunks cut at record boundaries: the serial part of ingestion (I/O,
//! gzip, the array scanner). Chunk sizes do not depend on the thread count, so the output does
//! not either.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use crate::engine::io::array::ArrayScanner;
use crate::engine::io::split::{is_space, Format, Piece};
use crate::engine::{Error, Result};

/// Bytes of raw JSON per chunk: small enough that the chunks and decoder tapes in flight stay
/// a few MiB (measured: peak memory of `read_json` 1.4x the table at 512 KiB, 1.8x at 2 MiB),
/// large enough that the per-chunk costs (a decoder, a batch) vanish.
pub const CHUNK_BYTES: usize = 512 * 1024;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
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
}

struct OpenFile {
    index: usize,
    reader: Box<dyn Read + Send>,
    format: Format,
    buf: Vec<u8>,
    offset: u64,
    eof: bool,
    scanner: ArrayScanner,
}

/// Opens a file, decompressing it when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
    let io = |source| Error::Io { file: path.display().to_string(), source };
    let mut reader = BufReader::with_capacity(256 * 1024, File::open(path).map_err(io)?);
    let gzip = reader.fill_buf().map_err(io)?.starts_with(&GZIP_MAGIC);
    if gzip {
        return Ok(Box::new(MultiGzDecoder::new(reader)));
    }
    // Plain files are read straight into the chunk buffers: through the `BufReader` every byte
    // would be copied twice, on the serial reader thread.
    let sniffed = std::io::Cursor::new(reader.buffer().to_vec());
    Ok(Box::new(sniffed.chain(reader.into_inner())))
}

/// The files' records as chunks, in file order.
pub struct Chunker {
    files: Vec<PathBuf>,
    format: FormatChoice,
    chunk_bytes: usize,
    next_file: usize,
    current: Option<OpenFile>,
}

impl Chunker {
    pub fn new(files: Vec<PathBuf>, format: FormatChoice, chunk_bytes: usize) -> Self {
        Self { files, format, chunk_bytes: chunk_bytes.max(1), next_file: 0, current: None }
    }

    /// Reads until `buf` holds `want` bytes or the file ends. `read_to_end` fills the spare
    /// capacity without zeroing it first (the reader thread is the serial part).
    fn fill(file: &mut OpenFile, want: usize, path: &Path) -> Result<()> {
        if file.eof || file.buf.len() >= want {
            return Ok(());
        }
        let missing = want - file.buf.len();
        file.buf.reserve(missing);
        let read = (&mut file.reader)
            .take(missing as u64)
            .read_to_end(&mut file.buf)
            .map_err(|source| Error::Io { file: path.display().to_string(), source })?;
        file.eof = read < missing;
        Ok(())
    }

    fn open_next(&mut self) -> Result<Option<OpenFile>> {
        let Some(path) = self.files.get(self.next_file) else { return Ok(None) };
        let mut file = OpenFile {
            index: self.next_file,
            reader: open(path)?,
            format: Format::Ndjson,
            buf: Vec::with_capacity(self.chunk_bytes),
            offset: 0,
            eof: false,
            scanner: ArrayScanner::default(),
        };
        self.next_file += 1;
        Self::fill(&mut file, self.chunk_bytes.max(BOM.len()), path)?;
        if file.buf.starts_with(BOM) {
            // Spaces keep byte offsets those of the file.
            file.buf[..BOM.len()].fill(b' ');
        }
        file.format = match self.format {
            FormatChoice::Fixed(format) => format,
            FormatChoice::Auto => match file.buf.iter().find(|&&b| !is_space(b)) {
                Some(b'[') => Format::Array,
                _ => Format::Ndjson,
            },
        };
        Ok(Some(file))
    }

    /// Cuts the next chunk from `file`, or returns `None` when the file is done.
    fn cut(&self, file: &mut OpenFile) -> Result<Option<Chunk>> {
        let path = &self.files[file.index];
        let mut want = self.chunk_bytes;
        loop {
            Self::fill(file, want, path)?;
            let (cut, pieces) = match file.format {
                Format::Ndjson if file.eof => (file.buf.len(), None),
                Format::Ndjson => (memchr::memrchr(b'\n', &file.buf).map_or(0, |nl| nl + 1), None),
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
                // One record longer than a chunk: read on until it ends.
                want = file.buf.len() + self.chunk_bytes;
                continue;
            }
            if cut == 0 && pieces.as_ref().is_none_or(Vec::is_empty) {
                return Ok(None);
            }
            let rest = file.buf.split_off(cut);
            let mut bytes = std::mem::replace(&mut file.buf, rest);
            file.buf.reserve(self.chunk_bytes.saturating_sub(file.buf.len()));
            let offset = file.offset;
            file.offset += cut as u64;
            let empty = match &pieces {
                None => bytes.iter().all(|&b| is_space(b)),
                Some(pieces) => pieces.is_empty(),
            };
            if empty {
                bytes.clear();
                if file.eof && file.buf.is_empty() {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(Chunk { file: file.index, offset, bytes, pieces }));
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

    fn chunk_texts(path: PathBuf, chunk_bytes: usize) -> Vec<(u64, String)> {
        Chunker::new(vec![path], FormatChoice::Auto, chunk_bytes)
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
        assert!(chunk_texts(write("d.json", b" \n\r\n"), 1).is_empty());
        let missing = Chunker::new(vec!["/nonexistent/x.json".into()], FormatChoice::Auto, 4)
            .next()
            .unwrap()
            .unwrap_err();
        assert!(missing.to_string().starts_with("/nonexistent/x.json: "), "{missing}");
    }
}
