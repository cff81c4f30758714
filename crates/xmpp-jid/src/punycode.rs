//! Punycode (RFC 3492), the encoding IDNA uses for non-ASCII labels.

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// RFC 3492 §6.1.
fn adapt(mut delta: u32, numpoints: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / numpoints.max(1);
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

fn digit(d: u32) -> char {
    // 0-25 are a-z, 26-35 are 0-9 (RFC 3492 §5).
    let b = if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    };
    char::from(b)
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        TMIN
    } else if k >= bias + TMAX {
        TMAX
    } else {
        k - bias
    }
}

/// Encodes `input` with Punycode (RFC 3492 §6.3), without the `xn--` prefix.
///
/// Basic (ASCII) code points are copied as they are. Returns `None` if the input is too
/// long for the encoder's 32-bit arithmetic (RFC 3492 §6.4).
///
/// ```
/// assert_eq!(xmpp_jid::punycode::encode("bücher").as_deref(), Some("bcher-kva"));
/// ```
pub fn encode(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len() * 2);
    let mut total: u32 = 0;
    for ch in input.chars() {
        total = total.checked_add(1)?;
        if ch.is_ascii() {
            out.push(ch);
        }
    }
    let basic = u32::try_from(out.len()).ok()?;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    while handled < total {
        let m = input.chars().map(u32::from).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for c in input.chars().map(u32::from) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// Decodes a Punycode string (RFC 3492 §6.2), given without the `xn--` prefix.
///
/// Returns `None` for malformed input or output that is not a sequence of Unicode scalar
/// values.
///
/// ```
/// assert_eq!(xmpp_jid::punycode::decode("bcher-kva").as_deref(), Some("bücher"));
/// ```
pub fn decode(input: &str) -> Option<String> {
    if !input.is_ascii() {
        return None;
    }
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (input.get(..i)?, input.get(i + 1..)?),
        None => ("", input),
    };
    let mut out: Vec<char> = basic.chars().collect();
    let mut n = INITIAL_N;
    let mut i: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut digits = rest.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w: u32 = 1;
        let mut k = BASE;
        loop {
            let b = digits.next()?;
            let d = match b {
                b'a'..=b'z' => u32::from(b - b'a'),
                b'A'..=b'Z' => u32::from(b - b'A'),
                b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = u32::try_from(out.len()).ok()?.checked_add(1)?;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        let ch = char::from_u32(n)?;
        if ch.is_ascii() {
            return None;
        }
        out.insert(usize::try_from(i).ok()?, ch);
        i += 1;
    }
    Some(out.into_iter().collect())
}
