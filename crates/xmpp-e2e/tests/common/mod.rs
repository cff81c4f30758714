//! Test PKI made with the `openssl` command line (recipe of the project's peer notes):
//! a CA, `juliet@example.com` with an id-on-xmppAddr subjectAltName, `romeo@example.net`
//! with `im:` and `pres:` URIs, and a second, untrusted CA with its own `juliet`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use xmpp_e2e::{Certificate, Identity, Timestamp, TrustAnchors};

pub struct Pki {
    pub dir: PathBuf,
}

pub fn openssl(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run openssl ({e}); install it with `apt-get install -y openssl`")
        })
}

pub fn openssl_ok(args: &[&str], dir: &Path) -> Vec<u8> {
    let out = openssl(args, dir);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn make_ca(dir: &Path, name: &str) {
    openssl_ok(
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
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    );
}

fn make_leaf(dir: &Path, ca: &str, file: &str, cn: &str, san: &str) {
    openssl_ok(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={cn}"),
            "-keyout",
            &format!("{file}.key"),
            "-out",
            &format!("{file}.csr"),
        ],
        dir,
    );
    std::fs::write(
        dir.join(format!("{file}.ext")),
        format!(
            "[ext]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = emailProtection\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\nsubjectAltName = {san}\n"
        ),
    )
    .unwrap();
    openssl_ok(
        &[
            "x509",
            "-req",
            "-in",
            &format!("{file}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "365",
            "-sha256",
            "-extfile",
            &format!("{file}.ext"),
            "-extensions",
            "ext",
            "-out",
            &format!("{file}.crt"),
        ],
        dir,
    );
}

/// The PKI, made once per test binary.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("xmpp-e2e-pki-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        make_ca(&dir, "ca");
        make_ca(&dir, "evilca");
        make_leaf(
            &dir,
            "ca",
            "juliet",
            "juliet@example.com",
            "otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com",
        );
        make_leaf(
            &dir,
            "ca",
            "romeo",
            "romeo@example.net",
            "URI:im:romeo@example.net, URI:pres:romeo@example.net",
        );
        make_leaf(
            &dir,
            "evilca",
            "evil",
            "juliet@example.com",
            "otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com",
        );
        Pki { dir }
    })
}

impl Pki {
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap()
    }

    pub fn identity(&self, who: &str) -> Identity {
        Identity::from_pem(
            &self.read(&format!("{who}.crt")),
            &self.read(&format!("{who}.key")),
        )
        .unwrap()
    }

    pub fn cert(&self, who: &str) -> Certificate {
        Certificate::from_pem(&self.read(&format!("{who}.crt"))).unwrap()
    }

    pub fn anchors(&self) -> TrustAnchors {
        TrustAnchors::from_pem(&self.read("ca.crt")).unwrap()
    }

    /// A time inside every certificate's validity: an hour after juliet's notBefore.
    pub fn now(&self) -> Timestamp {
        self.cert("juliet").not_before().plus_seconds(3600)
    }

    /// A fresh scratch directory for one test.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let d = self.dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
