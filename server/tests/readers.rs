//! Property tests of the two readers: arbitrary or damaged input gives a value or an error,
//! never a panic, and what a reader accepts it accepts the same whether or not rows repeat.

use eservqual_core::dataset::Dataset;
use eservqual_core::report::report;
use eservqual_core::{Form, Format, Registry};
use eservqual_server::read::{csv, jsonl};
use proptest::prelude::*;

fn form(id: &str, format: Format) -> Form {
    Form::new(Registry::builtin().get(id).expect("built-in"), format)
}

/// Cells a wide CSV may hold, good and bad.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i32..12).prop_map(|x| x.to_string()),
        Just(String::new()),
        Just("NA".to_string()),
        Just("3.5".to_string()),
        Just("\"4\"".to_string()),
        Just("\"a,\nb\"".to_string()),
        "[a-z0-9 .\u{e9}-]{0,6}",
    ]
}

/// Headers, real and not.
fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id".to_string()),
        Just("nps".to_string()),
        Just("submitted_at".to_string()),
        (1usize..=5).prop_map(|i| format!("REL{i}.p")),
        (1usize..=5).prop_map(|i| format!("REL{i}.e")),
        Just("weight.TAN".to_string()),
        Just("weight.REL".to_string()),
        Just("TAN1".to_string()),
        "[A-Za-z.]{1,6}",
    ]
}

fn csv_text() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(header(), 1..6),
        proptest::collection::vec(proptest::collection::vec(cell(), 0..7), 0..6),
    )
        .prop_map(|(head, rows)| {
            let mut text = head.join(",");
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            text
        })
}

const PAYLOAD: &str = r#"{"schema":"eservqual.response/1","id":"7957ec04-13d3-4b3c-9286-257c739aa353","instrument":{"id":"e-s-qual","version":"1","format":"perception"},"scale":{"min":1,"max":5},"locale":"en","submitted_at":"2025-06-02T08:15:30Z","answers":{"EFF1":{"p":4},"PRI2":{"p":null}},"outcomes":{"nps":7},"scores":{},"sdk":{"name":"eservqual","version":"0.1.0"}}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_csv_reader_never_panics(text in csv_text(), bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        for input in [text.as_bytes(), &bytes[..]] {
            let mut ds = Dataset::new(form("servqual", Format::Gap));
            if csv::read(input, "x.csv", &mut ds).is_ok() {
                let _ = report(&ds);
            }
        }
    }

    #[test]
    fn the_in_memory_reader_reads_what_the_streaming_reader_reads(text in csv_text(), blank in any::<bool>()) {
        // Unquoted text goes through the plain splitter; CRLF, blank lines and quotes through
        // the csv reader: each way, the outcome and every message must be the streaming one.
        let unquoted = text.replace('"', "");
        let blanked = if blank { unquoted.replacen('\n', "\n\n", 2) } else { unquoted.clone() };
        let crlf = unquoted.replace('\n', "\r\n");
        for input in [text.clone(), unquoted.clone(), crlf.clone(), blanked] {
            let outcome = |read: &dyn Fn(&mut Dataset) -> Result<eservqual_server::read::Summary, eservqual_server::error::Error>| {
                let mut ds = Dataset::new(form("servqual", Format::Gap));
                read(&mut ds).map(|s| (s, serde_json::to_value(report(&ds)).expect("serialise"))).map_err(|e| e.to_string())
            };
            let streamed = outcome(&|ds| csv::read(input.as_bytes(), "x.csv", ds));
            let in_memory = outcome(&|ds| csv::read_bytes(input.as_bytes(), "x.csv", ds, 1));
            if input == crlf {
                // After a CRLF header the streaming csv reader dates the next record from the
                // header's line (its `\n` starts the record); the in-memory reader reads the
                // header alone and names the physical line. Only the line may differ.
                let unlined = |r: Result<_, String>| r.map_err(|e| e.split(": ").skip(2).collect::<Vec<_>>().join(": "));
                prop_assert_eq!(unlined(in_memory), unlined(streamed), "input {:?}", input);
            } else {
                prop_assert_eq!(in_memory, streamed, "input {:?}", input);
            }
        }
    }

    #[test]
    fn the_jsonl_reader_never_panics(cut in 0usize..400, byte in any::<u8>(), junk in "[{}\\[\\]\":,0-9a-z\n]{0,30}") {
        let registry = Registry::builtin();
        let mut damaged = PAYLOAD.as_bytes().to_vec();
        let at = cut.min(damaged.len());
        damaged.insert(at, byte);
        let truncated = &PAYLOAD.as_bytes()[..at];
        for input in [&damaged[..], truncated, junk.as_bytes()] {
            let mut ds = Dataset::new(form("e-s-qual", Format::Perception));
            if jsonl::read(input, "x.jsonl", &registry, &mut ds).is_ok() {
                let _ = report(&ds);
            }
        }
    }

    #[test]
    fn repeated_csv_rows_with_an_id_are_read_once(rows in proptest::collection::vec(proptest::collection::vec(1i32..=7, 4), 1..8)) {
        let head = "id,REL1.p,REL1.e,REL2.p,REL2.e";
        let body: Vec<String> = rows.iter().enumerate().map(|(i, r)| format!("r{i},{},{},{},{}", r[0], r[1], r[2], r[3])).collect();
        let once = format!("{head}\n{}", body.join("\n"));
        let twice = format!("{once}\n{}", body.join("\n"));
        let read = |text: &str| {
            let mut ds = Dataset::new(form("servqual", Format::Gap));
            csv::read(text.as_bytes(), "x.csv", &mut ds).expect("valid rows");
            serde_json::to_value(report(&ds)).expect("serialise")
        };
        prop_assert_eq!(read(&once), read(&twice));
    }
}

/// A synthetic wide CSV of `n` rows, larger than the parallel reader's threshold from ~6,000.
fn sample_csv(n: u64) -> Vec<u8> {
    let form = form("servqual", Format::Gap);
    let mut out = Vec::new();
    eservqual_server::sample::write(&eservqual_server::sample::Spec { form, respondents: n, seed: 5 }, &mut out)
        .expect("sample");
    out
}

fn report_of(bytes: &[u8], threads: usize) -> Result<serde_json::Value, String> {
    let mut ds = Dataset::new(form("servqual", Format::Gap));
    let summary = csv::read_bytes(bytes, "big.csv", &mut ds, threads).map_err(|e| e.to_string())?;
    let mut v = serde_json::to_value(report(&ds)).expect("serialise");
    v["read"] = summary.read.into();
    v["duplicates"] = summary.duplicates.into();
    Ok(v)
}

#[test]
fn reading_in_parallel_gives_the_sequential_report() {
    let bytes = sample_csv(9000);
    assert!(bytes.len() > 1 << 20, "big enough to be split");
    let one = report_of(&bytes, 1).unwrap();
    for threads in [2, 3, 7] {
        assert_eq!(report_of(&bytes, threads).unwrap(), one, "{threads} threads");
    }
}

#[test]
fn ids_repeated_across_parts_keep_the_first() {
    let text = String::from_utf8(sample_csv(9000)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Repeat early rows at the very end: in another part than their first occurrence.
    let mut doubled = lines.clone();
    doubled.extend_from_slice(&lines[1..40]);
    let bytes = (doubled.join("\n") + "\n").into_bytes();
    let one = report_of(&bytes, 1).unwrap();
    assert_eq!(one["duplicates"], 39);
    assert_eq!(one["responses"], 9000);
    assert_eq!(report_of(&bytes, 4).unwrap(), one);
}

#[test]
fn an_error_late_in_the_file_names_the_same_line_in_parallel() {
    let text = String::from_utf8(sample_csv(9000)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines.len() - 100;
    let cells: Vec<&str> = lines[at].split(',').collect();
    let mut cells: Vec<String> = cells.into_iter().map(String::from).collect();
    let column = lines[0].split(',').position(|h| h == "TAN1.p").expect("a TAN1.p column");
    cells[column] = "8".into(); // on the 1-7 scale
    lines[at] = cells.join(",");
    let bytes = (lines.join("\n") + "\n").into_bytes();
    let sequential = report_of(&bytes, 1).unwrap_err();
    assert!(sequential.contains(&format!("big.csv:{}: TAN1.p: ", at + 1)), "{sequential}");
    for threads in [2, 5] {
        assert_eq!(report_of(&bytes, threads).unwrap_err(), sequential, "{threads} threads");
    }
}

#[test]
fn a_semicolon_or_tab_separated_file_is_read_in_parallel_like_the_comma_one() {
    let bytes = sample_csv(9000);
    let comma = report_of(&bytes, 1).unwrap();
    for sep in [b';', b'\t'] {
        let other: Vec<u8> = bytes.iter().map(|&b| if b == b',' { sep } else { b }).collect();
        for threads in [1, 3] {
            assert_eq!(report_of(&other, threads).unwrap(), comma, "separator {:?}, {threads} threads", sep as char);
        }
        let mut ds = Dataset::new(form("servqual", Format::Gap));
        csv::read(&other[..], "big.csv", &mut ds).expect("streamed");
        assert_eq!(ds.len(), 9000);
    }
    // The separator is the one the header line holds most of, outside quotes.
    assert_eq!(csv::delimiter(b"id;TAN1.p;\"a,b,c\"\nr1,2,3,4,5"), b';');
    assert_eq!(csv::delimiter(b"id\tTAN1.p\tnps"), b'\t');
    assert_eq!(csv::delimiter(b"id"), b',');
}

#[test]
fn csv_text_neutralises_formula_cells_and_quotes_what_needs_it() {
    use eservqual_core::dataset::csv_text;
    let cell = |text: &str| {
        let mut out = Vec::new();
        csv_text(&mut out, text);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(cell("fine"), "fine");
    assert_eq!(cell(""), "");
    for lead in ["=", "+", "-", "@", "\t", "\r"] {
        let text = format!("{lead}SUM(A1)");
        let written = cell(&text);
        assert!(written.starts_with('\'') || written.starts_with("\"'"), "{text:?} -> {written:?}");
    }
    assert_eq!(cell("=1+1"), "'=1+1");
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
    assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    // What it writes reads back as one cell: the text with its guard.
    let text = format!("id,TAN1.p,comment\nr1,5,{}\nr2,4,{}\n", cell("=cmd|' /C calc'!A0"), cell("a,\"b\"\nc"));
    let mut ds = Dataset::new(form("servqual", Format::Perception));
    let summary = csv::read(text.as_bytes(), "c.csv", &mut ds).expect("readable");
    assert_eq!(summary.read, 2);
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let comments: Vec<String> = reader.records().map(|r| r.unwrap()[2].to_string()).collect();
    assert_eq!(comments, ["'=cmd|' /C calc'!A0", "a,\"b\"\nc"]);
}

#[test]
fn the_core_wide_row_with_its_comment_reads_back_as_the_payload_reports() {
    use eservqual_core::dataset::{wide_header, wide_row};
    use eservqual_core::payload::Payload;
    let registry = Registry::builtin();
    let comments = ["=HYPERLINK(\"http://x\",\"y\"), then\nmore", "+1", "plain", ""];
    let mut direct = Dataset::new(form("e-s-qual", Format::Perception));
    let mut text = wide_header(&direct.form).join(",").into_bytes();
    text.push(b'\n');
    for (i, comment) in comments.iter().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(PAYLOAD).unwrap();
        v["id"] = format!("7957ec04-13d3-4b3c-9286-257c739aa35{i}").into();
        v["answers"]["SYS1"] = serde_json::json!({ "p": i as i64 + 1 });
        v["outcomes"]["comment"] = (*comment).into();
        let response = Payload::from_json(&v.to_string()).unwrap().validate(&registry).unwrap();
        direct.push_response(&response).unwrap();
        wide_row(&response, &mut text);
    }
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\"), then\nmore\"\n"), "{text}");
    assert!(text.contains(",'+1\n"), "{text}");
    for threads in [1, 2] {
        let mut read = Dataset::new(form("e-s-qual", Format::Perception));
        let summary = csv::read_bytes(text.as_bytes(), "export.csv", &mut read, threads).expect("the export reads");
        assert_eq!(summary.read, 4);
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        assert_eq!(serde_json::to_value(report(&read)).unwrap(), serde_json::to_value(report(&direct)).unwrap());
    }
}
