//! Mergeable summaries (core/src/summary.rs): the report finished from a summary equals the
//! full-scan `report()` on the same rows, for every instrument and format; summaries of any
//! split of the rows merge, in any order, into the very same summary; the stored form reads
//! back equal, and refuses another version or another form.

use crate::common;

use common::{assert_matches, json, read, read_wide, Rng};
use eservqual_core::civil::civil_from_days;
use eservqual_core::dataset::Dataset;
use eservqual_core::exact::Exact;
use eservqual_core::instrument::{Dimension, Item, LocalText};
use eservqual_core::payload::{Answers, Payload};
use eservqual_core::report::report;
use eservqual_core::summary::{Distributions, Summary};
use eservqual_core::{ErrorCode, Form, Format, Instrument, Registry, Scale};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Forms and rows

/// A custom instrument with reverse-keyed items (none in zone format, which forbids them), a
/// long dimension (9 items: dimension scores over 5 to 9 answered items), and one- and two-item
/// dimensions (alpha undefined, the half rule at its smallest).
fn custom(reverse: bool) -> Instrument {
    let dim = |code: &str, k: usize, reversed: &[usize]| Dimension {
        code: code.to_string(),
        name: LocalText::new(),
        items: (1..=k)
            .map(|i| Item {
                code: format!("{code}{i}"),
                reverse: reverse && reversed.contains(&i),
                text: LocalText::new(),
            })
            .collect(),
    };
    Instrument {
        id: if reverse { "custom-reverse".into() } else { "custom-plain".into() },
        version: "1".into(),
        scale: Scale::new(1, 5),
        default_format: Format::Perception,
        dimensions: vec![dim("APP", 4, &[3]), dim("DEL", 9, &[2, 7]), dim("ONE", 1, &[]), dim("TWO", 2, &[2])],
        builtin: false,
    }
}

fn builtin(id: &str, format: Format, dims: Option<&[&str]>) -> Form {
    let inst = Arc::new(Instrument::builtin(id).unwrap());
    match dims {
        Some(d) => {
            let codes: Vec<String> = d.iter().map(|c| c.to_string()).collect();
            Form::with_dimensions(inst, format, &codes, "dimensions").unwrap()
        }
        None => Form::new(inst, format),
    }
}

/// Every form the tests cover: each format, dimension sets, recovery, reverse keys.
fn forms() -> Vec<Form> {
    vec![
        builtin("servqual", Format::Perception, None),
        builtin("servqual", Format::Gap, None),
        builtin("servqual", Format::Zone, None),
        builtin("servqual", Format::Gap, Some(&["REL", "RSP", "EMP"])),
        builtin("e-s-qual", Format::Perception, None),
        builtin("e-s-qual", Format::Perception, Some(&["EFF", "FUL"])),
        builtin("e-s-qual", Format::Gap, None),
        Form::new(Arc::new(custom(true)), Format::Perception),
        Form::new(Arc::new(custom(true)), Format::Gap),
        Form::new(Arc::new(custom(false)), Format::Zone),
    ]
}

/// One stored row: id, submitted_at, answers.
type Row = (String, Option<String>, Answers);

/// A random respondent of `form`: answers with N/A (some rows complete, some leaving whole
/// dimensions below the half rule), values in fields the format does not use (to be ignored),
/// weights of several kinds, outcomes, a date within `days` days (or none), recovery.
fn row(form: &Form, rng: &mut Rng, i: usize, days: u64) -> Row {
    let n_items = form.instrument.item_count();
    let mut a = Answers::empty(n_items);
    let scale = form.scale();
    let missing = match rng.below(4) {
        0 | 1 => 0.0,
        2 => 0.15,
        _ => 0.6,
    };
    // Raters agree a little: a respondent's level plus noise, so alphas are mostly defined.
    let level = rng.int(scale.min, scale.max);
    for item in a.items.iter_mut() {
        for (fi, field) in item.iter_mut().enumerate() {
            let used = form.format.fields().iter().any(|f| f.index() == fi);
            *field = if used && rng.chance(missing) {
                None
            } else if rng.chance(0.6) {
                Some((level + rng.int(-1, 1)).clamp(scale.min, scale.max))
            } else {
                Some(rng.int(scale.min, scale.max))
            };
        }
    }
    let nd = form.active.len();
    a.weights = match rng.below(3) {
        0 => None,
        1 => {
            let mut w: Vec<f64> = (0..nd).map(|_| rng.real(50.0)).collect();
            w[0] += 1.0;
            Some(w)
        }
        _ => {
            // 100 points in whole numbers.
            let mut left = 100i64;
            let mut w: Vec<f64> = (0..nd)
                .map(|_| {
                    let x = rng.below(left as u64 + 1) as i64;
                    left -= x;
                    x as f64
                })
                .collect();
            w[nd - 1] += left as f64;
            Some(w)
        }
    };
    let o = &mut a.outcomes;
    o.nps = rng.chance(0.8).then(|| rng.int(0, 10));
    o.csat = rng.chance(0.7).then(|| rng.int(1, 5));
    o.ces = rng.chance(0.5).then(|| rng.int(1, 7));
    o.satisfaction = rng.chance(0.7).then(|| (level + rng.int(-1, 1)).clamp(scale.min, scale.max));
    // Comments, some of them only whitespace (which is no comment).
    o.comment = match rng.below(5) {
        0 => Some(format!("comment {i}")),
        1 => Some([" ", "", "\n\t", " x "][rng.below(4) as usize].to_string()),
        _ => None,
    };
    if form.instrument.id == "e-s-qual" && rng.chance(0.35) {
        a.recovery = Some((0..11).map(|_| (!rng.chance(missing)).then(|| rng.int(1, 5))).collect());
    }
    let submitted_at = (!rng.chance(0.1)).then(|| {
        let day = civil_from_days(20_500 + rng.below(days.max(1)) as i64);
        let zone = if rng.chance(0.5) { "Z" } else { "+08:00" };
        format!("{:04}-{:02}-{:02}T{:02}:17:00{zone}", day.0, day.1, day.2, rng.below(24))
    });
    (format!("r{i}"), submitted_at, a)
}

fn rows(form: &Form, seed: u64, n: usize, days: u64) -> Vec<Row> {
    let mut rng = Rng(seed | 1);
    (0..n).map(|i| row(form, &mut rng, i, days)).collect()
}

fn full_scan(form: &Form, rows: &[Row]) -> Value {
    let mut ds = Dataset::new(form.clone());
    for (id, at, a) in rows {
        ds.push(Some(id), at.as_deref(), a);
    }
    serde_json::to_value(report(&ds)).unwrap()
}

fn summarise(form: &Form, rows: &[Row]) -> Summary {
    let mut s = Summary::new(form);
    for (_, at, a) in rows {
        s.add(at.as_deref(), a);
    }
    s
}

/// The distributions of `rows` counted here, value by value: NPS 0-10, CSAT 1-5, CES 1-7, and
/// the comments with some text.
fn counted<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Distributions {
    let mut d = Distributions::default();
    for (_, _, a) in rows {
        let o = &a.outcomes;
        d.responses += 1;
        for x in 0..=10 {
            d.nps[x as usize] += u64::from(o.nps == Some(x));
        }
        for x in 1..=5 {
            d.csat[x as usize - 1] += u64::from(o.csat == Some(x));
        }
        for x in 1..=7 {
            d.ces[x as usize - 1] += u64::from(o.ces == Some(x));
        }
        d.comments += u64::from(o.comment.as_ref().is_some_and(|c| c.chars().any(|ch| !ch.is_whitespace())));
    }
    d
}

fn finished(s: &Summary) -> Value {
    serde_json::to_value(s.finish()).unwrap()
}

/// Equal within the tolerance of docs/scoring.md §1.2, with the same keys both ways.
fn same(actual: &Value, expected: &Value) -> Result<(), String> {
    let mut out = Vec::new();
    common::diff(actual, expected, "$", &mut out);
    common::diff(expected, actual, "$", &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(format!("{} differences:\n{}", out.len(), out.join("\n")))
    }
}

// ---------------------------------------------------------------------------------------------
// The vectors of tests/data

#[test]
fn servqual_vector_report_from_a_summary() {
    let form = builtin("servqual", Format::Gap, None);
    let mut ds = Dataset::new(form.clone());
    let mut s = Summary::new(&form);
    for (id, row) in read_wide(&form, &read("servqual_5resp.csv")) {
        assert!(ds.push(id.as_deref(), row.submitted_at(), &row.answers));
        s.add(row.submitted_at(), &row.answers);
    }
    let actual = finished(&s);
    assert_matches(&actual, &json("servqual_5resp.expected.json"));
    same(&actual, &serde_json::to_value(report(&ds)).unwrap()).unwrap();
    // The numbers outside the contract too: CES, satisfaction, classes, IPA.
    let extra = json("servqual_5resp.extra.json");
    assert_eq!(actual["weakest"], extra["weakest_dimension"]);
    assert_matches(&actual["classes"], &extra["class_counts"]);
    assert_matches(&actual["satisfaction"], &extra["satisfaction"]);
    assert_matches(&actual["nps"]["ci95"], &extra["nps_ci95"]);
    for key in ["performance", "stated_importance", "derived_importance_r", "stated", "derived"] {
        assert_matches(&actual["ipa"][key], &extra["ipa"][key]);
    }
    // One summary per respondent, merged: the same summary.
    let mut parts: Vec<Summary> = read_wide(&form, &read("servqual_5resp.csv"))
        .iter()
        .map(|(_, row)| {
            let mut one = Summary::new(&form);
            one.add(row.submitted_at(), &row.answers);
            one
        })
        .collect();
    parts.reverse();
    let mut merged = Summary::new(&form);
    parts.iter().for_each(|p| merged.merge(p));
    assert!(merged == s);
    assert_eq!(finished(&merged), actual);
}

#[test]
fn single_payload_vectors_from_a_summary() {
    for name in ["esqual_one.json", "zone_one.json"] {
        let response = Payload::from_json(&read(name)).unwrap().validate(&Registry::builtin()).unwrap();
        let mut ds = Dataset::new(response.form.clone());
        ds.push_response(&response).unwrap();
        let mut s = Summary::new(&response.form);
        s.add_response(&response).unwrap();
        same(&finished(&s), &serde_json::to_value(report(&ds)).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        // A response to another form is refused.
        let other = builtin("servqual", Format::Perception, None);
        let err = Summary::new(&other).add_response(&response).unwrap_err();
        assert_eq!(err.code, ErrorCode::WrongForm, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Thousands of rows: the collector's case

/// A few thousand synthetic responses per form, over eight weeks, with N/A, repeated ids, one
/// summary per calendar day (as the collector keeps them) merged into the range's report.
#[test]
fn thousands_of_responses_per_day_summaries_equal_the_full_scan() {
    for (f, form) in forms().iter().enumerate() {
        let mut all = rows(form, 0x5eed + f as u64, 2500, 56);
        // Repeats: the same id sent again with other answers; the first one wins.
        let mut rng = Rng(99 + f as u64);
        for _ in 0..200 {
            let (id, _, _) = all[rng.below(2500) as usize].clone();
            let mut again = row(form, &mut rng, 0, 56);
            again.0 = id;
            all.push(again);
        }
        let expected = full_scan(form, &all);
        // The collector: a row is summarised only when it is stored as new.
        let mut seen = HashSet::new();
        let mut days: std::collections::BTreeMap<String, Summary> = Default::default();
        for (id, at, a) in &all {
            if seen.insert(id.clone()) {
                let day = at.as_deref().map_or("none".to_string(), |t| t[..10].to_string());
                days.entry(day).or_insert_with(|| Summary::new(form)).add(at.as_deref(), a);
            }
        }
        assert!(days.len() > 40, "{} days", days.len());
        let mut merged = Summary::new(form);
        for s in days.values() {
            // Through the stored form, as the collector reads them back.
            merged.merge(&Summary::from_json(&s.to_json(), form).unwrap());
        }
        assert_eq!(merged.responses(), 2500);
        let mut seen = HashSet::new();
        let firsts: Vec<&Row> = all.iter().filter(|r| seen.insert(r.0.clone())).collect();
        assert_eq!(*merged.distributions(), counted(firsts), "form {f}");
        let actual = finished(&merged);
        same(&actual, &expected).unwrap_or_else(|e| panic!("form {f} ({}): {e}", form.instrument.id));
        assert!(actual["trend"].as_array().unwrap().len() >= 8);
        if form.instrument.id == "e-s-qual" {
            assert!(actual["recovery"].is_object());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Splits `rows` into `parts` random parts (each a list of row indices).
fn split(n: usize, parts: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); parts.max(1)];
    for i in 0..n {
        out[rng.below(parts.max(1) as u64) as usize].push(i);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// finish(fold(add)) is report(dataset) on the same rows, within 1e-9, `null` for `null`,
    /// for every form.
    #[test]
    fn a_summary_finishes_to_the_full_scan_report(
        f in 0usize..10,
        seed in any::<u64>(),
        n in 0usize..60,
        days in 1u64..40,
    ) {
        let form = &forms()[f];
        let rows = rows(form, seed, n, days);
        let actual = finished(&summarise(form, &rows));
        let expected = full_scan(form, &rows);
        prop_assert!(same(&actual, &expected).is_ok(), "{}", same(&actual, &expected).unwrap_err());
    }

    /// Summaries of any split of the rows (days, or parts at random), merged in any order and
    /// grouping, are the very same summary: the same sums, the same report to the last bit.
    #[test]
    fn merging_parts_in_any_order_gives_the_same_summary(
        f in 0usize..10,
        seed in any::<u64>(),
        n in 0usize..50,
        parts in 1usize..8,
        order in any::<u64>(),
    ) {
        let form = &forms()[f];
        let rows = rows(form, seed, n, 30);
        let whole = summarise(form, &rows);
        let mut rng = Rng(order | 1);
        let mut pieces: Vec<Summary> = split(rows.len(), parts, &mut rng)
            .into_iter()
            .map(|idx| {
                let part: Vec<Row> = idx.into_iter().map(|i| rows[i].clone()).collect();
                summarise(form, &part)
            })
            .collect();
        // Merge in a random order and grouping: pairs of random pieces until one is left.
        while pieces.len() > 1 {
            let a = pieces.swap_remove(rng.below(pieces.len() as u64) as usize);
            let b = rng.below(pieces.len() as u64) as usize;
            if rng.chance(0.5) {
                pieces[b].merge(&a);
            } else {
                let mut c = a;
                c.merge(&pieces[b]);
                pieces[b] = c;
            }
        }
        let merged = pieces.pop().unwrap();
        prop_assert!(merged == whole);
        prop_assert_eq!(merged.distributions(), &counted(&rows));
        prop_assert_eq!(finished(&merged), finished(&whole));
        prop_assert!(same(&finished(&merged), &full_scan(form, &rows)).is_ok());
    }

    /// The stored form reads back as the same summary.
    #[test]
    fn the_stored_form_reads_back_equal(f in 0usize..10, seed in any::<u64>(), n in 0usize..30) {
        let form = &forms()[f];
        let s = summarise(form, &rows(form, seed, n, 20));
        let text = s.to_json();
        let back = Summary::from_json(&text, form).unwrap();
        prop_assert!(back == s);
        prop_assert_eq!(back.to_json(), text);
        prop_assert_eq!(finished(&back), finished(&s));
    }
}

// ---------------------------------------------------------------------------------------------
// The stored form

#[test]
fn another_version_is_refused_with_a_clear_error() {
    let form = builtin("e-s-qual", Format::Perception, None);
    let s = summarise(&form, &rows(&form, 7, 10, 5));
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(v["version"], 2);
    // Version 1, from before the counts per value, and a later one are both refused.
    for other in [1, 3] {
        v["version"] = other.into();
        let err = Summary::from_json(&v.to_string(), &form).unwrap_err();
        assert_eq!((err.code, err.field.as_str()), (ErrorCode::UnsupportedSchema, "version"));
        assert!(err.message.contains(&format!("version {other} is not supported")), "{}", err.message);
    }
    v.as_object_mut().unwrap().remove("version");
    assert_eq!(Summary::from_json(&v.to_string(), &form).unwrap_err().code, ErrorCode::MissingField);
    assert_eq!(Summary::from_json("{", &form).unwrap_err().code, ErrorCode::InvalidJson);
}

/// The counts per value merge by addition, and the report's `nps`, `csat` and `ces` come from
/// them: a hand-made case, checked against numbers worked out by hand.
#[test]
fn distributions_merge_exactly_and_give_the_report_numbers() {
    let form = builtin("e-s-qual", Format::Perception, None);
    let answers = |nps: Option<i16>, csat: Option<i16>, ces: Option<i16>, comment: Option<&str>| {
        let mut a = Answers::empty(form.instrument.item_count());
        a.outcomes.nps = nps;
        a.outcomes.csat = csat;
        a.outcomes.ces = ces;
        a.outcomes.comment = comment.map(String::from);
        a
    };
    let (mut one, mut two) = (Summary::new(&form), Summary::new(&form));
    one.add(Some("2026-01-05T10:00:00Z"), &answers(Some(10), Some(5), Some(7), Some("great")));
    one.add(Some("2026-01-05T11:00:00Z"), &answers(Some(0), Some(1), None, Some("  \n")));
    two.add(Some("2026-01-06T09:00:00Z"), &answers(Some(10), Some(4), Some(1), None));
    two.add(Some("2026-01-06T09:30:00Z"), &answers(Some(7), None, Some(5), Some("ok")));
    two.add(None, &answers(None, Some(2), None, None));
    let mut both = one.clone();
    both.merge(&two);
    let d = both.distributions();
    assert_eq!(d.responses, 5);
    assert_eq!(d.nps, [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]);
    assert_eq!(d.csat, [1, 1, 0, 1, 1]);
    assert_eq!(d.ces, [1, 0, 0, 0, 1, 0, 1]);
    assert_eq!(d.comments, 2, "a comment of whitespace only is none");
    // Merged the other way round: the same counts.
    let mut other = two.clone();
    other.merge(&one);
    assert_eq!(other.distributions(), d);
    let report = finished(&both);
    // NPS: 4 answers, 2 promoters (10, 10), 1 detractor (0): 100 * (2 - 1) / 4.
    assert_eq!(report["nps"]["n"], 4);
    assert_eq!(report["nps"]["score"], 25.0);
    // CSAT: 5, 1, 4, 2: mean 3, top-2 2 of 4. CES: 7, 1, 5: mean 13/3, agree 2 of 3.
    assert_eq!((report["csat"]["n"].clone(), report["csat"]["mean"].clone()), (4.into(), 3.0.into()));
    assert_eq!(report["csat"]["top2"], 0.5);
    assert_eq!(report["ces"]["mean"], 13.0 / 3.0);
    assert_eq!(report["ces"]["agree"], 2.0 / 3.0);
}

#[test]
fn a_summary_of_another_form_is_refused() {
    let form = builtin("servqual", Format::Gap, None);
    let text = summarise(&form, &rows(&form, 3, 10, 5)).to_json();
    for other in [
        builtin("servqual", Format::Perception, None),
        builtin("servqual", Format::Gap, Some(&["REL", "RSP", "EMP"])),
        builtin("e-s-qual", Format::Gap, None),
    ] {
        assert_eq!(Summary::from_json(&text, &other).unwrap_err().code, ErrorCode::WrongForm);
    }
    // The same id with another definition (an item no longer reversed): another fingerprint.
    let reversed = Form::new(Arc::new(custom(true)), Format::Perception);
    let mut plain = custom(true);
    plain.dimensions[0].items[2].reverse = false;
    let plain = Form::new(Arc::new(plain), Format::Perception);
    let text = summarise(&reversed, &rows(&reversed, 3, 10, 5)).to_json();
    let err = Summary::from_json(&text, &plain).unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongForm);
    assert!(err.message.contains("fingerprint"), "{}", err.message);
}

#[test]
fn malformed_sums_are_refused() {
    let form = builtin("servqual", Format::Zone, None);
    let text = summarise(&form, &rows(&form, 5, 10, 5)).to_json();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["sums"]["dimensions"]["dims"].as_array_mut().unwrap().pop();
    assert_eq!(Summary::from_json(&v.to_string(), &form).unwrap_err().code, ErrorCode::InvalidType);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["sums"]["rows"] = "ten".into();
    assert_eq!(Summary::from_json(&v.to_string(), &form).unwrap_err().code, ErrorCode::InvalidType);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["sums"]["overall"][0][1] = serde_json::json!([0, 1i64 << 40]);
    assert_eq!(Summary::from_json(&v.to_string(), &form).unwrap_err().code, ErrorCode::InvalidType);
}

#[test]
#[should_panic(expected = "cannot be merged")]
fn merging_summaries_of_different_forms_panics() {
    let a = builtin("servqual", Format::Gap, None);
    let b = builtin("servqual", Format::Perception, None);
    Summary::new(&a).merge(&Summary::new(&b));
}

#[test]
fn a_day_of_responses_is_stored_in_a_few_kilobytes() {
    for form in forms() {
        let s = summarise(&form, &rows(&form, 11, 200, 1));
        let len = s.to_json().len();
        assert!(len < 24_000, "{} {}: {len} bytes", form.instrument.id, form.format.as_str());
    }
}

// ---------------------------------------------------------------------------------------------
// Exactness where the full scan rounds

/// A constant non-integer dimension score: the summary's sd is exactly 0 (n·Σx² − (Σx)² is
/// computed without rounding); the full scan's two passes leave at most a rounding residue.
#[test]
fn a_constant_score_has_sd_exactly_zero() {
    let form = builtin("e-s-qual", Format::Perception, Some(&["PRI"]));
    let mut a = Answers::empty(22);
    let pri = form.item_range(form.active[0]);
    // PRI has 3 items: 1, 2, N/A gives 1.5; 1, 1, 2 gives 4/3, not a binary fraction.
    for (i, x) in pri.zip([Some(1), Some(1), Some(2)]) {
        a.items[i][0] = x;
    }
    let rows: Vec<Row> = (0..1000).map(|i| (format!("r{i}"), None, a.clone())).collect();
    let actual = finished(&summarise(&form, &rows));
    let expected = full_scan(&form, &rows);
    same(&actual, &expected).unwrap();
    assert_eq!(actual["dimensions"]["PRI"]["p"]["sd"], serde_json::json!(0.0));
    assert_eq!(actual["dimensions"]["PRI"]["p"]["mean"], serde_json::json!(4.0 / 3.0));
}

/// Derived importance over a dimension whose score is the same non-binary fraction for every
/// respondent: zero variance, so r is `null` (docs/scoring.md §3.9), and PRI is left out of the
/// derived quadrants. The summary knows the variance is exactly 0; the full scan's two passes
/// can leave a residue of 1e-32 there and print rounding noise (about ±1e-16) for r instead,
/// so this one case is compared with the specification rather than with the scan.
#[test]
fn derived_importance_of_a_constant_score_is_null() {
    let form = builtin("e-s-qual", Format::Perception, Some(&["SYS", "PRI"]));
    let rows: Vec<Row> = (0..7)
        .map(|i| {
            let mut a = Answers::empty(22);
            for (it, x) in form.item_range(form.active[1]).zip([1, 2, 2]) {
                a.items[it][0] = Some(x);
            }
            for it in form.item_range(form.active[0]) {
                a.items[it][0] = Some(1 + (i % 5) as i16);
            }
            a.outcomes.satisfaction = Some(1 + (i % 5) as i16);
            (format!("r{i}"), None, a)
        })
        .collect();
    let actual = finished(&summarise(&form, &rows));
    assert_eq!(actual["dimensions"]["PRI"]["p"]["sd"], serde_json::json!(0.0));
    assert_eq!(actual["ipa"]["derived_importance_r"]["PRI"], Value::Null);
    assert!(common::close(actual["ipa"]["derived_importance_r"]["SYS"].as_f64().unwrap(), 1.0));
    assert!(actual["ipa"]["derived"]["quadrant"].get("PRI").is_none());
}

// ---------------------------------------------------------------------------------------------
// Exact sums

/// f64 values over the whole range: tiny, subnormal, huge, negative, fractions.
fn any_real() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e3f64..1e3,
        (-8i64..8, -60i32..60).prop_map(|(m, e)| m as f64 * 2f64.powi(e) / 3.0),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (1u64..1 << 52).prop_map(|m| f64::from_bits(m) * if m % 2 == 0 { 1.0 } else { -1.0 }),
        // Near the 32-bit limb boundaries, where carries and sign extension happen.
        (-4i64..4, 0i32..3, -2i32..3).prop_map(|(k, b, e)| (k + (1i64 << (31 + b))) as f64 * 2f64.powi(32 * e)),
        (-4i64..4, 0i32..3, -2i32..3).prop_map(|(k, b, e)| (k - (1i64 << (31 + b))) as f64 * 2f64.powi(32 * e)),
    ]
}

fn exact_sum(xs: &[f64]) -> Exact {
    let mut e = Exact::new();
    xs.iter().for_each(|&x| e.add_f64(x));
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The same values in any order, or summed in parts and the parts added, are the same
    /// exact sum (equal representation); taking every value away again leaves exactly zero.
    #[test]
    fn exact_sums_do_not_depend_on_order_or_grouping(
        xs in proptest::collection::vec(any_real(), 0..40),
        cut in any::<prop::sample::Index>(),
        seed in any::<u64>(),
    ) {
        let whole = exact_sum(&xs);
        let mut shuffled = xs.clone();
        let mut rng = Rng(seed | 1);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i as u64 + 1) as usize);
        }
        prop_assert_eq!(&exact_sum(&shuffled), &whole);
        let at = if xs.is_empty() { 0 } else { cut.index(xs.len() + 1) };
        let mut parts = exact_sum(&xs[at..]);
        parts.add(&exact_sum(&xs[..at]));
        prop_assert_eq!(&parts, &whole);
        let mut none = whole.clone();
        none.sub(&exact_sum(&shuffled));
        prop_assert!(none.is_zero());
        let stored: Exact = serde_json::from_str(&serde_json::to_string(&whole).unwrap()).unwrap();
        prop_assert_eq!(stored, whole);
    }

    /// Against integer arithmetic: values k·2^e (|k| < 2^40, small e) summed, multiplied and
    /// squared exactly, and converted to the nearest f64 or its neighbour.
    #[test]
    fn exact_sums_and_products_match_integer_arithmetic(
        xs in proptest::collection::vec((-(1i64 << 40)..(1i64 << 40), -20i32..20), 0..30),
        ys in proptest::collection::vec((-(1i64 << 40)..(1i64 << 40), -20i32..20), 0..30),
    ) {
        // Everything in units of 2^-20.
        let units = |v: &[(i64, i32)]| v.iter().map(|&(k, e)| i128::from(k) << (e + 20)).sum::<i128>();
        let reals = |v: &[(i64, i32)]| v.iter().map(|&(k, e)| k as f64 * 2f64.powi(e)).collect::<Vec<f64>>();
        let (a, b) = (exact_sum(&reals(&xs)), exact_sum(&reals(&ys)));
        let (ia, ib) = (units(&xs), units(&ys));
        let close = |e: &Exact, i: i128, scale: i32| {
            let want = i as f64 * 2f64.powi(scale);
            let got = e.to_f64();
            got == want || (got - want).abs() <= want.abs() * 2.0 * f64::EPSILON
        };
        prop_assert!(close(&a, ia, -20), "{} vs {}", a.to_f64(), ia);
        prop_assert_eq!(a.signum(), ia.signum() as i32);
        // The product of two sums of up to 2^65 units each: compared through its sign and size.
        let p = a.mul(&b);
        prop_assert_eq!(p.signum(), (ia.signum() * ib.signum()) as i32);
        let want = (ia as f64) * (ib as f64) * 2f64.powi(-40);
        prop_assert!((p.to_f64() - want).abs() <= want.abs() * 4.0 * f64::EPSILON);
        // Squares: Σx² exactly, and n·Σx² − (Σx)² ≥ 0 exactly (0 only for equal values).
        let small: Vec<f64> = xs.iter().map(|&(k, e)| (k >> 20) as f64 * 2f64.powi(e / 2)).collect();
        let (mut sum, mut squares, mut check) = (Exact::new(), Exact::new(), 0i128);
        for (&x, &(k, e)) in small.iter().zip(&xs) {
            sum.add_f64(x);
            squares.add_product(x, x);
            let k = i128::from(k >> 20);
            check += (k * k) << (2 * (e / 2) + 20);
        }
        prop_assert!(close(&squares, check, -20), "{} vs {}", squares.to_f64(), check);
        let mut spread = squares.mul(&Exact::from_int(small.len() as i64));
        spread.sub(&sum.mul(&sum));
        let constant = small.windows(2).all(|w| w[0] == w[1]);
        prop_assert_eq!(spread.signum(), if constant { 0 } else { 1 });
    }
}
