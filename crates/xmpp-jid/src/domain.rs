//! Preparation of a domain identifier (RFC 3920 §3.2): an internationalized domain name
//! (RFC 3490 §2) whose labels are prepared with Nameprep (RFC 3491), or an IP literal.

use std::borrow::Cow;
use std::net::Ipv6Addr;

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

/// Prepares a domain identifier and returns its canonical form.
pub(crate) fn prepare_domain(input: &str) -> Result<Cow<'_, str>, Error> {
    if input.is_empty() {
        return Err(Error::Empty(Part::Domain));
    }
    if let Some(inner) = input.strip_prefix('[') {
        // A bracketed IPv6 literal.
        let addr = inner
            .strip_suffix(']')
            .and_then(|a| a.parse::<Ipv6Addr>().ok())
            .ok_or(Error::BadIpLiteral(IpVersion::V6))?;
        return Ok(ipv6_canonical(input, addr));
    }
    if input.contains(':') {
        // RFC 3920 §3.1 writes an IPv6 address literal without brackets; accept that
        // form and write it bracketed, so it cannot be read as a host:port.
        if let Ok(addr) = input.parse::<Ipv6Addr>() {
            return Ok(Cow::Owned(format!("[{addr}]")));
        }
    }
    let prepared = if input.is_ascii() {
        prepare_ascii(input)?
    } else {
        Cow::Owned(prepare_unicode(input)?)
    };
    check_ipv4(&prepared)?;
    if prepared.len() > 1023 {
        return Err(Error::TooLong {
            part: Part::Domain,
            len: prepared.len(),
        });
    }
    Ok(prepared)
}

fn ipv6_canonical(input: &str, addr: Ipv6Addr) -> Cow<'_, str> {
    let canonical = format!("[{addr}]");
    if canonical == input {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(canonical)
    }
}

/// All-ASCII domain: Nameprep of ASCII is lower-casing; every ASCII label of 1 to 63
/// octets is an internationalized label (RFC 3490 §2).
fn prepare_ascii(input: &str) -> Result<Cow<'_, str>, Error> {
    let mut upper = false;
    for (index, label) in input.split('.').enumerate() {
        check_ascii_label(label, index)?;
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
    }
    Ok(if upper {
        Cow::Owned(input.to_ascii_lowercase())
    } else {
        Cow::Borrowed(input)
    })
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

fn prepare_unicode(input: &str) -> Result<String, Error> {
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
        if let Some(ch) = prepared.chars().find(|&c| c == '@' || c == '/') {
            return Err(Error::Prohibited {
                part: Part::Domain,
                ch,
            });
        }
        // RFC 3490 §4.1 (ToASCII), steps 3-8, on the Nameprep output.
        if prepared.is_ascii() {
            check_ascii_label(&prepared, index)?;
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
