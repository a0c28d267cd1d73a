//! The questionnaire the widget walks (`questionnaire::Questionnaire`): its steps for each
//! instrument and format, the groups each step requires and what is missing, the screening
//! question changing the step counter's total, the weights, and the answers in the core's shape.
//! Expected values are written out by hand from the instruments' shapes (E-S-QUAL 8/4/7/3 items,
//! E-RecS-QUAL 5/3/3, SERVQUAL 4/5/4/4/5).

use eservqual_core::config::Config;
use eservqual_core::instrument::Field;
use eservqual_core::questionnaire::{fields_in_order, key, required, Next, Questionnaire, Step, Val, SCREEN, WEIGHTS};
use eservqual_core::Format;
use serde_json::{json, Value};

fn config(extra: Value) -> Config {
    let mut c = json!({ "endpoint": "https://collect.example.com/v1/responses" });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    Config::from_value(c).unwrap()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Answers every group `step` requires with `v`.
fn answer_all(q: &mut Questionnaire, cfg: &Config, step: Step, v: Val) {
    for k in required(cfg, step) {
        q.answer(&k, v);
    }
}

#[test]
fn default_e_s_qual_steps_are_its_dimensions_then_screening_then_outcomes() {
    let cfg = config(json!({}));
    let q = Questionnaire::default();
    // Four dimensions, the screening question, the default outcomes (nps, comment); no weights.
    assert_eq!(
        q.steps(&cfg),
        vec![Step::Dim(0), Step::Dim(1), Step::Dim(2), Step::Dim(3), Step::Screen, Step::Outcomes]
    );
    assert!(!q.total_known(&cfg), "recovery may add steps until the screening question is answered");
    assert_eq!(q.progress(&cfg), (1, 6));
    assert_eq!(q.current(&cfg), Some(Step::Dim(0)));
}

#[test]
fn a_yes_to_the_screening_question_adds_the_three_recovery_steps() {
    let cfg = config(json!({}));
    let mut q = Questionnaire { step: 4, ..Questionnaire::default() };
    assert_eq!(q.current(&cfg), Some(Step::Screen));
    assert!(!q.is_last(&cfg));

    q.answer(SCREEN, Val::N(1));
    assert!(q.screened_in());
    assert!(q.total_known(&cfg));
    assert_eq!(q.steps(&cfg)[4..], [Step::Screen, Step::Rec(0), Step::Rec(1), Step::Rec(2), Step::Outcomes]);
    assert_eq!(q.progress(&cfg), (5, 9));

    q.answer(SCREEN, Val::N(0));
    assert!(!q.screened_in());
    assert!(q.total_known(&cfg), "a no is an answer too: the total is known");
    assert_eq!(q.progress(&cfg), (5, 6));

    // The recovery steps ask the E-RecS-QUAL perceptions: 5, 3 and 3 items.
    assert_eq!(required(&cfg, Step::Rec(0)), names(&["RES1.p", "RES2.p", "RES3.p", "RES4.p", "RES5.p"]));
    assert_eq!(required(&cfg, Step::Rec(2)), names(&["CON1.p", "CON2.p", "CON3.p"]));
    assert_eq!(required(&cfg, Step::Screen), names(&[SCREEN]));
}

#[test]
fn without_recovery_the_total_is_known_from_the_start() {
    let cfg = config(json!({ "recovery": false, "outcomes": [], "weights": true }));
    let q = Questionnaire::default();
    assert_eq!(q.steps(&cfg), vec![Step::Dim(0), Step::Dim(1), Step::Dim(2), Step::Dim(3), Step::Weights]);
    assert!(q.total_known(&cfg));
    assert_eq!(q.progress(&cfg), (1, 5));
}

#[test]
fn servqual_and_its_formats_ask_each_field_in_the_prompt_order() {
    let gap = config(json!({ "instrument": "servqual" }));
    assert!(!gap.recovery, "recovery belongs to e-s-qual only");
    let q = Questionnaire::default();
    assert_eq!(
        q.steps(&gap),
        vec![Step::Dim(0), Step::Dim(1), Step::Dim(2), Step::Dim(3), Step::Dim(4), Step::Outcomes]
    );
    // SERVQUAL's default format is gap: expectation before perception.
    assert_eq!(
        required(&gap, Step::Dim(0)),
        names(&["TAN1.e", "TAN1.p", "TAN2.e", "TAN2.p", "TAN3.e", "TAN3.p", "TAN4.e", "TAN4.p"])
    );
    let zone = config(json!({ "instrument": "servqual", "format": "zone", "dimensions": ["REL", "EMP"] }));
    assert_eq!(q.steps(&zone), vec![Step::Dim(1), Step::Dim(4), Step::Outcomes]);
    let rel = required(&zone, Step::Dim(1));
    assert_eq!(rel.len(), 15, "5 items, 3 fields each");
    assert_eq!(rel[..3], names(&["REL1.min", "REL1.des", "REL1.p"]));
    let perception = config(json!({ "format": "perception", "outcomes": [] }));
    assert_eq!(required(&perception, Step::Dim(3)), names(&["PRI1.p", "PRI2.p", "PRI3.p"]));
    assert_eq!(fields_in_order(Format::Zone), &[Field::Min, Field::Des, Field::P]);
    assert!(required(&gap, Step::Outcomes).is_empty(), "outcomes are optional");
}

#[test]
fn missing_names_the_unanswered_groups_in_order_and_na_counts_as_an_answer() {
    let cfg = config(json!({}));
    let mut q = Questionnaire::default();
    assert_eq!(q.missing(&cfg, Step::Dim(1)), names(&["SYS1.p", "SYS2.p", "SYS3.p", "SYS4.p"]));
    q.answer("SYS2.p", Val::N(4));
    q.answer("SYS4.p", Val::Na);
    assert_eq!(q.missing(&cfg, Step::Dim(1)), names(&["SYS1.p", "SYS3.p"]));
    assert_eq!(q.missing(&cfg, Step::Screen), names(&[SCREEN]));
    assert!(q.missing(&cfg, Step::Outcomes).is_empty());
}

#[test]
fn next_stops_on_missing_answers_moves_on_and_submits_on_the_last_step() {
    let cfg = config(json!({ "recovery": false, "outcomes": ["nps"] }));
    let mut q = Questionnaire::default();
    assert_eq!(q.next(&cfg), Next::Missing);
    assert_eq!(q.step, 0);
    assert_eq!(q.errors.len(), 8, "EFF has 8 items");

    // Answering a group clears its error only.
    q.answer("EFF1.p", Val::N(5));
    assert_eq!(q.errors.len(), 7);
    assert!(!q.errors.contains(&"EFF1.p".to_string()));

    answer_all(&mut q, &cfg, Step::Dim(0), Val::N(3));
    assert_eq!(q.next(&cfg), Next::Moved);
    assert_eq!((q.step, q.errors.len()), (1, 0));
    for d in 1..4 {
        answer_all(&mut q, &cfg, Step::Dim(d), Val::Na);
        assert_eq!(q.next(&cfg), Next::Moved);
    }
    assert_eq!(q.current(&cfg), Some(Step::Outcomes));
    assert!(q.is_last(&cfg));
    assert_eq!(q.next(&cfg), Next::Submit, "the outcomes may all stay unanswered");
    assert_eq!(q.step, 4, "submitting does not move past the last step");

    q.errors = names(&["x"]);
    q.back();
    assert_eq!((q.step, q.errors.len()), (3, 0));
    q.step = 0;
    q.back();
    assert_eq!(q.step, 0);
}

#[test]
fn weights_must_total_100_or_be_left_empty() {
    let cfg =
        config(json!({ "recovery": false, "outcomes": [], "weights": true, "dimensions": ["EFF", "FUL", "PRI"] }));
    let mut q = Questionnaire::default();
    assert_eq!(q.weights_total(&cfg), 0);
    assert!(q.missing(&cfg, Step::Weights).is_empty(), "no points at all: the question is skipped");
    assert!(q.answers(&cfg).weights.is_none());

    q.number("w.EFF", Some(50));
    q.number("w.FUL", Some(30));
    assert_eq!(q.weights_total(&cfg), 80);
    assert_eq!(q.missing(&cfg, Step::Weights), names(&[WEIGHTS]));
    assert!(q.answers(&cfg).weights.is_none(), "weights that do not total 100 are not sent");

    // A weight of a dimension outside the set does not count.
    q.number("w.SYS", Some(20));
    assert_eq!(q.weights_total(&cfg), 80);
    q.number("w.PRI", Some(20));
    assert_eq!(q.weights_total(&cfg), 100);
    assert!(q.missing(&cfg, Step::Weights).is_empty());
    assert_eq!(q.answers(&cfg).weights, Some(vec![50.0, 30.0, 20.0]));

    // Cleared and out-of-range inputs.
    q.number("w.PRI", None);
    assert_eq!(q.weights_total(&cfg), 80);
    q.number("w.PRI", Some(250));
    assert_eq!(q.get("w.PRI"), Some(Val::N(100)));
    assert_eq!(q.weights_total(&cfg), 180);
}

#[test]
fn answers_in_the_cores_shape() {
    let cfg = config(json!({
        "instrument": "servqual", "format": "gap", "dimensions": ["REL"],
        "outcomes": ["nps", "csat", "value", "comment"]
    }));
    let mut q = Questionnaire::default();
    q.answer("REL2.e", Val::N(6));
    q.answer("REL2.p", Val::N(4));
    q.answer("REL3.e", Val::Na);
    q.answer("nps", Val::N(9));
    q.answer("value.3", Val::N(7));
    q.comment = "  \n ".into();
    let a = q.answers(&cfg);
    // Indexed by the whole instrument: TAN has 4 items, so REL2 is flat item 5.
    assert_eq!(a.items.len(), 22);
    assert_eq!(a.items[5][Field::E.index()], Some(6));
    assert_eq!(a.items[5][Field::P.index()], Some(4));
    assert_eq!(a.items[6][Field::E.index()], None, "N/A is sent as no answer");
    assert!(a.items.iter().enumerate().all(|(i, it)| i == 5 || it.iter().all(Option::is_none)));
    assert!(a.recovery.is_none());
    assert_eq!((a.outcomes.nps, a.outcomes.csat, a.outcomes.ces), (Some(9), None, None));
    assert_eq!(a.outcomes.value, Some([None, None, Some(7), None]));
    assert_eq!(a.outcomes.loyalty, None, "loyalty was not asked");
    assert_eq!(a.outcomes.comment, None, "a blank comment is no comment");
    q.comment = " fine ".into();
    assert_eq!(q.answers(&cfg).outcomes.comment.as_deref(), Some(" fine "));
}

#[test]
fn recovery_answers_are_sent_only_after_a_yes() {
    let cfg = config(json!({}));
    let mut q = Questionnaire::default();
    q.answer(&key("RES1", Field::P), Val::N(2));
    q.answer("CON3.p", Val::N(5));
    assert!(q.answers(&cfg).recovery.is_none(), "screening not answered");
    q.answer(SCREEN, Val::N(0));
    assert!(q.answers(&cfg).recovery.is_none(), "screened out");
    q.answer(SCREEN, Val::N(1));
    let rec = q.answers(&cfg).recovery.unwrap();
    assert_eq!(rec.len(), 11);
    assert_eq!(rec[0], Some(2));
    assert_eq!(rec[10], Some(5));
    assert_eq!(rec.iter().filter(|v| v.is_some()).count(), 2);
}
