//! Instant messages (RFC 3922 §4): an XMPP `<message/>` to a Message/CPIM object with
//! encapsulated `text/plain` content, and back.
//!
//! XMPP to CPIM (§4.1): `From` and `To` are the stanza's addresses without resource,
//! with `im:` (and formal names when the gateway knows them); each `<subject/>` is a
//! `Subject` header, its `xml:lang` as `;lang=` (§4.1.6); the body is the content,
//! `Content-type: text/plain; charset=utf-8` (§4.1: MUST), line ends CRLF as MIME text
//! wants them; the gateway's time is the `DateTime` header (§4.1.9); a unique id is the
//! `Content-ID` (§4.1.3); the stanza's `xml:lang` is the `Content-Language`.
//!
//! What this direction cannot carry: the resources; the `type` and the `<thread/>`
//! (§4.1.4, §4.1.5: ignored); a non-unique id (§4.1.3); bodies in languages other than
//! the one sent (one is the content: the body without `xml:lang`, else the one in the
//! stanza's language, else the first); extension elements (§4.1.8: ignored; an
//! `xmpp-e2e` payload is refused, RFC 3923 maps it); a subject that is empty, and the
//! spaces that end one (a header line cannot end in white space, RFC 3862 §2.2, and no
//! escape may stand for a space). A message of type `error` and a message without `from`
//! or `to`, or with a JID that has no node, cannot be mapped at all.
//!
//! CPIM to XMPP (§4.2): `from` and `to` are `From` and `To` without `im:` and formal name
//! (plus the recipient's resource if known, §4.2.2); `Subject` headers become
//! `<subject/>`s with their `lang` (first one per language kept); a `text/plain` content
//! in US-ASCII or UTF-8 (§4.2.9: MUST) is the body, CRLF read as a line feed; the
//! `Content-ID` may become the `id` (§4.2.8); `Content-Language` the `xml:lang`.
//!
//! What this direction cannot carry: `cc`, `DateTime` and `NS` headers and extension
//! headers (§4.2.3, §4.2.4, §4.2.6: not passed); several `To` headers (refused: one
//! stanza has one `to`). Refused with an error for the sender: a `Require` header
//! (§4.2.7: SHOULD return an error), content other than `text/plain` (§4.2.9: MUST NOT be
//! the body), another charset (§4.2.9: SHOULD NOT map), text XML cannot hold.

use xmpp_im::message::{Message, MessageType};
use xmpp_jid::Jid;

use crate::content::{
    address_headers, content_bytes, content_headers, content_type, decode_addresses, decode_id,
    decode_lang, is_xml_char, refuse_e2e,
};
use crate::cpim::{CpimMessage, MimeEntity, required_names};
use crate::error::MapError;
use crate::header::Header;
use crate::options::{DecodeOptions, EncodeOptions};
use crate::pidf::is_language_tag;

/// The Message/CPIM object for `message` (RFC 3922 §4.1).
pub fn to_cpim(message: &Message, options: &EncodeOptions) -> Result<CpimMessage, MapError> {
    if message.kind == MessageType::Error {
        return Err(MapError::NotMappable(
            "a message of type 'error' has no Message/CPIM mapping".into(),
        ));
    }
    refuse_e2e(&message.extensions)?;
    let env = &message.envelope;
    let mut headers = address_headers(env.from.as_ref(), env.to.as_ref(), options)?;
    for (lang, text) in &message.subject {
        let text = text.trim_end_matches(' ');
        if text.is_empty() {
            continue;
        }
        let mut h = Header::text("Subject", text).map_err(|_| MapError::Write("subject".into()))?;
        if !lang.is_empty() {
            if !is_language_tag(lang) {
                return Err(MapError::BadLanguage(crate::error::clip(lang)));
            }
            h = h
                .with_lang(lang)
                .map_err(|_| MapError::BadLanguage(lang.clone()))?;
        }
        headers.push(h);
    }
    let chosen = message
        .body
        .get_key_value("")
        .or_else(|| {
            env.lang
                .as_ref()
                .and_then(|l| message.body.get_key_value(l))
        })
        .or_else(|| message.body.iter().next());
    let (lang, text) = match chosen {
        Some((key, text)) if key.is_empty() => (env.lang.as_deref(), text.as_str()),
        Some((key, text)) => (Some(key.as_str()), text.as_str()),
        None => (env.lang.as_deref(), ""),
    };
    let content = MimeEntity {
        headers: content_headers("text/plain", env.id.as_deref(), lang, options),
        body: to_crlf(text),
    };
    Ok(CpimMessage::new(headers, content))
}

/// Text with every line end (LF, CR or CRLF) written as CRLF (RFC 2046 §4.1.1).
fn to_crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.extend_from_slice(b"\r\n");
            }
            '\n' => out.extend_from_slice(b"\r\n"),
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// The XMPP message for a Message/CPIM object with text content (RFC 3922 §4.2).
pub fn from_cpim(obj: &CpimMessage, options: &DecodeOptions) -> Result<Message, MapError> {
    let required: Vec<String> = obj
        .core("Require")
        .into_iter()
        .flat_map(required_names)
        .collect();
    if !required.is_empty() {
        return Err(MapError::Require(required));
    }
    let (from, to) = decode_addresses(obj, options)?;
    let mut message = Message::new();
    message.kind = options.message_type;
    for h in obj.core("Subject") {
        let text = h.text_value();
        if !text.chars().all(is_xml_char) {
            return Err(MapError::NotXmlText("Subject header"));
        }
        let lang = h.lang().unwrap_or_default();
        if !lang.is_empty() && !is_language_tag(&lang) {
            return Err(MapError::BadLanguage(crate::error::clip(&lang)));
        }
        message.subject.entry(lang).or_insert(text);
    }
    let (mime_type, charset) = content_type(obj)?;
    if mime_type != "text/plain" {
        return Err(MapError::ContentType(mime_type));
    }
    let charset = charset.unwrap_or_else(|| "us-ascii".into());
    let bytes = content_bytes(obj)?;
    let text = match charset.as_str() {
        "us-ascii" if bytes.is_ascii() => String::from_utf8_lossy(&bytes).into_owned(),
        "us-ascii" => return Err(MapError::BadContent("octets above 127 in US-ASCII".into())),
        "utf-8" => String::from_utf8(bytes).map_err(|e| {
            MapError::BadContent(format!(
                "not UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ))
        })?,
        other => return Err(MapError::Charset(crate::error::clip(other))),
    };
    let text = text.replace("\r\n", "\n");
    if !text.chars().all(is_xml_char) {
        return Err(MapError::NotXmlText("text content"));
    }
    if !text.is_empty() {
        message.body.insert(String::new(), text);
    }
    let env = &mut message.envelope;
    env.namespace = options.namespace.clone();
    env.from = Some(Jid::from(from));
    env.to = Some(to);
    env.id = decode_id(obj, options);
    env.lang = decode_lang(obj);
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf() {
        assert_eq!(to_crlf("a\nb\r\nc\rd"), b"a\r\nb\r\nc\r\nd");
    }
}
