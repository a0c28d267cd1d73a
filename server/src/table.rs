//! `report --output table`: the aggregate report as a table for a person (dimension, n, mean,
//! 95% interval, alpha, gap; the weakest dimension marked, small samples flagged).

use eservqual_core::report::{DimensionReport, Report};
use eservqual_core::stats::Stats;
use eservqual_core::Format;
use indexmap::IndexMap;
use std::fmt::Write;

/// Below this n a number is indicative only (docs/scoring.md §4).
const SMALL_N: usize = 30;

/// The score kinds shown per format, with their column titles.
fn columns(format: Format) -> &'static [(&'static str, &'static str)] {
    match format {
        Format::Perception => &[("p", "perception")],
        Format::Gap => &[("p", "perception"), ("e", "expectation"), ("gap", "gap (P - E)")],
        Format::Zone => &[("p", "perception"), ("msa", "adequacy (P - min)"), ("mss", "superiority (P - des)")],
    }
}

fn num(x: Option<f64>, places: usize) -> String {
    match x {
        Some(x) => format!("{x:.places$}"),
        None => "-".to_string(),
    }
}

/// `mean [lo, hi]`, or what exists of it.
fn mean_ci(s: Option<&Stats>) -> String {
    let Some(s) = s else { return "-".to_string() };
    match (s.mean, s.ci95) {
        (Some(m), Some([lo, hi])) => format!("{m:.2} [{lo:.2}, {hi:.2}]"),
        (Some(m), None) => format!("{m:.2}"),
        _ => "-".to_string(),
    }
}

/// Lays out rows of cells in left-aligned columns two spaces apart.
fn grid(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; width];
    for row in rows {
        for (j, cell) in row.iter().enumerate() {
            widths[j] = widths[j].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if j + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[j] - cell.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One block of dimension rows (the instrument's, or E-RecS-QUAL's).
fn dimension_rows(
    format: Format,
    dims: &IndexMap<String, DimensionReport>,
    overall: Option<&IndexMap<&'static str, Stats>>,
    weakest: Option<&str>,
) -> Vec<Vec<String>> {
    let cols = columns(format);
    let mut header = vec!["dimension".to_string(), "n".to_string()];
    header.extend(cols.iter().map(|(_, title)| format!("{title} mean [95% CI]")));
    header.push("alpha (n)".to_string());
    header.push(String::new());
    let mut rows = vec![header];
    for (code, d) in dims {
        let n = d.stats.get("p").map_or(0, |s| s.n);
        let mut row = vec![code.clone(), n.to_string()];
        row.extend(cols.iter().map(|(k, _)| mean_ci(d.stats.get(k))));
        row.push(match d.alpha.get("p") {
            Some(a) => format!("{} ({})", num(a.raw, 2), a.n),
            None => "-".to_string(),
        });
        let mut notes = Vec::new();
        if weakest == Some(code.as_str()) {
            notes.push("<- weakest: fix first".to_string());
        }
        if let Some(a) = d.alpha.get("p").and_then(|a| a.raw) {
            if a < 0.7 {
                notes.push("alpha < 0.7".to_string());
            }
        }
        row.push(notes.join("; "));
        rows.push(row);
    }
    if let Some(overall) = overall {
        let n = overall.get("p").map_or(0, |s| s.n);
        let mut row = vec!["overall".to_string(), n.to_string()];
        row.extend(cols.iter().map(|(k, _)| mean_ci(overall.get(k))));
        row.push(String::new());
        row.push(String::new());
        rows.push(row);
    }
    rows
}

/// Renders the report as text.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let format = report.format;
    let _ = writeln!(
        out,
        "{} ({} format): {} responses{}",
        report.instrument,
        format.as_str(),
        report.responses,
        match &report.dimension_set {
            Some(d) => format!(", dimensions {}", d.join(",")),
            None => String::new(),
        }
    );
    out.push('\n');
    out.push_str(&grid(&dimension_rows(format, &report.dimensions, Some(&report.overall), report.weakest.as_deref())));

    let weighted: Vec<String> = ["p_weighted", "gap_weighted"]
        .iter()
        .filter_map(|k| {
            report.overall.get(k).filter(|s| s.n > 0).map(|s| format!("{k} {} (n {})", mean_ci(Some(s)), s.n))
        })
        .collect();
    if !weighted.is_empty() {
        let _ = writeln!(out, "weighted overall: {}", weighted.join(", "));
    }
    if let Some(w) = &report.weakest {
        let basis = match format {
            Format::Gap => "lowest mean gap",
            Format::Perception => "lowest mean perception",
            Format::Zone => "lowest mean adequacy",
        };
        let _ = writeln!(out, "weakest dimension: {w} ({basis})");
    }

    let c = &report.classes;
    let _ = writeln!(
        out,
        "respondents: {} dissatisfied, {} satisfied, {} delighted, {} without a class{}",
        c.dissatisfied,
        c.satisfied,
        c.delighted,
        c.unclassified,
        if format == Format::Perception { " (perception format: compared with the middle of the scale)" } else { "" }
    );

    if let Some(recovery) = &report.recovery {
        let _ = writeln!(out, "\nE-RecS-QUAL (respondents who had a problem, a return or a question):");
        out.push_str(&grid(&dimension_rows(Format::Perception, recovery, None, None)));
    }

    out.push('\n');
    let nps = &report.nps;
    match (nps.score, nps.se, nps.promoters, nps.passives, nps.detractors) {
        (Some(score), Some(se), Some(p), Some(pa), Some(d)) => {
            let _ = writeln!(
                out,
                "NPS: {score:.1} (+/- {:.1}), n {}: promoters {:.0}%, passives {:.0}%, detractors {:.0}%",
                1.959963984540054 * se,
                nps.n,
                100.0 * p,
                100.0 * pa,
                100.0 * d
            );
        }
        _ => {
            let _ = writeln!(out, "NPS: not asked");
        }
    }
    let csat = &report.csat;
    match (csat.mean, csat.top2, csat.ci95) {
        (Some(m), Some(t), Some([lo, hi])) => {
            let _ = writeln!(
                out,
                "CSAT: mean {m:.2}, top-2 {:.0}% [{:.0}%, {:.0}%], n {}",
                100.0 * t,
                100.0 * lo,
                100.0 * hi,
                csat.n
            );
        }
        _ => {
            let _ = writeln!(out, "CSAT: not asked");
        }
    }
    if let Some(ces) = &report.ces {
        if let (Some(m), Some(a)) = (ces.mean, ces.agree) {
            let _ = writeln!(out, "CES: mean {m:.2}, agree (5-7) {:.0}%, n {}", 100.0 * a, ces.n);
        }
    }
    let smallest = report.dimensions.values().filter_map(|d| d.stats.get("p")).map(|s| s.n).min().unwrap_or(0);
    if smallest < SMALL_N {
        let _ = writeln!(out, "\nnote: n < {SMALL_N} in some rows: read those numbers as indicative only");
    }
    out
}
