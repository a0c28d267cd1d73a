//! Descriptive statistics and reliability: the `stats` object, Student-t and Wilson intervals,
//! Cronbach's alpha with the Feldt interval, item analysis, Pearson r, NPS, CSAT and CES.
//! (SCORING.md §3.) STUB: signatures fixed, bodies to be written.

use serde::Serialize;

/// z for a two-sided 95% interval of a proportion.
pub const Z975: f64 = 1.959963984540054;
/// Tolerance of label decisions (SCORING.md §1.2).
pub const EPS: f64 = 1e-9;

/// `{"n", "mean", "sd", "se", "ci95"}` (SCORING.md §3.1); `None` serialises as `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub se: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

/// Stats of the present values, in input order (sum once, divide once; SD in two passes).
pub fn stats(values: impl Iterator<Item = Option<f64>> + Clone) -> Stats {
    let _ = values;
    todo!()
}

/// Student's t quantile t(0.975, df).
pub fn t975(df: f64) -> f64 {
    let _ = df;
    todo!()
}

/// `{"raw", "std", "n", "ci95"}` of Cronbach's alpha (SCORING.md §3.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alpha {
    pub raw: Option<f64>,
    pub std: Option<f64>,
    pub n: usize,
    pub ci95: Option<[f64; 2]>,
}

/// Per-item reliability on the listwise rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAlpha {
    pub alpha_if_deleted: Option<f64>,
    pub item_total_r: Option<f64>,
}

/// Alpha of `k` items over `n_rows` rows (listwise), and the per-item analysis.
/// `value(row, item)` gives the item value or `None` when missing.
pub fn cronbach(n_rows: usize, k: usize, value: impl Fn(usize, usize) -> Option<f64>) -> (Alpha, Vec<ItemAlpha>) {
    let _ = (n_rows, k, value);
    todo!()
}

/// Raw alpha with pairwise deletion (an analyst option, never in the report contract).
pub fn cronbach_pairwise(n_rows: usize, k: usize, value: impl Fn(usize, usize) -> Option<f64>) -> Option<f64> {
    let _ = (n_rows, k, value);
    todo!()
}

/// Feldt (1965) 95% interval of a raw alpha from `n` rows and `k` items.
pub fn feldt_ci95(raw: f64, n: usize, k: usize) -> Option<[f64; 2]> {
    let _ = (raw, n, k);
    todo!()
}

/// Standardised alpha from a k x k correlation matrix (row-major).
pub fn alpha_from_correlations(k: usize, r: &[f64]) -> Option<f64> {
    let _ = (k, r);
    todo!()
}

/// Wilson 95% interval of `successes` out of `n`.
pub fn wilson(successes: usize, n: usize) -> Option<[f64; 2]> {
    let _ = (successes, n);
    todo!()
}

/// Pearson r over the pairs; `None` below 3 pairs or when either side has zero variance.
pub fn pearson(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> Option<f64> {
    let _ = pairs;
    todo!()
}

/// `{"n", "score", "promoters", "passives", "detractors", "se"}` (SCORING.md §3.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nps {
    pub n: usize,
    pub score: Option<f64>,
    pub promoters: Option<f64>,
    pub passives: Option<f64>,
    pub detractors: Option<f64>,
    pub se: Option<f64>,
}

pub fn nps(answers: impl Iterator<Item = i16>) -> Nps {
    let _ = answers;
    todo!()
}

/// `{"n", "mean", "top2", "ci95"}` (SCORING.md §3.6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Csat {
    pub n: usize,
    pub mean: Option<f64>,
    pub top2: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

pub fn csat(answers: impl Iterator<Item = i16>) -> Csat {
    let _ = answers;
    todo!()
}

/// CES 2.0 (SCORING.md §3.7): mean and share agreeing (5-7) with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ces {
    pub n: usize,
    pub mean: Option<f64>,
    pub agree: Option<f64>,
    pub agree_ci95: Option<[f64; 2]>,
}

pub fn ces(answers: impl Iterator<Item = i16>) -> Ces {
    let _ = answers;
    todo!()
}
