//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/sasl_*.rs`) and the corpus
//! replay test: each runs one state machine over arbitrary bytes. Input holds one or more
//! peer messages separated by the byte `0xFF` (never part of UTF-8 text). None of them may
//! panic, whatever the input.

use std::sync::OnceLock;

use crate::anonymous::AnonymousServer;
use crate::common::{
    Answer, ClientMechanism, FixedNonce, Request, ServerMechanism, ServerStep, decode_payload,
};
use crate::external::ExternalServer;
use crate::plain::PlainServer;
use crate::scram::{
    ChannelBinding, ChannelBindingType, ClientChannelBinding, ScramClient, ScramHash, ScramServer,
    StoredCredentials,
};

/// The byte separating messages in a fuzz input.
pub const SEPARATOR: u8 = 0xff;

/// The known user of the fuzz servers (RFC 5802 §5 / RFC 7677 §3 credentials: `user`,
/// `pencil`, with the RFC salts), so the RFC exchanges are valid seeds.
fn rfc_credentials(hash: ScramHash) -> &'static StoredCredentials {
    static SHA1: OnceLock<StoredCredentials> = OnceLock::new();
    static SHA256: OnceLock<StoredCredentials> = OnceLock::new();
    let (cell, salt): (_, &[u8]) = match hash {
        ScramHash::Sha1 => (
            &SHA1,
            &[
                0x41, 0x25, 0xc2, 0x47, 0xe4, 0x3a, 0xb1, 0xe9, 0x3c, 0x6d, 0xff, 0x76,
            ],
        ),
        ScramHash::Sha256 => (
            &SHA256,
            &[
                0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e, 0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36,
                0xfa, 0x81,
            ],
        ),
    };
    cell.get_or_init(|| {
        let salted = hash.hi(b"pencil", salt, 4096);
        StoredCredentials::from_salted_password(hash, &salted, salt, 4096)
    })
}

/// Drives a server over the messages, answering requests for the user `user` (password
/// `pencil`; `chris`/`secret` for DIGEST-MD5) and treating everyone else as unknown. Returns whether it reported success.
fn drive_server(server: &mut dyn ServerMechanism, data: &[u8], hash: ScramHash) -> bool {
    let mut messages = data.split(|&b| b == SEPARATOR);
    let mut step = server.step(messages.next());
    for _ in 0..8 {
        step = match step {
            Ok(ServerStep::Request(req)) => server.answer(match req {
                Request::ScramCredentials { username, .. } => Answer::ScramCredentials(
                    (username == "user").then(|| rfc_credentials(hash).clone()),
                ),
                Request::VerifyPassword {
                    authcid, password, ..
                } => Answer::PasswordValid(authcid == "user" && password.matches("pencil")),
                Request::DigestMd5Secret {
                    username, realm, ..
                } => Answer::DigestMd5Secret(digest_secret(&username, &realm)),
            }),
            Ok(ServerStep::Challenge(_)) => match messages.next() {
                Some(m) => server.step(Some(m)),
                None => return false,
            },
            Ok(ServerStep::Success { .. }) => {
                // A finished exchange refuses further input.
                return server.step(messages.next()).is_err();
            }
            Err(e) => {
                let _ = e.condition();
                let _ = e.to_string();
                return false;
            }
        };
    }
    false
}

/// The fixed server secret of the fuzz targets (reproducible runs).
fn fuzz_secret() -> crate::ServerSecret {
    crate::ServerSecret::new(*b"fuzz server secret").unwrap_or_else(|_| unreachable!())
}

/// The DIGEST-MD5 user of RFC 2831 §4 (`chris`, password `secret`).
fn digest_secret(username: &str, realm: &str) -> Option<crate::DigestSecret> {
    #[cfg(feature = "digest-md5")]
    if username == "chris" {
        return Some(crate::digest_md5::secret(username, realm, "secret"));
    }
    let _ = (username, realm);
    None
}

/// SCRAM servers (SHA-1 and SHA-256, with and without `-PLUS`) fed client messages. The
/// server nonces are those of RFC 5802 §5 and RFC 7677 §3.
pub fn scram_server(data: &[u8]) -> bool {
    let mut any = false;
    for (hash, nonce) in [
        (ScramHash::Sha1, "3rfcNHYJY1ZVvWVs7j"),
        (ScramHash::Sha256, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"),
    ] {
        for plus in [false, true] {
            let mut server = ScramServer::new(hash, plus, &fuzz_secret())
                .with_nonce_source(Box::new(FixedNonce(nonce.to_owned())));
            if plus {
                server = server.with_channel_binding(ChannelBinding::new(
                    ChannelBindingType::TlsExporter,
                    b"0123456789abcdef0123456789abcdef".to_vec(),
                ));
            }
            any |= drive_server(&mut server, data, hash);
        }
    }
    any
}

/// A SCRAM client (user `user`, password `pencil`, nonce of RFC 5802 §5) fed server
/// messages. Iteration counts are capped low so the fuzzer stays fast.
pub fn scram_client(data: &[u8]) -> bool {
    let mut any = false;
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let Ok(client) = ScramClient::new(hash, "user", "pencil") else {
            return false;
        };
        let mut client = client
            .with_nonce_source(Box::new(FixedNonce("fyko+d2lbbFgONRv9qkxdawL".to_owned())))
            .with_iteration_bounds(1, 4096)
            .with_channel_binding(ClientChannelBinding::Unsupported);
        if client.initial_response().is_err() {
            return false;
        }
        let mut messages = data.split(|&b| b == SEPARATOR).peekable();
        while let Some(m) = messages.next() {
            let outcome = if messages.peek().is_none() {
                client.success(Some(m))
            } else {
                client.step(m).map(drop)
            };
            match outcome {
                Ok(()) => any |= messages.peek().is_none(),
                Err(_) => break,
            }
        }
    }
    any
}

/// A PLAIN server fed client messages (user `user`, password `pencil`).
pub fn plain_server(data: &[u8]) -> bool {
    drive_server(&mut PlainServer::new(), data, ScramHash::Sha1)
}

/// An EXTERNAL server (external identity `user`) fed client messages.
pub fn external_server(data: &[u8]) -> bool {
    drive_server(
        &mut ExternalServer::new(Some("user")),
        data,
        ScramHash::Sha1,
    )
}

/// An ANONYMOUS server fed client messages.
pub fn anonymous_server(data: &[u8]) -> bool {
    drive_server(&mut AnonymousServer::new(), data, ScramHash::Sha1)
}

/// A DIGEST-MD5 server (RFC 2831 §4 nonce and host) fed client messages; the first message
/// is the initial response (usually empty).
#[cfg(feature = "digest-md5")]
pub fn digest_server(data: &[u8]) -> bool {
    let mut server =
        crate::digest_md5::DigestMd5Server::new("imap", "elwood.innosoft.com", &fuzz_secret())
            .with_nonce_source(Box::new(FixedNonce("OA6MG9tEQGm2hh".to_owned())));
    let ok = drive_server(&mut server, data, ScramHash::Sha1);
    let _ = crate::digest_md5::parse_directives(&String::from_utf8_lossy(data));
    ok
}

/// A DIGEST-MD5 client fed server challenges.
#[cfg(feature = "digest-md5")]
pub fn digest_client(data: &[u8]) -> bool {
    let mut client =
        crate::digest_md5::DigestMd5Client::new("chris", "secret", "imap", "elwood.innosoft.com")
            .with_nonce_source(Box::new(FixedNonce("OA6MHXh6VqTrRk".to_owned())));
    for m in data.split(|&b| b == SEPARATOR) {
        if client.step(m).is_err() {
            return false;
        }
    }
    client.success(None).is_ok()
}

/// The XMPP payload decoder (RFC 3920 §14.9) on arbitrary text: `Some((decoded, re-encoded))`
/// when it decodes. The callers check that the re-encoding equals the input (base64 here is
/// canonical, so nothing is silently ignored).
pub fn payload(data: &[u8]) -> Option<(Vec<u8>, String)> {
    let text = core::str::from_utf8(data).ok()?;
    let bytes = decode_payload(text).ok()??;
    let again = crate::encode_payload(&bytes);
    Some((bytes, again))
}
