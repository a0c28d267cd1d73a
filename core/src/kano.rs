//! Kano feature questions (docs/scoring.md §3.8, an analyst option outside the report contract):
//! the category of each answer pair, the feature's category, Better / Worse and Fong's test.

use crate::error::{Error, ErrorCode};
use serde::Serialize;

/// One answer to a functional or dysfunctional question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Like,
    MustBe,
    Neutral,
    LiveWith,
    Dislike,
}

impl Answer {
    /// `like`, `must-be`, `neutral`, `live-with`, `dislike`; anything else is an error naming
    /// `field`.
    pub fn parse(text: &str, field: &str) -> Result<Answer, Error> {
        match text.trim() {
            "like" => Ok(Answer::Like),
            "must-be" => Ok(Answer::MustBe),
            "neutral" => Ok(Answer::Neutral),
            "live-with" => Ok(Answer::LiveWith),
            "dislike" => Ok(Answer::Dislike),
            other => Err(Error::new(
                ErrorCode::OutOfRange,
                field,
                format!("'{other}' is not like, must-be, neutral, live-with or dislike"),
            )),
        }
    }
}

/// A Kano category, in the tie order of docs/scoring.md §3.8 (M > O > A > I > R > Q).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Category {
    /// must-be
    M,
    /// one-dimensional
    O,
    /// attractive
    A,
    /// indifferent
    I,
    /// reverse
    R,
    /// questionable
    Q,
}

impl Category {
    /// Every category in tie order.
    pub const ALL: [Category; 6] = [Category::M, Category::O, Category::A, Category::I, Category::R, Category::Q];
}

/// The category of one respondent's pair (Berger et al. 1993).
pub fn category(functional: Answer, dysfunctional: Answer) -> Category {
    use Answer::*;
    match (functional, dysfunctional) {
        (Like, Like) | (Dislike, Dislike) => Category::Q,
        (Like, Dislike) => Category::O,
        (Like, _) => Category::A,
        (Dislike, _) => Category::R,
        (_, Like) => Category::R,
        (_, Dislike) => Category::M,
        _ => Category::I,
    }
}

/// How many respondents fell in each category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub struct Counts {
    pub m: usize,
    pub o: usize,
    pub a: usize,
    pub i: usize,
    pub r: usize,
    pub q: usize,
}

impl Counts {
    pub fn get(&self, c: Category) -> usize {
        match c {
            Category::M => self.m,
            Category::O => self.o,
            Category::A => self.a,
            Category::I => self.i,
            Category::R => self.r,
            Category::Q => self.q,
        }
    }

    fn add(&mut self, c: Category) {
        match c {
            Category::M => self.m += 1,
            Category::O => self.o += 1,
            Category::A => self.a += 1,
            Category::I => self.i += 1,
            Category::R => self.r += 1,
            Category::Q => self.q += 1,
        }
    }
}

/// The result for one feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    pub n: usize,
    pub counts: Counts,
    /// The most frequent category (ties in M > O > A > I > R > Q order); `null` with no answers.
    pub category: Option<Category>,
    /// (A + O) / (A + O + M + I); `null` when that denominator is 0.
    pub better: Option<f64>,
    /// −(O + M) / (A + O + M + I); `null` when that denominator is 0.
    pub worse: Option<f64>,
    /// Fong (1996): 1.65·√((a + b)(2n − a − b)/(2n)) for the two largest counts a ≥ b.
    pub fong_threshold: Option<f64>,
    /// a − b ≥ the threshold.
    pub fong_significant: Option<bool>,
}

/// Summarises the answer pairs of one feature.
pub fn feature(pairs: impl IntoIterator<Item = (Answer, Answer)>) -> Feature {
    let mut counts = Counts::default();
    let mut n = 0;
    for (f, d) in pairs {
        counts.add(category(f, d));
        n += 1;
    }
    if n == 0 {
        return Feature {
            n,
            counts,
            category: None,
            better: None,
            worse: None,
            fong_threshold: None,
            fong_significant: None,
        };
    }
    // Stable sort by count, descending: equal counts keep the tie order.
    let mut ranked = Category::ALL;
    ranked.sort_by_key(|c| std::cmp::Reverse(counts.get(*c)));
    let (a, b) = (counts.get(ranked[0]) as f64, counts.get(ranked[1]) as f64);
    let two_n = 2.0 * n as f64;
    let threshold = 1.65 * ((a + b) * (two_n - a - b) / two_n).sqrt();
    let denominator = (counts.a + counts.o + counts.m + counts.i) as f64;
    let share = |x: usize| (denominator > 0.0).then(|| x as f64 / denominator);
    Feature {
        n,
        counts,
        category: Some(ranked[0]),
        better: share(counts.a + counts.o),
        // 0 − w, so no "−0" is printed when nothing is must-be or one-dimensional.
        worse: share(counts.o + counts.m).map(|w| 0.0 - w),
        fong_threshold: Some(threshold),
        fong_significant: Some(a - b >= threshold),
    }
}
