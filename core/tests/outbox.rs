//! The outbox's rules: bounds that refuse the new response rather than drop an old one, what
//! is due, the keepalive batch within 60,000 bytes, one storage key per response, and an
//! entry's life through the retry policy.

use eservqual_core::outbox::{
    admit, after_attempt, due, id_of_key, keepalive_batch, key, next_wake, Entry, Refusal, MAX_PAYLOAD_BYTES,
};
use eservqual_core::retry::{GiveUp, Next, Outcome};

fn entry(id: &str, bytes: usize, queued_ms: f64, next_ms: f64) -> Entry {
    Entry { id: id.into(), bytes, queued_ms, first_ms: None, attempts: 0, next_ms }
}

#[test]
fn bounds_refuse_the_new_response_and_keep_the_old() {
    assert_eq!(admit(&[], MAX_PAYLOAD_BYTES), Ok(()));
    assert_eq!(admit(&[], MAX_PAYLOAD_BYTES + 1), Err(Refusal::TooLarge));
    assert_eq!(Refusal::TooLarge.reason(), "too-large");
    let fifty: Vec<Entry> = (0..50).map(|i| entry(&format!("r{i}"), 100, i as f64, 0.0)).collect();
    assert_eq!(admit(&fifty[..49], 100), Ok(()));
    assert_eq!(admit(&fifty, 100), Err(Refusal::Full));
    assert_eq!(Refusal::Full.reason(), "outbox-full");
    // 256 KiB in all: five of 48 KiB leave 16 KiB.
    let heavy: Vec<Entry> = (0..5).map(|i| entry(&format!("h{i}"), 48 * 1024, i as f64, 0.0)).collect();
    assert_eq!(admit(&heavy, 16 * 1024), Ok(()));
    assert_eq!(admit(&heavy, 16 * 1024 + 1), Err(Refusal::Full));
}

#[test]
fn due_is_oldest_first_and_a_flush_ignores_the_schedule() {
    let pending = vec![entry("b", 10, 2.0, 500.0), entry("a", 10, 1.0, 100.0), entry("c", 10, 3.0, 900.0)];
    assert_eq!(due(&pending, 50.0, false), Vec::<&str>::new());
    assert_eq!(due(&pending, 600.0, false), vec!["a", "b"]);
    assert_eq!(due(&pending, 0.0, true), vec!["a", "b", "c"]);
    assert_eq!(next_wake(&pending), Some(100.0));
    assert_eq!(next_wake(&[]), None);
}

#[test]
fn the_keepalive_batch_stays_within_60000_bytes() {
    let pending = vec![
        entry("old", 30_000, 1.0, 0.0),
        entry("big", 31_000, 2.0, 0.0),
        entry("small", 29_000, 3.0, 0.0),
        entry("tiny", 1_001, 4.0, 0.0),
    ];
    // 30,000 + 29,000 = 59,000; "big" would pass the budget, "tiny" would too after "small".
    assert_eq!(keepalive_batch(&pending), vec!["old", "small"]);
    let total: usize =
        keepalive_batch(&pending).iter().map(|id| pending.iter().find(|e| e.id == *id).unwrap().bytes).sum();
    assert!(total <= 60_000);
}

#[test]
fn one_key_per_response() {
    let k = key("7957ec04-13d3-4b3c-9286-257c739aa353");
    assert_eq!(k, "eservqual.outbox.7957ec04-13d3-4b3c-9286-257c739aa353");
    assert_eq!(id_of_key(&k), Some("7957ec04-13d3-4b3c-9286-257c739aa353"));
    assert_eq!(id_of_key("eservqual.memory"), None);
    assert_eq!(id_of_key("eservqual.outbox."), None);
}

#[test]
fn an_entry_lives_through_the_retry_policy() {
    let now = 1_800_000_000_000.0;
    let e = entry("r", 500, now, now);
    // A 503 is rescheduled within the first backoff ceiling and counted.
    let (e, next) = after_attempt(e, Outcome::Status(503), None, now, 0.5);
    let e = e.expect("still pending");
    assert!(matches!(next, Next::Retry { .. }));
    assert_eq!((e.attempts, e.first_ms, e.next_ms), (1, Some(now), now + 500.0));
    // Offline does not count; Retry-After is obeyed; a 200 delivers and removes it.
    let (e, _) = after_attempt(e, Outcome::Offline, None, now + 1000.0, 0.5);
    let e = e.expect("still pending");
    assert_eq!(e.attempts, 1);
    let (e, _) = after_attempt(e, Outcome::Status(429), Some("30"), now + 2000.0, 0.5);
    let e = e.expect("still pending");
    assert_eq!(e.next_ms, now + 32_000.0);
    let (gone, next) = after_attempt(e.clone(), Outcome::Status(201), None, now + 40_000.0, 0.5);
    assert_eq!((gone, next), (None, Next::Delivered));
    // A 400 gives up at once, naming the status.
    let (gone, next) = after_attempt(e, Outcome::Status(400), None, now + 40_000.0, 0.5);
    assert_eq!((gone, next), (None, Next::GiveUp(GiveUp::Rejected(400))));
}

#[test]
fn a_stored_response_reads_back_as_written() {
    use eservqual_core::outbox::Stored;
    let body = "{\"id\":\"r\",\"comment\":\"two\\nlines and spaces\"}".to_string();
    let mut s = Stored {
        entry: entry("r", body.len(), 1_800_000_000_123.0, 1_800_000_004_000.0),
        endpoint: "https://example.com/c?x=1".into(),
        body,
    };
    assert_eq!(Stored::decode("r", &s.encode()), Some(s.clone()));
    s.entry.first_ms = Some(1_800_000_000_500.0);
    s.entry.attempts = 3;
    let text = s.encode();
    assert!(text.starts_with("1 1800000000123 1800000000500 3 1800000004000 https://example.com/c?x=1\n"), "{text}");
    assert_eq!(Stored::decode("r", &text), Some(s));
}

#[test]
fn a_stored_value_of_another_shape_is_not_read() {
    use eservqual_core::outbox::Stored;
    for bad in [
        "",
        "no newline",
        "2 1 - 0 1 https://e.com\n{}",
        "1 x - 0 1 https://e.com\n{}",
        "1 1 - 0 1\n{}",
        "1 1 - 0 1 https://e.com extra\n{}",
        "1 1 - -1 1 https://e.com\n{}",
        "1 1 1.5 0 1 https://e.com\n{}",
        "1 -5 - 0 1 https://e.com\n{}",
        "1 1 - 4294967296 1 https://e.com\n{}",
    ] {
        assert_eq!(Stored::decode("r", bad), None, "{bad:?}");
    }
}
