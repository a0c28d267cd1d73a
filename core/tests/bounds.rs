//! The bounds of the payload validation hold the report on its scale: no payload the
//! collector accepts (weights, answers, outcomes drawn from well beyond their ranges) makes a
//! report number non-finite or outside its scale.

use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Payload;
use eservqual_core::report::report;
use eservqual_core::stats::Stats;
use eservqual_core::{Form, Format, Registry};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const DIMS: [(&str, usize); 5] = [("TAN", 4), ("REL", 5), ("RSP", 4), ("ASR", 4), ("EMP", 5)];

/// A weight: mostly within 0-100, sometimes far outside (1e308, negative, just over 100).
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        24 => 0.0f64..=100.0,
        1 => Just(1e308),
        1 => Just(f64::MAX),
        1 => Just(100.000_001),
        1 => Just(-1.0),
        1 => Just(0.0),
    ]
}

/// A servqual gap payload with answers mostly on the scale (1-7), now and then 0 or 8, or missing.
fn payload() -> impl Strategy<Value = Value> {
    let cell = prop_oneof![120 => (1i64..=7).prop_map(Some), 1 => (0i64..=8).prop_map(Some), 8 => Just(None)];
    (
        proptest::collection::vec((cell.clone(), cell), 22),
        proptest::option::of(proptest::collection::vec(weight(), 5)),
        proptest::option::of(-1i64..=11),
        proptest::option::of(0i64..=8),
        any::<u64>(),
    )
        .prop_map(|(cells, weights, nps, satisfaction, id)| {
            let mut answers = Map::new();
            let mut cells = cells.into_iter();
            for (d, k) in DIMS {
                for j in 1..=k {
                    let (p, e) = cells.next().unwrap_or((None, None));
                    answers.insert(format!("{d}{j}"), json!({"p": p, "e": e}));
                }
            }
            let mut v = json!({
                "schema": "eservqual.response/1",
                "id": format!("{:08x}-0000-4000-8000-{:012x}", (id >> 48) as u32, id & 0xffff_ffff_ffff),
                "instrument": {"id": "servqual", "version": "1", "format": "gap"},
                "scale": {"min": 1, "max": 7},
                "locale": "en",
                "submitted_at": "2026-01-05T10:00:00Z",
                "answers": answers,
                "outcomes": {"nps": nps, "satisfaction": satisfaction},
                "scores": {},
                "sdk": {"name": "eservqual", "version": "0.1.0"}
            });
            if let Some(w) = weights {
                v["weights"] = DIMS.iter().zip(w).map(|((d, _), w)| (d.to_string(), json!(w))).collect();
            }
            v
        })
}

fn within(s: &Stats, lo: f64, hi: f64, what: &str) {
    if let Some(m) = s.mean {
        assert!(m.is_finite() && (lo - 1e-9..=hi + 1e-9).contains(&m), "{what}: mean {m} outside {lo}..{hi}");
    }
    for x in [s.sd, s.se].into_iter().flatten() {
        assert!(x.is_finite() && x >= 0.0, "{what}: {x}");
    }
    for x in s.ci95.into_iter().flatten() {
        assert!(x.is_finite(), "{what}: ci95 {x}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn accepted_payloads_keep_the_report_finite_and_on_its_scale(payloads in proptest::collection::vec(payload(), 1..12)) {
        let registry = Registry::builtin();
        let form = Form::new(registry.get("servqual").expect("servqual"), Format::Gap);
        let mut ds = Dataset::new(form);
        let mut weighted = 0;
        for p in &payloads {
            let text = p.to_string();
            let Ok(response) = Payload::from_json(&text).and_then(|p| p.validate(&registry)) else { continue };
            if let Some(w) = &response.answers.weights {
                // What was accepted is within the documented bounds.
                prop_assert!(w.iter().all(|w| (0.0..=100.0).contains(w)) && w.iter().sum::<f64>() > 0.0);
                weighted += 1;
            }
            ds.push_response(&response).expect("an accepted response is pushed");
        }
        let r = report(&ds);
        for (key, s) in &r.overall {
            let (lo, hi) = if key.starts_with("gap") { (-6.0, 6.0) } else { (1.0, 7.0) };
            within(s, lo, hi, key);
        }
        for (code, d) in &r.dimensions {
            for (key, s) in &d.stats {
                let (lo, hi) = if *key == "gap" { (-6.0, 6.0) } else { (1.0, 7.0) };
                within(s, lo, hi, &format!("{code}.{key}"));
            }
        }
        if weighted == 0 {
            prop_assert!(r.overall["p_weighted"].mean.is_none());
        }
        // Every number of the serialized report is a JSON number (serde_json writes a NaN or an
        // infinity as null, which would hide one).
        let text = serde_json::to_string(&r).expect("the report serializes");
        prop_assert!(!text.contains("inf") && !text.contains("NaN"));
    }
}

/// The collector's 409 (another body under a stored id) is final for the widget's outbox.
#[test]
fn a_conflict_is_not_retried() {
    assert!(!eservqual_core::retry::retryable(409));
}
