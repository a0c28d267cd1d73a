//! The widget config (`config::Config`): defaults, every key's errors with their paths, the
//! endpoint rule, text lookup; and the payload the widget assembles (`build`): it validates as
//! a payload and its scores are the core's.

use eservqual_core::build::{build, summary, Envelope};
use eservqual_core::config::{check_endpoint, pick_locale, Config, Consent, Mode, Outcome, Target, ThemeMode};
use eservqual_core::payload::{Answers, Payload};
use eservqual_core::score::score;
use eservqual_core::text::Locale;
use eservqual_core::{ErrorCode, Format, Registry};
use proptest::prelude::*;
use serde_json::{json, Value};

const EP: &str = "https://collect.example.com/v1/responses";

fn with(extra: Value) -> Value {
    let mut c = json!({ "endpoint": EP });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn err(config: Value) -> (ErrorCode, String) {
    match Config::from_value(config.clone()) {
        Ok(_) => panic!("{config} was accepted"),
        Err(e) => {
            assert!(!e.message.is_empty());
            (e.code, e.into_inner().field)
        }
    }
}

#[test]
fn defaults() {
    let c = Config::from_value(with(json!({}))).unwrap();
    assert_eq!(c.form.instrument.id, "e-s-qual");
    assert_eq!(c.form.format, Format::Perception);
    assert!(c.form.all_dimensions());
    assert!(c.recovery);
    assert_eq!(c.outcomes, vec![Outcome::Nps, Outcome::Comment]);
    assert!(!c.weights);
    assert_eq!(c.locale, None);
    assert_eq!(c.mode, Mode::Popover);
    assert!(c.launcher && c.show_summary && c.settings.respect_gpc);
    assert_eq!(c.trigger, eservqual_core::ask::Trigger::Manual);
    assert_eq!((c.settings.sample_rate, c.settings.recontact_days, c.settings.dismiss_days), (1.0, 90.0, 14.0));
    assert_eq!(c.consent, Consent::Fixed(true));
    assert_eq!(c.theme.mode, ThemeMode::Auto);
    assert_eq!(c.timeout_ms, 10_000.0);
    assert!(!c.before_send && c.headers.is_empty() && c.meta.is_empty() && c.site.is_none());
    assert!(!c.partial, "partial responses are opt-in");
    assert_eq!(c.resume_hours, 24.0);
}

#[test]
fn every_key_is_read() {
    let c = Config::from_value(json!({
        "endpoint": "http://localhost:8787/v1/responses",
        "instrument": "servqual", "format": "zone", "dimensions": ["REL", "TAN"], "recovery": true,
        "outcomes": ["comment", "loyalty", "nps", "value", "satisfaction", "ces", "csat"], "weights": true,
        "locale": "zh-TW", "strings": {"ui.next": "Onward"}, "mode": "inline", "target": "#here",
        "launcher": false, "trigger": {"on": "delay", "ms": 3000}, "sampleRate": 0.2, "recontactDays": 30,
        "dismissDays": 0, "consent": false, "respectGpc": false, "showSummary": false,
        "theme": {"mode": "dark", "accent": "#0a5", "radius": "12px", "font": "Georgia, serif"},
        "headers": {"X-Site": "shop"}, "timeoutMs": 5000, "site": "shop", "meta": {"plan": "pro", "n": 2, "b": true},
        "resumeHours": 2, "partial": true
    }))
    .unwrap();
    assert!(c.partial);
    assert_eq!(c.resume_hours, 2.0);
    assert_eq!(c.form.instrument.id, "servqual");
    assert_eq!(c.form.format, Format::Zone);
    assert_eq!(c.form.dimensions().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["TAN", "REL"]);
    assert!(!c.recovery, "recovery belongs to e-s-qual only");
    assert_eq!(c.outcomes, Outcome::ALL.to_vec(), "asked in a fixed order");
    assert_eq!(c.target, Some(Target::Selector("#here".into())));
    assert_eq!(c.consent, Consent::Fixed(false));
    assert_eq!(c.theme.accent.as_deref(), Some("#0a5"));
    assert_eq!(c.headers.get("X-Site").map(String::as_str), Some("shop"));
    assert_eq!(c.meta.len(), 3);
}

#[test]
fn errors_name_the_key() {
    use ErrorCode::*;
    let cases = [
        (json!({}), MissingField, "endpoint"),
        (with(json!({"endpont": 1})), UnknownField, "endpont"),
        (with(json!({"sample_rate": 0.5})), UnknownField, "sample_rate"),
        (with(json!({"sampleRate": 2})), OutOfRange, "sampleRate"),
        (with(json!({"sampleRate": -0.1})), OutOfRange, "sampleRate"),
        (with(json!({"sampleRate": "1"})), InvalidType, "sampleRate"),
        (with(json!({"recontactDays": -1})), OutOfRange, "recontactDays"),
        (with(json!({"dismissDays": "x"})), InvalidType, "dismissDays"),
        (with(json!({"instrument": "nope"})), UnknownInstrument, "instrument"),
        (with(json!({"instrument": 3})), InvalidType, "instrument"),
        (with(json!({"format": "likert"})), InvalidFormat, "format"),
        (with(json!({"dimensions": ["EFF", "XXX"]})), UnknownDimension, "dimensions[1]"),
        (with(json!({"dimensions": []})), UnknownDimension, "dimensions"),
        (with(json!({"outcomes": ["nps", "mood"]})), OutOfRange, "outcomes[1]"),
        (with(json!({"outcomes": ["nps", "nps"]})), OutOfRange, "outcomes[1]"),
        (with(json!({"outcomes": "nps"})), InvalidType, "outcomes"),
        (with(json!({"weights": "yes"})), InvalidType, "weights"),
        (with(json!({"locale": "fr"})), OutOfRange, "locale"),
        (with(json!({"locale": "en<x>"})), OutOfRange, "locale"),
        (with(json!({"strings": {"ui.next": 5}})), InvalidType, "strings.ui.next"),
        (with(json!({"mode": "modal"})), OutOfRange, "mode"),
        (with(json!({"mode": "inline"})), MissingField, "target"),
        (with(json!({"mode": "inline", "target": 5})), InvalidType, "target"),
        (with(json!({"trigger": {"on": "delay", "ms": -5}})), OutOfRange, "trigger.ms"),
        (with(json!({"trigger": {"on": "hover"}})), OutOfRange, "trigger.on"),
        (with(json!({"consent": "yes"})), InvalidType, "consent"),
        (with(json!({"respectGpc": 1})), InvalidType, "respectGpc"),
        (with(json!({"partial": "yes"})), InvalidType, "partial"),
        (with(json!({"theme": {"mode": "sepia"}})), OutOfRange, "theme.mode"),
        (with(json!({"theme": {"colour": "red"}})), UnknownField, "theme.colour"),
        (with(json!({"theme": {"accent": "red;} :host{display:none"}})), OutOfRange, "theme.accent"),
        (with(json!({"theme": {"accent": "url(https://evil.example/x)"}})), OutOfRange, "theme.accent"),
        (with(json!({"headers": {"Bad Name": "x"}})), OutOfRange, "headers.Bad Name"),
        (with(json!({"headers": {"X-A": "a\r\nSet-Cookie: x"}})), OutOfRange, "headers.X-A"),
        (with(json!({"beforeSend": "send"})), InvalidType, "beforeSend"),
        (with(json!({"timeoutMs": 0})), OutOfRange, "timeoutMs"),
        (with(json!({"timeoutMs": 1e9})), OutOfRange, "timeoutMs"),
        (with(json!({"meta": {"a": {"b": 1}}})), InvalidType, "meta.a"),
        (with(json!({"site": 5})), InvalidType, "site"),
        (json!("https://x.example"), InvalidType, ""),
    ];
    for (config, code, field) in cases {
        assert_eq!(err(config.clone()), (code, field.to_string()), "{config}");
    }
}

#[test]
fn endpoint_rule() {
    for ok in [
        "https://collect.example.com/v1/responses",
        "HTTPS://Example.COM",
        "https://example.com:8443/x?y=1#z",
        "http://localhost:8787/v1/responses",
        "http://127.0.0.1/v1",
        "http://[::1]:8080/",
        "http://LOCALHOST",
    ] {
        check_endpoint(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in [
        "http://example.com/v1",
        "http://localhost.evil.com/",
        "http://127.0.0.1.evil.com/",
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "http://user@localhost/",
        "javascript:alert(1)",
        "data:text/plain,hi",
        "ftp://example.com/",
        "file:///etc/passwd",
        "//example.com/v1",
        "/v1/responses",
        "https:example.com",
        "https://",
        "https:// example.com",
        "",
    ] {
        let e = check_endpoint(bad).expect_err(bad);
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::OutOfRange, "endpoint"), "{bad}");
        let e = Config::from_value(json!({ "endpoint": bad })).expect_err(bad);
        assert_eq!(e.field, "endpoint");
    }
}

#[test]
fn custom_instrument_and_strings() {
    let c = Config::from_value(with(json!({
        "instrument": {"id": "shop", "version": "2", "scale": {"min": 1, "max": 7},
            "dimensions": [{"code": "SPEED", "name": {"en": "Speed", "zh-CN": "速度"}, "items": [{"code": "S1", "text": {"en": "It was quick."}}, {"code": "S2"}]}]},
        "strings": {"item.S2": "<img src=x onerror=alert(1)>", "ui.next": "Weiter"},
        "locale": "de"
    })))
    .unwrap();
    let de = pick_locale(c.locale.as_deref(), &[]);
    assert_eq!((de.tag.as_str(), de.builtin), ("de", Locale::En));
    assert_eq!(c.text(&de, "item.S1"), "It was quick.");
    assert_eq!(c.text(&de, "item.S2"), "<img src=x onerror=alert(1)>");
    assert_eq!(c.text(&de, "dimension.SPEED"), "Speed");
    assert_eq!(c.text(&de, "ui.next"), "Weiter");
    assert_eq!(c.text(&de, "ui.back"), "Back");
    let zh = pick_locale(Some("zh-CN"), &[]);
    assert_eq!(c.text(&zh, "dimension.SPEED"), "速度");
    assert_eq!(c.form.scale().max, 7);
}

#[test]
fn locale_from_the_browser() {
    let langs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(pick_locale(None, &langs(&["fr-FR", "zh-HK", "en"])).tag, "zh-TW");
    assert_eq!(pick_locale(None, &langs(&["de"])).tag, "en");
    assert_eq!(pick_locale(None, &langs(&["zh"])).tag, "zh-CN");
    assert_eq!(pick_locale(Some("en"), &langs(&["zh"])).tag, "en");
}

fn envelope() -> Envelope {
    Envelope {
        id: "2f1c6a1e-8d4b-4c1a-9f5e-0a1b2c3d4e5f".into(),
        locale: "en".into(),
        started_at: Some("2026-12-01T10:00:00.000Z".into()),
        submitted_at: "2026-12-01T10:03:10.250Z".into(),
        page: Some("/checkout/done".into()),
        sdk_version: "0.1.0".into(),
    }
}

/// A respondent's answers for `config`: item i gets `(i % scale) + min`, every third N/A.
fn answers_for(c: &Config, recovery: bool) -> Answers {
    let s = c.form.scale();
    let mut a = Answers::empty(c.form.instrument.item_count());
    for (i, slot) in a.items.iter_mut().enumerate() {
        for f in c.form.format.fields() {
            if i % 3 != 2 {
                slot[f.index()] = Some(s.min + (i as i16 + f.index() as i16) % (s.max - s.min + 1));
            }
        }
    }
    if recovery {
        a.recovery = Some((0..11).map(|i| if i == 4 { None } else { Some(1 + i % 5) }).collect());
    }
    if c.weights {
        let n = c.form.active.len();
        a.weights = Some((0..n).map(|i| if i == 0 { 100.0 - 10.0 * (n as f64 - 1.0) } else { 10.0 }).collect());
    }
    a.outcomes.nps = Some(9);
    a.outcomes.value = Some([Some(7), None, Some(10), Some(1)]);
    a.outcomes.comment = Some("Delivery was late.".into());
    a
}

fn round_trip(config: Value, recovery: bool) {
    let c = Config::from_value(config.clone()).unwrap();
    let answers = answers_for(&c, recovery && c.recovery);
    let out = build(&c, &answers, envelope());
    let payload = out.to_payload();
    let text = serde_json::to_string(&payload).unwrap();
    let parsed = Payload::from_json(&text).unwrap_or_else(|e| panic!("{config}: {e}\n{text}"));
    let response = parsed.validate(&Registry::builtin()).unwrap_or_else(|e| panic!("{config}: {e}\n{text}"));
    let again = score(&response.form, &response.answers);
    assert_eq!(again, out.scores, "{config}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "eservqual.response/1");
    assert_eq!(v["page"], "/checkout/done");
    assert!(v.get("recovery").is_some(), "recovery is present (null when not administered)");
    assert_eq!(v["sdk"]["name"], "eservqual");
    // N/A is null, never a number.
    let third = c.form.instrument.items().nth(2).unwrap();
    if c.form.item_active(2) {
        assert_eq!(v["answers"][&third.code]["p"], Value::Null, "{text}");
    }
}

#[test]
fn built_payloads_validate_and_score_the_same() {
    round_trip(with(json!({})), true);
    round_trip(with(json!({})), false);
    round_trip(
        with(json!({"recovery": false, "weights": true, "outcomes": ["nps", "value", "loyalty", "comment"]})),
        false,
    );
    round_trip(with(json!({"instrument": "servqual", "weights": true, "dimensions": ["REL", "EMP"]})), false);
    round_trip(
        with(
            json!({"instrument": "servqual", "format": "zone", "outcomes": Outcome::ALL.map(|o| o.as_str()), "site": "shop", "meta": {"a": 1}}),
        ),
        false,
    );
    round_trip(with(json!({"instrument": "e-recs-qual", "outcomes": []})), false);
}

#[test]
fn built_payload_shape() {
    let c = Config::from_value(with(
        json!({"dimensions": ["EFF", "PRI"], "weights": true, "outcomes": ["nps", "loyalty"]}),
    ))
    .unwrap();
    let mut a = answers_for(&c, false);
    a.outcomes.comment = Some("not asked".into());
    let out = build(&c, &a, envelope());
    let v = serde_json::to_value(out.to_payload()).unwrap();
    assert_eq!(
        v["instrument"],
        json!({"id": "e-s-qual", "version": "1", "format": "perception", "dimensions": ["EFF", "PRI"]})
    );
    assert_eq!(v["scale"], json!({"min": 1, "max": 5}));
    assert_eq!(v["recovery"], Value::Null, "screened out");
    assert_eq!(v["weights"], json!({"EFF": 90.0, "PRI": 10.0}));
    assert_eq!(v["outcomes"], json!({"nps": 9.0, "loyalty": [null, null, null, null, null]}));
    assert_eq!(v["answers"].as_object().unwrap().len(), 11, "only the items of D");
    assert!(v["answers"].get("SYS1").is_none());
    assert!(v["scores"]["outcomes"].is_object(), "loyalty was asked");
}

#[test]
fn summary_in_words() {
    let c = Config::from_value(with(json!({"recovery": false}))).unwrap();
    let en = pick_locale(Some("en"), &[]);
    let mut a = Answers::empty(22);
    for (i, slot) in a.items.iter_mut().enumerate() {
        slot[0] = Some(if i < 8 {
            5
        } else if i >= 19 {
            1
        } else {
            4
        });
    }
    let out = build(&c, &a, envelope());
    let lines = summary(&c, &en, &out.scores);
    assert_eq!(lines[0], "Your ratings are above the middle of the scale.");
    assert_eq!(lines[1], "Strongest: Efficiency", "{lines:?}");
    assert!(lines[2].starts_with("Needs most work: "), "{lines:?}");
    assert!(lines[2].contains(&c.text(&en, "dimension.PRI")));
    // Nothing answered: no class, no dimensions.
    let none = build(&c, &Answers::empty(22), envelope());
    assert!(summary(&c, &en, &none.scores).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn config_reader_never_panics(key in "[a-zA-Z]{1,14}", n in proptest::num::f64::ANY, s in ".{0,40}") {
        for value in [json!(n), json!(s), json!(null), json!([s]), json!({"on": s}), json!(true)] {
            let _ = Config::from_value(with(json!({ key.clone(): value })));
        }
        let _ = check_endpoint(&s);
        let _ = Config::from_value(json!({"endpoint": s}));
    }
}

/// A partial response as the widget builds it: the answers of the first step, sent as
/// `"status": "partial"`; it validates, scores as built, and stopped at the second dimension.
#[test]
fn a_built_partial_payload_says_so_and_where_it_stopped() {
    let c = Config::from_value(with(json!({"dimensions": ["EFF", "SYS", "PRI"], "recovery": false}))).unwrap();
    let first = c.form.item_range(c.form.active[0]).count();
    let mut a = Answers::empty(c.form.instrument.item_count());
    for i in c.form.item_range(c.form.active[0]) {
        a.items[i][0] = Some(4);
    }
    let mut out = build(&c, &a, envelope());
    out.partial = Some("SYS".into());
    let text = serde_json::to_string(&out.to_payload()).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((&v["status"], &v["step"]), (&json!("partial"), &json!("SYS")), "{text}");
    let answered = v["answers"].as_object().unwrap().values().filter(|a| a["p"].as_f64() == Some(4.0)).count();
    assert_eq!(answered, first, "the first step's answers, the rest null: {text}");
    let parsed = Payload::from_json(&text).unwrap();
    let response = parsed.validate(&Registry::builtin()).unwrap();
    assert_eq!(score(&response.form, &response.answers), out.scores);
    let stop = eservqual_core::partial::stopped_at(&parsed, &response.form).map(|s| s.name().to_string());
    assert_eq!(stop.as_deref(), Some("SYS"), "the second step of the form (EFF, SYS, PRI)");

    out.partial = None;
    let complete: Value = serde_json::to_value(out.to_payload()).unwrap();
    assert!(complete.get("status").is_none() && complete.get("step").is_none(), "a complete payload says neither");
}

/// Every step the widget can name in a partial response (`Step::name`) is one the core accepts
/// in `step`, for a form with every kind of step.
#[test]
fn every_step_the_widget_names_validates() {
    use eservqual_core::questionnaire::{Questionnaire, Val, SCREEN};
    let c = Config::from_value(with(json!({"weights": true, "outcomes": ["nps"]}))).unwrap();
    let mut q = Questionnaire::default();
    q.answer(SCREEN, Val::N(1));
    let steps = q.steps(&c);
    let names: Vec<&str> = steps.iter().map(|s| s.name(&c)).collect();
    assert_eq!(
        names,
        ["EFF", "SYS", "FUL", "PRI", "screen", "recovery", "recovery", "recovery", "outcomes", "weights"]
    );
    for name in names {
        let mut out = build(&c, &answers_for(&c, false), envelope());
        out.partial = Some(name.to_string());
        let text = serde_json::to_string(&out.to_payload()).unwrap();
        let payload = Payload::from_json(&text).unwrap();
        payload.validate(&Registry::builtin()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(payload.step.as_deref(), Some(name));
    }
}
