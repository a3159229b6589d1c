//! The library's file shapes as serde reads them: every value keeps its source span, so
//! the parser can point a problem at its `file:line:column`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A text as a table from language tag to text, `{ zh-Hant = "…", en = "…" }`: which tags
/// are well-formed and which are required is the parser's to say, with the tag's place.
pub(super) type RawText = Spanned<BTreeMap<Spanned<String>, Spanned<String>>>;

/// A table that holds a text's languages beside fields of its own (`value` of a choice
/// option, `correct` of a quiz answer): the parser takes those fields out by name and
/// reads the rest as the text.
pub(super) type RawTextWithFields = Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChecklistFile {
    pub(super) checklist: RawChecklistHead,
    #[serde(default)]
    pub(super) context: Vec<RawContext>,
    #[serde(default)]
    pub(super) section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChecklistHead {
    pub(super) key: Spanned<String>,
    pub(super) title: RawText,
    pub(super) description: Option<RawText>,
    pub(super) positions: Spanned<Vec<Spanned<String>>>,
    pub(super) pass_mark: Spanned<f64>,
    pub(super) source: Spanned<String>,
    pub(super) sign_off: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawContext {
    pub(super) key: Spanned<String>,
    pub(super) label: RawText,
    pub(super) kind: Spanned<String>,
    pub(super) options: Option<Spanned<Vec<RawTextWithFields>>>,
    pub(super) min: Option<Spanned<f64>>,
    pub(super) max: Option<Spanned<f64>>,
    pub(super) default: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub(super) key: Spanned<String>,
    pub(super) title: RawText,
    #[serde(default)]
    pub(super) item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub(super) key: Spanned<String>,
    pub(super) clause: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) text: RawText,
    pub(super) guidance: RawText,
    pub(super) weight: Option<Spanned<f64>>,
    pub(super) critical: Option<bool>,
    pub(super) required: Option<bool>,
    pub(super) na: Option<bool>,
    pub(super) training: Spanned<Vec<Spanned<String>>>,
    pub(super) when: Option<Spanned<toml::Value>>,
    pub(super) basis: Option<Spanned<String>>,
    // Kind-specific fields; which ones belong to which kind is checked by hand so the
    // message can say so.
    pub(super) max: Option<Spanned<f64>>,
    pub(super) min: Option<Spanned<f64>>,
    pub(super) pass_at: Option<Spanned<f64>>,
    pub(super) labels: Option<Spanned<Vec<RawText>>>,
    pub(super) unit: Option<Spanned<String>>,
    pub(super) target: Option<Spanned<f64>>,
    pub(super) tolerance: Option<Spanned<f64>>,
    pub(super) range: Option<Spanned<Vec<f64>>>,
    pub(super) script: Option<RawText>,
    pub(super) phrases: Option<Spanned<Vec<RawText>>>,
    pub(super) steps: Option<Spanned<Vec<RawText>>>,
    pub(super) in_order: Option<Spanned<bool>>,
    pub(super) limit: Option<Spanned<RawLimit>>,
    pub(super) action: Option<Spanned<RawAction>>,
}

/// An item's `action` table: the corrective action failing it raises.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAction {
    pub(super) owner: Spanned<String>,
    pub(super) due_days: Spanned<i64>,
    pub(super) text: RawText,
    pub(super) photo: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLimit {
    pub(super) by: Spanned<String>,
    pub(super) base: Spanned<BTreeMap<String, f64>>,
    pub(super) per: Option<Spanned<String>>,
    pub(super) above: Option<f64>,
    pub(super) extra: Option<Spanned<BTreeMap<String, f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModuleFile {
    pub(super) module: RawModuleHead,
    #[serde(default)]
    pub(super) page: Vec<RawPage>,
    #[serde(default)]
    pub(super) question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModuleHead {
    pub(super) key: Spanned<String>,
    pub(super) title: RawText,
    pub(super) summary: RawText,
    pub(super) clauses: Spanned<Vec<Spanned<String>>>,
    pub(super) minutes: Spanned<u32>,
    pub(super) pass_mark: Spanned<f64>,
    pub(super) due_days: Spanned<u32>,
    pub(super) due_days_critical: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPage {
    pub(super) title: RawText,
    pub(super) body: RawText,
    #[serde(default)]
    pub(super) diagram: Vec<RawDiagram>,
    #[serde(default)]
    pub(super) image: Vec<RawImage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImage {
    pub(super) file: Spanned<String>,
    pub(super) alt: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDiagram {
    pub(super) key: Spanned<String>,
    pub(super) caption: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub(super) key: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) text: RawText,
    pub(super) options: Spanned<Vec<RawTextWithFields>>,
    pub(super) explanation: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPositionsFile {
    pub(super) position: Vec<RawPosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPosition {
    pub(super) key: Spanned<String>,
    pub(super) name: RawText,
    pub(super) curriculum: Spanned<Vec<Spanned<String>>>,
    pub(super) curriculum_due_days: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStandardFile {
    pub(super) source: RawSource,
    #[serde(default)]
    pub(super) clause: Vec<RawClause>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) key: Spanned<String>,
    pub(super) title: RawText,
    pub(super) description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClause {
    pub(super) id: Spanned<String>,
    pub(super) title: Option<RawText>,
    pub(super) text: RawText,
    pub(super) inspect: Option<bool>,
}
