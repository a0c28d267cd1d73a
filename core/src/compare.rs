//! Comparing two groups of respondents (docs/scoring.md §8): two periods, or one segment against
//! the rest. Every test reads only the numbers of the two reports (n, mean and SD of a score;
//! the NPS counts as shares; the CSAT top-2 share), so it works the same on a report finished
//! from summaries ([`crate::summary::Summary::finish`]) and on the full scan.

use crate::report::Report;
use crate::score::headline_kind;
use crate::stats::{wilson, Csat, Nps, Stats, Z975};
use indexmap::IndexMap;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The significance level of the verdicts (after Holm's correction).
pub const ALPHA: f64 = 0.05;

/// One test of a difference `current − base`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Test {
    /// The score compared: `p`, `gap` or `msa` (a mean), `nps` (a score), `top2` (a share).
    pub score: &'static str,
    /// The test: `welch` (Welch's t), `nps-normal` (z with the SE of a difference of two NPS),
    /// `newcombe` (Newcombe's hybrid-score interval, two-proportion z p-value).
    pub method: &'static str,
    pub n_current: usize,
    pub n_base: usize,
    pub current: Option<f64>,
    pub base: Option<f64>,
    /// `current − base`.
    pub difference: Option<f64>,
    /// The standard error of the difference (Welch, NPS; for CSAT the pooled SE of the z test).
    pub se: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom (Welch only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    /// t (Welch) or z (NPS, CSAT).
    pub statistic: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// Two-sided p-value.
    pub p: Option<f64>,
    /// The p-value after Holm's correction over the family of the test (§8.5); equal to `p`
    /// for a test that is a family of its own.
    pub p_adjusted: Option<f64>,
    /// `up`, `down` or `no clear change` (§8.6); `null` when no p-value could be computed.
    pub verdict: Option<&'static str>,
}

/// The comparison of two reports of one form.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub alpha: f64,
    /// Which tests were corrected together: the dimensions' headline tests.
    pub holm_family: &'static str,
    /// Per dimension of D, the headline score (gap, p or msa, §3.10); Holm-corrected together.
    pub dimensions: IndexMap<String, Test>,
    /// The overall score of the same kind (`p`, `gap`, `msa`), a family of its own.
    pub overall: Test,
    pub nps: Test,
    pub csat: Test,
}

fn t_dist(df: f64) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df).ok()
}

fn normal_two_sided(z: f64) -> f64 {
    let n = Normal::new(0.0, 1.0).expect("standard normal");
    2.0 * n.sf(z.abs())
}

fn empty(score: &'static str, method: &'static str, n_current: usize, n_base: usize) -> Test {
    Test {
        score,
        method,
        n_current,
        n_base,
        current: None,
        base: None,
        difference: None,
        se: None,
        df: None,
        statistic: None,
        ci95: None,
        p: None,
        p_adjusted: None,
        verdict: None,
    }
}

/// Welch's t test of two means from their stats (n, mean, SD) (§8.2).
pub fn welch(score: &'static str, current: &Stats, base: &Stats) -> Test {
    let mut t = empty(score, "welch", current.n, base.n);
    t.current = current.mean;
    t.base = base.mean;
    let (Some(m1), Some(m0)) = (current.mean, base.mean) else { return t };
    t.difference = Some(m1 - m0);
    let (Some(s1), Some(s0)) = (current.sd, base.sd) else { return t };
    let (n1, n0) = (current.n as f64, base.n as f64);
    let (v1, v0) = (s1 * s1 / n1, s0 * s0 / n0);
    let var = v1 + v0;
    if var.is_nan() || var <= 0.0 {
        return t;
    }
    let se = var.sqrt();
    let df = var * var / (v1 * v1 / (n1 - 1.0) + v0 * v0 / (n0 - 1.0));
    let d = m1 - m0;
    let stat = d / se;
    t.se = Some(se);
    t.df = Some(df);
    t.statistic = Some(stat);
    if let Some(dist) = t_dist(df) {
        let h = crate::stats::t975(df) * se;
        t.ci95 = Some([d - h, d + h]);
        t.p = Some(2.0 * dist.sf(stat.abs()));
    }
    t
}

/// The difference of two NPS (§8.3): SE = √(se₁² + se₀²), normal interval and p-value.
pub fn nps(current: &Nps, base: &Nps) -> Test {
    let mut t = empty("nps", "nps-normal", current.n, base.n);
    t.current = current.score;
    t.base = base.score;
    let (Some(s1), Some(s0)) = (current.score, base.score) else { return t };
    let d = s1 - s0;
    t.difference = Some(d);
    let (Some(e1), Some(e0)) = (current.se, base.se) else { return t };
    let se = (e1 * e1 + e0 * e0).sqrt();
    if se.is_nan() || se <= 0.0 {
        return t;
    }
    t.se = Some(se);
    t.statistic = Some(d / se);
    t.ci95 = Some([d - Z975 * se, d + Z975 * se]);
    t.p = Some(normal_two_sided(d / se));
    t
}

/// The number of answers of 4 or 5 behind a report's top-2 share.
fn top_count(c: &Csat) -> Option<usize> {
    c.top2.map(|s| (s * c.n as f64).round() as usize)
}

/// The difference of two CSAT top-2 shares (§8.4): Newcombe's hybrid-score interval (his
/// method 10) from the two Wilson intervals; the two-proportion z test with the pooled share.
pub fn csat(current: &Csat, base: &Csat) -> Test {
    let mut t = empty("top2", "newcombe", current.n, base.n);
    t.current = current.top2;
    t.base = base.top2;
    let (Some(x1), Some(x0)) = (top_count(current), top_count(base)) else { return t };
    let (n1, n0) = (current.n, base.n);
    let (p1, p0) = (x1 as f64 / n1 as f64, x0 as f64 / n0 as f64);
    let d = p1 - p0;
    t.difference = Some(d);
    if let (Some([l1, u1]), Some([l0, u0])) = (wilson(x1, n1), wilson(x0, n0)) {
        let lo = d - ((p1 - l1).powi(2) + (u0 - p0).powi(2)).sqrt();
        let hi = d + ((u1 - p1).powi(2) + (p0 - l0).powi(2)).sqrt();
        t.ci95 = Some([lo, hi]);
    }
    let pooled = (x1 + x0) as f64 / (n1 + n0) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n0 as f64)).sqrt();
    if se.is_nan() || se <= 0.0 {
        return t;
    }
    t.se = Some(se);
    t.statistic = Some(d / se);
    t.p = Some(normal_two_sided(d / se));
    t
}

/// Holm's step-down adjustment (§8.5) of the p-values present; `None` stays `None` and is not
/// counted in the family.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    let m = order.len();
    order.sort_by(|&a, &b| p[a].partial_cmp(&p[b]).unwrap_or(std::cmp::Ordering::Equal));
    let mut out = vec![None; p.len()];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i].unwrap_or(1.0)).min(1.0);
        running = running.max(adj);
        out[i] = Some(running);
    }
    out
}

/// The verdict of a test from its adjusted p-value (§8.6).
fn verdict(t: &mut Test) {
    t.verdict = match (t.p_adjusted, t.difference) {
        (Some(p), Some(d)) if p < ALPHA && d > 0.0 => Some("up"),
        (Some(p), Some(d)) if p < ALPHA && d < 0.0 => Some("down"),
        (Some(_), _) => Some("no clear change"),
        _ => None,
    };
}

/// Compares the report of the current group with the report of the base group (same form).
pub fn compare(current: &Report, base: &Report) -> Comparison {
    let head = headline_kind(current.format).as_str();
    let none = Stats { n: 0, mean: None, sd: None, se: None, ci95: None };
    let mut dimensions: IndexMap<String, Test> = current
        .dimensions
        .iter()
        .map(|(code, d)| {
            let c = d.stats.get(head).unwrap_or(&none);
            let b = base.dimensions.get(code).and_then(|b| b.stats.get(head)).unwrap_or(&none);
            (code.clone(), welch(head, c, b))
        })
        .collect();
    let adjusted = holm(&dimensions.values().map(|t| t.p).collect::<Vec<_>>());
    for (t, p) in dimensions.values_mut().zip(adjusted) {
        t.p_adjusted = p;
        verdict(t);
    }
    let mut overall = welch(head, current.overall.get(head).unwrap_or(&none), base.overall.get(head).unwrap_or(&none));
    let mut nps = nps(&current.nps, &base.nps);
    let mut csat = csat(&current.csat, &base.csat);
    for t in [&mut overall, &mut nps, &mut csat] {
        t.p_adjusted = t.p;
        verdict(t);
    }
    Comparison { alpha: ALPHA, holm_family: "dimensions", dimensions, overall, nps, csat }
}

/// Segments with fewer responses than this are flagged `small` (§8.7).
pub const SMALL_SEGMENT: usize = 30;

/// The report of each value of a segment key, and each segment against the rest.
#[derive(Debug, Clone, Serialize)]
pub struct Segments {
    /// The `meta` key.
    pub key: String,
    /// Responses without a value for the key: in no segment, but in the rest of every one.
    pub without_value: usize,
    pub small_below: usize,
    /// Per value, in code-point order of the values.
    pub values: IndexMap<String, Segment>,
}

/// One segment.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub responses: usize,
    /// Fewer than [`SMALL_SEGMENT`] responses.
    pub small: bool,
    pub report: Report,
    /// This segment (current) against every other response (base), §8.7.
    pub against_rest: Comparison,
}

/// The segments of a dataset whose segment key is set (`None` otherwise); `threads` as in
/// [`crate::report::report_with`].
pub fn segments(ds: &crate::dataset::Dataset, threads: usize) -> Option<Segments> {
    let key = ds.segment_key()?.to_string();
    let mut order: Vec<usize> = (0..ds.segment_values().len()).collect();
    order.sort_by(|&a, &b| ds.segment_values()[a].cmp(&ds.segment_values()[b]));
    let mut values = IndexMap::new();
    for s in order {
        let inside = ds.select(|r| ds.segment(r) == Some(s));
        if inside.is_empty() {
            continue;
        }
        let rest = ds.select(|r| ds.segment(r) != Some(s));
        let report = crate::report::report_with(&inside, threads);
        let against_rest = compare(&report, &crate::report::report_with(&rest, threads));
        values.insert(
            ds.segment_values()[s].to_string(),
            Segment { responses: inside.len(), small: inside.len() < SMALL_SEGMENT, report, against_rest },
        );
    }
    let without_value = (0..ds.len()).filter(|&r| ds.segment(r).is_none()).count();
    Some(Segments { key, without_value, small_below: SMALL_SEGMENT, values })
}
