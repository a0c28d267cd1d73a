//! Comparisons of two groups (docs/scoring.md §8): the tests on known values, the same tests
//! from summaries as from the full scan, and the properties: a planted change is found, and
//! under no change the verdict is "no clear change" at the documented level.

use crate::common;

use common::Rng;

use eservqual_core::compare::{compare, csat, holm, welch, Comparison};
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Answers;
use eservqual_core::report::report;
use eservqual_core::stats::{self, Csat};
use eservqual_core::summary::Summary;
use eservqual_core::{Form, Format, Instrument};
use std::sync::Arc;

fn esqual() -> Form {
    Form::new(Arc::new(Instrument::builtin("e-s-qual").unwrap()), Format::Perception)
}

/// `n` respondents of E-S-QUAL perception: a respondent's level plus item noise, on 1..5; the
/// perceptions of dimension `shifted` (a code) move by `shift` points, the NPS by `nps_shift`.
fn group(form: &Form, rng: &mut Rng, n: usize, shifted: &str, shift: f64, nps_shift: f64) -> Vec<Answers> {
    (0..n)
        .map(|_| {
            let mut a = Answers::empty(form.instrument.item_count());
            let q = rng.normal();
            for &d in &form.active {
                let dim = &form.instrument.dimensions[d];
                let s = if dim.code == shifted { shift } else { 0.0 };
                for i in form.item_range(d) {
                    let x = (3.6 + s + 0.8 * q + rng.normal()).round().clamp(1.0, 5.0);
                    a.items[i][0] = (rng.uniform() > 0.03).then_some(x as i16);
                }
            }
            a.outcomes.nps = Some((7.0 + nps_shift + 2.0 * q + 1.5 * rng.normal()).round().clamp(0.0, 10.0) as i16);
            a.outcomes.csat = Some((3.6 + 0.8 * q + 0.7 * rng.normal()).round().clamp(1.0, 5.0) as i16);
            a
        })
        .collect()
}

fn dataset(form: &Form, rows: &[Answers]) -> Dataset {
    let mut ds = Dataset::new(form.clone());
    for a in rows {
        ds.push(None, None, a);
    }
    ds
}

fn compared(form: &Form, current: &[Answers], base: &[Answers]) -> Comparison {
    compare(&report(&dataset(form, current)), &report(&dataset(form, base)))
}

#[test]
fn welch_matches_scipy() {
    // scipy.stats.ttest_ind([1, 2, 3, 4], [2, 3, 5, 6, 7], equal_var=False)
    let a = stats::stats([1.0, 2.0, 3.0, 4.0].iter().map(|&x| Some(x)));
    let b = stats::stats([2.0, 3.0, 5.0, 6.0, 7.0].iter().map(|&x| Some(x)));
    let t = welch("p", &a, &b);
    assert!(common::close(t.statistic.unwrap(), -1.8585769002101518));
    assert!(common::close(t.p.unwrap(), 0.10722982623706426));
    assert!(common::close(t.df.unwrap(), 6.713660218465858));
    let [lo, hi] = t.ci95.unwrap();
    assert!(common::close(lo, -4.7950559401946755) && common::close(hi, 0.5950559401946758));
    // No spread on either side: no se, no p, no verdict.
    let same = stats::stats([3.0, 3.0].iter().map(|&x| Some(x)));
    let t = welch("p", &same, &same);
    assert_eq!((t.difference, t.p, t.ci95), (Some(0.0), None, None));
}

#[test]
fn newcombe_matches_his_example() {
    // Newcombe (1998), table II, example (a): 56/70 against 48/80, method 10: 0.0524 to 0.3339.
    let c = |x: usize, n: usize| Csat { n, mean: None, top2: Some(x as f64 / n as f64), ci95: None };
    let t = csat(&c(56, 70), &c(48, 80));
    let [lo, hi] = t.ci95.unwrap();
    assert!((lo - 0.0524).abs() < 5e-5 && (hi - 0.3339).abs() < 5e-5, "{lo} {hi}");
    assert!(common::close(t.difference.unwrap(), 0.2));
    // Both shares 1: the interval is given, the z test is undefined.
    let t = csat(&c(10, 10), &c(20, 20));
    assert!(t.ci95.is_some() && t.p.is_none());
}

#[test]
fn holm_matches_statsmodels() {
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method="holm")[1]
    let got = holm(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005), None]);
    let want = [0.03, 0.06, 0.06, 0.02];
    for (g, w) in got.iter().zip(want) {
        assert!(common::close(g.unwrap(), w), "{got:?}");
    }
    assert_eq!(got[4], None);
}

#[test]
fn comparison_from_summaries_equals_the_full_scan() {
    let form = esqual();
    let mut rng = Rng(99);
    let now = group(&form, &mut rng, 400, "FUL", 0.3, 1.0);
    let then = group(&form, &mut rng, 350, "FUL", 0.0, 0.0);
    let scan = serde_json::to_value(compared(&form, &now, &then)).unwrap();
    let summary = |rows: &[Answers]| {
        let mut s = Summary::new(&form);
        rows.iter().for_each(|a| s.add(None, a));
        s.finish()
    };
    let from_summaries = serde_json::to_value(compare(&summary(&now), &summary(&then))).unwrap();
    let mut out = Vec::new();
    common::diff(&from_summaries, &scan, "$", &mut out);
    common::diff(&scan, &from_summaries, "$", &mut out);
    assert!(out.is_empty(), "{out:?}");
}

/// A planted rise: 0.6 points added to each FUL perception answer before it is rounded and
/// clamped to 1..5 (the dimension means then differ by about 0.45, half an SD), and 1.5 points to
/// the NPS answers; 300 respondents a side. Found ("up") in every one of 200 seeded runs. The
/// unchanged dimensions stay "no clear change" in at least 95 % of runs less a binomial margin
/// (3 SD at 5 % of 200: 9 runs), since Holm bounds their false verdicts at α = 0.05 as a family.
#[test]
fn a_planted_change_is_found() {
    let form = esqual();
    let (mut fut, mut nps_up, mut others_quiet) = (0, 0, 0);
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let now = group(&form, &mut rng, 300, "FUL", 0.6, 1.5);
        let then = group(&form, &mut rng, 300, "FUL", 0.0, 0.0);
        let c = compared(&form, &now, &then);
        fut += usize::from(c.dimensions["FUL"].verdict == Some("up"));
        nps_up += usize::from(c.nps.verdict == Some("up"));
        others_quiet += usize::from(
            c.dimensions.iter().filter(|(code, _)| *code != "FUL").all(|(_, t)| t.verdict == Some("no clear change")),
        );
    }
    eprintln!("planted: FUL up {fut}, NPS up {nps_up}, others quiet {others_quiet} of 200");
    assert_eq!(fut, 200, "FUL found up in {fut} of 200 runs");
    assert_eq!(nps_up, 200, "NPS found up in {nps_up} of 200 runs");
    assert!(others_quiet >= 181, "the unchanged dimensions were quiet in {others_quiet} of 200 runs");
}

/// No change, 200 respondents a side, 200 seeded runs: the Holm-corrected family of the
/// dimensions says "no clear change" for every dimension in at least 95 % of the runs (Holm
/// keeps the chance of any false verdict in the family at or below α = 0.05); each single test
/// (overall, NPS, CSAT) is at its nominal level, 5 % false verdicts, so at least 95 % less a
/// binomial margin (3 SD of 200 runs at 5 %: 9 runs).
#[test]
fn no_change_is_no_clear_change() {
    let form = esqual();
    let (mut family, mut overall, mut nps, mut csat) = (0, 0, 0, 0);
    let quiet = |v: Option<&str>| usize::from(v == Some("no clear change"));
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0xd1b5_4a32_d192_ed03) | 1);
        let now = group(&form, &mut rng, 200, "", 0.0, 0.0);
        let then = group(&form, &mut rng, 200, "", 0.0, 0.0);
        let c = compared(&form, &now, &then);
        family += usize::from(c.dimensions.values().all(|t| t.verdict == Some("no clear change")));
        overall += quiet(c.overall.verdict);
        nps += quiet(c.nps.verdict);
        csat += quiet(c.csat.verdict);
    }
    eprintln!("no change, quiet of 200: dimensions {family}, overall {overall}, nps {nps}, csat {csat}");
    assert!(family >= 190, "the dimension family was quiet in {family} of 200 runs");
    for (name, k) in [("overall", overall), ("nps", nps), ("csat", csat)] {
        assert!(k >= 181, "{name} was quiet in {k} of 200 runs");
    }
}

#[test]
fn datasets_select_rows_and_keep_segments() {
    use eservqual_core::dataset::{instant, Column, WideRow};
    let form = esqual();
    let mut ds = Dataset::new(form.clone());
    ds.set_segment_key(Some("channel"));
    let header = ["id", "submitted_at", "EFF1", "meta.channel", "meta.device"];
    let cols: Vec<Column> = header.iter().map(|h| Column::parse(h, &form).unwrap()).collect();
    let mut row = WideRow::new(&form);
    row.set_segment_key(ds.segment_key());
    for cells in [
        ["a", "2026-11-01T10:00:00+02:00", "4", "web", "phone"],
        ["b", "2026-11-02", "2", "app", "web"],
        ["c", "", "5", "NA", "phone"],
        ["d", "2026-11-03T00:00:00.5Z", "3", "web", ""],
    ] {
        row.clear();
        for ((c, h), cell) in cols.iter().zip(header).zip(cells) {
            row.set(&form, *c, h, cell).unwrap();
        }
        row.finish(&form).unwrap();
        ds.push_in(row.id(), row.submitted_at(), &row.answers, row.segment());
    }
    let values: Vec<&str> = ds.segment_values().iter().map(|v| &**v).collect();
    assert_eq!(values, ["web", "app"]);
    assert_eq!((0..4).map(|r| ds.segment(r)).collect::<Vec<_>>(), [Some(0), Some(1), None, Some(0)]);
    assert_eq!(ds.time(0), instant("2026-11-01T08:00:00Z"));
    assert_eq!(ds.time(2), None);
    assert_eq!(ds.time(3).unwrap() - instant("2026-11-03T00:00:00Z").unwrap(), 500_000_000);
    let web = ds.select(|r| ds.segment(r) == Some(0));
    assert_eq!(web.len(), 2);
    assert_eq!(web.answer(1, 0, eservqual_core::instrument::Field::P), Some(3));
    assert_eq!(web.segment(1), Some(0));
    let segments = eservqual_core::compare::segments(&ds, 1).unwrap();
    assert_eq!(segments.without_value, 1);
    assert!(segments.values.keys().eq(["app", "web"]));
    assert!(segments.values["web"].small && segments.values["web"].responses == 2);
}
