//! The values that pass between the HTTP layer, the summaries and the backends: a row to store,
//! what an insert did, a stored row as a scan hands it out, which rows to read, and the row
//! columns made from a payload (its dimension set, its `meta` as text).

use eservqual_core::dataset::meta_text;
use eservqual_core::payload::{Response, Status};
use std::sync::Arc;

/// One response to store: the payload text as received plus the columns the report needs.
#[derive(Debug, Clone, Default)]
pub struct NewRow {
    /// The payload id, lower-case: the idempotency key.
    pub id: String,
    pub instrument: String,
    pub format: String,
    /// The dimension set D, codes joined by `,` (always explicit, also when all are given).
    pub dimensions: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ` (fixed width, so text order is time order).
    pub submitted_at: String,
    /// UTC, same form as `submitted_at`.
    pub received_at: String,
    /// The client's `scores` differ from the collector's re-scoring.
    pub scores_mismatch: bool,
    /// The payload has a comment ([`eservqual_core::payload::is_comment`]): the rows the
    /// latest comments are read from.
    pub has_comment: bool,
    /// The request body as received (UTF-8, without a byte-order mark).
    pub payload: String,
    /// The payload's `status`: a partial is stored until a later partial or the complete
    /// response of its id replaces it, and adds nothing to the summaries or the webhooks.
    pub status: Status,
    /// The validated response, added to the summaries when the row is new (`None`: the row
    /// is stored without touching them).
    pub response: Option<Arc<Response>>,
    /// The webhook events announcing this response: written to the outbox in the insert's
    /// transaction, and only when the row is new.
    pub events: Vec<OutboxEvent>,
    /// The payload's `meta` members that have a text form: the segments it is summed under.
    pub meta: Vec<(String, String)>,
}

/// One event for one webhook, as it enters `webhook_outbox`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxEvent {
    /// The `webhook-id`: derived from the event's content, so writing it twice is a no-op.
    pub id: String,
    /// The webhook's URL (the receiver of the event).
    pub webhook: String,
    pub event_type: String,
    /// The body as sent, byte for byte (the signature covers it).
    pub body: String,
    /// UTC, same form as `received_at`; also the first `next_attempt_at`.
    pub created_at: String,
}

/// Which statuses a read takes: complete responses only unless asked (`partial=include`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Statuses {
    #[default]
    Complete,
    Partial,
    /// Complete and partial responses.
    Both,
}

impl Statuses {
    /// The SQL condition on the `status` column; `None` for both.
    pub fn condition(self) -> Option<&'static str> {
        match self {
            Statuses::Complete => Some("status = 'complete'"),
            Statuses::Partial => Some("status = 'partial'"),
            Statuses::Both => None,
        }
    }
}

/// Which stored responses to read; `None` = any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Complete responses only by default.
    pub statuses: Statuses,
    pub instrument: Option<String>,
    pub format: Option<String>,
    pub dimensions: Option<String>,
    /// `submitted_at >= from` (same text form as the column).
    pub from: Option<String>,
    /// `submitted_at < to`.
    pub to: Option<String>,
}

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new response, stored.
    New,
    /// Its id was stored before with the same response (a retry): nothing changed.
    Same,
    /// Its id was stored before with a different response: nothing changed.
    Different,
    /// Its id was stored as a partial response, which it replaced.
    Replaced,
}

impl Stored {
    /// Whether the row was written (new, or in place of a partial).
    pub fn written(self) -> bool {
        matches!(self, Stored::New | Stored::Replaced)
    }
}

/// One stored response as a scan hands it out.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub payload: &'a str,
    pub scores_mismatch: bool,
}

/// The stored dimension-set key of a form: its codes of D joined by `,`.
pub fn dimension_key(form: &eservqual_core::Form) -> String {
    form.dimensions().map(|d| d.code.as_str()).collect::<Vec<_>>().join(",")
}

/// The `meta` members of a payload that have a text form (as the report's segments read them).
pub fn meta_texts(meta: Option<&serde_json::Map<String, serde_json::Value>>) -> Vec<(String, String)> {
    meta.map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), meta_text(v)?))).collect()).unwrap_or_default()
}
