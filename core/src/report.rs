//! The aggregate report (docs/scoring.md §3, docs/interfaces.md "Aggregate report JSON"): each row is
//! scored by the rules of `score` (dimension means summed column-wise, the rest per row with
//! its functions), then summarised column by column.

use crate::dataset::{Dataset, MISSING};
use crate::instrument::{Field, Form, Format, Instrument};
use crate::instrument::{LocalText, Scale};
use crate::score::{finish_row, half_rule, headline_kind, overall_keys, score_row, weakest_of, Kind, RowScores};
use crate::stats::{self, Alpha, Ces, Csat, ItemAlpha, Nps, Stats};
use crate::text::{text, Locale};
use indexmap::IndexMap;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// The aggregate report; optional keys are skipped when the data lacks them.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub instrument: String,
    pub format: Format,
    /// The scale of item answers in this instrument and format, so a reader plots the means
    /// without knowing the instruments.
    pub scale: Scale,
    pub responses: usize,
    /// The dimension set D when the deployment switched some off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension_set: Option<Vec<String>>,
    pub dimensions: IndexMap<String, DimensionReport>,
    /// Keys: p, p_weighted (+ gap, gap_weighted in gap; msa, mss in zone).
    pub overall: IndexMap<&'static str, Stats>,
    pub nps: Nps,
    pub csat: Csat,
    /// The aggregate weakest dimension (docs/scoring.md §3.10): lowest gap, p or msa mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weakest: Option<String>,
    /// E-RecS-QUAL dimensions over the respondents it was administered to (`e-s-qual` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<IndexMap<String, DimensionReport>>,
    /// CES 2.0 (outside the contract), when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ces: Option<Ces>,
    /// Importance-performance analysis (docs/scoring.md §3.9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipa: Option<Ipa>,
    /// Means per calendar week (Monday first) of `submitted_at`, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Vec<Week>>,
    /// How many respondents fell in each satisfaction class (docs/scoring.md §2.7); respondents
    /// without a class are `unclassified`.
    pub classes: Classes,
    /// Overall satisfaction answers (on the form's scale), when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Stats>,
    /// The display text of every dimension of `dimensions` and `recovery`, by code: what a
    /// reader shows instead of the code, from the wording the widget speaks.
    pub labels: IndexMap<String, Label>,
}

/// A dimension's name and one-line hint, each by locale tag; a locale without text is left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Label {
    pub name: LocalText,
    #[serde(skip_serializing_if = "LocalText::is_empty")]
    pub hint: LocalText,
}

/// The built-in locales, in the order their text is listed.
const LOCALES: [Locale; 3] = [Locale::En, Locale::ZhCn, Locale::ZhTw];

/// The built-in wording of `key` in every locale that has it.
fn builtin_text(key: &str) -> LocalText {
    LOCALES.iter().filter_map(|&l| text(l, key).map(|t| (l.tag(), t.to_string()))).collect()
}

/// The labels of the dimensions of `form` and, when reported, of the E-RecS-QUAL dimensions:
/// a custom instrument's own names (it has no hints), the built-in wording otherwise.
pub(crate) fn labels(form: &Form, recovery: bool) -> IndexMap<String, Label> {
    let builtin = |code: &str| Label {
        name: builtin_text(&cat!("dimension.", code)),
        hint: builtin_text(&cat!("dimension.", code, ".hint")),
    };
    let mut out: IndexMap<String, Label> = form
        .dimensions()
        .map(|d| {
            let label = if form.instrument.builtin {
                builtin(&d.code)
            } else {
                Label { name: d.name.clone(), hint: LocalText::new() }
            };
            (d.code.clone(), label)
        })
        .collect();
    if recovery {
        if let Some(recs) = Instrument::builtin("e-recs-qual") {
            for d in &recs.dimensions {
                out.insert(d.code.clone(), builtin(&d.code));
            }
        }
    }
    out
}

/// Counts of the per-respondent satisfaction class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Classes {
    pub dissatisfied: usize,
    pub satisfied: usize,
    pub delighted: usize,
    pub unclassified: usize,
}

impl Classes {
    fn add(&mut self, class: Option<&str>) {
        match class {
            Some("dissatisfied") => self.dissatisfied += 1,
            Some("satisfied") => self.satisfied += 1,
            Some("delighted") => self.delighted += 1,
            _ => self.unclassified += 1,
        }
    }
}

/// One week of the trend: how many responded, and the mean of each score that had a value.
#[derive(Debug, Clone, Serialize)]
pub struct Week {
    /// The Monday that starts the week, `YYYY-MM-DD`.
    pub week: String,
    pub n: usize,
    /// Mean headline score (gap, p or msa) per dimension.
    pub dimensions: IndexMap<String, Option<f64>>,
    /// Mean of each overall score.
    pub overall: IndexMap<&'static str, Option<f64>>,
}

/// One dimension: stats per kind (`p`, `e`, `gap`; zone: `p`, `msa`, `mss`, `min`, `des`,
/// `zot`), alpha, and items.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionReport {
    #[serde(flatten)]
    pub stats: IndexMap<&'static str, Stats>,
    pub alpha: IndexMap<&'static str, Alpha>,
    pub items: IndexMap<String, ItemReport>,
}

/// One item: stats per kind, then the item analysis on perceptions.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    #[serde(flatten)]
    pub stats: IndexMap<&'static str, Stats>,
    pub alpha_if_deleted: Option<f64>,
    pub item_total_r: Option<f64>,
    /// Share of respondents without a perception answer (N/A or skipped), docs/scoring.md §4.
    pub nonresponse: Option<f64>,
}

/// Importance-performance analysis: performance = mean P_d; stated importance = mean 100·w_d;
/// derived importance = r(P_d, satisfaction).
#[derive(Debug, Clone, Serialize)]
pub struct Ipa {
    pub performance: IndexMap<String, Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_importance: Option<IndexMap<String, f64>>,
    pub derived_importance_r: IndexMap<String, Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated: Option<Quadrants>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<Quadrants>,
}

/// Crosshairs and the quadrant of each plotted dimension: A "Concentrate here", B "Keep up the
/// good work", C "Low priority", D "Possible overkill".
#[derive(Debug, Clone, Serialize)]
pub struct Quadrants {
    pub crosshair_importance: f64,
    pub crosshair_performance: f64,
    pub quadrant: IndexMap<String, &'static str>,
}

/// Item kinds reported per format.
pub(crate) fn item_kinds(format: Format) -> &'static [Kind] {
    match format {
        Format::Perception => &[Kind::P],
        Format::Gap => &[Kind::P, Kind::E, Kind::Gap],
        Format::Zone => &[Kind::P, Kind::Msa, Kind::Mss, Kind::Min, Kind::Des],
    }
}

fn opt(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

/// Stats of a column where NaN marks "no score".
fn stats_of(col: &[f64]) -> Stats {
    stats::stats(col.iter().map(|&x| opt(x)))
}

/// The keyed answer column of one item field: reverse-keyed p and e become m + M − x (§1.1);
/// a column that needs no change is borrowed.
fn keyed_column<'a>(form: &Form, raw: &'a [i16], field: Field, reverse: bool) -> Cow<'a, [i16]> {
    if reverse && matches!(field, Field::P | Field::E) {
        let s = form.scale();
        Cow::Owned(raw.iter().map(|&x| if x == MISSING { MISSING } else { s.min + s.max - x }).collect())
    } else {
        Cow::Borrowed(raw)
    }
}

/// The item values of one kind, row by row (`MISSING` where undefined): a keyed field, or the
/// difference of two (gap = p − e, msa = p − min, mss = p − des).
fn item_column<'b>(fields: &'b [Cow<'_, [i16]>; 4], kind: Kind) -> Cow<'b, [i16]> {
    let diff = |a: &[i16], b: &[i16]| -> Vec<i16> {
        a.iter().zip(b).map(|(&x, &y)| if x == MISSING || y == MISSING { MISSING } else { x - y }).collect()
    };
    let f = |field: Field| &fields[field.index()][..];
    match kind {
        Kind::P => Cow::Borrowed(f(Field::P)),
        Kind::E => Cow::Borrowed(f(Field::E)),
        Kind::Min => Cow::Borrowed(f(Field::Min)),
        Kind::Des => Cow::Borrowed(f(Field::Des)),
        Kind::Gap => Cow::Owned(diff(f(Field::P), f(Field::E))),
        Kind::Msa => Cow::Owned(diff(f(Field::P), f(Field::Min))),
        Kind::Mss => Cow::Owned(diff(f(Field::P), f(Field::Des))),
        Kind::Zot => Cow::Owned(diff(f(Field::Des), f(Field::Min))),
    }
}

/// Stats of an integer column.
fn column_stats(col: &[i16]) -> Stats {
    stats::stats_of_integers(col.iter().copied().filter(|&x| x != MISSING))
}

/// Reports every dimension of `form` from its raw answer columns (`column(item, field)`, with
/// `MISSING`) and the per-row dimension-score columns. `shown` of the `rows` respondents were
/// shown the items: the denominator of each item's non-response rate (§4), so that the
/// respondents screened out of recovery do not count as leaving its items blank.
fn dimension_reports<'a>(
    form: &Form,
    positions: std::ops::Range<usize>,
    rows: usize,
    shown: usize,
    column: impl Fn(usize, Field) -> &'a [i16],
    dimcols: &[Vec<f64>],
) -> IndexMap<String, DimensionReport> {
    let kinds = Kind::for_format(form.format);
    let empty = vec![MISSING; rows];
    let mut out = IndexMap::new();
    for (pos, &d) in form.active.iter().enumerate().skip(positions.start).take(positions.len()) {
        let dim = &form.instrument.dimensions[d];
        let range = form.item_range(d);
        let start = range.start;
        let mut st = IndexMap::new();
        for &kind in kinds {
            st.insert(kind.as_str(), stats_of(&dimcols[pos * Kind::COUNT + kind as usize]));
        }
        // Keyed fields of every item, each a column of small integers: item statistics and
        // alpha then run over slices, never through a per-cell lookup.
        let fields: Vec<[Cow<'_, [i16]>; 4]> = (0..range.len())
            .map(|j| {
                std::array::from_fn(|fi| {
                    let field = Field::ALL[fi];
                    if form.format.fields().contains(&field) {
                        keyed_column(form, column(start + j, field), field, dim.items[j].reverse)
                    } else {
                        Cow::Borrowed(&empty[..])
                    }
                })
            })
            .collect();
        let p_cols: Vec<&[i16]> = fields.iter().map(|f| &f[Field::P.index()][..]).collect();
        let (alpha_p, per_item) = stats::cronbach_integers(rows, &p_cols, MISSING);
        let mut alpha = IndexMap::new();
        alpha.insert("p", alpha_p);
        if form.format == Format::Gap {
            let gaps: Vec<Cow<'_, [i16]>> = fields.iter().map(|f| item_column(f, Kind::Gap)).collect();
            let gap_cols: Vec<&[i16]> = gaps.iter().map(|c| &c[..]).collect();
            alpha.insert("gap", stats::cronbach_integers(rows, &gap_cols, MISSING).0);
        }
        let mut items = IndexMap::new();
        for (j, item) in dim.items.iter().enumerate() {
            let mut ist = IndexMap::new();
            for &kind in item_kinds(form.format) {
                ist.insert(kind.as_str(), column_stats(&item_column(&fields[j], kind)));
            }
            let answered = ist.get("p").map_or(0, |s: &Stats| s.n);
            let ItemAlpha { alpha_if_deleted, item_total_r } =
                per_item.get(j).cloned().unwrap_or(ItemAlpha { alpha_if_deleted: None, item_total_r: None });
            items.insert(
                item.code.clone(),
                ItemReport {
                    stats: ist,
                    alpha_if_deleted,
                    item_total_r,
                    nonresponse: (shown > 0).then(|| shown.saturating_sub(answered) as f64 / shown as f64),
                },
            );
        }
        out.insert(dim.code.clone(), DimensionReport { stats: st, alpha, items });
    }
    out
}

/// Computes the report of a dataset.
pub fn report(ds: &Dataset) -> Report {
    report_with(ds, 1)
}

/// The per-row scores of some rows, column-wise (NaN = none), and their classes.
struct RowColumns {
    dims: Vec<Vec<f64>>,
    overall: Vec<Vec<f64>>,
    classes: Classes,
}

/// Scores rows `range`, keeping the dimension and overall scores column-wise. The dimension
/// scores (the half-rule means of §1.3) are summed column by column over the keyed item columns
/// of [`item_column`], as integers: the per-row sums of `score_row` are sums of small integers
/// too, exact in any order, so each mean is the same number. The overall scores and the class
/// of each row then come from [`finish_row`], the second half of `score_row`.
fn score_rows(ds: &Dataset, range: std::ops::Range<usize>) -> RowColumns {
    let form = &ds.form;
    let nd = form.active.len();
    let kinds = Kind::for_format(form.format);
    let okeys = overall_keys(form.format);
    let len = range.len();
    let empty = vec![MISSING; len];
    let mut dims: Vec<Vec<f64>> = vec![Vec::new(); nd * Kind::COUNT];
    let (mut sums, mut counts) = (vec![0i32; len], vec![0u32; len]);
    for (pos, &d) in form.active.iter().enumerate() {
        let dim = &form.instrument.dimensions[d];
        let items = form.item_range(d);
        let need = half_rule(items.len());
        let fields: Vec<[Cow<'_, [i16]>; 4]> = items
            .enumerate()
            .map(|(j, i)| {
                std::array::from_fn(|fi| {
                    let field = Field::ALL[fi];
                    if form.format.fields().contains(&field) {
                        keyed_column(form, &ds.column(i, field)[range.clone()], field, dim.items[j].reverse)
                    } else {
                        Cow::Borrowed(&empty[..])
                    }
                })
            })
            .collect();
        for &kind in kinds {
            sums.fill(0);
            counts.fill(0);
            for f in &fields {
                for ((s, c), &x) in sums.iter_mut().zip(counts.iter_mut()).zip(item_column(f, kind).iter()) {
                    if x != MISSING {
                        *s += i32::from(x);
                        *c += 1;
                    }
                }
            }
            dims[pos * Kind::COUNT + kind as usize] = sums
                .iter()
                .zip(&counts)
                .map(|(&s, &c)| if c > 0 && c as usize >= need { f64::from(s) / f64::from(c) } else { f64::NAN })
                .collect();
        }
    }
    let mut overall: Vec<Vec<f64>> = okeys.iter().map(|_| Vec::with_capacity(len)).collect();
    let mut row = RowScores { dims: vec![[None; Kind::COUNT]; nd], ..RowScores::default() };
    let mut classes = Classes::default();
    for (k, r) in range.enumerate() {
        for (pos, slot) in row.dims.iter_mut().enumerate() {
            for &kind in kinds {
                slot[kind as usize] = opt(dims[pos * Kind::COUNT + kind as usize][k]);
            }
        }
        finish_row(form, ds.points(r), &mut row);
        classes.add(row.class);
        for (j, key) in okeys.iter().enumerate() {
            overall[j].push(row.overall(key).unwrap_or(f64::NAN));
        }
    }
    RowColumns { dims, overall, classes }
}

/// Runs `work` on `parts` contiguous ranges of `0..n`, in parallel where threads exist, and
/// returns the results in range order. The numbers never depend on `parts`: every part is
/// joined back in order before anything is summed.
fn in_parts<T: Send>(n: usize, parts: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = parts.clamp(1, n.max(1));
    let bounds: Vec<std::ops::Range<usize>> = (0..parts).map(|k| n * k / parts..n * (k + 1) / parts).collect();
    #[cfg(not(target_arch = "wasm32"))]
    if parts > 1 {
        return std::thread::scope(|scope| {
            let work = &work;
            let handles: Vec<_> = bounds.into_iter().map(|b| scope.spawn(move || work(b))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        });
    }
    bounds.into_iter().map(work).collect()
}

/// [`report`] computed on up to `threads` threads (1 = this thread only); the same numbers.
pub fn report_with(ds: &Dataset, threads: usize) -> Report {
    let form = &ds.form;
    let rows = ds.len();
    let okeys = overall_keys(form.format);

    let mut parts = in_parts(rows, threads, |range| score_rows(ds, range)).into_iter();
    let mut joined = parts.next().unwrap_or_else(|| score_rows(ds, 0..0));
    for part in parts {
        for (into, from) in joined.dims.iter_mut().zip(part.dims) {
            into.extend_from_slice(&from);
        }
        for (into, from) in joined.overall.iter_mut().zip(part.overall) {
            into.extend_from_slice(&from);
        }
        joined.classes.dissatisfied += part.classes.dissatisfied;
        joined.classes.satisfied += part.classes.satisfied;
        joined.classes.delighted += part.classes.delighted;
        joined.classes.unclassified += part.classes.unclassified;
    }
    let RowColumns { dims: dimcols, overall: ocols, classes } = joined;

    let nd = form.active.len();
    let dimensions: IndexMap<String, DimensionReport> =
        in_parts(nd, threads, |range| dimension_reports(form, range, rows, rows, |i, f| ds.column(i, f), &dimcols))
            .into_iter()
            .flatten()
            .collect();
    let overall = okeys.iter().zip(&ocols).map(|(k, c)| (*k, stats_of(c))).collect();
    let head = headline_kind(form.format).as_str();
    let weakest = weakest_of(dimensions.values().map(|d| d.stats.get(head).and_then(|s| s.mean)))
        .and_then(|i| dimensions.get_index(i).map(|(code, _)| code.clone()));

    let ces = stats::ces(ds.ces());
    let satisfaction = stats::stats((0..rows).map(|r| ds.satisfaction(r).map(f64::from)));
    let recovery = recovery_report(ds);
    Report {
        instrument: form.instrument.id.clone(),
        format: form.format,
        scale: form.scale(),
        responses: rows,
        dimension_set: (!form.all_dimensions()).then(|| form.dimensions().map(|d| d.code.clone()).collect()),
        nps: stats::nps(ds.nps()),
        csat: stats::csat(ds.csat()),
        weakest,
        labels: labels(form, recovery.is_some()),
        recovery,
        ces: (ces.n > 0).then_some(ces),
        ipa: ipa(ds, &dimensions, &dimcols),
        trend: trend(ds, &dimensions, &dimcols, &ocols),
        classes,
        satisfaction: (satisfaction.n > 0).then_some(satisfaction),
        dimensions,
        overall,
    }
}

/// E-RecS-QUAL dimensions over the rows it was administered to.
fn recovery_report(ds: &Dataset) -> Option<IndexMap<String, DimensionReport>> {
    let rows = ds.len();
    if ds.form.instrument.id != "e-s-qual" || !(0..rows).any(|r| ds.recovery_given(r)) {
        return None;
    }
    let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
    let form = Form::new(Arc::new(recs), Format::Perception);
    let get = |r: usize, i: usize, f: Field| if f == Field::P { ds.recovery_answer(r, i) } else { None };
    let nd = form.active.len();
    let mut dimcols: Vec<Vec<f64>> = vec![Vec::new(); nd * Kind::COUNT];
    let mut row = RowScores::default();
    for r in 0..rows {
        score_row(&form, |i, f| get(r, i, f), None, &mut row);
        for pos in 0..nd {
            let v = if ds.recovery_given(r) { row.dim(pos, Kind::P) } else { None };
            dimcols[pos * Kind::COUNT + Kind::P as usize].push(v.unwrap_or(f64::NAN));
        }
    }
    let shown = (0..rows).filter(|&r| ds.recovery_given(r)).count();
    Some(dimension_reports(&form, 0..nd, rows, shown, |i, _| ds.recovery_column(i), &dimcols))
}

/// Quadrants of the plotted dimensions (both values present); `None` when nothing is plotted.
pub(crate) fn quadrants(points: &[(String, f64, f64)]) -> Option<Quadrants> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let ci = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cp = points.iter().map(|p| p.2).sum::<f64>() / n;
    let quadrant = points
        .iter()
        .map(|(code, imp, perf)| {
            // A value equal to its crosshair counts as high (docs/scoring.md §3.9). Equal within
            // the tolerance of every number here: values that are equal in exact arithmetic
            // (say every dimension with the same r, whose mean is then that r) may differ from
            // their mean by a rounding, and which side a rounding falls on decides nothing.
            let high = |v: f64, c: f64| v >= c - 1e-9 * c.abs().max(1.0);
            let q = match (high(*imp, ci), high(*perf, cp)) {
                (true, false) => "A",
                (true, true) => "B",
                (false, false) => "C",
                (false, true) => "D",
            };
            (code.clone(), q)
        })
        .collect();
    Some(Quadrants { crosshair_importance: ci, crosshair_performance: cp, quadrant })
}

/// Importance-performance analysis; `None` when neither weights nor satisfaction were given.
fn ipa(ds: &Dataset, dims: &IndexMap<String, DimensionReport>, dimcols: &[Vec<f64>]) -> Option<Ipa> {
    let rows = ds.len();
    let nd = dims.len();

    let mut sums = vec![0.0; nd];
    let mut with_weights = 0usize;
    for r in 0..rows {
        if let Some(w) = ds.points(r) {
            let total: f64 = w.iter().sum();
            for (s, x) in sums.iter_mut().zip(w) {
                *s += 100.0 * x / total;
            }
            with_weights += 1;
        }
    }
    let stated_importance: Option<IndexMap<String, f64>> =
        (with_weights > 0).then(|| dims.keys().zip(&sums).map(|(c, s)| (c.clone(), s / with_weights as f64)).collect());

    let derived_importance_r: IndexMap<String, Option<f64>> = dims
        .keys()
        .enumerate()
        .map(|(pos, code)| {
            let col = &dimcols[pos * Kind::COUNT + Kind::P as usize];
            let pairs = (0..rows).filter_map(|r| {
                let p = opt(col[r])?;
                let s = ds.satisfaction(r)?;
                Some((p, f64::from(s)))
            });
            (code.clone(), stats::pearson(pairs))
        })
        .collect();
    ipa_of(dims, stated_importance, derived_importance_r)
}

/// The analysis from its importances, the performance being each dimension's perception mean;
/// `None` when neither kind of importance is known. Shared by the scan and the summaries.
pub(crate) fn ipa_of(
    dims: &IndexMap<String, DimensionReport>,
    stated_importance: Option<IndexMap<String, f64>>,
    derived_importance_r: IndexMap<String, Option<f64>>,
) -> Option<Ipa> {
    let performance: IndexMap<String, Option<f64>> =
        dims.iter().map(|(code, d)| (code.clone(), d.stats.get("p").and_then(|s| s.mean))).collect();
    let any_derived = derived_importance_r.values().any(Option::is_some);
    if stated_importance.is_none() && !any_derived {
        return None;
    }
    let plot = |imp: &dyn Fn(&str) -> Option<f64>| -> Vec<(String, f64, f64)> {
        performance.iter().filter_map(|(c, p)| Some((c.clone(), imp(c)?, (*p)?))).collect()
    };
    let stated = stated_importance.as_ref().and_then(|s| quadrants(&plot(&|c| s.get(c).copied())));
    let derived = quadrants(&plot(&|c| derived_importance_r.get(c).copied().flatten()));
    Some(Ipa { performance, stated_importance, derived_importance_r, stated, derived })
}

/// `YYYY-MM-DD` of a day number since 1970-01-01.
pub(crate) fn civil(day: i64) -> String {
    let (y, m, d) = crate::civil::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Weekly means of the headline dimension scores and the overall scores.
fn trend(
    ds: &Dataset,
    dims: &IndexMap<String, DimensionReport>,
    dimcols: &[Vec<f64>],
    ocols: &[Vec<f64>],
) -> Option<Vec<Week>> {
    let rows = ds.len();
    // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
    let week_of = |r: usize| ds.day(r).map(|d| (i64::from(d) + 3).div_euclid(7));
    let mut weeks: Vec<i64> = (0..rows).filter_map(week_of).collect();
    if weeks.is_empty() {
        return None;
    }
    weeks.sort_unstable();
    weeks.dedup();
    let head = headline_kind(ds.form.format) as usize;
    let okeys = overall_keys(ds.form.format);
    let nd = dims.len();
    let mut out: Vec<Week> = Vec::with_capacity(weeks.len());
    // Per week: [n, then (sum, count) per dimension and per overall key].
    let mut acc = vec![(0usize, vec![(0.0f64, 0usize); nd + okeys.len()]); weeks.len()];
    for r in 0..rows {
        let Some(w) = week_of(r) else { continue };
        let Ok(at) = weeks.binary_search(&w) else { continue };
        let (n, sums) = &mut acc[at];
        *n += 1;
        for pos in 0..nd {
            let x = dimcols[pos * Kind::COUNT + head][r];
            if !x.is_nan() {
                sums[pos].0 += x;
                sums[pos].1 += 1;
            }
        }
        for (j, col) in ocols.iter().enumerate() {
            let x = col[r];
            if !x.is_nan() {
                sums[nd + j].0 += x;
                sums[nd + j].1 += 1;
            }
        }
    }
    let mean = |(s, c): (f64, usize)| (c > 0).then(|| s / c as f64);
    for (w, (n, sums)) in weeks.iter().zip(acc) {
        out.push(Week {
            week: civil(w * 7 - 3),
            n,
            dimensions: dims.keys().enumerate().map(|(pos, c)| (c.clone(), mean(sums[pos]))).collect(),
            overall: okeys.iter().enumerate().map(|(j, k)| (*k, mean(sums[nd + j]))).collect(),
        });
    }
    Some(out)
}
