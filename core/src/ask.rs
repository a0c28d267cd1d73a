//! When to ask: triggers, what a site remembers of a visitor, and the decision to ask, as pure functions of settings, memory and environment.

use crate::error::{Error, ErrorCode};
use crate::json::{list, read_bool, read_number, read_string, At, Fields, Json, Kind as JsonKind};
use serde::de::{self, Deserializer, Unexpected};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The `localStorage` key of the visitor's [`Memory`] (one per site, as storage is per origin).
pub const MEMORY_KEY: &str = "eservqual.memory";

/// One day in milliseconds: the unit of `recontactDays` and `dismissDays`, and the longest delay.
pub const DAY_MS: f64 = 86_400_000.0;

/// The longest event name a trigger accepts, in characters (Unicode scalar values).
pub const MAX_EVENT_NAME: usize = 64;

/// The largest `f64` below 1: where a random number of 1 or more is clamped, so a draw always
/// stays below a sample rate of 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

// ---------------------------------------------------------------------------------------------
// Triggers

/// When the widget opens by itself: the config's `trigger` (`{on: "delay", ms: 5000}`) or the
/// `data-trigger` attribute (`delay:5000`, see [`Trigger::parse_attr`]). The default is manual.
///
/// Reading ([`Trigger::read`]) checks the ranges too, so a bad value is an error naming its
/// field (`ms`, `percent`, ...); a field that belongs to another kind (`{on: "load", ms: 5}`)
/// is an unknown field, like any other unknown key.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "on", rename_all = "kebab-case")]
pub enum Trigger {
    /// Only `open()` opens the widget.
    #[default]
    Manual,
    /// As soon as the widget is ready.
    Load,
    /// `ms` milliseconds after the page loaded (0 to one day).
    Delay { ms: f64 },
    /// When the pointer leaves the page towards the browser's chrome.
    ExitIntent,
    /// When the visitor has scrolled `percent` of the page (0 to 100).
    Scroll { percent: f64 },
    /// On the `count`-th page view of the site or later (1 or more).
    Pageviews { count: u32 },
    /// When the host page calls `trigger(name)`; `name` has 1 to 64 characters.
    Event { name: String },
}

/// The trigger kinds by their `on` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Manual,
    Load,
    Delay,
    ExitIntent,
    Scroll,
    Pageviews,
    Event,
}

impl Kind {
    fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "manual" => Kind::Manual,
            "load" => Kind::Load,
            "delay" => Kind::Delay,
            "exit-intent" => Kind::ExitIntent,
            "scroll" => Kind::Scroll,
            "pageviews" => Kind::Pageviews,
            "event" => Kind::Event,
            _ => return None,
        })
    }

    /// The one value field of the kind, if it has one.
    fn field(self) -> Option<&'static str> {
        match self {
            Kind::Manual | Kind::Load | Kind::ExitIntent => None,
            Kind::Delay => Some("ms"),
            Kind::Scroll => Some("percent"),
            Kind::Pageviews => Some("count"),
            Kind::Event => Some("name"),
        }
    }
}

const EXPECT_KIND: &str =
    "a trigger: manual, load, delay:<ms>, exit-intent, scroll:<percent>, pageviews:<count> or event:<name>";
const EXPECT_MS: &str = "a delay from 0 to 86400000 ms (one day)";
const EXPECT_PERCENT: &str = "a scroll depth from 0 to 100 percent";
const EXPECT_COUNT: &str = "a page view count of at least 1";
const EXPECT_NAME: &str = "an event name of 1 to 64 characters";

// The range rules, shared by deserializing, `validate` and `parse_attr`. Written as positive
// tests so that NaN fails them.
fn ms_ok(ms: f64) -> bool {
    (0.0..=DAY_MS).contains(&ms)
}

fn percent_ok(percent: f64) -> bool {
    (0.0..=100.0).contains(&percent)
}

fn count_ok(count: u32) -> bool {
    count >= 1
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && crate::text::char_count(name) <= MAX_EVENT_NAME
}

impl Trigger {
    /// Reads the config's `trigger` object; errors name `trigger` or its field (`trigger.ms`).
    pub fn from_value(value: serde_json::Value) -> Result<Trigger, Error> {
        let root = At::ROOT;
        Trigger::read(&&value, &root.key("trigger"))
    }

    /// Reads a trigger object at `at`, checking each value's range as it is read so that the
    /// error path points at it. A field of another kind (`{on: "load", ms: 5}`) is an unknown
    /// field, like any other unknown key.
    pub fn read<J: Json>(v: &J, at: &At) -> Result<Trigger, Error> {
        if v.kind() != JsonKind::Object {
            return Err(at.expected("an object", v));
        }
        const FIELDS: [&str; 4] = ["ms", "percent", "count", "name"];
        let mut f = Fields::of(v, at, &["on", "ms", "percent", "count", "name"])?;
        let on_at = at.key("on");
        let on = read_string(&f.need("on")?, &on_at)?;
        let kind = Kind::from_name(&on)
            .ok_or_else(|| on_at.error(ErrorCode::OutOfRange, list("expected ", [EXPECT_KIND].into_iter())))?;
        let own = kind.field();
        for field in FIELDS {
            if own != Some(field) && f.take(field).is_some() {
                let expected = own.map_or("on", |_| "on and its value");
                return Err(at.key(field).error(
                    ErrorCode::UnknownField,
                    list("unknown field for this trigger; expected ", [expected].into_iter()),
                ));
            }
        }
        let Some(field) = own else {
            return Ok(match kind {
                Kind::Load => Trigger::Load,
                Kind::ExitIntent => Trigger::ExitIntent,
                _ => Trigger::Manual,
            });
        };
        let value = f.need(field)?;
        let here = at.key(field);
        let range = |ok: bool, expected: &str| {
            if ok {
                Ok(())
            } else {
                Err(here.error(ErrorCode::OutOfRange, list("expected ", [expected].into_iter())))
            }
        };
        Ok(match kind {
            Kind::Delay => {
                let ms = read_number(&value, &here)?;
                range(ms_ok(ms), EXPECT_MS)?;
                Trigger::Delay { ms }
            }
            Kind::Scroll => {
                let percent = read_number(&value, &here)?;
                range(percent_ok(percent), EXPECT_PERCENT)?;
                Trigger::Scroll { percent }
            }
            Kind::Pageviews => {
                let n = read_number(&value, &here)?;
                if !n.is_finite() || n.fract() != 0.0 {
                    return Err(here.error(ErrorCode::InvalidType, "expected a whole number"));
                }
                range(n >= 1.0 && n <= f64::from(u32::MAX), EXPECT_COUNT)?;
                Trigger::Pageviews { count: n as u32 }
            }
            _ => {
                let name = read_string(&value, &here)?;
                range(name_ok(&name), EXPECT_NAME)?;
                Trigger::Event { name }
            }
        })
    }

    /// Checks the ranges of a trigger built in code (a deserialized one is already checked).
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |field: &str, message: &str| Err(Error::new(ErrorCode::OutOfRange, field, message));
        match self {
            Trigger::Delay { ms } if !ms_ok(*ms) => bad("trigger.ms", EXPECT_MS),
            Trigger::Scroll { percent } if !percent_ok(*percent) => bad("trigger.percent", EXPECT_PERCENT),
            Trigger::Pageviews { count } if !count_ok(*count) => bad("trigger.count", EXPECT_COUNT),
            Trigger::Event { name } if !name_ok(name) => bad("trigger.name", EXPECT_NAME),
            _ => Ok(()),
        }
    }

    /// Parses the `data-trigger` attribute: `manual`, `load`, `exit-intent`, `delay:5000`,
    /// `scroll:50`, `pageviews:3` or `event:order-complete`.
    ///
    /// Whitespace around the whole and around the value is ignored; the kind is lower case.
    /// Numbers are plain decimals (`-`, digits, an optional fraction; no exponent, `+`, `NaN`).
    /// An event name is everything after the first `:`, so it may itself contain colons.
    /// Errors: an unknown kind is `out-of-range` at `trigger`; a value on a kind that takes none
    /// is `invalid-type` at `trigger`; a kind without its `:value` is `missing-field` at
    /// `trigger.ms` (and so on), as the object form would say; a value that is not a number is
    /// `invalid-type` and one outside its range `out-of-range`, both at `trigger.ms` etc.
    pub fn parse_attr(attr: &str) -> Result<Trigger, Error> {
        let attr = attr.trim();
        let (kind, value) = match attr.split_once(':') {
            Some((kind, value)) => (kind.trim(), Some(value.trim())),
            None => (attr, None),
        };
        let kind = Kind::from_name(kind)
            .ok_or_else(|| Error::new(ErrorCode::OutOfRange, "trigger", format!("expected {EXPECT_KIND}")))?;
        let path = kind.field().map_or_else(|| String::from("trigger"), |field| format!("trigger.{field}"));
        let out_of_range =
            |expected: &str| Error::new(ErrorCode::OutOfRange, path.clone(), format!("expected {expected}"));
        let not_number = || Error::new(ErrorCode::InvalidType, path.clone(), "expected a number");
        match (kind, value) {
            (Kind::Manual, None) => Ok(Trigger::Manual),
            (Kind::Load, None) => Ok(Trigger::Load),
            (Kind::ExitIntent, None) => Ok(Trigger::ExitIntent),
            (Kind::Manual | Kind::Load | Kind::ExitIntent, Some(_)) => {
                Err(Error::new(ErrorCode::InvalidType, path, "this trigger takes no value"))
            }
            (_, None) => Err(Error::new(ErrorCode::MissingField, path, "this trigger needs a value after `:`")),
            (Kind::Delay, Some(value)) => {
                let ms = decimal(value).ok_or_else(not_number)?;
                if ms_ok(ms) {
                    Ok(Trigger::Delay { ms })
                } else {
                    Err(out_of_range(EXPECT_MS))
                }
            }
            (Kind::Scroll, Some(value)) => {
                let percent = decimal(value).ok_or_else(not_number)?;
                if percent_ok(percent) {
                    Ok(Trigger::Scroll { percent })
                } else {
                    Err(out_of_range(EXPECT_PERCENT))
                }
            }
            (Kind::Pageviews, Some(value)) => {
                let n = decimal(value).ok_or_else(not_number)?;
                if value.contains('.') {
                    return Err(Error::new(ErrorCode::InvalidType, path.clone(), "expected a whole number"));
                }
                // Compared as f64 first: `as u32` would saturate a huge count into range.
                if n >= 1.0 && n <= f64::from(u32::MAX) {
                    Ok(Trigger::Pageviews { count: n as u32 })
                } else {
                    Err(out_of_range(EXPECT_COUNT))
                }
            }
            (Kind::Event, Some(value)) => {
                if name_ok(value) {
                    Ok(Trigger::Event { name: value.to_string() })
                } else {
                    Err(out_of_range(EXPECT_NAME))
                }
            }
        }
    }
}

/// A plain decimal `-?digits(.digits)?`: the grammar a JS loader can match with one regex, unlike
/// Rust's float parser, which also takes `inf`, `NaN`, `1e3` and `+5`.
fn decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    text.parse().ok()
}

/// What the browser layer has observed on this page, for [`trigger_fires`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TriggerState {
    /// Milliseconds since the page loaded.
    pub elapsed_ms: f64,
    /// The deepest scroll so far, 0 to 100; a page that cannot scroll counts as 100.
    pub max_scroll_percent: f64,
    /// The pointer has left the page towards the browser's chrome.
    pub exit_intent: bool,
    /// Page views of the site so far, this one included ([`Memory::pageviews`]).
    pub pageviews: u32,
    /// Names passed to `trigger(name)` on this page.
    pub events: Vec<String>,
}

/// Whether `trigger` opens the widget now. `manual` never does by itself; `load` always does.
/// A NaN elapsed time or scroll depth does not fire (comparisons with NaN are false).
pub fn trigger_fires(trigger: &Trigger, state: &TriggerState) -> bool {
    match trigger {
        Trigger::Manual => false,
        Trigger::Load => true,
        Trigger::Delay { ms } => state.elapsed_ms >= *ms,
        Trigger::ExitIntent => state.exit_intent,
        Trigger::Scroll { percent } => state.max_scroll_percent >= *percent,
        Trigger::Pageviews { count } => state.pageviews >= *count,
        Trigger::Event { name } => state.events.iter().any(|e| e == name),
    }
}

// ---------------------------------------------------------------------------------------------
// Memory, settings, environment

/// What the site keeps about a visitor (one JSON object in `localStorage` per site), written by
/// the loader and the widget alike:
/// `{"draw":0.42,"submittedAt":1700000000000,"dismissedAt":1700000000000,"pageviews":3}`.
/// Absent fields are left out; unknown fields are ignored, so a newer writer does not wipe it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    /// The visitor's sampling draw in [0, 1), drawn once and kept so that the decision to
    /// sample is stable per visitor ([`draw_for`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draw: Option<f64>,
    /// When the visitor last submitted, ms since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<f64>,
    /// When the visitor last dismissed the widget unanswered, ms since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dismissed_at: Option<f64>,
    /// Page views of the site so far ([`record_pageview`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub pageviews: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Memory {
    /// Reads stored memory, field by field: storage can be edited or damaged, and one bad
    /// field should not cost the others (a lost draw would re-sample the visitor). Anything
    /// unusable reads as absent; unknown fields are ignored. The one reader of memory: the
    /// wasm passes the parsed storage text, [`Memory::from_json`] the text natively.
    pub fn read(v: &impl Json) -> Memory {
        let mut m = Memory::default();
        for (key, value) in v.members().unwrap_or_default() {
            let Some(n) = value.number().filter(|n| n.is_finite()) else { continue };
            match key {
                "draw" if valid_draw(n) => m.draw = Some(n),
                "submittedAt" => m.submitted_at = Some(n),
                "dismissedAt" => m.dismissed_at = Some(n),
                // Saturating: `as` maps negatives to 0 and huge counts to u32::MAX.
                "pageviews" => m.pageviews = n as u32,
                _ => {}
            }
        }
        m
    }

    /// Reads stored memory text with [`Memory::read`]; text that is not JSON reads as empty memory.
    pub fn from_json(text: &str) -> Memory {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Memory::read(&&v),
            Err(_) => Memory::default(),
        }
    }

    /// The compact JSON to store.
    pub fn to_json(&self) -> String {
        // serde_json writes a non-finite number as `null`, which reads back as absent.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

fn valid_draw(d: f64) -> bool {
    (0.0..1.0).contains(&d)
}

/// Keeps the visitor's existing draw, or stores `random` (clamped into [0, 1)) as the draw, and
/// returns the draw in force. A stored draw outside [0, 1) is replaced: it cannot have come from
/// here. A NaN `random` becomes the largest draw, sampled only at rate 1: a broken random
/// source should not sample everyone in.
pub fn draw_for(memory: &mut Memory, random: f64) -> f64 {
    if let Some(d) = memory.draw.filter(|d| valid_draw(*d)) {
        return d;
    }
    let d = if random.is_nan() { BELOW_ONE } else { random.clamp(0.0, BELOW_ONE) };
    // `clamp` keeps -0.0; store a plain 0.
    let d = if d == 0.0 { 0.0 } else { d };
    memory.draw = Some(d);
    d
}

/// Counts one page view (saturating).
pub fn record_pageview(memory: &mut Memory) {
    memory.pageviews = memory.pageviews.saturating_add(1);
}

/// Notes a submit at `now_ms`. A non-finite time is not recorded: it would be stored as
/// `null` anyway.
pub fn record_submit(memory: &mut Memory, now_ms: f64) {
    if now_ms.is_finite() {
        memory.submitted_at = Some(now_ms);
    }
}

/// Notes a dismissal at `now_ms` (a non-finite time is not recorded).
pub fn record_dismiss(memory: &mut Memory, now_ms: f64) {
    if now_ms.is_finite() {
        memory.dismissed_at = Some(now_ms);
    }
}

/// The config keys that govern whether to ask, with the config's names and defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Share of visitors who are asked, 0 to 1.
    pub sample_rate: f64,
    /// Days not to ask again after a submit.
    pub recontact_days: f64,
    /// Days not to ask again after a dismissal.
    pub dismiss_days: f64,
    /// Never ask a visitor whose browser sends Global Privacy Control.
    pub respect_gpc: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { sample_rate: 1.0, recontact_days: 90.0, dismiss_days: 14.0, respect_gpc: true }
    }
}

impl Settings {
    /// The names of the settings' config keys.
    pub const KEYS: [&'static str; 4] = ["sampleRate", "recontactDays", "dismissDays", "respectGpc"];

    /// Reads `{sampleRate?, recontactDays?, dismissDays?, respectGpc?}` (absent = the default;
    /// no other keys) and checks the ranges.
    pub fn from_value(value: serde_json::Value) -> Result<Settings, Error> {
        let root = At::ROOT;
        let v = &value;
        let mut f = Fields::of(&v, &root, &Settings::KEYS)?;
        let mut s = Settings::default();
        s.take_from(&mut f, &root)?;
        Ok(s)
    }

    /// Takes the settings' keys out of an object being read at `at` (a config or a table row),
    /// leaving the defaults for absent ones and checking the ranges.
    pub fn take_from<J: Json>(&mut self, f: &mut Fields<J>, at: &At) -> Result<(), Error> {
        let num = |f: &mut Fields<J>, name: &str, slot: &mut f64| -> Result<(), Error> {
            if let Some(v) = f.take(name) {
                *slot = read_number(&v, &at.key(name))?;
            }
            Ok(())
        };
        num(f, "sampleRate", &mut self.sample_rate)?;
        num(f, "recontactDays", &mut self.recontact_days)?;
        num(f, "dismissDays", &mut self.dismiss_days)?;
        if let Some(v) = f.take("respectGpc") {
            self.respect_gpc = read_bool(&v, &at.key("respectGpc"))?;
        }
        self.validate().map_err(|e| e.within(&at.path()))
    }

    /// Checks the ranges; errors name the config key (`sampleRate`, ...).
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |field: &str, message: &str| Err(Error::new(ErrorCode::OutOfRange, field, message));
        if !(0.0..=1.0).contains(&self.sample_rate) {
            return bad("sampleRate", "expected a number from 0 to 1");
        }
        if !(self.recontact_days.is_finite() && self.recontact_days >= 0.0) {
            return bad("recontactDays", "expected a finite number of days, 0 or more");
        }
        if !(self.dismiss_days.is_finite() && self.dismiss_days >= 0.0) {
            return bad("dismissDays", "expected a finite number of days, 0 or more");
        }
        Ok(())
    }
}

/// The moment of the decision, as the browser reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    /// Now, ms since the Unix epoch.
    pub now_ms: f64,
    /// `navigator.globalPrivacyControl` is on.
    pub gpc: bool,
    /// The site's consent: `None` while a consent function's promise has not settled.
    pub consent: Option<bool>,
}

impl Env {
    /// Reads `{nowMs, gpc, consent}` (`consent` may be `null` or absent: not known yet).
    pub fn from_value(value: serde_json::Value) -> Result<Env, Error> {
        let root = At::ROOT;
        let v = &&value;
        let mut f = Fields::of(v, &root, &["nowMs", "gpc", "consent"])?;
        let now_ms = read_number(&f.need("nowMs")?, &root.key("nowMs"))?;
        let gpc = read_bool(&f.need("gpc")?, &root.key("gpc"))?;
        let consent = f.opt_bool("consent")?;
        Ok(Env { now_ms, gpc, consent })
    }
}

// ---------------------------------------------------------------------------------------------
// The decision

/// Why a visitor is not asked; the kebab-case names are stable (JS, shared test table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// The browser sends Global Privacy Control and `respectGpc` is on.
    Gpc,
    /// The site's consent is `false`.
    NoConsent,
    /// The site's consent is not known yet; decide again once it is.
    ConsentPending,
    /// A submit less than `recontactDays` ago.
    RecentlySubmitted,
    /// A dismissal less than `dismissDays` ago.
    RecentlyDismissed,
    /// The visitor's draw is not below the sample rate.
    NotSampled,
}

impl SkipReason {
    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Gpc => "gpc",
            SkipReason::NoConsent => "no-consent",
            SkipReason::ConsentPending => "consent-pending",
            SkipReason::RecentlySubmitted => "recently-submitted",
            SkipReason::RecentlyDismissed => "recently-dismissed",
            SkipReason::NotSampled => "not-sampled",
        }
    }

    const ALL: [SkipReason; 6] = [
        SkipReason::Gpc,
        SkipReason::NoConsent,
        SkipReason::ConsentPending,
        SkipReason::RecentlySubmitted,
        SkipReason::RecentlyDismissed,
        SkipReason::NotSampled,
    ];
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether to ask this visitor. Serialized as one string: `"ask"` or the skip reason
/// (`"not-sampled"`, ...), the form of the shared test table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Ask,
    Skip(SkipReason),
}

impl Decision {
    /// `"ask"` or the skip reason's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Ask => "ask",
            Decision::Skip(reason) => reason.as_str(),
        }
    }

    pub fn is_ask(self) -> bool {
        self == Decision::Ask
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Decision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "ask" {
            return Ok(Decision::Ask);
        }
        SkipReason::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .map(Decision::Skip)
            .ok_or_else(|| de::Error::invalid_value(Unexpected::Str(&text), &"`ask` or a skip reason"))
    }
}

/// The privacy gates alone (GPC, then consent), which need nothing stored: a loader checks
/// them before it reads or writes any memory, so a visitor without consent leaves no trace.
pub fn privacy_skip(settings: &Settings, env: &Env) -> Option<SkipReason> {
    if settings.respect_gpc && env.gpc {
        return Some(SkipReason::Gpc);
    }
    match env.consent {
        Some(true) => None,
        Some(false) => Some(SkipReason::NoConsent),
        None => Some(SkipReason::ConsentPending),
    }
}

/// Decides whether to ask. The first rule that applies gives the reason:
///
/// 1. `gpc` — GPC is on and `respectGpc` is true;
/// 2. `no-consent` (consent `false`), then `consent-pending` (not known yet);
/// 3. `recently-submitted` — unless now ≥ `submittedAt` + `recontactDays` × 86 400 000 ms;
/// 4. `recently-dismissed` — unless now ≥ `dismissedAt` + `dismissDays` × 86 400 000 ms;
/// 5. `not-sampled` — unless draw < `sampleRate` (so rate 1 asks everyone, 0 no one).
///
/// Privacy comes first because it is never overridden; sampling comes last so that a reason
/// reports the rule a visitor would still meet if they were sampled.
///
/// Total over all inputs, NaN included: a window whose end cannot be computed or compared
/// (NaN time or days) keeps the visitor waiting, and so does a clock set back before the
/// recorded time; a missing or invalid draw counts as sampled only at a rate of 1 or more.
/// Call [`draw_for`] first so that the draw exists.
pub fn decide(settings: &Settings, memory: &Memory, env: &Env) -> Decision {
    if let Some(reason) = privacy_skip(settings, env) {
        return Decision::Skip(reason);
    }
    if waiting(memory.submitted_at, settings.recontact_days, env.now_ms) {
        return Decision::Skip(SkipReason::RecentlySubmitted);
    }
    if waiting(memory.dismissed_at, settings.dismiss_days, env.now_ms) {
        return Decision::Skip(SkipReason::RecentlyDismissed);
    }
    let sampled = match memory.draw.filter(|d| valid_draw(*d)) {
        Some(draw) => draw < settings.sample_rate,
        None => settings.sample_rate >= 1.0,
    };
    if !sampled {
        return Decision::Skip(SkipReason::NotSampled);
    }
    Decision::Ask
}

/// Whether a window opened at `at` and lasting `days` is still running at `now`. An unusable
/// `at` (non-finite; storage never holds one) is no window at all.
// The negated comparison is the point: "not yet over" is true for every NaN.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn waiting(at: Option<f64>, days: f64, now: f64) -> bool {
    match at {
        Some(at) if at.is_finite() => !(now >= at + days * DAY_MS),
        _ => false,
    }
}
