//! Authoring the standard in the browser (quality and admin): the TOML editor with the
//! server's lint as you type, a preview as the tablet form, proposals with their diff
//! against the published version, and review by another person that publishes a new
//! immutable version.

use crate::i18n::Message;
use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};
use entity::states::ProposalStatus;
use uuid::Uuid;

use super::admin_forms::Fields;
use super::error::{AppError, AppResult};
use super::query::{Form, Query};
use super::session::Viewer;
use super::spotchecks::{items_for_subject, subject_json};
use crate::app::AppState;
use crate::domain::authoring::{self, Editable, Linted, Problem};
use crate::domain::diff as checklist_diff;
use crate::domain::library::SourceFile;
use crate::domain::scoring::{Gender, Subject, resolve_context, score};
use crate::i18n::Localize;
use crate::store::StoreError;
use crate::store::admin as admin_store;
use crate::store::files;
use crate::store::module_images;
use crate::store::org;
use crate::store::proposals::{self as store, Content, NewProposal};
use crate::views::authoring::{self as view, EditorView, ProposalRow, ProposalView};
use crate::views::spotcheck::{self as tablet, FormView};
use crate::views::training as training_view;

/// The most people the preview's person picker lists.
const MAX_PREVIEW_PEOPLE: usize = 500;

/// The longest TOML text accepted (the biggest shipped file is about a tenth of it).
const MAX_SOURCE_BYTES: usize = 256 * 1024;

/// The biggest workbook or file accepted as an upload (the biggest shipped checklist's
/// workbook is about a twentieth of it).
const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/authoring", get(index))
        .route("/authoring/new", get(new_from))
        .route("/authoring/{kind}/{key}", get(editor).post(propose))
        .route("/authoring/{kind}/{key}/lint", post(lint))
        .route("/authoring/{kind}/{key}/preview", post(preview))
        .route("/authoring/{kind}/{key}/rollback", post(rollback))
        .route(
            "/authoring/{kind}/{key}/upload",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
        .route("/authoring/proposals/{id}", get(proposal))
        .route("/authoring/proposals/{id}/review", post(review))
        .route(
            "/authoring/modules/{key}/images",
            post(upload_image).layer(axum::extract::DefaultBodyLimit::max(
                MAX_IMAGE_BYTES + 64 * 1024,
            )),
        )
        .route("/module-images/{file}", get(module_image))
}

/// The largest image an author may upload for a module page.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// Refuse everyone who does not write the standard, before reading anything.
fn authors_only(viewer: &Viewer) -> AppResult<()> {
    if viewer.role().authors_standard() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `checklists` or `modules` in the path, and a key as the library spells them.
fn target(kind: &str, key: &str) -> AppResult<(Editable, String)> {
    let kind = match kind {
        "checklists" => Editable::Checklist,
        "modules" => Editable::Module,
        _ => return Err(AppError::NotFound),
    };
    let valid = !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(AppError::NotFound);
    }
    Ok((kind, key.to_string()))
}

fn segment(kind: Editable) -> &'static str {
    match kind {
        Editable::Checklist => "checklists",
        Editable::Module => "modules",
    }
}

/// The library's files, and the one that holds `key` (or where a new one would go).
async fn library_files(
    state: &AppState,
    kind: Editable,
    key: &str,
) -> AppResult<(Vec<SourceFile>, SourceFile)> {
    let dir = state.config.checklists_dir.clone();
    let key = key.to_string();
    tokio::task::spawn_blocking(move || {
        let files = crate::library_files::sources(&dir);
        let file = crate::library_files::file_for(&files, &dir, kind, &key);
        (files, file)
    })
    .await
    .map_err(|e| AppError::Internal(format!("reading the library failed: {e}")))
}

/// Lint a text in its place in the library, off the async threads (a whole-library parse).
async fn lint_text(state: &AppState, kind: Editable, key: &str, text: String) -> AppResult<Linted> {
    let (files, file) = library_files(state, kind, key).await?;
    let key = key.to_string();
    tokio::task::spawn_blocking(move || authoring::lint(&files, &file.path, &text, (kind, &key)))
        .await
        .map_err(|e| AppError::Internal(format!("linting failed: {e}")))
}

/// A form posted to an editor's address: refused unless the viewer writes the standard
/// and the form carries the session's token; its fields, and the kind and key.
fn posted(
    viewer: &Viewer,
    fields: Vec<(String, String)>,
    (kind, key): (&str, &str),
) -> AppResult<(Fields, Editable, String)> {
    authors_only(viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let (kind, key) = target(kind, key)?;
    Ok((f, kind, key))
}

/// The source a form posted, refused when missing or over the size limit.
fn posted_source(f: &Fields) -> AppResult<String> {
    let source = f.get("source").unwrap_or_default().replace("\r\n", "\n");
    if source.len() > MAX_SOURCE_BYTES {
        return Err(AppError::BadRequest(
            Message::new("authoring-source-too-long").arg("kib", MAX_SOURCE_BYTES / 1024),
        ));
    }
    Ok(source)
}

async fn index(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    authors_only(&viewer)?;
    let dir = state.config.checklists_dir.clone();
    let mut keys: Vec<(Editable, String)> = tokio::task::spawn_blocking(move || {
        crate::library_files::sources(&dir)
            .iter()
            .filter_map(|f| authoring::declared(&f.text))
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("reading the library failed: {e}")))?;
    keys.sort_by(|a, b| (segment(a.0), &a.1).cmp(&(segment(b.0), &b.1)));
    let links: Vec<(String, String)> = keys
        .into_iter()
        .map(|(kind, key)| (format!("/authoring/{}/{key}", segment(kind)), key))
        .collect();
    let proposals = store::all(&state.db).await?;
    let rows: Vec<ProposalRow> = proposals.iter().map(row).collect();
    Ok(view::index(&viewer.chrome(), &links, &rows).into_response())
}

/// A new checklist or module started as a copy: the index's form names the kind, the new
/// key and the file to copy, and lands on the new key's editor.
async fn new_from(
    viewer: Viewer,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    let q = Fields(query);
    let (kind, key) = target(&q.text("kind"), &q.text("key"))
        .map_err(|_| AppError::Invalid(vec![Message::new("authoring-new-key-rules")]))?;
    let from = q.text("from");
    let (_, from) = match from.as_str() {
        "template" if kind == Editable::Module => (kind, from),
        _ => target(segment(kind), &from)
            .map_err(|_| AppError::Invalid(vec![Message::new("authoring-new-key-rules")]))?,
    };
    Ok(Redirect::to(&format!("/authoring/{}/{key}?from={from}", segment(kind))).into_response())
}

fn row(p: &store::Proposal) -> ProposalRow {
    ProposalRow {
        id: p.id,
        key: p.key.clone(),
        status: match p.status {
            ProposalStatus::Proposed => "authoring-state-proposed",
            ProposalStatus::Approved => "authoring-state-approved",
            ProposalStatus::SentBack => "authoring-state-sent-back",
        },
        open: p.status == ProposalStatus::Proposed,
        reason: p.reason.clone(),
    }
}

/// The editor, on the published text of `key`; a key with no file yet starts as a copy
/// of `?from=` (another checklist or module, or a template) under the new key.
async fn editor(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    if let Some(key) = key.strip_suffix(".xlsx") {
        let (kind, key) = target(&kind, key)?;
        return workbook(&state, &viewer, kind, &key).await;
    }
    let (kind, key) = target(&kind, &key)?;
    let source = match editable_source(&state, kind, &key).await? {
        text if !text.is_empty() => text,
        _ => match Fields(query).text("from") {
            from if from.is_empty() => String::new(),
            from if from == "template" && kind == Editable::Module => {
                authoring::module_template(&key)
            }
            from => {
                let (_, from) = target(segment(kind), &from)?;
                authoring::copy_as(&editable_source(&state, kind, &from).await?, kind, &key)
            }
        },
    };
    let published = store::published_version(&state.db, kind, &key).await?;
    Ok(editor_page(&viewer, kind, &key, &source, "", &[], published).into_response())
}

/// The text the editor opens for a key: what was last published from the editor, else
/// the library's file (empty for a key that has neither).
async fn editable_source(state: &AppState, kind: Editable, key: &str) -> AppResult<String> {
    Ok(match store::published_source(&state.db, kind, key).await? {
        Some(source) => source,
        None => library_files(state, kind, key).await?.1.text,
    })
}

/// Roll a checklist or module back: publish an earlier version's content as a new
/// version (the versions in between stay, and inspections and completions keep theirs),
/// audited.
async fn rollback(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (f, kind, key) = posted(&viewer, fields, (&kind, &key))?;
    let asked = f
        .text("version")
        .trim_start_matches(['v', 'V'])
        .parse::<i32>()
        .ok();
    let unknown = || AppError::Invalid(vec![Message::new("authoring-rollback-unknown-version")]);
    let version = match kind {
        Editable::Checklist => {
            let summary = admin_store::checklist(&state.db, &key)
                .await
                .map_err(not_found_is_forbidden)?;
            let number = asked
                .filter(|n| summary.version(*n).is_some())
                .ok_or_else(unknown)?;
            let old = admin_store::checklist_at(&state.db, &summary, number).await?;
            store::roll_back(
                &state.db,
                viewer.user.id,
                Content::Checklist(&old.checklist),
                number,
            )
            .await?
        }
        Editable::Module => {
            let versions = module_images::module_versions(&state.db, &key).await?;
            let number = asked.filter(|n| versions.contains(n)).ok_or_else(unknown)?;
            let old = module_images::module_at(&state.db, &key, number).await?;
            store::roll_back(&state.db, viewer.user.id, Content::Module(&old), number).await?
        }
    };
    tracing::info!(key = %key, version, by = viewer.user.id, "rolled back");
    Ok(Redirect::to(&format!("/authoring/{}/{key}", segment(kind))).into_response())
}

fn editor_page(
    viewer: &Viewer,
    kind: Editable,
    key: &str,
    source: &str,
    reason: &str,
    problems: &[Problem],
    published: Option<i32>,
) -> maud::Markup {
    let base = format!("/authoring/{}/{key}", segment(kind));
    view::editor(
        &viewer.chrome(),
        &EditorView {
            key,
            is_checklist: kind == Editable::Checklist,
            action: &base,
            lint_url: &format!("{base}/lint"),
            rollback_url: &format!("{base}/rollback"),
            workbook_url: &format!("{base}.xlsx"),
            upload_url: &format!("{base}/upload"),
            published,
            preview_url: &format!("{base}/preview"),
            source,
            reason,
            problems,
        },
    )
}

/// The server's lint of the posted text, as JSON: `{"problems": [{line, column,
/// message}], "clean": bool}`. The editor posts here as the author types.
async fn lint(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (f, kind, key) = posted(&viewer, fields, (&kind, &key))?;
    let source = posted_source(&f)?;
    let linted = lint_text(&state, kind, &key, source).await?;
    let problems: Vec<serde_json::Value> = linted
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "line": p.line,
                "column": p.column,
                "message": p.message.say(viewer.lang),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "problems": problems,
        "clean": linted.is_clean(),
    }))
    .into_response())
}

/// File the posted text as a proposal; refused (the editor again, with its problems, as a
/// 422) until it lints clean, and nothing is stored before.
async fn propose(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (f, kind, key) = posted(&viewer, fields, (&kind, &key))?;
    let source = posted_source(&f)?;
    let reason = f.text("reason");
    let linted = lint_text(&state, kind, &key, source.clone()).await?;
    let mut problems = linted.problems.clone();
    for (file, (line, column)) in missing_images(&state, &linted, &source).await? {
        problems.push(Problem {
            line,
            column,
            message: Message::new("authoring2-image-missing").arg("file", file),
        });
    }
    let clean = linted.is_clean();
    file_proposal(
        &state,
        &viewer,
        (kind, key),
        source,
        reason,
        problems,
        clean,
    )
    .await
}

/// File a linted text as a proposal, or refuse it (the editor again with its problems,
/// as a 422, nothing stored) while it has a problem or no reason.
async fn file_proposal(
    state: &AppState,
    viewer: &Viewer,
    (kind, key): (Editable, String),
    source: String,
    reason: String,
    mut problems: Vec<Problem>,
    clean: bool,
) -> AppResult<Response> {
    if reason.is_empty() {
        problems.push(Problem {
            line: 0,
            column: 0,
            message: Message::new("authoring-reason-required"),
        });
    }
    if !problems.is_empty() || !clean {
        let published = store::published_version(&state.db, kind, &key).await?;
        let page = editor_page(viewer, kind, &key, &source, &reason, &problems, published);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let row = store::create(
        &state.db,
        NewProposal {
            kind,
            key,
            source,
            reason,
            author_id: viewer.user.id,
        },
    )
    .await?;
    tracing::info!(proposal = row.id, key = %row.key, by = viewer.user.id, "change proposed");
    Ok(Redirect::to(&format!("/authoring/proposals/{}", row.id)).into_response())
}

/// The posted checklist as the tablet form shows it to a person of the chosen gender and
/// position in the chosen context, with the score of the card as answered in the preview.
async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (f, kind, key) = posted(&viewer, fields, (&kind, &key))?;
    let l = viewer.lang;
    let source = posted_source(&f)?;
    let linted = lint_text(&state, kind, &key, source.clone()).await?;
    if kind == Editable::Module {
        let Some(module) = linted.module else {
            return Err(refused(&linted.problems));
        };
        return Ok(training_view::module_preview(&viewer.chrome(), &module).into_response());
    }
    let Some(checklist) = linted.checklist else {
        return Err(refused(&linted.problems));
    };
    // A real person of the viewer's sites, or a gender and position picked by hand.
    let sites: Vec<i32> = org::visible_sites(&state.db, &viewer.scope)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut people = org::staff_at_sites(&state.db, &sites).await?;
    people.truncate(MAX_PREVIEW_PEOPLE);
    let person = f
        .text("person")
        .parse::<i32>()
        .ok()
        .and_then(|id| people.iter().find(|(u, _)| u.id == id));
    let subject = match person {
        Some((u, p)) => Subject {
            gender: u.gender.as_deref().and_then(Gender::parse),
            position: p.as_ref().map(|p| p.key.clone()),
        },
        None => Subject {
            gender: Gender::parse(&f.text("gender")),
            position: Some(f.text("position")).filter(|p| !p.is_empty()),
        },
    };
    let given: crate::domain::scoring::Context = checklist
        .context
        .iter()
        .filter_map(|field| {
            let raw = f.text(&format!("ctx.{}", field.key));
            (!raw.is_empty()).then(|| {
                let value = match raw.parse::<f64>() {
                    Ok(n) if matches!(field.kind, crate::domain::ContextKind::Number { .. }) => {
                        crate::domain::Value::Number(n)
                    }
                    _ => crate::domain::Value::Text(raw),
                };
                (field.key.clone(), value)
            })
        })
        .collect();
    let (context, _) = resolve_context(&checklist, &given);
    let answers = authoring::sample_answers(&checklist, &subject, &context);
    let card = score(&checklist, &subject, &context, &answers);
    let fields: Vec<(String, String)> = answers
        .iter()
        .filter_map(|(k, a)| authoring::answer_field(a).map(|v| (format!("a.{k}"), v)))
        .collect();
    let picks = view::PreviewPicks {
        action: &format!("/authoring/checklists/{key}/preview"),
        source: &source,
        checklist: &checklist,
        gender: subject.gender.map(|g| g.as_str()),
        position: subject.position.as_deref(),
        people: people
            .iter()
            .map(|(u, p)| {
                let position = p.as_ref().map_or("—", |p| p.key.as_str());
                (u.id, format!("{} ({position})", u.name))
            })
            .collect(),
        person: person.map(|(u, _)| u.id),
        context: &context,
        items: checklist
            .items()
            .map(|(_, item)| (item, authoring::why_excluded(item, &subject, &context)))
            .collect(),
    };
    let preface = view::preview_picker(&viewer.chrome(), &picks);
    let today = chrono::Utc::now().date_naive();
    let position_name = subject.position.clone();
    let view = FormView {
        id: Uuid::nil(),
        checklist: &checklist,
        checklist_version: 0,
        version_id: 0,
        site_id: 0,
        site_name: l.t("authoring-preview"),
        subject_id: 0,
        subject_name: person
            .map_or_else(|| l.t("authoring-sample-person"), |(u, _)| u.name.clone()),
        position_name,
        shift_date: today,
        shift_dates: (today, today),
        shift_period: crate::domain::ShiftPeriod::Morning,
        items_for_subject: items_for_subject(&checklist, &subject),
        engine_checklist: checklist.for_device().to_json(),
        subject_attributes: subject_json(&subject).to_string(),
        context: &context,
        fields,
        card: &card,
        photos: &BTreeMap::new(),
        errors: &[],
        missing: &[],
        recheck: None,
        preface: Some(preface),
    };
    Ok(tablet::form(&viewer.chrome(), &view).into_response())
}

/// A text refused for its lint problems, each at its line and column.
fn refused(problems: &[Problem]) -> AppError {
    AppError::Invalid(problems.iter().map(said_at).collect())
}

fn path_id(raw: &str) -> AppResult<i32> {
    raw.parse().map_err(|_| AppError::Forbidden)
}

fn not_found_is_forbidden(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::Forbidden,
        e => e.into(),
    }
}

async fn proposal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    let l = viewer.lang;
    let p = store::get(&state.db, path_id(&id)?)
        .await
        .map_err(not_found_is_forbidden)?;
    let kind = store::editable(p.kind);
    let linted = lint_text(&state, kind, &p.key, p.source.clone()).await?;
    let reach = authoring::reach(&linted.library, kind, &p.key);
    let published = match (kind, &linted.checklist) {
        (Editable::Checklist, Some(new)) => match admin_store::checklist(&state.db, &p.key).await {
            Ok(summary) => match summary.latest().map(|v| v.version) {
                Some(latest) => {
                    let old = admin_store::checklist_at(&state.db, &summary, latest).await?;
                    Some((latest, checklist_diff::diff(&old.checklist, new)))
                }
                None => None,
            },
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        },
        _ => None,
    };
    let text_diff = match kind {
        Editable::Module => match store::published_version(&state.db, kind, &p.key).await? {
            Some(version) => {
                let old = editable_source(&state, kind, &p.key).await?;
                Some((version, authoring::side_by_side(&old, &p.source)))
            }
            None => None,
        },
        Editable::Checklist => None,
    };
    let author = crate::store::users::name_of(&state.db, p.author_id).await?;
    let reviewer = match p.reviewer_id {
        Some(id) => Some(crate::store::users::name_of(&state.db, id).await?),
        None => None,
    };
    let may_approve = authoring::may_approve(
        p.author_id,
        viewer.user.id,
        state.config.allow_self_approval,
    );
    let page = view::proposal(
        &viewer.chrome(),
        &ProposalView {
            row: row(&p),
            kind_segment: segment(kind),
            author: &author,
            reviewer: reviewer.as_deref(),
            comment: p.review_comment.as_deref(),
            published_version: p.published_version,
            source: &p.source,
            problems: &linted.problems,
            diff: published.as_ref().map(|(v, d)| (*v, d)),
            text_diff: text_diff.as_ref().map(|(v, rows)| (*v, rows.as_slice())),
            reach: &reach,
            may_approve,
            lang: l,
        },
    );
    Ok(page.into_response())
}

/// Approve (publish) or send back an open proposal. The author may not approve their
/// own unless `allow_self_approval` is set; a text that no longer lints clean against
/// today's library is not published.
async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let id = path_id(&id)?;
    let p = store::get(&state.db, id)
        .await
        .map_err(not_found_is_forbidden)?;
    let kind = store::editable(p.kind);
    match f.text("decision").as_str() {
        "approve" => {
            if !authoring::may_approve(
                p.author_id,
                viewer.user.id,
                state.config.allow_self_approval,
            ) {
                return Err(AppError::Conflict(Message::new(
                    "authoring-no-self-approval",
                )));
            }
            let linted = lint_text(&state, kind, &p.key, p.source.clone()).await?;
            let content = match (&linted.checklist, &linted.module) {
                (Some(c), _) if linted.is_clean() => Content::Checklist(c),
                (_, Some(m)) if linted.is_clean() => Content::Module(m),
                _ => return Err(refused(&linted.problems)),
            };
            let missing = missing_images(&state, &linted, &p.source).await?;
            if !missing.is_empty() {
                return Err(AppError::Invalid(
                    missing
                        .into_iter()
                        .map(|(file, _)| Message::new("authoring2-image-missing").arg("file", file))
                        .collect(),
                ));
            }
            let version = store::approve(&state.db, id, viewer.user.id, content).await?;
            tracing::info!(proposal = id, key = %p.key, version, by = viewer.user.id, "proposal approved and published");
        }
        "send_back" => {
            let comment = f.text("comment");
            if comment.is_empty() {
                return Err(AppError::Invalid(vec![Message::new(
                    "authoring-comment-required",
                )]));
            }
            store::send_back(&state.db, id, viewer.user.id, &comment).await?;
        }
        _ => {
            return Err(AppError::BadRequest(Message::new(
                "authoring-unknown-decision",
            )));
        }
    }
    Ok(Redirect::to(&format!("/authoring/proposals/{id}")).into_response())
}

/// A lint problem as an error message, with its line and column.
fn said_at(p: &Problem) -> Message {
    Message::new("lint-problem-at")
        .arg("line", p.line)
        .arg("column", p.column)
        .arg_said("message", p.message.clone())
}

/// The images a linted module names that are not in the file storage (never uploaded),
/// each with where its name is in the text.
async fn missing_images(
    state: &AppState,
    linted: &Linted,
    source: &str,
) -> AppResult<Vec<(String, (usize, usize))>> {
    let Some(module) = &linted.module else {
        return Ok(Vec::new());
    };
    let mut missing = Vec::new();
    for file in module.image_files() {
        let stored = match files::module_image_key(file) {
            Some(key) => state.files.exists(&key).await?,
            None => false,
        };
        if !stored {
            let at = authoring::line_of(source, file).unwrap_or((0, 0));
            missing.push((file.to_string(), at));
        }
    }
    Ok(missing)
}

/// An author uploads an image for a module page: a JPEG, PNG or WebP by its first bytes,
/// within the size limit, stored under the SHA-256 of its bytes (the same image twice is
/// one file). The answer is the snippet to paste into a page.
async fn upload_image(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    let (kind, key) = target("modules", &key)?;
    let too_large = || {
        AppError::TooLarge(
            Message::new("authoring2-image-too-large").arg("mb", MAX_IMAGE_BYTES / 1024 / 1024),
        )
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest(
                Message::new("refuse-upload-unreadable").arg("detail", e.body_text()),
            )
        }
    };
    let (mut csrf, mut bytes) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("_csrf") => csrf = Some(field.text().await.map_err(unreadable)?),
            Some("image") => bytes = Some(field.bytes().await.map_err(unreadable)?),
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::BadRequest(Message::new("authoring2-image-no-file")))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(too_large());
    }
    let (ext, content_type) = files::sniff_image(&bytes)
        .ok_or_else(|| AppError::BadRequest(Message::new("authoring2-image-not-image")))?;
    use sha2::Digest;
    let file = format!("{}.{ext}", hex::encode(sha2::Sha256::digest(&bytes)));
    let stored = files::module_image_key(&file)
        .ok_or_else(|| AppError::Internal(format!("`{file}` is not an image's name")))?;
    state.files.put(&stored, bytes, content_type).await?;
    tracing::info!(module = %key, file = %file, by = viewer.user.id, "module image uploaded");
    let page = view::image_uploaded(
        &viewer.chrome(),
        &format!("/authoring/{}/{key}", segment(kind)),
        &file,
        &authoring::image_snippet(&file),
    );
    Ok((StatusCode::CREATED, page).into_response())
}

/// An uploaded module image, to the people who may open a module that shows it (the
/// staff it is assigned to) and to the authors; anyone else gets 403, as for a name
/// that is no image's.
async fn module_image(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let key = files::module_image_key(&file).ok_or(AppError::Forbidden)?;
    if !viewer.role().authors_standard()
        && !module_images::shown_to(&state.db, viewer.user.id, &file).await?
    {
        return Err(AppError::Forbidden);
    }
    let found = state.files.get(&key).await?.ok_or(AppError::Forbidden)?;
    Ok(super::spotchecks::image_response(
        found.content_type,
        found.bytes.to_vec(),
    ))
}

/// The published version of a checklist as an Excel workbook (`GET
/// /authoring/checklists/{key}.xlsx`), its notes in the viewer's language.
async fn workbook(
    state: &AppState,
    viewer: &Viewer,
    kind: Editable,
    key: &str,
) -> AppResult<Response> {
    if kind != Editable::Checklist {
        return Err(AppError::NotFound);
    }
    let summary = match admin_store::checklist(&state.db, key).await {
        Ok(summary) => summary,
        Err(StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let latest = summary
        .latest()
        .map(|v| v.version)
        .ok_or(AppError::NotFound)?;
    let published = admin_store::checklist_at(&state.db, &summary, latest).await?;
    let lang = viewer.lang;
    let bytes = tokio::task::spawn_blocking(move || {
        let sheets = crate::domain::workbook::checklist_sheets(&published.checklist);
        crate::reports::xlsx::write(&sheets, lang)
    })
    .await
    .map_err(|e| AppError::Internal(format!("writing the workbook failed: {e}")))?
    .map_err(|e| AppError::Internal(format!("writing the workbook failed: {e}")))?;
    Ok(super::attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{key}-v{latest}.xlsx"),
        bytes,
    ))
}

/// What an upload form posted.
#[derive(Default)]
struct Upload {
    csrf: Option<String>,
    reason: String,
    file: Vec<u8>,
}

async fn read_upload(mut multipart: axum::extract::Multipart) -> AppResult<Upload> {
    let too_large = || {
        AppError::TooLarge(
            Message::new("xlsx-upload-too-large").arg("kib", MAX_UPLOAD_BYTES / 1024),
        )
    };
    let unreadable = move |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest(
                Message::new("refuse-upload-unreadable").arg("detail", e.body_text()),
            )
        }
    };
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("_csrf") => upload.csrf = Some(field.text().await.map_err(unreadable)?),
            Some("reason") => {
                upload.reason = field.text().await.map_err(unreadable)?.trim().to_string()
            }
            Some("file") => {
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if upload.file.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        return Err(too_large());
                    }
                    upload.file.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// An edited workbook (or a TOML file) uploaded from the editor, filed as a proposal
/// once it lints clean. A workbook's cells become the file's text through the library's
/// writer; each problem is reported at its cell (`Items!K12: …`) beside the line of the
/// text, which the editor shows. Nothing is stored while there are problems (422).
async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, key)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    authors_only(&viewer)?;
    let upload = read_upload(multipart).await?;
    viewer.check_csrf(upload.csrf.as_deref())?;
    let (kind, key) = target(&kind, &key)?;
    if upload.file.is_empty() {
        return Err(AppError::Invalid(vec![Message::new("xlsx-no-file")]));
    }
    let mut problems = Vec::new();
    let (source, written) = if upload.file.starts_with(b"PK\x03\x04") {
        if kind != Editable::Checklist {
            return Err(AppError::BadRequest(Message::new("xlsx-checklists-only")));
        }
        let bytes = upload.file;
        let read = tokio::task::spawn_blocking(move || {
            crate::reports::xlsx::read(&bytes)
                .map(|grids| crate::domain::workbook::read_checklist(&grids))
        })
        .await
        .map_err(|e| AppError::Internal(format!("reading the workbook failed: {e}")))?;
        let (doc, cell_problems) = read.map_err(|detail| {
            AppError::Invalid(vec![Message::new("xlsx-unreadable").arg("detail", detail)])
        })?;
        problems.extend(cell_problems.into_iter().map(|p| {
            Problem {
                line: 0,
                column: 0,
                message: Message::new("xlsx-at-cell")
                    .arg("cell", p.cell.to_string())
                    .arg_said("message", p.message),
            }
        }));
        let written = doc.write();
        (written.text.clone(), Some(written))
    } else {
        let text = String::from_utf8(upload.file)
            .map_err(|_| AppError::Invalid(vec![Message::new("xlsx-not-text")]))?
            .replace("\r\n", "\n");
        if text.len() > MAX_SOURCE_BYTES {
            return Err(AppError::BadRequest(
                Message::new("authoring-source-too-long").arg("kib", MAX_SOURCE_BYTES / 1024),
            ));
        }
        (text, None)
    };
    let linted = lint_text(&state, kind, &key, source.clone()).await?;
    problems.extend(linted.problems.iter().map(|p| {
        match written.as_ref().and_then(|w| w.cell_at(p.line, p.column)) {
            Some(cell) => Problem {
                line: p.line,
                column: p.column,
                message: Message::new("xlsx-at-cell")
                    .arg("cell", cell.to_string())
                    .arg_said("message", p.message.clone()),
            },
            None => p.clone(),
        }
    }));
    let clean = linted.is_clean();
    file_proposal(
        &state,
        &viewer,
        (kind, key),
        source,
        upload.reason,
        problems,
        clean,
    )
    .await
}
