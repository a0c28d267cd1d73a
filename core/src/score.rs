//! Per-respondent scores (SCORING.md §2): dimension scores under the half rule, gaps, zones,
//! weights, recovery, outcomes, satisfaction class, weakest dimension, NPS category, and the
//! `scores` object of §2.9. STUB: signatures fixed, bodies being written.

use crate::error::Error;
use crate::instrument::{Form, Registry};
use crate::payload::Answers;
use indexmap::IndexMap;
use serde::Serialize;

/// The `scores` object (SCORING.md §2.9); keys appear only where the format has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub dimensions: IndexMap<String, IndexMap<&'static str, Option<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<IndexMap<String, IndexMap<&'static str, serde_json::Value>>>,
    pub overall: IndexMap<&'static str, Option<f64>>,
    pub class: Option<&'static str>,
    pub weakest: Option<String>,
    pub nps_category: Option<&'static str>,
    /// Present (possibly `null`) for `e-s-qual` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Option<RecoveryScores>>,
    /// Present only when value or loyalty was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<IndexMap<&'static str, Option<f64>>>,
}

/// E-RecS-QUAL scores of one respondent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryScores {
    pub dimensions: IndexMap<String, IndexMap<&'static str, Option<f64>>>,
    pub overall: IndexMap<&'static str, Option<f64>>,
}

/// Scores one validated respondent.
pub fn score(form: &Form, answers: &Answers) -> Scores {
    let _ = (form, answers);
    todo!()
}

/// The JS `score(input)`: a payload-shaped value (instrument ref or custom instrument object,
/// format, scale?, answers, recovery?, weights?, outcomes?; other payload keys ignored) is
/// validated and scored.
pub fn score_value(input: serde_json::Value, registry: &Registry) -> Result<Scores, Error> {
    let _ = (input, registry);
    todo!()
}
