//! The `xmpp e2e` contract, checked on the built binary with certificates made by the
//! `openssl` command line: stanza on standard input, stanza on standard output, exit 0;
//! on failure exit 1 and a last line `error: CONDITION: detail` (RFC 3923 §7 conditions).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use xmpp_e2e::Timestamp;

const MESSAGE: &str = "<message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net/orchard' type='chat'><body>Wherefore art thou, Romeo?</body></message>";

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run openssl ({e}); install it with `apt-get install -y openssl`")
        });
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn leaf(dir: &Path, ca: &str, name: &str, san: &str) {
    openssl(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ],
        dir,
    );
    std::fs::write(
        dir.join(format!("{name}.ext")),
        format!("[ext]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = {san}\n"),
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "365",
            "-sha256",
            "-extfile",
            &format!("{name}.ext"),
            "-extensions",
            "ext",
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    );
}

fn pki() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("xmpp-e2e-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for ca in ["ca", "evilca"] {
            openssl(
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "3650",
                    "-sha256",
                    "-subj",
                    &format!("/CN={ca}"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                    "-keyout",
                    &format!("{ca}.key"),
                    "-out",
                    &format!("{ca}.crt"),
                ],
                &dir,
            );
        }
        leaf(
            &dir,
            "ca",
            "juliet",
            "otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com",
        );
        leaf(
            &dir,
            "ca",
            "romeo",
            "otherName:1.3.6.1.5.5.7.8.5;UTF8:romeo@example.net",
        );
        leaf(
            &dir,
            "evilca",
            "evil",
            "otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com",
        );
        dir
    })
}

fn f(name: &str) -> String {
    pki().join(name).to_string_lossy().into_owned()
}

/// A time inside the certificates' validity, an hour after they were made.
fn now() -> Timestamp {
    let pem = std::fs::read(pki().join("juliet.crt")).unwrap();
    xmpp_e2e::Certificate::from_pem(&pem)
        .unwrap()
        .not_before()
        .plus_seconds(3600)
}

fn xmpp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("e2e")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xmpp");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn failed(out: &Output, condition: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let last = text.lines().last().unwrap_or_default().to_owned();
    assert!(last.starts_with(&format!("error: {condition}: ")), "{last}");
    last
}

fn at(secs: i64) -> String {
    now().plus_seconds(secs).to_rfc3339()
}

#[test]
fn sign_then_verify_restores_the_body() {
    let t = at(0);
    let signed = ok(&xmpp(
        &[
            "sign",
            "--cert",
            &f("juliet.crt"),
            "--key",
            &f("juliet.key"),
            "--now",
            &t,
        ],
        MESSAGE.as_bytes(),
    ));
    assert!(
        signed.contains("<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'><![CDATA["),
        "{signed}"
    );
    assert!(signed.contains("multipart/signed"));
    assert!(!signed.contains("<body>"));
    let verified = ok(&xmpp(
        &["verify", "--ca", &f("ca.crt"), "--now", &at(60)],
        signed.as_bytes(),
    ));
    assert!(
        verified.contains("<body>Wherefore art thou, Romeo?</body>"),
        "{verified}"
    );
    assert!(!verified.contains("e2e"), "{verified}");
    assert!(
        verified.starts_with("<message xmlns='jabber:client' from='juliet@example.com/balcony'"),
        "{verified}"
    );
}

#[test]
fn encrypt_signed_then_decrypt_every_option() {
    for (digest, cipher, opaque) in [("sha1", "aes128", false), ("sha256", "aes256", true)] {
        let t = at(0);
        let mut args = vec!["encrypt", "--recipient", &f("romeo.crt")]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        args.extend(
            [
                "--cert",
                &f("juliet.crt"),
                "--key",
                &f("juliet.key"),
                "--digest",
                digest,
                "--cipher",
                cipher,
                "--now",
                &t,
            ]
            .map(str::to_owned),
        );
        if opaque {
            args.push("--opaque".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let enc = ok(&xmpp(&args, MESSAGE.as_bytes()));
        assert!(enc.contains("enveloped-data"), "{enc}");
        assert!(!enc.contains("Wherefore"));
        let dec = ok(&xmpp(
            &[
                "decrypt",
                "--cert",
                &f("romeo.crt"),
                "--key",
                &f("romeo.key"),
                "--ca",
                &f("ca.crt"),
                "--now",
                &t,
            ],
            enc.as_bytes(),
        ));
        assert!(
            dec.contains("<body>Wherefore art thou, Romeo?</body>"),
            "{dec}"
        );
        // Signed content needs anchors: no silent pass without --ca.
        failed(
            &xmpp(
                &[
                    "decrypt",
                    "--cert",
                    &f("romeo.crt"),
                    "--key",
                    &f("romeo.key"),
                    "--now",
                    &t,
                ],
                enc.as_bytes(),
            ),
            "unverified-signature",
        );
    }
}

#[test]
fn encrypt_only_decrypts_without_ca() {
    let t = at(0);
    let presence = "<presence from='juliet@example.com/balcony' to='romeo@example.net'><show>away</show><status>retired</status></presence>";
    let enc = ok(&xmpp(
        &["encrypt", "--recipient", &f("romeo.crt"), "--now", &t],
        presence.as_bytes(),
    ));
    let dec = ok(&xmpp(
        &[
            "decrypt",
            "--cert",
            &f("romeo.crt"),
            "--key",
            &f("romeo.key"),
            "--now",
            &t,
        ],
        enc.as_bytes(),
    ));
    assert!(
        dec.contains("<show>away</show>") && dec.contains("<status>retired</status>"),
        "{dec}"
    );
    // verify insists on a signature.
    failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &t],
            enc.as_bytes(),
        ),
        "decryption-failed",
    );
}

#[test]
fn failures_carry_their_condition() {
    let t = at(0);
    let signed = ok(&xmpp(
        &[
            "sign",
            "--cert",
            &f("juliet.crt"),
            "--key",
            &f("juliet.key"),
            "--now",
            &t,
        ],
        MESSAGE.as_bytes(),
    ));
    // DateTime too old and in the future (RFC 3923 §6.9).
    failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &at(301)],
            signed.as_bytes(),
        ),
        "bad-timestamp",
    );
    failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &at(-301)],
            signed.as_bytes(),
        ),
        "bad-timestamp",
    );
    // Changed body, changed from.
    failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &t],
            signed.replace("Romeo?", "Paris?").as_bytes(),
        ),
        "unverified-signature",
    );
    let line = failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &t],
            signed
                .replace(
                    "from='juliet@example.com/balcony'",
                    "from='romeo@example.net/x'",
                )
                .as_bytes(),
        ),
        "unverified-signature",
    );
    assert!(line.contains("romeo@example.net"), "{line}");
    // Untrusted CA.
    failed(
        &xmpp(
            &["verify", "--ca", &f("evilca.crt"), "--now", &t],
            signed.as_bytes(),
        ),
        "unverified-signature",
    );
    let evil = ok(&xmpp(
        &[
            "sign",
            "--cert",
            &f("evil.crt"),
            "--key",
            &f("evil.key"),
            "--now",
            &t,
        ],
        MESSAGE.as_bytes(),
    ));
    failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &t],
            evil.as_bytes(),
        ),
        "unverified-signature",
    );
    // Expired certificate at the receiver's time.
    let late = now().plus_seconds(2 * 365 * 86_400).to_rfc3339();
    let signed_late = ok(&xmpp(
        &[
            "sign",
            "--cert",
            &f("juliet.crt"),
            "--key",
            &f("juliet.key"),
            "--now",
            &late,
        ],
        MESSAGE.as_bytes(),
    ));
    let line = failed(
        &xmpp(
            &["verify", "--ca", &f("ca.crt"), "--now", &late],
            signed_late.as_bytes(),
        ),
        "unverified-signature",
    );
    assert!(line.contains("expired"), "{line}");
    // Wrong recipient key.
    let enc = ok(&xmpp(
        &[
            "encrypt",
            "--recipient",
            &f("romeo.crt"),
            "--cert",
            &f("juliet.crt"),
            "--key",
            &f("juliet.key"),
            "--now",
            &t,
        ],
        MESSAGE.as_bytes(),
    ));
    failed(
        &xmpp(
            &[
                "decrypt",
                "--cert",
                &f("juliet.crt"),
                "--key",
                &f("juliet.key"),
                "--ca",
                &f("ca.crt"),
                "--now",
                &t,
            ],
            enc.as_bytes(),
        ),
        "decryption-failed",
    );
    // Not an RFC 3923 stanza at all.
    failed(
        &xmpp(&["verify", "--ca", &f("ca.crt")], MESSAGE.as_bytes()),
        "bad-request",
    );
    failed(
        &xmpp(&["verify", "--ca", &f("ca.crt")], b"<message"),
        "bad-request",
    );
}

#[test]
fn usage_problems_exit_two() {
    let out = xmpp(
        &["verify", "--ca", "/nonexistent/ca.pem"],
        MESSAGE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("error: /nonexistent/ca.pem"));
    let out = xmpp(
        &["verify", "--ca", &f("ca.crt"), "--now", "yesterday"],
        MESSAGE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
}
