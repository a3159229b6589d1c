//! Bilingual text: every human-readable string in the library exists in 繁體中文 and English.
//! Also which characters are Chinese, for the library's lint and the reports' line breaking.

use serde::{Deserialize, Serialize};

use crate::i18n::Localize;

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

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh | Lang::ZhHans => &self.zh,
            Lang::En => &self.en,
        }
    }
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
}
