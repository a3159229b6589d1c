//! Simplified Chinese (zh-Hans) made from the library's Traditional text (zh-Hant), so a
//! mainland reader gets Simplified without anyone writing it twice. A text that the file
//! gives in zh-Hans keeps what the file says (see docs/checklist-format.md).
//!
//! The conversion is OpenCC's `tw2s`: the phrase table first, then characters, reading
//! the source as Taiwan-standard Traditional, which is how the library is written (著 for
//! the particle: 穿著 → 穿着, while 著名 stays 著名), and then a few words where mainland
//! usage differs from Taiwan's ([`MAINLAND_USAGE`]). Not `t2s`, which leaves 穿著 as 穿著,
//! and not `tw2sp`, which also swaps Taiwanese vocabulary for mainland words: our texts
//! were converted from a mainland source and already use mainland words, which `tw2sp`
//! then rewrites wrongly (接待程序 → 接待进程, 呼叫 → 调用, 客户资料 → 客户数据).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

static TW2S: LazyLock<OpenCC> = LazyLock::new(|| {
    OpenCC::from_config(BuiltinConfig::Tw2s).expect("OpenCC's tw2s tables are built in")
});

/// Where `tw2s` gives a form mainland usage does not write, what the mainland writes.
/// OpenCC converts characters and its phrase table's exceptions, not regional usage:
/// - 擡 → 抬: OpenCC's Traditional standard prefers 擡 to Taiwan's 抬 and its Simplified
///   tables keep it, but the mainland's list of standard characters (通用规范汉字表,
///   2013) writes 抬.
/// - 甚么 → 什么: 甚麼 is a Traditional spelling of 什麼; mainland text writes 什么.
/// - 订制 / 订做 → 定制 / 定做: the Taiwan and Hong Kong spelling of made-to-order.
/// - 公分 → 厘米: centimetres, as the mainland writes them (公分 is Taiwan's word).
///
/// One-off mistakes (a phrase OpenCC segments wrongly) are fixed in the library file
/// instead, by writing that text's `zh-Hans`.
const MAINLAND_USAGE: &[(&str, &str)] = &[
    ("擡", "抬"),
    ("甚么", "什么"),
    ("订制", "定制"),
    ("订做", "定做"),
    ("公分", "厘米"),
];

/// Conversions already made: the library's texts are converted each time it is parsed
/// (the lint, every reload, every stored version read), and are mostly the same texts.
static MADE: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(Default::default);

/// How many conversions [`MADE`] keeps before it starts again: several times the shipped
/// library's ~2,500 Chinese texts, so its memory stays bounded whatever is converted.
const MADE_LIMIT: usize = 20_000;

/// The Simplified Chinese of a Traditional Chinese text.
pub fn from_traditional(text: &str) -> String {
    let mut made = MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(simplified) = made.get(text) {
        return simplified.clone();
    }
    let simplified = convert(text);
    if made.len() >= MADE_LIMIT {
        made.clear();
    }
    made.insert(text.to_string(), simplified.clone());
    simplified
}

fn convert(text: &str) -> String {
    MAINLAND_USAGE
        .iter()
        .fold(TW2S.convert(text), |simplified, (from, to)| {
            simplified.replace(from, to)
        })
}

#[cfg(test)]
mod tests {
    use super::from_traditional;

    #[test]
    fn converts_phrases_and_keeps_mainland_words() {
        for (traditional, simplified) in [
            ("員工檢查服裝", "员工检查服装"),
            ("穿著制服", "穿着制服"),
            ("著名的著作", "著名的著作"),
            ("抬頭挺胸", "抬头挺胸"),
            ("接待程序", "接待程序"),
            ("呼叫秩序維護員", "呼叫秩序维护员"),
            ("客戶資料", "客户资料"),
            ("網絡", "网络"),
            ("頭髮乾淨", "头发干净"),
            ("大堂接待員", "大堂接待员"),
            ("Bow 30°", "Bow 30°"),
            ("前臺應穿甚麼上班？", "前台应穿什么上班？"),
            ("無訂製制服時", "无定制制服时"),
            ("膝下三公分", "膝下三厘米"),
        ] {
            assert_eq!(from_traditional(traditional), simplified, "{traditional}");
        }
    }
}
