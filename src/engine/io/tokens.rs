//! The tokens of JSON: strings, numbers and literals, each scanned strictly (RFC 8259) with
//! the problem named, and the helpers of the validating pass.

use crate::engine::io::validate::{Scalar, TRUNCATED};

/// A key's length and first 8 bytes in one word: equal keys have equal fingerprints.
pub fn fingerprint(key: &[u8]) -> u64 {
    let mut word = [0_u8; 8];
    let n = key.len().min(8);
    word[..n].copy_from_slice(&key[..n]);
    u64::from_le_bytes(word) ^ (key.len() as u64).rotate_right(8)
}

pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

pub(crate) fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    is_ws(b) || matches!(b, b',' | b'}' | b']' | b':')
}

pub(crate) fn starts_value(b: u8) -> bool {
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

pub(crate) fn at(what: &str, i: usize) -> String {
    format!("{what} at byte {i} of the record")
}

/// Bytes that end the fast scan of a string: the quote, a backslash, control characters and
/// non-ASCII (checked as UTF-8 once per string).
pub(crate) const STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    while k < 256 {
        table[k] = k < 0x20 || k == b'"' as usize || k == b'\\' as usize || k >= 0x80;
        k += 1;
    }
    table
};

pub(crate) fn hex4(b: &[u8], i: usize) -> Option<u32> {
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
pub(crate) fn unicode_escape(b: &[u8], i: usize) -> Result<usize, String> {
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

pub(crate) fn literal(b: &[u8], i: usize) -> Result<(usize, Scalar<'static>), String> {
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
pub(crate) fn kind(b: u8) -> &'static str {
    match b {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}
