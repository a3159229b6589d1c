//! Exports of the spot-checks in view (CSV for spreadsheets, JSON for the API), streamed
//! a page of inspections at a time: a year of a 200-site group goes out in a few
//! megabytes of memory instead of being built whole first.

use crate::i18n::Message;
use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use entity::{inspection, inspection_response};
use serde::Serialize;
use uuid::Uuid;

use super::error::AppResult;
use crate::app::AppState;
use crate::domain::access::Scope;
use crate::domain::clock::{self, Tz};
use crate::domain::spreadsheet::{csv_cell, local_date_time, utc_iso};
use crate::domain::{Lang, Outcome, ShiftPeriod};
use crate::store::filter::QualityFilter;
use crate::store::quality::{self, InView};
use crate::store::{StoreResult, org};

/// What is exported, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// One CSV row per spot-check, labelled for people (names, titles in their language).
    InspectionsCsv,
    /// One CSV row per scored item response.
    ResponsesCsv,
    /// The API's array of spot-checks (ids and keys beside the names).
    InspectionsJson,
    /// The API's array of scored item responses.
    ResponsesJson,
}

impl Export {
    fn is_json(self) -> bool {
        matches!(self, Export::InspectionsJson | Export::ResponsesJson)
    }

    fn needs_responses(self) -> bool {
        matches!(self, Export::ResponsesCsv | Export::ResponsesJson)
    }

    fn csv_header(self) -> &'static [&'static str] {
        match self {
            Export::InspectionsCsv => &[
                "inspection_id",
                "shift_date",
                "shift_period",
                "site_id",
                "site",
                "staff_id",
                "staff",
                "inspector_id",
                "inspector",
                "checklist",
                "checklist_version",
                "score",
                "max_score",
                "percent",
                "passed",
                "critical_failure",
                "submitted_at",
                "time_zone",
                "submitted_at_utc",
            ],
            Export::ResponsesCsv => &[
                "inspection_id",
                "shift_date",
                "site_id",
                "site",
                "staff_id",
                "staff",
                "inspector_id",
                "inspector",
                "checklist",
                "section",
                "item",
                "clause",
                "text",
                "outcome",
                "points",
                "max_points",
                "note",
            ],
            Export::InspectionsJson | Export::ResponsesJson => &[],
        }
    }
}

/// Stream an export of what `filter` shows to `scope`. Bad filters are refused before the
/// first byte; a database error part-way ends the download early (and is logged), as
/// the status line has already gone.
pub async fn respond(
    state: &AppState,
    scope: &Scope,
    filter: &QualityFilter,
    lang: Lang,
    export: Export,
    file_name: &str,
) -> AppResult<Response> {
    let view = InView::open(&state.db, scope, filter).await?;
    let sites = org::site_names(&state.db).await?;
    let ids: Vec<i32> = sites.keys().copied().collect();
    let zones = org::time_zones(&state.db, &ids)
        .await?
        .into_iter()
        .map(|(id, zone)| (id, clock::zone_or(&zone, state.config.time_zone)))
        .collect();
    let pages = Pages {
        db: state.db.clone(),
        view,
        export,
        lang,
        sites,
        zones,
        default_zone: state.config.time_zone,
        state: Stage::Start,
    };
    let stream = futures_util::stream::try_unfold(pages, |mut pages| async move {
        match pages.next_chunk().await {
            Ok(Some(chunk)) => Ok(Some((chunk, pages))),
            Ok(None) => Ok(None),
            Err(e) => {
                tracing::error!("export stopped part-way: {e}");
                Err(std::io::Error::other(e.to_string()))
            }
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    if export.is_json() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    } else {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Start,
    /// Pages are being written; `first` until the first JSON element is out.
    Pages {
        first: bool,
    },
    Done,
}

struct Pages {
    db: sea_orm::DatabaseConnection,
    view: InView,
    export: Export,
    lang: Lang,
    sites: HashMap<i32, String>,
    zones: HashMap<i32, Tz>,
    default_zone: Tz,
    state: Stage,
}

impl Pages {
    /// The next piece of the body: the opening (CSV header with a byte-order mark so
    /// Excel reads UTF-8, or `[`), then a page at a time, then the closing `]`.
    async fn next_chunk(&mut self) -> StoreResult<Option<Bytes>> {
        let first = match self.state {
            Stage::Done => return Ok(None),
            Stage::Start => {
                self.state = Stage::Pages { first: true };
                if self.export.is_json() {
                    return Ok(Some(Bytes::from_static(b"[")));
                }
                let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
                write_csv(&mut out, self.export.csv_header())?;
                return Ok(Some(finish_csv(out)?.into()));
            }
            Stage::Pages { first } => first,
        };
        let Some(rows) = self.view.next_page(&self.db).await? else {
            self.state = Stage::Done;
            return Ok(self.export.is_json().then(|| Bytes::from_static(b"]")));
        };
        let responses = if self.export.needs_responses() {
            quality::responses(&self.db, &rows).await?
        } else {
            HashMap::new()
        };
        let names = {
            let people = rows.iter().flat_map(|r| [r.subject_id, r.inspector_id]);
            let mut people: Vec<i32> = people.collect();
            people.sort_unstable();
            people.dedup();
            org::names(&self.db, people).await?
        };
        let page = Page {
            view: &self.view,
            rows: &rows,
            responses: &responses,
            names: &names,
            sites: &self.sites,
            zones: &self.zones,
            default_zone: self.default_zone,
            lang: self.lang,
        };
        let (bytes, wrote) = match self.export {
            Export::InspectionsCsv => (page.inspections_csv()?, true),
            Export::ResponsesCsv => (page.responses_csv()?, true),
            Export::InspectionsJson => json_elements(page.inspections_json(), first)?,
            Export::ResponsesJson => json_elements(page.responses_json(), first)?,
        };
        self.state = Stage::Pages {
            first: first && !wrote,
        };
        Ok(Some(bytes.into()))
    }
}

/// One page of inspections with what labels them.
struct Page<'a> {
    view: &'a InView,
    rows: &'a [inspection::Model],
    responses: &'a HashMap<Uuid, Vec<inspection_response::Model>>,
    names: &'a HashMap<i32, String>,
    sites: &'a HashMap<i32, String>,
    zones: &'a HashMap<i32, Tz>,
    default_zone: Tz,
    lang: Lang,
}

/// Write one CSV row, every cell through [`csv_cell`]: notes and names are typed by
/// people, and a spreadsheet must show them, never run them as formulas.
fn write_csv<I, T>(out: &mut csv::Writer<Vec<u8>>, record: I) -> StoreResult<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let invalid =
        |e: csv::Error| crate::store::StoreError::Invalid(Message::literal(e.to_string()));
    for cell in record {
        out.write_field(csv_cell(cell.as_ref()).as_bytes())
            .map_err(invalid)?;
    }
    out.write_record(None::<&[u8]>).map_err(invalid)
}

fn finish_csv(out: csv::Writer<Vec<u8>>) -> StoreResult<Vec<u8>> {
    out.into_inner()
        .map_err(|e| crate::store::StoreError::Invalid(Message::literal(e.to_string())))
}

/// JSON array elements, comma-separated, with a leading comma unless they are the first
/// of the array; and whether any were written.
fn json_elements<T: Serialize>(items: Vec<T>, first: bool) -> StoreResult<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 || !first {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, item)
            .map_err(|e| crate::store::StoreError::Invalid(Message::literal(e.to_string())))?;
    }
    Ok((out, !items.is_empty()))
}

#[derive(Debug, Serialize)]
struct InspectionOut {
    id: Uuid,
    shift_date: String,
    shift_period: ShiftPeriod,
    site_id: i32,
    site: String,
    subject_id: i32,
    subject: String,
    inspector_id: i32,
    inspector: String,
    checklist: String,
    checklist_version: i32,
    score: Option<f64>,
    max_score: Option<f64>,
    percent: Option<f64>,
    passed: Option<bool>,
    critical_failure: bool,
    submitted_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct ResponseOut {
    inspection_id: Uuid,
    checklist: String,
    section: String,
    item: String,
    clause: String,
    outcome: Outcome,
    points: f64,
    max_points: f64,
    note: Option<String>,
}

impl Page<'_> {
    fn name(&self, id: i32) -> String {
        self.names.get(&id).cloned().unwrap_or_default()
    }

    /// Who and where, by id and name: site, person checked, inspector.
    fn who_and_where(&self, r: &inspection::Model) -> [String; 6] {
        [
            r.site_id.to_string(),
            self.sites.get(&r.site_id).cloned().unwrap_or_default(),
            r.subject_id.to_string(),
            self.name(r.subject_id),
            r.inspector_id.to_string(),
            self.name(r.inspector_id),
        ]
    }

    fn zone(&self, site_id: i32) -> Tz {
        self.zones
            .get(&site_id)
            .copied()
            .unwrap_or(self.default_zone)
    }

    fn inspections_csv(&self) -> StoreResult<Vec<u8>> {
        let l = self.lang;
        let mut out = csv::Writer::from_writer(Vec::new());
        for r in self.rows {
            let version = self.view.version(r.checklist_version_id);
            let zone = self.zone(r.site_id);
            let head = [
                r.id.to_string(),
                r.shift_date.to_string(),
                r.shift_period.to_string(),
            ];
            let rest = [
                version
                    .map(|v| v.checklist.title.get(l).to_string())
                    .unwrap_or_default(),
                version.map(|v| v.version.to_string()).unwrap_or_default(),
                r.score.map(|v| format!("{v:.2}")).unwrap_or_default(),
                r.max_score.map(|v| format!("{v:.2}")).unwrap_or_default(),
                r.percent.map(|v| format!("{v:.1}")).unwrap_or_default(),
                r.passed.map(|v| v.to_string()).unwrap_or_default(),
                r.critical_failure.to_string(),
                r.submitted_at
                    .map(|t| local_date_time(zone, t))
                    .unwrap_or_default(),
                zone.name().to_string(),
                r.submitted_at.map(utc_iso).unwrap_or_default(),
            ];
            write_csv(
                &mut out,
                head.into_iter().chain(self.who_and_where(r)).chain(rest),
            )?;
        }
        finish_csv(out)
    }

    fn inspections_json(&self) -> Vec<InspectionOut> {
        self.rows
            .iter()
            .map(|r| {
                let version = self.view.version(r.checklist_version_id);
                InspectionOut {
                    id: r.id,
                    shift_date: r.shift_date.to_string(),
                    shift_period: r.shift_period,
                    site_id: r.site_id,
                    site: self.sites.get(&r.site_id).cloned().unwrap_or_default(),
                    subject_id: r.subject_id,
                    subject: self.name(r.subject_id),
                    inspector_id: r.inspector_id,
                    inspector: self.name(r.inspector_id),
                    checklist: version.map(|v| v.checklist.key.clone()).unwrap_or_default(),
                    checklist_version: version.map(|v| v.version).unwrap_or_default(),
                    score: r.score,
                    max_score: r.max_score,
                    percent: r.percent,
                    passed: r.passed,
                    critical_failure: r.critical_failure,
                    submitted_at: r.submitted_at.map(|t| t.to_rfc3339()),
                }
            })
            .collect()
    }

    /// Each scored response with its inspection and the checklist item it answers;
    /// responses to items the version does not have are left out.
    fn scored_items(
        &self,
    ) -> impl Iterator<
        Item = (
            &inspection::Model,
            &crate::store::library::StoredChecklist,
            &crate::domain::checklist::Section,
            &crate::domain::checklist::Item,
            &inspection_response::Model,
        ),
    > {
        self.rows.iter().flat_map(move |r| {
            let version = self.view.version(r.checklist_version_id);
            let responses = self.responses.get(&r.id).map(Vec::as_slice);
            version.into_iter().flat_map(move |v| {
                responses
                    .unwrap_or_default()
                    .iter()
                    .filter_map(move |resp| {
                        let (section, item) =
                            v.checklist.items().find(|(_, i)| i.key == resp.item_key)?;
                        Some((r, v, section, item, resp))
                    })
            })
        })
    }

    fn responses_csv(&self) -> StoreResult<Vec<u8>> {
        let l = self.lang;
        let mut out = csv::Writer::from_writer(Vec::new());
        for (r, version, section, item, resp) in self.scored_items() {
            let head = [r.id.to_string(), r.shift_date.to_string()];
            let rest = [
                version.checklist.key.clone(),
                section.key.clone(),
                item.key.clone(),
                item.clause.clone(),
                item.text.get(l).to_string(),
                resp.outcome.to_string(),
                format!("{:.2}", resp.points),
                format!("{:.2}", resp.max_points),
                resp.note.clone().unwrap_or_default(),
            ];
            write_csv(
                &mut out,
                head.into_iter().chain(self.who_and_where(r)).chain(rest),
            )?;
        }
        finish_csv(out)
    }

    fn responses_json(&self) -> Vec<ResponseOut> {
        self.scored_items()
            .map(|(r, version, section, item, resp)| ResponseOut {
                inspection_id: r.id,
                checklist: version.checklist.key.clone(),
                section: section.key.clone(),
                item: item.key.clone(),
                clause: item.clause.clone(),
                outcome: resp.outcome,
                points: resp.points,
                max_points: resp.max_points,
                note: resp.note.clone(),
            })
            .collect()
    }
}
