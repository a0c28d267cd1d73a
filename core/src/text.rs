//! Every built-in string (item wording, dimension names, format prompts, outcome questions and
//! widget UI text) in `en`, `zh-CN` and `zh-TW`, each under a stable key a site can override.
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

/// All built-in strings, sorted by key (byte order). The order is checked when the crate
/// compiles. [`text`] and [`keys`] read the same strings from the packed columns below, so a
/// build that only looks strings up (the wasm) links no per-entry table.
pub static ENTRIES: &[Entry] = TABLE;

/// The separator of the packed columns (no built-in string holds it).
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

const _: () = assert!(sorted_and_unique(TABLE), "text::ENTRIES must be sorted by key, without duplicates");

/// The table, written once: as [`Entry`] values (`TABLE`) and as four packed columns, each
/// string followed by [`SEP`] (`COL_KEY`, `COL_EN`, `COL_ZH_CN`, `COL_ZH_TW`).
macro_rules! table {
    ($(Entry { key: $k:literal, en: $en:literal, zh_cn: $cn:literal, zh_tw: $tw:literal $(,)? }),* $(,)?) => {
        const TABLE: &[Entry] = &[$(Entry { key: $k, en: $en, zh_cn: $cn, zh_tw: $tw }),*];
        const COL_KEY: &str = concat!($($k, "\0"),*);
        #[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
        const COL_EN: &str = concat!($($en, "\0"),*);
        #[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
        const COL_ZH_CN: &str = concat!($($cn, "\0"),*);
        #[cfg_attr(not(feature = "builtin-text"), allow(dead_code))]
        const COL_ZH_TW: &str = concat!($($tw, "\0"),*);
    };
}

table! {
    // Dimension names and a one-sentence hint on what each covers.
    Entry {
        key: "dimension.ASR",
        en: "Assurance",
        zh_cn: "保证性",
        zh_tw: "保證性",
    },
    Entry {
        key: "dimension.ASR.hint",
        en: "Whether the staff are knowledgeable and courteous, and you can trust them.",
        zh_cn: "员工是否专业、有礼，值得信赖。",
        zh_tw: "員工是否專業、有禮，值得信賴。",
    },
    Entry {
        key: "dimension.COM",
        en: "Compensation",
        zh_cn: "补偿",
        zh_tw: "補償",
    },
    Entry {
        key: "dimension.COM.hint",
        en: "Whether you are compensated when something goes wrong.",
        zh_cn: "出了问题时，您能否得到补偿。",
        zh_tw: "出問題時，您能不能得到補償。",
    },
    Entry {
        key: "dimension.CON",
        en: "Contact",
        zh_cn: "联系渠道",
        zh_tw: "聯絡管道",
    },
    Entry {
        key: "dimension.CON.hint",
        en: "Whether you can reach a person when you need help.",
        zh_cn: "需要帮助时，能否联系到真人。",
        zh_tw: "需要協助時，能不能聯絡到真人。",
    },
    Entry {
        key: "dimension.EFF",
        en: "Efficiency",
        zh_cn: "效率",
        zh_tw: "效率",
    },
    Entry {
        key: "dimension.EFF.hint",
        en: "How easy and quick it is to find things and get things done on the site.",
        zh_cn: "在网站上查找内容、办完事情是否方便快捷。",
        zh_tw: "在網站上找東西、把事情辦完是否方便又快速。",
    },
    Entry {
        key: "dimension.EMP",
        en: "Empathy",
        zh_cn: "关怀性",
        zh_tw: "關懷性",
    },
    Entry {
        key: "dimension.EMP.hint",
        en: "Whether you get caring, individual attention.",
        zh_cn: "您能否得到贴心、因人而异的关照。",
        zh_tw: "您能不能得到貼心、個別的關照。",
    },
    Entry {
        key: "dimension.FUL",
        en: "Fulfillment",
        zh_cn: "订单履行",
        zh_tw: "訂單履行",
    },
    Entry {
        key: "dimension.FUL.hint",
        en: "Whether orders arrive as promised and what is offered is described truthfully.",
        zh_cn: "订单是否按承诺送达，商品介绍是否真实准确。",
        zh_tw: "訂單是否照承諾送達，商品說明是否真實正確。",
    },
    Entry {
        key: "dimension.PRI",
        en: "Privacy",
        zh_cn: "隐私",
        zh_tw: "隱私",
    },
    Entry {
        key: "dimension.PRI.hint",
        en: "How well the site protects your personal and payment details.",
        zh_cn: "网站是否妥善保护您的个人信息和支付信息。",
        zh_tw: "網站是否妥善保護您的個人資料與付款資料。",
    },
    Entry {
        key: "dimension.REL",
        en: "Reliability",
        zh_cn: "可靠性",
        zh_tw: "可靠性",
    },
    Entry {
        key: "dimension.REL.hint",
        en: "Whether the company does what it promises, and does it accurately.",
        zh_cn: "公司是否说到做到，而且做得准确无误。",
        zh_tw: "公司是否說到做到，而且做得正確無誤。",
    },
    Entry {
        key: "dimension.RES",
        en: "Responsiveness",
        zh_cn: "响应性",
        zh_tw: "回應性",
    },
    Entry {
        key: "dimension.RES.hint",
        en: "How well problems and returns are dealt with.",
        zh_cn: "问题和退货处理得好不好。",
        zh_tw: "問題與退貨處理得好不好。",
    },
    Entry {
        key: "dimension.RSP",
        en: "Responsiveness",
        zh_cn: "响应性",
        zh_tw: "回應性",
    },
    Entry {
        key: "dimension.RSP.hint",
        en: "How willing and quick the staff are to help.",
        zh_cn: "员工是否乐于帮忙、行动是否迅速。",
        zh_tw: "員工是否樂意協助、動作是否迅速。",
    },
    Entry {
        key: "dimension.SYS",
        en: "System availability",
        zh_cn: "系统可用性",
        zh_tw: "系統可用性",
    },
    Entry {
        key: "dimension.SYS.hint",
        en: "Whether the site is always there and runs without technical trouble.",
        zh_cn: "网站能否随时访问，运行时有没有技术故障。",
        zh_tw: "網站是否隨時都能使用，運作時有沒有技術問題。",
    },
    Entry {
        key: "dimension.TAN",
        en: "Tangibles",
        zh_cn: "有形性",
        zh_tw: "有形性",
    },
    Entry {
        key: "dimension.TAN.hint",
        en: "How the premises, equipment, staff and printed materials look.",
        zh_cn: "场所、设备、员工和印刷资料给人的外在印象。",
        zh_tw: "場所、設備、員工與書面資料給人的外觀印象。",
    },

    // Prompts and row labels of the three answer formats.
    Entry {
        key: "format.gap.expectation",
        en: "What an excellent company would offer",
        zh_cn: "一家优秀的公司应有的水平",
        zh_tw: "一家優秀的公司應該提供的水準",
    },
    Entry {
        key: "format.gap.perception",
        en: "What you experienced here",
        zh_cn: "您在这里的实际体验",
        zh_tw: "您在這裡的實際經驗",
    },
    Entry {
        key: "format.gap.prompt",
        en: "Rate each statement twice: first for what an excellent company of this kind would offer, then for what you actually experienced here.",
        zh_cn: "每句话请评两次：先评一家优秀的同类公司应有的水平，再评您在这里的实际体验。",
        zh_tw: "每個敘述請評分兩次：先評一家優秀的同類公司應該提供的水準，再評您在這裡的實際經驗。",
    },
    Entry {
        key: "format.perception.prompt",
        en: "Based on your own experience, how much do you agree with each statement?",
        zh_cn: "根据您的亲身体验，您在多大程度上同意以下每句话？",
        zh_tw: "根據您自己的經驗，您對下列每個敘述的同意程度為何？",
    },
    Entry {
        key: "format.zone.desired",
        en: "The level you would like",
        zh_cn: "您希望达到的水平",
        zh_tw: "您期望的水準",
    },
    Entry {
        key: "format.zone.minimum",
        en: "The lowest level you would accept",
        zh_cn: "您能接受的最低水平",
        zh_tw: "您可以接受的最低水準",
    },
    Entry {
        key: "format.zone.perceived",
        en: "What you experienced here",
        zh_cn: "您在这里的实际体验",
        zh_tw: "您在這裡的實際經驗",
    },
    Entry {
        key: "format.zone.prompt",
        en: "Give three ratings for each statement: the lowest level you would accept, the level you would like, and what you actually experienced here.",
        zh_cn: "每句话请给出三个评分：您能接受的最低水平、您希望达到的水平，以及您在这里的实际体验。",
        zh_tw: "每個敘述請給三個分數：您可以接受的最低水準、您期望的水準，以及您在這裡的實際經驗。",
    },

    // Instrument names and one-sentence introductions.
    Entry {
        key: "instrument.e-recs-qual.intro",
        en: "The following statements are about how this site dealt with your problem, return or question.",
        zh_cn: "以下几句话涉及本网站如何处理您遇到的问题、退货或咨询。",
        zh_tw: "以下幾個敘述與本網站如何處理您的問題、退貨或詢問有關。",
    },
    Entry {
        key: "instrument.e-recs-qual.name",
        en: "E-RecS-QUAL (problem recovery)",
        zh_cn: "E-RecS-QUAL（问题处理与补救）",
        zh_tw: "E-RecS-QUAL（問題處理與補救）",
    },
    Entry {
        key: "instrument.e-s-qual.intro",
        en: "The following statements are about how well this site works for you, from finding things to receiving your order.",
        zh_cn: "以下几句话涉及您使用本网站的体验，从查找商品到收到订单。",
        zh_tw: "以下幾個敘述與您使用本網站的經驗有關，從找商品到收到訂單都包括在內。",
    },
    Entry {
        key: "instrument.e-s-qual.name",
        en: "E-S-QUAL (online service quality)",
        zh_cn: "E-S-QUAL（网络服务质量）",
        zh_tw: "E-S-QUAL（線上服務品質）",
    },
    Entry {
        key: "instrument.servqual.intro",
        en: "The following statements are about the service you get from this company and its staff.",
        zh_cn: "以下几句话涉及这家公司及其员工为您提供的服务。",
        zh_tw: "以下幾個敘述與這家公司及其員工提供給您的服務有關。",
    },
    Entry {
        key: "instrument.servqual.name",
        en: "SERVQUAL (service quality)",
        zh_cn: "SERVQUAL（服务质量）",
        zh_tw: "SERVQUAL（服務品質）",
    },

    // Items: statements rated from "Strongly disagree" to "Strongly agree". E-S-QUAL and
    // E-RecS-QUAL items speak of this site or shop, SERVQUAL items of this company and its staff.
    Entry {
        key: "item.ASR1",
        en: "How the staff conduct themselves gives me faith in this company.",
        zh_cn: "员工的言行举止让我信任这家公司。",
        zh_tw: "員工的言行舉止讓我對這家公司有信心。",
    },
    Entry {
        key: "item.ASR2",
        en: "I have no worries about the safety of my dealings with this company.",
        zh_cn: "和这家公司打交道时，我觉得很安全、很放心。",
        zh_tw: "跟這家公司交易，我完全不擔心安全問題。",
    },
    Entry {
        key: "item.ASR3",
        en: "I am treated politely by the staff, without exception.",
        zh_cn: "员工每次对我都很有礼貌。",
        zh_tw: "員工每一次對我都很客氣有禮。",
    },
    Entry {
        key: "item.ASR4",
        en: "When I ask staff something, they know the answer.",
        zh_cn: "我问员工问题时，他们都能答得上来。",
        zh_tw: "我問員工問題時，他們都答得出來。",
    },
    Entry {
        key: "item.COM1",
        en: "If this shop causes a problem, it makes it up to me.",
        zh_cn: "如果问题是这家网店造成的，它会给我补偿。",
        zh_tw: "如果是這家店造成的問題，他們會給我補償。",
    },
    Entry {
        key: "item.COM2",
        en: "When an order arrives late, this shop offers me something in return.",
        zh_cn: "订单迟到时，这家网店会给我一定的补偿。",
        zh_tw: "訂單延遲送達時，這家店會給我一些補償。",
    },
    Entry {
        key: "item.COM3",
        en: "To return something, I can have it collected from my home or workplace.",
        zh_cn: "需要退货时，可以安排上门到我家或单位取件。",
        zh_tw: "要退貨時，可以請他們派人到我家或公司收件。",
    },
    Entry {
        key: "item.CON1",
        en: "There is a phone number on this site that I can call if I need the company.",
        zh_cn: "这个网站提供了能联系到商家的电话号码。",
        zh_tw: "這個網站有提供可以聯絡到店家的電話號碼。",
    },
    Entry {
        key: "item.CON2",
        en: "Through this site I can get hold of someone from customer service online.",
        zh_cn: "我可以通过这个网站在线联系到客服人员。",
        zh_tw: "我可以透過這個網站線上聯絡到客服人員。",
    },
    Entry {
        key: "item.CON3",
        en: "When I have a problem, I can talk to a real person.",
        zh_cn: "遇到问题时，我能和真人客服沟通。",
        zh_tw: "遇到問題時，我可以跟真人客服對話。",
    },
    Entry {
        key: "item.EFF1",
        en: "I can quickly track down what I'm looking for on this site.",
        zh_cn: "在这个网站上，我能很快找到想要的东西。",
        zh_tw: "在這個網站上，我可以很快找到想找的東西。",
    },
    Entry {
        key: "item.EFF2",
        en: "Moving between the different parts of this site is effortless.",
        zh_cn: "在网站的各个版块之间切换毫不费力。",
        zh_tw: "在網站的各個頁面之間切換，一點都不費力。",
    },
    Entry {
        key: "item.EFF3",
        en: "I can get a purchase or other task done here in very little time.",
        zh_cn: "在这里下单或办其他事，花不了多少时间。",
        zh_tw: "在這裡下訂單或辦其他事情，不用花多少時間。",
    },
    Entry {
        key: "item.EFF4",
        en: "The information on this site is laid out in a logical way.",
        zh_cn: "网站上的信息编排得条理清楚。",
        zh_tw: "網站上的資訊安排得很有條理。",
    },
    Entry {
        key: "item.EFF5",
        en: "Pages on this site show up without a long wait.",
        zh_cn: "这个网站的页面打开很快，不用久等。",
        zh_tw: "網站的頁面載入不用等很久。",
    },
    Entry {
        key: "item.EFF6",
        en: "Using this site is straightforward, even the first time.",
        zh_cn: "这个网站操作简单，第一次用也能轻松上手。",
        zh_tw: "這個網站操作簡單，第一次使用也很容易上手。",
    },
    Entry {
        key: "item.EFF7",
        en: "I can reach this site in no time.",
        zh_cn: "我一下子就能进入这个网站。",
        zh_tw: "我一下子就能連上這個網站。",
    },
    Entry {
        key: "item.EFF8",
        en: "Taken as a whole, this site has a clear structure.",
        zh_cn: "从整体上看，这个网站结构清晰。",
        zh_tw: "整體來說，這個網站的架構很清楚。",
    },
    Entry {
        key: "item.EMP1",
        en: "This company treats me as a person, not just a number.",
        zh_cn: "这家公司把我当成一个具体的人，而不只是一个编号。",
        zh_tw: "這家公司把我當成一個人來對待，而不只是一個號碼。",
    },
    Entry {
        key: "item.EMP2",
        en: "This company's opening hours fit my schedule.",
        zh_cn: "这家公司的营业时间很适合我的作息。",
        zh_tw: "這家公司的營業時間很配合我的作息。",
    },
    Entry {
        key: "item.EMP3",
        en: "The staff take time to attend to me personally.",
        zh_cn: "员工会花时间亲自为我提供服务。",
        zh_tw: "員工願意花時間親自照應我。",
    },
    Entry {
        key: "item.EMP4",
        en: "This company looks out for what is best for me.",
        zh_cn: "这家公司处处为我的利益着想。",
        zh_tw: "這家公司真心為我的利益著想。",
    },
    Entry {
        key: "item.EMP5",
        en: "The staff recognize what my own situation calls for.",
        zh_cn: "员工明白我的具体情况需要什么。",
        zh_tw: "員工明白我自己的情況需要什麼。",
    },
    Entry {
        key: "item.FUL1",
        en: "My orders arrive on the day this shop said they would.",
        zh_cn: "我的订单会在这家网店承诺的日期送到。",
        zh_tw: "我的訂單都會在這家店承諾的日期送達。",
    },
    Entry {
        key: "item.FUL2",
        en: "Items I order from this shop are ready to go out without unreasonable delay.",
        zh_cn: "这家网店能在合理的时间内备好货并发出。",
        zh_tw: "這家店能在合理的時間內備好貨品並出貨。",
    },
    Entry {
        key: "item.FUL3",
        en: "What I buy from this shop reaches me fast.",
        zh_cn: "我在这里买的东西很快就能到手。",
        zh_tw: "我在這裡買的東西很快就能收到。",
    },
    Entry {
        key: "item.FUL4",
        en: "The package I receive contains exactly what I ordered.",
        zh_cn: "我收到的包裹里正是我订购的商品。",
        zh_tw: "我收到的包裹裡裝的，正是我訂購的商品。",
    },
    Entry {
        key: "item.FUL5",
        en: "Products listed as available on this site really are in stock.",
        zh_cn: "网站上显示有货的商品确实有货。",
        zh_tw: "網站上標示有現貨的商品，真的有庫存。",
    },
    Entry {
        key: "item.FUL6",
        en: "This shop describes its products and offers honestly.",
        zh_cn: "这家网店对商品和优惠的介绍实事求是。",
        zh_tw: "這家店對商品和優惠的說明都很實在。",
    },
    Entry {
        key: "item.FUL7",
        en: "What this shop tells me about delivery turns out to be accurate.",
        zh_cn: "这家网店告诉我的配送信息，事后看都是准确的。",
        zh_tw: "這家店告訴我的配送資訊，事後證明都是正確的。",
    },
    Entry {
        key: "item.PRI1",
        en: "This site keeps what it knows about my shopping habits safe.",
        zh_cn: "这个网站会妥善保护我的购物习惯等信息。",
        zh_tw: "這個網站會妥善保護我的購物習慣等資料。",
    },
    Entry {
        key: "item.PRI2",
        en: "My personal details stay with this site; they are not handed over to other websites.",
        zh_cn: "这个网站不会把我的个人信息提供给其他网站。",
        zh_tw: "這個網站不會把我的個人資料交給其他網站。",
    },
    Entry {
        key: "item.PRI3",
        en: "My card and payment details are kept secure on this site.",
        zh_cn: "我的银行卡和支付信息在这个网站上很安全。",
        zh_tw: "我的信用卡和付款資料在這個網站上很安全。",
    },
    Entry {
        key: "item.REL1",
        en: "Deadlines this company agrees to are deadlines it meets.",
        zh_cn: "这家公司答应的期限，都能按时做到。",
        zh_tw: "這家公司答應的期限，都會準時做到。",
    },
    Entry {
        key: "item.REL2",
        en: "This company makes a real effort to sort out any problem I bring to it.",
        zh_cn: "不管我遇到什么问题，这家公司都会尽心帮我解决。",
        zh_tw: "我提出任何問題，這家公司都會認真想辦法解決。",
    },
    Entry {
        key: "item.REL3",
        en: "This company does the job correctly without needing a second try.",
        zh_cn: "这家公司一次就能把事情办好，不用返工。",
        zh_tw: "這家公司一次就把事情做好，不需要重來。",
    },
    Entry {
        key: "item.REL4",
        en: "Service from this company takes place exactly when it was scheduled.",
        zh_cn: "这家公司的服务都按约定的时间进行。",
        zh_tw: "這家公司的服務都在排定的時間進行。",
    },
    Entry {
        key: "item.REL5",
        en: "My account details and records at this company are kept accurate.",
        zh_cn: "我在这家公司的账户信息和记录都准确无误。",
        zh_tw: "我在這家公司的帳戶資料與紀錄都正確無誤。",
    },
    Entry {
        key: "item.RES1",
        en: "Sending an item back to this shop is easy, with options that suit me.",
        zh_cn: "在这家网店退货很方便，有适合我的退货方式。",
        zh_tw: "在這家店退貨很方便，有適合我的退貨方式。",
    },
    Entry {
        key: "item.RES2",
        en: "When I return something, this shop deals with it smoothly.",
        zh_cn: "我退货时，这家网店处理得很顺利。",
        zh_tw: "我退貨時，這家店處理得很順利。",
    },
    Entry {
        key: "item.RES3",
        en: "The guarantee this shop offers is worth having.",
        zh_cn: "这家网店提供的保障是实实在在的。",
        zh_tw: "這家店提供的保證是真正有用的。",
    },
    Entry {
        key: "item.RES4",
        en: "If an order or payment fails, this site explains the next steps I should take.",
        zh_cn: "订单或付款没成功时，网站会告诉我下一步怎么办。",
        zh_tw: "下單或付款失敗時，網站會說明我接下來該怎麼處理。",
    },
    Entry {
        key: "item.RES5",
        en: "When something goes wrong, this shop sorts it out quickly.",
        zh_cn: "出了问题，这家网店会很快解决。",
        zh_tw: "出問題的時候，這家店會很快幫我處理好。",
    },
    Entry {
        key: "item.RSP1",
        en: "Staff give me a clear time for when each thing will happen.",
        zh_cn: "员工会明确告诉我事情什么时候能办好。",
        zh_tw: "員工會清楚告訴我事情什麼時候會完成。",
    },
    Entry {
        key: "item.RSP2",
        en: "I don't have to wait long to be served by the staff here.",
        zh_cn: "这里的员工很快就能为我服务，不用久等。",
        zh_tw: "這裡的員工很快就來服務我，不必久等。",
    },
    Entry {
        key: "item.RSP3",
        en: "I find the staff here happy to help whenever I ask.",
        zh_cn: "每次我请员工帮忙，他们都很乐意。",
        zh_tw: "只要我開口，這裡的員工都很樂意幫忙。",
    },
    Entry {
        key: "item.RSP4",
        en: "Even on busy days, staff find time to deal with what I ask for.",
        zh_cn: "即使在忙碌的时候，员工也会抽时间处理我的请求。",
        zh_tw: "就算再忙，員工也會抽空處理我的需求。",
    },
    Entry {
        key: "item.SYS1",
        en: "This site is up and working whenever I want to use it.",
        zh_cn: "无论我什么时候想用，这个网站都能正常访问。",
        zh_tw: "不管我什麼時候想用，這個網站都能正常連線使用。",
    },
    Entry {
        key: "item.SYS2",
        en: "Once opened, this site is ready to use straight away.",
        zh_cn: "网站一打开就能马上使用。",
        zh_tw: "網站一開啟就可以馬上使用。",
    },
    Entry {
        key: "item.SYS3",
        en: "I have not seen this site crash or break down while I was using it.",
        zh_cn: "我在使用时，这个网站从没有崩溃或出故障。",
        zh_tw: "我在使用時，這個網站從來沒有當掉或出狀況。",
    },
    Entry {
        key: "item.SYS4",
        en: "Once my order details are filled in, the pages keep responding instead of getting stuck.",
        zh_cn: "填写订单信息后，页面不会卡住，仍能正常响应。",
        zh_tw: "輸入訂單資料後，頁面不會卡住，還是能正常回應。",
    },
    Entry {
        key: "item.TAN1",
        en: "The equipment this company uses looks up to date.",
        zh_cn: "这家公司使用的设备看起来很新、很现代。",
        zh_tw: "這家公司使用的設備看起來很新穎。",
    },
    Entry {
        key: "item.TAN2",
        en: "This company's premises are pleasant to look at.",
        zh_cn: "这家公司的营业场所看起来让人舒服。",
        zh_tw: "這家公司的營業場所看起來很舒適宜人。",
    },
    Entry {
        key: "item.TAN3",
        en: "This company's staff look tidy and well presented.",
        zh_cn: "这家公司的员工衣着整洁、仪表得体。",
        zh_tw: "這家公司的員工穿著整齊、儀容得體。",
    },
    Entry {
        key: "item.TAN4",
        en: "Leaflets, statements and other materials from this company look good and are easy to read.",
        zh_cn: "这家公司的宣传册、对账单等资料美观易读。",
        zh_tw: "這家公司的簡介、帳單等資料美觀又容易閱讀。",
    },

    // Outcome questions and their scale anchors.
    Entry {
        key: "outcome.ces.high",
        en: "Strongly agree",
        zh_cn: "非常同意",
        zh_tw: "非常同意",
    },
    Entry {
        key: "outcome.ces.low",
        en: "Strongly disagree",
        zh_cn: "非常不同意",
        zh_tw: "非常不同意",
    },
    Entry {
        key: "outcome.ces.question",
        en: "This site made it easy for me to do what I came here to do.",
        zh_cn: "这个网站让我轻松办成了想办的事。",
        zh_tw: "這個網站讓我輕鬆完成了想做的事。",
    },
    Entry {
        key: "outcome.comment.limit",
        en: "{count} of {max} characters",
        zh_cn: "已输入 {count} 字，最多 {max} 字",
        zh_tw: "已輸入 {count} 字，上限 {max} 字",
    },
    Entry {
        key: "outcome.comment.placeholder",
        en: "Describe what happened (optional)",
        zh_cn: "请描述发生的情况（选填）",
        zh_tw: "請描述發生的狀況（選填）",
    },
    Entry {
        key: "outcome.comment.question",
        en: "Did anything go wrong? Tell us what happened and what we should fix.",
        zh_cn: "有什么地方让您不满意吗？请告诉我们发生了什么，以及我们该改进什么。",
        zh_tw: "有哪裡讓您不滿意嗎？請告訴我們發生了什麼事，以及我們該改善哪些地方。",
    },
    Entry {
        key: "outcome.csat.high",
        en: "Very satisfied",
        zh_cn: "非常满意",
        zh_tw: "非常滿意",
    },
    Entry {
        key: "outcome.csat.low",
        en: "Very dissatisfied",
        zh_cn: "非常不满意",
        zh_tw: "非常不滿意",
    },
    Entry {
        key: "outcome.csat.question",
        en: "Overall, how satisfied are you with your experience today?",
        zh_cn: "总体来说，您对这次的体验满意吗？",
        zh_tw: "整體來說，您對這次的經驗滿意嗎？",
    },
    Entry {
        key: "outcome.loyalty.1",
        en: "How likely are you to say good things about us to other people?",
        zh_cn: "您有多大可能向别人说我们的好话？",
        zh_tw: "您有多大的可能會跟別人說我們的好話？",
    },
    Entry {
        key: "outcome.loyalty.2",
        en: "How likely are you to recommend us when someone asks you for advice?",
        zh_cn: "有人向您征求意见时，您有多大可能推荐我们？",
        zh_tw: "有人問您的意見時，您有多大的可能會推薦我們？",
    },
    Entry {
        key: "outcome.loyalty.3",
        en: "How likely are you to encourage friends and family to do business with us?",
        zh_cn: "您有多大可能鼓励亲友来我们这里消费？",
        zh_tw: "您有多大的可能會鼓勵親友來跟我們消費？",
    },
    Entry {
        key: "outcome.loyalty.4",
        en: "How likely are we to be your first choice the next time you buy?",
        zh_cn: "下次购买时，我们有多大可能成为您的首选？",
        zh_tw: "下次購買時，我們有多大的可能成為您的首選？",
    },
    Entry {
        key: "outcome.loyalty.5",
        en: "How likely are you to do more business with us in the next few months?",
        zh_cn: "未来几个月，您有多大可能更多地在我们这里消费？",
        zh_tw: "接下來幾個月，您有多大的可能會更常跟我們消費？",
    },
    Entry {
        key: "outcome.loyalty.high",
        en: "Very likely",
        zh_cn: "非常可能",
        zh_tw: "非常有可能",
    },
    Entry {
        key: "outcome.loyalty.low",
        en: "Very unlikely",
        zh_cn: "非常不可能",
        zh_tw: "非常不可能",
    },
    Entry {
        key: "outcome.nps.high",
        en: "Extremely likely",
        zh_cn: "极有可能",
        zh_tw: "非常有可能",
    },
    Entry {
        key: "outcome.nps.low",
        en: "Not at all likely",
        zh_cn: "完全不可能",
        zh_tw: "完全不可能",
    },
    Entry {
        key: "outcome.nps.question",
        en: "How likely are you to recommend us to a friend or colleague?",
        zh_cn: "您有多大可能向朋友或同事推荐我们？",
        zh_tw: "您有多大的可能會向朋友或同事推薦我們？",
    },
    Entry {
        key: "outcome.satisfaction.high",
        en: "Completely satisfied",
        zh_cn: "完全满意",
        zh_tw: "完全滿意",
    },
    Entry {
        key: "outcome.satisfaction.low",
        en: "Not at all satisfied",
        zh_cn: "一点也不满意",
        zh_tw: "一點也不滿意",
    },
    Entry {
        key: "outcome.satisfaction.question",
        en: "All things considered, how satisfied are you with us?",
        zh_cn: "综合各方面来看，您对我们满意吗？",
        zh_tw: "綜合各方面來看，您對我們滿意嗎？",
    },
    Entry {
        key: "outcome.value.1",
        en: "How would you rate the prices here?",
        zh_cn: "您如何评价这里的价格？",
        zh_tw: "您覺得這裡的價格如何？",
    },
    Entry {
        key: "outcome.value.2",
        en: "How would you rate what you get overall for your money and effort?",
        zh_cn: "您如何评价在这里花费的金钱和精力所换来的整体价值？",
        zh_tw: "整體而言，您在這裡花的錢和心力換到的價值如何？",
    },
    Entry {
        key: "outcome.value.3",
        en: "How would you rate the convenience of using this site?",
        zh_cn: "您如何评价使用这个网站的便利程度？",
        zh_tw: "您如何評價使用這個網站的便利性？",
    },
    Entry {
        key: "outcome.value.4",
        en: "How would you rate the sense of control you have when using this site?",
        zh_cn: "您如何评价使用这个网站时的掌控感？",
        zh_tw: "使用這個網站時，您覺得自己能掌控狀況的程度如何？",
    },
    Entry {
        key: "outcome.value.high",
        en: "Excellent",
        zh_cn: "极好",
        zh_tw: "非常好",
    },
    Entry {
        key: "outcome.value.low",
        en: "Very poor",
        zh_cn: "很差",
        zh_tw: "很差",
    },

    // The screening question that decides whether E-RecS-QUAL is asked.
    Entry {
        key: "recovery.intro",
        en: "Thank you. The next statements are about how the site handled that.",
        zh_cn: "谢谢。接下来几句话是关于网站如何处理那次情况的。",
        zh_tw: "謝謝。接下來的敘述是關於網站如何處理那次狀況。",
    },
    Entry {
        key: "recovery.screening.no",
        en: "No",
        zh_cn: "没有",
        zh_tw: "沒有",
    },
    Entry {
        key: "recovery.screening.question",
        en: "Recently, did you run into a problem with this site, send something back, or need to get in touch with them?",
        zh_cn: "最近您在这个网站遇到过问题、退过货，或者需要联系他们吗？",
        zh_tw: "最近您在這個網站是否遇過問題、退過貨，或需要跟他們聯絡？",
    },
    Entry {
        key: "recovery.screening.yes",
        en: "Yes",
        zh_cn: "有",
        zh_tw: "有",
    },

    // Scale anchors.
    Entry {
        key: "scale.agree.high",
        en: "Strongly agree",
        zh_cn: "非常同意",
        zh_tw: "非常同意",
    },
    Entry {
        key: "scale.agree.low",
        en: "Strongly disagree",
        zh_cn: "非常不同意",
        zh_tw: "非常不同意",
    },
    Entry {
        key: "scale.zone.high",
        en: "High",
        zh_cn: "高",
        zh_tw: "高",
    },
    Entry {
        key: "scale.zone.low",
        en: "Low",
        zh_cn: "低",
        zh_tw: "低",
    },

    // The friendly summary shown to the respondent. The perception classes compare with the
    // middle of the scale, never with expectations that were not asked.
    Entry {
        key: "summary.class.gap.delighted",
        en: "The service went beyond what you expected.",
        zh_cn: "服务超出了您的预期。",
        zh_tw: "服務超乎您的預期。",
    },
    Entry {
        key: "summary.class.gap.dissatisfied",
        en: "The service fell short of what you expected.",
        zh_cn: "服务没有达到您的预期。",
        zh_tw: "服務沒有達到您的預期。",
    },
    Entry {
        key: "summary.class.gap.satisfied",
        en: "The service matched what you expected.",
        zh_cn: "服务符合您的预期。",
        zh_tw: "服務符合您的預期。",
    },
    Entry {
        key: "summary.class.perception.delighted",
        en: "Your ratings are above the middle of the scale.",
        zh_cn: "您的评分高于量表的中间值。",
        zh_tw: "您的評分高於量表的中間值。",
    },
    Entry {
        key: "summary.class.perception.dissatisfied",
        en: "Your ratings are below the middle of the scale.",
        zh_cn: "您的评分低于量表的中间值。",
        zh_tw: "您的評分低於量表的中間值。",
    },
    Entry {
        key: "summary.class.perception.satisfied",
        en: "Your ratings are at the middle of the scale.",
        zh_cn: "您的评分处于量表的中间值。",
        zh_tw: "您的評分落在量表的中間值。",
    },
    Entry {
        key: "summary.class.zone.delighted",
        en: "The service went beyond the level you would like.",
        zh_cn: "服务超出了您希望达到的水平。",
        zh_tw: "服務超越了您期望的水準。",
    },
    Entry {
        key: "summary.class.zone.dissatisfied",
        en: "The service fell below the minimum you would accept.",
        zh_cn: "服务低于您能接受的最低水平。",
        zh_tw: "服務低於您可以接受的最低水準。",
    },
    Entry {
        key: "summary.class.zone.satisfied",
        en: "The service was between the minimum you would accept and the level you would like.",
        zh_cn: "服务介于您能接受的最低水平和您希望达到的水平之间。",
        zh_tw: "服務介於您可以接受的最低水準與您期望的水準之間。",
    },
    Entry {
        key: "summary.strongest",
        en: "Strongest: {dimension}",
        zh_cn: "表现最好：{dimension}",
        zh_tw: "表現最好：{dimension}",
    },
    Entry {
        key: "summary.title",
        en: "Your ratings at a glance",
        zh_cn: "您的评分一览",
        zh_tw: "您的評分概覽",
    },
    Entry {
        key: "summary.weakest",
        en: "Needs most work: {dimension}",
        zh_cn: "最需改进：{dimension}",
        zh_tw: "最需要改善：{dimension}",
    },

    // Widget chrome.
    Entry {
        key: "ui.back",
        en: "Back",
        zh_cn: "上一步",
        zh_tw: "上一步",
    },
    Entry {
        key: "ui.close",
        en: "Close",
        zh_cn: "关闭",
        zh_tw: "關閉",
    },
    Entry {
        key: "ui.dismiss",
        en: "Not now",
        zh_cn: "以后再说",
        zh_tw: "下次再說",
    },
    Entry {
        key: "ui.error.config",
        en: "The survey could not start.",
        zh_cn: "问卷无法启动。",
        zh_tw: "問卷無法啟動。",
    },
    Entry {
        key: "ui.error.missing",
        en: "Please answer: {items}",
        zh_cn: "请回答：{items}",
        zh_tw: "請回答：{items}",
    },
    Entry {
        key: "ui.error.missing_one",
        en: "Please answer this question.",
        zh_cn: "请回答这个问题。",
        zh_tw: "請回答這一題。",
    },
    Entry {
        key: "ui.error.summary",
        en: "{count} questions still need an answer.",
        zh_cn: "还有 {count} 个问题没有回答。",
        zh_tw: "還有 {count} 題尚未作答。",
    },
    Entry {
        key: "ui.intro",
        en: "It only takes a few minutes, and your answers help us improve.",
        zh_cn: "只需几分钟，您的回答能帮助我们做得更好。",
        zh_tw: "只要花幾分鐘，您的回答就能幫助我們做得更好。",
    },
    Entry {
        key: "ui.launcher",
        en: "Feedback",
        zh_cn: "意见反馈",
        zh_tw: "意見回饋",
    },
    Entry {
        key: "ui.na",
        en: "Does not apply",
        zh_cn: "不适用",
        zh_tw: "不適用",
    },
    Entry {
        key: "ui.next",
        en: "Next",
        zh_cn: "下一步",
        zh_tw: "下一步",
    },
    Entry {
        key: "ui.progress",
        en: "Step {current} of {total}",
        zh_cn: "第 {current} 步，共 {total} 步",
        zh_tw: "第 {current} 步（共 {total} 步）",
    },
    Entry {
        key: "ui.progress.open",
        en: "Step {current}",
        zh_cn: "第 {current} 步",
        zh_tw: "第 {current} 步",
    },
    Entry {
        key: "ui.required",
        en: "required",
        zh_cn: "必填",
        zh_tw: "必填",
    },
    Entry {
        key: "ui.status.failed",
        en: "Your answers could not be sent.",
        zh_cn: "您的回答未能发送。",
        zh_tw: "您的回答無法送出。",
    },
    Entry {
        key: "ui.status.queued",
        en: "Your answers are saved and will be sent when the connection is back.",
        zh_cn: "您的回答已保存，网络恢复后会自动发送。",
        zh_tw: "您的回答已儲存，網路恢復後會自動送出。",
    },
    Entry {
        key: "ui.status.sending",
        en: "Sending…",
        zh_cn: "正在发送…",
        zh_tw: "傳送中…",
    },
    Entry {
        key: "ui.status.sent",
        en: "Your answers have been sent.",
        zh_cn: "您的回答已发送。",
        zh_tw: "您的回答已送出。",
    },
    Entry {
        key: "ui.step.announce",
        en: "Step {current} of {total}: {title}",
        zh_cn: "第 {current} 步，共 {total} 步：{title}",
        zh_tw: "第 {current} 步（共 {total} 步）：{title}",
    },
    Entry {
        key: "ui.step.announce.open",
        en: "Step {current}: {title}",
        zh_cn: "第 {current} 步：{title}",
        zh_tw: "第 {current} 步：{title}",
    },
    Entry {
        key: "ui.step.outcomes",
        en: "Overall",
        zh_cn: "总体评价",
        zh_tw: "整體評價",
    },
    Entry {
        key: "ui.step.recovery",
        en: "Problems, returns and contact",
        zh_cn: "问题、退货与联系",
        zh_tw: "問題、退貨與聯絡",
    },
    Entry {
        key: "ui.step.weights",
        en: "What matters most to you",
        zh_cn: "对您最重要的方面",
        zh_tw: "對您最重要的方面",
    },
    Entry {
        key: "ui.submit",
        en: "Submit",
        zh_cn: "提交",
        zh_tw: "送出",
    },
    Entry {
        key: "ui.thanks.body",
        en: "Your answers help us see what to improve first.",
        zh_cn: "您的回答能帮助我们找出最需要改进的地方。",
        zh_tw: "您的回答能幫助我們找出最需要改善的地方。",
    },
    Entry {
        key: "ui.thanks.title",
        en: "Thank you!",
        zh_cn: "谢谢您！",
        zh_tw: "謝謝您！",
    },
    Entry {
        key: "ui.title",
        en: "How are we doing?",
        zh_cn: "我们做得怎么样？",
        zh_tw: "我們做得如何？",
    },

    // The 100-point importance allocation.
    Entry {
        key: "weights.error",
        en: "The points must add up to 100 (now {total}).",
        zh_cn: "分数总和必须是 100（目前为 {total}）。",
        zh_tw: "分數加總必須是 100（目前是 {total}）。",
    },
    Entry {
        key: "weights.question",
        en: "Share 100 points among these areas according to how important each one is to you.",
        zh_cn: "请按各方面对您的重要程度，把 100 分分配给它们。",
        zh_tw: "請依照各面向對您的重要程度，將 100 分分配給它們。",
    },
    Entry {
        key: "weights.total",
        en: "Total: {total} of 100",
        zh_cn: "合计：{total} / 100 分",
        zh_tw: "合計：{total}／100 分",
    },
}
