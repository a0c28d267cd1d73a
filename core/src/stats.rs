//! Descriptive statistics and reliability: the `stats` object, Student-t and Wilson intervals,
//! Cronbach's alpha with the Feldt interval, item analysis, Pearson r, NPS, CSAT and CES
//! (docs/scoring.md §3).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

/// z for a two-sided 95% interval of a proportion.
pub const Z975: f64 = 1.959963984540054;
/// Tolerance of label decisions (docs/scoring.md §1.2).
pub const EPS: f64 = 1e-9;

/// `{"n", "mean", "sd", "se", "ci95"}` (docs/scoring.md §3.1); `None` serialises as `null`.
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
    let (mut sum, mut n) = (0.0, 0usize);
    for x in values.clone().flatten() {
        sum += x;
        n += 1;
    }
    if n == 0 {
        return Stats { n, mean: None, sd: None, se: None, ci95: None };
    }
    let mean = sum / n as f64;
    if n < 2 {
        return Stats { n, mean: Some(mean), sd: None, se: None, ci95: None };
    }
    let ss: f64 = values.flatten().map(|x| (x - mean) * (x - mean)).sum();
    let sd = (ss / (n - 1) as f64).sqrt();
    let se = sd / (n as f64).sqrt();
    let h = t975((n - 1) as f64) * se;
    Stats { n, mean: Some(mean), sd: Some(sd), se: Some(se), ci95: Some([mean - h, mean + h]) }
}

/// Stats of integer values (answers, gaps): the same numbers as [`stats`], from exact integer
/// sums — n·Σx² − (Σx)² has no rounding, so the SD does not depend on the row order.
pub fn stats_of_integers(values: impl Iterator<Item = i16>) -> Stats {
    let (mut n, mut sum, mut squares) = (0u64, 0i64, 0i64);
    for x in values {
        let x = i64::from(x);
        n += 1;
        sum += x;
        squares += x * x;
    }
    stats_from_integer_sums(n, sum, squares)
}

/// [`stats_of_integers`] from its sums: the count, Σx and Σx² of integer values.
pub fn stats_from_integer_sums(n: u64, sum: i64, squares: i64) -> Stats {
    if n == 0 {
        return Stats { n: 0, mean: None, sd: None, se: None, ci95: None };
    }
    let nf = n as f64;
    let mean = sum as f64 / nf;
    if n < 2 {
        return Stats { n: 1, mean: Some(mean), sd: None, se: None, ci95: None };
    }
    let numerator = i128::from(n) * i128::from(squares) - i128::from(sum) * i128::from(sum);
    let sd = (numerator as f64 / (nf * (nf - 1.0))).sqrt();
    let se = sd / nf.sqrt();
    let h = t975(nf - 1.0) * se;
    Stats { n: n as usize, mean: Some(mean), sd: Some(sd), se: Some(se), ci95: Some([mean - h, mean + h]) }
}

/// Polishes a quantile `x` of `cdf` at probability `p` with a few secant steps: the beta
/// inversion behind the crate's quantiles is accurate to ~1e-12 relative, and intervals are
/// tested at 1e-9 on the final numbers, so a cheap refinement removes any doubt.
fn polish(x: f64, p: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return x;
    }
    let (mut x0, mut x1) = (x, x * (1.0 + 1e-7));
    let (mut f0, mut f1) = (cdf(x0) - p, cdf(x1) - p);
    for _ in 0..8 {
        if f1 == f0 || f1 == 0.0 {
            break;
        }
        let x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
        if !x2.is_finite() || x2 <= 0.0 {
            break;
        }
        (x0, f0, x1) = (x1, f1, x2);
        f1 = cdf(x1) - p;
    }
    if (cdf(x1) - p).abs() <= (cdf(x) - p).abs() {
        x1
    } else {
        x
    }
}

/// Student's t quantile t(0.975, df).
pub fn t975(df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => polish(t.inverse_cdf(0.975), 0.975, |x| t.cdf(x)),
        Err(_) => f64::NAN,
    }
}

/// The F quantile F⁻¹(p; d1, d2).
fn f_quantile(p: f64, d1: f64, d2: f64) -> f64 {
    match FisherSnedecor::new(d1, d2) {
        Ok(f) => polish(f.inverse_cdf(p), p, |x| f.cdf(x)),
        Err(_) => f64::NAN,
    }
}

/// `{"raw", "std", "n", "ci95"}` of Cronbach's alpha (docs/scoring.md §3.3).
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

/// Raw alpha from a k x k covariance matrix restricted to `keep` items.
fn raw_alpha(cov: &[f64], k: usize, keep: impl Fn(usize) -> bool) -> Option<f64> {
    let idx: Vec<usize> = (0..k).filter(|&i| keep(i)).collect();
    let m = idx.len();
    if m < 2 {
        return None;
    }
    let (mut trace, mut total) = (0.0, 0.0);
    for &i in &idx {
        trace += cov[i * k + i];
        for &j in &idx {
            total += cov[i * k + j];
        }
    }
    // var_T = 0 leaves alpha undefined; a tiny negative total is rounding of a zero.
    if total <= 0.0 {
        return None;
    }
    Some(m as f64 / (m - 1) as f64 * (1.0 - trace / total))
}

/// Alpha of `k` items over `n_rows` rows (listwise), and the per-item analysis.
/// `value(row, item)` gives the item value or `None` when missing.
pub fn cronbach(n_rows: usize, k: usize, value: impl Fn(usize, usize) -> Option<f64>) -> (Alpha, Vec<ItemAlpha>) {
    let undefined_items = || vec![ItemAlpha { alpha_if_deleted: None, item_total_r: None }; k];
    let mut row = vec![0.0; k];
    let complete = |r: usize, row: &mut [f64]| -> bool {
        for (j, slot) in row.iter_mut().enumerate() {
            match value(r, j) {
                Some(x) => *slot = x,
                None => return false,
            }
        }
        true
    };
    // Pass 1: listwise n, sums and cross-products.
    let mut n = 0usize;
    let mut sums = vec![0.0; k];
    let mut cross = vec![0.0; k * k];
    let mut integral = true;
    for r in 0..n_rows {
        if k > 0 && complete(r, &mut row) {
            n += 1;
            for i in 0..k {
                let x = row[i];
                integral &= x.fract() == 0.0 && x.abs() <= 1024.0;
                sums[i] += x;
                for j in i..k {
                    cross[i * k + j] += x * row[j];
                }
            }
        }
    }
    if k < 2 || n < 2 {
        return (Alpha { raw: None, std: None, n, ci95: None }, undefined_items());
    }
    // Every later number is a ratio of covariances, so any positive multiple of the matrix
    // will do. Answers, reversed answers and gaps are small integers: then n·Σxy − Σx·Σy is an
    // exact integer, and a zero variance (of an item, or of a sum of items) is exactly zero
    // whatever the row order — a two-pass rounding residue of 1e-17 would otherwise turn an
    // undefined alpha into ±1e16. Other inputs take the two-pass path.
    let nf = n as f64;
    let max_cross = cross.iter().fold(0.0f64, |m, &c| m.max(c.abs()));
    let max_sum = sums.iter().fold(0.0f64, |m, &c| m.max(c.abs()));
    let exact_limit = 2f64.powi(53) / (k * k) as f64;
    let mut cov = vec![0.0; k * k];
    if integral && nf * max_cross < exact_limit && max_sum * max_sum < exact_limit {
        for i in 0..k {
            for j in i..k {
                let c = nf * cross[i * k + j] - sums[i] * sums[j];
                cov[i * k + j] = c;
                cov[j * k + i] = c;
            }
        }
    } else {
        let means: Vec<f64> = sums.iter().map(|s| s / nf).collect();
        // Pass 2: the covariance matrix (n − 1) on the same rows.
        let mut dev = vec![0.0; k];
        for r in 0..n_rows {
            if complete(r, &mut row) {
                for j in 0..k {
                    dev[j] = row[j] - means[j];
                }
                for i in 0..k {
                    let di = dev[i];
                    for j in i..k {
                        cov[i * k + j] += di * dev[j];
                    }
                }
            }
        }
        let d = (n - 1) as f64;
        for i in 0..k {
            for j in i..k {
                cov[i * k + j] /= d;
                cov[j * k + i] = cov[i * k + j];
            }
        }
    }
    alpha_from_cov(n, k, &cov)
}

/// Alpha (raw, standardised, Feldt) and the item analysis from the covariance matrix of `n`
/// listwise rows, or any positive multiple of it: every number here is a ratio.
fn alpha_from_cov(n: usize, k: usize, cov: &[f64]) -> (Alpha, Vec<ItemAlpha>) {
    let raw = raw_alpha(cov, k, |_| true);
    let var: Vec<f64> = (0..k).map(|i| cov[i * k + i]).collect();
    let std = if raw.is_some() && var.iter().all(|&v| v > 0.0) {
        let mut sum_r = 0.0;
        for i in 0..k {
            for j in 0..k {
                sum_r += cov[i * k + j] / (var[i] * var[j]).sqrt();
            }
        }
        Some(k as f64 / (k - 1) as f64 * (1.0 - k as f64 / sum_r))
    } else {
        None
    };
    let ci95 = raw.and_then(|a| feldt_ci95(a, n, k));
    let items = (0..k)
        .map(|j| {
            let alpha_if_deleted = raw_alpha(cov, k, |i| i != j);
            // r(item, rest): cov(x_j, T − x_j) / sqrt(var_j · var(T − x_j)).
            let cov_rest: f64 = (0..k).filter(|&i| i != j).map(|i| cov[j * k + i]).sum();
            let var_rest: f64 = (0..k)
                .filter(|&i| i != j)
                .flat_map(|i| (0..k).filter(move |&l| l != j).map(move |l| (i, l)))
                .map(|(i, l)| cov[i * k + l])
                .sum();
            let item_total_r = (var[j] > 0.0 && var_rest > 0.0).then(|| cov_rest / (var[j] * var_rest).sqrt());
            ItemAlpha { alpha_if_deleted, item_total_r }
        })
        .collect();
    (Alpha { raw, std, n, ci95 }, items)
}

/// [`cronbach`] over integer columns (`missing` marks no answer): the covariance numerators
/// n·Σxy − Σx·Σy are exact, so a zero variance is exactly zero in any row order.
pub fn cronbach_integers(n_rows: usize, cols: &[&[i16]], missing: i16) -> (Alpha, Vec<ItemAlpha>) {
    let k = cols.len();
    let mut sums = vec![0i64; k];
    let mut cross = vec![0i64; k * k];
    let mut row = vec![0i64; k];
    let mut n = 0usize;
    'rows: for r in 0..n_rows {
        for (j, col) in cols.iter().enumerate() {
            match col.get(r) {
                Some(&x) if x != missing => row[j] = i64::from(x),
                _ => continue 'rows,
            }
        }
        if k == 0 {
            continue;
        }
        n += 1;
        for i in 0..k {
            sums[i] += row[i];
            for j in i..k {
                cross[i * k + j] += row[i] * row[j];
            }
        }
    }
    cronbach_from_integer_sums(n, k, &sums, &cross)
}

/// [`cronbach_integers`] from its sums over the `n` listwise rows: Σx of each of the `k` items
/// and the cross-products Σx_i·x_j (`cross[i * k + j]`, read for i ≤ j only).
pub fn cronbach_from_integer_sums(n: usize, k: usize, sums: &[i64], cross: &[i64]) -> (Alpha, Vec<ItemAlpha>) {
    if k < 2 || n < 2 {
        let undefined = vec![ItemAlpha { alpha_if_deleted: None, item_total_r: None }; k];
        return (Alpha { raw: None, std: None, n, ci95: None }, undefined);
    }
    let mut cov = vec![0.0; k * k];
    for i in 0..k {
        for j in i..k {
            let c = i128::from(n as i64) * i128::from(cross[i * k + j]) - i128::from(sums[i]) * i128::from(sums[j]);
            cov[i * k + j] = c as f64;
            cov[j * k + i] = c as f64;
        }
    }
    alpha_from_cov(n, k, &cov)
}

/// Raw alpha with pairwise deletion (an analyst option, never in the report contract).
pub fn cronbach_pairwise(n_rows: usize, k: usize, value: impl Fn(usize, usize) -> Option<f64>) -> Option<f64> {
    if k < 2 {
        return None;
    }
    let mut cov = vec![0.0; k * k];
    for i in 0..k {
        for j in i..k {
            let pairs = (0..n_rows).filter_map(|r| Some((value(r, i)?, value(r, j)?)));
            let (mut sx, mut sy, mut n) = (0.0, 0.0, 0usize);
            for (x, y) in pairs.clone() {
                sx += x;
                sy += y;
                n += 1;
            }
            if n < 2 {
                return None;
            }
            let (mx, my) = (sx / n as f64, sy / n as f64);
            let c: f64 = pairs.map(|(x, y)| (x - mx) * (y - my)).sum::<f64>() / (n - 1) as f64;
            cov[i * k + j] = c;
            cov[j * k + i] = c;
        }
    }
    raw_alpha(&cov, k, |_| true)
}

/// Feldt (1965) 95% interval of a raw alpha from `n` rows and `k` items.
pub fn feldt_ci95(raw: f64, n: usize, k: usize) -> Option<[f64; 2]> {
    if n < 2 || k < 2 || !raw.is_finite() {
        return None;
    }
    let d1 = (n - 1) as f64;
    let d2 = d1 * (k - 1) as f64;
    let (hi_q, lo_q) = (f_quantile(0.975, d1, d2), f_quantile(0.025, d1, d2));
    let ci = [1.0 - (1.0 - raw) * hi_q, 1.0 - (1.0 - raw) * lo_q];
    ci.iter().all(|x| x.is_finite()).then_some(ci)
}

/// Standardised alpha from a k x k correlation matrix (row-major).
pub fn alpha_from_correlations(k: usize, r: &[f64]) -> Option<f64> {
    if k < 2 || r.len() != k * k {
        return None;
    }
    let sum: f64 = r.iter().sum();
    (sum > 0.0).then(|| k as f64 / (k - 1) as f64 * (1.0 - k as f64 / sum))
}

/// Wilson 95% interval of `successes` out of `n`.
pub fn wilson(successes: usize, n: usize) -> Option<[f64; 2]> {
    if n == 0 || successes > n {
        return None;
    }
    let (p, nf, z) = (successes as f64 / n as f64, n as f64, Z975);
    let den = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / den;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / den;
    Some([centre - half, centre + half])
}

/// Pearson r over the pairs; `None` below 3 pairs or when either side has zero variance.
pub fn pearson(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> Option<f64> {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0usize);
    // A column of one repeated value has no variance, but its mean (sum / n) need not equal that
    // value when it is no binary fraction (4/3, say), and the residues would make noise of r.
    let (mut first, mut x_varies, mut y_varies) = (None, false, false);
    for (x, y) in pairs.clone() {
        let (x0, y0) = *first.get_or_insert((x, y));
        x_varies |= x != x0;
        y_varies |= y != y0;
        sx += x;
        sy += y;
        n += 1;
    }
    if n < 3 || !x_varies || !y_varies {
        return None;
    }
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// `{"n", "score", "promoters", "passives", "detractors", "se"}` (docs/scoring.md §3.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nps {
    pub n: usize,
    pub score: Option<f64>,
    pub promoters: Option<f64>,
    pub passives: Option<f64>,
    pub detractors: Option<f64>,
    pub se: Option<f64>,
    /// score ± z·se, clipped to [−100, 100] (docs/scoring.md §3.5).
    pub ci95: Option<[f64; 2]>,
}

pub fn nps(answers: impl Iterator<Item = i16>) -> Nps {
    let (mut n, mut pro, mut det) = (0usize, 0usize, 0usize);
    for x in answers {
        n += 1;
        pro += usize::from(x >= 9);
        det += usize::from(x <= 6);
    }
    nps_from_counts(n, pro, det)
}

/// [`nps`] from the counts of answers, promoters (9-10) and detractors (0-6).
pub fn nps_from_counts(n: usize, pro: usize, det: usize) -> Nps {
    if n == 0 {
        return Nps { n, score: None, promoters: None, passives: None, detractors: None, se: None, ci95: None };
    }
    let nf = n as f64;
    let (pp, pd) = (pro as f64 / nf, det as f64 / nf);
    let var = pp + pd - (pp - pd) * (pp - pd);
    let score = 100.0 * (pro as f64 - det as f64) / nf;
    let se = 100.0 * (var.max(0.0) / nf).sqrt();
    Nps {
        n,
        score: Some(score),
        promoters: Some(pp),
        passives: Some((n - pro - det) as f64 / nf),
        detractors: Some(pd),
        se: Some(se),
        ci95: Some([(score - Z975 * se).max(-100.0), (score + Z975 * se).min(100.0)]),
    }
}

/// `{"n", "mean", "top2", "ci95"}` (docs/scoring.md §3.6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Csat {
    pub n: usize,
    pub mean: Option<f64>,
    pub top2: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

pub fn csat(answers: impl Iterator<Item = i16>) -> Csat {
    let (mut n, mut sum, mut top) = (0usize, 0.0, 0usize);
    for x in answers {
        n += 1;
        sum += f64::from(x);
        top += usize::from(x >= 4);
    }
    csat_from_counts(n, sum, top)
}

/// [`csat`] from the count, the sum of the answers and the count of 4s and 5s.
pub fn csat_from_counts(n: usize, sum: f64, top: usize) -> Csat {
    if n == 0 {
        return Csat { n, mean: None, top2: None, ci95: None };
    }
    Csat { n, mean: Some(sum / n as f64), top2: Some(top as f64 / n as f64), ci95: wilson(top, n) }
}

/// CES 2.0 (docs/scoring.md §3.7): mean and share agreeing (5-7) with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ces {
    pub n: usize,
    pub mean: Option<f64>,
    pub agree: Option<f64>,
    pub agree_ci95: Option<[f64; 2]>,
}

pub fn ces(answers: impl Iterator<Item = i16>) -> Ces {
    let (mut n, mut sum, mut agree) = (0usize, 0.0, 0usize);
    for x in answers {
        n += 1;
        sum += f64::from(x);
        agree += usize::from(x >= 5);
    }
    ces_from_counts(n, sum, agree)
}

/// [`ces`] from the count, the sum of the answers and the count of 5s to 7s.
pub fn ces_from_counts(n: usize, sum: f64, agree: usize) -> Ces {
    if n == 0 {
        return Ces { n, mean: None, agree: None, agree_ci95: None };
    }
    Ces { n, mean: Some(sum / n as f64), agree: Some(agree as f64 / n as f64), agree_ci95: wilson(agree, n) }
}
