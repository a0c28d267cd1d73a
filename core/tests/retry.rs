//! The retry policy, row by row (docs/reliability.md "Delivery"): which outcomes retry, the
//! full-jitter backoff, Retry-After in seconds and as an HTTP-date (malformed, in the past,
//! capped), and the 10-attempt / 24-hour limits with attempts that never reached a server
//! left uncounted.

use eservqual_core::retry::{
    backoff_ms, http_date_ms, next, retry_after_ms, retryable, Attempt, GiveUp, Next, Outcome,
};

/// 2026-12-01T10:00:00Z in epoch milliseconds.
const NOW: f64 = 1_796_119_200_000.0;
const HOUR: f64 = 3_600_000.0;

enum Want {
    Delivered,
    /// Retry after exactly this wait (ms) with this new attempt count.
    RetryIn(f64, u32),
    Give(GiveUp),
}

struct Row {
    what: &'static str,
    outcome: Outcome,
    attempts: u32,
    retry_after: Option<&'static str>,
    age_ms: f64,
    random: f64,
    want: Want,
}

fn row(
    what: &'static str,
    outcome: Outcome,
    attempts: u32,
    retry_after: Option<&'static str>,
    age_ms: f64,
    random: f64,
    want: Want,
) -> Row {
    Row { what, outcome, attempts, retry_after, age_ms, random, want }
}

use Outcome::{NetworkError, Offline, Status, Timeout};
use Want::{Delivered, Give, RetryIn};

fn table() -> Vec<Row> {
    vec![
        row("200 delivers", Status(200), 0, None, 0.0, 0.5, Delivered),
        row("201 delivers", Status(201), 3, None, 0.0, 0.5, Delivered),
        row("204 delivers even late", Status(204), 9, None, 23.0 * HOUR, 0.5, Delivered),
        row("500 first failure: jitter in [0, 1 s)", Status(500), 0, None, 0.0, 0.5, RetryIn(500.0, 1)),
        row("500 second failure: [0, 2 s)", Status(500), 1, None, 0.0, 0.5, RetryIn(1000.0, 2)),
        row("503 sixth failure: [0, 32 s)", Status(503), 5, None, 0.0, 0.25, RetryIn(8000.0, 6)),
        row("502 seventh failure hits the 60 s cap", Status(502), 6, None, 0.0, 0.5, RetryIn(30_000.0, 7)),
        row("504 ninth failure stays capped", Status(504), 8, None, 0.0, 0.999, RetryIn(59_940.0, 9)),
        row("random 0 sends at once", Status(500), 2, None, 0.0, 0.0, RetryIn(0.0, 3)),
        row("408 retries", Status(408), 0, None, 0.0, 0.5, RetryIn(500.0, 1)),
        row("425 retries", Status(425), 0, None, 0.0, 0.5, RetryIn(500.0, 1)),
        row("429 without Retry-After backs off", Status(429), 0, None, 0.0, 0.5, RetryIn(500.0, 1)),
        row(
            "429 Retry-After seconds: waits as asked, not counted",
            Status(429),
            0,
            Some("120"),
            0.0,
            0.5,
            RetryIn(120_000.0, 0),
        ),
        row("503 Retry-After seconds with spaces", Status(503), 2, Some("  7 "), 0.0, 0.5, RetryIn(7_000.0, 2)),
        row("Retry-After capped at 300 s", Status(429), 0, Some("86400"), 0.0, 0.5, RetryIn(300_000.0, 0)),
        row(
            "Retry-After with 40 digits is capped, not an overflow",
            Status(429),
            0,
            Some("9999999999999999999999999999999999999999"),
            0.0,
            0.5,
            RetryIn(300_000.0, 0),
        ),
        row("Retry-After 0 sends at once", Status(503), 0, Some("0"), 0.0, 0.9, RetryIn(0.0, 1)),
        // A 429 or 503 asking for a second or more is patience, not failure: a database that
        // restarts behind the collector for minutes uses up none of the ten attempts.
        row(
            "503 Retry-After at the tenth attempt still waits",
            Status(503),
            9,
            Some("5"),
            0.0,
            0.5,
            RetryIn(5_000.0, 9),
        ),
        row("Retry-After of exactly 1 s is patience", Status(429), 3, Some("1"), 0.0, 0.5, RetryIn(1_000.0, 3)),
        row(
            "patience still ends 24 h after the first attempt",
            Status(503),
            0,
            Some("5"),
            24.0 * HOUR,
            0.5,
            Give(GiveUp::TooOld),
        ),
        row(
            "502 with Retry-After waits as asked and counts",
            Status(502),
            0,
            Some("30"),
            0.0,
            0.5,
            RetryIn(30_000.0, 1),
        ),
        row(
            "500 with Retry-After at the tenth attempt gives up",
            Status(500),
            9,
            Some("5"),
            0.0,
            0.5,
            Give(GiveUp::TooManyAttempts),
        ),
        row(
            "Retry-After HTTP-date 90 s ahead",
            Status(429),
            0,
            Some("Tue, 01 Dec 2026 10:01:30 GMT"),
            0.0,
            0.5,
            RetryIn(90_000.0, 0),
        ),
        row(
            "Retry-After HTTP-date an hour ahead is capped",
            Status(503),
            0,
            Some("Tue, 01 Dec 2026 11:00:00 GMT"),
            0.0,
            0.5,
            RetryIn(300_000.0, 0),
        ),
        row(
            "Retry-After HTTP-date in the past: no wait",
            Status(429),
            0,
            Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            0.0,
            0.5,
            RetryIn(0.0, 1),
        ),
        row(
            "Retry-After RFC 850 date",
            Status(429),
            0,
            Some("Tuesday, 01-Dec-26 10:00:45 GMT"),
            0.0,
            0.5,
            RetryIn(45_000.0, 0),
        ),
        row(
            "Retry-After asctime date",
            Status(429),
            0,
            Some("Tue Dec  1 10:00:10 2026"),
            0.0,
            0.5,
            RetryIn(10_000.0, 0),
        ),
        row(
            "malformed Retry-After (fraction) falls back to backoff",
            Status(429),
            0,
            Some("1.5"),
            0.0,
            0.5,
            RetryIn(500.0, 1),
        ),
        row("malformed Retry-After (negative)", Status(503), 1, Some("-30"), 0.0, 0.5, RetryIn(1000.0, 2)),
        row("malformed Retry-After (text)", Status(429), 0, Some("soon"), 0.0, 0.5, RetryIn(500.0, 1)),
        row(
            "malformed Retry-After (wrong weekday)",
            Status(429),
            0,
            Some("Mon, 01 Dec 2026 10:01:30 GMT"),
            0.0,
            0.5,
            RetryIn(500.0, 1),
        ),
        row(
            "malformed Retry-After (31 November)",
            Status(429),
            0,
            Some("Tue, 31 Nov 2026 10:01:30 GMT"),
            0.0,
            0.5,
            RetryIn(500.0, 1),
        ),
        row(
            "malformed Retry-After (not GMT)",
            Status(429),
            0,
            Some("Tue, 01 Dec 2026 10:01:30 PST"),
            0.0,
            0.5,
            RetryIn(500.0, 1),
        ),
        row("empty Retry-After", Status(429), 0, Some(""), 0.0, 0.5, RetryIn(500.0, 1)),
        row("400 drops", Status(400), 0, None, 0.0, 0.5, Give(GiveUp::Rejected(400))),
        row("401 drops", Status(401), 0, None, 0.0, 0.5, Give(GiveUp::Rejected(401))),
        row("404 drops even with Retry-After", Status(404), 0, Some("5"), 0.0, 0.5, Give(GiveUp::Rejected(404))),
        row("413 drops", Status(413), 2, None, 0.0, 0.5, Give(GiveUp::Rejected(413))),
        row("501 drops", Status(501), 0, None, 0.0, 0.5, Give(GiveUp::Rejected(501))),
        row("505 drops", Status(505), 0, None, 0.0, 0.5, Give(GiveUp::Rejected(505))),
        row("a redirect that reached the page drops", Status(302), 0, None, 0.0, 0.5, Give(GiveUp::Rejected(302))),
        row("the tenth counted failure gives up", Status(500), 9, None, 0.0, 0.5, Give(GiveUp::TooManyAttempts)),
        row("a timeout counts", Timeout, 0, None, 0.0, 0.5, RetryIn(500.0, 1)),
        row("a timeout can be the tenth", Timeout, 9, None, 0.0, 0.5, Give(GiveUp::TooManyAttempts)),
        row("a network error does not count", NetworkError, 9, None, 0.0, 0.5, RetryIn(0.5 * 60_000.0, 9)),
        row("a network error before any counted attempt", NetworkError, 0, None, 0.0, 0.5, RetryIn(500.0, 0)),
        row("offline does not count", Offline, 4, None, HOUR, 0.5, RetryIn(4_000.0, 4)),
        row("network errors ignore Retry-After", NetworkError, 0, Some("100"), 0.0, 0.5, RetryIn(500.0, 0)),
        row("24 h after the first attempt gives up", Status(500), 1, None, 24.0 * HOUR, 0.5, Give(GiveUp::TooOld)),
        row("24 h applies to uncounted attempts too", Offline, 0, None, 25.0 * HOUR, 0.5, Give(GiveUp::TooOld)),
        row("just under 24 h still retries", Status(500), 1, None, 24.0 * HOUR - 1.0, 0.5, RetryIn(1000.0, 2)),
        row(
            "a random of 1 stays below the ceiling",
            Status(500),
            0,
            None,
            0.0,
            1.0,
            RetryIn(1000.0 * (1.0 - f64::EPSILON / 2.0), 1),
        ),
        row("a NaN random sends at once", Status(500), 0, None, 0.0, f64::NAN, RetryIn(0.0, 1)),
    ]
}

#[test]
fn the_retry_table() {
    let rows = table();
    assert!(rows.len() >= 25);
    for r in &rows {
        let got = next(&Attempt {
            outcome: r.outcome,
            attempts: r.attempts,
            retry_after: r.retry_after,
            now_ms: NOW,
            first_ms: NOW - r.age_ms,
            random: r.random,
        });
        match (&r.want, got) {
            (Delivered, Next::Delivered) => {}
            (RetryIn(wait, attempts), Next::Retry { at_ms, attempts: a }) => {
                assert!((at_ms - (NOW + wait)).abs() < 1e-6, "{}: wait {} != {wait}", r.what, at_ms - NOW);
                assert_eq!(a, *attempts, "{}: attempts", r.what);
            }
            (Give(reason), Next::GiveUp(g)) => assert_eq!(g, *reason, "{}", r.what),
            (_, got) => panic!("{}: got {got:?}", r.what),
        }
    }
}

#[test]
fn every_status_is_classified() {
    for s in 100..600u16 {
        let expected = matches!(s, 408 | 425 | 429) || (s >= 500 && s != 501 && s != 505);
        assert_eq!(retryable(s), expected, "{s}");
    }
}

#[test]
fn the_backoff_doubles_to_the_cap_and_stays_in_range() {
    let ceilings = [1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 32_000.0, 60_000.0, 60_000.0, 60_000.0];
    for (i, c) in ceilings.iter().enumerate() {
        let attempts = i as u32 + 1;
        assert_eq!(backoff_ms(attempts, 0.0), 0.0);
        assert!((backoff_ms(attempts, 0.5) - c / 2.0).abs() < 1e-9, "attempt {attempts}");
        assert!(backoff_ms(attempts, 0.999_999) < *c);
    }
    assert_eq!(backoff_ms(u32::MAX, 0.5), 30_000.0, "no overflow on absurd counts");
}

#[test]
fn http_dates_in_the_three_forms() {
    let t = 784_111_777_000.0; // 1994-11-06T08:49:37Z
    assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
    assert_eq!(http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
    assert_eq!(http_date_ms("Sun Nov  6 08:49:37 1994"), Some(t));
    assert_eq!(http_date_ms("Thu, 29 Feb 2024 00:00:00 GMT"), Some(1_709_164_800_000.0));
    for bad in [
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Fri, 29 Feb 2023 00:00:00 GMT",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",
        "",
        // A weekday that is not that date's, or in another form's length.
        "Mon, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Monday, 06-Nov-94 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sat Nov  6 08:49:37 1994",
        // The right shape with something else in it.
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994 ",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sunday, 06-Nov-94 08:49:37",
    ] {
        assert_eq!(http_date_ms(bad), None, "{bad}");
    }
    assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", t), Some(10_000.0));
}
