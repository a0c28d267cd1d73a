//! The aggregate report (SCORING.md §3, INTERFACES.md "Aggregate report JSON"). STUB.

use crate::dataset::Dataset;
use crate::instrument::Format;
use crate::stats::{Alpha, Ces, Csat, Nps, Stats};
use indexmap::IndexMap;
use serde::Serialize;

/// The aggregate report; optional keys are skipped when the data lacks them.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub instrument: String,
    pub format: Format,
    pub responses: usize,
    pub dimensions: IndexMap<String, DimensionReport>,
    /// Keys: p, p_weighted (+ gap, gap_weighted in gap; msa, mss in zone).
    pub overall: IndexMap<&'static str, Stats>,
    pub nps: Nps,
    pub csat: Csat,
    /// The aggregate weakest dimension (SCORING.md §3.10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weakest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<IndexMap<String, DimensionReport>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ces: Option<Ces>,
}

/// One dimension: stats per kind (`p`, `e`, `gap`, `msa`, `mss`, `min`, `des`, `zot`), alpha,
/// and items.
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
}

/// Computes the report of a dataset.
pub fn report(ds: &Dataset) -> Report {
    let _ = ds;
    todo!()
}
