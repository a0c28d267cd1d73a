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

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Epoch milliseconds of an HTTP-date in any of the three forms recipients must accept
/// (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
pub fn http_date_ms(v: &str) -> Option<f64> {
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| -> Option<i64> {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let month = |s: &str| MONTHS.iter().position(|m| *m == s).map(|i| i as i64 + 1);
    let clock = |s: &str| -> Option<i64> {
        let mut p = s.split(':');
        let (h, m, sec) = (number(p.next()?, 2..=2)?, number(p.next()?, 2..=2)?, number(p.next()?, 2..=2)?);
        (p.next().is_none() && h < 24 && m < 60 && sec < 61).then_some(h * 3600 + m * 60 + sec.min(59))
    };
    // A `char` pattern, not `", "`: a `&str` pattern links the substring searcher and its
    // panic formatting into the wasm (~3 KB gzip).
    let comma = v.split_once(',').and_then(|(day, rest)| Some((day, rest.strip_prefix(' ')?)));
    let (weekday, y, m, d, secs) = if let Some((day, rest)) = comma {
        let parts: Vec<&str> = rest.split(' ').collect();
        if DAYS.contains(&day) {
            // IMF-fixdate
            let [d, mon, y, t, "GMT"] = parts[..] else { return None };
            (DAYS.iter().position(|x| *x == day)?, number(y, 4..=4)?, month(mon)?, number(d, 2..=2)?, clock(t)?)
        } else {
            // RFC 850: a two-digit year within 50 years of now is ambiguous; read 70–99 as
            // 19xx and 00–69 as 20xx, as common HTTP libraries do.
            let [date, t, "GMT"] = parts[..] else { return None };
            let mut dp = date.split('-');
            let (d, mon, yy) = (number(dp.next()?, 2..=2)?, month(dp.next()?)?, number(dp.next()?, 2..=2)?);
            if dp.next().is_some() {
                return None;
            }
            let y = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            (LONG_DAYS.iter().position(|x| *x == day)?, y, mon, d, clock(t)?)
        }
    } else {
        // asctime: `Sun Nov  6 08:49:37 1994` (the day padded with a space)
        let parts: Vec<&str> = v.split(' ').filter(|p| !p.is_empty()).collect();
        let [day, mon, d, t, y] = parts[..] else { return None };
        (DAYS.iter().position(|x| *x == day)?, number(y, 4..=4)?, month(mon)?, number(d, 1..=2)?, clock(t)?)
    };
    if !(1..=days_in_month(y, m)).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // 1970-01-01 was a Thursday (index 3, Monday first): a wrong weekday is a malformed date.
    if (days + 3).rem_euclid(7) as usize != weekday {
        return None;
    }
    Some((days * 86_400 + secs) as f64 * 1000.0)
}
