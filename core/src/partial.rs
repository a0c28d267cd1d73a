//! Where a partial response stopped: the step of the questionnaire a visitor left on, read from
//! the answers the partial payload carries (the collector's drop-off per step).

use crate::instrument::{Field, Form};
use crate::payload::{Answer, Outcomes, Payload};

/// A step of the questionnaire as the drop-off counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A dimension of the form, by code: none of its items is answered.
    Dimension(String),
    /// The screening question before the recovery scale (named by the payload's `step` only).
    Screen,
    /// The recovery scale (E-RecS-QUAL) was administered and none of its items is answered.
    Recovery,
    /// Outcome questions were asked and none is answered.
    Outcomes,
    /// The payload has no weights.
    Weights,
}

impl Stop {
    /// Its name: the dimension code, or `recovery`, `outcomes`, `weights`.
    pub fn name(&self) -> &str {
        match self {
            Stop::Dimension(code) => code,
            Stop::Screen => "screen",
            Stop::Recovery => "recovery",
            Stop::Outcomes => "outcomes",
            Stop::Weights => "weights",
        }
    }
}

/// Whether any field of an item's answer is given.
fn answered(a: &Answer) -> bool {
    Field::ALL.iter().any(|&f| match f {
        Field::P => a.p.is_some(),
        Field::E => a.e.is_some(),
        Field::Min => a.min.is_some(),
        Field::Des => a.des.is_some(),
    })
}

/// Whether any outcome question is answered (a comment of spaces only is not an answer).
fn any_outcome(o: &Outcomes) -> bool {
    let list = |l: &Option<Vec<Option<f64>>>| l.as_ref().is_some_and(|l| l.iter().any(Option::is_some));
    o.nps.is_some()
        || o.csat.is_some()
        || o.ces.is_some()
        || o.satisfaction.is_some()
        || list(&o.value)
        || list(&o.loyalty)
        || o.comment.as_deref().is_some_and(crate::payload::is_comment)
}

/// The step a partial payload of `form` stopped at: the one its `step` names (the widget writes
/// the step shown as the visitor left; [`Payload::validate`] checks the name). A payload without
/// `step` (another sender) is read in the widget's step order: the first dimension of the form
/// (in form order) none of whose items is answered; else the recovery scale when it is there
/// with nothing answered, the outcomes when they are there with nothing answered, the weights
/// when they are absent. `None` when such a payload shows no step missing.
///
/// Read from the answers, a payload cannot say what its deployment did not ask: without
/// recovery or outcome questions those steps are never named, and on a deployment without
/// weights a partial that reached the last step is counted at `weights`.
pub fn stopped_at(payload: &Payload, form: &Form) -> Option<Stop> {
    if let Some(step) = &payload.step {
        return Some(match step.as_str() {
            "screen" => Stop::Screen,
            "recovery" => Stop::Recovery,
            "outcomes" => Stop::Outcomes,
            "weights" => Stop::Weights,
            code => Stop::Dimension(code.to_string()),
        });
    }
    for &d in &form.active {
        let dim = &form.instrument.dimensions[d];
        if !dim.items.iter().any(|item| payload.answers.get(&item.code).is_some_and(answered)) {
            return Some(Stop::Dimension(dim.code.clone()));
        }
    }
    if payload.recovery.as_ref().is_some_and(|r| !r.iter().any(|(_, a)| answered(a))) {
        return Some(Stop::Recovery);
    }
    if payload.outcomes.as_ref().is_some_and(|o| !any_outcome(o)) {
        return Some(Stop::Outcomes);
    }
    if payload.weights.is_none() {
        return Some(Stop::Weights);
    }
    None
}
