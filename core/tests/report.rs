//! Report features beyond the vectors of tests/data: weekly trend, recovery block, zone keys, a
//! switched-off dimension, and empty data.

use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Answers;
use eservqual_core::report::report;
use eservqual_core::{Form, Format, Instrument};
use serde_json::json;
use std::sync::Arc;

fn esqual(format: Format) -> Form {
    Form::new(Arc::new(Instrument::builtin("e-s-qual").unwrap()), format)
}

fn all(p: i16) -> Answers {
    let mut a = Answers::empty(22);
    a.items.iter_mut().for_each(|it| it[0] = Some(p));
    a
}

#[test]
fn trend_groups_by_monday_weeks() {
    let mut ds = Dataset::new(esqual(Format::Perception));
    ds.push(None, Some("2026-11-16T00:00:00Z"), &all(2)); // Monday
    ds.push(None, Some("2026-11-22T23:59:59Z"), &all(4)); // Sunday, same week
    ds.push(None, Some("2026-11-23T08:00:00+08:00"), &all(5)); // next Monday
    ds.push(None, Some("2024-02-29T12:00:00Z"), &all(3)); // a Thursday in a leap year
    let r = serde_json::to_value(report(&ds)).unwrap();
    let trend = r["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 3);
    assert_eq!(trend[0]["week"], "2024-02-26");
    assert_eq!(trend[1]["week"], "2026-11-16");
    assert_eq!(trend[1]["n"], 2);
    assert_eq!(trend[1]["dimensions"]["EFF"], json!(3.0));
    assert_eq!(trend[1]["overall"]["p"], json!(3.0));
    assert_eq!(trend[2]["week"], "2026-11-23");
    assert_eq!(trend[2]["overall"]["p"], json!(5.0));
}

#[test]
fn no_dates_no_trend_and_empty_data_gives_nulls() {
    let ds = Dataset::new(esqual(Format::Perception));
    let r = serde_json::to_value(report(&ds)).unwrap();
    assert_eq!(r["responses"], 0);
    assert!(r.get("trend").is_none());
    assert_eq!(r["dimensions"]["EFF"]["p"], json!({"n": 0, "mean": null, "sd": null, "se": null, "ci95": null}));
    assert_eq!(r["dimensions"]["EFF"]["alpha"]["p"]["raw"], json!(null));
    assert_eq!(r["nps"]["score"], json!(null));
    assert!(r.get("weakest").is_none());
}

#[test]
fn recovery_block_covers_only_respondents_who_were_asked() {
    let mut ds = Dataset::new(esqual(Format::Perception));
    let mut asked = all(4);
    asked.recovery = Some(vec![Some(2); 11]);
    let mut asked2 = all(4);
    asked2.recovery = Some(vec![Some(4); 11]);
    ds.push(None, None, &asked);
    ds.push(None, None, &asked2);
    ds.push(None, None, &all(5));
    let r = serde_json::to_value(report(&ds)).unwrap();
    let res = &r["recovery"]["RES"];
    assert_eq!(res["p"]["n"], 2);
    assert_eq!(res["p"]["mean"], json!(3.0));
    assert_eq!(res["items"]["RES1"]["p"]["n"], 2);
    assert_eq!(r["dimensions"]["EFF"]["p"]["n"], 3);
    // The respondent screened out was never shown the recovery items: no non-response there
    // (§4), while one of the two who were shown them leaving an item blank is half.
    assert_eq!(res["items"]["RES1"]["nonresponse"], json!(0.0));
    let mut ds = Dataset::new(esqual(Format::Perception));
    let mut blank = all(4);
    blank.recovery = Some([vec![None], vec![Some(3); 10]].concat());
    ds.push(None, None, &asked);
    ds.push(None, None, &blank);
    ds.push(None, None, &all(5));
    let r = serde_json::to_value(report(&ds)).unwrap();
    assert_eq!(r["recovery"]["RES"]["items"]["RES1"]["nonresponse"], json!(0.5));
    assert_eq!(r["recovery"]["RES"]["items"]["RES2"]["nonresponse"], json!(0.0));
    // Without any recovery answers there is no block.
    let mut ds = Dataset::new(esqual(Format::Perception));
    ds.push(None, None, &all(5));
    assert!(serde_json::to_value(report(&ds)).unwrap().get("recovery").is_none());
}

#[test]
fn zone_report_has_msa_mss_and_the_band() {
    let form = Form::new(Arc::new(Instrument::builtin("servqual").unwrap()), Format::Zone);
    let mut ds = Dataset::new(form);
    for (p, min, des) in [(7, 5, 8), (4, 5, 8), (9, 6, 8)] {
        let mut a = Answers::empty(22);
        a.items.iter_mut().for_each(|it| *it = [Some(p), None, Some(min), Some(des)]);
        ds.push(None, None, &a);
    }
    let r = serde_json::to_value(report(&ds)).unwrap();
    let rel = &r["dimensions"]["REL"];
    assert_eq!(rel["p"]["mean"], json!(20.0 / 3.0));
    assert_eq!(rel["msa"]["mean"], json!((2.0 - 1.0 + 3.0) / 3.0));
    assert_eq!(rel["mss"]["mean"], json!((-1.0 - 4.0 + 1.0) / 3.0));
    assert_eq!(rel["min"]["mean"], json!(16.0 / 3.0));
    assert_eq!(rel["des"]["mean"], json!(8.0));
    assert!(rel.get("gap").is_none() && rel.get("e").is_none());
    assert!(r["overall"].get("msa").is_some() && r["overall"].get("gap").is_none());
    assert!(rel["items"]["REL1"].get("msa").is_some());
}

#[test]
fn switched_off_dimension_is_absent_from_the_report() {
    let inst = Arc::new(Instrument::builtin("e-s-qual").unwrap());
    let form =
        Form::with_dimensions(inst, Format::Perception, &["EFF".into(), "SYS".into(), "PRI".into()], "dimensions")
            .unwrap();
    let mut ds = Dataset::new(form);
    ds.push(None, None, &all(4));
    ds.push(None, None, &all(3));
    let r = serde_json::to_value(report(&ds)).unwrap();
    assert!(r["dimensions"].get("FUL").is_none());
    assert_eq!(r["dimension_set"], json!(["EFF", "SYS", "PRI"]));
    assert_eq!(r["overall"]["p"]["n"], 2);
}

#[test]
fn labels_and_scale_come_from_the_instrument_and_format() {
    // Built-in: the wording the widget shows, for every dimension and, once asked, recovery.
    let mut ds = Dataset::new(esqual(Format::Perception));
    let mut asked = all(4);
    asked.recovery = Some(vec![Some(3); 11]);
    ds.push(None, None, &asked);
    let r = serde_json::to_value(report(&ds)).unwrap();
    assert_eq!(r["scale"], json!({"min": 1, "max": 5}));
    let labels = r["labels"].as_object().unwrap();
    let mut codes: Vec<&str> = labels.keys().map(String::as_str).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["COM", "CON", "EFF", "FUL", "PRI", "RES", "SYS"]);
    assert_eq!(r["labels"]["EFF"]["name"], json!({"en": "Efficiency", "zh-CN": "效率", "zh-TW": "效率"}));
    assert_eq!(
        r["labels"]["EFF"]["hint"]["en"],
        "How easy and quick it is to find things and get things done on the site."
    );
    assert_eq!(r["labels"]["CON"]["name"]["en"], "Contact");

    // Without recovery answers there is no recovery block and no recovery label; zone is 1-9
    // whatever the instrument, gap is the instrument's own scale.
    let servqual = |format| Form::new(Arc::new(Instrument::builtin("servqual").unwrap()), format);
    let r = serde_json::to_value(report(&Dataset::new(servqual(Format::Zone)))).unwrap();
    assert_eq!(r["scale"], json!({"min": 1, "max": 9}));
    assert_eq!(r["labels"]["RSP"]["name"]["en"], "Responsiveness");
    assert!(r["labels"].get("RES").is_none());
    let r = serde_json::to_value(report(&Dataset::new(servqual(Format::Gap)))).unwrap();
    assert_eq!(r["scale"], json!({"min": 1, "max": 7}));

    // Custom: the file's own names (no hints), its own scale.
    let custom = Instrument::from_json(
        r#"{"id": "shop", "version": "1", "scale": {"min": 0, "max": 10}, "format": "perception",
            "dimensions": [{"code": "EFF", "name": {"en": "Checkout speed", "zh-CN": "结账速度"},
                            "items": [{"code": "EFF1", "text": {"en": "Fast."}}]},
                           {"code": "X", "items": [{"code": "X1", "text": {"en": "Fine."}}]}]}"#,
    )
    .unwrap();
    let r = serde_json::to_value(report(&Dataset::new(Form::new(Arc::new(custom), Format::Perception)))).unwrap();
    assert_eq!(r["scale"], json!({"min": 0, "max": 10}));
    assert_eq!(r["labels"], json!({"EFF": {"name": {"en": "Checkout speed", "zh-CN": "结账速度"}}, "X": {"name": {}}}));
}
