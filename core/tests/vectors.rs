//! The scoring core against the independent vectors in `tests/data`: per-respondent scores of
//! all three formats, and the aggregate report of the five SERVQUAL respondents.

use crate::common;

use common::{assert_matches, json, read, read_wide};
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Payload;
use eservqual_core::report::report;
use eservqual_core::score::{score, score_value};
use eservqual_core::{Form, Format, Instrument, Registry};
use serde_json::Value;
use std::sync::Arc;

fn servqual_gap() -> Form {
    Form::new(Arc::new(Instrument::builtin("servqual").unwrap()), Format::Gap)
}

fn payload_scores(name: &str) -> Value {
    let payload = Payload::from_json(&read(name)).unwrap();
    let response = payload.validate(&Registry::builtin()).unwrap();
    serde_json::to_value(score(&response.form, &response.answers)).unwrap()
}

#[test]
fn esqual_one_scores_match_the_vector() {
    let expected = json("esqual_one.expected.json");
    let actual = payload_scores("esqual_one.json");
    assert_matches(&actual, &expected["scores"]);
    // The payload's own `scores` member is what the widget must send: the same object.
    assert_matches(&actual, &json("esqual_one.json")["scores"]);
    // perception format has no items, and recovery is present as null for e-s-qual.
    assert!(actual.get("items").is_none());
    assert_eq!(actual["recovery"], Value::Null);
}

#[test]
fn zone_one_scores_match_the_vector() {
    let expected = json("zone_one.expected.json");
    let actual = payload_scores("zone_one.json");
    assert_matches(&actual, &expected["scores"]);
    let items = actual["items"].as_object().unwrap();
    let count = |pos: &str| items.values().filter(|v| v["position"] == pos).count();
    assert_eq!(count("below"), 2);
    assert_eq!(count("within"), 17);
    assert_eq!(count("above"), 1);
    assert_eq!(items.values().filter(|v| v["position"].is_null()).count(), 2);
    assert_eq!(items.values().filter(|v| v["inverted"] == true).count(), 1);
    // servqual has no recovery key at all.
    assert!(actual.get("recovery").is_none());
}

#[test]
fn score_value_accepts_a_whole_payload() {
    let actual = serde_json::to_value(score_value(json("esqual_one.json"), &Registry::builtin()).unwrap()).unwrap();
    assert_matches(&actual, &json("esqual_one.expected.json")["scores"]);
    let actual = serde_json::to_value(score_value(json("zone_one.json"), &Registry::builtin()).unwrap()).unwrap();
    assert_matches(&actual, &json("zone_one.expected.json")["scores"]);
}

#[test]
fn servqual_respondents_match_the_vector() {
    let form = servqual_gap();
    let expected = json("servqual_5resp.respondents.json");
    let rows = read_wide(&form, &read("servqual_5resp.csv"));
    assert_eq!(rows.len(), 5);
    for (id, row) in rows {
        let id = id.unwrap();
        let actual = serde_json::to_value(score(&form, &row.answers)).unwrap();
        assert_matches(&actual, &expected[&id]);
        assert!(actual.get("recovery").is_none(), "{id}");
        assert!(actual.get("outcomes").is_none(), "{id}");
    }
}

#[test]
fn worked_example_r1_and_the_missing_data_cases() {
    let form = servqual_gap();
    let rows = read_wide(&form, &read("servqual_5resp.csv"));
    let s = |i: usize| serde_json::to_value(score(&form, &rows[i].1.answers)).unwrap();
    let r1 = s(0);
    assert!(common::close(r1["overall"]["gap_weighted"].as_f64().unwrap(), -0.96));
    assert_eq!(r1["weakest"], "RSP");
    // r5: GAP_REL is the mean of the valid item gaps, not P_REL − E_REL.
    let r5 = s(4);
    assert!(common::close(r5["dimensions"]["REL"]["gap"].as_f64().unwrap(), -0.25));
    let p_minus_e = r5["dimensions"]["REL"]["p"].as_f64().unwrap() - r5["dimensions"]["REL"]["e"].as_f64().unwrap();
    assert!(common::close(p_minus_e, -0.15));
    // r3: EMP from 4 of 5 items.
    assert!(common::close(s(2)["dimensions"]["EMP"]["p"].as_f64().unwrap(), 5.75));
}

fn servqual_dataset() -> Dataset {
    let form = servqual_gap();
    let mut ds = Dataset::new(form.clone());
    for (id, row) in read_wide(&form, &read("servqual_5resp.csv")) {
        assert!(ds.push(id.as_deref(), None, &row.answers));
    }
    ds
}

#[test]
fn servqual_report_matches_the_vector() {
    let actual = serde_json::to_value(report(&servqual_dataset())).unwrap();
    assert_matches(&actual, &json("servqual_5resp.expected.json"));
}

#[test]
fn servqual_report_extras_match_the_vector() {
    let actual = serde_json::to_value(report(&servqual_dataset())).unwrap();
    let extra = json("servqual_5resp.extra.json");
    assert_eq!(actual["weakest"], extra["weakest_dimension"]);
    assert_matches(
        &actual["ces"],
        &serde_json::json!({
            "n": extra["ces"]["n"], "mean": extra["ces"]["mean"],
            "agree": extra["ces"]["agree"], "agree_ci95": extra["ces"]["agree_ci95"],
        }),
    );
    assert_matches(&actual["classes"], &extra["class_counts"]);
    assert_eq!(actual["classes"]["unclassified"], 0);
    assert_matches(&actual["nps"]["ci95"], &extra["nps_ci95"]);
    assert_matches(&actual["satisfaction"], &extra["satisfaction"]);
    let ipa = &extra["ipa"];
    assert_matches(&actual["ipa"]["performance"], &ipa["performance"]);
    assert_matches(&actual["ipa"]["stated_importance"], &ipa["stated_importance"]);
    assert_matches(&actual["ipa"]["derived_importance_r"], &ipa["derived_importance_r"]);
    assert_matches(&actual["ipa"]["stated"], &ipa["stated"]);
    assert_matches(&actual["ipa"]["derived"], &ipa["derived"]);
}

#[test]
fn a_repeated_id_is_counted_once() {
    let form = servqual_gap();
    let mut ds = servqual_dataset();
    let rows = read_wide(&form, &read("servqual_5resp.csv"));
    assert!(!ds.push(Some("r3"), None, &rows[0].1.answers));
    assert_eq!(ds.len(), 5);
    let actual = serde_json::to_value(report(&ds)).unwrap();
    assert_matches(&actual, &json("servqual_5resp.expected.json"));
}

#[test]
fn a_uuid_repeated_in_another_case_is_counted_once() {
    let form = servqual_gap();
    let mut ds = Dataset::new(form.clone());
    let rows = read_wide(&form, &read("servqual_5resp.csv"));
    assert!(ds.push(Some("7957ec04-13d3-4b3c-9286-257c739aa353"), None, &rows[0].1.answers));
    assert!(!ds.push(Some("7957EC04-13D3-4B3C-9286-257C739AA353"), None, &rows[1].1.answers));
    // Ids that are not UUIDs compare as written.
    assert!(ds.push(Some("r1"), None, &rows[2].1.answers));
    assert!(ds.push(Some("R1"), None, &rows[3].1.answers));
    assert_eq!(ds.len(), 3);
}
