//! Preparation of a domain identifier (RFC 3920 §3.2): an internationalized domain name
//! (RFC 3490 §2) whose labels are prepared with Nameprep (RFC 3491), or an IP literal.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::net::Ipv6Addr;

use crate::Rules;
use crate::error::{Error, IpVersion, LabelError, Part};
use crate::prep::{Profile, prepare};
use crate::punycode;

/// Longest label in ASCII form (RFC 3490 §4.1 step 8).
const MAX_LABEL: usize = 63;

/// The label separators of RFC 3490 §3.1: full stop, ideographic full stop, fullwidth
/// full stop, halfwidth ideographic full stop.
pub(crate) fn is_label_separator(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// Prepares a domain identifier under `rules` and returns its canonical form.
pub(crate) fn prepare_domain(input: &str, rules: Rules) -> Result<Cow<'_, str>, Error> {
    if input.is_empty() {
        return Err(Error::Empty(Part::Domain));
    }
    if let Some(literal) = ip_literal(input, rules) {
        return literal;
    }
    // An explicit root label ("example.com.") is not a label (RFC 3490 §2): the labels
    // are those before the final separator. RFC 6122 §2.2 removes it, so `example.com.`
    // and `example.com` are one domain; the literal reading of RFC 3920, which has no such
    // rule, keeps it as a full stop in the canonical form.
    let (labels, root) = match input.char_indices().next_back() {
        Some((i, c)) if is_label_separator(c) => (input.get(..i).unwrap_or_default(), Some(c)),
        _ => (input, None),
    };
    if labels.is_empty() {
        return Err(Error::Empty(Part::Domain));
    }
    let prepared = if labels.is_ascii() {
        prepare_ascii(labels, rules)?
    } else {
        Cow::Owned(prepare_unicode(labels, rules)?)
    };
    let prepared = match (root, prepared) {
        (None, prepared) => prepared,
        // RFC 6122 §2.2: the root label is removed; the canonical form is not the input.
        (Some(_), prepared) if rules == Rules::Rfc6122 => Cow::Owned(prepared.into_owned()),
        // The input is the prepared labels and a full stop: unchanged.
        (Some('.'), Cow::Borrowed(_)) => Cow::Borrowed(input),
        (Some(_), prepared) => {
            let mut owned = prepared.into_owned();
            owned.push('.');
            Cow::Owned(owned)
        }
    };
    if let Cow::Owned(text) = &prepared {
        // Preparation can produce the shape of a literal ("\u{FF3B}::1]", "\u{AD}[::1]"):
        // classify the prepared text too, so that it reads back the same.
        if let Some(literal) = ip_literal(text, rules) {
            return literal.map(|c| Cow::Owned(c.into_owned()));
        }
    }
    check_ipv4(prepared.strip_suffix('.').unwrap_or(&prepared))?;
    if prepared.len() > 1023 {
        return Err(Error::TooLong {
            part: Part::Domain,
            len: prepared.len(),
        });
    }
    Ok(prepared)
}

/// An IPv6 literal: bracketed, or bare as RFC 3920 §3.1 writes it (then written
/// bracketed, so that it cannot be read as a host:port). Under [`Rules::Rfc6122`] a `:`
/// appears in no host name, so text holding one that is not an IPv6 address is a malformed
/// literal (`1::2::3`, `::1:`, `host:5222`); the literal reading lets it fall through to
/// the label rules, which do not refuse `:`.
fn ip_literal(text: &str, rules: Rules) -> Option<Result<Cow<'_, str>, Error>> {
    if let Some(inner) = text.strip_prefix('[') {
        let addr = inner
            .strip_suffix(']')
            .and_then(|a| a.parse::<Ipv6Addr>().ok());
        return Some(match addr {
            Some(addr) => Ok(ipv6_canonical(text, addr)),
            None => Err(Error::BadIpLiteral(IpVersion::V6)),
        });
    }
    if text.contains(':') {
        if let Ok(addr) = text.parse::<Ipv6Addr>() {
            return Some(Ok(Cow::Owned(format!("[{addr}]"))));
        }
        if rules == Rules::Rfc6122 {
            return Some(Err(Error::BadIpLiteral(IpVersion::V6)));
        }
    }
    None
}

fn ipv6_canonical(input: &str, addr: Ipv6Addr) -> Cow<'_, str> {
    // Compare with the canonical text without allocating when the input already is it.
    let mut buf = StackText::default();
    if write!(buf, "[{addr}]").is_ok() && buf.as_bytes() == input.as_bytes() {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(format!("[{addr}]"))
    }
}

/// A small fixed buffer that text can be written to; a bracketed IPv6 address takes at
/// most 47 bytes.
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            buf: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// All-ASCII domain: Nameprep of ASCII is lower-casing; an ASCII label of 1 to 63 octets
/// is an internationalized label (RFC 3490 §2), if it keeps to the STD3 rules when they
/// apply. A label with the ACE prefix is decoded to its Unicode form ([`decode_ace`]).
fn prepare_ascii(input: &str, rules: Rules) -> Result<Cow<'_, str>, Error> {
    let mut upper = false;
    // The canonical form, once an ACE label makes it differ from the input beyond case.
    let mut decoded: Option<String> = None;
    let mut offset = 0;
    for (index, label) in input.split('.').enumerate() {
        // The separators are checked before the length, as for a non-ASCII label: they
        // are refused on the Nameprep output, before ToASCII measures it (RFC 3490 §4.1
        // steps 2-3, then 8), so that both paths report the same error.
        for b in label.bytes() {
            match b {
                b'A'..=b'Z' => upper = true,
                // '@' and '/' are the JID separators (RFC 3920 §3.1): a domain holding one
                // could not be written unambiguously.
                b'@' | b'/' => {
                    return Err(Error::Prohibited {
                        part: Part::Domain,
                        ch: char::from(b),
                    });
                }
                _ => {}
            }
        }
        check_std3(label, index, rules)?;
        check_ascii_label(label, index)?;
        // RFC 3490 §3.1: the ASCII and Unicode spellings of a label are one label; the
        // canonical form holds the Unicode one.
        if has_ace_prefix(label) {
            let out = decoded.get_or_insert_with(|| {
                let mut out = String::with_capacity(input.len() * 2);
                out.push_str(&input.get(..offset).unwrap_or_default().to_ascii_lowercase());
                out
            });
            out.push_str(&decode_ace(label, index, rules)?);
        } else if let Some(out) = &mut decoded {
            out.push_str(&label.to_ascii_lowercase());
        }
        offset += label.len() + 1;
        if let Some(out) = &mut decoded {
            if offset <= input.len() {
                out.push('.');
            }
        }
    }
    Ok(match decoded {
        Some(out) => Cow::Owned(out),
        None if upper => Cow::Owned(input.to_ascii_lowercase()),
        None => Cow::Borrowed(input),
    })
}

/// Whether an ASCII label starts with the ACE prefix `xn--`, in any case (RFC 3490 §5).
pub(crate) fn has_ace_prefix(label: &str) -> bool {
    label
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
}

/// The STD3 ASCII rules of RFC 3490 §4.1 step 3 (RFC 1123 host names: letters, digits and
/// hyphen, no hyphen first or last), applied to a label after Nameprep under
/// [`Rules::Rfc6122`]; non-ASCII characters are not theirs to judge.
fn check_std3(label: &str, index: usize, rules: Rules) -> Result<(), Error> {
    if rules == Rules::Rfc3920Literal {
        return Ok(());
    }
    if let Some(ch) = label
        .chars()
        .find(|&c| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(Error::BadLabel {
            index,
            reason: LabelError::NotHostChar { ch },
        });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(Error::BadLabel {
            index,
            reason: LabelError::Hyphen,
        });
    }
    Ok(())
}

/// ToUnicode of an ACE label (RFC 3490 §4.2): the Punycode after `xn--` decoded, then
/// ToASCII of the result, which must give the label back (compared without ASCII case,
/// step 7). Where ToUnicode would return the label unchanged, its ASCII and Unicode
/// spellings would differ as JIDs, so the label is refused ([`LabelError::BadAce`]).
/// Returns the Nameprep output of the decoded label: its canonical Unicode form.
fn decode_ace(label: &str, index: usize, rules: Rules) -> Result<String, Error> {
    let bad = Error::BadLabel {
        index,
        reason: LabelError::BadAce,
    };
    let decoded = label
        .get(4..)
        .and_then(punycode::decode)
        .ok_or_else(|| bad.clone())?;
    // ToASCII of the decoded text: Nameprep, the separators, STD3, then the encoding. Any
    // failure is a label that does not decode.
    let prepared = prepare(&decoded, Profile::Nameprep, Part::Domain).map_err(|_| bad.clone())?;
    if prepared.is_ascii()
        || prepared.chars().any(|c| matches!(c, '@' | '/' | '.'))
        || check_std3(&prepared, index, rules).is_err()
    {
        return Err(bad);
    }
    let encoded = punycode::encode(&prepared).ok_or_else(|| bad.clone())?;
    let round_trip = label
        .get(4..)
        .is_some_and(|rest| rest.eq_ignore_ascii_case(&encoded));
    if !round_trip {
        return Err(bad);
    }
    Ok(prepared.into_owned())
}

fn check_ascii_label(label: &str, index: usize) -> Result<(), Error> {
    if label.is_empty() {
        return Err(Error::BadLabel {
            index,
            reason: LabelError::Empty,
        });
    }
    if label.len() > MAX_LABEL {
        return Err(Error::BadLabel {
            index,
            reason: LabelError::TooLong { len: label.len() },
        });
    }
    Ok(())
}

fn prepare_unicode(input: &str, rules: Rules) -> Result<String, Error> {
    let mut out = String::with_capacity(input.len());
    for (index, label) in input.split(is_label_separator).enumerate() {
        if index > 0 {
            out.push('.');
        }
        if label.is_empty() {
            return Err(Error::BadLabel {
                index,
                reason: LabelError::Empty,
            });
        }
        let prepared = prepare(label, Profile::Nameprep, Part::Domain)?;
        // A separator produced by normalization (U+FF20, U+FF0F, U+FE52, U+2024...) would
        // change how the prepared domain, and the JID around it, splits when read back.
        if let Some(ch) = prepared.chars().find(|&c| matches!(c, '@' | '/' | '.')) {
            return Err(Error::Prohibited {
                part: Part::Domain,
                ch,
            });
        }
        // RFC 3490 §4.1 (ToASCII), steps 3-8, on the Nameprep output.
        check_std3(&prepared, index, rules)?;
        if prepared.is_ascii() {
            check_ascii_label(&prepared, index)?;
            if has_ace_prefix(&prepared) {
                out.push_str(&decode_ace(&prepared, index, rules)?);
                continue;
            }
        } else {
            if prepared
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
            {
                return Err(Error::BadLabel {
                    index,
                    reason: LabelError::AcePrefix,
                });
            }
            let encoded = punycode::encode(&prepared).ok_or(Error::BadLabel {
                index,
                reason: LabelError::Punycode,
            })?;
            let len = encoded.len() + 4;
            if len > MAX_LABEL {
                return Err(Error::BadLabel {
                    index,
                    reason: LabelError::TooLong { len },
                });
            }
        }
        out.push_str(&prepared);
    }
    Ok(out)
}

/// A prepared domain of four all-digit labels of one to three digits has the shape of
/// the IPv4address rule (RFC 3920 §3.1, RFC 3513 Appendix B); it must then be an address.
/// Leading zeros are refused, as they are read as octal by some resolvers.
fn check_ipv4(domain: &str) -> Result<(), Error> {
    let mut labels = 0;
    for label in domain.split('.') {
        labels += 1;
        if label.is_empty() || label.len() > 3 || !label.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(());
        }
    }
    if labels != 4 {
        return Ok(());
    }
    for label in domain.split('.') {
        let value: u32 = label
            .parse()
            .map_err(|_| Error::BadIpLiteral(IpVersion::V4))?;
        if value > 255 || (label.len() > 1 && label.starts_with('0')) {
            return Err(Error::BadIpLiteral(IpVersion::V4));
        }
    }
    Ok(())
}

/// The ASCII (ACE) form of a prepared domain: each non-ASCII label encoded with
/// Punycode and prefixed with `xn--` (RFC 3490 §4.1).
pub(crate) fn to_ascii(domain: &str) -> String {
    if domain.is_ascii() {
        return domain.to_owned();
    }
    let mut out = String::with_capacity(domain.len() * 2);
    for (i, label) in domain.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            out.push_str(label);
        } else if let Some(encoded) = punycode::encode(label) {
            out.push_str("xn--");
            out.push_str(&encoded);
        }
    }
    out
}
