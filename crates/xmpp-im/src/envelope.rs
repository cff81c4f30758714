//! What presence and message stanzas share: namespace, addresses, `id`, `xml:lang`, the
//! attributes nobody defined, and the texts per language.

use std::collections::BTreeMap;

use xmpp_jid::Jid;
use xmpp_xml::{Attribute, CLIENT_NS, Element, ElementRef, SERVER_NS, XML_NS};

use crate::error::{PayloadError, clip};

/// The attributes of a stanza element (RFC 3920 §9.1) other than `type`, which each
/// stanza kind reads itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The stanza namespace: `jabber:client` or `jabber:server`.
    pub namespace: String,
    /// The `to` address.
    pub to: Option<Jid>,
    /// The `from` address.
    pub from: Option<Jid>,
    /// The `id`.
    pub id: Option<String>,
    /// The `xml:lang` of the stanza itself.
    pub lang: Option<String>,
    /// Attributes other than `to`, `from`, `id`, `type` and `xml:lang`, in order.
    pub extra_attrs: Vec<Attribute<'static>>,
}

impl Default for Envelope {
    /// A `jabber:client` stanza without addresses, `id` or language.
    fn default() -> Self {
        Envelope {
            namespace: CLIENT_NS.to_owned(),
            to: None,
            from: None,
            id: None,
            lang: None,
            extra_attrs: Vec::new(),
        }
    }
}

impl Envelope {
    /// Reads the envelope of `e`, which must be `name` in the client or server namespace
    /// (`expected` names it in the error); returns the `type` value as well.
    pub(crate) fn read<'e>(
        e: ElementRef<'e>,
        name: &'static str,
        expected: &'static str,
    ) -> Result<(Self, Option<&'e str>), PayloadError> {
        let ns = e.namespace();
        if e.name() != name || (ns != CLIENT_NS && ns != SERVER_NS) {
            return Err(PayloadError::UnexpectedElement { expected });
        }
        let mut env = Envelope {
            namespace: ns.to_owned(),
            ..Envelope::default()
        };
        let mut kind = None;
        let jid = |attribute: &'static str, v: &str| {
            Jid::parse(v).map_err(|_| PayloadError::InvalidJid {
                element: name,
                attribute,
                value: clip(v),
            })
        };
        for a in e.attributes() {
            let v = &*a.value;
            match (&*a.namespace, &*a.name) {
                ("", "to") => env.to = Some(jid("to", v)?),
                ("", "from") => env.from = Some(jid("from", v)?),
                ("", "id") => env.id = Some(v.to_owned()),
                ("", "type") => kind = Some(v),
                (XML_NS, "lang") => env.lang = Some(v.to_owned()),
                _ => env.extra_attrs.push(a.clone().into_owned()),
            }
        }
        Ok((env, kind))
    }

    /// The stanza element `name` with these attributes and `kind` as its `type`.
    pub(crate) fn write(&self, name: &'static str, kind: Option<&'static str>) -> Element<'static> {
        let mut e = Element::new(self.namespace.clone(), name);
        if let Some(to) = &self.to {
            e = e.with_attr("to", to.as_str().to_owned());
        }
        if let Some(from) = &self.from {
            e = e.with_attr("from", from.as_str().to_owned());
        }
        if let Some(id) = &self.id {
            e = e.with_attr("id", id.clone());
        }
        if let Some(kind) = kind {
            e = e.with_attr("type", kind);
        }
        if let Some(lang) = &self.lang {
            e.push_attr(lang_attr(lang));
        }
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        e
    }
}

fn lang_attr(lang: &str) -> Attribute<'static> {
    Attribute {
        namespace: XML_NS.into(),
        name: "lang".into(),
        value: lang.to_owned().into(),
    }
}

/// Texts keyed by the `xml:lang` of their element, `""` for an element without one (it
/// then has the stanza's language, RFC 3920 §9.1.5).
pub type Texts = BTreeMap<String, String>;

/// Adds the text of `c` to `texts` under its own `xml:lang`; a second one with the same
/// language is [`PayloadError::Duplicate`] (RFC 3921 §2.1.2.1, §2.1.2.2, §2.2.2.2;
/// language tags are compared without regard to case, RFC 3066 §2.1). The
/// child holds character data only and no attribute but `xml:lang`
/// ([`character_data`]).
pub(crate) fn add_text(
    texts: &mut Texts,
    c: ElementRef<'_>,
    element: &'static str,
    child: &'static str,
) -> Result<(), PayloadError> {
    let text = character_data(c, element, child, true)?;
    let lang = c.attr_ns(XML_NS, "lang").unwrap_or("");
    if texts.keys().any(|k| k.eq_ignore_ascii_case(lang)) {
        return Err(PayloadError::Duplicate { element, child });
    }
    texts.insert(lang.to_owned(), text.into_owned());
    Ok(())
}

/// The text of `c`, a child of `element` defined to hold XML character data: no child
/// element (no mixed content, RFC 3921 §2.1.2.1 to §2.1.2.3) and no attribute, except
/// `xml:lang` when `lang` allows it (§2.1.2.1, §2.1.2.2, §2.2.2.2; none at all on
/// `<thread/>`, `<show/>` and `<priority/>`, §2.1.2.3, §2.2.2.1, §2.2.2.3).
pub(crate) fn character_data<'e>(
    c: ElementRef<'e>,
    element: &'static str,
    child: &'static str,
    lang: bool,
) -> Result<std::borrow::Cow<'e, str>, PayloadError> {
    if let Some(a) = c
        .attributes()
        .iter()
        .find(|a| !(lang && a.namespace == XML_NS && a.name == "lang"))
    {
        let attribute = if a.namespace.is_empty() {
            clip(&a.name)
        } else {
            clip(&format!("{{{}}}{}", a.namespace, a.name))
        };
        return Err(PayloadError::ForbiddenAttribute {
            element,
            child,
            attribute,
        });
    }
    if c.elements().next().is_some() {
        return Err(PayloadError::MixedContent { element, child });
    }
    Ok(c.text())
}

/// Appends one `name` child per text to `e`, with its `xml:lang` unless the key is `""`.
pub(crate) fn write_texts(e: &mut Element<'static>, name: &'static str, texts: &Texts) {
    for (lang, text) in texts {
        let mut c = Element::new(e.namespace().to_owned(), name);
        if !lang.is_empty() {
            c.push_attr(lang_attr(lang));
        }
        e.push_child(c.with_text(text.clone()));
    }
}
