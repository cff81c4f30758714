//! The byte path: plain TCP bytes before STARTTLS, rustls records after (RFC 3920 §5),
//! driven in memory, and the channel-binding data SCRAM-PLUS needs.

use std::io::{Read, Write};
use std::sync::Arc;

use sha2::Digest;
use xmpp_sasl::scram::{ChannelBinding, ChannelBindingType};

/// The rustls connection of either role.
pub(crate) enum Transport {
    /// Before `<proceed/>` (or without TLS at all).
    Plain,
    /// After `<proceed/>`: every byte in and out is a TLS record.
    Tls(Box<TlsSession>),
}

pub(crate) struct TlsSession {
    conn: rustls::Connection,
    /// The server's own certificate, for `tls-server-end-point` on the server side.
    own_certificate: Option<Vec<u8>>,
}

impl Transport {
    pub(crate) fn client(
        config: Arc<rustls::ClientConfig>,
        name: rustls::pki_types::ServerName<'static>,
    ) -> Result<Transport, rustls::Error> {
        let mut conn = rustls::ClientConnection::new(config, name)?;
        // The engine drains records after every write; rustls's default 64 KiB cap on
        // buffered output would otherwise cut a larger stanza short.
        conn.set_buffer_limit(None);
        Ok(Transport::Tls(Box::new(TlsSession {
            conn: conn.into(),
            own_certificate: None,
        })))
    }

    pub(crate) fn server(
        config: Arc<rustls::ServerConfig>,
        own_certificate: Option<Vec<u8>>,
    ) -> Result<Transport, rustls::Error> {
        let mut conn = rustls::ServerConnection::new(config)?;
        conn.set_buffer_limit(None);
        Ok(Transport::Tls(Box::new(TlsSession {
            conn: conn.into(),
            own_certificate,
        })))
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self, Transport::Tls(_))
    }

    /// Whether the TLS handshake is still under way.
    pub(crate) fn is_handshaking(&self) -> bool {
        match self {
            Transport::Plain => false,
            Transport::Tls(t) => t.conn.is_handshaking(),
        }
    }

    /// Takes bytes from the network; the plaintext they carry is appended to `plain`. TLS
    /// alerts to send are queued for [`Transport::flush`].
    pub(crate) fn receive(
        &mut self,
        mut data: &[u8],
        plain: &mut Vec<u8>,
    ) -> Result<(), rustls::Error> {
        let t = match self {
            Transport::Plain => {
                plain.extend_from_slice(data);
                return Ok(());
            }
            Transport::Tls(t) => t,
        };
        while !data.is_empty() {
            // `read_tls` takes what fits in rustls's buffer; processing frees it.
            match t.conn.read_tls(&mut data) {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => {
                    return Err(rustls::Error::General("TLS input buffer full".into()));
                }
            }
            let state = t.conn.process_new_packets()?;
            let n = state.plaintext_bytes_to_read();
            if n > 0 {
                let start = plain.len();
                plain.resize(start + n, 0);
                let got = t.conn.reader().read(&mut plain[start..]).unwrap_or(0);
                plain.truncate(start + got);
            }
        }
        Ok(())
    }

    /// Queues plaintext for the peer; the bytes to put on the wire go to `wire`.
    pub(crate) fn send(&mut self, plain: &[u8], wire: &mut Vec<u8>) {
        match self {
            Transport::Plain => wire.extend_from_slice(plain),
            Transport::Tls(t) => {
                // With no buffer limit (set at creation) rustls takes every byte; write in
                // pieces all the same, draining records between them.
                let mut rest = plain;
                while !rest.is_empty() {
                    match t.conn.writer().write(rest) {
                        Ok(n) if n > 0 => rest = rest.get(n..).unwrap_or_default(),
                        _ => break,
                    }
                    Self::drain(t, wire);
                }
                debug_assert!(rest.is_empty(), "rustls refused plaintext");
                Self::drain(t, wire);
            }
        }
    }

    /// Moves pending TLS records (handshake messages, alerts) to `wire`.
    pub(crate) fn flush(&mut self, wire: &mut Vec<u8>) {
        if let Transport::Tls(t) = self {
            Self::drain(t, wire);
        }
    }

    fn drain(t: &mut TlsSession, wire: &mut Vec<u8>) {
        while t.conn.wants_write() {
            if t.conn.write_tls(wire).is_err() {
                break;
            }
        }
    }

    /// Sends the TLS `close_notify` alert.
    pub(crate) fn close(&mut self, wire: &mut Vec<u8>) {
        if let Transport::Tls(t) = self {
            t.conn.send_close_notify();
            Self::drain(t, wire);
        }
    }

    /// The peer's certificate chain (end-entity first), when it sent one.
    pub(crate) fn peer_certificates(&self) -> Option<Vec<Vec<u8>>> {
        match self {
            Transport::Tls(t) => t
                .conn
                .peer_certificates()
                .map(|c| c.iter().map(|c| c.as_ref().to_vec()).collect()),
            Transport::Plain => None,
        }
    }

    /// The negotiated TLS version, when established.
    pub(crate) fn protocol_version(&self) -> Option<rustls::ProtocolVersion> {
        match self {
            Transport::Tls(t) => t.conn.protocol_version(),
            Transport::Plain => None,
        }
    }

    /// The channel bindings this connection supports, preferred first: `tls-exporter`
    /// (RFC 9266; TLS 1.3 only, as §3 of that RFC asks) and `tls-server-end-point`
    /// (RFC 5929 §4).
    pub(crate) fn channel_bindings(&self) -> Vec<ChannelBinding> {
        let Transport::Tls(t) = self else {
            return Vec::new();
        };
        if t.conn.is_handshaking() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if t.conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3) {
            // RFC 9266 §2: 32 bytes, label "EXPORTER-Channel-Binding", no context.
            if let Ok(data) =
                t.conn
                    .export_keying_material([0u8; 32], b"EXPORTER-Channel-Binding", None)
            {
                out.push(ChannelBinding::new(
                    ChannelBindingType::TlsExporter,
                    data.to_vec(),
                ));
            }
        }
        let server_cert = match &t.conn {
            rustls::Connection::Client(c) => c
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| c.as_ref().to_vec()),
            rustls::Connection::Server(_) => t.own_certificate.clone(),
        };
        if let Some(hash) = server_cert.as_deref().and_then(server_end_point) {
            out.push(ChannelBinding::new(
                ChannelBindingType::TlsServerEndPoint,
                hash,
            ));
        }
        out
    }
}

/// The `tls-server-end-point` binding of a DER certificate (RFC 5929 §4.1): its hash with the
/// hash function of its signature algorithm, SHA-256 when that is MD5 or SHA-1. `None` for
/// algorithms without a single hash function (Ed25519, Ed448) and for undecodable input.
pub fn server_end_point(cert_der: &[u8]) -> Option<Vec<u8>> {
    const SHA384: [&[u8]; 2] = [
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C],
        &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03],
    ];
    const SHA512: [&[u8]; 2] = [
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D],
        &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04],
    ];
    const NO_HASH: [&[u8]; 2] = [&[0x2B, 0x65, 0x70], &[0x2B, 0x65, 0x71]];
    let oid = signature_algorithm(cert_der)?;
    if NO_HASH.contains(&oid) {
        None
    } else if SHA384.contains(&oid) {
        Some(sha2::Sha384::digest(cert_der).to_vec())
    } else if SHA512.contains(&oid) {
        Some(sha2::Sha512::digest(cert_der).to_vec())
    } else {
        Some(sha2::Sha256::digest(cert_der).to_vec())
    }
}

/// One DER TLV: (tag, content, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The OID (content bytes) of a certificate's outer `signatureAlgorithm` (RFC 5280 §4.1.1.2).
fn signature_algorithm(cert: &[u8]) -> Option<&[u8]> {
    let (0x30, body, _) = der_tlv(cert)? else {
        return None;
    };
    let (0x30, _tbs, rest) = der_tlv(body)? else {
        return None;
    };
    let (0x30, alg, _) = der_tlv(rest)? else {
        return None;
    };
    let (0x06, oid, _) = der_tlv(alg)? else {
        return None;
    };
    Some(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_point_hash_follows_the_signature_algorithm() {
        // rcgen signs with ECDSA P-256 SHA-256 by default.
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["example.com".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().to_vec();
        assert_eq!(
            server_end_point(&der).unwrap(),
            sha2::Sha256::digest(&der).to_vec()
        );

        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["example.com".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().to_vec();
        assert_eq!(
            server_end_point(&der).unwrap(),
            sha2::Sha384::digest(&der).to_vec()
        );

        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["example.com".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        assert_eq!(server_end_point(cert.der()), None);
    }

    #[test]
    fn truncated_certificates_give_none() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["example.com".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().to_vec();
        for n in 0..der.len() {
            assert_eq!(server_end_point(&der[..n]), None, "length {n}");
        }
    }
}
