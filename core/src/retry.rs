//! The retry policy of delivery (docs/reliability.md "Delivery") as one pure function: the outcome of
//! an attempt, the attempt count, Retry-After, the clock and a random number in; "delivered",
//! "send again at T" or "give up, because" out. Time and randomness are parameters.

use crate::civil::{days_from_civil, days_in_month};

/// The first backoff ceiling, in milliseconds; each counted attempt doubles it.
pub const BASE_MS: f64 = 1_000.0;
/// The largest backoff ceiling.
pub const MAX_BACKOFF_MS: f64 = 60_000.0;
/// The longest wait a Retry-After may impose.
pub const MAX_RETRY_AFTER_MS: f64 = 300_000.0;
/// Counted attempts (the first send included) after which delivery gives up.
pub const MAX_ATTEMPTS: u32 = 10;
/// The least `Retry-After` wait of a 429 or 503 that keeps the attempt from counting.
pub const PATIENT_MS: f64 = 1_000.0;
/// How long after the first attempt delivery gives up.
pub const MAX_AGE_MS: f64 = 24.0 * 3_600_000.0;

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with this HTTP status.
    Status(u16),
    /// `fetch` failed without a response (DNS, refused, reset, CORS): it never reached a
    /// server, as far as the page can tell.
    NetworkError,
    /// The per-request timeout fired; the server may have seen the request.
    Timeout,
    /// The attempt was made while the browser said it was offline.
    Offline,
}

/// Why delivery stopped trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The server refused the response for good (4xx other than 408/425/429, 501, 505, or a
    /// status that is neither success, redirect-free nor retryable).
    Rejected(u16),
    /// Ten counted attempts failed.
    TooManyAttempts,
    /// 24 hours passed since the first attempt.
    TooOld,
}

impl GiveUp {
    /// The `reason` of the `failed` event.
    pub fn reason(self) -> &'static str {
        match self {
            GiveUp::Rejected(_) => "rejected",
            GiveUp::TooManyAttempts => "max-attempts",
            GiveUp::TooOld => "expired",
        }
    }

    /// The status to report with the `failed` event, when there was one.
    pub fn status(self) -> Option<u16> {
        match self {
            GiveUp::Rejected(s) => Some(s),
            _ => None,
        }
    }
}

/// The decision after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// A 2xx: remove it from the outbox.
    Delivered,
    /// Send again at `at_ms` (epoch milliseconds); `attempts` is the new count of attempts that
    /// count toward the limit.
    Retry { at_ms: f64, attempts: u32 },
    /// Stop, remove it from the outbox, and report `failed`.
    GiveUp(GiveUp),
}

/// Everything the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt<'a> {
    pub outcome: Outcome,
    /// Counted attempts before this one.
    pub attempts: u32,
    /// The `Retry-After` header of the answer, if any.
    pub retry_after: Option<&'a str>,
    /// Now, in epoch milliseconds.
    pub now_ms: f64,
    /// When the first attempt was made, in epoch milliseconds.
    pub first_ms: f64,
    /// A uniform random number in [0, 1) for the jitter.
    pub random: f64,
}

/// Whether a status is worth another try (docs/reliability.md §1.3): 408, 425, 429 and every 5xx but
/// 501 and 505.
pub fn retryable(status: u16) -> bool {
    matches!(status, 408 | 425 | 429) || ((500..600).contains(&status) && status != 501 && status != 505)
}

/// The full-jitter backoff before the next try after `attempts` counted attempts: uniform in
/// [0, min(60 s, 1 s · 2^(attempts − 1))).
pub fn backoff_ms(attempts: u32, random: f64) -> f64 {
    let exp = attempts.saturating_sub(1).min(16) as i32;
    let ceiling = (BASE_MS * 2f64.powi(exp)).min(MAX_BACKOFF_MS);
    ceiling * unit(random)
}

/// A random number forced into [0, 1): NaN and negatives become 0, 1 and more just below 1.
fn unit(random: f64) -> f64 {
    if random.is_nan() || random <= 0.0 {
        0.0
    } else {
        random.min(1.0 - f64::EPSILON / 2.0)
    }
}

/// Decides what follows an attempt.
pub fn next(a: &Attempt<'_>) -> Next {
    let server_wait = match a.outcome {
        Outcome::Status(_) => a.retry_after.and_then(|h| retry_after_ms(h, a.now_ms)),
        _ => None,
    };
    let counts = match a.outcome {
        Outcome::Status(s) if (200..300).contains(&s) => return Next::Delivered,
        Outcome::Status(s) if !retryable(s) => return Next::GiveUp(GiveUp::Rejected(s)),
        // A server that answers 429 or 503 and asks for a wait of a second or more is up and
        // asks for patience (busy, or its database restarting): waiting as asked does not use up
        // the ten attempts, which would otherwise be gone within a minute of such answers.
        Outcome::Status(429 | 503) if server_wait.is_some_and(|w| w >= PATIENT_MS) => false,
        Outcome::Status(_) | Outcome::Timeout => true,
        // Never reached a server: retried without counting, so an hour offline loses nothing.
        Outcome::NetworkError | Outcome::Offline => false,
    };
    let attempts = a.attempts.saturating_add(u32::from(counts));
    if attempts >= MAX_ATTEMPTS {
        return Next::GiveUp(GiveUp::TooManyAttempts);
    }
    if a.now_ms - a.first_ms >= MAX_AGE_MS {
        return Next::GiveUp(GiveUp::TooOld);
    }
    let wait = server_wait.unwrap_or_else(|| backoff_ms(attempts.max(1), a.random));
    Next::Retry { at_ms: a.now_ms + wait, attempts }
}

/// The wait a `Retry-After` value asks for, capped at 300 s: delay-seconds, or an HTTP-date
/// (a date in the past asks for no wait). `None` when the value is malformed.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let wait = if v.bytes().all(|b| b.is_ascii_digit()) {
        // Any count of digits: a huge one is simply capped.
        v.bytes().fold(0.0f64, |acc, b| acc * 10.0 + f64::from(b - b'0')) * 1000.0
    } else {
        (http_date_ms(v)? - now_ms).max(0.0)
    };
    Some(wait.min(MAX_RETRY_AFTER_MS))
}

/// The months as HTTP-dates write them, three letters each.
const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
/// The weekdays, Monday first: RFC 850 writes them whole, the other forms their first three letters.
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Whether `s` has the shape of `template`: `#` a digit, `_` a digit or a space, `a` a letter,
/// any other byte itself.
fn shaped(s: &[u8], template: &[u8]) -> bool {
    s.len() == template.len()
        && s.iter().zip(template).all(|(&c, &t)| match t {
            b'#' => c.is_ascii_digit(),
            b'_' => c.is_ascii_digit() || c == b' ',
            b'a' => c.is_ascii_alphabetic(),
            _ => c == t,
        })
}

/// Epoch milliseconds of an HTTP-date in any of the three forms recipients must accept
/// (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
///
/// Matched byte by byte against each form's shape, the digits folded by hand: splitting into
/// words and `str::parse` made this ~1.5 KB of the widget's gzip bytes.
pub fn http_date_ms(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    // The number in `b[at..at + len]`, already known to be digits (or a padding space).
    // (Iterators rather than indexing, here and below: no bounds checks and their panics.)
    let num = |at: usize, len: usize| {
        b.iter().skip(at).take(len).fold(0, |n, &c| if c == b' ' { n } else { n * 10 + i64::from(c - b'0') })
    };
    // Where each part is, by form: the weekday, day, month and time, and the year.
    let (weekday, d, mon, t, y) = if shaped(b, b"aaa, ## aaa #### ##:##:## GMT") {
        (b.get(..3)?, 5, 8, 17, num(12, 4))
    } else if shaped(b, b"aaa aaa _# ##:##:## ####") {
        // asctime: the day padded with a space.
        (b.get(..3)?, 8, 4, 11, num(20, 4))
    } else {
        let i = b.iter().position(|&c| c == b',')?;
        if i < 6 || !shaped(b.get(i..)?, b", ##-aaa-## ##:##:## GMT") {
            return None;
        }
        // RFC 850: a two-digit year within 50 years of now is ambiguous; read 70–99 as 19xx
        // and 00–69 as 20xx, as common HTTP libraries do.
        let yy = num(i + 9, 2);
        (b.get(..i)?, i + 2, i + 5, i + 12, if yy >= 70 { 1900 + yy } else { 2000 + yy })
    };
    let month = b.get(mon..mon + 3)?;
    let m = MONTHS.chunks(3).position(|x| x == month)? as i64 + 1;
    let (d, h, min, sec) = (num(d, 2), num(t, 2), num(t + 3, 2), num(t + 6, 2));
    if h > 23 || min > 59 || sec > 60 {
        return None;
    }
    let secs = h * 3600 + min * 60 + sec.min(59);
    if !(1..=days_in_month(y, m)).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // 1970-01-01 was a Thursday (index 3, Monday first): a wrong weekday is a malformed date.
    // The whole name in RFC 850, its first three letters in the other forms.
    let name = DAYS.get((days + 3).rem_euclid(7) as usize)?.as_bytes();
    if !(name == weekday || weekday.len() == 3 && name.starts_with(weekday)) {
        return None;
    }
    Some((days * 86_400 + secs) as f64 * 1000.0)
}
