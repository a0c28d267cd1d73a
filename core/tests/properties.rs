//! Property tests of scoring and the report: order and repeats do not matter, a complete gap
//! response has gap = P − E, weights are normalised per respondent.

use crate::common;

use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Answers;
use eservqual_core::report::report;
use eservqual_core::score::score;
use eservqual_core::{Form, Format, Instrument};
use proptest::prelude::*;
use std::sync::Arc;

fn form(format: Format) -> Form {
    Form::new(Arc::new(Instrument::builtin("servqual").unwrap()), format)
}

/// A respondent: per item (p, e, min, des) each 1..=7 or missing, weights, nps.
fn respondent(format: Format) -> impl Strategy<Value = Answers> {
    let cell = prop_oneof![4 => (1i16..=7).prop_map(Some), 1 => Just(None)];
    let item = [cell.clone(), cell.clone(), cell.clone(), cell];
    (
        proptest::collection::vec(item, 22),
        proptest::option::of(proptest::collection::vec(0.0f64..50.0, 5)),
        proptest::option::of(0i16..=10),
    )
        .prop_map(move |(items, weights, nps)| {
            let mut a = Answers::empty(22);
            for (i, [p, e, min, des]) in items.into_iter().enumerate() {
                a.items[i] = match format {
                    Format::Perception => [p, None, None, None],
                    Format::Gap => [p, e, None, None],
                    Format::Zone => [p, None, min, des],
                };
            }
            a.weights = weights.filter(|w| w.iter().sum::<f64>() > 0.0);
            a.outcomes.nps = nps;
            a
        })
}

fn report_json(form: &Form, rows: &[(String, Answers)]) -> serde_json::Value {
    let mut ds = Dataset::new(form.clone());
    for (id, a) in rows {
        ds.push(Some(id), None, a);
    }
    serde_json::to_value(report(&ds)).unwrap()
}

fn same(a: &serde_json::Value, b: &serde_json::Value) -> Result<(), TestCaseError> {
    let mut out = Vec::new();
    common::diff(a, b, "$", &mut out);
    common::diff(b, a, "$", &mut out);
    prop_assert!(out.is_empty(), "{}", out.join("\n"));
    Ok(())
}

fn formats() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::Perception), Just(Format::Gap), Just(Format::Zone)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn report_ignores_order_and_repeats(
        format in formats(),
        answers in proptest::collection::vec(respondent(Format::Gap), 1..25),
        seed in any::<u64>(),
        repeat in any::<prop::sample::Index>(),
    ) {
        let form = form(format);
        let rows: Vec<(String, Answers)> = answers
            .into_iter()
            .enumerate()
            .map(|(i, mut a)| {
                // Re-shape the answers to the format under test.
                for it in a.items.iter_mut() {
                    let [p, e, _, _] = *it;
                    *it = match format {
                        Format::Perception => [p, None, None, None],
                        Format::Gap => [p, e, None, None],
                        Format::Zone => [p, None, e, p.map(|x| (x + 2).min(9))],
                    };
                }
                (format!("resp-{i}"), a)
            })
            .collect();
        let base = report_json(&form, &rows);

        let mut shuffled = rows.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        same(&report_json(&form, &shuffled), &base)?;

        let mut repeated = rows.clone();
        let again = repeated[repeat.index(rows.len())].clone();
        repeated.push(again);
        same(&report_json(&form, &repeated), &base)?;
    }

    #[test]
    fn complete_gap_response_has_gap_equal_to_p_minus_e(
        ps in proptest::collection::vec(1i16..=7, 22),
        es in proptest::collection::vec(1i16..=7, 22),
    ) {
        let form = form(Format::Gap);
        let mut a = Answers::empty(22);
        for i in 0..22 {
            a.items[i] = [Some(ps[i]), Some(es[i]), None, None];
        }
        let s = serde_json::to_value(score(&form, &a)).unwrap();
        for (code, d) in s["dimensions"].as_object().unwrap() {
            let (p, e, g) = (d["p"].as_f64().unwrap(), d["e"].as_f64().unwrap(), d["gap"].as_f64().unwrap());
            prop_assert!((g - (p - e)).abs() < 1e-12, "{code}: {g} vs {p} - {e}");
        }
        let o = &s["overall"];
        prop_assert!(o["gap"].as_f64().is_some() && o["gap_weighted"].is_null());
    }

    #[test]
    fn weights_are_normalised_by_each_respondents_own_total(
        answers in respondent(Format::Gap),
        points in proptest::collection::vec(1.0f64..40.0, 5),
        factor in 0.1f64..10.0,
    ) {
        let form = form(Format::Gap);
        let mut a = answers.clone();
        a.weights = Some(points.clone());
        let mut b = answers;
        b.weights = Some(points.iter().map(|p| p * factor).collect());
        let (sa, sb) = (score(&form, &a), score(&form, &b));
        for key in ["p_weighted", "gap_weighted"] {
            match (sa.overall[key], sb.overall[key]) {
                (Some(x), Some(y)) => prop_assert!(common::close(x, y), "{key}: {x} vs {y}"),
                (x, y) => prop_assert_eq!(x, y),
            }
        }
    }
}
