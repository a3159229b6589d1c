//! Texts in several languages: every human-readable string in the library exists in
//! 繁體中文 and English, in 简体中文 made from the first or written, and in any other language
//! a file gives it.
//! Also which characters are Chinese, for the library's lint and the reports' line breaking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Localize, Message};

/// A language the UI and the content speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Traditional Chinese (zh-Hant): the company's own, and the default.
    #[default]
    Zh,
    /// Simplified Chinese (zh-Hans), as staff in mainland sites read it.
    #[serde(rename = "zh-Hans")]
    ZhHans,
    En,
}

impl Lang {
    /// Every language, in the order the language switch offers them.
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::ZhHans, Lang::En];

    /// The code a person's choice is stored and posted as (`users.locale`): "zh" for
    /// Traditional Chinese, as stored before Simplified Chinese was added.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::ZhHans => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// The language's own name, as the language switch shows it whatever the page's.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Zh => "繁體中文",
            Lang::ZhHans => "简体中文",
            Lang::En => "English",
        }
    }

    /// The language's BCP 47 tag, as message catalogs and the library's texts key it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// Whether the language is written in Chinese characters.
    pub fn is_chinese(self) -> bool {
        matches!(self, Lang::Zh | Lang::ZhHans)
    }

    /// Pick between a Traditional Chinese and an English text: what the `_zh`/`_en` data
    /// columns need. Simplified Chinese gets the Traditional text. UI words are not
    /// picked: they are looked up in the catalogs (crate::i18n).
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        if self.is_chinese() { zh } else { en }
    }

    /// The first language of an Accept-Language header that we speak.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang)
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh-sg" | "zh-hans" => Some(Lang::ZhHans),
            other if other.starts_with("zh-hans-") => Some(Lang::ZhHans),
            // Bare zh and the rest (zh-TW, zh-HK, zh-MO, zh-Hant…): the company's own users.
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            other if other.starts_with("zh-") => Some(Lang::Zh),
            other if other.starts_with("en-") => Some(Lang::En),
            _ => None,
        }
    }
}

/// A language code as typed on the command line: whatever [`Lang::parse`] reads.
impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(code: &str) -> Result<Lang, String> {
        Lang::parse(code).ok_or_else(|| format!("`{code}` is not zh, zh-Hans or en"))
    }
}

/// The tag of Traditional Chinese, the library's first language.
pub const ZH_HANT: &str = "zh-Hant";
/// The tag of Simplified Chinese, made from [`ZH_HANT`] where a text does not give it.
pub const ZH_HANS: &str = "zh-Hans";
/// The tag of English.
pub const EN: &str = "en";

/// A text in the languages it is written in, keyed by BCP 47 tag (`zh-Hant`, `zh-Hans`,
/// `en`, …). Reading it in a language it lacks falls back to one it has (see
/// [`fallbacks`]), so a missing language never shows an empty string. Where it has
/// Traditional Chinese but no Simplified, the Simplified is made from the Traditional when
/// the text is built or read ([`Text::new`], deserializing, the library's parser), so a
/// stored version from before Simplified existed reads in Simplified too.
///
/// Serialized as a map from tag to text; the old `{ "zh": …, "en": … }` shape still
/// reads, `zh` being Traditional Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Text(BTreeMap<String, String>);

impl Text {
    /// A text in Traditional Chinese and English (with Simplified made from the first).
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        let mut text = Text::default();
        text.set(ZH_HANT, zh);
        text.set(EN, en);
        text.with_generated_languages()
    }

    /// The text to show in `lang`, or in the nearest language it has.
    pub fn get(&self, lang: Lang) -> &str {
        self.get_tag(lang.tag())
    }

    /// The text for the language `tag`, or for the first of its [`fallbacks`] that it has,
    /// or any text it has; empty only when it has none.
    pub fn get_tag(&self, tag: &str) -> &str {
        fallbacks(tag)
            .find_map(|t| self.exact(t))
            .or_else(|| self.0.values().find(|v| !v.is_empty()).map(String::as_str))
            .unwrap_or("")
    }

    /// The text in exactly the language `tag`, without falling back.
    pub fn exact(&self, tag: &str) -> Option<&str> {
        self.0
            .get(tag)
            .map(String::as_str)
            .filter(|t| !t.is_empty())
    }

    /// Write (or replace) the text in the language `tag`.
    pub fn set(&mut self, tag: impl Into<String>, text: impl Into<String>) {
        self.0.insert(tag.into(), text.into());
    }

    /// The languages the text is written in, by tag.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The same text with the languages that can be made from others added where it lacks
    /// them: Simplified Chinese from Traditional.
    pub fn with_generated_languages(mut self) -> Self {
        if self.exact(ZH_HANS).is_none()
            && let Some(traditional) = self.exact(ZH_HANT)
        {
            let simplified = super::simplified::from_traditional(traditional);
            self.set(ZH_HANS, simplified);
        }
        self
    }
}

/// The languages to try, in order, for a reader of `tag`: the tag itself, then the
/// nearest that a text is more likely to have. A Chinese reader would rather read the
/// other script than English; everyone else gets English first.
pub fn fallbacks(tag: &str) -> impl Iterator<Item = &str> {
    let rest: &'static [&'static str] = match tag {
        ZH_HANS => &[ZH_HANT, EN],
        ZH_HANT => &[ZH_HANS, EN],
        EN => &[ZH_HANT, ZH_HANS],
        _ => &[EN, ZH_HANT, ZH_HANS],
    };
    std::iter::once(tag).chain(rest.iter().copied())
}

/// The old name of Traditional Chinese, from before texts were keyed by language tag.
const LEGACY_ZH: &str = "zh";

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut texts = BTreeMap::<String, String>::deserialize(deserializer)?;
        if let Some(zh) = texts.remove(LEGACY_ZH) {
            texts.entry(ZH_HANT.to_string()).or_insert(zh);
        }
        Ok(Text(texts).with_generated_languages())
    }
}

/// A language tag as the library writes it, in its canonical case (`zh-hans` →
/// `zh-Hans`): a language of 2–3 letters, an optional script of 4 letters and an optional
/// region of 2 letters or 3 digits. `zh` alone is read as `zh-Hant`, its old meaning.
/// Chinese needs its script: `zh-TW` or `zh-CN` does not say which characters a text uses.
pub fn canonical_tag(tag: &str) -> Result<String, Message> {
    if tag == LEGACY_ZH {
        return Ok(ZH_HANT.to_string());
    }
    let malformed = || Message::new("lint-tag-malformed").arg("tag", tag);
    let is_alpha = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_alphabetic());
    let mut parts = tag.split('-').peekable();
    let language = parts.next().unwrap_or_default();
    if !is_alpha(language, 2) && !is_alpha(language, 3) {
        return Err(malformed());
    }
    let mut canonical = language.to_ascii_lowercase();
    let script = parts.next_if(|p| is_alpha(p, 4)).map(|p| {
        let (first, rest) = p.split_at(1);
        format!(
            "{}{}",
            first.to_ascii_uppercase(),
            rest.to_ascii_lowercase()
        )
    });
    if let Some(script) = &script {
        canonical.push('-');
        canonical.push_str(script);
    }
    let is_region =
        |p: &&str| is_alpha(p, 2) || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()));
    if let Some(region) = parts.next_if(is_region) {
        canonical.push('-');
        canonical.push_str(&region.to_ascii_uppercase());
    }
    if parts.next().is_some() {
        return Err(malformed());
    }
    if language.eq_ignore_ascii_case("zh") && !matches!(script.as_deref(), Some("Hant" | "Hans")) {
        return Err(Message::new("lint-tag-chinese-script").arg("tag", tag));
    }
    Ok(canonical)
}

/// A Han character, as the library's lint counts them to tell a Chinese text from one in
/// the wrong language: the unified ideographs of the basic plane and extension A, the
/// compatibility ideographs, and plane 2's extensions up to its compatibility supplement.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A character CJK typesetting sets one by one, breakable before and after (how the
/// reports wrap lines): Han, and also radicals, CJK punctuation, kana, bopomofo, vertical
/// and full-width forms, and the rest of planes 2 and 3.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF | 0x2FA20..=0x3FFFF)
}

/// The most problems listed one by one; the rest are counted in one more sentence.
pub const MAX_MESSAGES: usize = 10;

/// A list of messages for a person: the first [`MAX_MESSAGES`], then "and N more", so
/// ten thousand unknown fields do not make a page of ten thousand lines.
pub fn capped(mut messages: Vec<String>, lang: Lang) -> Vec<String> {
    if messages.len() > MAX_MESSAGES {
        let more = messages.len() - MAX_MESSAGES;
        messages.truncate(MAX_MESSAGES);
        messages.push(lang.t_args("more-problems", &[("count", more.into())]));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_message_lists_are_capped_with_a_count() {
        let few: Vec<String> = (0..MAX_MESSAGES).map(|i| i.to_string()).collect();
        assert_eq!(capped(few.clone(), Lang::En), few);
        let many: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
        let shown = capped(many, Lang::En);
        assert_eq!(shown.len(), MAX_MESSAGES + 1);
        assert_eq!(shown[MAX_MESSAGES - 1], "9");
        assert_eq!(shown[MAX_MESSAGES], "… and 9990 more problems.");
        assert_eq!(
            capped((0..11).map(|i| i.to_string()).collect(), Lang::Zh)[MAX_MESSAGES],
            "另有 1 項問題未列出。"
        );
    }

    #[test]
    fn han_is_what_makes_a_text_chinese_and_cjk_also_breaks_at_punctuation() {
        for c in ['中', '㐀', '豈', '𠀀'] {
            assert!(is_han(c) && is_cjk(c), "{c}");
        }
        for c in ['。', '「', 'あ', 'ㄅ', '，', 'Ａ', '\u{30000}'] {
            assert!(!is_han(c) && is_cjk(c), "{c}");
        }
        for c in ['a', '1', ' ', 'é', '—'] {
            assert!(!is_han(c) && !is_cjk(c), "{c}");
        }
    }

    #[test]
    fn parses_browser_language_codes() {
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh-TW;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, zh-Hant;q=0.5, en;q=0.4"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        for (code, lang) in [
            ("zh-CN", Lang::ZhHans),
            ("zh-SG", Lang::ZhHans),
            ("zh-Hans", Lang::ZhHans),
            ("zh-Hans-CN", Lang::ZhHans),
            ("zh-TW", Lang::Zh),
            ("zh-HK", Lang::Zh),
            ("zh-MO", Lang::Zh),
            ("zh-Hant", Lang::Zh),
            ("zh", Lang::Zh),
        ] {
            assert_eq!(Lang::parse(code), Some(lang), "{code}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(Lang::parse(lang.tag()), Some(lang));
        }
    }

    fn text(pairs: &[(&str, &str)]) -> Text {
        let mut text = Text::default();
        for (tag, value) in pairs {
            text.set(*tag, *value);
        }
        text
    }

    #[test]
    fn each_language_falls_back_to_its_nearest() {
        let all = text(&[(ZH_HANT, "繁"), (ZH_HANS, "简"), (EN, "en")]);
        assert_eq!(all.get_tag(ZH_HANT), "繁");
        assert_eq!(all.get_tag(ZH_HANS), "简");
        assert_eq!(all.get(Lang::En), "en");
        assert_eq!(all.get(Lang::Zh), "繁");
        assert_eq!(all.get_tag("fr"), "en");

        let traditional_and_english = text(&[(ZH_HANT, "繁"), (EN, "en")]);
        assert_eq!(traditional_and_english.get_tag(ZH_HANS), "繁");
        let english_only = text(&[(EN, "en")]);
        assert_eq!(english_only.get_tag(ZH_HANS), "en");
        assert_eq!(english_only.get_tag(ZH_HANT), "en");
        let chinese_only = text(&[(ZH_HANS, "简")]);
        assert_eq!(chinese_only.get(Lang::En), "简");
        assert_eq!(chinese_only.get_tag("fr"), "简");
        // Only a language no fallback names: still shown rather than nothing.
        assert_eq!(text(&[("ja", "日本語")]).get(Lang::En), "日本語");
        // An empty text counts as missing.
        assert_eq!(text(&[(ZH_HANT, ""), (EN, "en")]).get(Lang::Zh), "en");
        assert_eq!(Text::default().get(Lang::En), "");
    }

    #[test]
    fn new_fills_traditional_english_and_simplified() {
        let t = Text::new("員工檢查", "Staff check");
        assert_eq!(t.exact(ZH_HANT), Some("員工檢查"));
        assert_eq!(t.exact(EN), Some("Staff check"));
        assert_eq!(t.exact(ZH_HANS), Some("员工检查"));
        assert_eq!(t.tags().collect::<Vec<_>>(), [EN, ZH_HANS, ZH_HANT]);
    }

    #[test]
    fn reads_the_old_shape_and_writes_tags() {
        let old: Text = serde_json::from_str(r#"{"zh":"鞠躬","en":"Bow"}"#).unwrap();
        assert_eq!(old, Text::new("鞠躬", "Bow"));
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"en":"Bow","zh-Hans":"鞠躬","zh-Hant":"鞠躬"}"#
        );
        // A Simplified text that was written wins over the one that would be made.
        let written: Text =
            serde_json::from_str(r#"{"zh-Hant":"網路","zh-Hans":"网络","en":"Network"}"#).unwrap();
        assert_eq!(written.get_tag(ZH_HANS), "网络");
        // `zh-Hant` wins over the old `zh` when a document has both.
        let both: Text = serde_json::from_str(r#"{"zh":"舊","zh-Hant":"新","en":"x"}"#).unwrap();
        assert_eq!(both.get(Lang::Zh), "新");
    }

    #[test]
    fn language_tags_are_checked_and_put_in_their_canonical_case() {
        for (tag, canonical) in [
            ("zh", "zh-Hant"),
            ("zh-Hant", "zh-Hant"),
            ("zh-hans", "zh-Hans"),
            ("ZH-HANT-TW", "zh-Hant-TW"),
            ("en", "en"),
            ("en-gb", "en-GB"),
            ("es-419", "es-419"),
            ("yue-Hant", "yue-Hant"),
        ] {
            assert_eq!(canonical_tag(tag).as_deref(), Ok(canonical), "{tag}");
        }
        for tag in [
            "",
            "e",
            "english",
            "en_GB",
            "en-",
            "-en",
            "en-GB-x",
            "zh-TW",
            "zh-CN",
            "zh-Latn",
            "中文",
            "en-Latn-GB-GB",
        ] {
            assert!(canonical_tag(tag).is_err(), "{tag}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_text() -> impl Strategy<Value = Text> {
            let tag = prop_oneof![
                Just(ZH_HANT.to_string()),
                Just(ZH_HANS.to_string()),
                Just(EN.to_string()),
                "[a-z]{2,3}(-[A-Z]{2})?"
                    .prop_filter("`zh` is the old name of zh-Hant", |t| t != "zh"),
            ];
            proptest::collection::btree_map(tag, "\\PC{0,12}", 0..5)
                .prop_map(|texts| Text(texts).with_generated_languages())
        }

        proptest! {
            #[test]
            fn a_text_survives_json_unchanged(text in any_text()) {
                let json = serde_json::to_string(&text).unwrap();
                let back: Text = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back, text);
            }

            #[test]
            fn a_text_with_any_language_shows_something_in_every_language(
                text in any_text(),
                reader in prop_oneof![Just(ZH_HANT), Just(ZH_HANS), Just(EN), Just("fr")],
            ) {
                let shown = text.get_tag(reader);
                let has_any = text.tags().any(|t| text.exact(t).is_some());
                prop_assert_eq!(shown.is_empty(), !has_any);
                if let Some(own) = text.exact(reader) {
                    prop_assert_eq!(shown, own);
                }
            }

            #[test]
            fn the_old_shape_reads_as_the_new(zh in "\\PC{1,12}", en in "\\PC{1,12}") {
                let old = serde_json::json!({ "zh": zh, "en": en }).to_string();
                let read: Text = serde_json::from_str(&old).unwrap();
                prop_assert_eq!(read, Text::new(zh, en));
            }
        }
    }
}
