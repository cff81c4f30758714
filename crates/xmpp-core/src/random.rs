//! Injectable randomness for stream ids, generated resources and SASL nonces.
//!
//! The engine reads no global state: everything unpredictable comes from a [`Random`] source
//! given in the configuration. [`OsRandom`] (the operating system's generator) is the default;
//! [`SeededRandom`] makes a run repeatable for tests and fuzzing and must not be used on a
//! real connection (RFC 3920 §4.4 asks stream ids to be unpredictable).

use core::fmt;

/// A source of random bytes.
pub trait Random: Send {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// The operating system's generator (`getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // A failing OS generator leaves nothing safe to do: ids and nonces would be
        // predictable. `getrandom` fails only on platforms without any entropy source.
        if getrandom::fill(buf).is_err() {
            panic!("the operating system's random generator failed");
        }
    }
}

/// A deterministic generator (SplitMix64) for tests and fuzzing. Not for real connections.
#[derive(Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator whose output depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRandom { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl fmt::Debug for SeededRandom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SeededRandom")
    }
}

impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// `n` random bytes as lowercase hex: stream ids and generated resources.
pub(crate) fn hex_token(random: &mut dyn Random, n: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = vec![0u8; n];
    random.fill(&mut bytes);
    let mut out = String::with_capacity(n * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_is_repeatable_and_seed_dependent() {
        let (mut a, mut b, mut c) = (
            SeededRandom::new(1),
            SeededRandom::new(1),
            SeededRandom::new(2),
        );
        let (mut x, mut y, mut z) = ([0u8; 13], [0u8; 13], [0u8; 13]);
        a.fill(&mut x);
        b.fill(&mut y);
        c.fill(&mut z);
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn hex_tokens_have_the_asked_length() {
        let mut r = SeededRandom::new(7);
        let t = hex_token(&mut r, 16);
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(t, hex_token(&mut r, 16));
    }
}
