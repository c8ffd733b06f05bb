//! The strict RFC 8259 check of one record, in one linear pass with an explicit stack (no
//! recursion, so no depth limit and no stack overflow): every record is decided valid or not
//! here, before any column is built, and each problem is named. A [`Visit`] sees the values as
//! they are read: schema inference (`infer`) and the schema check (`check`) ride on the same
//! pass, so inference, decoding and the quarantine agree on every record.

use std::collections::HashSet;

use crate::engine::io::tokens::{at, kind, literal, starts_value, ws};
pub use crate::engine::io::tokens::{fingerprint, number, show, string, unescape};

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
    /// A key of the innermost object, unescaped, with its [`fingerprint`]; its value follows.
    fn key(&mut self, key: &[u8], fingerprint: u64);
    fn scalar(&mut self, value: Scalar<'_>) -> Result<(), String>;
}

/// A visitor that only validates.
pub struct NoVisit;

impl Visit for NoVisit {
    fn open(&mut self, _: bool) -> Result<(), String> {
        Ok(())
    }
    fn close(&mut self) {}
    fn key(&mut self, _: &[u8], _: u64) {}
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

#[derive(Clone, Copy)]
struct Key {
    start: usize,
    end: usize,
    print: u64,
    in_arena: bool,
}

impl Key {
    fn bytes<'a>(&self, record: &'a [u8], arena: &'a [u8]) -> &'a [u8] {
        if self.in_arena {
            &arena[self.start..self.end]
        } else {
            &record[self.start..self.end]
        }
    }
}

/// Reusable buffers of the check (one per decoding task).
#[derive(Default)]
pub struct Validator {
    stack: Vec<Frame>,
    /// The keys of the open objects: where they are (in the record, or unescaped in `arena`)
    /// and their fingerprints (compared first: most keys differ in length or first bytes).
    keys: Vec<Key>,
    arena: Vec<u8>,
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
                let arena_from = self.keys[from..].iter().find(|k| k.in_arena).map(|k| k.start);
                self.keys.truncate(from);
                if let Some(arena_from) = arena_from {
                    self.arena.truncate(arena_from);
                }
            }
        }
        visit.close();
    }

    /// Reads a key (its quote at `i`), checks it is new in its object, and passes it on.
    fn key<V: Visit>(&mut self, b: &[u8], i: usize, visit: &mut V) -> Result<usize, String> {
        let (end, escaped) = string(b, i + 1)?;
        let key = if escaped {
            let start = self.arena.len();
            unescape(&b[i + 1..end - 1], &mut self.arena);
            Key { start, end: self.arena.len(), print: 0, in_arena: true }
        } else {
            Key { start: i + 1, end: end - 1, print: 0, in_arena: false }
        };
        let new = key.bytes(b, &self.arena);
        let print = fingerprint(new);
        let frame = self.stack.last_mut().expect("inside an object");
        let count = self.keys.len() - frame.keys_from;
        let duplicate = if let Some(big) = &mut frame.big {
            !big.insert(new.to_vec())
        } else {
            let seen = &self.keys[frame.keys_from..];
            let dup = seen.iter().any(|k| k.print == print && k.bytes(b, &self.arena) == new);
            if !dup && count + 1 > SMALL_OBJECT {
                let mut set: HashSet<Vec<u8>> =
                    seen.iter().map(|k| k.bytes(b, &self.arena).to_vec()).collect();
                set.insert(new.to_vec());
                frame.big = Some(set);
            }
            dup
        };
        if duplicate {
            return Err(format!("duplicate key '{}'", String::from_utf8_lossy(new)));
        }
        visit.key(new, print);
        self.keys.push(Key { print, ..key });
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
