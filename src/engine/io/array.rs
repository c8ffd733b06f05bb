//! The JSON-array scanner: splits a top-level array into its elements incrementally, tracking
//! string, escape and nesting state, so the array is never parsed as one document and a file of
//! any size streams through it.

use std::ops::Range;

use crate::engine::io::masks::{prefix_xor, Masks, BLOCK, NO_MASKS};
use crate::engine::io::split::{is_space, trim, Piece};

pub const EMPTY_ELEMENT: &str = "empty array element (a doubled or trailing comma)";
pub const EOF_AFTER_COMMA: &str = "end of file after ',' (truncated array)";
pub const AFTER_ARRAY: &str = "data after the closing ']' of the array";
pub const NOT_ARRAY: &str = "not a JSON array: the file does not start with '['";

/// The bytes that change the scanner's state outside strings.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let special = *b"\"{}[],";
    while k < special.len() {
        table[special[k] as usize] = true;
        k += 1;
    }
    table
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the opening '['.
    Start,
    /// Inside the array between elements.
    Between { after_comma: bool },
    /// Inside an element.
    Element,
    /// After the closing ']' (or in a file with no '['): each non-blank line is a bad piece.
    Tail { reason: &'static str, in_line: bool },
}

/// Splits a JSON array into its elements incrementally, over a buffer that grows at the end
/// and is cut at the front. Separators (`[`, `,`, `]`) are overwritten with spaces, so the
/// elements of a chunk are whitespace-separated values the JSON decoder reads in one call.
#[derive(Debug)]
pub struct ArrayScanner {
    state: State,
    depth: u32,
    in_string: bool,
    escaped: bool,
    element_start: usize,
    pos: usize,
    boundary: usize,
    pieces: Vec<Piece>,
    masks: Masks,
    /// A range of the buffer known to hold no backslash.
    clean: Range<usize>,
    /// Stop scanning after the next piece (while skipping an over-long record).
    pub stop_after_piece: bool,
}

impl Default for ArrayScanner {
    fn default() -> Self {
        Self {
            state: State::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            element_start: 0,
            pos: 0,
            boundary: 0,
            pieces: Vec::new(),
            masks: NO_MASKS,
            clean: 0..0,
            stop_after_piece: false,
        }
    }
}

impl ArrayScanner {
    fn end_element(&mut self, buf: &mut [u8], at: usize) {
        let span = trim(buf, self.element_start..at);
        self.pieces.push(Piece { span, problem: None });
        buf[at] = b' ';
        self.boundary = at + 1;
    }

    fn empty_element(&mut self, at: usize, problem: &'static str) {
        self.pieces.push(Piece { span: at..at, problem: Some(problem.to_owned()) });
    }

    /// Inside an element: 64-byte blocks at a time, byte by byte where a block has a backslash.
    fn element(&mut self, buf: &mut [u8], mut i: usize) -> usize {
        let len = buf.len();
        while i < len {
            let start = i - i % BLOCK;
            let end = (start + BLOCK).min(len);
            if !self.escaped && end - start == BLOCK {
                match self.block(buf, start, i) {
                    Some(Ok(next)) => return next,
                    Some(Err(())) => {
                        i = end;
                        continue;
                    }
                    None => {}
                }
            }
            match self.bytewise(buf, i, end) {
                Ok(next) => return next,
                Err(next) => i = next,
            }
        }
        i
    }

    /// Ends the element at a separator outside strings and at depth 0.
    fn separator(&mut self, buf: &mut [u8], at: usize) -> Option<usize> {
        match buf[at] {
            b'{' | b'[' => self.depth += 1,
            b'}' => self.depth = self.depth.saturating_sub(1),
            b']' if self.depth > 0 => self.depth -= 1,
            b']' => {
                self.end_element(buf, at);
                self.state = State::Tail { reason: AFTER_ARRAY, in_line: false };
                return Some(at + 1);
            }
            b',' if self.depth == 0 => {
                self.end_element(buf, at);
                self.state = State::Between { after_comma: true };
                return Some(at + 1);
            }
            _ => {}
        }
        None
    }

    /// The masks of the block at `start`, cached: elements are shorter than blocks, so each
    /// block serves several.
    fn masks(&mut self, buf: &[u8], start: usize) -> Masks {
        if self.masks.start != start {
            let end = start + BLOCK;
            if !(self.clean.start <= start && end <= self.clean.end) {
                // Bytes from `start` up to the next backslash need no backslash mask.
                let next = memchr::memchr(b'\\', &buf[start..]).map_or(buf.len(), |k| start + k);
                self.clean = start..next;
            }
            self.masks = Masks::of(buf, start, end > self.clean.end);
        }
        self.masks
    }

    /// From `i` to the end of the block at `start` (simdjson's idea with 8-byte words for SIMD
    /// registers): the quotes' prefix XOR marks string bytes, and only brackets and commas
    /// outside strings are visited (commas only at depth 0), so short strings cost no
    /// mispredicted branch. `None` when the block has a backslash (escapes are left to
    /// `bytewise`); `Some(Ok(next))` when the element ended, `Some(Err(()))` when the rest of
    /// the block was consumed.
    fn block(&mut self, buf: &mut [u8], start: usize, i: usize) -> Option<Result<usize, ()>> {
        let m = self.masks(buf, start);
        if m.slash != 0 {
            return None;
        }
        let keep = u64::MAX << (i - start);
        let quote = m.quote & keep;
        let mut inside = prefix_xor(quote);
        if self.in_string {
            inside = !inside;
        }
        // Commas matter only at depth 0 (they end an element), and depth changes only at
        // brackets, so the commas inside objects are never visited.
        let (mut brackets, mut commas) = (m.brackets & !inside & keep, m.commas & !inside & keep);
        loop {
            let events = brackets | if self.depth == 0 { commas } else { 0 };
            if events == 0 {
                break;
            }
            let at = events.trailing_zeros();
            let seen = u64::MAX >> (63 - at); // bits 0..=at
            brackets &= !seen;
            commas &= !seen;
            if let Some(next) = self.separator(buf, start + at as usize) {
                self.in_string = false;
                return Some(Ok(next));
            }
        }
        self.in_string ^= quote.count_ones() % 2 == 1;
        Some(Err(()))
    }

    /// Byte by byte up to `end`: `Ok(next)` when the element ended, `Err(next)` otherwise.
    fn bytewise(&mut self, buf: &mut [u8], mut i: usize, end: usize) -> Result<usize, usize> {
        while i < end {
            if self.escaped {
                self.escaped = false;
                i += 1;
            } else if self.in_string {
                // Keys and values are short: a plain scan beats a `memchr2` call per string.
                match buf[i..end].iter().position(|&b| b == b'"' || b == b'\\') {
                    Some(k) => i += k,
                    None => return Err(end),
                }
                if buf[i] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                }
                i += 1;
            } else {
                match buf[i..end].iter().position(|&b| STRUCTURAL[usize::from(b)]) {
                    Some(k) => i += k,
                    None => return Err(end),
                }
                if buf[i] == b'"' {
                    self.in_string = true;
                } else if let Some(next) = self.separator(buf, i) {
                    return Ok(next);
                }
                i += 1;
            }
        }
        Err(i)
    }

    /// Between elements: whitespace, an empty element, the end, or an element's first byte.
    fn between(&mut self, buf: &mut [u8], i: usize, after_comma: bool) -> usize {
        match buf[i] {
            // The buffer may be cut in whitespace between elements (no record is in progress).
            b if is_space(b) => self.boundary = i + 1,
            b',' => {
                self.empty_element(i, EMPTY_ELEMENT);
                buf[i] = b' ';
                self.boundary = i + 1;
                self.state = State::Between { after_comma: true };
            }
            b']' => {
                if after_comma {
                    self.empty_element(i, EMPTY_ELEMENT);
                }
                buf[i] = b' ';
                self.boundary = i + 1;
                self.state = State::Tail { reason: AFTER_ARRAY, in_line: false };
            }
            _ => {
                self.element_start = i;
                self.depth = 0;
                self.state = State::Element;
                return i;
            }
        }
        i + 1
    }

    /// Outside the array: each non-blank line is one bad piece.
    fn tail(&mut self, buf: &[u8], mut i: usize, reason: &'static str, in_line: bool) -> usize {
        if !in_line {
            if is_space(buf[i]) {
                self.boundary = i + 1;
                return i + 1;
            }
            self.element_start = i;
            self.state = State::Tail { reason, in_line: true };
        }
        match memchr::memchr(b'\n', &buf[i..]) {
            None => i = buf.len(),
            Some(k) => {
                let span = trim(buf, self.element_start..i + k);
                self.pieces.push(Piece { span, problem: Some(reason.to_owned()) });
                self.boundary = i + k + 1;
                self.state = State::Tail { reason, in_line: false };
                i += k + 1;
            }
        }
        i
    }

    /// Scans the bytes not yet seen; complete pieces are kept until [`Self::take`].
    pub fn scan(&mut self, buf: &mut [u8]) {
        let len = buf.len();
        let mut i = self.pos;
        while i < len {
            if self.stop_after_piece && !self.pieces.is_empty() {
                break;
            }
            match self.state {
                State::Element => i = self.element(buf, i),
                State::Between { after_comma } => i = self.between(buf, i, after_comma),
                State::Start => {
                    if buf[i] == b'[' {
                        buf[i] = b' ';
                        self.boundary = i + 1;
                        self.state = State::Between { after_comma: false };
                        i += 1;
                    } else if is_space(buf[i]) {
                        i += 1;
                    } else {
                        self.state = State::Tail { reason: NOT_ARRAY, in_line: false };
                    }
                }
                State::Tail { reason, in_line } => i = self.tail(buf, i, reason, in_line),
            }
        }
        self.pos = i;
    }

    /// Where the record in progress starts, if one is (an element, or a line after the array).
    pub fn open_record(&self) -> Option<usize> {
        match self.state {
            State::Element | State::Tail { in_line: true, .. } => Some(self.element_start),
            _ => None,
        }
    }

    /// The caller drops the first `len` bytes of the buffer, all inside the record in progress
    /// (nothing before it is left): positions move back by `len`.
    pub fn skip(&mut self, len: usize) {
        self.pos -= len;
        self.element_start = 0;
        self.boundary = 0;
        self.masks = NO_MASKS;
        self.clean = 0..0;
    }

    /// Ends the input: the element or line in progress becomes a piece (a truncated element
    /// is left for the decoder to reject); a missing closing ']' is tolerated.
    pub fn finish(&mut self, buf: &[u8]) {
        let len = buf.len();
        match self.state {
            State::Element | State::Tail { in_line: true, .. } => {
                let span = trim(buf, self.element_start..len);
                let problem = match self.state {
                    State::Tail { reason, .. } => Some(reason.to_owned()),
                    _ => None,
                };
                self.pieces.push(Piece { span, problem });
            }
            State::Between { after_comma: true } => self.empty_element(len, EOF_AFTER_COMMA),
            _ => {}
        }
        self.state = State::Tail { reason: AFTER_ARRAY, in_line: false };
        self.boundary = len;
        self.pos = len;
    }

    /// Takes the complete pieces: returns where the buffer may be cut (after the last one) and
    /// the pieces before it; positions of the remaining state are rebased to the cut.
    pub fn take(&mut self) -> (usize, Vec<Piece>) {
        let cut = self.boundary;
        let pieces = std::mem::take(&mut self.pieces);
        self.pos -= cut;
        self.element_start = self.element_start.saturating_sub(cut);
        self.boundary = 0;
        self.masks = NO_MASKS; // positions moved
        self.clean = 0..0;
        (cut, pieces)
    }
}

#[cfg(test)]
mod tests;
