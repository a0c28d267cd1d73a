//! The outbox's rules as pure functions (docs/reliability.md "Delivery"): what may be queued (size
//! and count bounds, never dropping the oldest), which pending responses are due, which fit a
//! page-hide `keepalive` batch, and the storage key of each. The browser layer holds the
//! entries in storage and calls these; time and randomness come in as arguments.

use crate::retry::{self, Attempt, Next, Outcome};
use crate::text::{int, integer};

/// The largest payload accepted, in bytes of its JSON.
pub const MAX_PAYLOAD_BYTES: usize = 48 * 1024;
/// The most responses pending at once.
pub const MAX_PENDING: usize = 50;
/// The most bytes pending at once.
pub const MAX_PENDING_BYTES: usize = 256 * 1024;
/// What the browser lets `keepalive` requests carry in flight together.
pub const KEEPALIVE_BUDGET: usize = 60_000;
/// The storage key prefix: one key per response (`eservqual.outbox.<id>`), never one shared
/// list, so two tabs writing at once cannot lose each other's responses.
pub const KEY_PREFIX: &str = "eservqual.outbox.";

/// One pending response, without its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    /// Bytes of the payload's JSON.
    pub bytes: usize,
    /// When it was queued (epoch ms); the 24-hour limit counts from the first attempt.
    pub queued_ms: f64,
    /// When the first attempt was made, once one was.
    pub first_ms: Option<f64>,
    /// Attempts that count toward the limit (see [`retry::next`]).
    pub attempts: u32,
    /// Not to be sent before this time (epoch ms).
    pub next_ms: f64,
}

/// Why a new response is not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its payload is over [`MAX_PAYLOAD_BYTES`].
    TooLarge,
    /// The outbox holds [`MAX_PENDING`] responses or [`MAX_PENDING_BYTES`] already.
    Full,
}

impl Refusal {
    /// The `reason` of the `failed` event.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too-large",
            Refusal::Full => "outbox-full",
        }
    }
}

/// The storage key of a response.
pub fn key(id: &str) -> String {
    let mut k = String::with_capacity(KEY_PREFIX.len() + id.len());
    k.push_str(KEY_PREFIX);
    k.push_str(id);
    k
}

/// The id of an outbox storage key, `None` for any other key.
pub fn id_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(KEY_PREFIX).filter(|id| !id.is_empty())
}

/// Whether a payload of `bytes` may join `pending`. Nothing pending is ever dropped to make
/// room: the new response is refused instead, with a reason the page is told.
pub fn admit(pending: &[Entry], bytes: usize) -> Result<(), Refusal> {
    if bytes > MAX_PAYLOAD_BYTES {
        return Err(Refusal::TooLarge);
    }
    let held: usize = pending.iter().map(|e| e.bytes).sum();
    if pending.len() >= MAX_PENDING || held + bytes > MAX_PENDING_BYTES {
        return Err(Refusal::Full);
    }
    Ok(())
}

/// The ids to send now, oldest first: those whose time has come, or all of them when the
/// flush ignores the schedule (on load and on `online`).
pub fn due(pending: &[Entry], now_ms: f64, ignore_schedule: bool) -> Vec<&str> {
    oldest_first(pending)
        .into_iter()
        .filter(|e| ignore_schedule || e.next_ms <= now_ms)
        .map(|e| e.id.as_str())
        .collect()
}

/// The entries by the time they were queued, ties in their order. An insertion sort: at most
/// [`MAX_PENDING`] entries, and the library's sorts cost the wasm ~2 KB gzip.
fn oldest_first(pending: &[Entry]) -> Vec<&Entry> {
    let mut out: Vec<&Entry> = Vec::with_capacity(pending.len());
    for e in pending {
        let at = out.iter().position(|o| o.queued_ms > e.queued_ms).unwrap_or(out.len());
        out.insert(at, e);
    }
    out
}

/// The ids to send with `keepalive` as the page hides, oldest first, while their payloads
/// together stay within [`KEEPALIVE_BUDGET`]; the rest wait for the next visit.
pub fn keepalive_batch(pending: &[Entry]) -> Vec<&str> {
    let mut total = 0usize;
    let mut out = Vec::new();
    for e in oldest_first(pending) {
        if total + e.bytes > KEEPALIVE_BUDGET {
            continue;
        }
        total += e.bytes;
        out.push(e.id.as_str());
    }
    out
}

/// The earliest time any pending response is due, for the flush timer.
pub fn next_wake(pending: &[Entry]) -> Option<f64> {
    pending.iter().map(|e| e.next_ms).min_by(f64::total_cmp)
}

/// Applies the outcome of an attempt to an entry: `Some(entry)` still pending (rescheduled),
/// or `None` with what to report (delivered, or given up).
pub fn after_attempt(
    mut entry: Entry,
    outcome: Outcome,
    retry_after: Option<&str>,
    now_ms: f64,
    random: f64,
) -> (Option<Entry>, Next) {
    let first = *entry.first_ms.get_or_insert(now_ms);
    let next =
        retry::next(&Attempt { outcome, attempts: entry.attempts, retry_after, now_ms, first_ms: first, random });
    match next {
        Next::Retry { at_ms, attempts } => {
            entry.attempts = attempts;
            entry.next_ms = at_ms;
            (Some(entry), next)
        }
        Next::Delivered | Next::GiveUp(_) => (None, next),
    }
}

/// One pending response as the browser stores it: its schedule, the endpoint it goes to and its
/// JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub entry: Entry,
    pub endpoint: String,
    pub body: String,
}

/// The version tag that starts every stored value; a value with another tag is not ours to read.
const FORMAT: &str = "1";

impl Stored {
    /// The storage value: one header line `1 queued first attempts next endpoint` (times in
    /// whole epoch ms, `-` for no first attempt yet) and the body after the newline. Plain
    /// integers keep float formatting out of the wasm; the endpoint has no space or newline
    /// (the config's check refuses them).
    pub fn encode(&self) -> String {
        let e = &self.entry;
        let ms = |v: f64| int(v.max(0.0) as i64);
        let first = e.first_ms.map_or_else(|| "-".to_string(), ms);
        let mut out = String::from(FORMAT);
        for field in [&ms(e.queued_ms), &first, &int(e.attempts.into()), &ms(e.next_ms), &self.endpoint] {
            out.push(' ');
            out.push_str(field);
        }
        out.push('\n');
        out.push_str(&self.body);
        out
    }

    /// Reads a storage value back; `None` for one this version did not write.
    pub fn decode(id: &str, value: &str) -> Option<Stored> {
        let (head, body) = value.split_once('\n')?;
        let mut f = head.split(' ');
        let ms = |s: &str| integer(s).filter(|n| *n >= 0).map(|n| n as f64);
        if f.next()? != FORMAT {
            return None;
        }
        let queued_ms = ms(f.next()?)?;
        let first_ms = match f.next()? {
            "-" => None,
            s => Some(ms(s)?),
        };
        let attempts = integer(f.next()?).and_then(|n| u32::try_from(n).ok())?;
        let next_ms = ms(f.next()?)?;
        let endpoint = f.next()?.to_string();
        if f.next().is_some() || endpoint.is_empty() {
            return None;
        }
        let entry = Entry { id: id.to_string(), bytes: body.len(), queued_ms, first_ms, attempts, next_ms };
        Some(Stored { entry, endpoint, body: body.to_string() })
    }
}
