//! Mergeable summaries of responses: what the aggregate report needs, kept as sums, so that a
//! report costs what the question costs and not what the table holds (issue #15).
//!
//! A [`Summary`] belongs to one form (instrument, format, dimension set). The collector keeps one
//! per calendar day and form; a report over any whole-day range is the [`Summary::merge`] of
//! those days, and [`Summary::finish`] gives the same [`Report`] as [`report`] on the same rows
//! (docs/scoring.md §3), within the tolerance of §1.2 and `null` for `null`.
//!
//! [`report`]: crate::report::report
//!
//! # What is summed, and why the merge is exact
//!
//! Each row is scored exactly as `report` scores it (the half-rule dimension score of §1.3 is
//! the same `f64::from(s) / f64::from(c)`, the overall scores and the class come from
//! [`finish_row`]), and then only sums of the row's numbers are kept:
//!
//! - **Counts per value** of the NPS (0-10), CSAT (1-5) and CES (1-7) answers, and the count of
//!   responses with a comment: the [`Distributions`] a dashboard draws, from which the report's
//!   `nps`, `csat` and `ces` are derived (n, Σx and the share counts are sums over the values).
//! - **Integers** (answers, reversed answers, item gaps / MSA / MSS, satisfaction answers,
//!   every count) in `u64` / `i64`: n, Σx and Σx² per item and kind (the
//!   item `stats`, the item non-response), and per dimension over the listwise rows the item
//!   sums and cross-products Σxᵢxⱼ of alpha (`alpha.p`, `alpha.gap`, alpha-if-deleted,
//!   item-total r) — the very sums `stats::stats_of_integers` and `stats::cronbach_integers`
//!   build, handed to the same functions.
//! - **Real numbers** (dimension scores, overall scores, weighted scores, the stated importance
//!   100·w/Σw, the pairs of derived importance) as [`Exact`] sums: every f64 is an integer times a
//!   power of two, so Σx, Σx² and Σxy are kept as big integers with no rounding at all. A merge
//!   is integer addition, so it is exact, associative and commutative: any split of the rows
//!   into parts, merged in any order, gives a bit-identical summary and so a bit-identical
//!   report. Dimension scores are means of items (s/c with c answered items): rather than
//!   rational sums over a common denominator (lcm(h(k)..k), which grows fast with long custom
//!   dimensions, and which the weighted scores could not use anyway), the row's own f64 score —
//!   the number the full scan sums — is summed exactly, one mechanism for every real number.
//! - `finish` rounds once per number: a mean is Σx (exact, converted to the nearest f64) / n; a
//!   standard deviation comes from the exact n·Σx² − (Σx)², so a constant column has sd exactly
//!   0, as the integer path of `stats` already gives; Pearson r from the exact n·Σxy − Σx·Σy and
//!   its two variance numerators. The full scan sums in row order with one rounding per row, so
//!   it differs from these by its own rounding error: at most about n·2⁻⁵³ times the mean
//!   absolute value (about √n·2⁻⁵³ in practice), 1e-10 for a million rows at the very worst,
//!   under the 1e-9·max(1, |e|) of the tolerance.
//!
//! # Report keys and how they are obtained
//!
//! Exact sums in, one rounding out (see above): `responses`, `dimension_set`, every
//! `dimensions.<D>` and `recovery.<D>` stats object (dimension and item level), `alpha`,
//! `alpha_if_deleted`, `item_total_r`, `nonresponse`, `overall`, `nps`, `csat`, `ces`,
//! `satisfaction`, `classes`, `ipa.performance`, `ipa.stated_importance`,
//! `ipa.derived_importance_r`, the crosshairs, and `trend` (kept per Monday week: n and, per
//! dimension headline score and per overall score, the count and exact sum). `weakest` and the
//! IPA quadrant letters are decisions on those numbers, taken by the report's own functions;
//! they agree with the full scan unless a compared value sits within the scan's rounding
//! error of its threshold (a tie with a crosshair that only rounding decides).
//!
//! One degenerate case differs from the scan by design: when every respondent with a
//! satisfaction answer has the same dimension score and that score is not a binary fraction
//! (4/3, say), its variance is exactly 0 and `derived_importance_r` is `null` as §3.9 says;
//! the scan's two passes leave a residue of about 1e-32 and print rounding noise (±1e-16) for
//! r, which then also moves that dimension into the derived quadrant chart. Every other
//! number of a degenerate column (a constant score's sd: exactly 0 here, about 1e-16 in the
//! scan) is within the tolerance.
//!
//! Nothing `report()` outputs needs the rows themselves. What a summary cannot give, and what
//! stays on the full scan of the stored rows: de-duplication by id (a summary holds no ids: the
//! caller adds each response once — the collector only for a newly stored one), alpha with
//! pairwise deletion (`stats::cronbach_pairwise`, outside the report), medians or any other
//! order statistic, the Kano tables, the exports, and anything about single responses (the
//! latest comments, a row's own scores).
//!
//! # For the collector
//!
//! Key a summary row by (calendar day, instrument, format, dimension set), the day being the
//! one the report's `from`/`to` range selects on; give [`Summary::add_response`] the same
//! validated response the full scan pushes into its `Dataset`. The trend's week is taken from
//! the date written in `submitted_at` (as the scan does) and kept inside the summary, so it
//! does not matter that a range is cut on another clock (UTC) than the week.
//!
//! # Stored form
//!
//! [`Summary::to_json`] writes `{"version": 2, "instrument", "format", "dimensions",
//! "fingerprint", "sums"}`; [`Summary::from_json`] reads it back for a given form, refusing
//! another version (`unsupported-schema`; version 1, from before the counts per value, too: the
//! collector then reads the stored payloads until `eservqual summaries rebuild`), another form or another definition of the same
//! instrument (`wrong-form`, by the fingerprint of its dimensions, items, reverse keys and
//! scale), and sums of the wrong shape.

use crate::dataset::epoch_day;
use crate::error::{Error, ErrorCode};
use crate::exact::Exact;
use crate::instrument::{Field, Form, Format, Instrument};
use crate::payload::{is_comment, Answers, OutcomeAnswers, Response};
use crate::report::{civil, item_kinds, Classes, DimensionReport, Ipa, ItemReport, Report, Week};
use crate::score::{finish_row, half_rule, headline_kind, overall_keys, weakest_of, Kind, RowScores};
use crate::stats::{self, Stats};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The version of the stored form written by [`Summary::to_json`]. Version 2 counts the
/// outcome answers per value (version 1 kept only n, Σx and the share counts of the report).
pub const VERSION: u64 = 2;

/// The answers of the outcome questions counted per value, and the responses with a comment:
/// what a chart of each distribution needs, exact and mergeable by addition like the rest of a
/// summary. Also what a full scan gives, adding each response with [`Distributions::add`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distributions {
    /// Responses added.
    pub responses: u64,
    /// NPS answers: `nps[x]` is how many answered x, 0 to 10.
    pub nps: [u64; 11],
    /// CSAT answers: `csat[x - 1]` is how many answered x, 1 to 5.
    pub csat: [u64; 5],
    /// CES answers: `ces[x - 1]` is how many answered x, 1 to 7.
    pub ces: [u64; 7],
    /// Responses with a comment ([`is_comment`]).
    pub comments: u64,
}

impl Distributions {
    /// Counts one response's outcome answers. Answers are taken as validated (on their
    /// scales: docs/interfaces.md §2); a value off its scale is not counted.
    pub fn add(&mut self, o: &OutcomeAnswers) {
        fn count(counts: &mut [u64], lowest: i16, x: Option<i16>) {
            if let Some(slot) = x.and_then(|x| usize::try_from(x - lowest).ok()).and_then(|i| counts.get_mut(i)) {
                *slot += 1;
            }
        }
        self.responses += 1;
        count(&mut self.nps, 0, o.nps);
        count(&mut self.csat, 1, o.csat);
        count(&mut self.ces, 1, o.ces);
        self.comments += u64::from(o.comment.as_deref().is_some_and(is_comment));
    }

    /// Adds the counts of `other`: exact, in any order.
    pub fn merge(&mut self, other: &Distributions) {
        self.responses += other.responses;
        self.nps.iter_mut().zip(other.nps).for_each(|(a, b)| *a += b);
        self.csat.iter_mut().zip(other.csat).for_each(|(a, b)| *a += b);
        self.ces.iter_mut().zip(other.ces).for_each(|(a, b)| *a += b);
        self.comments += other.comments;
    }

    /// n, Σx and the count of answers of at least `from`, of counts of the values `lowest`...
    fn moments(counts: &[u64], lowest: u64, from: u64) -> (usize, f64, usize) {
        let n: u64 = counts.iter().sum();
        let sum: u64 = counts.iter().zip(lowest..).map(|(c, x)| c * x).sum();
        let high: u64 = counts.iter().zip(lowest..).filter(|(_, x)| *x >= from).map(|(c, _)| c).sum();
        (n as usize, sum as f64, high as usize)
    }

    /// The report's `nps`: promoters answered 9-10, detractors 0-6.
    pub fn nps(&self) -> stats::Nps {
        let n: u64 = self.nps.iter().sum();
        let detractors: u64 = self.nps[..7].iter().sum();
        stats::nps_from_counts(n as usize, (self.nps[9] + self.nps[10]) as usize, detractors as usize)
    }

    /// The report's `csat`: top-2 is 4-5.
    pub fn csat(&self) -> stats::Csat {
        let (n, sum, top) = Distributions::moments(&self.csat, 1, 4);
        stats::csat_from_counts(n, sum, top)
    }

    /// The report's `ces`: agree is 5-7.
    pub fn ces(&self) -> stats::Ces {
        let (n, sum, agree) = Distributions::moments(&self.ces, 1, 5);
        stats::ces_from_counts(n, sum, agree)
    }
}

/// n, Σx, Σx² of integer values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Ints(u64, i64, i64);

impl Ints {
    fn add(&mut self, x: i64) {
        self.0 += 1;
        self.1 += x;
        self.2 += x * x;
    }
    fn merge(&mut self, o: &Ints) {
        self.0 += o.0;
        self.1 += o.1;
        self.2 += o.2;
    }
    fn stats(&self) -> Stats {
        stats::stats_from_integer_sums(self.0, self.1, self.2)
    }
}

/// n, Σx, Σx² of real values, exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Reals(u64, Exact, Exact);

/// n·Σxy − Σx·Σy, exactly.
fn co_moment(n: u64, sx: &Exact, sy: &Exact, sxy: &Exact) -> Exact {
    let mut out = sxy.mul(&Exact::from_int(n as i64));
    out.sub(&sx.mul(sy));
    out
}

impl Reals {
    fn add(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.0 += 1;
            self.1.add_f64(x);
            self.2.add_product(x, x);
        }
    }
    fn merge(&mut self, o: &Reals) {
        self.0 += o.0;
        self.1.add(&o.1);
        self.2.add(&o.2);
    }
    /// The `stats` object of §3.1 (`stats::stats` on the values).
    fn stats(&self) -> Stats {
        let n = self.0;
        if n == 0 {
            return Stats { n: 0, mean: None, sd: None, se: None, ci95: None };
        }
        let nf = n as f64;
        let mean = self.1.to_f64() / nf;
        if n < 2 {
            return Stats { n: 1, mean: Some(mean), sd: None, se: None, ci95: None };
        }
        let numerator = co_moment(n, &self.1, &self.1, &self.2).to_f64();
        let sd = (numerator / (nf * (nf - 1.0))).sqrt();
        let se = sd / nf.sqrt();
        let h = stats::t975(nf - 1.0) * se;
        Stats { n: n as usize, mean: Some(mean), sd: Some(sd), se: Some(se), ci95: Some([mean - h, mean + h]) }
    }
}

/// n and Σx of real values: a mean of the trend.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Mean(u64, Exact);

impl Mean {
    fn add(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.0 += 1;
            self.1.add_f64(x);
        }
    }
    fn merge(&mut self, o: &Mean) {
        self.0 += o.0;
        self.1.add(&o.1);
    }
    fn mean(&self) -> Option<f64> {
        (self.0 > 0).then(|| self.1.to_f64() / self.0 as f64)
    }
}

/// n, Σx, Σy, Σx², Σy², Σxy of pairs: a Pearson r.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Pairs(u64, Exact, Exact, Exact, Exact, Exact);

impl Pairs {
    fn add(&mut self, x: f64, y: f64) {
        self.0 += 1;
        self.1.add_f64(x);
        self.2.add_f64(y);
        self.3.add_product(x, x);
        self.4.add_product(y, y);
        self.5.add_product(x, y);
    }
    fn merge(&mut self, o: &Pairs) {
        self.0 += o.0;
        self.1.add(&o.1);
        self.2.add(&o.2);
        self.3.add(&o.3);
        self.4.add(&o.4);
        self.5.add(&o.5);
    }
    /// `stats::pearson`: `None` below 3 pairs or when a side does not vary.
    fn r(&self) -> Option<f64> {
        let n = self.0;
        if n < 3 {
            return None;
        }
        let xx = co_moment(n, &self.1, &self.1, &self.3);
        let yy = co_moment(n, &self.2, &self.2, &self.4);
        if xx.signum() <= 0 || yy.signum() <= 0 {
            return None;
        }
        let xy = co_moment(n, &self.1, &self.2, &self.5);
        Some(xy.to_f64() / (xx.to_f64().sqrt() * yy.to_f64().sqrt()))
    }
}

/// The listwise sums of Cronbach's alpha over k items: n, Σxᵢ, and Σxᵢxⱼ for i ≤ j (row by
/// row, the upper triangle packed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct AlphaSums(u64, Vec<i64>, Vec<i64>);

impl AlphaSums {
    fn new(k: usize) -> AlphaSums {
        AlphaSums(0, vec![0; k], vec![0; k * (k + 1) / 2])
    }
    fn add(&mut self, row: &[i64]) {
        self.0 += 1;
        let mut at = 0;
        for (i, &x) in row.iter().enumerate() {
            self.1[i] += x;
            for &y in &row[i..] {
                self.2[at] += x * y;
                at += 1;
            }
        }
    }
    fn merge(&mut self, o: &AlphaSums) {
        self.0 += o.0;
        self.1.iter_mut().zip(&o.1).for_each(|(a, b)| *a += b);
        self.2.iter_mut().zip(&o.2).for_each(|(a, b)| *a += b);
    }
    fn finish(&self) -> (stats::Alpha, Vec<stats::ItemAlpha>) {
        let k = self.1.len();
        let mut cross = vec![0i64; k * k];
        let mut at = 0;
        for i in 0..k {
            for j in i..k {
                cross[i * k + j] = self.2[at];
                at += 1;
            }
        }
        stats::cronbach_from_integer_sums(self.0 as usize, k, &self.1, &cross)
    }
}

/// The sums of one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct DimSums {
    /// The dimension scores, per kind of `Kind::for_format`.
    scores: Vec<Reals>,
    /// Per item, per kind of `report::item_kinds`.
    items: Vec<Vec<Ints>>,
    /// `alpha.p`, then `alpha.gap` in gap format.
    alpha: Vec<AlphaSums>,
}

/// The kinds alpha is computed on, in report order.
fn alpha_kinds(format: Format) -> &'static [Kind] {
    match format {
        Format::Gap => &[Kind::P, Kind::Gap],
        _ => &[Kind::P],
    }
}

/// The integer value of a kind for one item from its keyed fields (`Kind::of_item` on integers).
fn item_value(kind: Kind, f: &[Option<i16>; 4]) -> Option<i16> {
    let [p, e, min, des] = *f;
    match kind {
        Kind::P => p,
        Kind::E => e,
        Kind::Min => min,
        Kind::Des => des,
        Kind::Gap => Some(p? - e?),
        Kind::Msa => Some(p? - min?),
        Kind::Mss => Some(p? - des?),
        Kind::Zot => Some(des? - min?),
    }
}

/// The dimensions of one form (the report's `dimensions`, or the `recovery` block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Block {
    /// Respondents shown these items: the denominator of item non-response (§3.11).
    shown: u64,
    dims: Vec<DimSums>,
}

impl Block {
    fn new(form: &Form) -> Block {
        let dims = form
            .active
            .iter()
            .map(|&d| {
                let k = form.item_range(d).len();
                DimSums {
                    scores: vec![Reals::default(); Kind::for_format(form.format).len()],
                    items: vec![vec![Ints::default(); item_kinds(form.format).len()]; k],
                    alpha: vec![AlphaSums::new(k); alpha_kinds(form.format).len()],
                }
            })
            .collect();
        Block { shown: 0, dims }
    }

    /// Adds one respondent shown these items (`answer(item, field)`: the raw answer of a flat
    /// item index) and leaves its dimension scores in `row.dims`, in D order.
    fn add(&mut self, form: &Form, answer: impl Fn(usize, Field) -> Option<i16>, row: &mut RowScores) {
        self.shown += 1;
        let kinds = Kind::for_format(form.format);
        let ikinds = item_kinds(form.format);
        let scale = form.scale();
        row.dims.clear();
        row.dims.resize(form.active.len(), [None; Kind::COUNT]);
        let mut fields: Vec<[Option<i16>; 4]> = Vec::new();
        let mut listwise: Vec<i64> = Vec::new();
        for ((pos, &d), sums) in form.active.iter().enumerate().zip(&mut self.dims) {
            let dim = &form.instrument.dimensions[d];
            let range = form.item_range(d);
            let need = half_rule(range.len());
            fields.clear();
            for (j, i) in range.enumerate() {
                let reverse = dim.items[j].reverse;
                fields.push(std::array::from_fn(|fi| {
                    let field = Field::ALL[fi];
                    if !form.format.fields().contains(&field) {
                        return None;
                    }
                    // Reverse-keyed p and e become min + max − x (§1.1).
                    answer(i, field).map(|x| {
                        if reverse && matches!(field, Field::P | Field::E) {
                            scale.min + scale.max - x
                        } else {
                            x
                        }
                    })
                }));
            }
            for (&kind, reals) in kinds.iter().zip(&mut sums.scores) {
                let (mut s, mut c) = (0i32, 0u32);
                for v in fields.iter().filter_map(|f| item_value(kind, f)) {
                    s += i32::from(v);
                    c += 1;
                }
                let score = (c > 0 && c as usize >= need).then(|| f64::from(s) / f64::from(c));
                row.dims[pos][kind as usize] = score;
                reals.add(score);
            }
            for (f, ints) in fields.iter().zip(&mut sums.items) {
                for (&kind, s) in ikinds.iter().zip(ints.iter_mut()) {
                    if let Some(v) = item_value(kind, f) {
                        s.add(i64::from(v));
                    }
                }
            }
            for (&kind, alpha) in alpha_kinds(form.format).iter().zip(&mut sums.alpha) {
                listwise.clear();
                listwise.extend(fields.iter().map_while(|f| item_value(kind, f).map(i64::from)));
                if !fields.is_empty() && listwise.len() == fields.len() {
                    alpha.add(&listwise);
                }
            }
        }
    }

    fn merge(&mut self, o: &Block) {
        self.shown += o.shown;
        for (a, b) in self.dims.iter_mut().zip(&o.dims) {
            a.scores.iter_mut().zip(&b.scores).for_each(|(x, y)| x.merge(y));
            for (xs, ys) in a.items.iter_mut().zip(&b.items) {
                xs.iter_mut().zip(ys).for_each(|(x, y)| x.merge(y));
            }
            a.alpha.iter_mut().zip(&b.alpha).for_each(|(x, y)| x.merge(y));
        }
    }

    /// The report's dimension objects (`report::dimension_reports`).
    fn finish(&self, form: &Form) -> IndexMap<String, DimensionReport> {
        let kinds = Kind::for_format(form.format);
        let shown = self.shown as usize;
        let mut out = IndexMap::new();
        for (&d, sums) in form.active.iter().zip(&self.dims) {
            let dim = &form.instrument.dimensions[d];
            let stats = kinds.iter().zip(&sums.scores).map(|(k, r)| (k.as_str(), r.stats())).collect();
            let (alpha_p, per_item) = sums.alpha[0].finish();
            let mut alpha = IndexMap::new();
            alpha.insert("p", alpha_p);
            if form.format == Format::Gap {
                alpha.insert("gap", sums.alpha[1].finish().0);
            }
            let mut items = IndexMap::new();
            for ((item, ints), ia) in dim.items.iter().zip(&sums.items).zip(per_item) {
                let ist: IndexMap<&'static str, Stats> =
                    item_kinds(form.format).iter().zip(ints).map(|(k, s)| (k.as_str(), s.stats())).collect();
                let answered = ist.get("p").map_or(0, |s| s.n);
                items.insert(
                    item.code.clone(),
                    ItemReport {
                        stats: ist,
                        alpha_if_deleted: ia.alpha_if_deleted,
                        item_total_r: ia.item_total_r,
                        nonresponse: (shown > 0).then(|| shown.saturating_sub(answered) as f64 / shown as f64),
                    },
                );
            }
            out.insert(dim.code.clone(), DimensionReport { stats, alpha, items });
        }
        out
    }

    /// The lengths of every vector, to check a stored block against its form.
    fn shape(&self, out: &mut Vec<usize>) {
        out.push(self.dims.len());
        for d in &self.dims {
            out.extend([d.scores.len(), d.items.len(), d.alpha.len()]);
            out.extend(d.items.iter().map(Vec::len));
            out.extend(d.alpha.iter().flat_map(|a| [a.1.len(), a.2.len()]));
        }
    }
}

/// One Monday week of the trend: respondents, and per dimension headline score and per overall
/// score the count and sum of the values present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct WeekSums {
    n: u64,
    dimensions: Vec<Mean>,
    overall: Vec<Mean>,
}

impl WeekSums {
    fn merge(&mut self, o: &WeekSums) {
        self.n += o.n;
        self.dimensions.iter_mut().zip(&o.dimensions).for_each(|(a, b)| a.merge(b));
        self.overall.iter_mut().zip(&o.overall).for_each(|(a, b)| a.merge(b));
    }
}

/// Everything a summary adds up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Sums {
    rows: u64,
    dimensions: Block,
    /// E-RecS-QUAL over the respondents it was administered to (`e-s-qual` only).
    recovery: Option<Block>,
    /// Per overall key of the format.
    overall: Vec<Reals>,
    /// dissatisfied, satisfied, delighted, unclassified.
    classes: [u64; 4],
    /// NPS, CSAT and CES answers per value, and the responses with a comment: the report's
    /// `nps`, `csat` and `ces` are derived from these counts.
    outcomes: Distributions,
    satisfaction: Ints,
    /// Respondents who gave weights, and per dimension Σ 100·w_d / Σw.
    weighted: u64,
    stated: Vec<Exact>,
    /// Per dimension, the pairs (P_d, satisfaction).
    derived: Vec<Pairs>,
    /// By week number: the week starting on day 7·w − 3 (a Monday) since 1970-01-01.
    trend: BTreeMap<i64, WeekSums>,
}

/// A mergeable summary of the responses to one form; see the module documentation.
#[derive(Debug, Clone)]
pub struct Summary {
    form: Form,
    /// The E-RecS-QUAL form, for `e-s-qual`.
    recovery_form: Option<Form>,
    fingerprint: String,
    sums: Sums,
}

impl PartialEq for Summary {
    /// Same form definition and the same sums (exact: equal whatever the order rows were added
    /// or parts merged in).
    fn eq(&self, other: &Summary) -> bool {
        self.fingerprint == other.fingerprint && self.sums == other.sums
    }
}

/// FNV-1a, 64 bits: a stable hash across builds and platforms.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// What the sums depend on: instrument id, format, scale, and each dimension of D with its
/// items and their reverse keys.
fn fingerprint(form: &Form) -> String {
    let scale = form.scale();
    let mut text = format!("{}\n{}\n{} {}\n", form.instrument.id, form.format.as_str(), scale.min, scale.max);
    for dim in form.dimensions() {
        text.push_str(&dim.code);
        text.push(':');
        for item in &dim.items {
            text.push_str(&item.code);
            text.push(if item.reverse { '~' } else { ',' });
        }
        text.push('\n');
    }
    format!("{:016x}", fnv1a(&text))
}

fn malformed(why: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::InvalidType, "", format!("a malformed summary: {why}"))
}

/// The stored form, as written.
#[derive(Serialize)]
struct StoredOut<'a> {
    version: u64,
    instrument: &'a str,
    format: &'a str,
    dimensions: Vec<&'a str>,
    fingerprint: &'a str,
    sums: &'a Sums,
}

/// The version of a stored summary, the rest unread.
#[derive(Deserialize)]
struct Probe {
    version: Option<serde_json::Value>,
}

/// The stored form, as read (once its version is known).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredIn {
    #[allow(dead_code)]
    version: u64,
    instrument: String,
    format: String,
    dimensions: Vec<String>,
    fingerprint: String,
    sums: Sums,
}

impl Summary {
    /// An empty summary of `form`.
    pub fn new(form: &Form) -> Summary {
        let recovery_form = (form.instrument.id == "e-s-qual").then(|| {
            let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
            Form::new(Arc::new(recs), Format::Perception)
        });
        let nd = form.active.len();
        let sums = Sums {
            rows: 0,
            dimensions: Block::new(form),
            recovery: recovery_form.as_ref().map(Block::new),
            overall: vec![Reals::default(); overall_keys(form.format).len()],
            classes: [0; 4],
            outcomes: Distributions::default(),
            satisfaction: Ints::default(),
            weighted: 0,
            stated: vec![Exact::new(); nd],
            derived: vec![Pairs::default(); nd],
            trend: BTreeMap::new(),
        };
        Summary { fingerprint: fingerprint(form), form: form.clone(), recovery_form, sums }
    }

    /// The form summarised.
    pub fn form(&self) -> &Form {
        &self.form
    }

    /// How many responses were added.
    pub fn responses(&self) -> u64 {
        self.sums.rows
    }

    /// The answers of the outcome questions per value and the count of comments: the same
    /// counts as [`Distributions::add`] of every response added.
    pub fn distributions(&self) -> &Distributions {
        &self.sums.outcomes
    }

    /// A hash of what the sums depend on (instrument id, format, scale, the dimensions of D
    /// with their items and reverse keys): summaries merge only with the same fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Adds one stored response — the input of [`Dataset::push`] but the id: a summary cannot
    /// tell a repeat, so the caller adds each response once (the collector, only when it
    /// stores a new one). Rows are taken as validated: weights, when given, are finite, ≥ 0
    /// and total more than 0 (a row breaking that is counted as having none in `ipa`, where the
    /// full scan would print `null`s).
    ///
    /// [`Dataset::push`]: crate::dataset::Dataset::push
    pub fn add(&mut self, submitted_at: Option<&str>, answers: &Answers) {
        let form = &self.form;
        let s = &mut self.sums;
        let nd = form.active.len();
        s.rows += 1;
        let mut row = RowScores::default();
        s.dimensions.add(form, |i, f| answers.items.get(i).and_then(|it| it[f.index()]), &mut row);
        if let (Some(block), Some(recs), Some(given)) = (&mut s.recovery, &self.recovery_form, &answers.recovery) {
            let mut scratch = RowScores::default();
            let get = |i: usize, f: Field| if f == Field::P { given.get(i).copied().flatten() } else { None };
            block.add(recs, get, &mut scratch);
        }
        // `Dataset::points`: the weights of a row with one per dimension of D.
        let points = answers.weights.as_deref().filter(|w| w.len() == nd && w.first().is_some_and(|x| !x.is_nan()));
        finish_row(form, points, &mut row);
        let class = match row.class {
            Some("dissatisfied") => 0,
            Some("satisfied") => 1,
            Some("delighted") => 2,
            _ => 3,
        };
        s.classes[class] += 1;
        let okeys = overall_keys(form.format);
        for (key, reals) in okeys.iter().zip(&mut s.overall) {
            reals.add(row.overall(key));
        }
        if let Some(day) = submitted_at.and_then(epoch_day) {
            // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
            let week = (i64::from(day) + 3).div_euclid(7);
            let w = s.trend.entry(week).or_insert_with(|| WeekSums {
                n: 0,
                dimensions: vec![Mean::default(); nd],
                overall: vec![Mean::default(); okeys.len()],
            });
            w.n += 1;
            let head = headline_kind(form.format) as usize;
            for (slot, mean) in row.dims.iter().zip(&mut w.dimensions) {
                mean.add(slot[head]);
            }
            for (key, mean) in okeys.iter().zip(&mut w.overall) {
                mean.add(row.overall(key));
            }
        }
        let o = &answers.outcomes;
        s.outcomes.add(o);
        if let Some(x) = o.satisfaction {
            s.satisfaction.add(i64::from(x));
            for (slot, pairs) in row.dims.iter().zip(&mut s.derived) {
                if let Some(p) = slot[Kind::P as usize] {
                    pairs.add(p, f64::from(x));
                }
            }
        }
        if let Some(w) = points {
            let total: f64 = w.iter().sum();
            // The row's stated importance, as the full scan computes it.
            let shares = w.iter().map(|x| 100.0 * x / total);
            if total > 0.0 && shares.clone().all(f64::is_finite) {
                s.weighted += 1;
                s.stated.iter_mut().zip(shares).for_each(|(e, x)| e.add_f64(x));
            }
        }
    }

    /// Adds a validated response; one for another form (instrument, format, dimension set, or
    /// another definition of the instrument) is a `wrong-form` error.
    pub fn add_response(&mut self, response: &Response) -> Result<(), Error> {
        if fingerprint(&response.form) != self.fingerprint {
            return Err(Error::new(
                ErrorCode::WrongForm,
                "instrument",
                format!(
                    "a response to {} in {} format, not to the form of this summary ({} in {} format)",
                    response.form.instrument.id,
                    response.form.format.as_str(),
                    self.form.instrument.id,
                    self.form.format.as_str()
                ),
            ));
        }
        self.add(Some(&response.submitted_at), &response.answers);
        Ok(())
    }

    /// Adds another summary of the same form: exact, so merging parts in any order and any
    /// grouping gives the same summary.
    ///
    /// # Panics
    /// When `other` summarises another form (see [`Summary::fingerprint`]): rows of different
    /// forms never share a report.
    pub fn merge(&mut self, other: &Summary) {
        assert_eq!(
            self.fingerprint, other.fingerprint,
            "summaries of different forms ({} and {}) cannot be merged",
            self.form.instrument.id, other.form.instrument.id
        );
        let (s, o) = (&mut self.sums, &other.sums);
        s.rows += o.rows;
        s.dimensions.merge(&o.dimensions);
        if let (Some(a), Some(b)) = (&mut s.recovery, &o.recovery) {
            a.merge(b);
        }
        s.overall.iter_mut().zip(&o.overall).for_each(|(a, b)| a.merge(b));
        s.classes.iter_mut().zip(o.classes).for_each(|(a, b)| *a += b);
        s.outcomes.merge(&o.outcomes);
        s.satisfaction.merge(&o.satisfaction);
        s.weighted += o.weighted;
        s.stated.iter_mut().zip(&o.stated).for_each(|(a, b)| a.add(b));
        s.derived.iter_mut().zip(&o.derived).for_each(|(a, b)| a.merge(b));
        for (week, sums) in &o.trend {
            match s.trend.get_mut(week) {
                Some(mine) => mine.merge(sums),
                None => {
                    s.trend.insert(*week, sums.clone());
                }
            }
        }
    }

    /// The report of the summarised rows: [`report`](crate::report::report) on the same rows.
    pub fn finish(&self) -> Report {
        let form = &self.form;
        let s = &self.sums;
        let okeys = overall_keys(form.format);
        let dimensions = s.dimensions.finish(form);
        let overall = okeys.iter().zip(&s.overall).map(|(k, r)| (*k, r.stats())).collect();
        let head = headline_kind(form.format).as_str();
        let weakest = weakest_of(dimensions.values().map(|d| d.stats.get(head).and_then(|s| s.mean)))
            .and_then(|i| dimensions.get_index(i).map(|(code, _)| code.clone()));
        let recovery = match (&s.recovery, &self.recovery_form) {
            (Some(block), Some(recs)) if block.shown > 0 => Some(block.finish(recs)),
            _ => None,
        };
        let [dissatisfied, satisfied, delighted, unclassified] = s.classes.map(|c| c as usize);
        let ces = s.outcomes.ces();
        let satisfaction = s.satisfaction.stats();
        Report {
            instrument: form.instrument.id.clone(),
            format: form.format,
            scale: form.scale(),
            responses: s.rows as usize,
            dimension_set: (!form.all_dimensions()).then(|| form.dimensions().map(|d| d.code.clone()).collect()),
            nps: s.outcomes.nps(),
            csat: s.outcomes.csat(),
            weakest,
            labels: crate::report::labels(form, recovery.is_some()),
            recovery,
            ces: (ces.n > 0).then_some(ces),
            ipa: self.ipa(&dimensions),
            trend: self.trend(&dimensions),
            classes: Classes { dissatisfied, satisfied, delighted, unclassified },
            satisfaction: (satisfaction.n > 0).then_some(satisfaction),
            dimensions,
            overall,
        }
    }

    /// `report::ipa` from the sums.
    fn ipa(&self, dims: &IndexMap<String, DimensionReport>) -> Option<Ipa> {
        let s = &self.sums;
        let stated_importance: Option<IndexMap<String, f64>> = (s.weighted > 0)
            .then(|| dims.keys().zip(&s.stated).map(|(c, e)| (c.clone(), e.to_f64() / s.weighted as f64)).collect());
        let derived_importance_r: IndexMap<String, Option<f64>> =
            dims.keys().zip(&s.derived).map(|(c, pairs)| (c.clone(), pairs.r())).collect();
        crate::report::ipa_of(dims, stated_importance, derived_importance_r)
    }

    /// `report::trend` from the weekly sums.
    fn trend(&self, dims: &IndexMap<String, DimensionReport>) -> Option<Vec<Week>> {
        let trend = &self.sums.trend;
        if trend.is_empty() {
            return None;
        }
        let okeys = overall_keys(self.form.format);
        let weeks = trend
            .iter()
            .map(|(w, sums)| Week {
                week: civil(w * 7 - 3),
                n: sums.n as usize,
                dimensions: dims.keys().zip(&sums.dimensions).map(|(c, m)| (c.clone(), m.mean())).collect(),
                overall: okeys.iter().zip(&sums.overall).map(|(k, m)| (*k, m.mean())).collect(),
            })
            .collect();
        Some(weeks)
    }

    /// The stored form: compact JSON with its version (see the module documentation).
    pub fn to_json(&self) -> String {
        let out = StoredOut {
            version: VERSION,
            instrument: &self.form.instrument.id,
            format: self.form.format.as_str(),
            dimensions: self.form.dimensions().map(|d| d.code.as_str()).collect(),
            fingerprint: &self.fingerprint,
            sums: &self.sums,
        };
        serde_json::to_string(&out).expect("a summary serialises")
    }

    /// Reads a summary of `form` written by [`Summary::to_json`]. Another version is an
    /// `unsupported-schema` error, a summary of another form (or of another definition of the
    /// instrument) a `wrong-form` error, anything else that does not fit an `invalid-json` or
    /// `invalid-type` error.
    pub fn from_json(text: &str, form: &Form) -> Result<Summary, Error> {
        // The version first (the rest is skipped unread), so that another version is named as
        // such rather than as whatever its sums no longer match.
        let probe: Probe = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                Error::new(ErrorCode::InvalidJson, "", format!("a summary that is not JSON: {e}"))
            }
            _ => malformed(e),
        })?;
        match probe.version {
            None => return Err(Error::new(ErrorCode::MissingField, "version", "a summary without a version")),
            Some(v) if v.as_u64() == Some(VERSION) => {}
            Some(v) => {
                return Err(Error::new(
                    ErrorCode::UnsupportedSchema,
                    "version",
                    format!("summary version {v} is not supported: this build reads version {VERSION}"),
                ))
            }
        }
        let stored: StoredIn = serde_json::from_str(text).map_err(malformed)?;
        let mut summary = Summary::new(form);
        let codes: Vec<&str> = form.dimensions().map(|d| d.code.as_str()).collect();
        if stored.instrument != form.instrument.id
            || stored.format != form.format.as_str()
            || stored.dimensions != codes
            || stored.fingerprint != summary.fingerprint
        {
            return Err(Error::new(
                ErrorCode::WrongForm,
                "instrument",
                format!(
                    "a summary of {} in {} format over {} (fingerprint {}), not of {} in {} format over {} \
                     (fingerprint {})",
                    stored.instrument,
                    stored.format,
                    stored.dimensions.join(","),
                    stored.fingerprint,
                    form.instrument.id,
                    form.format.as_str(),
                    codes.join(","),
                    summary.fingerprint
                ),
            ));
        }
        let shape = |s: &Sums| {
            let mut out = Vec::new();
            s.dimensions.shape(&mut out);
            out.push(usize::from(s.recovery.is_some()));
            if let Some(b) = &s.recovery {
                b.shape(&mut out);
            }
            out.extend([s.overall.len(), s.stated.len(), s.derived.len()]);
            out
        };
        let sums = stored.sums;
        if shape(&sums) != shape(&summary.sums) {
            return Err(malformed("its sums do not fit the form"));
        }
        let (nd, nk) = (summary.sums.stated.len(), summary.sums.overall.len());
        for (week, w) in &sums.trend {
            // Weeks of the years 0000-9999 that `submitted_at` can name, with room to spare.
            if week.abs() > 1_000_000 || w.dimensions.len() != nd || w.overall.len() != nk {
                return Err(malformed(format!("week {week} of its trend does not fit the form")));
            }
        }
        summary.sums = sums;
        Ok(summary)
    }
}
