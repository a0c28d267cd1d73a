//! Kano categories, Better / Worse and Fong's test against `kano_5resp.csv` and its reference
//! numbers in `servqual_5resp.extra.json`, plus the whole category table.

use crate::common;

use common::{assert_matches, json, read};
use eservqual_core::kano::{category, feature, Answer, Category};
use serde_json::json;

fn pairs() -> Vec<(Answer, Answer)> {
    read("kano_5resp.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split(',').collect();
            let at = |j: usize| Answer::parse(cells[j], &format!("line {}", i + 2)).expect("a Kano answer");
            (at(1), at(2))
        })
        .collect()
}

#[test]
fn the_five_respondents_match_the_vector() {
    let expected = &json("servqual_5resp.extra.json")["kano"];
    let pairs = pairs();
    let categories: Vec<Category> = pairs.iter().map(|&(f, d)| category(f, d)).collect();
    assert_eq!(serde_json::to_value(&categories).unwrap(), expected["categories"]);
    let actual = serde_json::to_value(feature(pairs)).unwrap();
    assert_matches(
        &actual,
        &json!({
            "n": expected["n"], "counts": expected["counts"], "category": expected["category"],
            "better": expected["better"], "worse": expected["worse"],
            "fong_threshold": expected["fong_threshold"], "fong_significant": expected["fong_significant"],
        }),
    );
}

#[test]
fn the_category_table() {
    use Answer::*;
    let answers = [Like, MustBe, Neutral, LiveWith, Dislike];
    let table = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"];
    for (f, row) in answers.iter().zip(table) {
        for (d, want) in answers.iter().zip(row.chars()) {
            let got = serde_json::to_value(category(*f, *d)).unwrap();
            assert_eq!(got, want.to_string(), "{f:?} / {d:?}");
        }
    }
}

#[test]
fn ties_follow_m_o_a_i_r_q_and_empty_is_null() {
    use Answer::*;
    // One must-be (neutral/dislike) and one one-dimensional (like/dislike): M wins the tie.
    let f = feature([(Neutral, Dislike), (Like, Dislike)]);
    assert_eq!(f.category, Some(Category::M));
    assert_eq!(f.worse, Some(-1.0));
    let f = feature([(Dislike, Like)]);
    assert_eq!((f.better, f.worse), (None, None), "only a reverse answer: no denominator");
    let f = feature([]);
    assert_eq!((f.n, f.category, f.fong_significant), (0, None, None));
    assert!(Answer::parse("love", "functional").is_err());
}
