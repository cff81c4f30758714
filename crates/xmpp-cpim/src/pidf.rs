//! PIDF documents (RFC 3863): a typed model, a reader and a writer on `xmpp-xml`.
//!
//! The reader takes what RFC 3863's schema (§4.4) accepts: the root
//! `{urn:ietf:params:xml:ns:pidf}presence` with its `entity`; then tuples, notes and
//! elements of other namespaces, in that order; in a tuple the `<status>` (with at least
//! one child, §4.1.3), elements of other namespaces, an optional `<contact>`, notes and an
//! optional `<timestamp>`. Tuple ids must be NCNames and distinct. It also requires the
//! XML declaration (§4.1: MUST). Departures: attributes the schema does not declare are
//! ignored rather than refused; a contact `priority` outside the `qvalue` type is ignored
//! as §4.1.5 asks; and the document is read under the restrictions of `xmpp-xml` (RFC 3920
//! §11: no DTD, comments or processing instructions), which also keeps entity expansion
//! out.
//!
//! The writer produces a document valid against the schema for every value of the model
//! that the reader could have produced: ids are checked to be NCNames, text is escaped,
//! language tags are checked, the order is the schema's.

use xmpp_xml::{Attribute, Element, ElementRef, Event, Limits, Parser, XML_NS};

use crate::datetime::DateTime;
use crate::error::{PidfError, clip};
use crate::priority::Qvalue;

/// The PIDF namespace (RFC 3863 §4.2.2).
pub const PIDF_NS: &str = "urn:ietf:params:xml:ns:pidf";
/// The namespace of the instant-messaging status extension that RFC 3922 §5.1.5 and RFC
/// 3863 §4.3.1 use (`<im:im>`).
pub const PIDF_IM_NS: &str = "urn:ietf:params:xml:ns:pidf:im";

/// The `<basic>` status (RFC 3863 §4.1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basic {
    /// `open`.
    Open,
    /// `closed`.
    Closed,
}

impl Basic {
    /// The element text.
    pub fn as_str(self) -> &'static str {
        match self {
            Basic::Open => "open",
            Basic::Closed => "closed",
        }
    }
}

/// A `<note>` (RFC 3863 §4.1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its `xml:lang`.
    pub lang: Option<String>,
    /// Its text.
    pub text: String,
}

/// A `<contact>` (RFC 3863 §4.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The contact URI, white space around it removed (`xs:anyURI` collapses it).
    pub uri: String,
    /// The `priority`.
    pub priority: Option<Qvalue>,
}

/// A `<status>` (RFC 3863 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// The `<basic>` value.
    pub basic: Option<Basic>,
    /// Status elements of other namespaces, such as `<im:im>`.
    pub extensions: Vec<Element<'static>>,
}

/// A `<tuple>` (RFC 3863 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tuple {
    /// The `id`, an NCName.
    pub id: String,
    /// The status.
    pub status: Status,
    /// Elements of other namespaces after the status.
    pub extensions: Vec<Element<'static>>,
    /// The contact.
    pub contact: Option<Contact>,
    /// The notes.
    pub notes: Vec<Note>,
    /// The timestamp.
    pub timestamp: Option<DateTime>,
}

impl Tuple {
    /// A tuple with this id and basic status, nothing else.
    pub fn new(id: impl Into<String>, basic: Basic) -> Self {
        Tuple {
            id: id.into(),
            status: Status {
                basic: Some(basic),
                extensions: Vec::new(),
            },
            extensions: Vec::new(),
            contact: None,
            notes: Vec::new(),
            timestamp: None,
        }
    }
}

/// A PIDF document (RFC 3863 §4.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pidf {
    /// The `entity`: the presentity's `pres:` URI.
    pub entity: String,
    /// The tuples.
    pub tuples: Vec<Tuple>,
    /// Notes about the presentity.
    pub notes: Vec<Note>,
    /// Elements of other namespaces after the notes.
    pub extensions: Vec<Element<'static>>,
}

/// NameStartChar of XML 1.0 (fifth edition, §2.3), without `:`.
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{2ff}'
        | '\u{370}'..='\u{37d}' | '\u{37f}'..='\u{1fff}' | '\u{200c}'..='\u{200d}'
        | '\u{2070}'..='\u{218f}' | '\u{2c00}'..='\u{2fef}' | '\u{3001}'..='\u{d7ff}'
        | '\u{f900}'..='\u{fdcf}' | '\u{fdf0}'..='\u{fffd}' | '\u{10000}'..='\u{effff}')
}

/// NameChar of XML 1.0 (fifth edition, §2.3), without `:`.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{b7}' | '\u{300}'..='\u{36f}' | '\u{203f}'..='\u{2040}')
}

/// Whether `s` is an NCName (XML Namespaces §3), the lexical space of the `xs:ID` of a
/// tuple `id` (RFC 3863 §4.4).
fn is_ncname(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if is_name_start(f)) && c.all(is_name_char)
}

/// Whether `s` is an RFC 3066 language tag (the `xs:language` pattern).
pub(crate) fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or_default();
    (1..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// XML white space (XML 1.0 §2.3 `S`), what XML Schema's `collapse` facet removes at
/// both ends of a value.
const XML_WS: [char; 4] = [' ', '\t', '\n', '\r'];

fn unexpected(parent: &'static str, c: ElementRef<'_>) -> PidfError {
    PidfError::Unexpected {
        parent,
        child: clip(c.name()),
    }
}

fn simple_text(c: ElementRef<'_>, parent: &'static str) -> Result<String, PidfError> {
    if let Some(inner) = c.elements().next() {
        return Err(unexpected(parent, inner));
    }
    Ok(c.text().into_owned())
}

fn read_note(c: ElementRef<'_>) -> Result<Note, PidfError> {
    Ok(Note {
        lang: c.attr_ns(XML_NS, "lang").map(str::to_owned),
        text: simple_text(c, "note")?,
    })
}

impl Pidf {
    /// A document for `entity` with these tuples.
    pub fn new(entity: impl Into<String>, tuples: Vec<Tuple>) -> Self {
        Pidf {
            entity: entity.into(),
            tuples,
            notes: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Reads a PIDF document of at most `max_bytes` bytes.
    pub fn parse(data: &[u8], max_bytes: usize) -> Result<Self, PidfError> {
        let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        if !body.starts_with(b"<?xml") {
            return Err(PidfError::NoXmlDeclaration);
        }
        let limits = Limits::default().max_stanza_bytes(max_bytes).max_depth(64);
        let mut p = Parser::document(limits);
        p.feed(body);
        let xml = |e: xmpp_xml::Error| PidfError::Xml {
            offset: e.offset(),
            detail: e.to_string(),
        };
        let mut root = None;
        while let Some(ev) = p.next_event().map_err(xml)? {
            if let Event::Stanza(s) = ev {
                root = Some(s.to_element().map_err(xml)?.into_owned());
            }
        }
        p.finish().map_err(xml)?;
        let root = root.ok_or(PidfError::NotPidf)?;
        Pidf::from_element(root.as_ref())
    }

    /// Reads the `<presence>` element of a PIDF document.
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PidfError> {
        if !e.is(PIDF_NS, "presence") {
            return Err(PidfError::NotPidf);
        }
        let entity = e.attr("entity").ok_or(PidfError::MissingAttribute {
            element: "presence",
            attribute: "entity",
        })?;
        let mut doc = Pidf::new(entity, Vec::new());
        // 0: tuples, 1: notes, 2: extensions.
        let mut stage = 0;
        for c in e.elements() {
            let pidf = c.namespace() == PIDF_NS;
            match (pidf, c.name()) {
                (true, "tuple") if stage == 0 => {
                    let t = read_tuple(c)?;
                    if doc.tuples.iter().any(|u| u.id == t.id) {
                        return Err(PidfError::DuplicateId(clip(&t.id)));
                    }
                    doc.tuples.push(t);
                }
                (true, "note") if stage <= 1 => {
                    stage = 1;
                    doc.notes.push(read_note(c)?);
                }
                (false, _) if !c.namespace().is_empty() => {
                    stage = 2;
                    doc.extensions.push(c.to_owned_element());
                }
                _ => return Err(unexpected("presence", c)),
            }
        }
        Ok(doc)
    }

    /// The `<presence>` element. Errors: a tuple id that is not an NCName, two tuples
    /// with one id, a language tag that is not one, an extension element of the PIDF
    /// namespace or of none.
    pub fn to_element(&self) -> Result<Element<'static>, PidfError> {
        let mut root = Element::new(PIDF_NS, "presence").with_attr("entity", self.entity.clone());
        let mut ids: Vec<&str> = Vec::new();
        for t in &self.tuples {
            if !is_ncname(&t.id) {
                return Err(PidfError::BadValue {
                    field: "tuple id",
                    value: clip(&t.id),
                });
            }
            if ids.contains(&t.id.as_str()) {
                return Err(PidfError::DuplicateId(clip(&t.id)));
            }
            ids.push(&t.id);
            root.push_child(write_tuple(t)?);
        }
        for n in &self.notes {
            root.push_child(write_note(n)?);
        }
        push_extensions(&mut root, "presence", &self.extensions)?;
        Ok(root)
    }

    /// The document: XML declaration and `<presence>`.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PidfError> {
        let root = self.to_element()?;
        let mut out = b"<?xml version='1.0' encoding='UTF-8'?>".to_vec();
        root.write_to(&mut out).map_err(|e| PidfError::BadValue {
            field: "document",
            value: clip(&e.to_string()),
        })?;
        Ok(out)
    }
}

fn push_extensions(
    parent: &mut Element<'static>,
    name: &'static str,
    extensions: &[Element<'static>],
) -> Result<(), PidfError> {
    for x in extensions {
        if x.namespace() == PIDF_NS || x.namespace().is_empty() {
            return Err(unexpected(name, x.as_ref()));
        }
        parent.push_child(x.clone());
    }
    Ok(())
}

fn write_note(n: &Note) -> Result<Element<'static>, PidfError> {
    let mut e = Element::new(PIDF_NS, "note");
    if let Some(lang) = &n.lang {
        if !lang.is_empty() && !is_language_tag(lang) {
            return Err(PidfError::BadValue {
                field: "xml:lang",
                value: clip(lang),
            });
        }
        e.push_attr(Attribute {
            namespace: XML_NS.into(),
            name: "lang".into(),
            value: lang.clone().into(),
        });
    }
    Ok(e.with_text(n.text.clone()))
}

fn write_tuple(t: &Tuple) -> Result<Element<'static>, PidfError> {
    let mut e = Element::new(PIDF_NS, "tuple").with_attr("id", t.id.clone());
    let mut status = Element::new(PIDF_NS, "status");
    if let Some(b) = t.status.basic {
        status.push_child(Element::new(PIDF_NS, "basic").with_text(b.as_str()));
    }
    push_extensions(&mut status, "status", &t.status.extensions)?;
    if t.status.basic.is_none() && t.status.extensions.is_empty() {
        return Err(PidfError::EmptyStatus);
    }
    e.push_child(status);
    push_extensions(&mut e, "tuple", &t.extensions)?;
    if let Some(c) = &t.contact {
        let mut ce = Element::new(PIDF_NS, "contact");
        if let Some(p) = c.priority {
            ce = ce.with_attr("priority", p.to_string());
        }
        e.push_child(ce.with_text(c.uri.clone()));
    }
    for n in &t.notes {
        e.push_child(write_note(n)?);
    }
    if let Some(ts) = &t.timestamp {
        if !ts.fits_xml_schema() {
            return Err(PidfError::BadValue {
                field: "timestamp",
                value: ts.to_string(),
            });
        }
        e.push_child(Element::new(PIDF_NS, "timestamp").with_text(ts.to_string()));
    }
    Ok(e)
}

fn read_tuple(e: ElementRef<'_>) -> Result<Tuple, PidfError> {
    // `xs:ID` collapses white space (RFC 3863 §4.4).
    let id = e
        .attr("id")
        .ok_or(PidfError::MissingAttribute {
            element: "tuple",
            attribute: "id",
        })?
        .trim_matches(XML_WS);
    if !is_ncname(id) {
        return Err(PidfError::BadValue {
            field: "tuple id",
            value: clip(id),
        });
    }
    let mut children = e.elements().peekable();
    let status = match children.next() {
        Some(s) if s.is(PIDF_NS, "status") => read_status(s)?,
        Some(other) => return Err(unexpected("tuple", other)),
        None => return Err(PidfError::EmptyStatus),
    };
    let mut t = Tuple {
        id: id.to_owned(),
        status,
        extensions: Vec::new(),
        contact: None,
        notes: Vec::new(),
        timestamp: None,
    };
    // 0: extensions, 1: contact seen, 2: notes, 3: timestamp seen.
    let mut stage = 0;
    for c in children {
        let pidf = c.namespace() == PIDF_NS;
        match (pidf, c.name()) {
            (false, _) if !c.namespace().is_empty() && stage == 0 => {
                t.extensions.push(c.to_owned_element());
            }
            (true, "contact") if stage == 0 => {
                stage = 1;
                let uri = simple_text(c, "contact")?.trim().to_owned();
                // `qvalue` is an `xs:decimal`, which collapses white space.
                let priority = c
                    .attr("priority")
                    .and_then(|p| Qvalue::parse(p.trim_matches(XML_WS)));
                t.contact = Some(Contact { uri, priority });
            }
            (true, "note") if stage <= 2 => {
                stage = 2;
                t.notes.push(read_note(c)?);
            }
            (true, "timestamp") if stage <= 2 => {
                stage = 3;
                let text = simple_text(c, "timestamp")?;
                let trimmed = text.trim();
                // RFC 3863 §4.1.7: capital 'T' and 'Z'.
                match DateTime::parse(trimmed) {
                    Ok(ts) if ts.as_str() == trimmed && ts.fits_xml_schema() => {
                        t.timestamp = Some(ts);
                    }
                    _ => {
                        return Err(PidfError::BadValue {
                            field: "timestamp",
                            value: clip(&text),
                        });
                    }
                }
            }
            _ => return Err(unexpected("tuple", c)),
        }
    }
    Ok(t)
}

fn read_status(e: ElementRef<'_>) -> Result<Status, PidfError> {
    let mut s = Status::default();
    let mut first = true;
    for c in e.elements() {
        if c.is(PIDF_NS, "basic") && first {
            let text = simple_text(c, "basic")?;
            s.basic = Some(match text.as_str() {
                "open" => Basic::Open,
                "closed" => Basic::Closed,
                _ => {
                    return Err(PidfError::BadValue {
                        field: "basic",
                        value: clip(&text),
                    });
                }
            });
        } else if c.namespace() != PIDF_NS && !c.namespace().is_empty() {
            s.extensions.push(c.to_owned_element());
        } else {
            return Err(unexpected("status", c));
        }
        first = false;
    }
    if first {
        return Err(PidfError::EmptyStatus);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Pidf, PidfError> {
        Pidf::parse(s.as_bytes(), 1 << 20)
    }

    #[test]
    fn structure_rules() {
        let head =
            "<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'>";
        let ok = |body: &str| parse(&format!("{head}{body}</presence>"));
        assert!(ok("").is_ok());
        assert_eq!(
            ok("<tuple id='t'><status/></tuple>"),
            Err(PidfError::EmptyStatus)
        );
        assert_eq!(ok("<tuple id='t'></tuple>"), Err(PidfError::EmptyStatus));
        assert!(matches!(
            ok("<tuple id='1'><status><basic>open</basic></status></tuple>"),
            Err(PidfError::BadValue {
                field: "tuple id",
                ..
            })
        ));
        assert!(matches!(
            ok("<tuple id='t'><status><basic>Open</basic></status></tuple>"),
            Err(PidfError::BadValue { field: "basic", .. })
        ));
        assert!(matches!(
            ok("<note>n</note><tuple id='t'><status><basic>open</basic></status></tuple>"),
            Err(PidfError::Unexpected { .. })
        ));
        assert!(matches!(
            ok(
                "<tuple id='t'><status><basic>open</basic></status><note>a</note><contact>im:a@b</contact></tuple>"
            ),
            Err(PidfError::Unexpected { .. })
        ));
        assert_eq!(
            ok(
                "<tuple id='t'><status><basic>open</basic></status></tuple><tuple id='t'><status><basic>open</basic></status></tuple>"
            ),
            Err(PidfError::DuplicateId("t".into()))
        );
        assert!(matches!(
            ok(
                "<tuple id='t'><status><basic>open</basic></status><timestamp>2001-10-27t16:49:29z</timestamp></tuple>"
            ),
            Err(PidfError::BadValue {
                field: "timestamp",
                ..
            })
        ));
        assert!(matches!(ok("<x/>"), Err(PidfError::Unexpected { .. })));
        assert_eq!(
            parse("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'/>"),
            Err(PidfError::NoXmlDeclaration)
        );
        assert_eq!(
            parse("<?xml version='1.0'?><presence entity='x'/>"),
            Err(PidfError::NotPidf)
        );
        assert!(matches!(
            parse("<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf'/>"),
            Err(PidfError::MissingAttribute { .. })
        ));
        assert!(matches!(
            parse("<?xml version='1.0'?><!DOCTYPE x><presence/>"),
            Err(PidfError::Xml { .. })
        ));
        let big = format!("{head}<note>{}</note></presence>", "x".repeat(2000));
        assert!(matches!(
            Pidf::parse(big.as_bytes(), 1000),
            Err(PidfError::Xml { .. })
        ));
    }

    #[test]
    fn writer_refuses_what_the_schema_refuses() {
        let mut doc = Pidf::new("pres:a@b", vec![Tuple::new("1x", Basic::Open)]);
        assert!(matches!(
            doc.to_bytes(),
            Err(PidfError::BadValue {
                field: "tuple id",
                ..
            })
        ));
        doc.tuples = vec![Tuple::new("t", Basic::Open), Tuple::new("t", Basic::Closed)];
        assert_eq!(doc.to_bytes(), Err(PidfError::DuplicateId("t".into())));
        doc.tuples = vec![Tuple::new("t", Basic::Open)];
        doc.notes = vec![Note {
            lang: Some("not a tag".into()),
            text: String::new(),
        }];
        assert!(matches!(
            doc.to_bytes(),
            Err(PidfError::BadValue {
                field: "xml:lang",
                ..
            })
        ));
    }

    // RFC 3863 §4.4: the tuple `id` is an `xs:ID`, an NCName of XML Namespaces §3, whose
    // characters are XML 1.0's NameStartChar and NameChar (fifth edition, §2.3), not
    // Unicode's letters and digits: U+00AA is a letter but no NameStartChar, U+00B2 a
    // digit but no NameChar.
    #[test]
    fn tuple_ids_are_xml_ncnames() {
        for bad in ["\u{aa}x", "a\u{b2}", "a\u{bc}", "\u{2070}\u{d7}"] {
            let doc = Pidf::new("pres:a@b", vec![Tuple::new(bad, Basic::Open)]);
            assert!(
                matches!(
                    doc.to_bytes(),
                    Err(PidfError::BadValue {
                        field: "tuple id",
                        ..
                    })
                ),
                "{bad:?}"
            );
            let text = format!(
                "<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='{bad}'><status><basic>open</basic></status></tuple></presence>"
            );
            assert!(
                matches!(
                    parse(&text),
                    Err(PidfError::BadValue {
                        field: "tuple id",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        for good in [
            "\u{c0}\u{b7}\u{300}",
            "_x.-1",
            "\u{3001}\u{203f}",
            "\u{10000}",
        ] {
            let doc = Pidf::new("pres:a@b", vec![Tuple::new(good, Basic::Open)]);
            let bytes = doc.to_bytes().expect("an NCName");
            assert_eq!(
                Pidf::parse(&bytes, 1 << 20).map(|d| d.tuples[0].id.clone()),
                Ok(good.to_owned())
            );
        }
    }

    // RFC 3863 §4.4: the tuple `id` (`xs:ID`) and the contact `priority` (`qvalue`, an
    // `xs:decimal`) have XML Schema's `collapse` white-space facet, so white space around
    // them is valid and not part of the value.
    #[test]
    fn collapsed_attributes_are_read_without_white_space() {
        let doc = parse(
            "<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'>\
             <tuple id=' t&#9;'><status><basic>open</basic></status>\
             <contact priority=' 0.5&#10;'>im:a@b</contact></tuple></presence>",
        )
        .expect("valid for the schema");
        assert_eq!(doc.tuples[0].id, "t");
        assert_eq!(
            doc.tuples[0].contact.as_ref().and_then(|c| c.priority),
            Qvalue::from_thousandths(500)
        );
    }
}
