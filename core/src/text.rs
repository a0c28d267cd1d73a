//! Every built-in string (item wording, dimension names, format prompts, outcome questions and
//! widget UI text) in `en`, `zh-CN` and `zh-TW`, each under a stable key a site can override: the
//! wording is data, one file per locale (`text/<tag>.txt`), and this module reads it.
//!
//! Keys are dot-separated and lower-case except for dimension and item codes
//! (`item.EFF1`, `dimension.EFF.hint`, `ui.next`). Placeholders are written `{name}` and are the
//! same in every translation of a key; [`fill`] substitutes them. The wording is the project's
//! own: items are written from the constructs of docs/scoring.md §6, not taken from the published
//! questionnaires. Text is plain (no markup) and is always set as text, never parsed as HTML.

/// A supported built-in locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    En,
    ZhCn,
    ZhTw,
}

impl Locale {
    /// The BCP 47 tag used in payloads.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
        }
    }

    /// The best built-in match for a BCP 47 tag, `None` when nothing matches.
    ///
    /// Case-insensitive. Any `en` tag is English. For `zh`, a script subtag decides
    /// (`Hant` → traditional, `Hans` → simplified); without one, the regions TW, HK and MO mean
    /// traditional and everything else (CN, SG, none) simplified. `_` is accepted for `-`, and a
    /// POSIX suffix (`.UTF-8`, `@…`) and extensions (`-u-…`, `-x-…`) are ignored.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim();
        let tag = tag.split(['.', '@']).next().unwrap_or(tag);
        let mut subtags = tag.split(['-', '_']);
        let primary = subtags.next()?;
        if primary.eq_ignore_ascii_case("en") {
            return Some(Locale::En);
        }
        if !primary.eq_ignore_ascii_case("zh") {
            return None;
        }
        let mut traditional_region = false;
        for subtag in subtags {
            if subtag.len() == 1 {
                // A singleton starts an extension or private use: nothing after it is a script
                // or a region.
                break;
            }
            if subtag.eq_ignore_ascii_case("hant") {
                return Some(Locale::ZhTw);
            }
            if subtag.eq_ignore_ascii_case("hans") {
                return Some(Locale::ZhCn);
            }
            if ["tw", "hk", "mo"].iter().any(|region| subtag.eq_ignore_ascii_case(region)) {
                traditional_region = true;
            }
        }
        Some(if traditional_region { Locale::ZhTw } else { Locale::ZhCn })
    }
}

/// One string in every built-in locale.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub key: &'static str,
    pub en: &'static str,
    pub zh_cn: &'static str,
    pub zh_tw: &'static str,
}

impl Entry {
    /// This entry's string in `locale`.
    pub fn get(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::ZhCn => self.zh_cn,
            Locale::ZhTw => self.zh_tw,
        }
    }
}

/// All built-in strings, sorted by key (byte order). The order, and that every locale file has
/// the same keys, are checked when the crate compiles. [`text`] and [`keys`] read the same
/// strings from the packed columns, so a build that only looks strings up (the wasm) links no
/// per-entry table.
pub static ENTRIES: &[Entry] = TABLE;

/// The separator of the packed columns (a wording file holding it does not compile).
const SEP: char = '\0';

/// The built-in string for `key` in `locale`.
///
/// A linear scan of the packed key column and then of the locale's column: a few microseconds
/// for ~170 entries, where a table of `&str` fields costs 32 bytes of wasm data per entry.
/// Without the `builtin-text` feature the column is the one [`install`]ed for `locale`, and
/// `None` until then.
pub fn text(locale: Locale, key: &str) -> Option<&'static str> {
    let index = keys().position(|k| k == key)?;
    column(locale)?.split(SEP).nth(index)
}

/// The packed column of `locale`, as [`column_text`] gives it.
#[cfg(feature = "builtin-text")]
fn column(locale: Locale) -> Option<&'static str> {
    Some(column_text(locale))
}

/// The packed column of `locale`: its strings in key order, each followed by `\0`. The widget's
/// build writes it to a file per locale; without `builtin-text` it comes back through
/// [`install`].
#[cfg(feature = "builtin-text")]
pub fn column_text(locale: Locale) -> &'static str {
    match locale {
        Locale::En => COL_EN,
        Locale::ZhCn => COL_ZH_CN,
        Locale::ZhTw => COL_ZH_TW,
    }
}

/// The installed columns, by locale (en, zh-CN, zh-TW).
#[cfg(not(feature = "builtin-text"))]
static INSTALLED: std::sync::Mutex<[Option<&'static str>; 3]> = std::sync::Mutex::new([None; 3]);

#[cfg(not(feature = "builtin-text"))]
fn column(locale: Locale) -> Option<&'static str> {
    INSTALLED.lock().ok()?[locale as usize]
}

/// Installs the packed column of `locale` (see `column_text`): the wording a build without
/// `builtin-text` speaks (with it, the column is only checked). Refused (`false`) unless it
/// holds exactly one string per key; a locale installed once keeps its column (a page loads
/// each at most once, and keeps it for the page's life).
pub fn install(locale: Locale, column: String) -> bool {
    if column.matches(SEP).count() != keys().count() || !column.ends_with(SEP) {
        return false;
    }
    #[cfg(not(feature = "builtin-text"))]
    {
        let Ok(mut installed) = INSTALLED.lock() else { return false };
        let slot = &mut installed[locale as usize];
        if slot.is_none() {
            *slot = Some(Box::leak(column.into_boxed_str()));
        }
    }
    #[cfg(feature = "builtin-text")]
    let _ = locale;
    true
}

/// Every built-in key, in sorted order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    COL_KEY.strip_suffix(SEP).unwrap_or(COL_KEY).split(SEP)
}

/// The number of characters (Unicode scalar values) of `s`: its bytes that do not continue a
/// character. A plain count: `chars().count()` links the standard library's unrolled counter.
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// The decimal integer `s`: an optional `-`, then 1 to 15 ASCII digits (exact in an `f64`). A
/// plain loop: `str::parse` links an integer parser per type, with its error formatting.
pub fn integer(s: &str) -> Option<i64> {
    let (sign, d) = match s.strip_prefix('-') {
        Some(d) => (-1, d),
        None => (1, s),
    };
    (!d.is_empty() && d.len() <= 15 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| sign * d.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

/// `n` in decimal. A plain loop: integer `Display` (`to_string`, `format!("{n}")`) links the
/// formatting machinery into the wasm.
pub fn int(n: i64) -> String {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut m = n.unsigned_abs();
    for d in digits.iter_mut() {
        *d = b'0' + (m % 10) as u8;
        len += 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(len + 1);
    if n < 0 {
        out.push('-');
    }
    out.extend(digits.iter().take(len).rev().map(|&d| char::from(d)));
    out
}

/// `template` with each `{name}` replaced by the value of `name` in `vars`.
///
/// A placeholder whose name is not in `vars` is left as it is, as is any brace that does not
/// close a placeholder. Substituted values are not scanned again.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    // `split_once` rather than slicing by index: no slice panic (and its formatting) in the wasm.
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        let name = after.split(['{', '}']).next().unwrap_or(after);
        match after.strip_prefix(name).and_then(|a| a.strip_prefix('}')) {
            Some(tail) => {
                match vars.iter().find(|(var, _)| *var == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            // An opening brace with no closing one before the next opening one: plain text.
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(all(test, feature = "builtin-text"))]
mod tests {
    use super::*;

    #[test]
    fn int_is_display() {
        for n in [0, 7, -7, 10, 99, 100, -32768, 32767, i64::MAX, i64::MIN] {
            assert_eq!(int(n), n.to_string());
        }
    }

    #[test]
    fn integer_reads_what_parse_reads_up_to_fifteen_digits() {
        for s in ["0", "7", "-7", "0042", "32767", "-32768", "1733300000000", "999999999999999"] {
            assert_eq!(integer(s), s.parse::<i64>().ok(), "{s}");
        }
        // What `parse` would take but these stored values never hold, and what neither takes.
        for s in ["", "-", "+5", " 5", "5 ", "1.5", "1e3", "٣", "1000000000000000", "--1"] {
            assert_eq!(integer(s), None, "{s}");
        }
    }

    #[test]
    fn packed_columns_match_the_entries() {
        assert_eq!(keys().count(), ENTRIES.len());
        for e in ENTRIES {
            for l in [Locale::En, Locale::ZhCn, Locale::ZhTw] {
                assert_eq!(text(l, e.key), Some(e.get(l)), "{}", e.key);
            }
        }
        assert_eq!(text(Locale::En, "no.such.key"), None);
    }
}

// ---------------------------------------------------------------------------------------------
// The wording files, read at compile time

/// The wording of each locale (`text/<tag>.txt`): one `key = text` line per string, in key order,
/// the same keys in every file; `#` lines and blank lines are comments. Translators edit these;
/// the constants below are computed from them when the crate compiles, so a build holds the same
/// packed columns as if they were written out by hand, and reading them costs the wasm nothing.
const FILE_EN: &str = include_str!("text/en.txt");
const FILE_ZH_CN: &str = include_str!("text/zh-CN.txt");
const FILE_ZH_TW: &str = include_str!("text/zh-TW.txt");

/// The packed key column (every build: [`keys`] and [`install`] read it).
const COL_KEY: &str = packed!(FILE_EN, Part::Key);
#[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
const COL_EN: &str = packed!(FILE_EN, Part::Text);
#[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
const COL_ZH_CN: &str = packed!(FILE_ZH_CN, Part::Text);
#[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
const COL_ZH_TW: &str = packed!(FILE_ZH_TW, Part::Text);

/// The table as [`Entry`] values, cut out of the packed columns.
const TABLE: &[Entry] = &entries::<{ count(FILE_EN) }>();

const _: () = {
    assert!(
        same(COL_KEY, packed!(FILE_ZH_CN, Part::Key)),
        "text/zh-CN.txt must have the keys of text/en.txt, in order"
    );
    assert!(
        same(COL_KEY, packed!(FILE_ZH_TW, Part::Key)),
        "text/zh-TW.txt must have the keys of text/en.txt, in order"
    );
    assert!(sorted_and_unique(TABLE), "the wording files must be sorted by key, without duplicates");
};

/// `$file`'s column of `$part` packed (each string followed by [`SEP`]), as a `&'static str`.
macro_rules! packed {
    ($file:expr, $part:expr) => {{
        const BYTES: [u8; packed_len($file, $part)] = pack($file, $part);
        match core::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("a wording file cut inside a character"),
        }
    }};
}
use packed;

/// Which side of a `key = text` line.
#[derive(Clone, Copy)]
enum Part {
    Key,
    Text,
}

/// The next entry line at or after byte `from`, as (start, end) without the newline; `None` at
/// the end of the file. Comment and blank lines are skipped.
const fn next_line(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut start = from;
    while start < b.len() {
        let mut end = start;
        while end < b.len() && b[end] != b'\n' {
            end += 1;
        }
        if end > start && b[start] != b'#' {
            return Some((start, end));
        }
        start = end + 1;
    }
    None
}

/// The span of `part` in the line `start..end`.
const fn part_of(b: &[u8], start: usize, end: usize, part: Part) -> (usize, usize) {
    let mut i = start;
    while i + 3 <= end && !(b[i] == b' ' && b[i + 1] == b'=' && b[i + 2] == b' ') {
        assert!(b[i] != b' ' && b[i] != b'\0' && b[i] != b'\r', "a wording key holds a space or a control character");
        i += 1;
    }
    assert!(i + 3 <= end && i > start, "a wording line is not `key = text`");
    let mut j = i + 3;
    while j < end {
        assert!(b[j] != b'\0' && b[j] != b'\r', "a wording text holds a NUL or a carriage return");
        j += 1;
    }
    match part {
        Part::Key => (start, i),
        Part::Text => (i + 3, end),
    }
}

/// The number of entries of a wording file.
const fn count(file: &str) -> usize {
    let b = file.as_bytes();
    let (mut n, mut at) = (0, 0);
    while let Some((_, end)) = next_line(b, at) {
        n += 1;
        at = end + 1;
    }
    n
}

/// The length of the packed column of `part` of a wording file.
const fn packed_len(file: &str, part: Part) -> usize {
    let b = file.as_bytes();
    let (mut len, mut at) = (0, 0);
    while let Some((start, end)) = next_line(b, at) {
        let (s, e) = part_of(b, start, end, part);
        len += e - s + 1;
        at = end + 1;
    }
    len
}

/// The packed column of `part` of a wording file, `L` bytes long ([`packed_len`]).
const fn pack<const L: usize>(file: &str, part: Part) -> [u8; L] {
    let b = file.as_bytes();
    let mut out = [0u8; L];
    let (mut o, mut at) = (0, 0);
    while let Some((start, end)) = next_line(b, at) {
        let (mut s, e) = part_of(b, start, end, part);
        while s < e {
            out[o] = b[s];
            o += 1;
            s += 1;
        }
        out[o] = SEP as u8;
        o += 1;
        at = end + 1;
    }
    out
}

/// The `N` entries, each string cut out of its packed column.
const fn entries<const N: usize>() -> [Entry; N] {
    // A shorter file would run a column out: say which rule broke instead.
    assert!(count(FILE_ZH_CN) == N && count(FILE_ZH_TW) == N, "every wording file must have the keys of text/en.txt");
    let mut out = [Entry { key: "", en: "", zh_cn: "", zh_tw: "" }; N];
    let (mut key, mut en, mut cn, mut tw) = (COL_KEY, COL_EN, COL_ZH_CN, COL_ZH_TW);
    let mut i = 0;
    while i < N {
        out[i] = Entry { key: first(key), en: first(en), zh_cn: first(cn), zh_tw: first(tw) };
        (key, en, cn, tw) = (rest(key), rest(en), rest(cn), rest(tw));
        i += 1;
    }
    out
}

/// The first string of a packed column.
const fn first(column: &'static str) -> &'static str {
    let b = column.as_bytes();
    let mut i = 0;
    while b[i] != SEP as u8 {
        i += 1;
    }
    utf8(b.split_at(i).0)
}

/// A packed column without its first string.
const fn rest(column: &'static str) -> &'static str {
    let b = column.as_bytes();
    let mut i = 0;
    while b[i] != SEP as u8 {
        i += 1;
    }
    utf8(b.split_at(i + 1).1)
}

const fn utf8(b: &'static [u8]) -> &'static str {
    match core::str::from_utf8(b) {
        Ok(s) => s,
        Err(_) => panic!("a wording string cut inside a character"),
    }
}

/// Whether two strings are equal, usable in a constant.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `a` sorts strictly before `b` in byte order (`str::cmp`), usable in a constant.
const fn key_before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

const fn sorted_and_unique(entries: &[Entry]) -> bool {
    let mut i = 1;
    while i < entries.len() {
        if !key_before(entries[i - 1].key, entries[i].key) {
            return false;
        }
        i += 1;
    }
    true
}
