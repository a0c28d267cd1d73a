//! Cronbach's alpha against reference numbers: the project's synthetic multi-scale data set
//! (`tests/data/alpha_multiscale.csv`, written with its references by
//! `tests/reference/make_alpha_data.py`), pingouin's two example data sets read from the
//! installed pingouin package (GPL data: never copied here) with the figures its documentation
//! publishes, and the SERVQUAL vectors.

use crate::common;

use common::{close, data_dir, json};
use eservqual_core::stats::{
    alpha_from_correlations, cronbach, cronbach_integers, cronbach_pairwise, feldt_ci95, Alpha, ItemAlpha,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A CSV as header names and rows of optional numbers (empty or text = missing); strips a BOM.
fn table_at(path: &Path) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let headers: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let rows =
        lines.filter(|l| !l.is_empty()).map(|l| l.split(',').map(|c| c.trim().parse::<f64>().ok()).collect()).collect();
    (headers, rows)
}

fn table(name: &str) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    table_at(&data_dir().join(name))
}

/// pingouin's example data sets: `$ESERVQUAL_PINGOUIN_DATASETS`, else the `datasets` folder of
/// the pingouin package that `python3` finds (installed by scripts/setup.sh).
fn pingouin_dataset(name: &str) -> PathBuf {
    const HOW: &str = "pingouin 0.7.0 ships the example data sets this test reads: install it with \
        scripts/setup.sh (or python3 -m pip install pingouin==0.7.0), or point \
        ESERVQUAL_PINGOUIN_DATASETS at a folder holding cronbach_alpha.csv and cronbach_wide_missing.csv";
    let dir = match std::env::var_os("ESERVQUAL_PINGOUIN_DATASETS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let find = "import importlib.util as u, os; s = u.find_spec('pingouin'); \
                        print(os.path.join(list(s.submodule_search_locations)[0], 'datasets') if s else '')";
            let out = std::process::Command::new("python3")
                .args(["-c", find])
                .output()
                .unwrap_or_else(|e| panic!("python3 could not be run ({e}); {HOW}"));
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
            assert!(out.status.success() && !dir.is_empty(), "pingouin is not installed for python3; {HOW}");
            PathBuf::from(dir)
        }
    };
    let path = dir.join(name);
    assert!(path.is_file(), "{} does not exist; {HOW}", path.display());
    path
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

#[track_caller]
fn check_items(actual: &[ItemAlpha], expected: &Value, codes: &[String], what: &str) {
    assert_eq!(actual.len(), codes.len(), "{what}: items");
    for (item, code) in actual.iter().zip(codes) {
        for (key, value) in [("alpha_if_deleted", item.alpha_if_deleted), ("item_total_r", item.item_total_r)] {
            let e = &expected[code][key];
            assert!(e.is_null() || e.is_f64(), "{what}.{code}.{key}: no reference");
            match (value, e.as_f64()) {
                (Some(a), Some(e)) => assert!(close(a, e), "{what}.{code}.{key}: {a} != {e}"),
                (None, None) => {}
                (a, _) => panic!("{what}.{code}.{key}: {a:?} != {e}"),
            }
        }
    }
}

fn codes(prefix: &str, k: usize) -> Vec<String> {
    (1..=k).map(|i| format!("{prefix}{i}")).collect()
}

const SCALES: [(&str, usize); 6] = [("TRU", 2), ("EAS", 3), ("SPD", 4), ("VAL", 5), ("SUP", 6), ("LOY", 7)];

/// The columns of one scale of the multi-scale data set.
fn scale_columns(code: &str, k: usize) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let (headers, rows) = table("alpha_multiscale.csv");
    let names = codes(code, k);
    let idx: Vec<usize> = names.iter().map(|c| headers.iter().position(|h| h == c).unwrap()).collect();
    (names, rows.iter().map(|r| idx.iter().map(|&i| r[i]).collect()).collect())
}

#[test]
fn multiscale_alphas_match_the_reference() {
    let refs = &json("alpha_references.json")["multiscale"];
    for (code, k) in SCALES {
        let (names, rows) = scale_columns(code, k);
        let (alpha, items) = cronbach(rows.len(), k, |r, j| rows[r][j]);
        check(&alpha, &refs[code], code);
        check_items(&items, &refs[code]["items"], &names, code);
        // Listwise: some rows lack an item, so fewer rows are used than read.
        assert!(alpha.n < rows.len(), "{code}: the data set has missing cells in every scale");
    }
}

#[test]
fn multiscale_alphas_from_integer_columns_match_too() {
    // The report's path: integer answer columns with a missing marker.
    let refs = &json("alpha_references.json")["multiscale"];
    const MISSING: i16 = i16::MIN;
    for (code, k) in SCALES {
        let (names, rows) = scale_columns(code, k);
        let cols: Vec<Vec<i16>> =
            (0..k).map(|j| rows.iter().map(|r| r[j].map_or(MISSING, |x| x as i16)).collect()).collect();
        let cols: Vec<&[i16]> = cols.iter().map(|c| &c[..]).collect();
        let (alpha, items) = cronbach_integers(rows.len(), &cols, MISSING);
        check(&alpha, &refs[code], code);
        check_items(&items, &refs[code]["items"], &names, code);
    }
}

#[test]
fn multiscale_pairwise_alpha_matches() {
    let refs = &json("alpha_references.json")["multiscale_pairwise"];
    let (code, k) = ("SUP", 6);
    let (_, rows) = scale_columns(code, k);
    let pairwise = cronbach_pairwise(rows.len(), k, |r, j| rows[r][j]).unwrap();
    let e = refs[code].as_f64().unwrap();
    assert!(close(pairwise, e), "{code} pairwise: {pairwise} != {e}");
    // Pairwise deletion keeps rows that listwise deletion drops: another number.
    let (listwise, _) = cronbach(rows.len(), k, |r, j| rows[r][j]);
    assert!((pairwise - listwise.raw.unwrap()).abs() > 1e-6);
}

#[test]
fn standardised_alpha_and_feldt_from_a_correlation_matrix() {
    let refs = json("alpha_references.json");
    let block = &refs["multiscale_correlations"];
    let k = block["k"].as_u64().unwrap() as usize;
    let n = block["n"].as_u64().unwrap() as usize;
    let r: Vec<f64> = block["r"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().clone())
        .map(|x| x.as_f64().unwrap())
        .collect();
    let std = alpha_from_correlations(k, &r).unwrap();
    let e = block["std"].as_f64().unwrap();
    assert!(close(std, e), "std: {std} != {e}");
    // The same number as the standardised alpha of the data the matrix came from.
    let scale = block["scale"].as_str().unwrap();
    assert!(close(std, refs["multiscale"][scale]["std"].as_f64().unwrap()));
    let ci = feldt_ci95(std, n, k).unwrap();
    for (i, bound) in ci.iter().enumerate() {
        let e = block["ci95"][i].as_f64().unwrap();
        assert!(close(*bound, e), "ci95[{i}]: {bound} != {e}");
    }
    assert_eq!(alpha_from_correlations(k, &r[1..]), None, "not a k × k matrix");
    assert_eq!(alpha_from_correlations(1, &[1.0]), None, "one item");
}

#[test]
fn pingouin_long_example_matches_its_docstring() {
    // Subj, Items (Q1..Q10), Scores: pivot to 15 subjects × 10 items.
    let path = pingouin_dataset("cronbach_alpha.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut wide = vec![vec![None; 10]; 15];
    let mut cells = 0;
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let (s, q, v): (usize, usize, f64) = (f[0].parse().unwrap(), f[1][1..].parse().unwrap(), f[2].parse().unwrap());
        wide[s][q - 1] = Some(v);
        cells += 1;
    }
    assert_eq!(cells, 150);
    let (a, _) = cronbach(15, 10, |r, j| wide[r][j]);
    check(&a, &json("alpha_references.json")["pingouin_cronbach_alpha"], "pingouin");
    assert!(close(a.raw.unwrap(), 0.5917188485995826));
    let ci = a.ci95.unwrap();
    assert_eq!(((ci[0] * 1000.0).round(), (ci[1] * 100.0).round()), (195.0, 84.0));
}

#[test]
fn pingouin_missing_example_listwise_and_pairwise() {
    let (headers, rows) = table_at(&pingouin_dataset("cronbach_wide_missing.csv"));
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

/// Pearson's r of a column of one repeated value is undefined, also when the value is no binary
/// fraction and its computed mean differs from it in the last place (derived importance of a
/// dimension every respondent scored 4/3, say: docs/scoring.md §3.9).
#[test]
fn pearson_of_a_constant_column_is_undefined() {
    use eservqual_core::stats::pearson;
    for n in 3..40 {
        let pairs: Vec<(f64, f64)> = (0..n).map(|i| (4.0 / 3.0, (i % 7) as f64)).collect();
        assert_eq!(pearson(pairs.iter().copied()), None, "x constant, n = {n}");
        let flipped: Vec<(f64, f64)> = pairs.iter().map(|&(x, y)| (y, x)).collect();
        assert_eq!(pearson(flipped.iter().copied()), None, "y constant, n = {n}");
    }
    let r = pearson([(1.0, 2.0), (2.0, 4.0), (3.0, 7.0)].into_iter()).expect("defined");
    assert!((r - 0.993_399_267_798_783).abs() < 1e-12, "{r}");
}
