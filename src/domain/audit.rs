//! An audit log entry read for people: which fields a change touched, each with its
//! value before and after, worked out from the before and after records it keeps.

use serde_json::Value as Json;

/// One field a change touched: its key in the record, and its values (`None` where the
/// record had no such field, or it was empty).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// The fields whose values differ between the records, in the after record's order
/// (then the fields only the before record has). A creation lists every field it set;
/// an entry that is not an object on either side lists nothing.
pub fn changes(before: Option<&Json>, after: Option<&Json>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let fields = |v: Option<&Json>| match v {
        Some(Json::Object(map)) => Some(map.clone()),
        _ => None,
    };
    let (Some(old), Some(new)) = (
        fields(before).or_else(|| after.map(|_| empty.clone())),
        fields(after).or_else(|| before.map(|_| empty.clone())),
    ) else {
        return Vec::new();
    };
    let value = |v: Option<&Json>| v.filter(|v| !is_blank(v)).cloned();
    let mut out: Vec<FieldChange> = new
        .iter()
        .filter(|(k, v)| value(old.get(*k)) != value(Some(v)))
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            before: value(old.get(k)),
            after: value(Some(v)),
        })
        .collect();
    out.extend(
        old.iter()
            .filter(|(k, v)| !new.contains_key(*k) && !is_blank(v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                before: Some(v.clone()),
                after: None,
            }),
    );
    out
}

fn is_blank(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_update_lists_only_what_changed() {
        let before = json!({ "name": "張靜怡", "position": "lobby-concierge", "active": true });
        let after = json!({ "name": "張靜怡", "position": "sales-host", "active": true });
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![FieldChange {
                field: "position".into(),
                before: Some(json!("lobby-concierge")),
                after: Some(json!("sales-host")),
            }]
        );
    }

    #[test]
    fn a_creation_lists_what_it_set_and_empty_values_are_none() {
        let after = json!({ "name": "A", "position": null, "sites": [] });
        let list = changes(None, Some(&after));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].field, "name");
        assert_eq!(list[0].before, None);
    }

    #[test]
    fn a_field_that_went_away_is_listed_and_non_objects_list_nothing() {
        let list = changes(Some(&json!({ "reason": "x" })), Some(&json!({})));
        assert_eq!(list[0].after, None);
        assert!(changes(Some(&json!(3)), None).is_empty());
        assert!(changes(None, None).is_empty());
    }
}
