//! The saved questionnaire in progress (`draft::Draft`): its stored text read back as written,
//! damage and other versions refused, the last answer per item winning whichever tab wrote it,
//! expiry after `resumeHours`, and resuming at the right step. Steps follow E-S-QUAL's shape
//! (EFF 8, SYS 4, FUL 7, PRI 3 items, then the screening question and the outcomes).

use eservqual_core::config::Config;
use eservqual_core::draft::{key, Draft};
use eservqual_core::questionnaire::{required, Questionnaire, Step, Val};
use serde_json::json;

const ID: &str = "0d6f2a4e-8c1b-4f3a-9e7d-5b2c1a0f9e8d";

fn config() -> Config {
    Config::from_value(json!({ "endpoint": "https://collect.example.com/v1/responses" })).unwrap()
}

fn draft() -> Draft {
    Draft {
        id: ID.into(),
        saved_ms: 1_764_000_000_000.0,
        step: 0,
        started_at: Some("2026-12-05T09:00:00.000Z".into()),
        ..Draft::default()
    }
}

#[test]
fn a_draft_reads_back_as_written_comment_newlines_na_and_cleared_numbers_included() {
    let mut d = draft();
    d.step = 2;
    d.answer("EFF1.p", Some(Val::N(4)), 1_764_000_000_100.0);
    d.answer("EFF2.p", Some(Val::Na), 1_764_000_000_200.0);
    d.answer("w.EFF", None, 1_764_000_000_300.0);
    d.comment("Late parcel.\nSecond line with spaces  and a trailing space ", 1_764_000_000_400.0);
    let text = d.write();
    assert_eq!(
        text,
        "1 1764000000000 2 0d6f2a4e-8c1b-4f3a-9e7d-5b2c1a0f9e8d 2026-12-05T09:00:00.000Z\n\
         a 1764000000100 EFF1.p 4\na 1764000000200 EFF2.p na\na 1764000000300 w.EFF -\n\
         c 1764000000400 Late parcel.\nSecond line with spaces  and a trailing space "
    );
    assert_eq!(Draft::read(&text), Some(d));
    let bare = Draft { started_at: None, ..draft() };
    assert_eq!(Draft::read(&bare.write()), Some(bare));
}

#[test]
fn damage_and_other_versions_are_not_drafts() {
    for text in [
        "",
        "2 1764000000000 0 id -",
        "1 soon 0 id -",
        "1 1764000000000 -1 id -",
        "1 1764000000000 0",
        "1 1764000000000 0 id -\na 1 EFF1.p four",
        "1 1764000000000 0 id -\na x EFF1.p 4",
        "1 1764000000000 0 id -\nEFF1.p 4",
    ] {
        assert_eq!(Draft::read(text), None, "{text:?}");
    }
}

#[test]
fn the_last_answer_per_item_wins_whichever_tab_wrote_it() {
    // Tab A answers EFF1 at t=30; tab B, whose copy is older, answers EFF1 at t=20 and EFF2 at
    // t=40 into the stored draft: A's newer EFF1 stays, B's EFF2 is added.
    let mut stored = draft();
    stored.answer("EFF1.p", Some(Val::N(5)), 30.0);
    stored.answer("EFF1.p", Some(Val::N(2)), 20.0);
    stored.answer("EFF2.p", Some(Val::N(3)), 40.0);
    assert_eq!(
        stored.answers,
        vec![("EFF1.p".to_string(), Some(Val::N(5)), 30.0), ("EFF2.p".to_string(), Some(Val::N(3)), 40.0)]
    );
    stored.answer("EFF1.p", Some(Val::Na), 50.0);
    assert_eq!(stored.answers[0], ("EFF1.p".to_string(), Some(Val::Na), 50.0));
    stored.comment("newer", 70.0);
    stored.comment("older", 60.0);
    assert_eq!(stored.comment, Some(("newer".to_string(), 70.0)));
}

#[test]
fn a_draft_expires_after_resume_hours() {
    let d = draft();
    let hour = 3_600_000.0;
    assert!(!d.expired(d.saved_ms + 24.0 * hour - 1.0, 24.0));
    assert!(d.expired(d.saved_ms + 24.0 * hour, 24.0));
    assert!(d.expired(d.saved_ms, 0.0), "resumeHours 0 keeps nothing");
}

#[test]
fn resuming_continues_at_the_saved_step_or_the_first_earlier_one_still_missing_answers() {
    let cfg = config();
    let mut d = draft();
    // Efficiency and System availability answered, the respondent on Fulfillment (step 2).
    for step in [Step::Dim(0), Step::Dim(1)] {
        for (i, k) in required(&cfg, step).into_iter().enumerate() {
            d.answer(&k, Some(Val::N(1 + (i % 5) as i16)), 10.0 + i as f64);
        }
    }
    d.step = 2;
    d.comment("so far", 99.0);
    let mut q = Questionnaire::default();
    d.resume(&mut q, &cfg);
    assert_eq!(q.step, 2);
    assert_eq!(q.get("EFF1.p"), Some(Val::N(1)));
    assert_eq!(q.get("SYS4.p"), Some(Val::N(4)));
    assert_eq!(q.get("FUL1.p"), None);
    assert_eq!(q.comment, "so far");
    assert!(q.missing(&cfg, Step::Dim(0)).is_empty() && q.missing(&cfg, Step::Dim(1)).is_empty());

    // Another tab cleared an answer of the first step: resume goes back to it.
    d.answer("EFF3.p", None, 200.0);
    let mut q = Questionnaire::default();
    d.resume(&mut q, &cfg);
    assert_eq!(q.step, 0);
    assert_eq!(q.get("EFF3.p"), None);

    // A step past the end (a config with fewer steps since) stops at the last.
    let mut d = draft();
    d.step = 40;
    let mut q = Questionnaire::default();
    let last = q.steps(&cfg).len() - 1;
    d.resume(&mut q, &cfg);
    assert_eq!(q.step, 0, "nothing answered: the first step");
    for step in q.steps(&cfg) {
        for k in required(&cfg, step) {
            d.answer(&k, Some(Val::N(0)), 1.0);
        }
    }
    let mut q = Questionnaire::default();
    d.resume(&mut q, &cfg);
    assert_eq!(q.step, last);
}

#[test]
fn drafts_are_kept_per_site_and_instrument() {
    assert_eq!(key(Some("northwind-tea"), "e-s-qual"), "eservqual.draft.northwind-tea.e-s-qual");
    assert_eq!(key(None, "servqual"), "eservqual.draft..servqual");
}

#[test]
fn resume_hours_is_read_from_the_config_and_checked() {
    let read =
        |v| Config::from_value(json!({ "endpoint": "https://collect.example.com/v1/responses", "resumeHours": v }));
    assert_eq!(config().resume_hours, 24.0);
    assert_eq!(read(json!(0)).unwrap().resume_hours, 0.0);
    assert_eq!(read(json!(720)).unwrap().resume_hours, 720.0);
    for bad in [json!(-1), json!(721), json!("24")] {
        let e = read(bad.clone()).err().unwrap();
        assert_eq!(e.field, "resumeHours", "{bad}");
    }
}

/// A custom instrument's scale may reach below zero (down to -100): such answers are kept too,
/// and do not make the draft unreadable.
#[test]
fn answers_below_zero_read_back() {
    let mut d = draft();
    d.answer("DEL1.p", Some(Val::N(-3)), 1_764_000_000_100.0);
    d.answer("DEL2.p", Some(Val::N(-100)), 1_764_000_000_200.0);
    let text = d.write();
    assert!(text.contains("\na 1764000000100 DEL1.p -3\n"), "{text}");
    assert_eq!(Draft::read(&text), Some(d));
}
