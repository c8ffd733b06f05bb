//! Bit masks of 64-byte blocks for the array scanner (simdjson's idea in plain 64-bit integers:
//! no SIMD intrinsics, no `unsafe`): which bytes are quotes, backslashes and structural bytes.

/// Bytes per bit-mask block of the array scanner.
pub const BLOCK: usize = 64;

const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of `x` that equals `b` (exact, no false positives).
fn eq(x: u64, b: u8) -> u64 {
    let y = x ^ splat(b);
    !(((y & splat(0x7F)) + splat(0x7F)) | y | splat(0x7F))
}

/// Packs the high bits of the 8 bytes into 8 bits, byte 0 lowest.
fn bits(high: u64) -> u64 {
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

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
    pub structural: u64,
}

pub const NO_MASKS: Masks = Masks { start: usize::MAX, quote: 0, slash: 0, structural: 0 };

impl Masks {
    /// The masks of `buf[start..start + BLOCK]`; `slashes: false` when the caller knows the
    /// block holds no backslash (one `memchr` over the buffer is cheaper than a mask per block).
    pub fn of(buf: &[u8], start: usize, slashes: bool) -> Self {
        let mut m = Masks { start, quote: 0, slash: 0, structural: 0 };
        for (w, word) in buf[start..start + BLOCK].chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            let folded = x | splat(0x20); // '[' -> '{', ']' -> '}'
            m.quote |= bits(eq(x, b'"')) << (8 * w);
            if slashes {
                m.slash |= bits(eq(x, b'\\')) << (8 * w);
            }
            m.structural |= bits(eq(folded, b'{') | eq(folded, b'}') | eq(x, b',')) << (8 * w);
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
        assert_eq!(m.structural, expect(&|b| b"{}[],".contains(&b)));
        block[0] = b'\\';
        assert_eq!(Masks::of(&[&block[..], &[b' '; 64][..]].concat(), 0, true).slash, 1);
        for x in [0_u64, 1, 0b1001, u64::MAX, 0x8000_0000_0000_0001] {
            let slow = (0..64).map(|k| u64::from((x & (u64::MAX >> (63 - k))).count_ones() % 2 == 1) << k);
            assert_eq!(prefix_xor(x), slow.sum::<u64>(), "{x:b}");
        }
    }
}
