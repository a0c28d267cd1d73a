//! The questionnaire as the respondent walks it, without a page: its steps, what each step
//! asks, what is still missing, the weights total and the answers in the core's shape.
//!
//! The widget keeps one [`Questionnaire`] and draws it; everything here is decided from the
//! config and the answers so far, so it is tested natively (`core/tests/questionnaire.rs`).

use crate::config::{Config, Outcome};
use crate::instrument::{Dimension, Field, Format, Instrument};
use crate::keyed::Keyed;
use crate::payload::{Answers, LOYALTY_ITEMS, VALUE_ITEMS};
use crate::text::int;

/// One radio answer: a point of the scale or N/A.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    N(i16),
    Na,
}

/// A step of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A dimension of the form (index into the instrument's dimensions).
    Dim(usize),
    /// "Did you have a problem, a return or a question?"
    Screen,
    /// An E-RecS-QUAL dimension.
    Rec(usize),
    Outcomes,
    Weights,
}

impl Step {
    /// Its name in a partial response's `step`: the dimension's code, or `screen`, `recovery`,
    /// `outcomes`, `weights` (`payload::STEP_NAMES`).
    pub fn name(self, cfg: &Config) -> &str {
        match self {
            Step::Dim(d) => &cfg.form.instrument.dimensions[d].code,
            Step::Screen => "screen",
            Step::Rec(_) => "recovery",
            Step::Outcomes => "outcomes",
            Step::Weights => "weights",
        }
    }
}

/// The name of the screening question's group; `1` is yes, `0` no.
pub const SCREEN: &str = "screen";
/// The error name of a weights step whose points do not total 100.
pub const WEIGHTS: &str = "weights";

/// Where the respondent is and what they answered so far.
#[derive(Debug, Clone, Default)]
pub struct Questionnaire {
    /// Index into [`Questionnaire::steps`].
    pub step: usize,
    /// Radio groups and numbers by group name (`SQ1.p`, `nps`, `w.EFF`, `screen`).
    pub answers: Keyed<Val>,
    pub comment: String,
    /// Group names missing on the current step, or [`WEIGHTS`].
    pub errors: Vec<String>,
}

/// What the Next (or Submit) button led to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// The current step is not complete: `errors` says what is missing.
    Missing,
    /// On to the next step.
    Moved,
    /// The last step is complete: time to submit.
    Submit,
}

/// The recovery instrument (E-RecS-QUAL), asked after a yes to the screening question.
pub fn recovery() -> Option<Instrument> {
    Instrument::builtin("e-recs-qual")
}

/// The group name of an item's field: `SQ1.p`.
pub fn key(code: &str, field: Field) -> String {
    let mut k = String::from(code);
    k.push('.');
    k.push_str(field.as_str());
    k
}

/// The group name of a dimension's weight: `w.EFF`.
pub fn weight_key(code: &str) -> String {
    let mut k = String::from("w.");
    k.push_str(code);
    k
}

/// The group name of a numbered outcome item: `value.2`.
pub fn numbered(name: &str, i: usize) -> String {
    let mut k = String::from(name);
    k.push('.');
    k.push_str(&int(i as i64));
    k
}

/// The order the fields are asked in: expectation before perception, minimum and desired
/// before perceived (the order of the format's prompt).
pub fn fields_in_order(format: Format) -> &'static [Field] {
    match format {
        Format::Perception => &[Field::P],
        Format::Gap => &[Field::E, Field::P],
        Format::Zone => &[Field::Min, Field::Des, Field::P],
    }
}

impl Questionnaire {
    /// The answer of group `name`.
    #[inline]
    pub fn get(&self, name: &str) -> Option<Val> {
        self.answers.get(name).copied()
    }

    /// Whether the screening question was answered yes.
    #[inline]
    pub fn screened_in(&self) -> bool {
        self.get(SCREEN) == Some(Val::N(1))
    }

    /// The steps as the answers so far make them: the form's dimensions, then (with recovery)
    /// the screening question and, after a yes, the recovery dimensions, the outcomes, the
    /// weights.
    pub fn steps(&self, cfg: &Config) -> Vec<Step> {
        let mut steps: Vec<Step> = cfg.form.active.iter().map(|&d| Step::Dim(d)).collect();
        if cfg.recovery {
            steps.push(Step::Screen);
            if self.screened_in() {
                steps.extend((0..3).map(Step::Rec));
            }
        }
        if !cfg.outcomes.is_empty() {
            steps.push(Step::Outcomes);
        }
        if cfg.weights {
            steps.push(Step::Weights);
        }
        steps
    }

    /// The step shown now (`None` past the end).
    pub fn current(&self, cfg: &Config) -> Option<Step> {
        self.steps(cfg).get(self.step).copied()
    }

    /// Whether the current step is the last (its button says Submit).
    #[inline]
    pub fn is_last(&self, cfg: &Config) -> bool {
        self.step + 1 >= self.steps(cfg).len()
    }

    /// Whether the number of steps is known: with recovery, not until the screening question
    /// is answered (a yes adds three steps).
    #[inline]
    pub fn total_known(&self, cfg: &Config) -> bool {
        !cfg.recovery || self.get(SCREEN).is_some()
    }

    /// The step counter: the current step (from 1) and the number of steps so far.
    #[inline]
    pub fn progress(&self, cfg: &Config) -> (usize, usize) {
        let total = self.steps(cfg).len();
        ((self.step + 1).min(total), total)
    }

    /// The points given to the dimensions (unanswered ones count 0).
    pub fn weights_total(&self, cfg: &Config) -> i32 {
        cfg.form
            .dimensions()
            .map(|d| match self.get(&weight_key(&d.code)) {
                Some(Val::N(x)) => i32::from(x),
                _ => 0,
            })
            .sum()
    }

    /// What is still missing on `step`: group names, or [`WEIGHTS`] when the points do not
    /// total 100 (nothing allocated at all is allowed: the question is optional).
    pub fn missing(&self, cfg: &Config, step: Step) -> Vec<String> {
        if step == Step::Weights {
            let total = self.weights_total(cfg);
            return if total == 0 || total == 100 { Vec::new() } else { vec![WEIGHTS.to_string()] };
        }
        required(cfg, step).into_iter().filter(|k| self.answers.get(k).is_none()).collect()
    }

    /// Next (or Submit) pressed: records what is missing on the current step in `errors`, and
    /// moves on when nothing is.
    pub fn next(&mut self, cfg: &Config) -> Next {
        let steps = self.steps(cfg);
        let Some(&step) = steps.get(self.step) else { return Next::Missing };
        self.errors = self.missing(cfg, step);
        if !self.errors.is_empty() {
            Next::Missing
        } else if self.step + 1 >= steps.len() {
            Next::Submit
        } else {
            self.step += 1;
            Next::Moved
        }
    }

    /// Back pressed: the previous step, with no errors shown.
    #[inline]
    pub fn back(&mut self) {
        self.step = self.step.saturating_sub(1);
        self.errors.clear();
    }

    /// A radio group answered: its answer is kept and its error goes.
    pub fn answer(&mut self, name: &str, val: Val) {
        self.answers.insert(name, val);
        self.errors.retain(|e| e != name);
    }

    /// A number typed into (or cleared from, `None`) the input of group `name`; numbers are
    /// held to 0..=100.
    pub fn number(&mut self, name: &str, n: Option<i16>) {
        match n {
            Some(n) => self.answers.insert(name, Val::N(n.clamp(0, 100))),
            None => self.answers.0.retain(|(k, _)| k != name),
        }
    }

    /// The respondent's answers in the core's shape: N/A and unanswered are both `None`; the
    /// recovery answers only after a yes, the weights only when they total 100, a comment only
    /// when it is not blank.
    pub fn answers(&self, cfg: &Config) -> Answers {
        let form = &cfg.form;
        let num = |k: &str| match self.get(k) {
            Some(Val::N(x)) => Some(x),
            _ => None,
        };
        let mut a = Answers::empty(form.instrument.item_count());
        for (i, item) in form.instrument.items().enumerate() {
            for &f in form.format.fields() {
                a.items[i][f.index()] = num(&key(&item.code, f));
            }
        }
        if cfg.recovery && self.screened_in() {
            a.recovery = recovery().map(|r| r.items().map(|i| num(&key(&i.code, Field::P))).collect());
        }
        if cfg.weights && self.weights_total(cfg) == 100 {
            a.weights = Some(form.dimensions().map(|d| f64::from(num(&weight_key(&d.code)).unwrap_or(0))).collect());
        }
        let o = &mut a.outcomes;
        o.nps = num("nps");
        o.csat = num("csat");
        o.ces = num("ces");
        o.satisfaction = num("satisfaction");
        let mut value = [None; VALUE_ITEMS];
        for (i, v) in value.iter_mut().enumerate() {
            *v = num(&numbered("value", i + 1));
        }
        o.value = cfg.outcomes.contains(&Outcome::Value).then_some(value);
        let mut loyalty = [None; LOYALTY_ITEMS];
        for (i, v) in loyalty.iter_mut().enumerate() {
            *v = num(&numbered("loyalty", i + 1));
        }
        o.loyalty = cfg.outcomes.contains(&Outcome::Loyalty).then_some(loyalty);
        o.comment = (!self.comment.trim().is_empty()).then(|| self.comment.clone());
        a
    }
}

/// The dimension a `Dim` or `Rec` step shows (`recovery` is [`recovery()`]); `None` for the
/// other steps.
pub fn dimension<'a>(cfg: &'a Config, recovery: &'a Instrument, step: Step) -> Option<&'a Dimension> {
    match step {
        Step::Dim(d) => cfg.form.instrument.dimensions.get(d),
        Step::Rec(d) => recovery.dimensions.get(d),
        _ => None,
    }
}

/// The radio groups a step requires, in the order they are shown: each item's fields in the
/// format's order, the recovery items' perceptions, the screening question. Outcomes are
/// optional and the weights are checked by their total.
pub fn required(cfg: &Config, step: Step) -> Vec<String> {
    let recovery_instrument;
    let (dim, fields) = match step {
        Step::Dim(d) => (cfg.form.instrument.dimensions.get(d), fields_in_order(cfg.form.format)),
        Step::Rec(d) => {
            recovery_instrument = recovery();
            (recovery_instrument.as_ref().and_then(|r| r.dimensions.get(d)), fields_in_order(Format::Perception))
        }
        Step::Screen => return vec![SCREEN.to_string()],
        Step::Outcomes | Step::Weights => return Vec::new(),
    };
    let mut out = Vec::new();
    for item in dim.map_or(&[][..], |d| &d.items) {
        for &f in fields {
            out.push(key(&item.code, f));
        }
    }
    out
}
