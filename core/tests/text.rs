//! The built-in strings of `eservqual_core::text`: table shape, coverage of every item and
//! dimension, placeholders, locale matching, `fill`, and plain, properly localized text.

use eservqual_core::text::{fill, keys, text, Entry, Locale, ENTRIES};
use std::collections::BTreeSet;

const LOCALES: [Locale; 3] = [Locale::En, Locale::ZhCn, Locale::ZhTw];

/// The built-in instruments as docs/interfaces.md lists them: dimension code and item count.
const INSTRUMENTS: &[(&str, &[(&str, usize)])] = &[
    ("e-s-qual", &[("EFF", 8), ("SYS", 4), ("FUL", 7), ("PRI", 3)]),
    ("e-recs-qual", &[("RES", 5), ("COM", 3), ("CON", 3)]),
    ("servqual", &[("TAN", 4), ("REL", 5), ("RSP", 4), ("ASR", 4), ("EMP", 5)]),
];

fn entry(key: &str) -> &'static Entry {
    ENTRIES.iter().find(|e| e.key == key).unwrap_or_else(|| panic!("no entry {key}"))
}

fn all_strings(e: &Entry) -> [(Locale, &'static str); 3] {
    [(Locale::En, e.en), (Locale::ZhCn, e.zh_cn), (Locale::ZhTw, e.zh_tw)]
}

/// The `{name}` placeholders of a string.
fn placeholders(s: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                found.insert(after[..close].to_string());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

#[test]
fn entries_are_sorted_and_keys_unique() {
    assert!(ENTRIES.len() > 100, "only {} entries", ENTRIES.len());
    for pair in ENTRIES.windows(2) {
        assert!(pair[0].key < pair[1].key, "{:?} must sort strictly before {:?}", pair[0].key, pair[1].key);
    }
}

#[test]
fn keys_lists_the_table_in_order() {
    let listed: Vec<&str> = keys().collect();
    let table: Vec<&str> = ENTRIES.iter().map(|e| e.key).collect();
    assert_eq!(listed, table);
}

#[test]
fn keys_are_dot_separated_lower_case_except_codes() {
    for key in keys() {
        for segment in key.split('.') {
            let lower = !segment.is_empty()
                && segment.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
            let code = segment.len() >= 3
                && segment.bytes().take(3).all(|b| b.is_ascii_uppercase())
                && segment.bytes().skip(3).all(|b| b.is_ascii_digit());
            assert!(lower || code, "bad segment {segment:?} in key {key:?}");
        }
    }
}

#[test]
fn every_entry_is_filled_in_every_locale() {
    for e in ENTRIES {
        for (locale, s) in all_strings(e) {
            assert!(!s.trim().is_empty(), "{} is empty in {locale:?}", e.key);
            assert_eq!(s, s.trim(), "{} has surrounding space in {locale:?}", e.key);
        }
    }
}

#[test]
fn text_finds_every_key_in_every_locale() {
    for e in ENTRIES {
        for (locale, s) in all_strings(e) {
            assert_eq!(text(locale, e.key), Some(s), "{} in {locale:?}", e.key);
            assert_eq!(e.get(locale), s);
        }
    }
    assert_eq!(text(Locale::En, "ui.next"), Some("Next"));
    assert_eq!(text(Locale::ZhTw, "ui.submit"), Some("送出"));
    assert_eq!(text(Locale::En, "no.such.key"), None);
    assert_eq!(text(Locale::En, "ui"), None);
    assert_eq!(text(Locale::En, ""), None);
    assert_eq!(text(Locale::En, "UI.NEXT"), None, "keys are case-sensitive");
}

#[test]
fn items_cover_exactly_the_instrument_codes() {
    let mut expected = BTreeSet::new();
    for (_, dimensions) in INSTRUMENTS {
        for (code, count) in *dimensions {
            for n in 1..=*count {
                expected.insert(format!("item.{code}{n}"));
            }
        }
    }
    assert_eq!(expected.len(), 55);
    let actual: BTreeSet<String> = keys().filter(|k| k.starts_with("item.")).map(String::from).collect();
    assert_eq!(actual, expected);
}

#[test]
fn every_dimension_has_a_name_and_a_hint() {
    let names = [
        ("EFF", "Efficiency"),
        ("SYS", "System availability"),
        ("FUL", "Fulfillment"),
        ("PRI", "Privacy"),
        ("RES", "Responsiveness"),
        ("COM", "Compensation"),
        ("CON", "Contact"),
        ("TAN", "Tangibles"),
        ("REL", "Reliability"),
        ("RSP", "Responsiveness"),
        ("ASR", "Assurance"),
        ("EMP", "Empathy"),
    ];
    let mut expected = BTreeSet::new();
    for (_, dimensions) in INSTRUMENTS {
        for (code, _) in *dimensions {
            let name = names.iter().find(|(c, _)| c == code).map(|(_, n)| *n);
            assert_eq!(text(Locale::En, &format!("dimension.{code}")), name, "dimension.{code}");
            assert!(text(Locale::En, &format!("dimension.{code}.hint")).is_some(), "dimension.{code}.hint");
            expected.insert(format!("dimension.{code}"));
            expected.insert(format!("dimension.{code}.hint"));
        }
    }
    let actual: BTreeSet<String> = keys().filter(|k| k.starts_with("dimension.")).map(String::from).collect();
    assert_eq!(actual, expected);
}

#[test]
fn every_documented_key_exists() {
    let mut required: Vec<String> = Vec::new();
    for (id, _) in INSTRUMENTS {
        required.push(format!("instrument.{id}.name"));
        required.push(format!("instrument.{id}.intro"));
    }
    for n in 1..=4 {
        required.push(format!("outcome.value.{n}"));
    }
    for n in 1..=5 {
        required.push(format!("outcome.loyalty.{n}"));
    }
    for outcome in ["nps", "csat", "ces", "satisfaction", "value", "loyalty"] {
        required.push(format!("outcome.{outcome}.low"));
        required.push(format!("outcome.{outcome}.high"));
    }
    for format in ["perception", "gap", "zone"] {
        for class in ["dissatisfied", "satisfied", "delighted"] {
            required.push(format!("summary.class.{format}.{class}"));
        }
    }
    let fixed = [
        "scale.agree.low",
        "scale.agree.high",
        "scale.zone.low",
        "scale.zone.high",
        "format.perception.prompt",
        "format.gap.expectation",
        "format.gap.perception",
        "format.gap.prompt",
        "format.zone.minimum",
        "format.zone.desired",
        "format.zone.perceived",
        "format.zone.prompt",
        "recovery.screening.question",
        "recovery.screening.yes",
        "recovery.screening.no",
        "recovery.intro",
        "outcome.nps.question",
        "outcome.csat.question",
        "outcome.ces.question",
        "outcome.satisfaction.question",
        "outcome.comment.question",
        "outcome.comment.placeholder",
        "outcome.comment.limit",
        "weights.question",
        "weights.total",
        "weights.error",
        "ui.launcher",
        "ui.title",
        "ui.intro",
        "ui.next",
        "ui.back",
        "ui.submit",
        "ui.close",
        "ui.na",
        "ui.progress",
        "ui.progress.open",
        "ui.required",
        "ui.error.missing",
        "ui.error.missing_one",
        "ui.error.summary",
        "ui.step.announce",
        "ui.step.announce.open",
        "ui.dismiss",
        "ui.thanks.title",
        "ui.thanks.body",
        "ui.status.sending",
        "ui.status.sent",
        "ui.status.queued",
        "ui.status.failed",
        "ui.error.config",
        "summary.title",
        "summary.strongest",
        "summary.weakest",
    ];
    required.extend(fixed.iter().map(|k| k.to_string()));
    for key in &required {
        for locale in LOCALES {
            assert!(text(locale, key).is_some(), "missing {key} in {locale:?}");
        }
    }
}

#[test]
fn placeholders_match_across_locales() {
    for e in ENTRIES {
        let en = placeholders(e.en);
        assert_eq!(placeholders(e.zh_cn), en, "{} zh-CN", e.key);
        assert_eq!(placeholders(e.zh_tw), en, "{} zh-TW", e.key);
    }
}

#[test]
fn placeholders_are_the_documented_ones() {
    let expected: &[(&str, &[&str])] = &[
        ("ui.progress", &["current", "total"]),
        ("ui.step.announce", &["current", "title", "total"]),
        ("ui.progress.open", &["current"]),
        ("ui.step.announce.open", &["current", "title"]),
        ("ui.error.missing", &["items"]),
        ("ui.error.summary", &["count"]),
        ("outcome.comment.limit", &["count", "max"]),
        ("weights.total", &["total"]),
        ("weights.error", &["total"]),
        ("summary.strongest", &["dimension"]),
        ("summary.weakest", &["dimension"]),
    ];
    for (key, names) in expected {
        let want: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();
        assert_eq!(placeholders(entry(key).en), want, "{key}");
    }
    // Everything else is plain text: a stray brace would be a placeholder nobody fills.
    for e in ENTRIES {
        if expected.iter().any(|(k, _)| *k == e.key) {
            continue;
        }
        for (locale, s) in all_strings(e) {
            assert!(!s.contains(['{', '}']), "{} in {locale:?}: {s:?}", e.key);
        }
    }
}

#[test]
fn step_buttons_have_their_exact_english_names() {
    assert_eq!(text(Locale::En, "ui.next"), Some("Next"));
    assert_eq!(text(Locale::En, "ui.back"), Some("Back"));
    assert_eq!(text(Locale::En, "ui.submit"), Some("Submit"));
    assert_eq!(text(Locale::En, "scale.agree.low"), Some("Strongly disagree"));
    assert_eq!(text(Locale::En, "scale.agree.high"), Some("Strongly agree"));
}

#[test]
fn locale_parse_best_match() {
    let table: &[(&str, Option<Locale>)] = &[
        ("en", Some(Locale::En)),
        ("EN", Some(Locale::En)),
        ("en-US", Some(Locale::En)),
        ("en-gb", Some(Locale::En)),
        ("en-Latn-US", Some(Locale::En)),
        ("zh", Some(Locale::ZhCn)),
        ("zh-CN", Some(Locale::ZhCn)),
        ("zh-cn", Some(Locale::ZhCn)),
        ("zh-Hans", Some(Locale::ZhCn)),
        ("zh-SG", Some(Locale::ZhCn)),
        ("zh-Hans-CN", Some(Locale::ZhCn)),
        ("zh-Hans-HK", Some(Locale::ZhCn)),
        ("zh_CN", Some(Locale::ZhCn)),
        ("zh-TW", Some(Locale::ZhTw)),
        ("ZH-tw", Some(Locale::ZhTw)),
        ("zh-HK", Some(Locale::ZhTw)),
        ("zh-MO", Some(Locale::ZhTw)),
        ("zh-Hant", Some(Locale::ZhTw)),
        ("zh-hant", Some(Locale::ZhTw)),
        ("zh-Hant-HK", Some(Locale::ZhTw)),
        ("zh-Hant-CN", Some(Locale::ZhTw)),
        ("zh_TW.UTF-8", Some(Locale::ZhTw)),
        ("zh-CN-u-rg-twzzzz", Some(Locale::ZhCn)),
        ("", None),
        ("fr", None),
        ("fr-CA", None),
        ("ja-JP", None),
        ("eng", None),
        ("english", None),
        ("zho", None),
        ("*", None),
        ("-en", None),
    ];
    for (tag, want) in table {
        assert_eq!(Locale::parse(tag), *want, "tag {tag:?}");
    }
    for locale in LOCALES {
        assert_eq!(Locale::parse(locale.tag()), Some(locale));
    }
}

#[test]
fn fill_substitutes_known_placeholders() {
    assert_eq!(fill("Step {current} of {total}", &[("current", "2"), ("total", "5")]), "Step 2 of 5");
    assert_eq!(fill("{a}{a}-{b}", &[("a", "x"), ("b", "y")]), "xx-y");
    assert_eq!(fill("第 {current} 步", &[("current", "3")]), "第 3 步");
    assert_eq!(fill("no placeholders", &[("a", "x")]), "no placeholders");
    assert_eq!(fill("", &[]), "");
    // A value is inserted as it is and never expanded again.
    assert_eq!(fill("{a}", &[("a", "{b}"), ("b", "no")]), "{b}");
}

#[test]
fn fill_leaves_unknown_and_broken_placeholders() {
    assert_eq!(fill("{count} of {max}", &[("count", "3")]), "3 of {max}");
    assert_eq!(fill("Hello {name}", &[]), "Hello {name}");
    let vars = [("z", "1")];
    let table = [
        ("{", "{"),
        ("}", "}"),
        ("{{", "{{"),
        ("}}", "}}"),
        ("a { b", "a { b"),
        ("{open", "{open"),
        ("close}", "close}"),
        ("{}", "{}"),
        ("{{x}", "{{x}"),
        ("{x}}", "{x}}"),
        ("{{z}}", "{1}"),
        ("x{y{z}", "x{y1"),
        ("{z", "{z"),
        ("z}", "z}"),
        ("{é}{z}", "{é}1"),
    ];
    for (template, want) in table {
        assert_eq!(fill(template, &vars), want, "{template:?}");
    }
}

#[test]
fn fill_works_on_the_built_in_templates() {
    let t = text(Locale::En, "ui.step.announce").unwrap();
    assert_eq!(fill(t, &[("current", "1"), ("total", "4"), ("title", "Privacy")]), "Step 1 of 4: Privacy");
    for e in ENTRIES {
        for (locale, s) in all_strings(e) {
            let vars: Vec<(String, String)> = placeholders(s).into_iter().map(|n| (n, "7".to_string())).collect();
            let vars: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let filled = fill(s, &vars);
            assert!(!filled.contains(['{', '}']), "{} in {locale:?}: {filled:?}", e.key);
        }
    }
}

#[test]
fn chinese_items_are_written_for_each_locale() {
    for e in ENTRIES.iter().filter(|e| e.key.starts_with("item.")) {
        assert_ne!(e.zh_cn, e.zh_tw, "{}: zh-CN and zh-TW are the same", e.key);
        assert_ne!(e.en, e.zh_cn, "{}: zh-CN is the English text", e.key);
        assert_ne!(e.en, e.zh_tw, "{}: zh-TW is the English text", e.key);
    }
}

/// Pairs of (simplified, traditional) characters where each form belongs to one script only.
const SCRIPT_PAIRS: &[(char, char)] = &[
    ('这', '這'),
    ('网', '網'),
    ('订', '訂'),
    ('个', '個'),
    ('们', '們'),
    ('务', '務'),
    ('时', '時'),
    ('问', '問'),
    ('题', '題'),
    ('对', '對'),
    ('说', '說'),
    ('发', '發'),
    ('实', '實'),
    ('选', '選'),
    ('价', '價'),
    ('买', '買'),
    ('员', '員'),
    ('质', '質'),
    ('评', '評'),
    ('资', '資'),
    ('讯', '訊'),
    ('线', '線'),
    ('联', '聯'),
    ('络', '絡'),
    ('应', '應'),
    ('满', '滿'),
    ('单', '單'),
    ('为', '為'),
    ('与', '與'),
    ('隐', '隱'),
    ('护', '護'),
    ('给', '給'),
    ('让', '讓'),
    ('会', '會'),
    ('还', '還'),
    ('没', '沒'),
    ('过', '過'),
    ('请', '請'),
    ('谢', '謝'),
    ('关', '關'),
    ('处', '處'),
    ('间', '間'),
    ('页', '頁'),
    ('货', '貨'),
    ('统', '統'),
    ('办', '辦'),
    ('经', '經'),
    ('验', '驗'),
];

#[test]
fn chinese_strings_stay_in_their_script() {
    for e in ENTRIES {
        for (simplified, traditional) in SCRIPT_PAIRS {
            assert!(!e.zh_cn.contains(*traditional), "{}: zh-CN has traditional {traditional}: {}", e.key, e.zh_cn);
            assert!(!e.zh_tw.contains(*simplified), "{}: zh-TW has simplified {simplified}: {}", e.key, e.zh_tw);
        }
    }
    // Taiwan usage, not a character-for-character conversion of the mainland wording.
    assert!(entry("item.PRI2").zh_tw.contains("資料"));
    assert!(entry("item.EFF4").zh_tw.contains("資訊"));
    assert!(entry("item.PRI2").zh_cn.contains("信息"));
}

#[test]
fn chinese_strings_use_full_width_punctuation() {
    for e in ENTRIES {
        for (locale, s) in [(Locale::ZhCn, e.zh_cn), (Locale::ZhTw, e.zh_tw)] {
            assert!(!s.contains([',', '?', '!', ';', ':', '(', ')']), "{} in {locale:?}: {s:?}", e.key);
        }
    }
}

#[test]
fn text_is_plain() {
    for e in ENTRIES {
        for (locale, s) in all_strings(e) {
            assert!(!s.contains(['<', '>']), "{} in {locale:?}: {s:?}", e.key);
            assert!(!s.contains('&'), "{} in {locale:?}: {s:?}", e.key);
            assert!(!s.chars().any(|c| c.is_control()), "{} in {locale:?} has a control character", e.key);
        }
    }
}

#[test]
fn perception_classes_speak_of_the_middle_of_the_scale() {
    for class in ["dissatisfied", "satisfied", "delighted"] {
        let e = entry(&format!("summary.class.perception.{class}"));
        assert!(e.en.contains("middle of the scale"), "{class}: {}", e.en);
        assert!(!e.en.to_lowercase().contains("expect"), "{class}: {}", e.en);
        assert!(!e.zh_cn.contains("预期") && !e.zh_cn.contains("期望"), "{class}: {}", e.zh_cn);
        assert!(!e.zh_tw.contains("預期") && !e.zh_tw.contains("期望"), "{class}: {}", e.zh_tw);
    }
    assert!(entry("summary.class.perception.dissatisfied").en.contains("below"));
    assert!(entry("summary.class.perception.delighted").en.contains("above"));
    // The gap classes are the ones that compare with what was expected.
    for class in ["dissatisfied", "satisfied", "delighted"] {
        let e = entry(&format!("summary.class.gap.{class}"));
        assert!(e.en.contains("expected"), "{class}: {}", e.en);
    }
}

#[test]
fn items_speak_of_the_right_subject() {
    for e in ENTRIES.iter().filter(|e| e.key.starts_with("item.")) {
        let code = &e.key["item.".len()..];
        let en = e.en.to_lowercase();
        let servqual = ["TAN", "REL", "RSP", "ASR", "EMP"].iter().any(|d| code.starts_with(d));
        if servqual {
            assert!(en.contains("company") || en.contains("staff"), "{code}: {}", e.en);
            assert!(!en.contains("site") && !en.contains("shop"), "{code}: {}", e.en);
        }
        assert!(e.en.ends_with('.'), "{code}: a statement ends with a full stop");
        assert!(e.zh_cn.ends_with('。') && e.zh_tw.ends_with('。'), "{code}");
    }
}

#[test]
fn a_packed_column_installs_and_a_short_one_does_not() {
    for locale in LOCALES {
        let column = eservqual_core::text::column_text(locale).to_string();
        assert!(eservqual_core::text::install(locale, column.clone()));
        assert!(!eservqual_core::text::install(locale, column.trim_end_matches('\0').to_string()));
        assert!(!eservqual_core::text::install(locale, String::new()));
    }
}
