//! The namespace bindings in scope, found by prefix at a cost that does not depend on how
//! many are in scope: one stack per prefix, threaded through the bindings.

use std::collections::HashMap;

use crate::hash::{Seeded, random_seed};

/// No binding (the bottom of a prefix's stack).
const NONE: u32 = u32::MAX;

/// A namespace binding: spans in the scanner's arena, and the binding of the same prefix
/// it hides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding {
    pub(crate) prefix: (u32, u32),
    pub(crate) uri: (u32, u32),
    /// For a binding declared inside a first-level element, its index in the element's
    /// record ([`crate::record::Recorded::decls`]).
    pub(crate) src: u32,
    /// The prefix's stack this binding is on ([`Prefixes`] head index).
    head: u32,
    /// The binding of the same prefix below it, or [`NONE`].
    prev: u32,
}

/// Prefix to the innermost binding of that prefix. The empty prefix (default namespace)
/// and `xml`, the prefixes of nearly every lookup, have fixed heads; the others are
/// found through a hash map whose hash is randomly seeded, so that no input can make its
/// lookups collide.
pub(crate) struct Prefixes {
    /// The innermost binding of each known prefix, or [`NONE`].
    tops: Vec<u32>,
    map: HashMap<Box<[u8]>, u32, Seeded>,
}

/// Known prefixes kept between first-level elements; beyond this many the index is
/// rebuilt from the stream-level bindings, so that it does not grow with the stream.
const KEEP: usize = 32;

impl Prefixes {
    pub(crate) fn new() -> Self {
        Prefixes {
            tops: vec![NONE, NONE],
            map: HashMap::with_hasher(Seeded(random_seed())),
        }
    }

    #[inline]
    fn head(&self, prefix: &[u8]) -> Option<u32> {
        match prefix {
            b"" => Some(0),
            b"xml" => Some(1),
            p => self.map.get(p).copied(),
        }
    }

    /// The innermost binding of `prefix`, and its index.
    #[inline(always)]
    pub(crate) fn lookup(&self, bindings: &[Binding], prefix: &[u8]) -> Option<(u32, Binding)> {
        let h = self.head(prefix)?;
        let top = *invariant!(self.tops.get(h as usize), &NONE);
        bindings.get(top as usize).map(|b| (top, *b))
    }

    /// Pushes a binding of `prefix` (whose spans are given) onto `bindings`.
    pub(crate) fn push(
        &mut self,
        bindings: &mut Vec<Binding>,
        prefix: &[u8],
        spans: ((u32, u32), (u32, u32)),
        src: u32,
    ) {
        let head = match self.head(prefix) {
            Some(h) => h,
            None => {
                let h = self.tops.len() as u32;
                self.tops.push(NONE);
                self.map.insert(prefix.into(), h);
                h
            }
        };
        let top = invariant!(self.tops.get_mut(head as usize), return);
        bindings.push(Binding {
            prefix: spans.0,
            uri: spans.1,
            src,
            head,
            prev: *top,
        });
        *top = (bindings.len() - 1) as u32;
    }

    /// Pops bindings down to `n`, uncovering the bindings they hid.
    pub(crate) fn truncate(&mut self, bindings: &mut Vec<Binding>, n: usize) {
        while bindings.len() > n {
            let Some(b) = bindings.pop() else { break };
            if let Some(top) = self.tops.get_mut(b.head as usize) {
                *top = b.prev;
            }
        }
    }

    /// Between first-level elements (only the stream-level `bindings` in scope): forgets
    /// the prefixes that are no longer bound once there are many.
    pub(crate) fn prune(&mut self, bindings: &mut [Binding], arena: &[u8]) {
        if self.map.len() <= KEEP {
            return;
        }
        self.map.clear();
        self.tops.clear();
        self.tops.extend([NONE, NONE]);
        for (i, b) in bindings.iter_mut().enumerate() {
            let s = b.prefix.0 as usize;
            let prefix = invariant!(arena.get(s..s + b.prefix.1 as usize), &[]);
            let head = match self.head(prefix) {
                Some(h) => h,
                None => {
                    let h = self.tops.len() as u32;
                    self.tops.push(NONE);
                    self.map.insert(prefix.into(), h);
                    h
                }
            };
            let top = invariant!(self.tops.get_mut(head as usize), continue);
            b.head = head;
            b.prev = *top;
            *top = i as u32;
        }
    }
}
