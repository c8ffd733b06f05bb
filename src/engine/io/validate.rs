//! The strict RFC 8259 check of one record, in one linear pass with an explicit stack (no
//! recursion, so no depth limit and no stack overflow): every record is decided valid or not
//! here, before any column is built, and each problem is named. A [`Visit`] sees the values as
//! they are read: schema inference (`infer`) and the schema check (`check`) ride on the same
//! pass, so inference, decoding and the quarantine agree on every record.

use std::collections::HashSet;

/// Why a record is rejected when it ends inside a value.
pub const TRUNCATED: &str = "truncated record: it ends inside a value";
/// Why an NDJSON record is rejected when a second value follows the first.
pub const TWO_VALUES: &str = "more than one JSON value in the record";

/// Objects with more keys than this check duplicates with a hash set (linear time).
const SMALL_OBJECT: usize = 16;

/// A scalar as read: numbers and strings as their bytes in the record.
#[derive(Clone, Copy, Debug)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    /// A valid JSON number; `integer` when it has no fraction and no exponent.
    Number {
        text: &'a [u8],
        integer: bool,
    },
    /// A string's content between the quotes, valid UTF-8; `escaped` when it holds a `\`.
    Str {
        raw: &'a [u8],
        escaped: bool,
    },
}

/// What rides on the validating pass. An `Err` rejects the record with that reason.
pub trait Visit {
    /// An object (`true`) or array opens as the current value.
    fn open(&mut self, object: bool) -> Result<(), String>;
    /// The innermost open object or array closes.
    fn close(&mut self);
    /// A key of the innermost object, unescaped; its value follows.
    fn key(&mut self, key: &[u8]);
    fn scalar(&mut self, value: Scalar<'_>) -> Result<(), String>;
}

/// A visitor that only validates.
pub struct NoVisit;

impl Visit for NoVisit {
    fn open(&mut self, _: bool) -> Result<(), String> {
        Ok(())
    }
    fn close(&mut self) {}
    fn key(&mut self, _: &[u8]) {}
    fn scalar(&mut self, _: Scalar<'_>) -> Result<(), String> {
        Ok(())
    }
}

struct Frame {
    object: bool,
    /// Where this object's keys start in `Validator::keys`.
    keys_from: usize,
    big: Option<HashSet<Vec<u8>>>,
}

#[derive(Clone, Copy)]
enum State {
    Value,
    /// A key (after `{` with a member, or after `,` in an object).
    Key,
    AfterValue,
}

/// Reusable buffers of the check (one per decoding task).
#[derive(Default)]
pub struct Validator {
    stack: Vec<Frame>,
    /// The unescaped keys of the open objects, back to back in `arena`.
    keys: Vec<(usize, usize)>,
    arena: Vec<u8>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

fn is_delimiter(b: u8) -> bool {
    is_ws(b) || matches!(b, b',' | b'}' | b']' | b':')
}

fn starts_value(b: u8) -> bool {
    matches!(b, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
}

/// A byte for a message: printable ASCII as itself, anything else as its code.
pub fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02X}")
    }
}

fn at(what: &str, i: usize) -> String {
    format!("{what} at byte {i} of the record")
}

/// Bytes that end the fast scan of a string: the quote, a backslash, control characters and
/// non-ASCII (checked as UTF-8 once per string).
const STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    while k < 256 {
        table[k] = k < 0x20 || k == b'"' as usize || k == b'\\' as usize || k >= 0x80;
        k += 1;
    }
    table
};

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let digits = b.get(i..i + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// Scans a string whose opening quote is at `start - 1`; returns the index after the closing
/// quote and whether it holds escapes.
pub fn string(b: &[u8], start: usize) -> Result<(usize, bool), String> {
    let (mut i, mut escaped, mut ascii) = (start, false, true);
    loop {
        while i < b.len() && !STRING_STOP[usize::from(b[i])] {
            i += 1;
        }
        let Some(&c) = b.get(i) else { return Err(TRUNCATED.to_owned()) };
        match c {
            b'"' => break,
            b'\\' => {
                escaped = true;
                match b.get(i + 1) {
                    None => return Err(TRUNCATED.to_owned()),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => i = unicode_escape(b, i)?,
                    Some(&other) => return Err(at(&format!("invalid escape '\\{}'", other as char), i)),
                }
            }
            0x80..=0xFF => {
                ascii = false;
                i += 1;
            }
            _ => return Err(at("control character in string", i)),
        }
    }
    if !ascii && std::str::from_utf8(&b[start..i]).is_err() {
        return Err(at("invalid UTF-8 in string", start));
    }
    Ok((i + 1, escaped))
}

/// A `\uXXXX` escape at `i` (a surrogate pair as one); returns the index after it.
fn unicode_escape(b: &[u8], i: usize) -> Result<usize, String> {
    if b.len() < i + 6 {
        return Err(TRUNCATED.to_owned());
    }
    let Some(unit) = hex4(b, i + 2) else { return Err(at("invalid \\u escape", i)) };
    match unit {
        0xD800..=0xDBFF => {
            let low = (b.get(i + 6..i + 8) == Some(b"\\u")).then(|| hex4(b, i + 8)).flatten();
            match low {
                Some(0xDC00..=0xDFFF) => Ok(i + 12),
                _ => Err(at("lone surrogate in \\u escape", i)),
            }
        }
        0xDC00..=0xDFFF => Err(at("lone surrogate in \\u escape", i)),
        _ => Ok(i + 6),
    }
}

/// Scans a number starting at `i`; returns its end and whether it is an integer.
pub fn number(b: &[u8], start: usize) -> Result<(usize, bool), String> {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = start + usize::from(b[start] == b'-');
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            if digit(i) {
                return Err(at("leading zero", start));
            }
        }
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return Err(at("invalid number", start)),
    }
    let int_digits = i - start;
    let (mut integer, mut exponent) = (true, false);
    if b.get(i) == Some(&b'.') {
        integer = false;
        i += 1;
        if !digit(i) {
            return Err(at("invalid number: no digit after the decimal point", start));
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        (integer, exponent) = (false, true);
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Err(at("invalid number: no digit in the exponent", start));
        }
        while digit(i) {
            i += 1;
        }
    }
    if b.get(i).is_some_and(|&c| !is_delimiter(c)) {
        return Err(at("invalid number", start));
    }
    // Only an exponent or more than 308 digits can pass f64's range.
    if exponent || int_digits > 308 {
        let text = std::str::from_utf8(&b[start..i]).expect("ASCII");
        if text.parse::<f64>().is_ok_and(f64::is_infinite) {
            return Err(at("number out of range", start));
        }
    }
    Ok((i, integer))
}

/// Unescapes the content of a JSON string known to be valid.
pub fn unescape(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let simple = match raw[i + 1] {
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => Some(other),
        };
        if let Some(byte) = simple {
            out.push(byte);
            i += 2;
            continue;
        }
        let unit = hex4(raw, i + 2).expect("validated");
        let (code, len) = if (0xD800..0xDC00).contains(&unit) {
            let low = hex4(raw, i + 8).expect("validated");
            (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
        } else {
            (unit, 6)
        };
        let ch = char::from_u32(code).expect("validated");
        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        i += len;
    }
}

fn literal(b: &[u8], i: usize) -> Result<(usize, Scalar<'static>), String> {
    let word = b[i..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    match &b[i..i + word] {
        b"true" => Ok((i + 4, Scalar::Bool(true))),
        b"false" => Ok((i + 5, Scalar::Bool(false))),
        b"null" => Ok((i + 4, Scalar::Null)),
        w if i + word == b.len()
            && (b"true".starts_with(w) || b"false".starts_with(w) || b"null".starts_with(w)) =>
        {
            Err(TRUNCATED.to_owned())
        }
        w => {
            let w = String::from_utf8_lossy(&w[..w.len().min(16)]);
            Err(at(&format!("invalid literal '{w}'"), i))
        }
    }
}

/// What a record that is not an object is.
fn kind(b: u8) -> &'static str {
    match b {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

impl Validator {
    /// Checks one record (trimmed of whitespace); `element` when it is an element of an array
    /// file (so a second value means a missing comma).
    pub fn record<V: Visit>(&mut self, b: &[u8], visit: &mut V, element: bool) -> Result<(), String> {
        self.stack.clear();
        self.keys.clear();
        self.arena.clear();
        let start = ws(b, 0);
        if start == b.len() {
            return Err("empty record".to_owned());
        }
        if b[start] != b'{' {
            // Validated first, so a broken non-object is named by its first problem.
            self.value(b, start, &mut NoVisit)?;
            return Err(format!("not a JSON object: the record is {}", kind(b[start])));
        }
        let end = ws(b, self.value(b, start, visit)?);
        match b.get(end) {
            None => Ok(()),
            Some(_) if element => Err(at("missing comma between array elements", end)),
            Some(&c) if starts_value(c) => Err(TWO_VALUES.to_owned()),
            Some(&c) => Err(at(&format!("unexpected {} after the record", show(c)), end)),
        }
    }

    fn push(&mut self, object: bool) {
        self.stack.push(Frame { object, keys_from: self.keys.len(), big: None });
    }

    fn pop<V: Visit>(&mut self, visit: &mut V) {
        if let Some(frame) = self.stack.pop() {
            if frame.object {
                let from = frame.keys_from;
                let arena_from = self.keys.get(from).map_or(self.arena.len(), |k| k.0);
                self.keys.truncate(from);
                self.arena.truncate(arena_from);
            }
        }
        visit.close();
    }

    /// Reads a key (its quote at `i`), checks it is new in its object, and passes it on.
    fn key<V: Visit>(&mut self, b: &[u8], i: usize, visit: &mut V) -> Result<usize, String> {
        let (end, escaped) = string(b, i + 1)?;
        let from = self.arena.len();
        if escaped {
            unescape(&b[i + 1..end - 1], &mut self.arena);
        } else {
            self.arena.extend_from_slice(&b[i + 1..end - 1]);
        }
        let key = (from, self.arena.len());
        let frame = self.stack.last_mut().expect("inside an object");
        let new = &self.arena[key.0..key.1];
        let count = self.keys.len() - frame.keys_from;
        let duplicate = if let Some(big) = &mut frame.big {
            !big.insert(new.to_vec())
        } else {
            let seen = &self.keys[frame.keys_from..];
            let dup = seen.iter().any(|&(s, e)| &self.arena[s..e] == new);
            if !dup && count + 1 > SMALL_OBJECT {
                let mut set: HashSet<Vec<u8>> =
                    seen.iter().map(|&(s, e)| self.arena[s..e].to_vec()).collect();
                set.insert(new.to_vec());
                frame.big = Some(set);
            }
            dup
        };
        if duplicate {
            return Err(format!("duplicate key '{}'", String::from_utf8_lossy(new)));
        }
        visit.key(new);
        self.keys.push(key);
        Ok(end)
    }

    /// Reads one value starting at `i` (not whitespace); returns the index after it.
    fn value<V: Visit>(&mut self, b: &[u8], mut i: usize, visit: &mut V) -> Result<usize, String> {
        let base = self.stack.len();
        let mut state = State::Value;
        loop {
            match state {
                State::Value => {
                    i = ws(b, i);
                    let Some(&c) = b.get(i) else { return Err(TRUNCATED.to_owned()) };
                    state = State::AfterValue;
                    match c {
                        b'{' | b'[' => {
                            let object = c == b'{';
                            visit.open(object)?;
                            self.push(object);
                            i = ws(b, i + 1);
                            match b.get(i) {
                                None => return Err(TRUNCATED.to_owned()),
                                Some(b'}') if object => {
                                    self.pop(visit);
                                    i += 1;
                                }
                                Some(b']') if !object => {
                                    self.pop(visit);
                                    i += 1;
                                }
                                Some(_) if object => state = State::Key,
                                Some(_) => state = State::Value,
                            }
                        }
                        b'"' => {
                            let (end, escaped) = string(b, i + 1)?;
                            visit.scalar(Scalar::Str { raw: &b[i + 1..end - 1], escaped })?;
                            i = end;
                        }
                        b'-' | b'0'..=b'9' => {
                            let (end, integer) = number(b, i)?;
                            visit.scalar(Scalar::Number { text: &b[i..end], integer })?;
                            i = end;
                        }
                        c if c.is_ascii_alphabetic() => {
                            let (end, scalar) = literal(b, i)?;
                            visit.scalar(scalar)?;
                            i = end;
                        }
                        c => return Err(at(&format!("expected a value, found {}", show(c)), i)),
                    }
                }
                State::Key => {
                    i = ws(b, i);
                    match b.get(i) {
                        None => return Err(TRUNCATED.to_owned()),
                        Some(b'"') => {}
                        Some(b'}') => return Err(at("trailing comma", i)),
                        Some(&c) => return Err(at(&format!("expected a key, found {}", show(c)), i)),
                    }
                    i = ws(b, self.key(b, i, visit)?);
                    match b.get(i) {
                        None => return Err(TRUNCATED.to_owned()),
                        Some(b':') => i += 1,
                        Some(_) => return Err(at("missing colon", i)),
                    }
                    state = State::Value;
                }
                State::AfterValue => {
                    if self.stack.len() == base {
                        return Ok(i);
                    }
                    i = ws(b, i);
                    let Some(&c) = b.get(i) else { return Err(TRUNCATED.to_owned()) };
                    let object = self.stack.last().expect("open container").object;
                    match (object, c) {
                        (true, b',') => {
                            i += 1;
                            state = State::Key;
                        }
                        (false, b',') => {
                            i = ws(b, i + 1);
                            if b.get(i) == Some(&b']') {
                                return Err(at("trailing comma", i));
                            }
                            state = State::Value;
                        }
                        (true, b'}') | (false, b']') => {
                            self.pop(visit);
                            i += 1;
                        }
                        (_, c) if starts_value(c) => return Err(at("missing comma", i)),
                        (true, c) => return Err(at(&format!("expected ',' or '}}', found {}", show(c)), i)),
                        (false, c) => return Err(at(&format!("expected ',' or ']', found {}", show(c)), i)),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
