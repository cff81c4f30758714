//! RFC 3923 end to end with `xmpp-e2e`, RSA-2048 keys (the crate's test certificates):
//!
//! - `e2e/sign_encrypt`: a 200-byte message stanza to CPIM, signed (SHA-256, RSA PKCS #1
//!   v1.5, detached) and encrypted (RSA key transport, AES-128-CBC) into `<e2e/>`;
//! - `e2e/decrypt_verify`: the reverse on the receiver, with the chain, address and
//!   timestamp checks.
//!
//! After criterion, the bench times both paths again and runs `openssl speed rsa2048` in
//! the same run. The RSA operations dominate: sign+encrypt is one private-key operation
//! (signature) and one public (key transport); decrypt+verify is one private (key
//! transport) and two public (the message signature and the certificate's). The report
//! gives our rate beside the rate OpenSSL's RSA alone would allow for the same operations,
//! as a ratio.
#![allow(missing_docs)]
use std::process::Command;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use xmpp_e2e::random::SeededRandom;
use xmpp_e2e::{Identity, Protection, Reception, SendConfig, Timestamp, TrustAnchors};
use xmpp_xml::Element;

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!("../../crates/xmpp-e2e/tests/vectors/", $name))
    };
}

struct Setup {
    juliet: Identity,
    romeo: Identity,
    anchors: TrustAnchors,
    now: Timestamp,
    stanza: Element<'static>,
}

fn setup() -> Setup {
    let body = "O Romeo, Romeo, wherefore art thou Romeo? Deny thy father and refuse thy name; \
        or if thou wilt not, be but sworn my love, and I'll no longer be a Capulet. \
        'Tis but thy name that is my enemy; thou art thyself.";
    let body = &body[..200];
    let xml = format!(
        "<message xmlns='jabber:client' from='juliet@example.com/balcony' \
         to='romeo@example.net/orchard' type='chat'><body>{body}</body></message>"
    );
    Setup {
        juliet: Identity::from_pem(vector!("juliet.crt"), vector!("juliet.key")).unwrap(),
        romeo: Identity::from_pem(vector!("romeo.crt"), vector!("romeo.key")).unwrap(),
        anchors: TrustAnchors::from_pem(vector!("ca.crt")).unwrap(),
        now: Timestamp::parse_rfc3339("2030-01-01T12:00:00Z").unwrap(),
        stanza: xmpp_e2e::parse_stanza(xml.as_bytes()).unwrap(),
    }
}

fn sign_encrypt(s: &Setup, random: &mut SeededRandom) -> Element<'static> {
    let protection = Protection {
        signer: Some(&s.juliet),
        recipients: std::slice::from_ref(&s.romeo.certificate),
        config: SendConfig::default(),
        now: s.now,
    };
    xmpp_e2e::secure(s.stanza.as_ref(), &protection, random).unwrap()
}

fn decrypt_verify(s: &Setup, secured: &Element<'_>) -> xmpp_e2e::Opened {
    let reception = Reception {
        recipient: Some(&s.romeo),
        anchors: Some(&s.anchors),
        known: &[],
        now: s.now,
        require_signature: true,
    };
    xmpp_e2e::open(secured.as_ref(), &reception).unwrap()
}

fn benches(c: &mut Criterion, s: &Setup) {
    let mut random = SeededRandom::new(3923);
    let secured = sign_encrypt(s, &mut random);
    let mut g = c.benchmark_group("e2e");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    g.bench_function("sign_encrypt", |b| b.iter(|| sign_encrypt(s, &mut random)));
    g.bench_function("decrypt_verify", |b| b.iter(|| decrypt_verify(s, &secured)));
    g.finish();
}

/// Operations per second of `f`, timed over about two seconds.
fn rate(mut f: impl FnMut()) -> f64 {
    f();
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed().as_secs_f64() < 2.0 {
        f();
        n += 1;
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

/// `openssl speed rsa2048`: (sign/s, verify/s), or why not.
fn openssl_speed() -> Result<(f64, f64), String> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "2", "rsa2048"])
        .output()
        .map_err(|e| {
            format!("openssl not found ({e}); install it with `apt-get install -y openssl`")
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa 2048 bits"))
        .ok_or_else(|| format!("no 'rsa 2048 bits' line in: {text}"))?;
    // "rsa 2048 bits 0.000231s 0.000014s   4321.2  72703.0": bits, times, then rates.
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.trim_end_matches('s').parse().ok())
        .collect();
    match nums.as_slice() {
        [_, _, _, sign, verify, ..] => Ok((*sign, *verify)),
        _ => Err(format!("unexpected line: {line}")),
    }
}

/// The `rsa` crate's own RSA-2048 rates on this machine: (private-key operations/s,
/// public-key operations/s), PKCS #1 v1.5 signatures over a SHA-256 digest.
fn rsa_crate_speed() -> (f64, f64) {
    use rsa::pkcs8::DecodePrivateKey;
    use sha2::Digest;
    let pem = std::str::from_utf8(vector!("juliet.key")).unwrap();
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
    let public = rsa::RsaPublicKey::from(&key);
    let digest = sha2::Sha256::digest(b"two hundred bytes");
    let scheme = || rsa::Pkcs1v15Sign::new::<sha2::Sha256>();
    let sig = key.sign(scheme(), &digest).unwrap();
    let private = rate(|| {
        key.sign(scheme(), &digest).unwrap();
    });
    let public_rate = rate(|| public.verify(scheme(), &digest, &sig).unwrap());
    (private, public_rate)
}

fn report(s: &Setup) {
    let mut random = SeededRandom::new(1);
    let secured = sign_encrypt(s, &mut random);
    let ours_send = rate(|| {
        sign_encrypt(s, &mut random);
    });
    let ours_recv = rate(|| {
        decrypt_verify(s, &secured);
    });
    println!("\ne2e report (RSA-2048, 200-byte body, SHA-256, AES-128-CBC)");
    println!("  xmpp-e2e sign+encrypt    {ours_send:>9.1} stanzas/s");
    println!("  xmpp-e2e decrypt+verify  {ours_recv:>9.1} stanzas/s");
    let (rsa_private, rsa_public) = rsa_crate_speed();
    println!("  rsa crate (RustCrypto)   {rsa_private:>9.1} sign/s  {rsa_public:>9.1} verify/s");
    let own_send = 1.0 / (1.0 / rsa_private + 1.0 / rsa_public);
    let own_recv = 1.0 / (1.0 / rsa_private + 2.0 / rsa_public);
    println!(
        "  time in the rsa crate's RSA operations: sign+encrypt {:.0} %, decrypt+verify {:.0} %",
        100.0 * ours_send / own_send,
        100.0 * ours_recv / own_recv
    );
    match openssl_speed() {
        Ok((sign, verify)) => {
            // The same RSA operations with OpenSSL's RSA: one private + one public to send,
            // one private + two public to receive.
            let send_bound = 1.0 / (1.0 / sign + 1.0 / verify);
            let recv_bound = 1.0 / (1.0 / sign + 2.0 / verify);
            println!("  openssl speed rsa2048    {sign:>9.1} sign/s  {verify:>9.1} verify/s");
            println!(
                "  sign+encrypt:   ours {ours_send:.1}/s, OpenSSL RSA bound {send_bound:.1}/s, ratio {:.2}",
                ours_send / send_bound
            );
            println!(
                "  decrypt+verify: ours {ours_recv:.1}/s, OpenSSL RSA bound {recv_bound:.1}/s, ratio {:.2}",
                ours_recv / recv_bound
            );
        }
        Err(e) => panic!("{e}"),
    }
}

fn main() {
    let s = setup();
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &s);
    c.final_summary();
    // `cargo test --benches` runs this binary in test mode: skip the timing report there.
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        report(&s);
    }
}
