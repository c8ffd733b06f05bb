//! Bit masks of 64-byte blocks for the array scanner (simdjson's idea, in 16-byte vectors from
//! the `wide` crate, so no intrinsics or `unsafe` here): which bytes are quotes, backslashes,
//! brackets and commas.

use wide::u8x16;

/// Bytes per bit-mask block of the array scanner.
pub const BLOCK: usize = 64;

/// Bit k of the result is the XOR of bits 0..=k: set from an opening quote up to its closing one.
pub fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// The bit masks of one 64-byte block of the buffer (bit k: byte `start + k`).
#[derive(Clone, Copy, Debug)]
pub struct Masks {
    pub start: usize,
    pub quote: u64,
    pub slash: u64,
    /// `{`, `}`, `[` and `]` (and a few letters: see `of`).
    pub brackets: u64,
    pub commas: u64,
}

pub const NO_MASKS: Masks = Masks { start: usize::MAX, quote: 0, slash: 0, brackets: 0, commas: 0 };

impl Masks {
    /// The masks of `buf[start..start + BLOCK]`; `slashes: false` when the caller knows the
    /// block holds no backslash (one `memchr` over the buffer is cheaper than a mask per block).
    pub fn of(buf: &[u8], start: usize, slashes: bool) -> Self {
        let mut m = Masks { start, quote: 0, slash: 0, brackets: 0, commas: 0 };
        let mask = |lanes: u8x16| u64::from(lanes.to_bitmask());
        for (w, lane) in buf[start..start + BLOCK].chunks_exact(16).enumerate() {
            let x = u8x16::new(lane.try_into().expect("16 bytes"));
            // '[' → '{' and ']' → '}' (bit 5), then '{' and '}' alike (bits 1-2). 'Y', 'y', '_'
            // and DEL fold the same way: harmless, the scanner checks the byte of each event.
            let folded = (x | u8x16::splat(0x20)) & u8x16::splat(!0x06);
            let shift = 16 * w;
            m.quote |= mask(x.simd_eq(u8x16::splat(b'"'))) << shift;
            if slashes {
                m.slash |= mask(x.simd_eq(u8x16::splat(b'\\'))) << shift;
            }
            m.brackets |= mask(folded.simd_eq(u8x16::splat(b'y'))) << shift;
            m.commas |= mask(x.simd_eq(u8x16::splat(b','))) << shift;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_of_a_block() {
        let mut block = *br#"{"a": "x,]", "b": [1, {"c": 2}]}"#;
        let mut buf = block.to_vec();
        buf.resize(BLOCK, b' ');
        let m = Masks::of(&buf, 0, true);
        let expect = |f: &dyn Fn(u8) -> bool| {
            buf.iter().enumerate().filter(|(_, &b)| f(b)).map(|(k, _)| 1_u64 << k).sum::<u64>()
        };
        assert_eq!(m.quote, expect(&|b| b == b'"'));
        assert_eq!(m.slash, 0);
        assert_eq!(m.brackets, expect(&|b| b"{}[]".contains(&b)));
        let letters = Masks::of(&[&b"Yy_\x7f}"[..], &[b' '; 64][..]].concat(), 0, false);
        assert_eq!(letters.brackets, 0b11111);
        assert_eq!(m.commas, expect(&|b| b == b','));
        block[0] = b'\\';
        assert_eq!(Masks::of(&[&block[..], &[b' '; 64][..]].concat(), 0, true).slash, 1);
        for x in [0_u64, 1, 0b1001, u64::MAX, 0x8000_0000_0000_0001] {
            let slow = (0..64).map(|k| u64::from((x & (u64::MAX >> (63 - k))).count_ones() % 2 == 1) << k);
            assert_eq!(prefix_xor(x), slow.sum::<u64>(), "{x:b}");
        }
    }
}
