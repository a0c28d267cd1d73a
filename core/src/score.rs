//! Per-respondent scores (docs/scoring.md §2): dimension scores under the half rule, gaps, zones,
//! weights, recovery, outcomes, satisfaction class, weakest dimension, NPS category, and the
//! `scores` object of §2.9. The report scores each row with the same functions.

use crate::error::{Error, ErrorCode};
use crate::instrument::{Field, Form, Format, Instrument, Registry, Scale};
use crate::json::{read_string, At, Fields, Json, Kind as JsonKind};
use crate::keyed::Keyed;
use crate::payload::{
    answers_of, form_of, read_answers, read_codes, read_weights, Answers, InstrumentRef, Outcomes, ScoreParts,
};
use crate::stats::EPS;
use crate::text::int;
use serde::Serialize;
use std::sync::Arc;

/// The minimum number of valid values a k-item score needs: ⌈k/2⌉ (docs/scoring.md §1.3).
pub fn half_rule(k: usize) -> usize {
    k.div_ceil(2)
}

/// Half-rule mean of `k` possible values, of which `values` are the present ones in order.
pub fn half_rule_mean(k: usize, values: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in values {
        sum += x;
        n += 1;
    }
    (n > 0 && n >= half_rule(k)).then(|| sum / n as f64)
}

/// Mean of every value; `None` if any is `None` (the overall rule, §1.3).
pub fn mean_all(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in values {
        sum += x?;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// Σ w_d·s_d with w normalised by the respondent's own total (§2.3); `None` without weights or
/// with a missing score.
pub fn weighted(points: Option<&[f64]>, scores: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let points = points?;
    let total: f64 = points.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    for (p, s) in points.iter().zip(scores) {
        acc += (p / total) * s?;
    }
    Some(acc)
}

/// "dissatisfied" / "satisfied" / "delighted" from a signed difference (§2.7).
pub fn class_of(x: Option<f64>) -> Option<&'static str> {
    let x = x?;
    Some(if x < -EPS {
        "dissatisfied"
    } else if x > EPS {
        "delighted"
    } else {
        "satisfied"
    })
}

/// Zone-format class from overall MSA and MSS (§2.7).
pub fn zone_class(msa: Option<f64>, mss: Option<f64>) -> Option<&'static str> {
    let (a, b) = (msa?, mss?);
    if a < -EPS && b > EPS {
        None
    } else if a < -EPS {
        Some("dissatisfied")
    } else if b > EPS {
        Some("delighted")
    } else {
        Some("satisfied")
    }
}

/// Index of the weakest score: the first lowest, replaced only by one lower by more than ε (§2.8).
pub fn weakest_of(scores: impl Iterator<Item = Option<f64>>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in scores.enumerate() {
        let Some(s) = s else { continue };
        match best {
            Some((_, b)) if s >= b - EPS => {}
            _ => best = Some((i, s)),
        }
    }
    best.map(|(i, _)| i)
}

/// NPS category of a 0-10 answer (§2.6).
pub fn nps_category(x: Option<i16>) -> Option<&'static str> {
    Some(match x? {
        9.. => "promoter",
        7..=8 => "passive",
        _ => "detractor",
    })
}

/// An item value ready for scoring: reverse-keyed p and e become min + max - x (§1.1).
#[inline]
pub fn keyed(form: &Form, field: Field, raw: Option<i16>, reverse: bool) -> Option<f64> {
    let x = raw?;
    if reverse && matches!(field, Field::P | Field::E) {
        let s = form.scale();
        Some(f64::from(s.min + s.max - x))
    } else {
        Some(f64::from(x))
    }
}

/// Kinds of per-dimension score, in a fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    P,
    E,
    Gap,
    Min,
    Des,
    Msa,
    Mss,
    Zot,
}

impl Kind {
    pub const COUNT: usize = 8;

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::P => "p",
            Kind::E => "e",
            Kind::Gap => "gap",
            Kind::Min => "min",
            Kind::Des => "des",
            Kind::Msa => "msa",
            Kind::Mss => "mss",
            Kind::Zot => "zot",
        }
    }

    /// The value of this kind for one item, from its keyed answer fields.
    #[inline]
    pub fn of_item(self, f: &[Option<f64>; 4]) -> Option<f64> {
        let [p, e, min, des] = *f;
        match self {
            Kind::P => p,
            Kind::E => e,
            Kind::Gap => Some(p? - e?),
            Kind::Min => min,
            Kind::Des => des,
            Kind::Msa => Some(p? - min?),
            Kind::Mss => Some(p? - des?),
            Kind::Zot => Some(des? - min?),
        }
    }

    /// Kinds a format scores per dimension, in report order.
    pub fn for_format(format: Format) -> &'static [Kind] {
        match format {
            Format::Perception => &[Kind::P],
            Format::Gap => &[Kind::P, Kind::E, Kind::Gap],
            Format::Zone => &[Kind::P, Kind::Msa, Kind::Mss, Kind::Min, Kind::Des, Kind::Zot],
        }
    }
}

/// The compared score of the class and the weakest dimension (§2.7, §2.8).
pub fn headline_kind(format: Format) -> Kind {
    match format {
        Format::Perception => Kind::P,
        Format::Gap => Kind::Gap,
        Format::Zone => Kind::Msa,
    }
}

/// The numbers of one respondent, in a reusable buffer (no allocation per row once sized).
#[derive(Debug, Clone, Default)]
pub struct RowScores {
    /// `dims[d][kind]` for each dimension of D, in D order.
    pub dims: Vec<[Option<f64>; Kind::COUNT]>,
    pub p: Option<f64>,
    pub p_weighted: Option<f64>,
    pub gap: Option<f64>,
    pub gap_weighted: Option<f64>,
    pub msa: Option<f64>,
    pub mss: Option<f64>,
    pub class: Option<&'static str>,
    /// Position in D of the weakest dimension.
    pub weakest: Option<usize>,
}

impl RowScores {
    pub fn dim(&self, d: usize, kind: Kind) -> Option<f64> {
        self.dims[d][kind as usize]
    }

    /// An overall score by name (`p`, `p_weighted`, `gap`, `gap_weighted`, `msa`, `mss`).
    pub fn overall(&self, key: &str) -> Option<f64> {
        match key {
            "p" => self.p,
            "p_weighted" => self.p_weighted,
            "gap" => self.gap,
            "gap_weighted" => self.gap_weighted,
            "msa" => self.msa,
            "mss" => self.mss,
            _ => None,
        }
    }
}

/// The overall keys of a format, in report order.
pub fn overall_keys(format: Format) -> &'static [&'static str] {
    match format {
        Format::Perception => &["p", "p_weighted"],
        Format::Gap => &["p", "p_weighted", "gap", "gap_weighted"],
        Format::Zone => &["p", "p_weighted", "msa", "mss"],
    }
}

/// Scores one row. `answer(item, field)` gives the raw answer of a flat item index; `points`
/// the respondent's raw weights per dimension of D.
pub fn score_row(
    form: &Form,
    answer: impl Fn(usize, Field) -> Option<i16>,
    points: Option<&[f64]>,
    out: &mut RowScores,
) {
    score_row_dyn(form, &answer, points, out)
}

/// [`score_row`] compiled once, whatever the answer source (one copy in the wasm).
fn score_row_dyn(
    form: &Form,
    answer: &dyn Fn(usize, Field) -> Option<i16>,
    points: Option<&[f64]>,
    out: &mut RowScores,
) {
    let kinds = Kind::for_format(form.format);
    out.dims.clear();
    for &d in &form.active {
        let range = form.item_range(d);
        let k = range.len();
        let dim = &form.instrument.dimensions[d];
        let mut sums = [0.0f64; Kind::COUNT];
        let mut counts = [0usize; Kind::COUNT];
        for (j, i) in range.enumerate() {
            let rev = dim.items[j].reverse;
            let f: [Option<f64>; 4] = std::array::from_fn(|fi| {
                let field = Field::ALL[fi];
                if form.format.fields().contains(&field) {
                    keyed(form, field, answer(i, field), rev)
                } else {
                    None
                }
            });
            for &kind in kinds {
                if let Some(v) = kind.of_item(&f) {
                    sums[kind as usize] += v;
                    counts[kind as usize] += 1;
                }
            }
        }
        let need = half_rule(k);
        out.dims.push(std::array::from_fn(|ki| {
            (counts[ki] > 0 && counts[ki] >= need).then(|| sums[ki] / counts[ki] as f64)
        }));
    }
    finish_row(form, points, out);
}

/// The overall scores, class and weakest dimension of one respondent from its dimension scores
/// (`out.dims`, in D order): the second half of [`score_row`], which the report also calls
/// after computing the dimension scores of many rows column by column.
pub fn finish_row(form: &Form, points: Option<&[f64]>, out: &mut RowScores) {
    let col = |kind: Kind| out.dims.iter().map(move |s| s[kind as usize]);
    out.p = mean_all(col(Kind::P));
    out.p_weighted = weighted(points, col(Kind::P));
    out.gap = None;
    out.gap_weighted = None;
    out.msa = None;
    out.mss = None;
    match form.format {
        Format::Perception => {
            out.class = class_of(out.p.map(|p| p - form.scale().midpoint()));
        }
        Format::Gap => {
            out.gap = mean_all(col(Kind::Gap));
            out.gap_weighted = weighted(points, col(Kind::Gap));
            out.class = class_of(out.gap);
        }
        Format::Zone => {
            out.msa = mean_all(col(Kind::Msa));
            out.mss = mean_all(col(Kind::Mss));
            out.class = zone_class(out.msa, out.mss);
        }
    }
    out.weakest = weakest_of(col(headline_kind(form.format)));
}

/// Scores by key (`p`, `gap`, ...), or by code (`EFF`, ...), in report order.
pub type ScoreMap = Keyed<Option<f64>>;

/// The `scores` object (docs/scoring.md §2.9); keys appear only where the format has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub dimensions: Keyed<ScoreMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Keyed<ItemScores>>,
    pub overall: ScoreMap,
    pub class: Option<&'static str>,
    pub weakest: Option<String>,
    pub nps_category: Option<&'static str>,
    /// Present (possibly `null`) for `e-s-qual` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Option<RecoveryScores>>,
    /// Present only when value or loyalty was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<ScoreMap>,
}

/// One item's scores in the gap and zone formats (perception has none).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ItemScores {
    Gap {
        gap: Option<f64>,
    },
    Zone {
        msa: Option<f64>,
        mss: Option<f64>,
        zot: Option<f64>,
        /// `below`, `within` or `above` the zone; `null` when unanswered or inverted.
        position: Option<&'static str>,
        /// The minimum is above the desired level.
        inverted: bool,
    },
}

/// E-RecS-QUAL scores of one respondent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryScores {
    pub dimensions: Keyed<ScoreMap>,
    pub overall: ScoreMap,
}

/// The dimension kinds the `scores` object shows per format (zone adds zot, not min/des).
fn scores_kinds(format: Format) -> &'static [Kind] {
    match format {
        Format::Perception => &[Kind::P],
        Format::Gap => &[Kind::P, Kind::E, Kind::Gap],
        Format::Zone => &[Kind::P, Kind::Msa, Kind::Mss, Kind::Zot],
    }
}

/// Scores one validated respondent.
pub fn score(form: &Form, answers: &Answers) -> Scores {
    let mut row = RowScores::default();
    let get = |i: usize, f: Field| answers.items[i][f.index()];
    score_row(form, get, answers.weights.as_deref(), &mut row);

    let dimensions = form
        .dimensions()
        .enumerate()
        .map(|(pos, dim)| {
            (dim.code.clone(), scores_kinds(form.format).iter().map(|&k| (k.as_str(), row.dim(pos, k))).collect())
        })
        .collect();

    let items = match form.format {
        Format::Perception => None,
        fmt => {
            let mut items = Keyed::new();
            for &d in &form.active {
                let dim = &form.instrument.dimensions[d];
                for (j, i) in form.item_range(d).enumerate() {
                    let rev = dim.items[j].reverse;
                    let f: [Option<f64>; 4] =
                        std::array::from_fn(|fi| keyed(form, Field::ALL[fi], answers.items[i][fi], rev));
                    let scores = if fmt == Format::Gap {
                        ItemScores::Gap { gap: Kind::Gap.of_item(&f) }
                    } else {
                        let [p, _, min, des] = f;
                        let inverted = matches!((min, des), (Some(a), Some(b)) if a > b);
                        let position = match (p, min, des) {
                            (Some(p), Some(a), Some(b)) if !inverted => Some(if p < a {
                                "below"
                            } else if p > b {
                                "above"
                            } else {
                                "within"
                            }),
                            _ => None,
                        };
                        ItemScores::Zone {
                            msa: Kind::Msa.of_item(&f),
                            mss: Kind::Mss.of_item(&f),
                            zot: Kind::Zot.of_item(&f),
                            position,
                            inverted,
                        }
                    };
                    items.0.push((dim.items[j].code.clone(), scores));
                }
            }
            Some(items)
        }
    };

    let overall = overall_keys(form.format).iter().map(|&k| (k, row.overall(k))).collect();
    let codes: Vec<&str> = form.dimensions().map(|d| d.code.as_str()).collect();
    let recovery = (form.instrument.id == "e-s-qual").then(|| answers.recovery.as_ref().map(|r| recovery_scores(r)));
    let o = &answers.outcomes;
    let outcomes = (o.value.is_some() || o.loyalty.is_some()).then(|| {
        let mean = |xs: Option<&[Option<i16>]>| {
            xs.and_then(|xs| half_rule_mean(xs.len(), xs.iter().flatten().map(|&x| f64::from(x))))
        };
        [("value", mean(o.value.as_ref().map(|v| &v[..]))), ("loyalty", mean(o.loyalty.as_ref().map(|v| &v[..])))]
            .into_iter()
            .collect()
    });
    Scores {
        dimensions,
        items,
        overall,
        class: row.class,
        weakest: row.weakest.map(|i| codes[i].to_string()),
        nps_category: nps_category(o.nps),
        recovery,
        outcomes,
    }
}

/// E-RecS-QUAL dimension scores and their overall mean (§2.5).
fn recovery_scores(answers: &[Option<i16>]) -> RecoveryScores {
    let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
    let form = Form::new(Arc::new(recs), Format::Perception);
    let mut row = RowScores::default();
    score_row(&form, |i, f| if f == Field::P { answers.get(i).copied().flatten() } else { None }, None, &mut row);
    let dimensions = form
        .dimensions()
        .enumerate()
        .map(|(pos, d)| (d.code.clone(), [("p", row.dim(pos, Kind::P))].into_iter().collect()))
        .collect();
    RecoveryScores { dimensions, overall: [("p", row.p)].into_iter().collect() }
}

/// True when an `instrument` object defines a custom instrument (its `dimensions` hold objects)
/// rather than naming one (`{id, format, dimensions: ["EFF", ...]}`).
fn is_custom<J: Json>(instrument: &J) -> bool {
    let members = instrument.members().unwrap_or_default();
    let dims = members.iter().find(|(k, _)| *k == "dimensions").and_then(|(_, d)| d.elements());
    dims.is_some_and(|d| d.iter().any(|d| d.kind() == JsonKind::Object))
}

/// The JS `score(input)`: a payload-shaped value (instrument ref or custom instrument object,
/// format, scale?, answers, recovery?, weights?, outcomes?; other payload keys ignored) is
/// validated and scored.
pub fn score_value(input: serde_json::Value, registry: &Registry) -> Result<Scores, Error> {
    score_input(&&input, registry)
}

/// [`score_value`] on any JSON view (the wasm crate passes the JS value itself).
pub fn score_input(input: &impl crate::json::Source, registry: &Registry) -> Result<Scores, Error> {
    // Taken out of its source first: the readers then walk plain references.
    score_tree(&&input.tree(), registry)
}

/// The top-level keys `score()` accepts: its input's, then the rest of a response payload's.
const SCORE_KEYS: &[&str] = &[
    "instrument",
    "format",
    "dimensions",
    "scale",
    "answers",
    "recovery",
    "weights",
    "outcomes",
    "schema",
    "id",
    "locale",
    "submitted_at",
    "started_at",
    "site",
    "page",
    "meta",
    "scores",
    "sdk",
    "status",
    "step",
];

fn score_tree<J: Json>(input: &J, registry: &Registry) -> Result<Scores, Error> {
    if input.kind() != JsonKind::Object {
        return Err(Error::new(ErrorCode::InvalidType, "", "score() takes an object shaped like a response payload"));
    }
    let root = At::ROOT;
    // The members of a score input, then the other members of a whole payload (read, not
    // used); any other key is an `unknown-field` error naming it, so that a misspelt `answer`
    // cannot score nothing without a word.
    let mut f = Fields::of(input, &root, SCORE_KEYS)?;
    let format = f.opt("format", Format::read)?;
    let dimensions = f.opt("dimensions", read_codes)?;
    let scale = f.opt("scale", Scale::read)?;
    let answers = match f.take("answers") {
        Some(v) => read_answers(&v, &root.key("answers"))?,
        None => Keyed::new(),
    };
    let recovery = f.opt("recovery", read_answers)?;
    let weights = f.opt("weights", read_weights)?;
    let outcomes = f.opt("outcomes", Outcomes::read)?;
    let instrument = f.need("instrument")?;
    let at = root.key("instrument");
    let with_dimensions = |instrument: Arc<Instrument>, format: Format| match &dimensions {
        Some(codes) => Form::with_dimensions(instrument, format, codes, "dimensions"),
        None => Ok(Form::new(instrument, format)),
    };
    let form = match instrument.kind() {
        JsonKind::String => {
            let id = read_string(&instrument, &at)?;
            let instrument = registry.require(&id, "instrument")?;
            let format = format.unwrap_or(instrument.default_format);
            with_dimensions(instrument, format)?
        }
        JsonKind::Object if is_custom(&instrument) => {
            let instrument = Instrument::read(&instrument, &at)?;
            let format = format.unwrap_or(instrument.default_format);
            with_dimensions(Arc::new(instrument), format)?
        }
        JsonKind::Object => {
            let fallback = |id: &str| format.or_else(|| registry.get(id).map(|i| i.default_format));
            let r = InstrumentRef::read(&instrument, &at, fallback)?;
            form_of(&r, registry)?
        }
        _ => {
            return Err(
                at.error(ErrorCode::InvalidType, "instrument is an id, {id, format}, or a custom instrument object")
            )
        }
    };
    if let Some(scale) = scale {
        let want = form.scale();
        if scale != want {
            return Err(Error::new(
                ErrorCode::WrongScale,
                "scale",
                cat!(
                    form.instrument.id,
                    " in ",
                    form.format.as_str(),
                    " format is on ",
                    int(want.min.into()),
                    "-",
                    int(want.max.into()),
                    ", not ",
                    int(scale.min.into()),
                    "-",
                    int(scale.max.into())
                ),
            ));
        }
    }
    let parts = ScoreParts {
        form,
        answers: &answers,
        recovery: recovery.as_ref(),
        weights: weights.as_ref(),
        outcomes: outcomes.as_ref(),
    };
    let answers = answers_of(&parts)?;
    Ok(score(&parts.form, &answers))
}
