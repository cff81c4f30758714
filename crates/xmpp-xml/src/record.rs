//! What the scanner records of a first-level element while it validates it, so that its
//! tree is built without reading the bytes a second time: the nodes in document order,
//! the attributes of each element and the namespaces declared inside it, as offsets into
//! the element's bytes.

/// No namespace.
pub(crate) const NO_NS: u32 = u32::MAX;
/// Set in a namespace reference to a stream-level binding (of the header, or `xml`): the
/// rest is the binding's index. Without it a reference is an index into
/// [`Recorded::decls`].
pub(crate) const STREAM_LEVEL: u32 = 1 << 31;

/// Text needs references expanded or line ends normalized.
pub(crate) const TEXT_EXPAND: u8 = 1;
/// Text holds a CDATA section.
pub(crate) const TEXT_CDATA: u8 = 2;

/// One node of the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecNode {
    Element {
        /// The local name.
        name: u32,
        name_len: u32,
        /// A namespace reference ([`NO_NS`], [`STREAM_LEVEL`] or a declaration).
        ns: u32,
        /// The element's attributes: `attr_len` of [`Recorded::attrs`] from `attrs`.
        attrs: u32,
        attr_len: u32,
        /// Index of the first node after the element's subtree.
        end: u32,
    },
    /// Character data and CDATA sections between two tags, from the first byte after one
    /// tag to the `<` of the next (markup of CDATA sections included).
    Text { start: u32, len: u32, kind: u8 },
}

/// An attribute other than a namespace declaration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecAttr {
    /// The local name.
    pub(crate) name: u32,
    pub(crate) name_len: u32,
    pub(crate) value: u32,
    pub(crate) value_len: u32,
    /// A namespace reference, [`NO_NS`] when unprefixed.
    pub(crate) ns: u32,
    /// The value is the same once read (no reference, no white space to normalize).
    pub(crate) plain: bool,
}

/// A namespace declared inside the element: the declaration's value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecDecl {
    pub(crate) value: u32,
    pub(crate) len: u32,
    pub(crate) plain: bool,
}

/// The record of one first-level element; reused from one to the next.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) nodes: Vec<RecNode>,
    pub(crate) attrs: Vec<RecAttr>,
    pub(crate) decls: Vec<RecDecl>,
}

impl Recorded {
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.attrs.clear();
        self.decls.clear();
    }
}
