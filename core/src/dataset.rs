//! Many respondents of one form, stored column-wise as small integers with a missing marker,
//! and the wide-CSV column model (INTERFACES.md "Wide CSV"). STUB: signatures fixed.

use crate::error::Error;
use crate::instrument::{Field, Form};
use crate::payload::{Answers, Response};

/// The marker of a missing answer in a column.
pub const MISSING: i16 = i16::MIN;

/// One wide-CSV column, resolved against a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `id`
    Id,
    /// `EFF1`, `EFF1.p`, `EFF1.e`, `EFF1.min`, `EFF1.des` (flat item index)
    Item { item: usize, field: Field },
    /// `recovery.RES1` (flat index in `e-recs-qual`)
    Recovery { item: usize },
    /// `weight.EFF` (position of the dimension in D)
    Weight { dim: usize },
    Nps,
    Csat,
    Ces,
    Satisfaction,
    /// `value1`..`value4` (0-based)
    Value(usize),
    /// `loyalty1`..`loyalty5` (0-based)
    Loyalty(usize),
    /// `submitted_at`
    SubmittedAt,
}

impl Column {
    /// Resolves a header name; an unknown column (or a field the format lacks) is an error
    /// whose field is the header.
    pub fn parse(header: &str, form: &Form) -> Result<Column, Error> {
        let _ = (header, form);
        todo!()
    }
}

/// A reusable buffer for one wide-CSV row.
#[derive(Debug, Clone)]
pub struct WideRow {
    pub id: Option<String>,
    pub submitted_at: Option<String>,
    pub answers: Answers,
}

impl WideRow {
    pub fn new(form: &Form) -> WideRow {
        let _ = form;
        todo!()
    }

    /// Empties the buffer for the next row.
    pub fn clear(&mut self) {
        todo!()
    }

    /// Sets one cell: empty or `NA` is missing; otherwise an integer on the column's scale.
    /// The error's field is the column header.
    pub fn set(&mut self, form: &Form, column: Column, header: &str, cell: &str) -> Result<(), Error> {
        let _ = (form, column, header, cell);
        todo!()
    }

    /// Row-level checks once every cell is set (weights all or none, ...).
    pub fn finish(&mut self, form: &Form) -> Result<(), Error> {
        let _ = form;
        todo!()
    }
}

/// Respondents of one form, column-wise.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub form: Form,
}

impl Dataset {
    pub fn new(form: Form) -> Dataset {
        Dataset { form }
    }

    /// Number of respondents kept.
    pub fn len(&self) -> usize {
        todo!()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a respondent; a repeated `id` is ignored (first one wins) and gives `false`.
    pub fn push(&mut self, id: Option<&str>, submitted_at: Option<&str>, answers: &Answers) -> bool {
        let _ = (id, submitted_at, answers);
        todo!()
    }

    /// Adds a validated payload; one for another instrument, format or dimension set is a
    /// `wrong-form` error.
    pub fn push_response(&mut self, response: &Response) -> Result<bool, Error> {
        let _ = response;
        todo!()
    }
}
