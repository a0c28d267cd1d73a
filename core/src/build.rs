//! Assembling the payload the widget sends (`eservqual.response/1`) from a respondent's answers,
//! with the client-side scores, and the friendly summary shown after submit. Pure: the id, the
//! times and the page come in as parameters.

use crate::config::{Config, Meta, Outcome, UiLocale};
use crate::instrument::{Field, Form, Format, Instrument, Scale};
use crate::keyed::Keyed;
use crate::payload::{Answer, Answers, InstrumentRef, Outcomes, Payload, Sdk, Status, SCHEMA_ID};
use crate::score::{headline_kind, score, Scores};
use crate::stats::EPS;
use crate::text::fill;

/// The SDK name in every payload.
pub const SDK_NAME: &str = "eservqual";

/// What the browser supplies besides the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// A random UUID v4.
    pub id: String,
    pub locale: String,
    /// RFC 3339 UTC.
    pub started_at: Option<String>,
    pub submitted_at: String,
    /// `location.pathname`.
    pub page: Option<String>,
    pub sdk_version: String,
}

/// A payload ready to send: the payload's members, typed, with the [`Scores`] themselves
/// rather than their JSON (the wasm writes them as JS objects; [`Outgoing::to_payload`] gives
/// the core's [`Payload`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub id: String,
    pub instrument: InstrumentRef,
    pub scale: Scale,
    pub locale: String,
    pub submitted_at: String,
    pub started_at: Option<String>,
    /// The items of the dimension set, each with the format's fields (`None` = N/A).
    pub answers: Keyed<Answer>,
    /// E-RecS-QUAL answers; `None` when not administered (screened out or not configured).
    pub recovery: Option<Keyed<Answer>>,
    pub weights: Option<Keyed<f64>>,
    /// The outcomes asked (unanswered ones `None`), `None` when none were asked.
    pub outcomes: Option<Outcomes>,
    pub site: Option<String>,
    pub page: Option<String>,
    pub meta: Keyed<Meta>,
    pub scores: Scores,
    pub sdk: Sdk,
    /// For the answers of a visitor who left half-way (`"status": "partial"`), the step they left
    /// on ([`crate::questionnaire::Step::name`]); `None` for a complete response.
    pub partial: Option<String>,
}

fn answer(raw: &[Option<i16>; 4], format: Format) -> Answer {
    let get = |f: Field| raw[f.index()].map(f64::from);
    let has = |f: Field| format.fields().contains(&f);
    // A field the format has is always written (null when N/A); others are absent.
    Answer {
        p: get(Field::P),
        e: if has(Field::E) { get(Field::E) } else { None },
        min: if has(Field::Min) { get(Field::Min) } else { None },
        des: if has(Field::Des) { get(Field::Des) } else { None },
    }
}

/// Builds the outgoing payload of one respondent of `config`'s form. `answers` must hold values
/// on the form's scales (the widget offers nothing else); the scores are the core's [`score`].
pub fn build(config: &Config, answers: &Answers, env: Envelope) -> Outgoing {
    let form = &config.form;
    let inst = &form.instrument;
    let mut items = Keyed::new();
    for &d in &form.active {
        let dim = &inst.dimensions[d];
        for (j, i) in form.item_range(d).enumerate() {
            items.0.push((dim.items[j].code.clone(), answer(&answers.items[i], form.format)));
        }
    }
    let recovery = answers.recovery.as_ref().map(|rec| {
        let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
        recs.items()
            .zip(rec)
            .map(|(item, p)| (item.code.clone(), Answer { p: p.map(f64::from), ..Answer::default() }))
            .collect()
    });
    let weights = answers
        .weights
        .as_ref()
        .map(|w| form.dimensions().zip(w).map(|(d, &x)| (d.code.clone(), x)).collect::<Keyed<f64>>());
    let o = &answers.outcomes;
    let outcomes = (!config.outcomes.is_empty()).then(|| {
        let asked = |x: Outcome| config.outcomes.contains(&x);
        let n = |x: Outcome, v: Option<i16>| if asked(x) { v.map(f64::from) } else { None };
        let list = |x: Outcome, v: Option<&[Option<i16>]>, len: usize| {
            asked(x).then(|| v.map_or_else(|| vec![None; len], |v| v.iter().map(|a| a.map(f64::from)).collect()))
        };
        Outcomes {
            nps: n(Outcome::Nps, o.nps),
            csat: n(Outcome::Csat, o.csat),
            ces: n(Outcome::Ces, o.ces),
            satisfaction: n(Outcome::Satisfaction, o.satisfaction),
            value: list(Outcome::Value, o.value.as_ref().map(|v| &v[..]), crate::payload::VALUE_ITEMS),
            loyalty: list(Outcome::Loyalty, o.loyalty.as_ref().map(|v| &v[..]), crate::payload::LOYALTY_ITEMS),
            comment: if asked(Outcome::Comment) { o.comment.clone().filter(|c| !c.trim().is_empty()) } else { None },
        }
    });
    // The scores see exactly what is sent: only the outcomes asked, value and loyalty lists
    // whenever asked, even unanswered.
    let mut scored = answers.clone();
    let asked = |x: Outcome| config.outcomes.contains(&x);
    let so = &mut scored.outcomes;
    let keep = |x: Outcome, v: &mut Option<i16>| {
        if !asked(x) {
            *v = None
        }
    };
    keep(Outcome::Nps, &mut so.nps);
    keep(Outcome::Csat, &mut so.csat);
    keep(Outcome::Ces, &mut so.ces);
    keep(Outcome::Satisfaction, &mut so.satisfaction);
    so.value = asked(Outcome::Value).then(|| so.value.unwrap_or([None; crate::payload::VALUE_ITEMS]));
    so.loyalty = asked(Outcome::Loyalty).then(|| so.loyalty.unwrap_or([None; crate::payload::LOYALTY_ITEMS]));
    so.comment = outcomes.as_ref().and_then(|o| o.comment.clone());
    let scores = score(form, &scored);
    Outgoing {
        id: env.id,
        instrument: InstrumentRef {
            id: inst.id.clone(),
            version: Some(inst.version.clone()),
            format: form.format,
            dimensions: (!form.all_dimensions()).then(|| form.dimensions().map(|d| d.code.clone()).collect()),
        },
        scale: form.scale(),
        locale: env.locale,
        submitted_at: env.submitted_at,
        started_at: env.started_at,
        answers: items,
        recovery,
        weights,
        outcomes,
        site: config.site.clone(),
        page: env.page,
        meta: config.meta.clone(),
        scores,
        sdk: Sdk { name: SDK_NAME.to_string(), version: env.sdk_version },
        partial: None,
    }
}

impl Outgoing {
    /// The core's [`Payload`] of this response (natively: tests, tools).
    pub fn to_payload(&self) -> Payload {
        let meta = (!self.meta.is_empty()).then(|| {
            self.meta
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Meta::Text(s) => serde_json::Value::from(s.clone()),
                        Meta::Number(n) => serde_json::Value::from(*n),
                        Meta::Bool(b) => serde_json::Value::from(*b),
                    };
                    (k.to_string(), v)
                })
                .collect()
        });
        Payload {
            schema: SCHEMA_ID.to_string(),
            id: self.id.clone(),
            status: if self.partial.is_some() { Status::Partial } else { Status::Complete },
            step: self.partial.clone(),
            instrument: self.instrument.clone(),
            scale: self.scale,
            locale: self.locale.clone(),
            submitted_at: self.submitted_at.clone(),
            started_at: self.started_at.clone(),
            answers: self.answers.clone(),
            recovery: self.recovery.clone(),
            weights: self.weights.clone(),
            outcomes: self.outcomes.clone(),
            site: self.site.clone(),
            page: self.page.clone(),
            meta,
            scores: serde_json::to_value(&self.scores).unwrap_or(serde_json::Value::Null),
            sdk: self.sdk.clone(),
        }
    }
}

/// Index in D of the strongest dimension: the first highest, replaced only by one higher by
/// more than ε (the mirror of the weakest, docs/scoring.md §2.8).
pub fn strongest_of(scores: impl Iterator<Item = Option<f64>>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in scores.enumerate() {
        let Some(s) = s else { continue };
        match best {
            Some((_, b)) if s <= b + EPS => {}
            _ => best = Some((i, s)),
        }
    }
    best.map(|(i, _)| i)
}

/// The friendly summary after submit: the class in words (in perception format "above / below
/// the middle of the scale"), the strongest and the weakest dimension by name. Lines are left
/// out where the scores do not say (too few answers; one dimension only for strongest/weakest).
pub fn summary(config: &Config, locale: &UiLocale, scores: &Scores) -> Vec<String> {
    let form: &Form = &config.form;
    let mut out = Vec::new();
    if let Some(class) = scores.class {
        out.push(config.text(
            locale,
            &fill("summary.class.{format}.{class}", &[("format", form.format.as_str()), ("class", class)]),
        ));
    }
    let kind = headline_kind(form.format).as_str();
    let values: Vec<Option<f64>> = scores.dimensions.iter().map(|(_, m)| m.get(kind).copied().flatten()).collect();
    let name = |code: &str| config.text(locale, &fill("dimension.{code}", &[("code", code)]));
    let codes: Vec<&str> = scores.dimensions.keys().map(String::as_str).collect();
    if values.iter().flatten().count() >= 2 {
        let strongest = strongest_of(values.iter().copied());
        let weakest = scores.weakest.as_deref();
        if let (Some(s), Some(w)) = (strongest, weakest) {
            if codes[s] != w {
                out.push(fill(&config.text(locale, "summary.strongest"), &[("dimension", &name(codes[s]))]));
                out.push(fill(&config.text(locale, "summary.weakest"), &[("dimension", &name(w))]));
            }
        }
    }
    out
}
