//! What messages and presence share in both directions: the addresses of the CPIM
//! headers, the encapsulated object's headers and content bytes, the text checks.

use base64::Engine;
use xmpp_jid::{BareJid, Jid};
use xmpp_xml::Element;

use crate::address::{Scheme, Uri};
use crate::cpim::CpimMessage;
use crate::error::{MapError, clip};
use crate::header::Header;
use crate::mime::MimeHeader;
use crate::options::{DecodeOptions, EncodeOptions};

/// The namespace of RFC 3923's end-to-end payloads, which RFC 3922 §4.1.8 and §5.1.8
/// leave to RFC 3923.
pub const E2E_NS: &str = "urn:ietf:params:xml:ns:xmpp-e2e";

/// Refuses a stanza with an end-to-end payload.
pub(crate) fn refuse_e2e(extensions: &[Element<'static>]) -> Result<(), MapError> {
    if extensions.iter().any(|x| x.namespace() == E2E_NS) {
        return Err(MapError::EndToEnd);
    }
    Ok(())
}

/// Whether XML can carry `c` as character data (XML 1.0 §2.2).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn address(field: &'static str) -> impl Fn(crate::error::AddressError) -> MapError {
    move |error| MapError::Address { field, error }
}

/// The CPIM `From` and `To` headers for a stanza's addresses (RFC 3922 §4.1.1, §4.1.2,
/// §5.1.1, §5.1.2): resource removed, `im:` scheme, formal names if known.
pub(crate) fn address_headers(
    from: Option<&Jid>,
    to: Option<&Jid>,
    options: &EncodeOptions,
) -> Result<Vec<Header>, MapError> {
    let from = from.ok_or(MapError::Missing("'from' address"))?;
    let to = to.ok_or(MapError::Missing("'to' address"))?;
    let from_uri = Uri::from_jid(from, Scheme::Im).map_err(address("from"))?;
    let to_uri = Uri::from_jid(to, Scheme::Im).map_err(address("to"))?;
    let bad = |_| MapError::Write("formal name".into());
    let mut headers = vec![
        Header::address("From", options.sender_name.as_deref(), from_uri.as_str()).map_err(bad)?,
        Header::address("To", options.recipient_name.as_deref(), to_uri.as_str()).map_err(bad)?,
    ];
    if let Some(now) = &options.now {
        headers.push(Header::new("DateTime", Vec::new(), now.as_str()).map_err(bad)?);
    }
    Ok(headers)
}

/// The MIME headers of the encapsulated object: `Content-type` (with `charset=utf-8`,
/// §4.1 and §5.1: MUST), `Content-ID` from a unique id, `Content-Language` from the
/// stanza's `xml:lang`.
pub(crate) fn content_headers(
    mime_type: &str,
    id: Option<&str>,
    lang: Option<&str>,
    options: &EncodeOptions,
) -> Vec<MimeHeader> {
    let mut h = vec![MimeHeader::trusted(
        "Content-type",
        &format!("{mime_type}; charset=utf-8"),
    )];
    if let Some(id) = id.filter(|id| options.ids_are_unique && is_msg_id(id)) {
        h.push(MimeHeader::trusted("Content-ID", &format!("<{id}>")));
    }
    if let Some(lang) = lang.filter(|l| crate::pidf::is_language_tag(l)) {
        h.push(MimeHeader::trusted("Content-Language", lang));
    }
    h
}

/// Whether `id` can stand between `<` and `>` as a `Content-ID` (RFC 2045 §7, RFC 2822
/// §3.6.4 `msg-id`: `id-left "@" id-right` of printable characters other than `<`, `>`,
/// `"`, `@` in the parts).
fn is_msg_id(id: &str) -> bool {
    match id.split_once('@') {
        Some((l, r)) => [l, r].iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"<>\"@()\\[],;:".contains(&b))
        }),
        None => false,
    }
}

/// The one core header `name`; `None` if absent.
fn single<'m>(obj: &'m CpimMessage, name: &'static str) -> Result<Option<&'m Header>, MapError> {
    let found = obj.core(name);
    match found.as_slice() {
        [] => Ok(None),
        [h] => Ok(Some(*h)),
        _ => Err(MapError::Repeated(name)),
    }
}

/// The bare JID of an address header, `im:` scheme and formal name removed (§4.2.1,
/// §4.2.2, §5.2.1, §5.2.2).
fn header_jid(obj: &CpimMessage, name: &'static str) -> Result<BareJid, MapError> {
    let h = single(obj, name)?.ok_or(MapError::Missing(name))?;
    let v = h.address_value().map_err(|k| {
        MapError::Cpim(crate::error::ParseError {
            kind: k,
            offset: 0,
            line: 0,
        })
    })?;
    Uri::parse(&v.uri, Scheme::Im)
        .and_then(|u| u.to_jid())
        .map_err(address(name))
}

/// The sender's bare JID and the recipient's JID (with the known resource).
pub(crate) fn decode_addresses(
    obj: &CpimMessage,
    options: &DecodeOptions,
) -> Result<(BareJid, Jid), MapError> {
    let from = header_jid(obj, "From")?;
    let to = header_jid(obj, "To")?;
    let to = match &options.recipient_resource {
        Some(r) => Jid::from(to.with_resource(r)),
        None => Jid::from(to),
    };
    Ok((from, to))
}

/// The stanza id from the `Content-ID` (§4.2.8, §5.2.8), if the options ask for it.
pub(crate) fn decode_id(obj: &CpimMessage, options: &DecodeOptions) -> Option<String> {
    if !options.content_id_as_id {
        return None;
    }
    let v = obj.content.header("Content-ID")?;
    let id = v.strip_prefix('<')?.strip_suffix('>')?;
    (!id.is_empty() && id.chars().all(is_xml_char)).then(|| id.to_owned())
}

/// The language of the content (`Content-Language` with one tag).
pub(crate) fn decode_lang(obj: &CpimMessage) -> Option<String> {
    let v = obj.content.header("Content-Language")?.trim();
    crate::pidf::is_language_tag(v).then(|| v.to_owned())
}

/// The content type (lower case) and charset (lower case, if given) of the object.
pub(crate) fn content_type(obj: &CpimMessage) -> Result<(String, Option<String>), MapError> {
    let ct = obj.content.content_type().ok_or_else(|| {
        MapError::ContentType(clip(obj.content.header("Content-Type").unwrap_or_default()))
    })?;
    let charset = ct.param("charset").map(str::to_ascii_lowercase);
    Ok((ct.mime_type, charset))
}

/// The content octets with the `Content-Transfer-Encoding` undone: none, `7bit`,
/// `8bit`, `binary` (as they are), `base64`, `quoted-printable`.
pub(crate) fn content_bytes(obj: &CpimMessage) -> Result<Vec<u8>, MapError> {
    let body = &obj.content.body;
    let cte = obj
        .content
        .header("Content-Transfer-Encoding")
        .map(str::to_ascii_lowercase);
    match cte.as_deref() {
        None | Some("7bit" | "8bit" | "binary") => Ok(body.clone()),
        Some("base64") => {
            let compact: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(&compact)
                .map_err(|e| MapError::BadContent(format!("base64: {e}")))
        }
        Some("quoted-printable") => quoted_printable(body),
        Some(other) => Err(MapError::TransferEncoding(clip(other))),
    }
}

/// RFC 2045 §6.7: `=XX` octets, soft line breaks `=` CRLF (or LF).
fn quoted_printable(body: &[u8]) -> Result<Vec<u8>, MapError> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (body.get(i + 1).copied(), body.get(i + 2).copied()) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n'), _) => i += 2,
            (Some(h), Some(l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 3;
                }
                _ => {
                    return Err(MapError::BadContent(format!(
                        "quoted-printable at byte {i}"
                    )));
                }
            },
            _ => {
                return Err(MapError::BadContent(format!(
                    "quoted-printable at byte {i}"
                )));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_ids() {
        assert!(is_msg_id("123456789@example.net"));
        for bad in ["abc", "@x", "a@", "a b@c", "a@b@c", "<a@b>"] {
            assert!(!is_msg_id(bad), "{bad}");
        }
    }

    #[test]
    fn quoted_printable_decoding() {
        assert_eq!(
            quoted_printable(b"a=3Db=\r\nc=\nd").ok(),
            Some(b"a=bcd".to_vec())
        );
        assert!(quoted_printable(b"a=zz").is_err());
        assert!(quoted_printable(b"a=").is_err());
    }
}
