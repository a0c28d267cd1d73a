//! The widget's `init(config)` object (docs/interfaces.md "Config"): its pure model, read and checked
//! with the core's [`Json`] readers (camelCase keys, defaults as documented, unknown keys an
//! error naming the key, every range checked with its path), the endpoint rule, and the text
//! lookup that puts a site's `strings` over the built-in wording.
//!
//! Values only JavaScript has (a `target` Element, `consent` and `beforeSend` functions) are
//! [`Kind::Other`] to these readers: they are recorded as supplied by the host, and the wasm
//! layer takes and checks the values themselves.

use crate::ask::{Settings, Trigger};
use crate::error::{Error, ErrorCode};
use crate::instrument::{Form, Format, Instrument, Registry};
use crate::json::{
    list, read_array, read_bool, read_number, read_string, read_strings, At, Fields, Json, Kind, Source,
};
use crate::keyed::Keyed;
use crate::payload::read_codes;
use crate::text::{self, Locale};
use std::sync::Arc;

/// Every key `init(config)` knows, in docs/interfaces.md order.
pub const KEYS: &[&str] = &[
    "endpoint",
    "instrument",
    "format",
    "dimensions",
    "recovery",
    "outcomes",
    "weights",
    "locale",
    "strings",
    "mode",
    "target",
    "launcher",
    "trigger",
    "sampleRate",
    "recontactDays",
    "dismissDays",
    "consent",
    "respectGpc",
    "showSummary",
    "theme",
    "headers",
    "beforeSend",
    "timeoutMs",
    "site",
    "meta",
    "resumeHours",
    "partial",
];

/// The outcome questions, in the order the widget asks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Nps,
    Csat,
    Ces,
    Satisfaction,
    Value,
    Loyalty,
    Comment,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::Nps,
        Outcome::Csat,
        Outcome::Ces,
        Outcome::Satisfaction,
        Outcome::Value,
        Outcome::Loyalty,
        Outcome::Comment,
    ];

    /// The name in the config and the payload's `outcomes`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Nps => "nps",
            Outcome::Csat => "csat",
            Outcome::Ces => "ces",
            Outcome::Satisfaction => "satisfaction",
            Outcome::Value => "value",
            Outcome::Loyalty => "loyalty",
            Outcome::Comment => "comment",
        }
    }
}

/// Popover (launcher + modal dialog) or inline (in the host's `target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Popover,
    Inline,
}

/// Where the inline widget goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A CSS selector the page resolves.
    Selector(String),
    /// An element the host passed (the wasm layer holds it).
    Element,
}

/// Whether the site consents to asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Fixed(bool),
    /// A host function decides (the wasm layer calls it).
    Function,
}

/// `light`, `dark` or `auto` (the visitor's `prefers-color-scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeMode {
    Light,
    Dark,
    Auto,
}

/// The `theme` object; `accent`, `radius` and `font` are CSS values, checked to be plain ones
/// (they go into a stylesheet as custom properties).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub mode: ThemeMode,
    pub accent: Option<String>,
    pub radius: Option<String>,
    pub font: Option<String>,
}

/// A `meta` value.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// A checked `init(config)`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The absolute endpoint URL (checked by [`check_endpoint`]).
    pub endpoint: String,
    /// The instrument, format and dimension set administered.
    pub form: Form,
    /// E-RecS-QUAL after the screening question: only ever true with `e-s-qual`.
    pub recovery: bool,
    pub outcomes: Vec<Outcome>,
    pub weights: bool,
    /// The configured locale tag; `None` = the best match of the browser's languages.
    pub locale: Option<String>,
    pub strings: Keyed<String>,
    pub mode: Mode,
    pub target: Option<Target>,
    pub launcher: bool,
    pub trigger: Trigger,
    pub settings: Settings,
    pub consent: Consent,
    pub show_summary: bool,
    pub theme: Theme,
    pub headers: Keyed<String>,
    /// A `beforeSend` function was given (the wasm layer holds it).
    pub before_send: bool,
    pub timeout_ms: f64,
    pub site: Option<String>,
    pub meta: Keyed<Meta>,
    /// How long a half-finished questionnaire is kept to continue (0: not kept).
    pub resume_hours: f64,
    /// Answers of a visitor who leaves half-way are sent as a partial response.
    pub partial: bool,
}

/// The longest `resumeHours`: thirty days.
pub const MAX_RESUME_HOURS: f64 = 720.0;

/// The longest `timeoutMs`: five minutes.
pub const MAX_TIMEOUT_MS: f64 = 300_000.0;

impl Config {
    /// Reads a config from a JSON value (natively, for tests and tools).
    pub fn from_value(value: serde_json::Value) -> Result<Config, Error> {
        Config::read(&&value, &Registry::builtin())
    }

    /// Reads and checks a config; every error names its key path (`trigger.ms`, `theme.mode`).
    pub fn read(v: &impl Source, registry: &Registry) -> Result<Config, Error> {
        // Taken out of its source first: the readers then walk plain references.
        Config::read_tree(&&v.tree(), registry)
    }

    fn read_tree<J: Json>(v: &J, registry: &Registry) -> Result<Config, Error> {
        let root = At::ROOT;
        if v.kind() != Kind::Object {
            return Err(root.error(ErrorCode::InvalidType, "init() takes a config object"));
        }
        let mut f = Fields::of(v, &root, KEYS)?;
        let key = |name: &'static str| root.key(name);
        let flag = |f: &mut Fields<J>, name: &'static str, default: bool| -> Result<bool, Error> {
            Ok(f.opt_bool(name)?.unwrap_or(default))
        };
        let text = |f: &mut Fields<J>, name: &'static str| f.opt_string(name);

        let endpoint = read_string(&f.need("endpoint")?, &key("endpoint"))?;
        check_endpoint(&endpoint)?;

        // The instrument: a built-in id or a custom instrument object.
        let instrument: Arc<Instrument> = match f.take("instrument") {
            None => registry.require("e-s-qual", "instrument")?,
            Some(i) if i.kind() == Kind::Null => registry.require("e-s-qual", "instrument")?,
            Some(i) if i.kind() == Kind::String => {
                registry.require(&read_string(&i, &key("instrument"))?, "instrument")?
            }
            Some(i) if i.kind() == Kind::Object => Arc::new(Instrument::read(&i, &key("instrument"))?),
            Some(i) => return Err(key("instrument").expected("an instrument id or a custom instrument object", &i)),
        };
        let format = f.opt("format", Format::read)?.unwrap_or(instrument.default_format);
        if format == Format::Zone && instrument.items().any(|i| i.reverse) {
            return Err(key("format").error(ErrorCode::InvalidFormat, "zone format cannot have reverse-keyed items"));
        }
        let form = match f.opt("dimensions", read_codes)? {
            Some(codes) => Form::with_dimensions(instrument, format, &codes, "dimensions")?,
            None => Form::new(instrument, format),
        };
        let recovery = flag(&mut f, "recovery", true)? && form.instrument.id == "e-s-qual";

        let outcomes = match f.take("outcomes") {
            None => vec![Outcome::Nps, Outcome::Comment],
            Some(v) => {
                let at = key("outcomes");
                let mut out = Vec::new();
                for (i, x) in read_array(&v, &at)?.iter().enumerate() {
                    let here = at.index(i);
                    let name = read_string(x, &here)?;
                    let Some(o) = Outcome::ALL.into_iter().find(|o| o.as_str() == name) else {
                        return Err(here.error(
                            ErrorCode::OutOfRange,
                            list("unknown outcome; expected one of: ", Outcome::ALL.iter().map(|o| o.as_str())),
                        ));
                    };
                    if out.contains(&o) {
                        return Err(here.error(ErrorCode::OutOfRange, "this outcome is listed twice"));
                    }
                    out.push(o);
                }
                // Asked in a fixed order, whatever the order of the list.
                Outcome::ALL.into_iter().filter(|o| out.contains(o)).collect()
            }
        };
        let weights = flag(&mut f, "weights", false)?;

        let strings = match f.take("strings") {
            Some(v) => Keyed(read_strings(&v, &key("strings"))?),
            None => Keyed::new(),
        };
        let locale = text(&mut f, "locale")?;
        if let Some(tag) = &locale {
            if tag.is_empty()
                || tag.len() > 35
                || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(
                    key("locale").error(ErrorCode::OutOfRange, "expected a language tag such as en, zh-CN or zh-TW")
                );
            }
            if Locale::parse(tag).is_none() && strings.is_empty() {
                return Err(key("locale").error(
                    ErrorCode::OutOfRange,
                    "this locale is not built in (en, zh-CN, zh-TW): give its text in `strings`",
                ));
            }
        }

        let mode = match text(&mut f, "mode")?.as_deref() {
            None | Some("popover") => Mode::Popover,
            Some("inline") => Mode::Inline,
            Some(_) => return Err(key("mode").error(ErrorCode::OutOfRange, "expected popover or inline")),
        };
        let target = match f.take("target") {
            None => None,
            Some(t) => match t.kind() {
                Kind::Null => None,
                Kind::String => {
                    let s = read_string(&t, &key("target"))?;
                    if s.trim().is_empty() {
                        return Err(key("target").error(ErrorCode::OutOfRange, "expected a CSS selector or an element"));
                    }
                    Some(Target::Selector(s))
                }
                Kind::Other => Some(Target::Element),
                _ => return Err(key("target").expected("a CSS selector or an element", &t)),
            },
        };
        if mode == Mode::Inline && target.is_none() {
            return Err(key("target")
                .error(ErrorCode::MissingField, "inline mode needs a target: a CSS selector or an element"));
        }
        let launcher = flag(&mut f, "launcher", true)?;
        let trigger = match f.take("trigger") {
            Some(t) if t.kind() != Kind::Null => Trigger::read(&t, &key("trigger"))?,
            _ => Trigger::Manual,
        };
        let mut settings = Settings::default();
        settings.take_from(&mut f, &root)?;
        let consent = match f.take("consent") {
            None => Consent::Fixed(true),
            Some(c) => match c.kind() {
                Kind::Bool => Consent::Fixed(read_bool(&c, &key("consent"))?),
                Kind::Other => Consent::Function,
                _ => return Err(key("consent").expected("true, false or a function", &c)),
            },
        };
        let show_summary = flag(&mut f, "showSummary", true)?;
        let theme = match f.take("theme") {
            Some(t) => read_theme(&t, &key("theme"))?,
            None => Theme { mode: ThemeMode::Auto, accent: None, radius: None, font: None },
        };
        let headers = match f.take("headers") {
            Some(h) => read_headers(&h, &key("headers"))?,
            None => Keyed::new(),
        };
        let before_send = match f.take("beforeSend") {
            None => false,
            Some(b) if b.kind() == Kind::Null => false,
            Some(b) if b.kind() == Kind::Other => true,
            Some(b) => return Err(key("beforeSend").expected("a function", &b)),
        };
        let timeout_ms = match f.take("timeoutMs") {
            Some(t) => {
                let ms = read_number(&t, &key("timeoutMs"))?;
                if !(1.0..=MAX_TIMEOUT_MS).contains(&ms) {
                    return Err(key("timeoutMs").error(ErrorCode::OutOfRange, "expected 1 to 300000 milliseconds"));
                }
                ms
            }
            None => 10_000.0,
        };
        let site = text(&mut f, "site")?;
        let meta = match f.take("meta") {
            Some(m) => read_meta(&m, &key("meta"))?,
            None => Keyed::new(),
        };
        let resume_hours = match f.take("resumeHours") {
            Some(h) => {
                let hours = read_number(&h, &key("resumeHours"))?;
                if !(0.0..=MAX_RESUME_HOURS).contains(&hours) {
                    return Err(key("resumeHours").error(ErrorCode::OutOfRange, "expected 0 (off) to 720 hours"));
                }
                hours
            }
            None => 24.0,
        };
        let partial = flag(&mut f, "partial", false)?;
        Ok(Config {
            endpoint,
            form,
            recovery,
            outcomes,
            weights,
            locale,
            strings,
            mode,
            target,
            launcher,
            trigger,
            settings,
            consent,
            show_summary,
            theme,
            headers,
            before_send,
            timeout_ms,
            site,
            meta,
            resume_hours,
            partial,
        })
    }
}

fn read_theme<J: Json>(v: &J, at: &At) -> Result<Theme, Error> {
    let mut f = Fields::of(v, at, &["mode", "accent", "radius", "font"])?;
    let mode = match f.opt_string("mode")?.as_deref() {
        None | Some("auto") => ThemeMode::Auto,
        Some("light") => ThemeMode::Light,
        Some("dark") => ThemeMode::Dark,
        Some(_) => return Err(at.key("mode").error(ErrorCode::OutOfRange, "expected light, dark or auto")),
    };
    let mut css = |name: &'static str| -> Result<Option<String>, Error> {
        let here = at.key(name);
        let value = f.opt_string(name)?;
        match value {
            Some(s) if !plain_css_value(&s) => Err(here.error(
                ErrorCode::OutOfRange,
                "expected a plain CSS value (a colour, a length or font names): no ; { } \\ < > @, url() or image functions",
            )),
            other => Ok(other),
        }
    };
    Ok(Theme { mode, accent: css("accent")?, radius: css("radius")?, font: css("font")? })
}

/// A CSS value that cannot leave its declaration nor fetch anything: letters, digits, spaces
/// and `# % . , ( ) - _ ' " / +`, at most 200 bytes, and no `url(` or image function.
pub fn plain_css_value(s: &str) -> bool {
    // A byte-window search rather than `str::contains(&str)`, whose two-way searcher is ~4 KB
    // of wasm for three short needles.
    let has = |needle: &[u8]| s.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle));
    !s.trim().is_empty()
        && s.len() <= 200
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b" #%.,()-_'\"/+".contains(&b))
        && !has(b"url")
        && !has(b"image")
        && !has(b"element(")
}

fn read_headers<J: Json>(v: &J, at: &At) -> Result<Keyed<String>, Error> {
    let mut out = Keyed::new();
    for (name, value) in read_strings(v, at)? {
        let here = at.key(&name);
        // An HTTP token (RFC 9110 §5.6.2).
        let token =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            return Err(here.error(ErrorCode::OutOfRange, "not a valid header name"));
        }
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(here.error(ErrorCode::OutOfRange, "a header value cannot hold line breaks"));
        }
        out.insert(name, value);
    }
    Ok(out)
}

fn read_meta<J: Json>(v: &J, at: &At) -> Result<Keyed<Meta>, Error> {
    let mut out = Keyed::new();
    for (k, x) in crate::json::read_object(v, at)? {
        let here = at.key(k);
        let value = match x.kind() {
            Kind::String => Meta::Text(read_string(&x, &here)?),
            Kind::Bool => Meta::Bool(read_bool(&x, &here)?),
            Kind::Number => {
                let n = read_number(&x, &here)?;
                if !n.is_finite() {
                    return Err(here.error(ErrorCode::OutOfRange, "expected a finite number"));
                }
                Meta::Number(n)
            }
            _ => return Err(here.expected("a string, a number or a boolean", &x)),
        };
        out.0.push((k.to_string(), value));
    }
    Ok(out)
}

/// Checks the endpoint: an absolute `https:` URL, or `http:` to localhost, 127.0.0.1 or [::1];
/// no user name or password in it; no other scheme. Errors name `endpoint`.
pub fn check_endpoint(url: &str) -> Result<(), Error> {
    let bad = |message: &str| Err(Error::new(ErrorCode::OutOfRange, "endpoint", message));
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return bad("the endpoint URL contains spaces or control characters");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return bad("the endpoint must be an absolute https: URL");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return bad("the endpoint must be an https: URL (http: only for localhost); no other scheme");
    }
    let Some(rest) = rest.strip_prefix("//") else {
        return bad("the endpoint must be an absolute https: URL");
    };
    // `split` and `split_inclusive` rather than slicing by index: no slice panic (and its
    // formatting) linked into the wasm.
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    if authority.contains('@') {
        return bad("the endpoint URL must not carry a user name or password");
    }
    let host = if authority.starts_with('[') {
        match authority.split_inclusive(']').next() {
            Some(h) if h.ends_with(']') => h,
            _ => return bad("the endpoint URL has an unclosed IPv6 address"),
        }
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return bad("the endpoint URL has no host");
    }
    let host = host.to_ascii_lowercase();
    let loopback = host == "localhost" || host == "127.0.0.1" || host == "[::1]";
    if scheme == "http" && !loopback {
        return bad("the endpoint must use https: (plain http: only for localhost, 127.0.0.1 and [::1])");
    }
    Ok(())
}

/// The locale a widget speaks: the tag for the payload and the built-in table behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiLocale {
    pub tag: String,
    pub builtin: Locale,
}

/// The configured locale, else the first of the browser's `languages` with a built-in match,
/// else English.
pub fn pick_locale(configured: Option<&str>, languages: &[String]) -> UiLocale {
    if let Some(tag) = configured {
        return UiLocale { tag: tag.to_string(), builtin: Locale::parse(tag).unwrap_or(Locale::En) };
    }
    let builtin = languages.iter().find_map(|l| Locale::parse(l)).unwrap_or(Locale::En);
    UiLocale { tag: builtin.tag().to_string(), builtin }
}

impl Config {
    /// The text of `key` for `locale`: the site's `strings`, then a custom instrument's own
    /// wording (`item.CODE`, `dimension.CODE`), then the built-in table, then the key itself.
    pub fn text(&self, locale: &UiLocale, key: &str) -> String {
        if let Some(s) = self.strings.get(key) {
            return s.clone();
        }
        let inst = &self.form.instrument;
        if !inst.builtin {
            let pick = |t: &Keyed<String>| {
                t.get(&locale.tag).or_else(|| t.get("en")).or_else(|| t.0.first().map(|(_, v)| v)).cloned()
            };
            if let Some(code) = key.strip_prefix("item.") {
                if let Some(item) = inst.items().find(|i| i.code == code) {
                    return pick(&item.text).unwrap_or_else(|| code.to_string());
                }
            }
            if let Some(code) = key.strip_prefix("dimension.") {
                if let Some(d) = inst.dimensions.iter().find(|d| d.code == code) {
                    return pick(&d.name).unwrap_or_else(|| code.to_string());
                }
            }
        }
        text::text(locale.builtin, key).map_or_else(|| key.to_string(), str::to_string)
    }
}
