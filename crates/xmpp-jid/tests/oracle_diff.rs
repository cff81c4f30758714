//! Differential test against `tests/oracle.py`, a reference preparation written from
//! RFC 3454, RFC 3491, RFC 3490 and RFC 3920 Appendices A and B on top of the stringprep
//! tables and Unicode 3.2 data of Python's standard library.
//!
//! Several thousand JIDs are generated from a fixed seed, mixing ASCII, case, code points
//! of every stringprep table (sampled by the oracle itself), combining marks, Hangul,
//! fullwidth forms, right-to-left letters, label separators, and the 1023-byte and
//! 63-octet boundaries. For each, `Jid::parse` and the oracle must agree on the
//! canonical form or on the kind of error (and the part, and the offending character).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

use xmpp_jid::{BidiRule, Error, IpVersion, Jid, Part, Rules, punycode};

const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle.py");
const SEED: u64 = 0x3920_3454_3491_3490;
const RANDOM_CASES: usize = 10000;

/// The modules of Python's standard library `tests/oracle.py` imports.
const ORACLE_MODULES: &str = "import ipaddress, json, stringprep, sys, unicodedata";

/// Whether python3 runs with the modules the oracle needs. Without them the test fails with
/// the command that installs them; `XMPP_SKIP_PEERS=1` turns that into a skip, printed on
/// standard error.
fn oracle_available() -> bool {
    let usable = Command::new("python3")
        .args(["-c", ORACLE_MODULES])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if usable {
        return true;
    }
    let install = "apt-get update && apt-get install -y --no-install-recommends python3";
    if std::env::var_os("XMPP_SKIP_PEERS").is_some_and(|v| v == "1") {
        eprintln!(
            "SKIPPED (XMPP_SKIP_PEERS=1): python3 with its standard library is missing; `{install}` installs it"
        );
        return false;
    }
    panic!(
        "python3 with its standard library is missing: run `{install}` (or set XMPP_SKIP_PEERS=1 to skip this test)"
    );
}

/// Runs the oracle with `args`, feeding `input`.
fn run_oracle(args: &[&str], input: String) -> String {
    let mut child = Command::new("python3")
        .arg(ORACLE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3: {e}"));
    let mut stdin = child.stdin.take().expect("stdin piped");
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).expect("write to oracle");
    });
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout piped")
        .read_to_string(&mut out)
        .expect("read oracle output");
    writer.join().expect("writer thread");
    let status = child.wait().expect("oracle exit");
    assert!(status.success(), "oracle failed: {status}");
    out
}

/// A JSON string literal; every non-ASCII or control character is escaped.
fn json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

fn code_points(s: &str) -> String {
    s.chars()
        .map(|c| format!("{:04X}", u32::from(c)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Our result in the oracle's notation.
fn ours(input: &str, rules: Rules) -> String {
    let part = |p: Part| match p {
        Part::Node => "node",
        Part::Domain => "domain",
        Part::Resource => "resource",
    };
    match Jid::parse_with(input, rules) {
        Ok(jid) => format!("ok {}", code_points(jid.as_str()))
            .trim_end()
            .to_owned(),
        Err(e) => match e {
            Error::Empty(p) => format!("err {} empty", part(p)),
            Error::TooLong { part: p, .. } => format!("err {} toolong", part(p)),
            Error::Prohibited { part: p, ch } => {
                format!("err {} prohibited {:04X}", part(p), u32::from(ch))
            }
            Error::Bidi { part: p, rule } => format!(
                "err {} bidi {}",
                part(p),
                match rule {
                    BidiRule::Mixed => "mixed",
                    BidiRule::NotEnclosed => "enclosed",
                }
            ),
            Error::Unassigned { part: p, ch } => {
                format!("err {} unassigned {:04X}", part(p), u32::from(ch))
            }
            Error::BadLabel { index, .. } => format!("err domain label {index}"),
            Error::BadIpLiteral(IpVersion::V4) => "err domain ipv4".to_owned(),
            Error::BadIpLiteral(IpVersion::V6) => "err domain ipv6".to_owned(),
            other => format!("err unexpected {other:?}"),
        },
    }
}

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn range(lo: u32, hi: u32) -> Vec<char> {
    (lo..=hi).filter_map(char::from_u32).collect()
}

/// Pools of characters to draw from, by name.
fn pools(samples: &str) -> Vec<(String, Vec<char>)> {
    let mut pools: Vec<(String, Vec<char>)> = vec![
        ("lower".into(), range(0x61, 0x7A)),
        ("upper".into(), range(0x41, 0x5A)),
        ("digit".into(), range(0x30, 0x39)),
        ("ascii".into(), range(0x20, 0x7E)),
        ("combining".into(), range(0x300, 0x36F)),
        ("hangul".into(), {
            let mut v = range(0xAC00, 0xAC40);
            v.extend(range(0xD780, 0xD7A3));
            v.extend(range(0x1100, 0x1112));
            v.extend(range(0x1161, 0x1175));
            v.extend(range(0x11A8, 0x11C2));
            v
        }),
        ("fullwidth".into(), range(0xFF01, 0xFF5E)),
        ("halfwidth".into(), range(0xFF61, 0xFFDC)),
        ("hebrew".into(), range(0x5D0, 0x5EA)),
        ("arabic".into(), range(0x621, 0x64A)),
        ("arabic-marks".into(), range(0x64B, 0x669)),
        ("marks".into(), {
            // Combining marks of many classes, for canonical reordering and composition.
            let mut v = range(0x591, 0x5C7);
            v.extend(range(0xE31, 0xE4E));
            v.extend(range(0xF71, 0xF84));
            v.extend(range(0x302A, 0x302F));
            v.extend(range(0x3099, 0x309A));
            v.extend(range(0x1D165, 0x1D172));
            v.extend(range(0x1D17B, 0x1D18B));
            v.extend(range(0x93C, 0x94D));
            v.extend(range(0x1B30, 0x1B44));
            v
        }),
        (
            "separator".into(),
            vec!['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'],
        ),
        ("latin1".into(), range(0xA0, 0xFF)),
        ("greek".into(), range(0x370, 0x3FF)),
        ("compat".into(), {
            let mut v = range(0x2460, 0x24FF);
            v.extend(range(0x3300, 0x3357));
            v.extend(range(0xFB00, 0xFB4F));
            v.extend(range(0x1D400, 0x1D41F));
            v.extend(range(0x2F800, 0x2F810));
            v.extend([
                '\u{2F868}',
                '\u{2F874}',
                '\u{2F91F}',
                '\u{2F95F}',
                '\u{2F9BF}',
            ]);
            v.extend(['\u{F951}', '\u{2024}', '\u{FE52}', '\u{FF20}', '\u{FF0F}']);
            v
        }),
        ("astral".into(), {
            let mut v = range(0x10000, 0x1003F);
            v.extend(range(0x20000, 0x2001F));
            v.extend(range(0xE0000, 0xE007F));
            v.extend(range(0xF0000, 0xF0004));
            v.extend(range(0x10FFFC, 0x10FFFF));
            v
        }),
    ];
    for line in samples.lines() {
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        let chars: Vec<char> = words
            .filter_map(|w| u32::from_str_radix(w, 16).ok())
            .filter_map(char::from_u32)
            .collect();
        if !chars.is_empty() {
            pools.push((format!("table-{name}"), chars));
        }
    }
    pools
}

/// Pools that are mostly accepted by every profile: strings are built from these, with
/// now and then a character of any pool (a table sample, a separator, an astral one).
const BENIGN: &[&str] = &[
    "lower",
    "upper",
    "digit",
    "ascii",
    "combining",
    "marks",
    "hangul",
    "fullwidth",
    "halfwidth",
    "hebrew",
    "arabic",
    "latin1",
    "greek",
    "compat",
    "table-b1",
    "table-b2",
    "table-d1",
    "table-d2",
    "table-nfkc",
];

fn random_text(rng: &mut Rng, pools: &[(String, Vec<char>)], max: usize) -> String {
    let len = rng.below(max + 1);
    let benign: Vec<usize> = (0..pools.len())
        .filter(|&i| BENIGN.contains(&pools[i].0.as_str()))
        .collect();
    // Mostly one or two pools per string, so that the rarer combinations (RTL-only,
    // Hangul-only) occur often enough.
    let a = *rng.pick(&benign);
    let b = *rng.pick(&benign);
    let mut s = String::new();
    for _ in 0..len {
        let pool = match rng.below(24) {
            0 => rng.below(pools.len()),
            1..=5 => b,
            _ => a,
        };
        s.push(*rng.pick(&pools[pool].1));
    }
    s
}

fn random_domain(rng: &mut Rng, pools: &[(String, Vec<char>)]) -> String {
    let labels = 1 + rng.below(4);
    let mut s = String::new();
    for i in 0..labels {
        if i > 0 {
            s.push(*rng.pick(&['.', '.', '.', '\u{3002}', '\u{FF0E}', '\u{FF61}']));
        }
        match rng.below(5) {
            0 => {
                let word: &&str = rng.pick(&[
                    "example", "com", "xn--abc", "IM", "a-b", "42", "-x", "y-", "a_b", "*",
                ]);
                s.push_str(word);
            }
            // The ASCII (ACE) spelling of a random label, sometimes in upper case or with
            // a character changed, so that decoding succeeds and fails both.
            1 => {
                let text = random_text(rng, pools, 6);
                let mut ace = format!("xn--{}", punycode::encode(&text).unwrap_or_default());
                match rng.below(6) {
                    0 => ace = ace.to_ascii_uppercase(),
                    1 => ace.push(*rng.pick(&['a', '9', '-', 'Z'])),
                    2 => {
                        ace.pop();
                    }
                    _ => {}
                }
                s.push_str(&ace);
            }
            _ => s.push_str(&random_text(rng, pools, 6)),
        }
    }
    if rng.below(10) == 0 {
        s.push(*rng.pick(&['.', '\u{3002}']));
    }
    s
}

fn random_jid(rng: &mut Rng, pools: &[(String, Vec<char>)]) -> String {
    let mut s = String::new();
    if rng.below(3) != 0 {
        s.push_str(&random_text(rng, pools, 8));
        s.push('@');
    }
    s.push_str(&random_domain(rng, pools));
    if rng.below(2) == 0 {
        s.push('/');
        s.push_str(&random_text(rng, pools, 8));
    }
    s
}

/// ASCII only, separators frequent: exercises the fast paths (canonical, case folding,
/// inline storage up to 54 bytes) against the general one.
fn random_ascii(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"abcxyzABCXYZ0129..@@//-_ :\"&'<>[]!~\x7f\t";
    let len = rng.below(72);
    (0..len).map(|_| char::from(*rng.pick(ALPHABET))).collect()
}

/// Long parts, around the 1023-byte limit after preparation, built by repeating a short
/// random piece.
fn random_long(rng: &mut Rng, pools: &[(String, Vec<char>)]) -> String {
    let piece = random_text(rng, pools, 3);
    let mut part = String::new();
    let target = 900 + rng.below(250);
    while !piece.is_empty() && part.len() < target {
        part.push_str(&piece);
    }
    if part.is_empty() {
        part.push('x');
    }
    match rng.below(3) {
        0 => format!("{part}@example.com"),
        1 => format!("example.com/{part}"),
        _ => {
            // A long domain: labels of the piece, up to the limit.
            let label: String = part.chars().take(1 + rng.below(20)).collect();
            let count = 1 + target / (label.len() + 1);
            vec![label.as_str(); count].join(".")
        }
    }
}

/// Hand-picked shapes: bidi, boundaries, literals.
fn fixed_cases() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let rtl = [
        "\u{5D0}",
        "\u{5D0}\u{5D1}",
        "\u{627}1\u{628}",
        "\u{627}1",
        "1\u{627}",
    ];
    for r in rtl {
        v.push(format!("{r}@example.com"));
        v.push(format!("{r}a@example.com"));
        v.push(format!("example.com/{r}"));
        v.push(format!("example.com/{r} x"));
        v.push(format!("{r}.example"));
        v.push(format!("{r}x.example"));
        v.push(format!("x@{r}"));
        v.push(format!("{r}\u{5BF}@x"));
        v.push(format!("{r}\u{300}@x"));
    }
    // ACE labels, the STD3 rules, the root dot and text with ':'.
    for d in [
        "xn--bcher-kva.example",
        "XN--BCHER-KVA.example.",
        "xn--bcher-kva\u{3002}example\u{3002}",
        "\u{FF58}\u{FF4E}--bcher-kva.example",
        "xn--r8jz45g.xn--zckzah",
        "xn--",
        "xn--zca",
        "xn--a-vbb",
        "xn--kba",
        "xn--oug",
        "xn--ls8h",
        "xn--abc",
        "xn--4ca.xn--4ca",
        "a b.example",
        "-a.example",
        "a-.example",
        "*.example.com",
        "<x>",
        "nul\u{0}.example",
        "del\u{7F}",
        "example.com:5222",
        "1::2::3",
        "::1:",
        "::1",
        "1::2.",
        "example.com.",
        ".",
        "\u{A0}.example",
        "b\u{FC}cher_.example",
        "\u{FF1A}1",
    ] {
        v.push(d.to_owned());
        v.push(format!("n@{d}/r"));
    }
    for n in [1022, 1023, 1024] {
        v.push(format!("{}@x", "a".repeat(n)));
        v.push(format!("{}@x", "A".repeat(n)));
        v.push(format!("x/{}", "r".repeat(n)));
        v.push(format!("{}@x", "\u{E9}".repeat(n / 2)));
        v.push(format!("{}a@x", "\u{E9}".repeat(n / 2)));
        v.push(format!("x/{}", "\u{FB01}".repeat(n / 3)));
        v.push(format!("x/{}", "\u{FB01}".repeat(n / 2)));
        v.push(format!("{}@x", "\u{3300}".repeat(n / 12)));
        v.push(format!("{}@x", "\u{3300}".repeat(n / 12 + 1)));
        v.push(format!("x/{}\u{AD}", "r".repeat(n)));
    }
    // Domains at the 1023-byte limit: 16 labels of 63 octets make 1023.
    let label = "a".repeat(63);
    let d16 = vec![label.as_str(); 16].join(".");
    v.push(d16.clone());
    v.push(format!("{d16}."));
    v.push(format!("{d16}b"));
    v.push(format!("{d16}.b"));
    v.push(vec!["\u{E9}"; 600].join("."));
    for n in [62, 63, 64] {
        v.push(format!("{}.com", "a".repeat(n)));
        v.push(format!("{}.com", "\u{FF41}".repeat(n)));
        v.push(format!("\u{FC}{}.com", "a".repeat(n - 6)));
        v.push(format!("\u{FC}{}.com", "a".repeat(n - 7)));
        v.push(format!("\u{FC}{}.com", "a".repeat(n - 8)));
        v.push(format!("{}.com", "\u{AC00}".repeat(n / 4)));
        v.push(format!("{}\u{AD}.com", "a".repeat(n)));
    }
    for d in [
        "[::1]",
        "::1",
        "[::FFFF:1.2.3.4]",
        "[::1.2.3.4]",
        "[1:0:0:0:0:0:0:1]",
        "[1::2::3]",
        "[::1",
        "[]",
        "[fe80::1%eth0]",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6::7:8",
        "[1:2:3:4:5:6:7:8:9]",
        "[::]",
        "::",
        "[0::0:0]",
        "[::1:2:3:4]",
        "[::ffff:0:0]",
        "[64:ff9b::1.2.3.4]",
        "[1:2:3:4:5:6:1.2.3.4]",
        "[1:2:3:4:5:6:7:1.2.3.4]",
        "[::1.2.3]",
        "[::01.2.3.4]",
        "[00001::1]",
        "[::ABCD:ef01]",
        "[ ::1]",
        "[::1]]",
        "[[::1]",
        ":",
        ":::",
        "1:2",
        "a:b:c",
        "\u{FF1A}\u{FF1A}1",
        "\u{FF3B}\u{FF1A}\u{FF1A}\u{FF3D}",
        "[\u{FF1A}\u{FF1A}1]",
        "1.2.3.4",
        "1.2.3.04",
        "256.1.1.1",
        "1.2.3.4.",
        "1.2.3",
        "1.2.3.4.5",
        "\u{FF11}.2.3.4",
        "\u{FF11}\u{FF15}\u{FF16}.1.1.1",
        "\u{FF3B}::1\u{FF3D}",
        "\u{AD}[::1]",
        "[::1]\u{AD}",
        "x:5222",
        "a b.example",
        "-x-.example",
        "xn--abc.example",
        "XN--\u{E9}.example",
        "xn--\u{E9}.example",
        ".",
        "..",
        "a..b",
        ".a",
        "a.\u{3002}",
        "a\u{2024}b",
        "a\u{FE52}b",
        "a\u{FF20}b",
        "a\u{FF0F}b",
        "\u{AD}",
        "\u{AD}.com",
        "example.com\u{FF61}",
        "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr@x",
        "\u{E9}rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr@x",
    ] {
        v.push(d.to_owned());
        v.push(format!("n@{d}/r"));
    }
    for s in [
        "",
        "@",
        "/",
        "@x",
        "x@",
        "x/",
        "a@b@c",
        "a/b@c",
        "a@b/c@d/e",
        "\u{AD}@x",
        "x/\u{AD}",
        "\u{FF20}@x",
        "a\u{FF1A}b@x",
        "x/\u{2028}",
        "x/ ",
        "x/\u{A0}",
        "\u{1D400}@x",
        "\u{130}@x",
        "\u{DF}@x",
        "\u{3A3}\u{3A3}@x",
        "\u{1E9E}@x",
        "\u{221}@x",
        "x/\u{E0001}",
        "x/\u{F0000}",
    ] {
        v.push(s.to_owned());
    }
    v
}

#[test]
fn jid_parse_agrees_with_the_oracle() {
    if !oracle_available() {
        return;
    }
    let samples = run_oracle(&["--samples"], String::new());
    let pools = pools(&samples);
    assert!(
        pools
            .iter()
            .filter(|(n, _)| n.starts_with("table-"))
            .count()
            >= 16,
        "the oracle sampled too few tables:\n{samples}"
    );
    // ORACLE_SEED and ORACLE_CASES widen a local search; the defaults are what CI runs.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("ORACLE_SEED").unwrap_or(SEED);
    let cases = env("ORACLE_CASES").map_or(RANDOM_CASES, |n| n as usize);
    let mut rng = Rng(seed);
    let mut inputs = fixed_cases();
    for i in 0..cases {
        inputs.push(match i % 5 {
            0 => random_ascii(&mut rng),
            1 => random_long(&mut rng, &pools),
            _ => random_jid(&mut rng, &pools),
        });
    }
    // ORACLE_EXHAUSTIVE=1: every code point of planes 0-2 and 14 alone as a node, a
    // resource and a domain, before a combining acute, and between Hebrew letters (about
    // a million inputs, about 15 s).
    if std::env::var_os("ORACLE_EXHAUSTIVE").is_some() {
        let planes = (0..0x3_0000).chain(0xE_0000..0xE_1000);
        for c in planes.filter_map(char::from_u32) {
            inputs.push(format!("{c}@x"));
            inputs.push(format!("x/{c}"));
            inputs.push(c.to_string());
            // Composition with a following mark; bidi class between RTL letters.
            inputs.push(format!("{c}\u{301}@x"));
            inputs.push(format!("x/\u{5D0}{c}\u{5D0}"));
        }
    }
    // Both readings of the domain rules, each against the oracle's same reading.
    for (rules, name) in [
        (Rules::Rfc6122, "rfc6122"),
        (Rules::Rfc3920Literal, "rfc3920-literal"),
    ] {
        agree(&inputs, rules, name, seed);
    }
}

/// Compares `Jid::parse_with(_, rules)` with the oracle run with `--rules name`.
fn agree(inputs: &[String], rules: Rules, name: &str, seed: u64) {
    let request: String = inputs.iter().map(|s| json(s) + "\n").collect();
    let answers = run_oracle(&["--rules", name], request);
    let answers: Vec<&str> = answers.lines().collect();
    assert_eq!(answers.len(), inputs.len(), "one answer per input");

    let mut mismatches = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (input, theirs) in inputs.iter().zip(&answers) {
        let mine = ours(input, rules);
        let class = |r: &str| r.split(' ').take(3).collect::<Vec<_>>().join(" ");
        if class(&mine).starts_with("ok") {
            *kinds.entry("ok".into()).or_default() += 1;
        } else {
            *kinds.entry(class(&mine)).or_default() += 1;
        }
        if mine != *theirs {
            mismatches.push(format!(
                "input [{}]\n  ours:   {mine}\n  oracle: {theirs}",
                code_points(input)
            ));
        }
    }
    println!(
        "{name}: seed {seed:#x}, {} inputs; outcomes: {kinds:?}",
        inputs.len()
    );
    mismatches.truncate(40);
    assert!(
        mismatches.is_empty(),
        "{name}: mismatches (first 40) of {} inputs:\n{}",
        inputs.len(),
        mismatches.join("\n")
    );
}
