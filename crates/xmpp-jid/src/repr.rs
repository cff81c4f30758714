//! Storage of a canonical JID: inline for short JIDs, so that parsing an already
//! canonical one does not touch the heap; boxed otherwise.

use std::num::NonZeroU16;

/// Longest JID kept inline, in bytes.
pub(crate) const INLINE: usize = 54;

#[derive(Clone)]
pub(crate) enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<str>),
}

impl Repr {
    /// Copies `s`.
    pub(crate) fn new(s: &str) -> Self {
        match (u8::try_from(s.len()), s.len() <= INLINE) {
            (Ok(len), true) => {
                let mut buf = [0u8; INLINE];
                if let Some(dst) = buf.get_mut(..s.len()) {
                    dst.copy_from_slice(s.as_bytes());
                }
                Repr::Inline { len, buf }
            }
            _ => Repr::Heap(Box::from(s)),
        }
    }

    /// Takes `s`, moving it inline if it is short.
    pub(crate) fn from_string(s: String) -> Self {
        if s.len() <= INLINE {
            Repr::new(&s)
        } else {
            Repr::Heap(s.into_boxed_str())
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ever filled from a `&str`, so the bytes are UTF-8.
            Repr::Inline { len, buf } => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

/// A separator position: never 0, as every part before a separator is non-empty; at most
/// 3071 (RFC 3920 §3.1).
pub(crate) type Pos = Option<NonZeroU16>;

pub(crate) fn pos(i: usize) -> Pos {
    u16::try_from(i).ok().and_then(NonZeroU16::new)
}

pub(crate) fn idx(p: NonZeroU16) -> usize {
    usize::from(p.get())
}
