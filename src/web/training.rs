//! Training on a phone or tablet: a person's assignments, reading a module, the quiz and
//! retakes; the team view with overdue work; assigning by hand; and the effectiveness of
//! each module as the re-checks show it.

use crate::i18n::Message;
use std::collections::{BTreeSet, HashMap};

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::query::Form;
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::access::Role;
use crate::domain::training::{AssignmentState, Progress, TodoGroup, manual_due_range};
use crate::i18n::Localize;
use crate::store::{org, training};
use crate::views::training::{self as view, AssignForm, EffectRow, MyAssignment, TeamRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training", get(index))
        .route("/training/assign", get(assign_page).post(assign))
        .route("/training/effectiveness", get(effect))
        .route("/training/{id}", get(take))
        .route("/training/{id}/quiz", post(quiz))
}

/// Today where the viewer works (their primary site's zone): due dates are local dates.
async fn today(state: &AppState, viewer: &Viewer) -> AppResult<NaiveDate> {
    Ok(state.viewer_clock(&viewer.scope).await?.today())
}

async fn index(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let l = viewer.lang;
    let today = today(&state, &viewer).await?;
    let mut mine: Vec<MyAssignment> = training::for_person(&state.db, viewer.user.id)
        .await?
        .into_iter()
        .map(|(a, m)| {
            let state = AssignmentState::derive(a.status, a.due_date, today);
            MyAssignment {
                id: a.id,
                title: m.module.title.get(l).to_string(),
                minutes: m.module.minutes,
                due: a.due_date.to_string(),
                state,
                reason: a.reason,
                group: TodoGroup::of(state, a.due_date, today),
                progress: Progress::of(a.status, a.attempts, a.quiz_percent),
                pass_mark: m.module.pass_mark,
            }
        })
        .collect();
    // What needs doing first; within a group the soonest due (completed: the latest).
    mine.sort_by(|x, y| {
        x.group.cmp(&y.group).then_with(|| {
            if x.group == TodoGroup::Completed {
                y.due.cmp(&x.due)
            } else {
                x.due.cmp(&y.due)
            }
        })
    });
    if viewer.role() == Role::Staff {
        return Ok(view::mine(&viewer.chrome(), &mine).into_response());
    }
    let team = training::for_team(&state.db, &viewer.scope).await?;
    let names = org::names(&state.db, team.iter().map(|(a, _)| a.user_id).collect()).await?;
    let rows: Vec<TeamRow> = team
        .into_iter()
        .filter(|(a, _)| a.user_id != viewer.user.id)
        .map(|(a, m)| TeamRow {
            person: names.get(&a.user_id).cloned().unwrap_or_default(),
            title: m.module.title.get(l).to_string(),
            reason: a.reason,
            due: a.due_date.to_string(),
            state: AssignmentState::derive(a.status, a.due_date, today),
            critical: a.critical,
        })
        .collect();
    let can_assign = viewer.role().assigns_training();
    let sees_effect = viewer.role().watches_training();
    Ok(view::team(&viewer.chrome(), &mine, &rows, can_assign, sees_effect).into_response())
}

async fn take(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i32 = id.parse().map_err(|_| AppError::Forbidden)?;
    let (assignment, module) = training::open_for(&state.db, id, viewer.user.id).await?;
    let state_now = AssignmentState::derive(
        assignment.status,
        assignment.due_date,
        today(&state, &viewer).await?,
    );
    let page = view::take(
        &viewer.chrome(),
        &taking(&assignment, &module, state_now),
        None,
    );
    Ok(page.into_response())
}

/// The take page's view of an assignment and its module.
fn taking<'a>(
    assignment: &entity::training_assignment::Model,
    module: &'a training::StoredModule,
    state: AssignmentState,
) -> view::Taking<'a> {
    view::Taking {
        assignment: assignment.id,
        due: assignment.due_date,
        state,
        quiz_percent: assignment.quiz_percent,
        module: &module.module,
        version: module.version,
    }
}

async fn quiz(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id: i32 = id.parse().map_err(|_| AppError::Forbidden)?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    viewer.check_csrf(csrf)?;
    let (assignment, module) = training::open_for(&state.db, id, viewer.user.id).await?;
    let questions = module.module.questions.len();
    let mut chosen: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); questions];
    for (name, value) in &pairs {
        let Some(q) = name.strip_prefix("q.") else {
            continue;
        };
        let (Ok(q), Ok(option)) = (q.parse::<usize>(), value.parse::<usize>()) else {
            return Err(AppError::BadRequest(
                Message::new("refuse-not-an-answer").arg("answer", format!("{name}={value}")),
            ));
        };
        let options = module
            .module
            .questions
            .get(q)
            .map_or(0, |question| question.options.len());
        if q >= questions || option >= options {
            return Err(AppError::BadRequest(
                Message::new("refuse-no-such-option")
                    .arg("question", q.saturating_add(1))
                    .arg("option", option.saturating_add(1)),
            ));
        }
        chosen[q].insert(option);
    }
    let unanswered: Vec<String> = chosen
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_empty())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let state_now = AssignmentState::derive(
        assignment.status,
        assignment.due_date,
        today(&state, &viewer).await?,
    );
    if !unanswered.is_empty() {
        let message = viewer.lang.t_args(
            "typed-answer-questions",
            &[
                ("count", unanswered.len().into()),
                ("numbers", unanswered.join(", ").into()),
            ],
        );
        let page = view::take(
            &viewer.chrome(),
            &taking(&assignment, &module, state_now),
            Some(view::QuizFeedback::Missing(message)),
        );
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let attempt = training::record_attempt(&state.db, id, viewer.user.id, &chosen).await?;
    let state_after = AssignmentState::derive(
        attempt.assignment.status,
        attempt.assignment.due_date,
        today(&state, &viewer).await?,
    );
    let feedback = view::QuizFeedback::Graded {
        result: attempt.result,
        chosen,
        recheck: attempt.recheck.is_some(),
    };
    Ok(view::take(
        &viewer.chrome(),
        &taking(&attempt.assignment, &module, state_after),
        Some(feedback),
    )
    .into_response())
}

fn may_assign(viewer: &Viewer) -> AppResult<()> {
    if viewer.role().assigns_training() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The people, sites and positions a manager or supervisor may assign training to.
async fn assign_form(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<String>,
    done: Option<usize>,
) -> AppResult<AssignForm> {
    let l = viewer.lang;
    let today = today(state, viewer).await?;
    let sites = org::visible_sites(&state.db, &viewer.scope)
        .await?
        .into_iter()
        .filter(|s| viewer.scope.can_assign_training_at(s.id))
        .collect::<Vec<_>>();
    // Everyone at the sites in two queries (a group's 200 sites were 200 queries), each
    // labelled with the first of their sites the viewer manages, in the sites' order.
    let site_ids: Vec<i32> = sites.iter().map(|s| s.id).collect();
    let rank: HashMap<i32, usize> = site_ids
        .iter()
        .enumerate()
        .map(|(n, id)| (*id, n))
        .collect();
    let mut first_site: HashMap<i32, usize> = HashMap::new();
    for (person, site) in org::memberships_at(&state.db, &site_ids).await? {
        if let Some(&n) = rank.get(&site) {
            let first = first_site.entry(person).or_insert(n);
            *first = (*first).min(n);
        }
    }
    let people = org::staff_at_sites(&state.db, &site_ids)
        .await?
        .into_iter()
        .map(|(person, _)| {
            let site = first_site
                .get(&person.id)
                .map_or("", |n| sites[*n].name.as_str());
            (person.id, format!("{} · {site}", person.name))
        })
        .collect();
    let positions = org::positions(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.key.clone(), org::position_name(&p).get(l).to_string()))
        .collect();
    let modules = training::all_modules(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.key.clone(), m.module.title.get(l).to_string()))
        .collect();
    Ok(AssignForm {
        modules,
        people,
        sites: sites.into_iter().map(|s| (s.id, s.name)).collect(),
        positions,
        default_due: (today + Duration::days(7)).to_string(),
        due_range: manual_due_range(today),
        errors,
        done,
    })
}

async fn assign_page(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    may_assign(&viewer)?;
    let form = assign_form(&state, &viewer, Vec::new(), None).await?;
    Ok(view::assign(&viewer.chrome(), &form).into_response())
}

#[derive(Debug, Deserialize)]
struct AssignInput {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    module: String,
    #[serde(default)]
    target: String,
    person: Option<String>,
    site: Option<String>,
    position: Option<String>,
    #[serde(default)]
    due: String,
}

/// Assign a module to a person, everyone at a site, or everyone in a position at a site.
async fn assign(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(input): Form<AssignInput>,
) -> AppResult<Response> {
    may_assign(&viewer)?;
    viewer.check_csrf(input.csrf.as_deref())?;
    let l = viewer.lang;
    let mut errors = Vec::new();
    let today = today(&state, &viewer).await?;
    let due = super::query::date(input.due.trim()).ok();
    let (earliest, latest) = manual_due_range(today);
    match due {
        None => errors.push(l.t("training-choose-a-due-date")),
        Some(d) if d < earliest => errors.push(l.t("training-the-due-date-cannot-be")),
        Some(d) if d > latest => errors.push(l.t_args(
            "training-due-at-most-two-years",
            &[("latest", latest.to_string().into())],
        )),
        _ => {}
    }
    let id = |raw: &Option<String>| raw.as_deref().and_then(|s| s.trim().parse::<i32>().ok());
    let site = id(&input.site);
    if let Some(site) = site
        && !viewer.scope.can_assign_training_at(site)
    {
        return Err(AppError::Forbidden);
    }
    let people: Vec<i32> = match input.target.as_str() {
        "person" => match id(&input.person) {
            Some(person) => {
                // The same answer for an unknown id and for someone not theirs to train.
                let (role, sites) = crate::store::reports::record_holder(&state.db, person)
                    .await?
                    .ok_or(AppError::Forbidden)?;
                if !viewer.scope.can_assign_training_to(role, &sites) {
                    return Err(AppError::Forbidden);
                }
                vec![person]
            }
            None => {
                errors.push(l.t("training-choose-a-person"));
                Vec::new()
            }
        },
        "site" | "position" => match site {
            None => {
                errors.push(l.t("training-choose-a-site"));
                Vec::new()
            }
            Some(site) => {
                let wanted_position = if input.target == "position" {
                    let key = input.position.clone().unwrap_or_default();
                    match org::position_by_key(&state.db, &key).await? {
                        Some(p) => Some(p.id),
                        None => {
                            errors.push(l.t("training-choose-a-position"));
                            None
                        }
                    }
                } else {
                    None
                };
                org::staff_at(&state.db, site)
                    .await?
                    .into_iter()
                    .filter(|(u, _)| wanted_position.is_none_or(|p| u.position_id == Some(p)))
                    .map(|(u, _)| u.id)
                    .collect()
            }
        },
        _ => {
            errors.push(l.t("training-choose-who-to-assign-it"));
            Vec::new()
        }
    };
    if input.module.trim().is_empty() {
        errors.push(l.t("training-choose-a-module"));
    }
    if errors.is_empty() && people.is_empty() {
        errors.push(l.t("training-nobody-matches"));
    }
    if !errors.is_empty() {
        let form = assign_form(&state, &viewer, errors, None).await?;
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            view::assign(&viewer.chrome(), &form),
        )
            .into_response());
    }
    let count = training::assign_manual(
        &state.db,
        viewer.user.id,
        input.module.trim(),
        &people,
        due.unwrap_or(today),
    )
    .await?;
    let form = assign_form(&state, &viewer, Vec::new(), Some(count)).await?;
    Ok(view::assign(&viewer.chrome(), &form).into_response())
}

async fn effect(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    if !viewer.role().watches_training() {
        return Err(AppError::Forbidden);
    }
    let l = viewer.lang;
    let effects = training::module_effects(&state.db, &viewer.scope).await?;
    let titles: HashMap<String, String> = training::all_modules(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.key.clone(), m.module.title.get(l).to_string()))
        .collect();
    let rows: Vec<EffectRow> = effects
        .into_iter()
        .map(|e| EffectRow {
            title: titles
                .get(&e.module)
                .cloned()
                .unwrap_or_else(|| e.module.clone()),
            effect: e,
        })
        .collect();
    Ok(view::effectiveness(&viewer.chrome(), &rows).into_response())
}
