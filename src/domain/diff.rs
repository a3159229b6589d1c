//! What changed between two versions of a checklist: the checklist's own fields, and its
//! sections and items matched by key. Pure; the admin pages render the result.
//!
//! Items are matched by key across the whole checklist (keys are unique in a checklist),
//! so an item that moved to another section shows as changed (its section), not as one
//! removed and one added. Unchanged items are only counted.

use super::checklist::{Checklist, Item, Section};
use super::text::Text;

/// How a section or an item differs between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// A field of an item that differs between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemField {
    /// The item moved to another section.
    Section,
    Text,
    /// A different kind of item (check, scale, measure…).
    Kind,
    /// Same kind, different scoring details (scale, target, phrases, steps, limit…).
    Scoring,
    Weight,
    Critical,
    Clause,
    Guidance,
    Required,
    NotApplicable,
    Training,
    Conditions,
}

impl ItemField {
    /// The message id of its name for people (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            ItemField::Section => "item-field-section",
            ItemField::Text => "item-field-text",
            ItemField::Kind => "item-field-kind",
            ItemField::Scoring => "item-field-scoring",
            ItemField::Weight => "item-field-weight",
            ItemField::Critical => "item-field-critical",
            ItemField::Clause => "item-field-clause",
            ItemField::Guidance => "item-field-guidance",
            ItemField::Required => "item-field-required",
            ItemField::NotApplicable => "item-field-not-applicable",
            ItemField::Training => "item-field-training",
            ItemField::Conditions => "item-field-conditions",
        }
    }
}

/// One item that was added, removed or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDiff {
    pub key: String,
    pub change: Change,
    /// The item in the older version (`None` when added).
    pub old: Option<Item>,
    /// The item in the newer version (`None` when removed).
    pub new: Option<Item>,
    /// What differs, for a changed item; empty otherwise.
    pub fields: Vec<ItemField>,
    /// The key of the section the item was in before it moved here.
    pub moved_from: Option<String>,
}

impl ItemDiff {
    pub fn changed(&self, field: ItemField) -> bool {
        self.fields.contains(&field)
    }
}

/// One section: whether it was added, removed or renamed, and its items that differ.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionDiff {
    pub key: String,
    /// `Changed` means the section's title changed; item changes are in `items`.
    pub change: Change,
    pub old_title: Option<Text>,
    pub new_title: Option<Text>,
    /// Items added, removed or changed, in the newer version's order, removed items last.
    pub items: Vec<ItemDiff>,
    /// Items in this section identical in both versions.
    pub unchanged_items: usize,
}

impl SectionDiff {
    /// The title to show: the newer one, else the older.
    pub fn title(&self) -> &Text {
        self.new_title
            .as_ref()
            .or(self.old_title.as_ref())
            .expect("a section exists in at least one version")
    }
}

/// A value of the checklist itself before and after, when it changed.
pub type Before<T> = Option<(T, T)>;

#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistDiff {
    pub title: Before<Text>,
    pub pass_mark: Before<f64>,
    pub description: Before<Option<Text>>,
    pub positions: Before<Vec<String>>,
    pub source: Before<String>,
    /// Whether the context fields the inspector fills in changed.
    pub context_changed: bool,
    /// Every section of either version: the newer version's order, removed sections last.
    pub sections: Vec<SectionDiff>,
}

impl ChecklistDiff {
    /// Whether the checklist's own fields (not its sections) changed.
    pub fn header_changed(&self) -> bool {
        self.title.is_some()
            || self.pass_mark.is_some()
            || self.description.is_some()
            || self.positions.is_some()
            || self.source.is_some()
            || self.context_changed
    }

    /// No difference at all.
    pub fn is_empty(&self) -> bool {
        !self.header_changed()
            && self
                .sections
                .iter()
                .all(|s| s.change == Change::Unchanged && s.items.is_empty())
    }

    /// How many items were added, removed or changed.
    pub fn count(&self, change: Change) -> usize {
        if change == Change::Unchanged {
            return self.unchanged_items();
        }
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.change == change)
            .count()
    }

    pub fn unchanged_items(&self) -> usize {
        self.sections.iter().map(|s| s.unchanged_items).sum()
    }

    pub fn item(&self, key: &str) -> Option<&ItemDiff> {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.key == key)
    }

    pub fn section(&self, key: &str) -> Option<&SectionDiff> {
        self.sections.iter().find(|s| s.key == key)
    }
}

fn changed<T: PartialEq + Clone>(old: &T, new: &T) -> Before<T> {
    (old != new).then(|| (old.clone(), new.clone()))
}

/// Where each item of a checklist is: (section key, item).
fn locate<'a>(c: &'a Checklist, key: &str) -> Option<(&'a Section, &'a Item)> {
    c.items().find(|(_, i)| i.key == key)
}

/// The fields in which two versions of an item differ.
pub fn item_fields(old: &Item, new: &Item) -> Vec<ItemField> {
    let mut fields = Vec::new();
    let mut mark = |differs: bool, field: ItemField| {
        if differs {
            fields.push(field);
        }
    };
    mark(old.text != new.text, ItemField::Text);
    let same_kind = old.kind_name() == new.kind_name();
    mark(!same_kind, ItemField::Kind);
    mark(same_kind && old.kind != new.kind, ItemField::Scoring);
    mark(old.weight != new.weight, ItemField::Weight);
    mark(old.critical != new.critical, ItemField::Critical);
    mark(old.clause != new.clause, ItemField::Clause);
    mark(old.guidance != new.guidance, ItemField::Guidance);
    mark(old.required != new.required, ItemField::Required);
    mark(old.na != new.na, ItemField::NotApplicable);
    mark(old.training != new.training, ItemField::Training);
    mark(old.when != new.when, ItemField::Conditions);
    fields
}

/// Compare an older version of a checklist with a newer one.
pub fn diff(old: &Checklist, new: &Checklist) -> ChecklistDiff {
    let mut sections = Vec::new();
    for section in &new.sections {
        let before = old.sections.iter().find(|s| s.key == section.key);
        let mut out = SectionDiff {
            key: section.key.clone(),
            change: match before {
                None => Change::Added,
                Some(b) if b.title != section.title => Change::Changed,
                Some(_) => Change::Unchanged,
            },
            old_title: before.map(|b| b.title.clone()),
            new_title: Some(section.title.clone()),
            items: Vec::new(),
            unchanged_items: 0,
        };
        for item in &section.items {
            match locate(old, &item.key) {
                None => out.items.push(ItemDiff {
                    key: item.key.clone(),
                    change: Change::Added,
                    old: None,
                    new: Some(item.clone()),
                    fields: Vec::new(),
                    moved_from: None,
                }),
                Some((old_section, old_item)) => {
                    let mut fields = item_fields(old_item, item);
                    let moved = old_section.key != section.key;
                    if moved {
                        fields.insert(0, ItemField::Section);
                    }
                    if fields.is_empty() {
                        out.unchanged_items += 1;
                    } else {
                        out.items.push(ItemDiff {
                            key: item.key.clone(),
                            change: Change::Changed,
                            old: Some(old_item.clone()),
                            new: Some(item.clone()),
                            fields,
                            moved_from: moved.then(|| old_section.key.clone()),
                        });
                    }
                }
            }
        }
        if let Some(b) = before {
            out.items.extend(removed_items(b, new));
        }
        sections.push(out);
    }
    for section in &old.sections {
        if new.sections.iter().any(|s| s.key == section.key) {
            continue;
        }
        sections.push(SectionDiff {
            key: section.key.clone(),
            change: Change::Removed,
            old_title: Some(section.title.clone()),
            new_title: None,
            items: removed_items(section, new).collect(),
            unchanged_items: 0,
        });
    }
    ChecklistDiff {
        title: changed(&old.title, &new.title),
        pass_mark: changed(&old.pass_mark, &new.pass_mark),
        description: changed(&old.description, &new.description),
        positions: changed(&old.positions, &new.positions),
        source: changed(&old.source, &new.source),
        context_changed: old.context != new.context,
        sections,
    }
}

/// Items of an older section that the newer checklist no longer has anywhere.
fn removed_items<'a>(old: &'a Section, new: &'a Checklist) -> impl Iterator<Item = ItemDiff> + 'a {
    old.items
        .iter()
        .filter(|i| new.item(&i.key).is_none())
        .map(|i| ItemDiff {
            key: i.key.clone(),
            change: Change::Removed,
            old: Some(i.clone()),
            new: None,
            fields: Vec::new(),
            moved_from: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checklist::{Allowed, ItemKind};
    use crate::domain::text::Lang;

    fn item(key: &str, text: &str) -> Item {
        Item {
            key: key.into(),
            clause: "4.3.1".into(),
            text: Text::new(format!("{text}（中）"), text),
            guidance: Text::new("指引", "guidance"),
            weight: 1.0,
            critical: false,
            required: true,
            na: false,
            training: vec!["lobby-greeting".into()],
            when: Vec::new(),
            kind: ItemKind::Check,
            basis: Default::default(),
        }
    }

    fn section(key: &str, items: Vec<Item>) -> Section {
        Section {
            key: key.into(),
            title: Text::new(format!("{key}（中）"), key),
            items,
        }
    }

    fn checklist(sections: Vec<Section>) -> Checklist {
        Checklist {
            key: "lobby".into(),
            title: Text::new("大堂", "Lobby"),
            description: None,
            positions: vec!["lobby-concierge".into()],
            pass_mark: 80.0,
            source: "4.3".into(),
            context: Vec::new(),
            sections,
        }
    }

    fn base() -> Checklist {
        checklist(vec![
            section("welcome", vec![item("bow", "Bow"), item("smile", "Smile")]),
            section("farewell", vec![item("lift", "See to the lift")]),
        ])
    }

    #[test]
    fn identical_versions_have_no_difference() {
        let d = diff(&base(), &base());
        assert!(d.is_empty());
        assert!(!d.header_changed());
        assert_eq!(d.unchanged_items(), 3);
        assert_eq!(d.count(Change::Added), 0);
        assert_eq!(d.sections.len(), 2);
    }

    #[test]
    fn added_removed_and_changed_items_are_found_by_key() {
        let old = base();
        let mut new = base();
        new.sections[0].items.remove(1); // smile removed
        new.sections[0].items[0].text = Text::new("鞠躬30度", "Bow of 30°");
        new.sections[0].items[0].weight = 2.0;
        new.sections[1].items.push(item("wave", "Wave goodbye"));
        let d = diff(&old, &new);
        assert!(!d.is_empty());
        assert_eq!(d.count(Change::Added), 1);
        assert_eq!(d.count(Change::Removed), 1);
        assert_eq!(d.count(Change::Changed), 1);
        assert_eq!(d.unchanged_items(), 1);

        let bow = d.item("bow").unwrap();
        assert_eq!(bow.change, Change::Changed);
        assert_eq!(bow.fields, vec![ItemField::Text, ItemField::Weight]);
        assert_eq!(bow.old.as_ref().unwrap().text.get(Lang::En), "Bow");
        assert_eq!(bow.new.as_ref().unwrap().text.get(Lang::En), "Bow of 30°");

        let smile = d.item("smile").unwrap();
        assert_eq!(smile.change, Change::Removed);
        assert!(smile.new.is_none() && smile.old.is_some());
        assert_eq!(
            d.section("welcome").unwrap().items.last().unwrap().key,
            "smile"
        );

        let wave = d.item("wave").unwrap();
        assert_eq!(wave.change, Change::Added);
        assert!(wave.old.is_none() && wave.new.is_some());
        assert_eq!(d.section("farewell").unwrap().unchanged_items, 1);
    }

    #[test]
    fn title_and_pass_mark_changes_are_reported() {
        let mut new = base();
        new.title = Text::new("大堂接待", "Lobby reception");
        new.pass_mark = 85.0;
        let d = diff(&base(), &new);
        assert!(d.header_changed());
        assert_eq!(d.pass_mark, Some((80.0, 85.0)));
        assert_eq!(d.title.as_ref().unwrap().1.get(Lang::En), "Lobby reception");
        assert!(d.description.is_none() && d.positions.is_none() && d.source.is_none());
        assert_eq!(d.count(Change::Changed), 0);
    }

    #[test]
    fn an_item_that_moved_is_changed_not_removed_and_added() {
        let mut new = base();
        let bow = new.sections[0].items.remove(0);
        new.sections[1].items.push(bow);
        let d = diff(&base(), &new);
        assert_eq!(d.count(Change::Added), 0);
        assert_eq!(d.count(Change::Removed), 0);
        let moved = d.item("bow").unwrap();
        assert_eq!(moved.fields, vec![ItemField::Section]);
        assert_eq!(moved.moved_from.as_deref(), Some("welcome"));
        assert!(
            d.section("farewell")
                .unwrap()
                .items
                .iter()
                .any(|i| i.key == "bow")
        );
    }

    #[test]
    fn sections_added_removed_and_renamed() {
        let mut new = base();
        new.sections[0].title = Text::new("迎接", "Welcoming guests");
        let farewell = new.sections.remove(1);
        new.sections
            .push(section("escort", vec![item("lead", "Lead the way")]));
        // keep one farewell item by moving it into the new section
        new.sections[1].items.push(farewell.items[0].clone());
        let d = diff(&base(), &new);
        assert_eq!(d.section("welcome").unwrap().change, Change::Changed);
        let escort = d.section("escort").unwrap();
        assert_eq!(escort.change, Change::Added);
        assert_eq!(escort.title().get(Lang::En), "escort");
        let gone = d.section("farewell").unwrap();
        assert_eq!(gone.change, Change::Removed);
        assert!(gone.new_title.is_none());
        // its only item moved, so nothing is listed as removed there
        assert!(gone.items.is_empty());
        assert_eq!(
            d.item("lift").unwrap().moved_from.as_deref(),
            Some("farewell")
        );
        assert_eq!(d.sections.last().unwrap().key, "farewell");
    }

    #[test]
    fn kind_changes_differ_from_scoring_changes() {
        let mut a = item("bow", "Bow");
        a.kind = ItemKind::Measure {
            unit: "°".into(),
            allowed: Allowed::target(30.0, 5.0),
            range: None,
        };
        let mut b = a.clone();
        b.kind = ItemKind::Measure {
            unit: "°".into(),
            allowed: Allowed::target(30.0, 3.0),
            range: None,
        };
        assert_eq!(item_fields(&a, &b), vec![ItemField::Scoring]);
        b.kind = ItemKind::Check;
        b.critical = true;
        b.clause = "4.3.2".into();
        assert_eq!(
            item_fields(&a, &b),
            vec![ItemField::Kind, ItemField::Critical, ItemField::Clause]
        );
        assert!(item_fields(&a, &a).is_empty());
    }

    #[test]
    fn everything_removed_or_everything_added() {
        let empty = checklist(Vec::new());
        let d = diff(&base(), &empty);
        assert_eq!(d.count(Change::Removed), 3);
        assert!(d.sections.iter().all(|s| s.change == Change::Removed));
        let d = diff(&empty, &base());
        assert_eq!(d.count(Change::Added), 3);
        assert!(d.sections.iter().all(|s| s.change == Change::Added));
    }
}
