//! The `eservqual` binary as a user runs it: the report of the shared vectors, both input kinds,
//! the table, `sample`, and bad inputs that must exit 2 with one line naming file, line and field.

mod common;

use common::data_dir;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    data_dir().join(name)
}

fn eservqual(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eservqual")).args(args).output().expect("the binary runs")
}

fn run_ok(args: &[&str]) -> String {
    let out = eservqual(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A scratch folder unique to one test.
fn scratch(test: &str) -> PathBuf {
    common::scratch("cli", test)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

/// |a − e| ≤ 1e-9·max(1, |e|) for numbers, equality otherwise, over every key of `expected`.
fn diff(actual: &Value, expected: &Value, path: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap_or(f64::NAN), e.as_f64().unwrap_or(f64::NAN));
            if a.is_nan() || (a - e).abs() > 1e-9 * e.abs().max(1.0) {
                out.push(format!("{path}: {a} != {e}"));
            }
        }
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff(av, ev, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                diff(av, ev, &format!("{path}[{i}]"), out);
            }
        }
        (a, e) if a == e => {}
        (a, e) => out.push(format!("{path}: {a} != {e}")),
    }
}

fn assert_matches(actual: &Value, expected: &Value) {
    let mut out = Vec::new();
    diff(actual, expected, "$", &mut out);
    assert!(out.is_empty(), "{} differences:\n{}", out.len(), out.join("\n"));
}

/// One JSONL line from a payload file, with some fields replaced.
fn payload_line(name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let text = std::fs::read_to_string(data(name)).expect("payload file");
    let mut v: Value = serde_json::from_str(&text).expect("payload JSON");
    edit(&mut v);
    serde_json::to_string(&v).expect("serialise")
}

#[test]
fn report_of_the_five_respondents_equals_the_vector() {
    let csv = data("servqual_5resp.csv");
    let stdout = run_ok(&["report", "--instrument", "servqual", "--format", "gap", csv.to_str().unwrap()]);
    let actual: Value = serde_json::from_str(&stdout).expect("the report is JSON");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("servqual_5resp.expected.json")).unwrap()).unwrap();
    assert_matches(&actual, &expected);
    // The contract's optional keys that the data supports are there too.
    assert_eq!(actual["weakest"], "REL");
}

#[test]
fn a_wrong_vector_value_would_be_caught() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("servqual_5resp.expected.json")).unwrap()).unwrap();
    let mut changed = expected.clone();
    changed["dimensions"]["REL"]["gap"]["mean"] = serde_json::json!(-1.41 + 1e-6);
    let mut out = Vec::new();
    diff(&changed, &expected, "$", &mut out);
    assert_eq!(out.len(), 1, "{out:?}");
}

#[test]
fn jsonl_payloads_are_validated_deduplicated_and_reported() {
    let dir = scratch("jsonl");
    let one = payload_line("esqual_one.json", |_| {});
    let other = payload_line("esqual_one.json", |v| {
        v["id"] = "2f1c0a56-8c1e-4f57-9d55-0a4d1b0f6a11".into();
        v["answers"]["PRI1"]["p"] = 5.into();
    });
    // A blank line, a BOM and a repeat of the first id are all fine.
    let path = write(&dir, "r.jsonl", &format!("\u{feff}{one}\n\n{other}\n{one}\n"));
    let report: Value =
        serde_json::from_str(&run_ok(&["report", "--instrument", "e-s-qual", path.to_str().unwrap()])).unwrap();
    assert_eq!(report["responses"], 2);
    assert_eq!(report["format"], "perception");
    let pri = &report["dimensions"]["PRI"]["p"];
    assert_eq!(pri["n"], 2);
    // (3+3+4)/3 and (5+3+4)/3.
    let mean = pri["mean"].as_f64().unwrap();
    assert!((mean - (10.0 / 3.0 + 4.0) / 2.0).abs() < 1e-12, "{mean}");
    assert_eq!(report["nps"]["n"], 2);
    // Screened out of E-RecS-QUAL: no recovery respondents.
    assert!(report.get("recovery").is_none_or(|r| r["RES"]["p"]["n"] == 0), "{}", report["recovery"]);
}

#[test]
fn partial_payloads_count_only_with_include_partial_and_the_complete_of_an_id_wins() {
    let dir = scratch("jsonl-partial");
    let (a, b) = ("2f1c0a56-8c1e-4f57-9d55-0a4d1b0f6a0a", "2f1c0a56-8c1e-4f57-9d55-0a4d1b0f6a0b");
    // `pri` on every PRI item; `partial` marks the payload partial.
    let line = |id: &str, pri: i64, partial: bool| {
        payload_line("esqual_one.json", |v| {
            v["id"] = id.into();
            for code in ["PRI1", "PRI2", "PRI3"] {
                v["answers"][code]["p"] = pri.into();
            }
            if partial {
                v["status"] = "partial".into();
            }
        })
    };
    let c = payload_line("esqual_one.json", |_| {});
    // A's partial before and after its complete response; B's two partials (the later kept).
    let lines = [line(a, 1, true), c.clone(), line(b, 2, true), line(a, 5, false), line(b, 3, true), line(a, 1, true)];
    let path = write(&dir, "r.jsonl", &(lines.join("\n") + "\n"));
    let report = |extra: &[&str]| -> Value {
        let mut args = vec!["report", "--instrument", "e-s-qual"];
        args.extend(extra);
        args.push(path.to_str().unwrap());
        serde_json::from_str(&run_ok(&args)).unwrap()
    };
    let pri_mean = |r: &Value| r["dimensions"]["PRI"]["p"]["mean"].as_f64().unwrap();
    // Complete only: A (PRI 5) and C (PRI 3, 3, 4).
    let complete = report(&[]);
    assert_eq!(complete["responses"], 2);
    assert!((pri_mean(&complete) - (5.0 + 10.0 / 3.0) / 2.0).abs() < 1e-12, "{}", pri_mean(&complete));
    // With the partials: A's complete response, not its partials; B's later partial.
    let all = report(&["--include-partial"]);
    assert_eq!(all["responses"], 3);
    assert!((pri_mean(&all) - (5.0 + 3.0 + 10.0 / 3.0) / 3.0).abs() < 1e-12, "{}", pri_mean(&all));
    // A file of partial payloads only says how to count them.
    let only = write(&dir, "p.jsonl", &format!("{}\n", line(b, 2, true)));
    let err = fails(&["report", "--instrument", "e-s-qual", only.to_str().unwrap()]);
    assert!(err.contains("--include-partial"), "{err}");
    let one: Value = serde_json::from_str(&run_ok(&["report", "--include-partial", only.to_str().unwrap()])).unwrap();
    assert_eq!(one["responses"], 1);
}

#[test]
fn zone_payloads_report_min_and_des() {
    let dir = scratch("zone");
    let path = write(&dir, "z.jsonl", &payload_line("zone_one.json", |_| {}));
    let report: Value = serde_json::from_str(&run_ok(&[
        "report",
        "--instrument",
        "servqual",
        "--format",
        "zone",
        path.to_str().unwrap(),
    ]))
    .unwrap();
    let rel = &report["dimensions"]["REL"];
    assert!((rel["p"]["mean"].as_f64().unwrap() - 6.8).abs() < 1e-12);
    assert!((rel["msa"]["mean"].as_f64().unwrap() - 1.2).abs() < 1e-12);
    assert!((rel["mss"]["mean"].as_f64().unwrap() + 1.8).abs() < 1e-12);
    assert_eq!(report["weakest"], "RSP");
}

#[test]
fn table_marks_the_weakest_dimension_and_shows_intervals() {
    let csv = data("servqual_5resp.csv");
    let table =
        run_ok(&["report", "--instrument", "servqual", "--format", "gap", "--output", "table", csv.to_str().unwrap()]);
    let rel = table.lines().find(|l| l.starts_with("REL")).expect("a REL row");
    assert!(rel.contains("weakest"), "{rel}");
    assert!(rel.contains("-1.41 [-3.07, 0.25]"), "{rel}");
    let tan = table.lines().find(|l| l.starts_with("TAN")).expect("a TAN row");
    assert!(!tan.contains("weakest"), "{tan}");
    assert!(table.contains("n < 30"), "small samples are flagged:\n{table}");
    assert!(table.contains("3 dissatisfied, 0 satisfied, 2 delighted"), "{table}");
}

#[test]
fn sample_is_reproducible_and_reports_in_every_format() {
    let dir = scratch("sample");
    for (instrument, format) in
        [("e-s-qual", "perception"), ("servqual", "gap"), ("servqual", "zone"), ("e-recs-qual", "perception")]
    {
        let a = dir.join(format!("{instrument}-{format}-a.csv"));
        let b = dir.join(format!("{instrument}-{format}-b.csv"));
        for path in [&a, &b] {
            run_ok(&[
                "sample",
                "--instrument",
                instrument,
                "--format",
                format,
                "--respondents",
                "250",
                "--seed",
                "9",
                "--out",
                path.to_str().unwrap(),
            ]);
        }
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same seed, same bytes");
        let report: Value = serde_json::from_str(&run_ok(&[
            "report",
            "--instrument",
            instrument,
            "--format",
            format,
            a.to_str().unwrap(),
        ]))
        .unwrap();
        assert_eq!(report["responses"], 250);
        assert!(report["weakest"].is_string(), "{instrument} {format}");
        for (code, dim) in report["dimensions"].as_object().unwrap() {
            let n = dim["p"]["n"].as_u64().unwrap();
            assert!(n > 200 && n <= 250, "{code}: n {n}: half-answered dimensions and N/A drop only a few");
        }
    }
    let other = dir.join("other-seed.csv");
    run_ok(&[
        "sample",
        "--instrument",
        "e-s-qual",
        "--respondents",
        "250",
        "--seed",
        "10",
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_ne!(std::fs::read(&other).unwrap(), std::fs::read(dir.join("e-s-qual-perception-a.csv")).unwrap());
}

#[test]
fn dimensions_switched_off_are_not_scored() {
    let dir = scratch("dims");
    let csv = dir.join("s.csv");
    run_ok(&[
        "sample",
        "--instrument",
        "e-s-qual",
        "--dimensions",
        "EFF,SYS,PRI",
        "--respondents",
        "60",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let text = run_ok(&["report", "--instrument", "e-s-qual", "--dimensions", "EFF,SYS,PRI", csv.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&text).unwrap();
    let mut dims: Vec<&String> = report["dimensions"].as_object().unwrap().keys().collect();
    dims.sort();
    assert_eq!(dims, ["EFF", "PRI", "SYS"]);
    // Printed in instrument order.
    let at = |code: &str| text.find(&format!("\"{code}\": {{")).unwrap_or(usize::MAX);
    assert!(at("EFF") < at("SYS") && at("SYS") < at("PRI"), "instrument order");
    assert!(report["overall"]["p"]["n"].as_u64().unwrap() > 50, "the overall needs only EFF, SYS and PRI");
}

#[test]
fn custom_instruments_load_from_a_file() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/examples/custom-instrument.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&example).unwrap()).unwrap();
    let dir = scratch("custom");
    let csv = dir.join("c.csv");
    run_ok(&[
        "sample",
        "--instrument",
        example.to_str().unwrap(),
        "--respondents",
        "40",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let report: Value =
        serde_json::from_str(&run_ok(&["report", "--instrument", example.to_str().unwrap(), csv.to_str().unwrap()]))
            .unwrap();
    assert_eq!(report["instrument"], spec["id"]);
    assert_eq!(report["responses"], 40);
}

#[test]
fn help_shows_an_example() {
    let out = eservqual(&["report", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("eservqual report --instrument servqual --format gap responses.csv"), "{help}");
}

/// Runs a report that must fail; returns its single stderr line after checking the exit code.
fn fails(args: &[&str]) -> String {
    fails_with(2, args)
}

/// Runs a command that must exit with `code`; returns its single stderr line.
fn fails_with(code: i32, args: &[&str]) -> String {
    let out = eservqual(args);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing on stdout when failing");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.trim_end().to_string()
}

/// A five-column SERVQUAL-gap CSV header for the bad-input cases.
const HEAD: &str = "id,TAN1.p,TAN1.e,nps,weight.TAN,weight.REL,weight.RSP,weight.ASR,weight.EMP";

struct Case {
    name: &'static str,
    file: &'static str,
    text: String,
    args: &'static [&'static str],
    /// What the message must contain besides the file name: `FILE:LINE: FIELD: `.
    location: &'static str,
    reason: &'static str,
}

fn csv_case(name: &'static str, rows: &str, location: &'static str, reason: &'static str) -> Case {
    Case {
        name,
        file: "bad.csv",
        text: format!("{HEAD}\n{rows}"),
        args: &["--instrument", "servqual", "--format", "gap"],
        location,
        reason,
    }
}

#[test]
fn bad_inputs_name_the_file_the_line_and_the_field() {
    let ok_row = "r1,5,6,9,10,20,30,20,20";
    let esq = &["--instrument", "e-s-qual"][..];
    let cases = vec![
        csv_case("unknown column", "", ":1: FOO1.p: ", "unknown column").with_head("id,FOO1.p"),
        csv_case(
            "value outside the scale",
            &format!("{ok_row}\nr2,8,6,9,,,,,"),
            ":3: TAN1.p: ",
            "outside the scale 1-7",
        ),
        csv_case("a fraction", "r2,3.5,6,9,,,,,", ":2: TAN1.p: ", "not a whole number"),
        csv_case("text", "r2,good,6,9,,,,,", ":2: TAN1.p: ", "not a number"),
        csv_case("nps outside 0-10", "r2,3,6,11,,,,,", ":2: nps: ", "outside the scale 0-10"),
        csv_case("a zero on a 1-7 scale", "r2,0,6,9,,,,,", ":2: TAN1.p: ", "outside the scale"),
        csv_case("weights half filled", "r2,3,6,9,10,20,,20,20", ":2: weight.RSP: ", "fill all or none"),
        csv_case("negative weight", "r2,3,6,9,10,-20,30,20,20", ":2: weight.REL: ", "from 0 to 100"),
        csv_case("too few fields", &format!("{ok_row}\n{ok_row}\nr3,1,2"), ":4: ", "3 fields, the header has 9"),
        csv_case(
            "a quoted line break counts",
            "\"r\n2\",3,6,9,,,,,\nr3,9,6,9,,,,,",
            ":4: TAN1.p: ",
            "outside the scale",
        ),
        csv_case("a field the format lacks", "", ":1: TAN1.min: ", "no 'min' answers").with_head("id,TAN1.min"),
        csv_case("a repeated column", "", ":1: TAN1.p: ", "repeats column 'TAN1'").with_head("id,TAN1,TAN1.p"),
        csv_case("an invalid time", "r1,3,2026-13-01", ":2: submitted_at: ", "RFC 3339")
            .with_head("id,TAN1.p,submitted_at"),
        Case {
            name: "empty file",
            file: "empty.csv",
            text: String::new(),
            args: &["--instrument", "servqual"],
            location: ": ",
            reason: "no responses",
        },
        Case {
            name: "header only",
            file: "header.csv",
            text: format!("{HEAD}\n"),
            args: &["--instrument", "servqual"],
            location: ": ",
            reason: "no responses",
        },
        Case {
            name: "broken JSON line",
            file: "bad.jsonl",
            text: format!(
                "{}\n{{\"schema\": \"eservqual.response/1\", \"id\": \n",
                payload_line("esqual_one.json", |_| {})
            ),
            args: esq,
            location: ":2: ",
            reason: "invalid-json",
        },
        Case {
            name: "a payload for another instrument",
            file: "other.jsonl",
            text: payload_line("zone_one.json", |_| {}),
            args: esq,
            location: ":1: instrument.id: ",
            reason: "not 'e-s-qual'",
        },
        Case {
            name: "answer out of range in a payload",
            file: "range.jsonl",
            text: format!(
                "{}\n{}",
                payload_line("esqual_one.json", |_| {}),
                payload_line("esqual_one.json", |v| {
                    v["id"] = "0d5b5c86-3c43-4b51-8d1e-5f8d3a0b7c21".into();
                    v["answers"]["EFF3"]["p"] = 6.into();
                })
            ),
            args: esq,
            location: ":2: answers.EFF3.p: ",
            reason: "out-of-range",
        },
        Case {
            name: "a payload id that is not a UUID",
            file: "id.jsonl",
            text: payload_line("esqual_one.json", |v| v["id"] = "not-a-uuid".into()),
            args: esq,
            location: ":1: id: ",
            reason: "invalid-id",
        },
        Case {
            name: "a payload on the wrong scale",
            file: "scale.jsonl",
            text: payload_line("esqual_one.json", |v| v["scale"]["max"] = 7.into()),
            args: esq,
            location: ":1: scale: ",
            reason: "wrong-scale",
        },
        Case {
            name: "a text answer in a payload",
            file: "text.jsonl",
            text: payload_line("esqual_one.json", |v| v["answers"]["SYS2"]["p"] = "four".into()),
            args: esq,
            location: ":1: answers.SYS2.p: ",
            reason: "invalid-type",
        },
        Case {
            name: "an unknown item in a payload",
            file: "item.jsonl",
            text: payload_line("esqual_one.json", |v| v["answers"]["XYZ1"] = serde_json::json!({"p": 3})),
            args: esq,
            location: ":1: answers.XYZ1: ",
            reason: "unknown-item",
        },
        Case {
            name: "unknown instrument",
            file: "x.csv",
            text: format!("{HEAD}\n"),
            args: &["--instrument", "sevrqual"],
            location: ": --instrument: ",
            reason: "unknown instrument 'sevrqual'",
        },
        Case {
            name: "unknown format",
            file: "x.csv",
            text: format!("{HEAD}\n"),
            args: &["--instrument", "servqual", "--format", "gaps"],
            location: ": --format: ",
            reason: "unknown format 'gaps'",
        },
        Case {
            name: "unknown dimension",
            file: "x.csv",
            text: format!("{HEAD}\n"),
            args: &["--instrument", "servqual", "--dimensions", "TAN,XYZ"],
            location: ": --dimensions",
            reason: "XYZ",
        },
        Case {
            name: "unsupported file type",
            file: "x.txt",
            text: "hello".into(),
            args: &["--instrument", "servqual"],
            location: ": ",
            reason: "unsupported file type",
        },
    ];
    assert!(cases.len() >= 15);
    let dir = scratch("bad");
    for case in &cases {
        let path = write(&dir, case.file, &case.text);
        let name = path.to_str().unwrap();
        let mut args = vec!["report"];
        args.extend_from_slice(case.args);
        args.push(name);
        let line = fails(&args);
        let at = format!("{name}{}", case.location);
        assert!(line.starts_with(&format!("eservqual: {at}")), "{}: '{line}' should start with '{at}'", case.name);
        assert!(line.contains(case.reason), "{}: '{line}' should say '{}'", case.name, case.reason);
    }
}

impl Case {
    fn with_head(mut self, head: &str) -> Case {
        let rows = self.text.split_once('\n').map(|(_, r)| r.to_string()).unwrap_or_default();
        self.text = format!("{head}\n{rows}");
        self
    }
}

#[test]
fn a_missing_file_and_a_broken_custom_instrument_are_named() {
    let dir = scratch("missing");
    let missing = dir.join("nope.csv");
    let line = fails_with(1, &["report", "--instrument", "servqual", missing.to_str().unwrap()]);
    assert!(line.contains(&format!("{}: no such file", missing.display())), "{line}");

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/examples/custom-instrument.json");
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    spec["dimensions"][1]["items"][0]["code"] = spec["dimensions"][0]["items"][0]["code"].clone();
    let broken = write(&dir, "broken.json", &serde_json::to_string_pretty(&spec).unwrap());
    let csv = write(&dir, "c.csv", "id\nr1\n");
    let line = fails(&["report", "--instrument", broken.to_str().unwrap(), csv.to_str().unwrap()]);
    assert!(line.contains(&format!("{}: dimensions[1].items[0].code: ", broken.display())), "{line}");

    let not_json = write(&dir, "nj.json", "{\n  \"id\": \"x\",\n  oops\n}");
    let line = fails(&["report", "--instrument", not_json.to_str().unwrap(), csv.to_str().unwrap()]);
    assert!(line.contains(&format!("{}:3: ", not_json.display())), "{line}");
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let line = fails(&["report", "--instrument", "servqual", "--output", "pdf", "x.csv"]);
    assert!(line.contains("pdf"), "{line}");
    let line = fails(&["report", "x.csv"]);
    assert!(line.contains("--instrument"), "{line}");
}

#[test]
fn invalid_utf8_is_named_not_a_panic() {
    let dir = scratch("utf8");
    let path = dir.join("bin.csv");
    std::fs::write(&path, b"id,TAN1.p\nr1,\xff\xfe\n").unwrap();
    let line = fails(&["report", "--instrument", "servqual", path.to_str().unwrap()]);
    assert!(line.contains(&format!("{}:2: ", path.display())), "{line}");
    assert!(line.contains("UTF-8"), "{line}");
}

#[test]
fn kano_of_the_five_respondents_equals_the_vector() {
    let stdout = run_ok(&["kano", data("kano_5resp.csv").to_str().unwrap()]);
    let actual: Value = serde_json::from_str(&stdout).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("servqual_5resp.extra.json")).unwrap()).unwrap();
    let mut want = expected["kano"].clone();
    want.as_object_mut().unwrap().remove("categories");
    assert_matches(&actual["features"][0], &want);

    let dir = scratch("kano");
    let bad = write(
        &dir,
        "k.csv",
        "id,feature,functional,dysfunctional\nr1,gift wrap,like,dislike\nr2,gift wrap,love,dislike\n",
    );
    let line = fails(&["kano", bad.to_str().unwrap()]);
    assert!(line.contains(&format!("{}:3: functional: ", bad.display())) && line.contains("'love'"), "{line}");
}

/// The five-respondent vector file with every line passed through `edit` (the header is line 0).
fn vector_csv(edit: impl Fn(usize, &str) -> String) -> String {
    let text = std::fs::read_to_string(data("servqual_5resp.csv")).unwrap();
    text.lines().enumerate().map(|(i, l)| edit(i, l) + "\n").collect()
}

/// The report (JSON) and stderr of `report --instrument servqual --format gap` on `path`, which
/// must succeed.
fn gap_report(path: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["report", "--instrument", "servqual", "--format", "gap"];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    let out = eservqual(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    (serde_json::from_slice(&out.stdout).expect("the report is JSON"), stderr)
}

fn vector_report() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("servqual_5resp.expected.json")).unwrap()).unwrap()
}

#[test]
fn a_semicolon_or_tab_separated_csv_reads_like_the_comma_one() {
    let dir = scratch("separators");
    for (name, sep) in [("semicolon.csv", ";"), ("tab.csv", "\t")] {
        let path = write(&dir, name, &vector_csv(|_, l| l.replace(',', sep)));
        let (report, stderr) = gap_report(&path, &[]);
        assert_matches(&report, &vector_report());
        assert!(stderr.is_empty(), "{name}: {stderr}");
        // The in-memory reader and the streamed one (a quote sends the file to the csv reader).
        let quoted = write(
            &dir,
            &format!("q-{name}"),
            &vector_csv(
                |i, l| if i == 1 { l.replace(',', sep).replacen("r1", "\"r1\"", 1) } else { l.replace(',', sep) },
            ),
        );
        assert_matches(&gap_report(&quoted, &[]).0, &vector_report());
    }
    // Kano files too, with headers and answers in any case.
    let kano = std::fs::read_to_string(data("kano_5resp.csv")).unwrap();
    let semi = write(
        &dir,
        "kano.csv",
        &kano.replace(',', ";").replacen("functional", "Functional", 1).replace("like", "Like"),
    );
    let want: Value = serde_json::from_str(&run_ok(&["kano", data("kano_5resp.csv").to_str().unwrap()])).unwrap();
    let got: Value = serde_json::from_str(&run_ok(&["kano", semi.to_str().unwrap()])).unwrap();
    assert_eq!(got, want);
}

#[test]
fn a_missing_item_column_is_a_warning_naming_it_and_an_error_with_strict() {
    let dir = scratch("missing-column");
    // Without the column REL2.p (and its cells).
    let text = vector_csv(|_, l| {
        let at = std::fs::read_to_string(data("servqual_5resp.csv"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .split(',')
            .position(|h| h == "REL2.p")
            .unwrap();
        l.split(',').enumerate().filter(|(j, _)| *j != at).map(|(_, c)| c).collect::<Vec<_>>().join(",")
    });
    let path = write(&dir, "no-rel2.csv", &text);
    let (report, stderr) = gap_report(&path, &[]);
    assert_eq!(report["responses"], 5);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("eservqual: warning: {}:1: ", path.display())), "{stderr}");
    assert!(stderr.contains("no column for REL2.p"), "{stderr}");
    let line = fails(&["report", "--instrument", "servqual", "--format", "gap", "--strict", path.to_str().unwrap()]);
    assert!(line.contains("no column for REL2.p") && line.contains("--strict"), "{line}");

    // Gap format without any .e column: one warning about the expectations, not 22 names.
    let perceptions = vector_csv(|_, l| {
        let head = std::fs::read_to_string(data("servqual_5resp.csv")).unwrap();
        let keep: Vec<bool> = head.lines().next().unwrap().split(',').map(|h| !h.ends_with(".e")).collect();
        l.split(',').zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect::<Vec<_>>().join(",")
    });
    let path = write(&dir, "no-e.csv", &perceptions);
    let (_, stderr) = gap_report(&path, &[]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no expectation answers") && stderr.contains("--format perception"), "{stderr}");
    assert!(!stderr.contains(".e,"), "{stderr}");
    fails(&["report", "--instrument", "servqual", "--format", "gap", "--strict", path.to_str().unwrap()]);

    // A gap file whose .e cells are all empty, and gap payloads without expectations.
    let head = std::fs::read_to_string(data("servqual_5resp.csv")).unwrap();
    let heads: Vec<String> = head.lines().next().unwrap().split(',').map(String::from).collect();
    let empty_e = vector_csv(|i, l| {
        if i == 0 {
            return l.to_string();
        }
        l.split(',').zip(&heads).map(|(c, h)| if h.ends_with(".e") { "" } else { c }).collect::<Vec<_>>().join(",")
    });
    let path = write(&dir, "empty-e.csv", &empty_e);
    let (_, stderr) = gap_report(&path, &[]);
    assert!(stderr.contains("no expectation answers"), "{stderr}");
    let jsonl = write(
        &dir,
        "gap.jsonl",
        &payload_line("zone_one.json", |v| {
            v["instrument"]["format"] = "gap".into();
            for (_, a) in v["answers"].as_object_mut().unwrap() {
                let p = a["p"].clone();
                *a = serde_json::json!({ "p": p.as_i64().map(|x| x.min(7)) });
            }
            v["scale"]["max"] = 7.into();
        }),
    );
    let out = eservqual(&["report", "--instrument", "servqual", "--format", "gap", jsonl.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("no expectation answers"), "{stderr}");

    // The complete file warns about nothing.
    let (_, stderr) = gap_report(&data("servqual_5resp.csv"), &[]);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn dates_whole_decimals_and_header_case_are_read_where_unambiguous() {
    let dir = scratch("lenient");
    // Header in other cases (ID, Tan1.E, WEIGHT.tan, Nps), every cell "N.0", and a date-only
    // submitted_at: the same report as the vector file, each week counted.
    let text = vector_csv(|i, l| {
        if i == 0 {
            let head: Vec<String> = l
                .split(',')
                .enumerate()
                .map(|(j, h)| match j % 3 {
                    0 => h.to_ascii_uppercase(),
                    1 => h.to_ascii_lowercase(),
                    _ => h.to_string(),
                })
                .collect();
            return head.join(",") + ",Submitted_At";
        }
        let cells: Vec<String> = l
            .split(',')
            .enumerate()
            .map(|(j, c)| if j > 0 && c.parse::<i64>().is_ok() { format!("{c}.0") } else { c.to_string() })
            .collect();
        cells.join(",") + &format!(",2026-11-{:02}", 15 + i)
    });
    let path = write(&dir, "lenient.csv", &text);
    let (report, stderr) = gap_report(&path, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_matches(&report, &vector_report());
    let weeks: Vec<(String, u64)> = report["trend"]
        .as_array()
        .expect("a trend")
        .iter()
        .map(|w| (w["week"].as_str().unwrap().to_string(), w["n"].as_u64().unwrap()))
        .collect();
    // 2026-11-16 … 2026-11-20 is one ISO week (Monday 16th).
    assert_eq!(weeks, vec![("2026-11-16".to_string(), 5)]);
    // Still refused: a fraction, and a date that is not one.
    let bad = write(&dir, "half.csv", "id,TAN1.p\nr1,5.5\n");
    let line = fails(&["report", "--instrument", "servqual", bad.to_str().unwrap()]);
    assert!(line.contains("not a whole number"), "{line}");
    let bad = write(&dir, "date.csv", "id,TAN1.p,submitted_at\nr1,5,2026-02-30\n");
    let line = fails(&["report", "--instrument", "servqual", bad.to_str().unwrap()]);
    assert!(line.contains(":2: submitted_at: ") && line.contains("'2026-02-30'"), "{line}");
}

#[test]
fn exit_codes_are_the_ones_help_states() {
    let help = String::from_utf8(eservqual(&["--help"]).stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("Exit status: 0 on success; 1 when a file cannot be read or written (no such file"),
        "{help}"
    );
    assert!(help.contains("2 for bad input or a bad argument"), "{help}");
    let dir = scratch("exit-codes");
    let csv = data("servqual_5resp.csv");
    let csv = csv.to_str().unwrap();
    // 0
    run_ok(&["report", "--instrument", "servqual", "--format", "gap", csv]);
    // 1: a file that cannot be read (missing, a directory, a missing instrument file) or written.
    let missing = dir.join("missing.csv");
    let line = fails_with(1, &["report", "--instrument", "servqual", missing.to_str().unwrap()]);
    assert!(line.ends_with("missing.csv: no such file"), "{line}");
    let folder = dir.join("folder.csv");
    std::fs::create_dir_all(&folder).unwrap();
    let line = fails_with(1, &["report", "--instrument", "servqual", folder.to_str().unwrap()]);
    assert!(line.contains("is a directory"), "{line}");
    let line = fails_with(1, &["report", "--instrument", dir.join("nope.json").to_str().unwrap(), csv]);
    assert!(line.contains("nope.json: no such file"), "{line}");
    fails_with(1, &["kano", dir.join("k.csv").to_str().unwrap()]);
    let out = dir.join("no-such-dir").join("x.csv");
    let line = fails_with(1, &["sample", "--instrument", "servqual", "--out", out.to_str().unwrap()]);
    assert!(line.contains("x.csv"), "{line}");
    // 2: bad input, a bad argument, a warning under --strict.
    let bad = write(&dir, "bad.csv", "id,TAN1.p\nr1,9\n");
    fails_with(2, &["report", "--instrument", "servqual", bad.to_str().unwrap()]);
    fails_with(2, &["report", "--instrument", "servqual", "--output", "pdf", csv]);
    fails_with(
        2,
        &[
            "report",
            "--instrument",
            "servqual",
            "--strict",
            write(&dir, "few.csv", "id,TAN1.p\nr1,5\n").to_str().unwrap(),
        ],
    );
    fails_with(2, &["sample", "--respondents", "3"]);
}

#[test]
fn jsonl_without_instrument_reads_it_from_the_payloads() {
    let dir = scratch("jsonl-instrument");
    let esq = write(&dir, "e.jsonl", &format!("\n{}\n", payload_line("esqual_one.json", |_| {})));
    let with: Value =
        serde_json::from_str(&run_ok(&["report", "--instrument", "e-s-qual", esq.to_str().unwrap()])).unwrap();
    let without: Value = serde_json::from_str(&run_ok(&["report", esq.to_str().unwrap()])).unwrap();
    assert_eq!(with, without);
    assert_eq!(without["instrument"], "e-s-qual");
    // The format comes from the payloads as well.
    let zone = write(&dir, "z.jsonl", &payload_line("zone_one.json", |_| {}));
    let report: Value = serde_json::from_str(&run_ok(&["report", zone.to_str().unwrap()])).unwrap();
    assert_eq!((report["instrument"].as_str(), report["format"].as_str()), (Some("servqual"), Some("zone")));
    // A later payload of another instrument is an error naming its line.
    let mixed = write(
        &dir,
        "m.jsonl",
        &format!("{}\n{}\n", payload_line("esqual_one.json", |_| {}), payload_line("zone_one.json", |_| {})),
    );
    let line = fails(&["report", mixed.to_str().unwrap()]);
    assert!(line.contains("m.jsonl:2: instrument.id: "), "{line}");
    // A CSV does not say its instrument.
    let line = fails(&["report", data("servqual_5resp.csv").to_str().unwrap()]);
    assert!(line.contains("--instrument"), "{line}");
}

#[test]
fn a_comment_column_is_read_and_not_scored() {
    use eservqual_core::dataset::csv_text;
    let dir = scratch("comment");
    let comments = ["great, thanks", "=HYPERLINK(\"http://x\",\"y\")", "line one\nline \"two\"", "", "+1 -2 @me"];
    let text = vector_csv(|i, l| {
        if i == 0 {
            return format!("{l},comment");
        }
        let mut out = format!("{l},").into_bytes();
        csv_text(&mut out, comments[(i - 1) % comments.len()]);
        String::from_utf8(out).unwrap()
    });
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"") && text.contains(",'+1 -2 @me"), "{text}");
    let path = write(&dir, "c.csv", &text);
    let (report, stderr) = gap_report(&path, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_matches(&report, &vector_report());
}

/// A reader that stops early (`eservqual sample | head -1`) closes the pipe: the binary stops
/// quietly with status 0, as other command-line tools do, instead of reporting a failed write.
#[test]
fn sample_into_a_pipe_closed_early_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["sample", "--instrument", "e-s-qual", "--respondents", "200000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut head = [0u8; 64];
    child.stdout.take().expect("stdout").read_exact(&mut head).expect("the first bytes");
    // The read end is dropped here: the writes that follow meet a closed pipe.
    let out = child.wait_with_output().expect("the binary ends");
    assert!(head.starts_with(b"id,"), "{}", String::from_utf8_lossy(&head));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
