//! Per-respondent rules of docs/scoring.md §1–§2 on hand-made cases: the half rule, reverse keying,
//! a switched-off dimension, recovery, outcomes, class and weakest-dimension ties.

use eservqual_core::payload::Answers;
use eservqual_core::score::{class_of, half_rule, nps_category, score, score_value, weakest_of, zone_class};
use eservqual_core::{ErrorCode, Form, Format, Instrument, Registry};
use serde_json::json;
use std::sync::Arc;

fn scores(input: serde_json::Value) -> serde_json::Value {
    serde_json::to_value(score_value(input, &Registry::builtin()).unwrap()).unwrap()
}

#[test]
fn half_rule_thresholds() {
    let table = [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (7, 4), (8, 4)];
    for (k, h) in table {
        assert_eq!(half_rule(k), h, "k = {k}");
    }
}

#[test]
fn dimension_needs_half_its_items() {
    // PRI has 3 items: 2 answers score, 1 does not; the overall then needs every dimension.
    let mut answers = serde_json::Map::new();
    for code in ["EFF1", "EFF2", "EFF3", "EFF4", "SYS1", "SYS2", "FUL1", "FUL2", "FUL3", "FUL4", "PRI1", "PRI2"] {
        answers.insert(code.into(), json!({"p": 4}));
    }
    let s = scores(json!({"instrument": "e-s-qual", "answers": answers.clone()}));
    assert_eq!(s["dimensions"]["PRI"]["p"], json!(4.0));
    assert_eq!(s["overall"]["p"], json!(4.0));
    answers.remove("PRI2");
    let s = scores(json!({"instrument": "e-s-qual", "answers": answers}));
    assert_eq!(s["dimensions"]["PRI"]["p"], json!(null));
    assert_eq!(s["overall"]["p"], json!(null));
    assert_eq!(s["class"], json!(null));
    // The weakest is still named from the dimensions that have a score.
    assert_eq!(s["weakest"], json!("EFF"));
}

#[test]
fn missing_is_never_zero_or_the_midpoint() {
    let s = scores(json!({"instrument": "e-s-qual", "answers": {
        "EFF1": {"p": 5}, "EFF2": {"p": null}, "EFF3": {"p": 5}, "EFF4": {"p": 5}, "EFF5": {"p": 5}}}));
    assert_eq!(s["dimensions"]["EFF"]["p"], json!(5.0));
}

#[test]
fn reverse_keyed_custom_items_are_flipped_before_scoring() {
    let instrument = json!({
        "id": "delivery", "version": "2", "scale": {"min": 1, "max": 5},
        "dimensions": [
            {"code": "SPD", "items": [{"code": "SPD1"}, {"code": "SPD2", "reverse": true}]},
            {"code": "CAR", "items": [{"code": "CAR1"}, {"code": "CAR2"}]}
        ]
    });
    let s = scores(json!({"instrument": instrument, "format": "gap", "answers": {
        "SPD1": {"p": 4, "e": 5}, "SPD2": {"p": 1, "e": 2}, "CAR1": {"p": 3, "e": 3}, "CAR2": {"p": 2, "e": 4}}}));
    // SPD2 p 1 → 5, e 2 → 4: P = (4 + 5)/2, E = (5 + 4)/2, item gaps −1 and +1.
    assert_eq!(s["dimensions"]["SPD"], json!({"p": 4.5, "e": 4.5, "gap": 0.0}));
    assert_eq!(s["items"]["SPD2"]["gap"], json!(1.0));
    assert_eq!(s["weakest"], json!("CAR"));
    assert_eq!(s["class"], json!("dissatisfied"));
}

#[test]
fn switched_off_dimension_is_not_missing() {
    let mut answers = serde_json::Map::new();
    for code in ["EFF1", "EFF2", "EFF3", "EFF4", "SYS1", "SYS2", "PRI1", "PRI2"] {
        answers.insert(code.into(), json!({"p": 2}));
    }
    let input = json!({"instrument": {"id": "e-s-qual", "format": "perception", "dimensions": ["EFF", "SYS", "PRI"]},
        "answers": answers, "weights": {"EFF": 50, "SYS": 25, "PRI": 25}});
    let s = scores(input);
    assert!(s["dimensions"].get("FUL").is_none());
    assert_eq!(s["overall"]["p"], json!(2.0));
    assert_eq!(s["overall"]["p_weighted"], json!(2.0));
    assert_eq!(s["class"], json!("dissatisfied"));
    // Weights must name exactly the dimension set.
    let bad = json!({"instrument": {"id": "e-s-qual", "format": "perception", "dimensions": ["EFF", "SYS", "PRI"]},
        "answers": {}, "weights": {"EFF": 50, "SYS": 25, "PRI": 20, "FUL": 5}});
    let err = score_value(bad, &Registry::builtin()).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::InvalidWeights, "weights.FUL"));
}

#[test]
fn recovery_is_scored_apart_from_the_index() {
    let mut answers = serde_json::Map::new();
    for d in [("EFF", 8), ("SYS", 4), ("FUL", 7), ("PRI", 3)] {
        for i in 1..=d.1 {
            answers.insert(format!("{}{i}", d.0), json!({"p": 4}));
        }
    }
    let recovery = json!({"RES1": {"p": 1}, "RES2": {"p": 2}, "RES3": {"p": 1}, "COM1": {"p": 2}, "COM2": {"p": 2},
        "CON1": {"p": 5}, "CON2": {"p": null}, "CON3": {"p": 3}});
    let s = scores(json!({"instrument": "e-s-qual", "answers": answers, "recovery": recovery}));
    let r = &s["recovery"];
    // RES: 3 of 5 answered (h = 3) → 4/3; COM 2 of 3 → 2; CON 2 of 3 → 4.
    assert!((r["dimensions"]["RES"]["p"].as_f64().unwrap() - 4.0 / 3.0).abs() < 1e-12);
    assert_eq!(r["dimensions"]["COM"]["p"], json!(2.0));
    assert_eq!(r["dimensions"]["CON"]["p"], json!(4.0));
    assert!((r["overall"]["p"].as_f64().unwrap() - (4.0 / 3.0 + 2.0 + 4.0) / 3.0).abs() < 1e-12);
    // The low recovery scores leave the E-S-QUAL index, class and weakest alone.
    assert_eq!(s["overall"]["p"], json!(4.0));
    assert_eq!(s["class"], json!("delighted"));
    assert_eq!(s["weakest"], json!("EFF"));
}

#[test]
fn outcomes_use_the_half_rule() {
    let s = scores(json!({"instrument": "e-s-qual", "answers": {},
        "outcomes": {"value": [8, null, null, 6], "loyalty": [5, null, null, 4, null], "nps": 6}}));
    assert_eq!(s["outcomes"], json!({"value": 7.0, "loyalty": null}));
    assert_eq!(s["nps_category"], json!("detractor"));
    let s = scores(json!({"instrument": "e-s-qual", "answers": {}, "outcomes": {"nps": 8}}));
    assert!(s.get("outcomes").is_none());
}

#[test]
fn labels_use_epsilon_and_ties_go_to_the_earlier_dimension() {
    assert_eq!(class_of(Some(-2e-9)), Some("dissatisfied"));
    assert_eq!(class_of(Some(-1e-10)), Some("satisfied"));
    assert_eq!(class_of(Some(1e-10)), Some("satisfied"));
    assert_eq!(class_of(Some(2e-9)), Some("delighted"));
    assert_eq!(class_of(None), None);
    assert_eq!(zone_class(Some(-1.0), Some(1.0)), None);
    assert_eq!(zone_class(Some(0.0), Some(0.0)), Some("satisfied"));
    assert_eq!(zone_class(Some(1.0), Some(0.5)), Some("delighted"));
    assert_eq!(zone_class(Some(-0.5), Some(-1.0)), Some("dissatisfied"));
    assert_eq!(weakest_of([Some(3.0), Some(2.0), Some(2.0 - 5e-10), None].into_iter()), Some(1));
    assert_eq!(weakest_of([None, Some(3.0), Some(1.0)].into_iter()), Some(2));
    assert_eq!(weakest_of([None, None].into_iter()), None);
    let table = [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")];
    for (x, c) in table {
        assert_eq!(nps_category(Some(x)), Some(c));
    }
}

#[test]
fn perception_class_compares_with_the_scale_midpoint() {
    let form = Form::new(Arc::new(Instrument::builtin("servqual").unwrap()), Format::Perception);
    let mut a = Answers::empty(22);
    a.items.iter_mut().for_each(|it| it[0] = Some(4));
    assert_eq!(score(&form, &a).class, Some("satisfied"));
    a.items[0][0] = Some(5);
    assert_eq!(score(&form, &a).class, Some("delighted"));
}

#[test]
fn bad_score_inputs_name_the_field() {
    let cases = [
        (json!({"instrument": "e-s-qual", "answers": {"EFF1": {"p": 0}}}), ErrorCode::OutOfRange, "answers.EFF1.p"),
        (json!({"instrument": "e-s-qual", "answers": {"EFF1": {"p": 3.5}}}), ErrorCode::NotInteger, "answers.EFF1.p"),
        (json!({"instrument": "e-s-qual", "answers": {"EFF1": {"p": "4"}}}), ErrorCode::InvalidType, "answers.EFF1.p"),
        (json!({"instrument": "e-s-qual", "answers": {"EFF1": {"e": 4}}}), ErrorCode::InvalidFormat, "answers.EFF1.e"),
        (json!({"instrument": "e-s-qual", "answers": {"XYZ1": {"p": 4}}}), ErrorCode::UnknownItem, "answers.XYZ1"),
        (json!({"instrument": "nope", "answers": {}}), ErrorCode::UnknownInstrument, "instrument"),
        (
            json!({"instrument": "servqual", "format": "zone", "scale": {"min": 1, "max": 7}, "answers": {}}),
            ErrorCode::WrongScale,
            "scale",
        ),
        (
            json!({"instrument": "e-s-qual", "answers": {}, "outcomes": {"nps": 11}}),
            ErrorCode::OutOfRange,
            "outcomes.nps",
        ),
        (
            json!({"instrument": {"id": "e-s-qual", "format": "gapp"}, "answers": {}}),
            ErrorCode::InvalidFormat,
            "instrument.format",
        ),
        (
            json!({"instrument": {"id": "x", "version": "1", "scale": {"min": 1, "max": 5},
            "dimensions": [{"code": "A", "items": [{"code": "A1"}]}, {"code": "B", "items": [{"code": "A1"}]}]}, "answers": {}}),
            ErrorCode::InvalidInstrument,
            "instrument.dimensions[1].items[0].code",
        ),
        (json!([1, 2]), ErrorCode::InvalidType, ""),
        // A misspelt top-level key is refused, not ignored (it would score nothing).
        (json!({"instrument": "e-s-qual", "answer": {"EFF1": {"p": 4}}}), ErrorCode::UnknownField, "answer"),
    ];
    for (input, code, field) in cases {
        let err = score_value(input.clone(), &Registry::builtin()).unwrap_err();
        assert_eq!((err.code, err.field.as_str()), (code, field), "{input}: {err}");
    }
}
