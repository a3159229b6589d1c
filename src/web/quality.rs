//! The quality department's dashboard: trends, the p-chart, the Pareto of failed items,
//! the site × section heat map, staff and site tables, coverage and inspector
//! calibration — all under one filter with a shareable URL — and CSV exports of the same.

use crate::i18n::Message;
use std::collections::{BTreeMap, HashMap};

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::export::Export;
use super::query::{Query, nonempty, optional_date, optional_id};
use super::session::Viewer;
use super::timing::PageTimer;
use crate::app::AppState;
use crate::domain::access::{Role, Scope};
use crate::domain::stats::{self, Granularity, ItemFailures};
use crate::store::filter::QualityFilter;
use crate::store::stats::{self as kept, PersonRows};
use crate::store::{StoreResult, org};
use crate::views::quality::{self as view, Dashboard, FilterOptions};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quality", get(dashboard))
        .route("/quality/inspections.csv", get(inspections_csv))
        .route("/quality/responses.csv", get(responses_csv))
        .route("/quality/people", get(people))
}

/// How many people the staff filter suggests at a time.
const SUGGESTIONS: u64 = 20;

#[derive(Debug, Deserialize)]
struct PeopleQuery {
    site: Option<String>,
    q: Option<String>,
}

#[derive(Debug, serde::Serialize)]
struct Suggestion {
    id: i32,
    name: String,
    /// What the filter's box holds once chosen: the name with the id (see [`person_choice`]).
    label: String,
}

/// The staff filter's suggestions as the viewer types: active staff of the chosen site,
/// or of every site the viewer sees, whose name contains the text.
async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Response> {
    may_watch(&viewer)?;
    let sites: Vec<i32> = match optional_id(q.site.as_deref(), "site")? {
        Some(site) if viewer.scope.can_view_site(site) => vec![site],
        Some(_) => return Err(AppError::Forbidden),
        None => org::visible_sites(&state.db, &viewer.scope)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    let found =
        org::staff_matching(&state.db, &sites, q.q.as_deref().unwrap_or(""), SUGGESTIONS).await?;
    let list: Vec<Suggestion> = found
        .into_iter()
        .map(|(id, name)| Suggestion {
            id,
            label: view::person_label(id, &name),
            name,
        })
        .collect();
    Ok(axum::Json(list).into_response())
}

/// The person the staff filter names: an id (`12`, as drill-down links write it), or a
/// suggestion as the box holds it (`陳美玲 (#12)`).
fn person_choice(raw: Option<&str>) -> AppResult<Option<i32>> {
    let id = nonempty(raw).map(|s| {
        s.strip_suffix(')')
            .and_then(|s| s.rsplit_once("(#"))
            .map_or(s, |(_, id)| id)
    });
    optional_id(id, "person")
}

fn may_watch(viewer: &Viewer) -> AppResult<()> {
    match viewer.role() {
        Role::Admin | Role::Quality | Role::Manager => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct FilterQuery {
    site: Option<String>,
    checklist: Option<String>,
    section: Option<String>,
    position: Option<String>,
    subject: Option<String>,
    inspector: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Read the filter; the default range is the last twelve weeks.
pub async fn read_filter(
    state: &AppState,
    scope: &Scope,
    q: &FilterQuery,
) -> AppResult<QualityFilter> {
    // Spans sites: the viewer's primary site's date (said under the filter).
    let today = state.viewer_clock(scope).await?.today();
    let to = optional_date(q.to.as_deref())?.unwrap_or(today);
    let from = optional_date(q.from.as_deref())?.unwrap_or(stats::last_twelve_weeks(to).0);
    if from > to {
        return Err(AppError::BadRequest(Message::new("refuse-start-after-end")));
    }
    let site = optional_id(q.site.as_deref(), "site")?;
    if let Some(site) = site
        && !scope.can_view_site(site)
    {
        return Err(AppError::Forbidden);
    }
    Ok(QualityFilter {
        site,
        checklist: nonempty(q.checklist.as_deref()).map(String::from),
        section: nonempty(q.section.as_deref()).map(String::from),
        position: position_id(state, q.position.as_deref()).await?,
        subject: person_choice(q.subject.as_deref())?,
        inspector: optional_id(q.inspector.as_deref(), "inspector")?,
        from,
        to,
    })
}

/// A position's id from its key in a query string (the dashboard's and the
/// inspection list's `position`).
pub async fn position_id(state: &AppState, key: Option<&str>) -> AppResult<Option<i32>> {
    let Some(key) = nonempty(key) else {
        return Ok(None);
    };
    Ok(Some(
        org::positions(&state.db)
            .await?
            .into_iter()
            .find(|p| p.key == key)
            .ok_or_else(|| {
                AppError::BadRequest(Message::new("refuse-no-position").arg("key", key))
            })?
            .id,
    ))
}

/// The query string for the filter, so every view and drill-down can be shared.
fn query_of(q: &FilterQuery, filter: &QualityFilter) -> Vec<(String, String)> {
    let mut out = vec![
        ("from".to_string(), filter.from.to_string()),
        ("to".to_string(), filter.to.to_string()),
    ];
    for (name, value) in [
        ("site", &q.site),
        ("checklist", &q.checklist),
        ("section", &q.section),
        ("position", &q.position),
        ("inspector", &q.inspector),
    ] {
        if let Some(v) = nonempty(value.as_deref()) {
            out.push((name.to_string(), v.to_string()));
        }
    }
    if let Some(subject) = filter.subject {
        out.push(("subject".to_string(), subject.to_string()));
    }
    out
}

async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FilterQuery>,
) -> AppResult<Response> {
    may_watch(&viewer)?;
    let timer = PageTimer::start("quality dashboard");
    let l = viewer.lang;
    let requested = read_filter(&state, &viewer.scope, &q).await?;
    // The figures come from the kept weekly or monthly aggregates, so the range is
    // widened to whole periods (and the form shows the range actually used).
    let granularity = Granularity::for_range(requested.from, requested.to);
    let (from, to) = granularity.whole_periods(requested.from, requested.to);
    let filter = QualityFilter {
        from,
        to,
        ..requested
    };
    let (db, scope) = (&state.db, &viewer.scope);
    // Group-wide panels read the site roll-up; a filter on a person reads their rows.
    let person_filter = filter.subject.is_some() || filter.inspector.is_some();
    // Items per site only where the heat map needs them: by section of a chosen
    // checklist, or for a person (whose rows have no site roll-up).
    let per_site = filter.checklist.is_some() || person_filter;
    let split = granularity.halfway(filter.from, filter.to);
    // The one-tap ranges are also kept per person and half: the staff and calibration
    // panels then read two rows per person. Any other range reads the running totals at
    // its ends (two or three rows per person, however long the range).
    let clock = state.viewer_clock(scope).await?;
    let today = clock.today();
    let window = if person_filter {
        None
    } else {
        kept::window_for(db, today, granularity, filter.from, filter.to).await?
    };
    let person_rows = window.map_or(PersonRows::Periods(granularity), PersonRows::Window);
    let site_panel = async {
        if person_filter {
            let samples = kept::samples(db, scope, &filter, granularity).await?;
            StoreResult::Ok((Vec::new(), samples.clone(), samples))
        } else {
            // Sites in two halves and the whole group per period: a few hundred rows,
            // not every period of every site.
            let (rows, periods) = tokio::try_join!(
                kept::site_rows(db, scope, &filter, granularity, split),
                kept::period_samples(db, scope, &filter, granularity),
            )?;
            let samples = rows.iter().map(|r| r.sample.clone()).collect();
            Ok((rows, samples, periods))
        }
    };
    // The panels' queries do not depend on each other, nor the page's other reads on
    // them: they run side by side, on SQLite's reader connections as on PostgreSQL's pool.
    let panels = async {
        tokio::try_join!(
            timer.time("site roll-up", site_panel),
            timer.time(
                "items",
                kept::items(db, scope, &filter, granularity, per_site)
            ),
            timer.time(
                "staff",
                kept::lowest_staff(
                    db,
                    scope,
                    &filter,
                    person_rows,
                    split,
                    view::GROUP_ROWS as u64
                )
            ),
            timer.time(
                "calibration",
                kept::calibration_samples(db, scope, &filter, person_rows)
            ),
            timer.time("coverage", coverage(&state, scope, &filter)),
        )
    };
    // The chosen person by name only if the viewer may know of them: a foreign id
    // answers as an unknown one.
    let chosen = async {
        Ok(match filter.subject {
            Some(id) => org::name_in_view(db, scope, id)
                .await?
                .map(|name| (id, name)),
            None => None,
        })
    };
    // The staff list is the chosen site's; without a site only the chosen person (a
    // group's thousands of names are found through a site, not one long list).
    let site_staff = async {
        Ok(match filter.site {
            Some(site) => Some(org::staff_at(db, site).await?),
            None => None,
        })
    };
    let page_reads = async {
        tokio::try_join!(
            timer.time("site names", org::site_names(db)),
            chosen,
            site_staff
        )
    };
    let (
        (
            (site_rows, samples, period_samples),
            items,
            (lowest, staff_total),
            calibration_input,
            (visible, uncovered),
        ),
        (site_names, chosen, site_staff),
        overdue_actions,
    ) = tokio::try_join!(
        async { panels.await.map_err(AppError::from) },
        async { page_reads.await.map_err(AppError::from) },
        timer.time("overdue", super::actions::overdue_card(&state, &viewer)),
    )?;
    let version_ids = items.iter().map(|r| r.version);
    let version_ids = version_ids.chain(site_rows.iter().map(|r| r.version));
    let versions = timer
        .time("versions", kept::versions_of(db, version_ids.collect()))
        .await?;

    // Item failures and section points, labelled from the checklist versions.
    let mut failures: BTreeMap<String, ItemFailures> = BTreeMap::new();
    let mut labels: HashMap<String, (String, String)> = HashMap::new();
    let mut cells: Vec<(i32, String, f64, f64)> = Vec::new();
    let mut column_titles: BTreeMap<String, String> = BTreeMap::new();
    for row in &items {
        let Some(version) = versions.get(&row.version) else {
            continue;
        };
        let checklist = &version.checklist;
        let Some((section, item)) = checklist.items().find(|(_, i)| i.key == row.item_key) else {
            continue;
        };
        if filter.section.as_ref().is_some_and(|s| *s != section.key) {
            continue;
        }
        let key = format!("{}/{}", checklist.key, item.key);
        let entry = failures.entry(key.clone()).or_insert_with(|| ItemFailures {
            item: key.clone(),
            failures: 0,
            checked: 0,
        });
        entry.checked += row.checked;
        entry.failures += row.failed;
        labels
            .entry(key)
            .or_insert_with(|| (item.text.get(l).to_string(), item.clause.clone()));
        if per_site {
            // The heat map's columns: sections of the chosen checklist, else checklists.
            let (column, title) = if filter.checklist.is_some() {
                (section.key.clone(), section.title.get(l).to_string())
            } else {
                (checklist.key.clone(), checklist.title.get(l).to_string())
            };
            column_titles.entry(column.clone()).or_insert(title);
            cells.push((row.site, column, row.points, row.max_points));
        }
    }
    for row in &site_rows {
        let Some(version) = versions.get(&row.version) else {
            continue;
        };
        let checklist = &version.checklist;
        column_titles
            .entry(checklist.key.clone())
            .or_insert_with(|| checklist.title.get(l).to_string());
        cells.push((
            row.sample.site,
            checklist.key.clone(),
            row.points,
            row.max_points,
        ));
    }
    let counts: Vec<ItemFailures> = failures.into_values().collect();
    let pareto = stats::pareto(&counts);
    let heat = stats::heat_map(&cells);

    let trend = stats::trend(&period_samples, granularity);
    let chart = stats::p_chart(&trend);
    let sites = stats::by_group(&samples, |s| s.site, split);
    let staff = stats::by_group(&lowest, |s| s.subject, split);
    let calibration = stats::calibration(&calibration_input);

    let mut people: Vec<i32> = staff.iter().map(|g| g.key).collect();
    people.extend(calibration.iter().map(|c| c.inspector));
    people.extend(&uncovered);
    let names = timer.time("names", org::names(db, people)).await?;
    let staff_options = match site_staff {
        Some(staff) => staff
            .into_iter()
            .map(|(person, _)| (person.id, person.name))
            .collect(),
        None => chosen.into_iter().collect(),
    };
    let options = filter_options(&state, &viewer, &filter, visible, staff_options).await?;
    let query = query_of(&q, &filter);
    let page = view::dashboard(
        &viewer.chrome(),
        &Dashboard {
            overdue_actions,
            from: filter.from,
            to: filter.to,
            query: &query,
            options: &options,
            summary: stats::summary(&samples),
            granularity,
            trend: &trend,
            chart: chart.as_ref(),
            pareto: &pareto,
            labels: &labels,
            heat: &heat,
            columns: &column_titles,
            staff: &staff,
            staff_total,
            sites: &sites,
            uncovered: &uncovered,
            calibration: &calibration,
            names: &names,
            site_names: &site_names,
            today,
            zone: clock.tz.name(),
        },
    );
    timer.log();
    Ok(page.into_response())
}

/// The sites the viewer sees, and the staff at those in view not spot-checked in the
/// four weeks to the filter's end; with a checklist chosen, only those in the positions
/// it is for.
async fn coverage(
    state: &AppState,
    scope: &Scope,
    filter: &QualityFilter,
) -> StoreResult<(Vec<entity::site::Model>, Vec<i32>)> {
    let db = &state.db;
    let visible = org::visible_sites(db, scope).await?;
    // A chosen site that is not active has nobody to cover.
    let in_view: Vec<i32> = match filter.site {
        Some(site) => visible
            .iter()
            .map(|s| s.id)
            .filter(|id| *id == site)
            .collect(),
        None => visible.iter().map(|s| s.id).collect(),
    };
    let mut positions: Option<Vec<i32>> = filter.position.map(|p| vec![p]);
    if let Some(key) = &filter.checklist {
        let for_checklist = state
            .current_checklist(key)
            .await?
            .map(|c| c.checklist.positions)
            .unwrap_or_default();
        let ids: Vec<i32> = org::positions(db)
            .await?
            .into_iter()
            .filter(|p| for_checklist.contains(&p.key))
            .map(|p| p.id)
            .filter(|id| positions.as_ref().is_none_or(|only| only.contains(id)))
            .collect();
        positions = Some(ids);
    }
    let roster = org::roster(&in_view, positions.as_deref());
    let uncovered = kept::not_checked_recently(db, scope, filter, roster).await?;
    Ok((visible, uncovered))
}

async fn filter_options(
    state: &AppState,
    viewer: &Viewer,
    filter: &QualityFilter,
    sites: Vec<entity::site::Model>,
    staff: Vec<(i32, String)>,
) -> AppResult<FilterOptions> {
    let l = viewer.lang;
    let checklists = state.current_checklists().await?;
    let sections = filter
        .checklist
        .as_ref()
        .and_then(|key| checklists.iter().find(|c| c.checklist.key == *key))
        .map(|c| {
            c.checklist
                .sections
                .iter()
                .map(|s| (s.key.clone(), s.title.get(l).to_string()))
                .collect()
        })
        .unwrap_or_default();
    let positions = org::positions(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.key.clone(), org::position_name(&p).get(l).to_string()))
        .collect();
    Ok(FilterOptions {
        sites: sites.into_iter().map(|s| (s.id, s.name)).collect(),
        checklists: checklists
            .iter()
            .map(|c| {
                (
                    c.checklist.key.clone(),
                    c.checklist.title.get(l).to_string(),
                )
            })
            .collect(),
        sections,
        positions,
        staff,
    })
}

async fn inspections_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FilterQuery>,
) -> AppResult<Response> {
    export_csv(state, viewer, q, Export::InspectionsCsv, "inspections.csv").await
}

async fn responses_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FilterQuery>,
) -> AppResult<Response> {
    export_csv(state, viewer, q, Export::ResponsesCsv, "responses.csv").await
}

async fn export_csv(
    state: AppState,
    viewer: Viewer,
    q: FilterQuery,
    export: Export,
    file_name: &str,
) -> AppResult<Response> {
    may_watch(&viewer)?;
    let filter = read_filter(&state, &viewer.scope, &q).await?;
    super::export::respond(
        &state,
        &viewer.scope,
        &filter,
        viewer.lang,
        export,
        file_name,
    )
    .await
}
