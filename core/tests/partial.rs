//! Partial payloads: the optional `status` member, and the step a partial stopped at.

use eservqual_core::partial::{stopped_at, Stop};
use eservqual_core::payload::{Payload, Status};
use eservqual_core::{ErrorCode, Registry};
use serde_json::{json, Value};

fn example() -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/esqual_one.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Where the payload `v` stopped, after the core's validation.
fn stop(v: &Value) -> Option<String> {
    let payload = Payload::from_value(v.clone()).unwrap();
    let response = payload.validate(&Registry::builtin()).unwrap();
    stopped_at(&payload, &response.form).map(|s| s.name().to_string())
}

/// Sets every item of the dimension `prefix` (`EFF1`, `EFF2`, ...) to unanswered.
fn clear(v: &mut Value, prefix: &str) {
    for (code, a) in v["answers"].as_object_mut().unwrap() {
        if code.starts_with(prefix) {
            *a = json!({ "p": null });
        }
    }
}

#[test]
fn status_is_complete_by_default_partial_when_said_and_nothing_else() {
    let mut v = example();
    assert_eq!(Payload::from_value(v.clone()).unwrap().status, Status::Complete);
    // A complete payload is written without the member, as before.
    assert!(serde_json::to_value(Payload::from_value(v.clone()).unwrap()).unwrap().get("status").is_none());
    v["status"] = json!("complete");
    assert_eq!(Payload::from_value(v.clone()).unwrap().status, Status::Complete);
    v["status"] = json!("partial");
    let p = Payload::from_value(v.clone()).unwrap();
    assert_eq!(p.status, Status::Partial);
    assert_eq!(serde_json::to_value(&p).unwrap()["status"], "partial");
    for (bad, code) in [(json!("done"), ErrorCode::OutOfRange), (json!(1), ErrorCode::InvalidType)] {
        v["status"] = bad;
        let e = Payload::from_value(v.clone()).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (code, "status"), "{e}");
    }
}

#[test]
fn a_partial_stops_at_the_first_dimension_without_an_answer() {
    let mut v = example();
    v["status"] = json!("partial");
    clear(&mut v, "FUL");
    clear(&mut v, "PRI");
    assert_eq!(stop(&v).as_deref(), Some("FUL"));
    // One answer of a dimension is enough to have passed it.
    v["answers"]["FUL3"] = json!({ "p": 2 });
    assert_eq!(stop(&v).as_deref(), Some("PRI"));
    // Form order, not the order of the answers: the first dimension comes first.
    clear(&mut v, "EFF");
    assert_eq!(stop(&v).as_deref(), Some("EFF"));
}

#[test]
fn a_dimension_switched_off_is_no_step() {
    let mut v = example();
    v["instrument"]["dimensions"] = json!(["EFF", "PRI"]);
    let answers = v["answers"].as_object_mut().unwrap();
    answers.retain(|code, _| code.starts_with("EFF") || code.starts_with("PRI"));
    clear(&mut v, "PRI");
    assert_eq!(stop(&v).as_deref(), Some("PRI"));
}

#[test]
fn after_the_dimensions_recovery_outcomes_then_weights() {
    let mut v = example();
    // Every dimension answered, outcomes answered, no weights: the weights step.
    assert_eq!(stop(&v).as_deref(), Some("weights"));
    // Outcomes asked and none answered.
    v["outcomes"] = json!({ "nps": null, "value": [null, null, null, null], "loyalty": [null, null, null, null, null], "comment": "  " });
    assert_eq!(stop(&v).as_deref(), Some("outcomes"));
    // Recovery administered (a yes to the screening question) and nothing of it answered.
    let codes = ["RES1", "RES2", "RES3", "RES4", "RES5", "COM1", "COM2", "COM3", "CON1", "CON2", "CON3"];
    let empty: serde_json::Map<String, Value> = codes.iter().map(|c| (c.to_string(), json!({ "p": null }))).collect();
    v["recovery"] = Value::Object(empty);
    assert_eq!(stop(&v).as_deref(), Some("recovery"));
    v["recovery"]["COM2"] = json!({ "p": 4 });
    assert_eq!(stop(&v).as_deref(), Some("outcomes"));
    v["outcomes"]["loyalty"][4] = json!(5);
    assert_eq!(stop(&v).as_deref(), Some("weights"));
    // Weights given: no step shows missing.
    v["weights"] = json!({ "EFF": 40, "SYS": 20, "FUL": 30, "PRI": 10 });
    assert_eq!(stop(&v), None);
    assert_eq!(Stop::Dimension("EFF".into()).name(), "EFF");
}

#[test]
fn the_step_a_partial_says_it_stopped_at_wins_and_is_checked() {
    let mut v = example();
    v["status"] = json!("partial");
    clear(&mut v, "PRI");
    assert_eq!(stop(&v).as_deref(), Some("PRI"), "read from the answers");
    // The widget says where the visitor was: a step the answers cannot show.
    for step in ["screen", "recovery", "outcomes", "weights", "SYS"] {
        v["step"] = json!(step);
        assert_eq!(stop(&v).as_deref(), Some(step));
    }
    let check = |v: &Value| Payload::from_value(v.clone()).unwrap().validate(&Registry::builtin());
    for bad in ["nope", "REL", ""] {
        v["step"] = json!(bad);
        let e = check(&v).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::OutOfRange, "step"), "{bad}: {e}");
    }
    v["step"] = json!(5);
    assert_eq!(Payload::from_value(v.clone()).unwrap_err().field, "step");
    // Only a partial response stopped somewhere.
    v["step"] = json!("SYS");
    v["status"] = json!("complete");
    let e = check(&v).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::OutOfRange, "step"), "{e}");
}
