//! `serve --seed N`: realistic synthetic e-s-qual payloads spread over the eight weeks before
//! now, with scores from the core, so a demo collector starts with data. Same customer model as
//! `sample` (one weak dimension, N/A answers, recovery after a problem, outcomes that follow the
//! experience), plus the comments people write.

use crate::sample::uuid;
use eservqual_core::payload::Payload;
use eservqual_core::score::score;
use eservqual_core::{Instrument, Registry};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Map, Value};

/// Quality offset per dimension (EFF, SYS, FUL, PRI): fulfilment is the shop's short plank.
const OFFSET: [f64; 4] = [0.25, 0.05, -0.55, 0.35];
const SPAN_SECONDS: i64 = 56 * 86_400;
/// The dimension (SYS) that customers in the app rate lower.
const APP_WEAK: usize = 1;

const COMPLAINTS: &[&str] = &[
    "Delivery was two days late",
    "The parcel arrived damaged and the return form was hard to find",
    "I was charged twice and nobody answered my email",
    "The item shown as in stock was not available",
    "Tracking said delivered but nothing came",
    "Checkout kept logging me out",
    "Wrong size was sent, exchange took three weeks",
];
const PRAISE: &[&str] = &[
    "Fast and easy, thanks!",
    "Great prices and the site is quick",
    "Support sorted out my problem the same day",
    "Exactly what I ordered, well packed",
];
const PAGES: &[&str] = &["/checkout/complete", "/orders", "/account/returns"];
const LOCALES: &[&str] = &["en", "en", "en", "zh-CN", "zh-TW"];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn on(lo: i64, hi: i64, x: f64) -> i64 {
    (x.round() as i64).clamp(lo, hi)
}

fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `n` payloads (JSON text) submitted in the eight weeks before `now`, each with the receipt
/// time to store. The stream is seeded: the same `seed` and `now` give the same payloads.
/// Made one at a time as the iterator is read, so a large seed is never all in memory at once.
pub fn payloads(
    n: u32,
    now: jiff::Timestamp,
    seed: u64,
    registry: &Registry,
) -> Result<impl Iterator<Item = Result<(String, jiff::Timestamp), String>> + '_, String> {
    let esq = registry.get("e-s-qual").ok_or("e-s-qual is not built in")?;
    let recs = registry.get("e-recs-qual").ok_or("e-recs-qual is not built in")?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Ok((0..n).map(move |_| one(&mut rng, now, registry, &esq, &recs)))
}

/// The next payload of the stream and its receipt time.
fn one(
    rng: &mut ChaCha8Rng,
    now: jiff::Timestamp,
    registry: &Registry,
    esq: &Instrument,
    recs: &Instrument,
) -> Result<(String, jiff::Timestamp), String> {
    // Where the customer came from (`meta`, what `serve --segment channel,device` segments by):
    // in the app, system availability is weaker, so a segment comparison has something to find.
    let app = rng.random_bool(0.35);
    let mobile = app || rng.random_bool(0.45);
    let general = normal(rng);
    let levels: Vec<f64> = OFFSET
        .iter()
        .enumerate()
        .map(|(d, o)| 0.75 * general + 0.45 * normal(rng) + o * 1.6 - if app && d == APP_WEAK { 0.6 } else { 0.0 })
        .collect();
    let overall = levels.iter().sum::<f64>() / levels.len() as f64;

    let mut answers = Map::new();
    for (d, dim) in esq.dimensions.iter().enumerate() {
        let level = levels.get(d).copied().unwrap_or(0.0);
        for item in &dim.items {
            let p = (!rng.random_bool(0.03)).then(|| on(1, 5, 1.0 + 4.0 * (0.66 + 0.16 * level) + 0.55 * normal(rng)));
            answers.insert(item.code.clone(), json!({ "p": p }));
        }
    }
    let had_problem = rng.random_bool(0.25);
    let recovery = if had_problem {
        let mut m = Map::new();
        for item in recs.items() {
            let p = (!rng.random_bool(0.05)).then(|| on(1, 5, 3.1 + 0.9 * overall + 0.8 * normal(rng)));
            m.insert(item.code.clone(), json!({ "p": p }));
        }
        Value::Object(m)
    } else {
        Value::Null
    };
    let when = now.as_second() - 60 - rng.random_range(0..SPAN_SECONDS);
    let submitted = jiff::Timestamp::from_second(when).map_err(|e| e.to_string())?;
    let started = jiff::Timestamp::from_second(when - rng.random_range(45..900)).map_err(|e| e.to_string())?;
    let received = jiff::Timestamp::from_second(when + rng.random_range(0..3)).map_err(|e| e.to_string())?;

    let mut outcomes = Map::new();
    let nps = on(0, 10, 7.4 + 2.0 * overall + 1.3 * normal(rng));
    if rng.random_bool(0.95) {
        outcomes.insert("nps".into(), json!(nps));
    }
    if rng.random_bool(0.8) {
        outcomes.insert("csat".into(), json!(on(1, 5, 3.8 + 0.9 * overall + 0.6 * normal(rng))));
    }
    if rng.random_bool(0.5) {
        let value: Vec<i64> = (0..4).map(|_| on(1, 10, 7.0 + 1.5 * overall + normal(rng))).collect();
        let loyalty: Vec<i64> = (0..5).map(|_| on(1, 5, 3.7 + 0.8 * overall + 0.7 * normal(rng))).collect();
        outcomes.insert("value".into(), json!(value));
        outcomes.insert("loyalty".into(), json!(loyalty));
    }
    let unhappy = had_problem || nps <= 6;
    if rng.random_bool(if unhappy { 0.45 } else { 0.12 }) {
        let list = if unhappy { COMPLAINTS } else { PRAISE };
        outcomes.insert("comment".into(), json!(list[rng.random_range(0..list.len())]));
    }
    let mut payload = json!({
        "schema": "eservqual.response/1",
        "id": uuid(rng),
        "instrument": { "id": "e-s-qual", "version": esq.version, "format": "perception" },
        "scale": { "min": 1, "max": 5 },
        "locale": LOCALES[rng.random_range(0..LOCALES.len())],
        "submitted_at": rfc3339(submitted),
        "started_at": rfc3339(started),
        "answers": answers,
        "recovery": recovery,
        "outcomes": outcomes,
        "site": "demo-shop",
        "page": PAGES[rng.random_range(0..PAGES.len())],
        "meta": { "channel": if app { "app" } else { "web" }, "device": if mobile { "mobile" } else { "desktop" } },
        "scores": {},
        "sdk": { "name": "eservqual", "version": env!("CARGO_PKG_VERSION") },
    });
    if rng.random_bool(0.4) {
        let raw: Vec<f64> = (0..4).map(|_| 0.2 + rng.random::<f64>()).collect();
        let sum: f64 = raw.iter().sum();
        let mut points: Vec<i64> = raw.iter().map(|r| (100.0 * r / sum).round() as i64).collect();
        let drift = 100 - points.iter().sum::<i64>();
        if let Some(first) = points.first_mut() {
            *first += drift;
        }
        let weights: Map<String, Value> =
            esq.dimensions.iter().zip(&points).map(|(d, p)| (d.code.clone(), json!(p))).collect();
        payload["weights"] = Value::Object(weights);
    }
    // The client's scores are the core's, exactly as the widget computes them.
    let parsed = Payload::from_value(payload.clone()).map_err(|e| e.to_string())?;
    let response = parsed.validate(registry).map_err(|e| e.to_string())?;
    payload["scores"] = serde_json::to_value(score(&response.form, &response.answers)).map_err(|e| e.to_string())?;
    Ok((payload.to_string(), received))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(n: u32, seed: u64) -> Vec<(String, jiff::Timestamp)> {
        let registry = Registry::builtin();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        payloads(n, now, seed, &registry).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn the_stream_is_seeded_and_a_shorter_one_is_its_prefix() {
        let five = made(5, 42);
        assert_eq!(five.len(), 5);
        assert_eq!(made(5, 42), five);
        // Seeding reads the stream a chunk at a time: the first k of n are the k of a run of k.
        assert_eq!(made(3, 42), five[..3].to_vec());
        assert_ne!(made(5, 43), five);
        let ids: std::collections::HashSet<String> = five
            .iter()
            .map(|(text, _)| serde_json::from_str::<Value>(text).unwrap()["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 5);
    }
}
