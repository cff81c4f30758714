//! S/MIME interoperability with the OpenSSL command line, both ways, for every algorithm
//! (RFC 3923 §6.10 and SHA-256 / AES-256): what `openssl cms` produces (SMIME and DER,
//! opaque and detached) we verify and decrypt; what we produce, `openssl cms` accepts.

mod common;

use common::{openssl, openssl_ok, pki};
use xmpp_e2e::random::OsRandom;
use xmpp_e2e::smime::{self, OpenOptions};
use xmpp_e2e::{ContentCipher, DigestAlgorithm, E2eError};

const CPIM: &[u8] = b"Content-type: Message/CPIM\r\n\r\nFrom: <im:juliet@example.com>\r\nTo: <im:romeo@example.net>\r\nDateTime: 2003-12-09T23:45:36.66Z\r\n\r\nContent-type: text/plain; charset=utf-8\r\n\r\nWherefore art thou, Romeo?\r\n";

fn opts<'a>(
    recipient: Option<&'a xmpp_e2e::Identity>,
    anchors: &'a xmpp_e2e::TrustAnchors,
) -> OpenOptions<'a> {
    OpenOptions {
        recipient,
        anchors: Some(anchors),
        known: &[],
        now: pki().now(),
    }
}

#[test]
fn openssl_signs_we_verify_every_form() {
    let p = pki();
    let d = p.scratch("openssl-signs");
    std::fs::write(d.join("msg.cpim"), CPIM).unwrap();
    let anchors = p.anchors();
    for md in ["sha1", "sha256"] {
        for (form, detach) in [("DER", false), ("SMIME", false), ("SMIME", true)] {
            let mut args = vec!["cms", "-sign", "-binary", "-md", md, "-in", "msg.cpim"];
            if !detach {
                args.push("-nodetach");
            }
            let signer = p.path("juliet.crt");
            let key = p.path("juliet.key");
            args.extend([
                "-signer", &signer, "-inkey", &key, "-outform", form, "-out", "out",
            ]);
            openssl_ok(&args, &d);
            let object = std::fs::read(d.join("out")).unwrap();
            let opened = smime::open(&object, &opts(None, &anchors))
                .unwrap_or_else(|e| panic!("{md} {form} detached={detach}: {e}"));
            assert_eq!(opened.content, CPIM, "{md} {form} detached={detach}");
            assert_eq!(opened.signers.len(), 1);
            assert_eq!(opened.signers[0].digest.name(), md);
            assert!(!opened.encrypted);
        }
    }
}

#[test]
fn openssl_encrypts_we_decrypt_every_cipher() {
    let p = pki();
    let d = p.scratch("openssl-encrypts");
    std::fs::write(d.join("msg.cpim"), CPIM).unwrap();
    let romeo = p.identity("romeo");
    let anchors = p.anchors();
    for cipher in ["-aes128", "-aes256"] {
        for md in ["sha1", "sha256"] {
            // The peer notes' recipe: sign (DER, opaque), then encrypt the DER.
            openssl_ok(
                &[
                    "cms",
                    "-sign",
                    "-binary",
                    "-nodetach",
                    "-md",
                    md,
                    "-in",
                    "msg.cpim",
                    "-signer",
                    &p.path("juliet.crt"),
                    "-inkey",
                    &p.path("juliet.key"),
                    "-outform",
                    "DER",
                    "-out",
                    "signed.der",
                ],
                &d,
            );
            for form in ["DER", "SMIME"] {
                openssl_ok(
                    &[
                        "cms",
                        "-encrypt",
                        "-binary",
                        cipher,
                        "-in",
                        "signed.der",
                        "-outform",
                        form,
                        "-out",
                        "enc",
                        &p.path("romeo.crt"),
                    ],
                    &d,
                );
                let object = std::fs::read(d.join("enc")).unwrap();
                let object = if form == "DER" {
                    // Bare base64 without MIME headers, as RFC 3923 §3.3 Example 5.
                    xmpp_e2e::mime::encode_base64_lines(&object).into_bytes()
                } else {
                    object
                };
                let opened = smime::open(&object, &opts(Some(&romeo), &anchors))
                    .unwrap_or_else(|e| panic!("{cipher} {md} {form}: {e}"));
                assert_eq!(opened.content, CPIM);
                assert!(opened.encrypted);
                assert_eq!(opened.signers.len(), 1);
                assert!(
                    opened.signers[0]
                        .certificate
                        .names_jid(&"juliet@example.com/balcony".parse().unwrap())
                );
            }
        }
    }
}

#[test]
fn we_sign_openssl_verifies() {
    let p = pki();
    let d = p.scratch("we-sign");
    let juliet = p.identity("juliet");
    for digest in DigestAlgorithm::ALL {
        let detached =
            smime::sign_detached(CPIM, &juliet, digest, p.now(), true, &mut OsRandom).unwrap();
        std::fs::write(d.join("det.smime"), &detached).unwrap();
        let out = openssl_ok(
            // multipart/signed content is in canonical form (RFC 5751 §3.1.1): openssl
            // verifies it without -binary (with -binary it rewrites the part's line ends).
            &[
                "cms",
                "-verify",
                "-inform",
                "SMIME",
                "-in",
                "det.smime",
                "-CAfile",
                &p.path("ca.crt"),
                "-purpose",
                "any",
            ],
            &d,
        );
        assert_eq!(out, CPIM, "{digest:?} detached");
        let opaque =
            smime::sign_opaque(CPIM, &juliet, digest, p.now(), true, &mut OsRandom).unwrap();
        std::fs::write(d.join("opaque.smime"), &opaque).unwrap();
        let out = openssl_ok(
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "SMIME",
                "-in",
                "opaque.smime",
                "-CAfile",
                &p.path("ca.crt"),
                "-purpose",
                "any",
            ],
            &d,
        );
        assert_eq!(out, CPIM, "{digest:?} opaque");
    }
}

#[test]
fn we_encrypt_openssl_decrypts() {
    let p = pki();
    let d = p.scratch("we-encrypt");
    let juliet = p.identity("juliet");
    let romeo = p.cert("romeo");
    for cipher in ContentCipher::ALL {
        for digest in DigestAlgorithm::ALL {
            let signed =
                smime::sign_detached(CPIM, &juliet, digest, p.now(), true, &mut OsRandom).unwrap();
            let enc = smime::encrypt(&signed, std::slice::from_ref(&romeo), cipher, &mut OsRandom)
                .unwrap();
            std::fs::write(d.join("enc.smime"), &enc).unwrap();
            let dec = openssl_ok(
                &[
                    "cms",
                    "-decrypt",
                    "-binary",
                    "-inform",
                    "SMIME",
                    "-in",
                    "enc.smime",
                    "-recip",
                    &p.path("romeo.crt"),
                    "-inkey",
                    &p.path("romeo.key"),
                ],
                &d,
            );
            assert_eq!(dec, signed, "{cipher:?}");
            std::fs::write(d.join("dec.smime"), &dec).unwrap();
            let out = openssl_ok(
                &[
                    "cms",
                    "-verify",
                    "-inform",
                    "SMIME",
                    "-in",
                    "dec.smime",
                    "-CAfile",
                    &p.path("ca.crt"),
                    "-purpose",
                    "any",
                ],
                &d,
            );
            assert_eq!(out, CPIM, "{cipher:?} {digest:?}");
        }
    }
}

#[test]
fn wrong_recipient_key_is_decryption_failed() {
    let p = pki();
    let enc = smime::encrypt(
        CPIM,
        &[p.cert("romeo")],
        ContentCipher::Aes128Cbc,
        &mut OsRandom,
    )
    .unwrap();
    let anchors = p.anchors();
    let juliet = p.identity("juliet");
    let err = smime::open(&enc, &opts(Some(&juliet), &anchors)).unwrap_err();
    assert_eq!(
        err.condition(),
        xmpp_e2e::Condition::DecryptionFailed,
        "{err}"
    );
    // The right certificate with another key: the key transport fails.
    let mut wrong = p.identity("romeo");
    wrong.key = p.identity("juliet").key;
    let err = smime::open(&enc, &opts(Some(&wrong), &anchors)).unwrap_err();
    assert!(matches!(err, E2eError::Decrypt(_)), "{err}");
    // openssl refuses it too.
    let d = p.scratch("wrong-key");
    std::fs::write(d.join("enc.smime"), &enc).unwrap();
    let out = openssl(
        &[
            "cms",
            "-decrypt",
            "-inform",
            "SMIME",
            "-in",
            "enc.smime",
            "-inkey",
            &p.path("juliet.key"),
        ],
        &d,
    );
    assert!(!out.status.success());
}

#[test]
fn untrusted_ca_expired_and_tampered() {
    let p = pki();
    let anchors = p.anchors();
    let evil = p.identity("evil");
    let signed = smime::sign_detached(
        CPIM,
        &evil,
        DigestAlgorithm::Sha256,
        p.now(),
        true,
        &mut OsRandom,
    )
    .unwrap();
    let err = smime::open(&signed, &opts(None, &anchors)).unwrap_err();
    assert!(
        matches!(
            err,
            E2eError::Certificate(xmpp_e2e::CertError::Untrusted { .. })
        ),
        "{err}"
    );
    assert_eq!(err.condition(), xmpp_e2e::Condition::UnverifiedSignature);

    let juliet = p.identity("juliet");
    let signed = smime::sign_detached(
        CPIM,
        &juliet,
        DigestAlgorithm::Sha1,
        p.now(),
        true,
        &mut OsRandom,
    )
    .unwrap();
    let mut later = opts(None, &anchors);
    later.now = p.cert("juliet").not_after().plus_seconds(1);
    let err = smime::open(&signed, &later).unwrap_err();
    assert!(
        matches!(
            err,
            E2eError::Certificate(xmpp_e2e::CertError::Expired { .. })
        ),
        "{err}"
    );

    let text = String::from_utf8(signed).unwrap();
    let tampered = text.replace("Wherefore art thou", "Wherefore art thee");
    let err = smime::open(tampered.as_bytes(), &opts(None, &anchors)).unwrap_err();
    assert!(
        matches!(err, E2eError::Signature(xmpp_e2e::SignatureError::Invalid)),
        "{err}"
    );
    // Line ends turned into LF (as an XML parser does) still verify.
    let lf = text.replace("\r\n", "\n");
    let opened = smime::open(lf.as_bytes(), &opts(None, &anchors)).unwrap();
    assert_eq!(opened.content, CPIM);
}

#[test]
fn openssl_detached_der_keyid_and_text_mode() {
    let p = pki();
    let d = p.scratch("openssl-variants");
    std::fs::write(d.join("msg.cpim"), CPIM).unwrap();
    let anchors = p.anchors();
    // Detached DER signature: the content comes separately.
    openssl_ok(
        &[
            "cms",
            "-sign",
            "-binary",
            "-md",
            "sha1",
            "-in",
            "msg.cpim",
            "-signer",
            &p.path("juliet.crt"),
            "-inkey",
            &p.path("juliet.key"),
            "-outform",
            "DER",
            "-out",
            "det.der",
        ],
        &d,
    );
    let der = std::fs::read(d.join("det.der")).unwrap();
    let v = xmpp_e2e::signed::verify(&der, Some(CPIM), &[]).unwrap();
    assert_eq!(v.content, CPIM);
    anchors.verify(&v.signer, &v.certificates, p.now()).unwrap();
    assert!(xmpp_e2e::signed::verify(&der, Some(b"other content"), &[]).is_err());

    // Signer and recipient named by subject key identifier (-keyid).
    openssl_ok(
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-keyid",
            "-in",
            "msg.cpim",
            "-signer",
            &p.path("juliet.crt"),
            "-inkey",
            &p.path("juliet.key"),
            "-outform",
            "DER",
            "-out",
            "kid.der",
        ],
        &d,
    );
    openssl_ok(
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-keyid",
            "-aes256",
            "-in",
            "kid.der",
            "-outform",
            "SMIME",
            "-out",
            "kid.smime",
            &p.path("romeo.crt"),
        ],
        &d,
    );
    let romeo = p.identity("romeo");
    let opened = smime::open(
        &std::fs::read(d.join("kid.smime")).unwrap(),
        &opts(Some(&romeo), &anchors),
    )
    .unwrap();
    assert_eq!(opened.content, CPIM);
    assert_eq!(opened.signers.len(), 1);

    // Text mode (no -binary): OpenSSL signs the canonical CRLF form of an LF file.
    let lf = String::from_utf8(CPIM.to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    std::fs::write(d.join("lf.cpim"), &lf).unwrap();
    openssl_ok(
        &[
            "cms",
            "-sign",
            "-in",
            "lf.cpim",
            "-signer",
            &p.path("juliet.crt"),
            "-inkey",
            &p.path("juliet.key"),
            "-outform",
            "SMIME",
            "-out",
            "text.smime",
        ],
        &d,
    );
    let opened = smime::open(
        &std::fs::read(d.join("text.smime")).unwrap(),
        &opts(None, &anchors),
    )
    .unwrap();
    assert_eq!(opened.content, CPIM);
}

#[test]
fn a_second_signer_is_checked_like_the_first() {
    // RFC 5652 §5.1 lets a SignedData hold several signers; every one is checked against
    // the anchors (and by `open` against the sender), not only the first: an untrusted
    // co-signer does not pass unseen.
    let p = pki();
    let d = p.scratch("openssl-two-signers");
    std::fs::write(d.join("msg.cpim"), CPIM).unwrap();
    let anchors = p.anchors();
    let (jc, jk, ec, ek) = (
        p.path("juliet.crt"),
        p.path("juliet.key"),
        p.path("evil.crt"),
        p.path("evil.key"),
    );
    for order in [[&jc, &jk, &ec, &ek], [&ec, &ek, &jc, &jk]] {
        openssl_ok(
            &[
                "cms",
                "-sign",
                "-binary",
                "-nodetach",
                "-in",
                "msg.cpim",
                "-signer",
                order[0],
                "-inkey",
                order[1],
                "-signer",
                order[2],
                "-inkey",
                order[3],
                "-outform",
                "SMIME",
                "-out",
                "out",
            ],
            &d,
        );
        let object = std::fs::read(d.join("out")).unwrap();
        let err = smime::open(&object, &opts(None, &anchors)).unwrap_err();
        assert!(
            matches!(
                err,
                E2eError::Certificate(xmpp_e2e::CertError::Untrusted { .. })
            ),
            "{err}"
        );
    }
}
