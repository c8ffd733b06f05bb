//! Record splitting without parsing: where each record of an NDJSON or JSON-array byte stream
//! starts and ends. NDJSON records are the non-blank lines (here; a line ends at LF, CRLF or a
//! bare CR); array elements are found by the scanner in `array`.

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
    /// Why the piece is rejected before decoding (an empty element, data after the array, a
    /// record over the size limit).
    pub problem: Option<String>,
}

/// JSON whitespace; CR is included, so CRLF line ends need nothing special.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
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

/// Counts the line ends of `buf`: LF, CRLF (once) and bare CR.
pub fn count_lines(buf: &[u8]) -> u64 {
    let mut lines = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', buf) {
        lines += u64::from(buf[at] == b'\n' || buf.get(at + 1) != Some(&b'\n'));
    }
    lines
}

/// The non-blank lines of `buf`, trimmed of surrounding whitespace.
pub fn ndjson_records(buf: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', b'\r', buf).chain(std::iter::once(buf.len())) {
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
        assert_eq!(count_lines(text), 4);
        let spans: Vec<_> = ndjson_records(text).into_iter().map(|p| p.span).collect();
        assert_eq!(spans, [0..7, 13..20, 23..27]);
    }

    #[test]
    fn bare_cr_ends_lines() {
        let text = b"{\"a\":1}\r{\"a\":2}\r\r\n{\"a\":3}\r";
        assert_eq!(count_lines(text), 4);
        let spans: Vec<_> = ndjson_records(text).into_iter().map(|p| p.span).collect();
        assert_eq!(spans, [0..7, 8..15, 18..25]);
    }
}
