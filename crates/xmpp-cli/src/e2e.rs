//! `xmpp e2e`: RFC 3923 end-to-end signing and encryption of one stanza.
//!
//! Output contract (scripts depend on it): the stanza is read from standard input and
//! written to standard output.
//!
//! - `sign --cert C.pem --key K.pem`: the message or directed presence with its content
//!   signed into `<e2e/>`.
//! - `encrypt --recipient R.pem [--cert C.pem --key K.pem]`: encrypted for every
//!   `--recipient`, signed first when a certificate and key are given (RFC 3923 §6.5).
//! - `verify --ca CA.pem [--now TIME]`: the signed stanza with its content restored.
//! - `decrypt --cert C.pem --key K.pem [--ca CA.pem] [--now TIME]`: the encrypted stanza
//!   with its content restored; a signed content is verified too, and then needs `--ca`.
//!
//! On success the exit status is 0 and standard output holds the stanza and a line end.
//! When the stanza fails (RFC 3923 §7) the exit status is 1 and the last line of standard
//! output is `error: CONDITION: detail`, CONDITION being `unverified-signature`,
//! `bad-timestamp`, `decryption-failed` or `bad-request`; nothing else is printed before
//! it. A usage problem or an unreadable file is exit status 2 with an `error: ` line.
//! `--now` (RFC 3339) replaces the clock on both sides: the sender's CPIM `DateTime` and
//! the receiver's time for certificate validity and the five-minute window (§6.9).

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use xmpp_e2e::random::OsRandom;
use xmpp_e2e::{
    Certificate, ContentCipher, DigestAlgorithm, E2eError, Identity, Protection, Reception,
    SendConfig, SignatureForm, Timestamp, TrustAnchors,
};

/// Arguments of `xmpp e2e`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Op,
}

/// The digest of signatures.
#[derive(Clone, Copy, ValueEnum)]
enum Digest {
    Sha1,
    Sha256,
}

/// The content-encryption algorithm.
#[derive(Clone, Copy, ValueEnum)]
enum Cipher {
    Aes128,
    Aes256,
}

#[derive(clap::Args)]
struct SignerArgs {
    /// The sender's certificate (PEM; more certificates after the first are its chain).
    #[arg(long)]
    cert: Option<PathBuf>,
    /// The sender's private key (PEM, PKCS #8 or PKCS #1).
    #[arg(long)]
    key: Option<PathBuf>,
    /// Digest of the signature.
    #[arg(long, value_enum, default_value = "sha256")]
    digest: Digest,
    /// Sign as an opaque application/pkcs7-mime signed-data instead of multipart/signed.
    #[arg(long)]
    opaque: bool,
}

#[derive(Subcommand)]
enum Op {
    /// Sign a message or directed presence.
    Sign {
        #[command(flatten)]
        signer: SignerArgs,
        /// The time to write as the timestamp (RFC 3339; default: the clock).
        #[arg(long)]
        now: Option<String>,
    },
    /// Encrypt a message or directed presence, signing it first with --cert and --key.
    Encrypt {
        /// A recipient's certificate (PEM); repeat for several recipients.
        #[arg(long, required = true)]
        recipient: Vec<PathBuf>,
        #[command(flatten)]
        signer: SignerArgs,
        /// Content-encryption algorithm.
        #[arg(long, value_enum, default_value = "aes128")]
        cipher: Cipher,
        /// The time to write as the timestamp (RFC 3339; default: the clock).
        #[arg(long)]
        now: Option<String>,
    },
    /// Verify a signed stanza and restore its content.
    Verify {
        /// Trust anchors (PEM, one or more certificates).
        #[arg(long)]
        ca: PathBuf,
        /// The receiver's time (RFC 3339; default: the clock).
        #[arg(long)]
        now: Option<String>,
    },
    /// Decrypt a stanza (and verify it when signed) and restore its content.
    Decrypt {
        /// The recipient's certificate (PEM).
        #[arg(long)]
        cert: PathBuf,
        /// The recipient's private key (PEM).
        #[arg(long)]
        key: PathBuf,
        /// Trust anchors for a signed content (PEM).
        #[arg(long)]
        ca: Option<PathBuf>,
        /// The receiver's time (RFC 3339; default: the clock).
        #[arg(long)]
        now: Option<String>,
    },
}

/// A failure before the stanza is looked at: exit status 2.
struct Usage(String);

fn read(path: &PathBuf) -> Result<Vec<u8>, Usage> {
    std::fs::read(path).map_err(|e| Usage(format!("{}: {e}", path.display())))
}

fn now(arg: &Option<String>) -> Result<Timestamp, Usage> {
    match arg {
        Some(t) => Timestamp::parse_rfc3339(t).map_err(|e| Usage(format!("--now: {e}"))),
        None => {
            let d = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| Usage(format!("clock: {e}")))?;
            Ok(Timestamp::from_unix_nanos(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ))
        }
    }
}

fn identity(cert: &PathBuf, key: &PathBuf) -> Result<Identity, Usage> {
    Identity::from_pem(&read(cert)?, &read(key)?)
        .map_err(|e| Usage(format!("{} / {}: {e}", cert.display(), key.display())))
}

fn signer(args: &SignerArgs) -> Result<Option<Identity>, Usage> {
    match (&args.cert, &args.key) {
        (Some(c), Some(k)) => identity(c, k).map(Some),
        (None, None) => Ok(None),
        _ => Err(Usage("--cert and --key go together".into())),
    }
}

fn config(args: &SignerArgs, cipher: Option<Cipher>) -> SendConfig {
    SendConfig {
        digest: match args.digest {
            Digest::Sha1 => DigestAlgorithm::Sha1,
            Digest::Sha256 => DigestAlgorithm::Sha256,
        },
        cipher: match cipher {
            Some(Cipher::Aes256) => ContentCipher::Aes256Cbc,
            _ => ContentCipher::Aes128Cbc,
        },
        signature_form: if args.opaque {
            SignatureForm::Opaque
        } else {
            SignatureForm::Detached
        },
        omit_certificate: false,
    }
}

/// Runs `xmpp e2e`.
pub fn run(args: &Args) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = io::stdin().read_to_end(&mut input) {
        return finish(Err(Err(Usage(format!("standard input: {e}")))));
    }
    finish(process(&args.command, &input))
}

type Outcome = Result<String, Result<E2eError, Usage>>;

fn process(op: &Op, input: &[u8]) -> Outcome {
    let stanza = xmpp_e2e::parse_stanza(input).map_err(Ok)?;
    let result = match op {
        Op::Sign { signer: s, now: t } => {
            let id = signer(s)
                .map_err(Err)?
                .ok_or_else(|| Err(Usage("sign needs --cert and --key".into())))?;
            let protection = Protection {
                signer: Some(&id),
                recipients: &[],
                config: config(s, None),
                now: now(t).map_err(Err)?,
            };
            xmpp_e2e::secure(stanza.as_ref(), &protection, &mut OsRandom)
        }
        Op::Encrypt {
            recipient,
            signer: s,
            cipher,
            now: t,
        } => {
            let id = signer(s).map_err(Err)?;
            let mut recipients = Vec::new();
            for r in recipient {
                let cert = Certificate::from_pem(&read(r).map_err(Err)?)
                    .map_err(|e| Err(Usage(format!("{}: {e}", r.display()))))?;
                recipients.push(cert);
            }
            let protection = Protection {
                signer: id.as_ref(),
                recipients: &recipients,
                config: config(s, Some(*cipher)),
                now: now(t).map_err(Err)?,
            };
            xmpp_e2e::secure(stanza.as_ref(), &protection, &mut OsRandom)
        }
        Op::Verify { ca, now: t } => {
            let anchors = TrustAnchors::from_pem(&read(ca).map_err(Err)?)
                .map_err(|e| Err(Usage(format!("{}: {e}", ca.display()))))?;
            let reception = Reception {
                recipient: None,
                anchors: Some(&anchors),
                known: &[],
                now: now(t).map_err(Err)?,
                require_signature: true,
            };
            xmpp_e2e::open(stanza.as_ref(), &reception).map(|o| o.stanza)
        }
        Op::Decrypt {
            cert,
            key,
            ca,
            now: t,
        } => {
            let id = identity(cert, key).map_err(Err)?;
            let anchors = match ca {
                Some(ca) => Some(
                    TrustAnchors::from_pem(&read(ca).map_err(Err)?)
                        .map_err(|e| Err(Usage(format!("{}: {e}", ca.display()))))?,
                ),
                None => None,
            };
            let reception = Reception {
                recipient: Some(&id),
                anchors: anchors.as_ref(),
                known: &[],
                now: now(t).map_err(Err)?,
                require_signature: false,
            };
            let opened = xmpp_e2e::open(stanza.as_ref(), &reception).map_err(Ok)?;
            if !opened.encrypted {
                // `decrypt` promises a decrypted stanza: a signed-only one is `verify`'s.
                return Err(Ok(E2eError::Decrypt(xmpp_e2e::DecryptError::Malformed(
                    "the content is not encrypted (use verify)".into(),
                ))));
            }
            Ok(opened.stanza)
        }
    };
    let el = result.map_err(Ok)?;
    xmpp_e2e::to_xml_with_cdata(&el, "").map_err(Ok)
}

fn finish(outcome: Outcome) -> ExitCode {
    let mut out = io::stdout().lock();
    let (text, code) = match outcome {
        Ok(xml) => (xml, 0),
        Err(Ok(e)) => (format!("error: {}: {e}", e.condition()), 1),
        Err(Err(Usage(m))) => (format!("error: {m}"), 2),
    };
    // The detail is one line, whatever the error text holds.
    let text = if code == 0 {
        text
    } else {
        text.replace(['\r', '\n'], " ")
    };
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}
