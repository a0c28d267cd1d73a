//! A half-finished questionnaire kept in the visitor's storage (`resumeHours`), so that a
//! reload, another page of the site or another tab continues it: the id the response will be
//! sent under, the step, when it was started, and each answer with the time it was given. Two
//! tabs writing one draft lose nothing: every write merges, and the last answer per item wins.
//!
//! Stored as text, one record per line (a comment, which may hold newlines, comes last):
//!
//! ```text
//! 1 SAVED_MS STEP ID STARTED_AT|-
//! a TIME NAME VALUE|na|-        (an answer; `-`: a number cleared)
//! c TIME COMMENT…               (to the end of the text)
//! ```

use crate::questionnaire::{Questionnaire, Val};
use crate::text::int;

/// The prefix of the drafts' storage keys: `eservqual.draft.SITE.INSTRUMENT`.
pub const PREFIX: &str = "eservqual.draft.";

/// The storage key of the draft of `instrument` on `site` (no site: the empty name).
pub fn key(site: Option<&str>, instrument: &str) -> String {
    let mut k = String::from(PREFIX);
    k.push_str(site.unwrap_or(""));
    k.push('.');
    k.push_str(instrument);
    k
}

/// Whole milliseconds as written (an integer parser: a float parser would add ~18 KB of wasm).
fn ms(text: &str) -> Option<f64> {
    crate::text::integer(text).filter(|n| *n >= 0).map(|n| n as f64)
}

/// A saved questionnaire in progress.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// The id the response will be sent under.
    pub id: String,
    /// When it was last written (ms since the epoch): with `resumeHours`, when it expires.
    pub saved_ms: f64,
    pub step: usize,
    pub started_at: Option<String>,
    /// Group name, answer (`None`: a number cleared), time given (ms since the epoch).
    pub answers: Vec<(String, Option<Val>, f64)>,
    /// The comment and when it was last typed.
    pub comment: Option<(String, f64)>,
}

impl Draft {
    /// Reads a stored draft; `None` for anything that is not one (another version, damage).
    pub fn read(text: &str) -> Option<Draft> {
        let (head, mut rest) = text.split_once('\n').unwrap_or((text, ""));
        let mut h = head.split(' ');
        if h.next()? != "1" {
            return None;
        }
        let saved_ms = ms(h.next()?)?;
        let step = ms(h.next()?)? as usize;
        let id = h.next().filter(|s| !s.is_empty())?.to_string();
        let started_at = h.next().filter(|s| *s != "-").map(str::to_string);
        let mut d = Draft { id, saved_ms, step, started_at, ..Draft::default() };
        while !rest.is_empty() {
            let (kind, after) = rest.split_once(' ')?;
            let (time, after) = after.split_once(' ')?;
            let time = ms(time)?;
            // The comment is last and may hold anything, newlines included.
            if kind == "c" {
                d.comment = Some((after.to_string(), time));
                break;
            }
            let (line, next) = after.split_once('\n').unwrap_or((after, ""));
            let (name, value) = line.split_once(' ')?;
            let value = match value {
                "na" => Some(Val::Na),
                "-" => None,
                // Scales lie within -100..=100, and so do the weights' points.
                n => Some(Val::N(crate::text::integer(n)?.clamp(-100, 100) as i16)),
            };
            d.answers.push((name.to_string(), value, time));
            rest = next;
        }
        Some(d)
    }

    /// The stored text.
    pub fn write(&self) -> String {
        let mut out = String::from("1");
        for part in
            [&int(self.saved_ms as i64), &int(self.step as i64), &self.id, self.started_at.as_deref().unwrap_or("-")]
        {
            out.push(' ');
            out.push_str(part);
        }
        for (name, value, time) in &self.answers {
            let value = match value {
                Some(Val::N(n)) => int(i64::from(*n)),
                Some(Val::Na) => "na".into(),
                None => "-".into(),
            };
            for part in ["\na ", &int(*time as i64), " ", name, " ", &value] {
                out.push_str(part);
            }
        }
        if let Some((text, time)) = &self.comment {
            for part in ["\nc ", &int(*time as i64), " ", text] {
                out.push_str(part);
            }
        }
        out
    }

    /// Whether it is older than `hours` at `now_ms`.
    pub fn expired(&self, now_ms: f64, hours: f64) -> bool {
        now_ms - self.saved_ms >= hours * 3_600_000.0
    }

    /// Records an answer given at `time`, unless a later one of the same group is kept.
    pub fn answer(&mut self, name: &str, value: Option<Val>, time: f64) {
        match self.answers.iter_mut().find(|(n, _, _)| n == name) {
            Some(a) if a.2 <= time => (a.1, a.2) = (value, time),
            Some(_) => {}
            None => self.answers.push((name.to_string(), value, time)),
        }
    }

    /// Records the comment typed at `time`, unless a later one is kept.
    pub fn comment(&mut self, text: &str, time: f64) {
        if self.comment.as_ref().is_none_or(|c| c.1 <= time) {
            self.comment = Some((text.to_string(), time));
        }
    }

    /// Continues `q` from the draft: its answers and comment, at the draft's step or at the
    /// first earlier step that still misses an answer (never past the last step).
    pub fn resume(&self, q: &mut Questionnaire, cfg: &crate::config::Config) {
        for (name, value, _) in &self.answers {
            match value {
                Some(v) => q.answers.insert(name.as_str(), *v),
                None => q.answers.0.retain(|(k, _)| k != name),
            }
        }
        if let Some((text, _)) = &self.comment {
            q.comment = text.clone();
        }
        let steps = q.steps(cfg);
        let upto = self.step.min(steps.len().saturating_sub(1));
        q.step = steps.iter().take(upto).position(|&s| !q.missing(cfg, s).is_empty()).unwrap_or(upto);
        q.errors.clear();
    }
}
