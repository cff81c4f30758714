//! Injectable randomness for content-encryption keys, IVs, RSA padding and blinding, and
//! MIME boundaries.
//!
//! The source is `xmpp-core`'s [`Random`]: [`OsRandom`] for real use, [`SeededRandom`]
//! for repeatable tests and fuzzing only (keys made from it are predictable).

pub use xmpp_core::random::{OsRandom, Random, SeededRandom};

/// Lets the RSA implementation draw from a [`Random`] source.
pub(crate) struct RngAdapter<'a>(pub(crate) &'a mut dyn Random);

impl rand_core::RngCore for RngAdapter<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.0.fill(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.fill(dest);
        Ok(())
    }
}

// The sources given to the library are cryptographic ones (`OsRandom`); `SeededRandom`
// is documented as unfit for real use.
impl rand_core::CryptoRng for RngAdapter<'_> {}
