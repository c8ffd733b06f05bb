//! Record splitting without parsing: where each record of an NDJSON or JSON-array byte stream
//! starts and ends. NDJSON records are the non-blank lines (here); array elements are found by
//! the scanner in `array`.

use std::ops::Range;

/// How the records of a file are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON value per line (blank lines ignored).
    Ndjson,
    /// One top-level JSON array whose elements are the records.
    Array,
}

/// One record's bytes in a chunk, or a place the scanner already knows to be bad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub span: Range<usize>,
    /// Why the piece is rejected before decoding (an empty element, data after the array).
    pub problem: Option<&'static str>,
}

/// JSON whitespace; CR is included, so CRLF line ends need nothing special.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| is_space(b))
}

pub(crate) fn trim(buf: &[u8], range: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (range.start, range.end);
    while start < end && is_space(buf[start]) {
        start += 1;
    }
    while end > start && is_space(buf[end - 1]) {
        end -= 1;
    }
    start..end
}

/// Counts the non-blank lines (the NDJSON records) and the newlines of `buf` in one pass.
pub fn ndjson_count(buf: &[u8]) -> (usize, u64) {
    let (mut records, mut newlines, mut start) = (0, 0, 0);
    for nl in memchr::memchr_iter(b'\n', buf) {
        records += usize::from(!is_blank(&buf[start..nl]));
        newlines += 1;
        start = nl + 1;
    }
    records += usize::from(!is_blank(&buf[start..]));
    (records, newlines)
}

/// The non-blank lines of `buf`, trimmed of surrounding whitespace.
pub fn ndjson_records(buf: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', buf).chain(std::iter::once(buf.len())) {
        let span = trim(buf, start..end);
        if !span.is_empty() {
            pieces.push(Piece { span, problem: None });
        }
        start = end + 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_lines() {
        let text = b"{\"a\":1}\r\n\n  \n{\"a\":2}  \n{\"a\"";
        assert_eq!(ndjson_count(text), (3, 4));
        let spans: Vec<_> = ndjson_records(text).into_iter().map(|p| p.span).collect();
        assert_eq!(spans, [0..7, 13..20, 23..27]);
    }
}
