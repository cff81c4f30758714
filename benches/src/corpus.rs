//! Deterministic generator of a client-to-server XMPP stream (RFC 3920 §4, §9).
//!
//! The composition reproduces the traffic mix described by the shared corpus
//! (`shared/corpus/gen_corpus.py` and its `c2s-8mb.stats.txt`): the kinds of stanzas, their
//! shares, the probabilities of each optional child, the word and name lists, the non-ASCII
//! snippets and the entity/character-reference snippets are facts of that mix and are taken
//! from there. The published figures of the 8 MiB stream are, per stanza kind
//! (count share, average size):
//!
//! | kind          | share  | avg size  |
//! | ------------- | ------ | --------- |
//! | iq            | 19.6 % | 725.6 B   |
//! | message       | 45.0 % | 256.6 B   |
//! | message-large |  0.2 % | 3354.9 B  |
//! | presence      | 35.3 % | 228.9 B   |
//!
//! with 343.4 bytes per stanza on average ([`PUBLISHED_8MIB`]). The output is not byte-identical
//! with the Python generator (the random source differs) but has the same shape, so the
//! benchmarks of a fresh clone need no data file.

use std::fmt;

/// Kinds of top-level elements the generator emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StanzaKind {
    /// `<iq/>`: pings, roster results, disco#info results, small queries.
    Iq,
    /// `<message/>` of ordinary size: chat bodies, chat states, receipts.
    Message,
    /// `<message/>` with a body of several kilobytes.
    MessageLarge,
    /// `<presence/>`: show, status, priority, entity capabilities, avatar hash.
    Presence,
}

impl StanzaKind {
    /// Every kind, in the order of the published statistics.
    pub const ALL: [StanzaKind; 4] = [
        StanzaKind::Iq,
        StanzaKind::Message,
        StanzaKind::MessageLarge,
        StanzaKind::Presence,
    ];

    /// The label used in the statistics (`message-large` for large messages).
    pub fn label(self) -> &'static str {
        match self {
            StanzaKind::Iq => "iq",
            StanzaKind::Message => "message",
            StanzaKind::MessageLarge => "message-large",
            StanzaKind::Presence => "presence",
        }
    }

    fn index(self) -> usize {
        match self {
            StanzaKind::Iq => 0,
            StanzaKind::Message => 1,
            StanzaKind::MessageLarge => 2,
            StanzaKind::Presence => 3,
        }
    }
}

/// Published composition of one kind in a stats file: share of stanzas (percent) and average
/// size in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PublishedKind {
    /// The stanza kind.
    pub kind: StanzaKind,
    /// Percentage of all stanzas.
    pub share_pct: f64,
    /// Average serialized size in bytes, trailing whitespace included.
    pub avg_bytes: f64,
}

/// Figures of `shared/corpus/c2s-8mb.stats.txt` (8 389 029 bytes, 24 431 stanzas,
/// 343.4 bytes per stanza).
pub const PUBLISHED_8MIB: [PublishedKind; 4] = [
    PublishedKind {
        kind: StanzaKind::Iq,
        share_pct: 19.6,
        avg_bytes: 725.6,
    },
    PublishedKind {
        kind: StanzaKind::Message,
        share_pct: 45.0,
        avg_bytes: 256.6,
    },
    PublishedKind {
        kind: StanzaKind::MessageLarge,
        share_pct: 0.2,
        avg_bytes: 3354.9,
    },
    PublishedKind {
        kind: StanzaKind::Presence,
        share_pct: 35.3,
        avg_bytes: 228.9,
    },
];

/// Average stanza size of `c2s-8mb.stats.txt`, in bytes.
pub const PUBLISHED_8MIB_AVG_STANZA: f64 = 343.4;

/// Composition of a generated stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusStats {
    counts: [usize; 4],
    bytes: [usize; 4],
    largest: usize,
}

impl CorpusStats {
    fn record(&mut self, kind: StanzaKind, len: usize) {
        self.counts[kind.index()] += 1;
        self.bytes[kind.index()] += len;
        self.largest = self.largest.max(len);
    }

    /// Size of the largest stanza, in bytes.
    pub fn largest(&self) -> usize {
        self.largest
    }

    /// Number of stanzas of one kind.
    pub fn count(&self, kind: StanzaKind) -> usize {
        self.counts[kind.index()]
    }

    /// Bytes taken by the stanzas of one kind (with the whitespace that follows some of them).
    pub fn bytes(&self, kind: StanzaKind) -> usize {
        self.bytes[kind.index()]
    }

    /// Number of top-level elements after the stream header.
    pub fn stanzas(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Bytes of all stanzas (the stream header and closing tag excluded).
    pub fn stanza_bytes(&self) -> usize {
        self.bytes.iter().sum()
    }

    /// Percentage of stanzas of one kind.
    pub fn share_pct(&self, kind: StanzaKind) -> f64 {
        percent(self.count(kind), self.stanzas())
    }

    /// Percentage of stanza bytes taken by one kind.
    pub fn byte_share_pct(&self, kind: StanzaKind) -> f64 {
        percent(self.bytes(kind), self.stanza_bytes())
    }

    /// Average size of a stanza of one kind, in bytes (0 when there is none).
    pub fn avg_bytes(&self, kind: StanzaKind) -> f64 {
        ratio(self.bytes(kind), self.count(kind))
    }

    /// Average size of a stanza, in bytes.
    pub fn avg_stanza(&self) -> f64 {
        ratio(self.stanza_bytes(), self.stanzas())
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn percent(num: usize, den: usize) -> f64 {
    100.0 * ratio(num, den)
}

impl fmt::Display for CorpusStats {
    /// The layout of the `*.stats.txt` files, without the leading name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} stanzas, avg stanza {:.1} bytes",
            self.stanzas(),
            self.avg_stanza()
        )?;
        for kind in StanzaKind::ALL {
            if self.count(kind) == 0 {
                continue;
            }
            write!(
                f,
                "\n  {:14} {:7} ({:5.1}%)  avg {:7.1} B  bytes {:5.1}%",
                kind.label(),
                self.count(kind),
                self.share_pct(kind),
                self.avg_bytes(kind),
                self.byte_share_pct(kind)
            )?;
        }
        Ok(())
    }
}

/// A generated stream and its composition.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The stream: XML declaration, `<stream:stream>` header, stanzas, optional closing tag.
    pub bytes: Vec<u8>,
    /// Composition of the stanzas.
    pub stats: CorpusStats,
}

/// The stream header every generated stream starts with (RFC 3920 §4.4, jabber:client).
pub const STREAM_HEADER: &str = "<?xml version='1.0'?><stream:stream from='juliet@im.example.com' \
     to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' \
     xmlns:stream='http://etherx.jabber.org/streams'>";

/// The closing tag of the stream (RFC 3920 §4.4).
pub const STREAM_FOOTER: &str = "</stream:stream>";

/// A client-to-server stream of about `bytes_target` bytes (never more than the target plus
/// one stanza), closed with `</stream:stream>`. Same `(bytes_target, seed)`, same bytes; for
/// one seed, a shorter stream is a prefix of a longer one (up to its closing tag).
pub fn corpus(bytes_target: usize, seed: u64) -> Vec<u8> {
    generate(bytes_target, seed, true).bytes
}

/// Like [`corpus`], with its statistics, and the closing tag only when `close` is true (an
/// open stream is what a server holds most of the time).
pub fn generate(bytes_target: usize, seed: u64, close: bool) -> Corpus {
    let mut g = Gen {
        rng: Rng::new(seed),
        serial: 0,
        out: Vec::with_capacity(bytes_target + 8 * 1024),
    };
    let mut stats = CorpusStats::default();
    g.out.extend_from_slice(STREAM_HEADER.as_bytes());
    while g.out.len() + STREAM_FOOTER.len() < bytes_target {
        let start = g.out.len();
        let kind = g.stanza();
        // Some clients send whitespace between stanzas (keepalives, pretty printing): 5 %.
        if g.rng.chance(0.05) {
            g.out.push(b'\n');
        }
        stats.record(kind, g.out.len() - start);
    }
    if close {
        g.out.extend_from_slice(STREAM_FOOTER.as_bytes());
    }
    Corpus {
        bytes: g.out,
        stats,
    }
}

/// SplitMix64: small, fast, and good enough to draw a traffic mix.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.between(0, items.len() - 1)]
    }
}

// Vocabulary of the traffic mix (shared/corpus/gen_corpus.py).
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe", "jürgen",
    "zoë", "søren", "élodie", "ming", "yuki",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "jabber.org",
    "im.example.net",
    "chat.example.org",
    "xmpp.example.de",
    "conference.example.com",
];
const RESOURCES: &[&str] = &[
    "laptop",
    "phone",
    "Gajim",
    "Conversations.aXb3",
    "Psi+",
    "Dino",
    "Monal-iOS.8f2c",
    "desktop",
    "work",
];
/// Roster groups, already escaped for text content.
const GROUPS: &[&str] = &[
    "Friends",
    "Work",
    "Family",
    "Coworkers",
    "XMPP devs",
    "Ünïcødé group",
    "Old school",
    "Neighbours &amp; co",
];
const WORDS: &[&str] = &[
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "hello", "world", "are", "you",
    "there", "meeting", "tomorrow", "at", "ten", "sounds", "good", "thanks", "see", "you", "later",
    "ok", "sure", "let", "me", "check", "the", "build", "it", "failed", "again", "on", "the",
    "server", "can", "you", "send", "the", "logs", "please", "I", "pushed", "a", "fix", "for",
    "the", "parser", "review", "when", "you", "can", "lunch", "coffee", "deploy", "release",
    "version", "patch", "branch", "merge", "conflict",
];
const NON_ASCII: &[&str] = &[
    "Grüße aus München",
    "ça va très bien",
    "¿Qué tal?",
    "Привет, как дела?",
    "こんにちは、元気ですか",
    "你好世界",
    "مرحبا بالعالم",
    "שלום עולם",
    "Ελληνικά κείμενα",
    "emoji 😀🎉👍",
    "naïve café résumé",
    "Zürich→Genève",
    "한국어 메시지",
    "ñandú pingüino",
];
/// Text with the five predefined entities and character references (RFC 3920 §11.1 allows
/// exactly these).
const ESCAPED: &[&str] = &[
    "a &lt; b &amp;&amp; c &gt; d",
    "Tom &amp; Jerry",
    "use &lt;br/&gt; here",
    "&quot;quoted&quot; and &apos;apos&apos;",
    "price: 5&#x20AC; or &#8364;5",
    "smile &#x1F600; ok",
    "&#169; 2024 &amp; beyond",
    "x &lt;= y &#x2264; z",
];
const FEATURES: &[&str] = &[
    "http://jabber.org/protocol/caps",
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/disco#items",
    "http://jabber.org/protocol/muc",
    "http://jabber.org/protocol/chatstates",
    "http://jabber.org/protocol/ibb",
    "http://jabber.org/protocol/si",
    "http://jabber.org/protocol/si/profile/file-transfer",
    "http://jabber.org/protocol/bytestreams",
    "jabber:iq:version",
    "jabber:iq:last",
    "jabber:iq:time",
    "urn:xmpp:time",
    "urn:xmpp:ping",
    "urn:xmpp:receipts",
    "urn:xmpp:carbons:2",
    "urn:xmpp:mam:2",
    "urn:xmpp:message-correct:0",
    "urn:xmpp:jingle:1",
    "urn:xmpp:jingle:apps:rtp:1",
    "urn:xmpp:jingle:apps:rtp:audio",
    "urn:xmpp:jingle:apps:rtp:video",
    "urn:xmpp:jingle:transports:ice-udp:1",
    "urn:xmpp:avatar:metadata+notify",
    "http://jabber.org/protocol/nick+notify",
    "urn:xmpp:bookmarks:1+notify",
    "eu.siacs.conversations.axolotl.devicelist+notify",
    "urn:xmpp:chat-markers:0",
    "urn:xmpp:sid:0",
    "urn:xmpp:hints",
    "urn:xmpp:eme:0",
    "jabber:x:conference",
    "jabber:x:oob",
    "urn:xmpp:reply:0",
    "urn:xmpp:reactions:0",
];
const CHAT_STATES: &[&str] = &["composing", "paused", "active", "inactive", "gone"];
const SURNAMES: &[&str] = &["Smith", "Müller", "O&apos;Brien", "Dupont", "李", "Ivanov"];
const CLIENT_NODES: &[&str] = &[
    "http://gajim.org",
    "http://conversations.im",
    "https://dino.im",
    "http://psi-plus.com",
];
const CLIENT_NAMES: &[&str] = &["Gajim", "Conversations", "Dino", "Psi+"];
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";

/// Flavour of a piece of human text.
#[derive(Clone, Copy)]
enum Text {
    Ascii,
    NonAscii,
    Escaped,
}

struct Gen {
    rng: Rng,
    serial: u64,
    out: Vec<u8>,
}

impl Gen {
    fn s(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Clients differ in their quoting: 60 % single, 40 % double quotes.
    fn quote(&mut self) -> u8 {
        if self.rng.chance(0.6) { b'\'' } else { b'"' }
    }

    /// ` name=` and the opening quote; returns the quote to close with.
    fn open_attr(&mut self, name: &str) -> u8 {
        let q = self.quote();
        self.out.push(b' ');
        self.s(name);
        self.out.push(b'=');
        self.out.push(q);
        q
    }

    fn attr(&mut self, name: &str, value: &str) {
        let q = self.open_attr(name);
        self.s(value);
        self.out.push(q);
    }

    fn hex(&mut self, digits: usize) {
        let mut v = self.rng.next_u64();
        for i in 0..digits {
            if i % 16 == 0 && i > 0 {
                v = self.rng.next_u64();
            }
            self.out.push(HEX[(v & 15) as usize]);
            v >>= 4;
        }
    }

    fn decimal(&mut self, n: usize) {
        self.s(&n.to_string());
    }

    /// `node@domain` or, 70 % of the time when `full`, `node@domain/resource` (RFC 3920 §3).
    fn jid(&mut self, full: bool) {
        let first = *self.rng.pick(FIRST);
        self.s(first);
        let n = self.rng.between(1, 999);
        self.decimal(n);
        self.out.push(b'@');
        let domain = *self.rng.pick(DOMAINS);
        self.s(domain);
        if full && self.rng.chance(0.7) {
            self.out.push(b'/');
            let res = *self.rng.pick(RESOURCES);
            self.s(res);
        }
    }

    fn jid_attr(&mut self, name: &str, full: bool) {
        let q = self.open_attr(name);
        self.jid(full);
        self.out.push(q);
    }

    /// A stanza id: 8 hex digits and a serial number.
    fn id_attr(&mut self, name: &str) {
        let q = self.open_attr(name);
        self.hex(8);
        self.serial += 1;
        self.out.push(b'-');
        self.decimal(self.serial as usize);
        self.out.push(q);
    }

    fn words(&mut self, lo: usize, hi: usize) {
        let n = self.rng.between(lo, hi);
        for i in 0..n {
            if i > 0 {
                self.out.push(b' ');
            }
            let w = *self.rng.pick(WORDS);
            self.s(w);
        }
    }

    fn text(&mut self, flavour: Text) {
        match flavour {
            Text::Ascii => self.words(2, 25),
            Text::NonAscii | Text::Escaped => {
                self.words(0, 8);
                self.out.push(b' ');
                let snippet = if let Text::NonAscii = flavour {
                    *self.rng.pick(NON_ASCII)
                } else {
                    *self.rng.pick(ESCAPED)
                };
                self.s(snippet);
                self.out.push(b' ');
                self.words(0, 6);
            }
        }
    }

    /// Half ASCII, a quarter non-ASCII, a quarter with references.
    fn mixed_flavour(&mut self) -> Text {
        *self
            .rng
            .pick(&[Text::Ascii, Text::Ascii, Text::NonAscii, Text::Escaped])
    }

    fn stanza(&mut self) -> StanzaKind {
        let roll = self.rng.unit();
        if roll < 0.45 {
            let large = self.rng.chance(0.004);
            self.message(large);
            if large {
                StanzaKind::MessageLarge
            } else {
                StanzaKind::Message
            }
        } else if roll < 0.80 {
            self.presence();
            StanzaKind::Presence
        } else {
            self.iq();
            StanzaKind::Iq
        }
    }

    fn message(&mut self, large: bool) {
        self.s("<message");
        self.jid_attr("to", true);
        self.attr("type", "chat");
        self.id_attr("id");
        if self.rng.chance(0.3) {
            let lang = *self.rng.pick(&["en", "de", "fr", "ja"]);
            self.attr("xml:lang", lang);
        }
        self.s(">");
        let roll = self.rng.unit();
        if large {
            // Paragraphs until the body passes a length drawn anew after each paragraph.
            self.s("<body>");
            let body_start = self.out.len();
            let mut text_len = 0;
            loop {
                let limit = self.rng.between(2000, 6000);
                if text_len >= limit {
                    break;
                }
                if self.out.len() > body_start {
                    self.out.push(b'\n');
                }
                let para_start = self.out.len();
                let flavour = self.mixed_flavour();
                self.text(flavour);
                self.out.push(b' ');
                self.words(20, 60);
                text_len += self.out.len() - para_start;
            }
            self.s("</body>");
        } else if roll < 0.18 {
            // A bare chat state notification.
            let state = *self.rng.pick(CHAT_STATES);
            self.s("<");
            self.s(state);
            self.attr("xmlns", "http://jabber.org/protocol/chatstates");
            self.s("/>");
        } else {
            let r = self.rng.unit();
            let flavour = if r < 0.6 {
                Text::Ascii
            } else if r < 0.82 {
                Text::NonAscii
            } else {
                Text::Escaped
            };
            self.s("<body>");
            self.text(flavour);
            self.s("</body>");
            if self.rng.chance(0.7) {
                self.s("<active");
                self.attr("xmlns", "http://jabber.org/protocol/chatstates");
                self.s("/>");
            }
        }
        if self.rng.chance(0.35) {
            self.s("<thread>");
            self.hex(16);
            self.s("</thread>");
        }
        if self.rng.chance(0.2) {
            self.s("<delay");
            self.attr("xmlns", "urn:xmpp:delay");
            self.jid_attr("from", false);
            let q = self.open_attr("stamp");
            let (mo, d) = (self.rng.between(1, 12), self.rng.between(1, 28));
            let (h, mi, s) = (
                self.rng.between(0, 23),
                self.rng.between(0, 59),
                self.rng.between(0, 59),
            );
            self.s(&format!("2024-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"));
            self.out.push(q);
            self.s(">Offline Storage</delay>");
        }
        if self.rng.chance(0.3) {
            self.s("<request");
            self.attr("xmlns", "urn:xmpp:receipts");
            self.s("/>");
        }
        if self.rng.chance(0.25) {
            self.s("<origin-id");
            self.attr("xmlns", "urn:xmpp:sid:0");
            self.id_attr("id");
            self.s("/>");
        }
        self.s("</message>");
    }

    fn presence(&mut self) {
        self.s("<presence");
        if self.rng.chance(0.3) {
            self.jid_attr("to", false);
        }
        if self.rng.chance(0.1) {
            let t = *self
                .rng
                .pick(&["unavailable", "subscribe", "subscribed", "probe"]);
            self.attr("type", t);
        }
        if self.rng.chance(0.5) {
            self.id_attr("id");
        }
        let open_end = self.out.len();
        self.s(">");
        let children_start = self.out.len();
        if self.rng.chance(0.6) {
            let show = *self.rng.pick(&["away", "chat", "dnd", "xa"]);
            self.s("<show>");
            self.s(show);
            self.s("</show>");
        }
        if self.rng.chance(0.6) {
            let flavour = self.mixed_flavour();
            self.s("<status>");
            self.text(flavour);
            self.s("</status>");
        }
        if self.rng.chance(0.7) {
            let prio = *self.rng.pick(&["-1", "0", "1", "5", "10", "50"]);
            self.s("<priority>");
            self.s(prio);
            self.s("</priority>");
        }
        if self.rng.chance(0.8) {
            // XEP-0115 entity capabilities.
            self.s("<c");
            self.attr("xmlns", "http://jabber.org/protocol/caps");
            self.attr("hash", "sha-1");
            let node = *self.rng.pick(CLIENT_NODES);
            self.attr("node", node);
            let q = self.open_attr("ver");
            for _ in 0..27 {
                let c = *self.rng.pick(B64);
                self.out.push(c);
            }
            self.out.push(b'=');
            self.out.push(q);
            self.s("/>");
        }
        if self.rng.chance(0.2) {
            self.s("<x");
            self.attr("xmlns", "vcard-temp:x:update");
            self.s("><photo>");
            self.hex(40);
            self.s("</photo></x>");
        }
        if self.out.len() == children_start {
            self.out.truncate(open_end);
            self.s("/>");
        } else {
            self.s("</presence>");
        }
    }

    fn iq(&mut self) {
        let roll = self.rng.unit();
        self.s("<iq");
        if roll < 0.45 {
            // XEP-0199 ping, or an empty result.
            if self.rng.chance(0.5) {
                self.attr("type", "get");
                let domain = *self.rng.pick(DOMAINS);
                self.attr("to", domain);
                self.id_attr("id");
                self.s("><ping");
                self.attr("xmlns", "urn:xmpp:ping");
                self.s("/></iq>");
            } else {
                self.attr("type", "result");
                self.jid_attr("to", true);
                self.id_attr("id");
                self.s("/>");
            }
        } else if roll < 0.65 {
            self.roster_result();
        } else if roll < 0.85 {
            self.disco_info_result();
        } else {
            self.attr("type", "get");
            self.jid_attr("to", true);
            self.id_attr("id");
            self.s("><query");
            let ns = *self.rng.pick(&[
                "jabber:iq:version",
                "urn:xmpp:time",
                "http://jabber.org/protocol/disco#info",
            ]);
            self.attr("xmlns", ns);
            self.s("/></iq>");
        }
    }

    /// RFC 3921 §7.3 roster result with 3 to 40 items.
    fn roster_result(&mut self) {
        self.attr("type", "result");
        self.id_attr("id");
        self.s("><query");
        self.attr("xmlns", "jabber:iq:roster");
        let q = self.open_attr("ver");
        self.s("ver");
        let v = self.rng.between(1, 99_999);
        self.decimal(v);
        self.out.push(q);
        self.s(">");
        for _ in 0..self.rng.between(3, 40) {
            self.s("<item");
            self.jid_attr("jid", false);
            if self.rng.chance(0.8) {
                // Display names are always double-quoted (they may hold an apostrophe).
                self.s(" name=\"");
                let first = *self.rng.pick(FIRST);
                let mut chars = first.chars();
                if let Some(c) = chars.next() {
                    self.s(&c.to_uppercase().collect::<String>());
                    self.s(chars.as_str());
                }
                self.s(" ");
                let last = *self.rng.pick(SURNAMES);
                self.s(last);
                self.s("\"");
            }
            let sub = *self.rng.pick(&["both", "both", "to", "from", "none"]);
            self.attr("subscription", sub);
            let groups = self.rng.between(0, 2);
            if groups == 0 {
                self.s("/>");
            } else {
                self.s(">");
                for _ in 0..groups {
                    let g = *self.rng.pick(GROUPS);
                    self.s("<group>");
                    self.s(g);
                    self.s("</group>");
                }
                self.s("</item>");
            }
        }
        self.s("</query></iq>");
    }

    /// XEP-0030 disco#info result with 8 to 35 distinct features.
    fn disco_info_result(&mut self) {
        self.attr("type", "result");
        self.jid_attr("to", true);
        self.id_attr("id");
        self.s("><query");
        self.attr("xmlns", "http://jabber.org/protocol/disco#info");
        let q = self.open_attr("node");
        self.s("http://gajim.org#");
        self.hex(15);
        self.out.push(q);
        self.s("><identity");
        self.attr("category", "client");
        let t = *self.rng.pick(&["pc", "phone"]);
        self.attr("type", t);
        let name = *self.rng.pick(CLIENT_NAMES);
        self.attr("name", name);
        self.s("/>");
        let n = self.rng.between(8, FEATURES.len());
        let mut order: Vec<usize> = (0..FEATURES.len()).collect();
        for i in 0..n {
            let j = self.rng.between(i, order.len() - 1);
            order.swap(i, j);
            self.s("<feature");
            self.attr("var", FEATURES[order[i]]);
            self.s("/>");
        }
        self.s("</query></iq>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1024 * 1024;

    #[test]
    fn same_seed_same_bytes_and_prefix_property() {
        let a = corpus(256 * 1024, 7);
        let b = corpus(256 * 1024, 7);
        assert_eq!(a, b);
        let short = generate(64 * 1024, 7, false).bytes;
        assert!(a.starts_with(&short));
        assert_ne!(corpus(64 * 1024, 8), corpus(64 * 1024, 7));
    }

    #[test]
    fn size_header_footer_and_utf8() {
        let c = generate(MIB, 3920, true);
        assert!(c.bytes.len() >= MIB);
        assert!(c.bytes.len() < MIB + 8 * 1024);
        assert!(c.bytes.starts_with(STREAM_HEADER.as_bytes()));
        assert!(c.bytes.ends_with(STREAM_FOOTER.as_bytes()));
        assert!(std::str::from_utf8(&c.bytes).is_ok());
        assert_eq!(
            c.stats.stanza_bytes() + STREAM_HEADER.len() + STREAM_FOOTER.len(),
            c.bytes.len()
        );
        let open = generate(MIB, 3920, false);
        assert!(!open.bytes.ends_with(STREAM_FOOTER.as_bytes()));
        assert_eq!(open.stats, c.stats);
        assert!(c.stats.largest() > 2000 && c.stats.largest() < 16 * 1024);
    }

    #[test]
    fn composition_close_to_published_8mib_stats() {
        let c = generate(8 * MIB, 3920, true);
        let stats = &c.stats;
        // c2s-8mb.stats.txt: 24431 stanzas.
        let n = stats.stanzas() as f64;
        assert!((n - 24431.0).abs() / 24431.0 < 0.05, "{stats}");
        for p in PUBLISHED_8MIB {
            let share = stats.share_pct(p.kind);
            let tolerance = if p.kind == StanzaKind::MessageLarge {
                0.15
            } else {
                1.5
            };
            assert!(
                (share - p.share_pct).abs() < tolerance,
                "{}: share {share:.2}% vs {}%\n{stats}",
                p.kind.label(),
                p.share_pct
            );
            let avg = stats.avg_bytes(p.kind);
            // Sizes of iq (3 to 40 roster items, 8 to 35 features) and of large messages vary
            // most: the Python generator itself gives iq averages of 727 to 758 B for
            // different seeds.
            let rel = match p.kind {
                StanzaKind::MessageLarge => 0.15,
                StanzaKind::Iq => 0.08,
                _ => 0.04,
            };
            assert!(
                (avg - p.avg_bytes).abs() / p.avg_bytes < rel,
                "{}: avg {avg:.1} B vs {} B\n{stats}",
                p.kind.label(),
                p.avg_bytes
            );
        }
        let avg = stats.avg_stanza();
        assert!(
            (avg - PUBLISHED_8MIB_AVG_STANZA).abs() / PUBLISHED_8MIB_AVG_STANZA < 0.04,
            "avg stanza {avg:.1}\n{stats}"
        );
    }

    #[test]
    fn carries_non_ascii_references_and_namespaces() {
        let c = corpus(256 * 1024, 1);
        let s = std::str::from_utf8(&c).unwrap_or_default();
        for needle in [
            "&amp;",
            "&lt;",
            "&quot;",
            "&apos;",
            "&#x",
            "&#8364;",
            "xmlns='",
            "xmlns=\"",
            "xml:lang=",
            "ü",
            "😀",
            "<presence/>",
            "<iq",
            "\n<",
        ] {
            assert!(s.contains(needle), "missing {needle:?}");
        }
    }

    #[test]
    fn display_matches_stats_file_layout() {
        let c = generate(64 * 1024, 6120, true);
        let text = c.stats.to_string();
        assert!(text.contains(" stanzas, avg stanza "));
        assert!(text.contains("\n  iq "));
        assert!(text.contains("\n  presence "));
    }
}
