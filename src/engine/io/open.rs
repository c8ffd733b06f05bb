//! Opening a file: gzip is read by its magic bytes (every member of a multi-member file), and
//! what we cannot read is named rather than parsed into byte-level errors: UTF-16 and UTF-32
//! text, zlib, bzip2, xz, zstd and zip data, a truncated gzip stream, and data after the last
//! gzip member.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;

use crate::engine::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// What the first bytes say the file is, when it is something we do not read.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let text = |b: u8| matches!(b, b'{' | b'[' | b'"' | b' ' | b'\t' | b'\r' | b'\n');
    let ascii = |b: u8| b.is_ascii_graphic() || b.is_ascii_whitespace();
    Some(match head {
        _ if starts(b"\xFF\xFE\x00\x00") => {
            "the file is UTF-32 (little-endian) text; JSON must be UTF-8: convert it first"
        }
        _ if starts(b"\x00\x00\xFE\xFF") => {
            "the file is UTF-32 (big-endian) text; JSON must be UTF-8: convert it first"
        }
        _ if starts(b"\xFF\xFE") => {
            "the file is UTF-16 (little-endian) text; JSON must be UTF-8: convert it first"
        }
        _ if starts(b"\xFE\xFF") => {
            "the file is UTF-16 (big-endian) text; JSON must be UTF-8: convert it first"
        }
        // Without a BOM: two ASCII characters each followed (or preceded) by a zero byte.
        [a, 0, b, 0, ..] if text(*a) && ascii(*b) => {
            "the file looks like UTF-16 (little-endian) text; JSON must be UTF-8: convert it first"
        }
        [0, a, 0, b, ..] if text(*a) && ascii(*b) => {
            "the file looks like UTF-16 (big-endian) text; JSON must be UTF-8: convert it first"
        }
        [0x78, 0x01 | 0x5E | 0x9C | 0xDA, ..] => {
            "the file is zlib-compressed (not gzip): decompress it first"
        }
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => "the file is bzip2-compressed: decompress it first",
        _ if starts(b"\xFD7zXZ\x00") => "the file is xz-compressed: decompress it first",
        _ if starts(b"\x28\xB5\x2F\xFD") => "the file is zstd-compressed: decompress it first",
        _ if starts(b"PK\x03\x04") => "the file is a zip archive: extract it first",
        _ => return None,
    })
}

pub fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Counts the bytes read from the file, for positions in messages.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

type Compressed = BufReader<Counting<File>>;

/// The members of a gzip file one after the other.
struct Members {
    decoder: Option<GzDecoder<Compressed>>,
}

fn position(reader: &Compressed) -> u64 {
    reader.get_ref().read - reader.buffer().len() as u64
}

impl Members {
    /// After a member: the next one, the end, or an error naming the trailing data.
    fn next_member(&mut self) -> io::Result<bool> {
        let mut reader = self.decoder.take().expect("a member").into_inner();
        let at = position(&reader);
        let rest = reader.fill_buf()?;
        if rest.is_empty() {
            return Ok(false);
        }
        if !rest.starts_with(&GZIP_MAGIC) {
            let zeros = rest.iter().all(|&b| b == 0);
            let what = if zeros { "zero padding" } else { "data that is not gzip" };
            return Err(invalid(format!(
                "trailing garbage after the gzip stream: {what} at compressed byte {at}"
            )));
        }
        self.decoder = Some(GzDecoder::new(reader));
        Ok(true)
    }
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = &mut self.decoder else { return Ok(0) };
            match decoder.read(buf) {
                Ok(0) if !buf.is_empty() => {
                    if !self.next_member()? {
                        return Ok(0);
                    }
                }
                Ok(n) => return Ok(n),
                Err(e) => {
                    let at = position(decoder.get_ref());
                    let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                        "truncated gzip stream: the file ends inside a gzip member".to_owned()
                    } else {
                        format!("corrupt gzip stream ({e})")
                    };
                    self.decoder = None;
                    return Err(invalid(format!("{what}, at compressed byte {at}")));
                }
            }
        }
    }
}

/// Opens a file, decompressing it when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
    let io = |source| Error::Io { file: path.display().to_string(), source };
    let file = File::open(path).map_err(io)?;
    let mut reader = BufReader::with_capacity(256 * 1024, Counting { inner: file, read: 0 });
    let head = reader.fill_buf().map_err(io)?;
    if head.starts_with(&GZIP_MAGIC) {
        return Ok(Box::new(Members { decoder: Some(GzDecoder::new(reader)) }));
    }
    // Plain files are read straight into the chunk buffers: through the `BufReader` every byte
    // would be copied twice, on the serial reader thread.
    let sniffed = io::Cursor::new(reader.buffer().to_vec());
    Ok(Box::new(sniffed.chain(reader.into_inner().inner)))
}
