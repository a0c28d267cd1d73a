//! Every built-in string (item wording, dimension names, format prompts, outcome questions and
//! widget UI text) in `en`, `zh-CN` and `zh-TW`, each under a stable key a site can override.
//! STUB: to be filled.

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
    pub fn parse(tag: &str) -> Option<Locale> {
        let _ = tag;
        todo!()
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

/// All built-in strings.
pub static ENTRIES: &[Entry] = &[];

/// The built-in string for `key` in `locale`.
pub fn text(locale: Locale, key: &str) -> Option<&'static str> {
    let _ = (locale, key);
    todo!()
}
