//! The Excel round trip over HTTP on SQLite and PostgreSQL, and `decorum checklists
//! export`: the published checklist downloads as a workbook that calamine reads back with
//! every sheet and column; a workbook rewritten with rust_xlsxwriter from the values
//! calamine read, with one cell changed, uploads as a proposal whose diff shows that
//! change, and unchanged it is the same checklist; a broken one (text in a weight, an
//! unknown kind, a duplicate key) is refused with `Items!K12`-style cells and nothing is
//! stored; only the quality department and admins download or upload. The export writes
//! the database's versions back as a library that lints clean and imports unchanged.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{BACKENDS, Backend, TestApp, World, seed_world};
use decorum::auth::Role;
use decorum::store::users::{NewUser, add_atomic};
use entity::proposal;
use reqwest::Client;
use sea_orm::{EntityTrait, PaginatorTrait};

const KEY: &str = "client-visit";
const EDITOR: &str = "/authoring/checklists/client-visit";
const WORKBOOK: &str = "/authoring/checklists/client-visit.xlsx";
const SHEETS: [&str; 5] = ["Checklist", "Sections", "Context", "Items", "Limits"];

async fn xlsx_app(backend: Backend, name: &str) -> Option<(TestApp, World)> {
    let app = TestApp::spawn(backend, name).await?;
    let world = seed_world(&app.test_db.db).await;
    add_atomic(
        &app.test_db.db,
        NewUser {
            email: "quality.two@t.test".into(),
            name: "quality two".into(),
            role: Role::Quality,
            password: Some(common::PASSWORD.into()),
            position: None,
            gender: None,
            hire_date: None,
            sites: Vec::new(),
        },
        None,
    )
    .await
    .expect("second quality user");
    Some((app, world))
}

/// A download: status, content type, content disposition, bytes.
async fn download(client: &Client, app: &TestApp) -> (u16, String, String, Vec<u8>) {
    let r = client
        .get(app.url(WORKBOOK))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (status, kind, disposition) = (
        r.status().as_u16(),
        header("content-type"),
        header("content-disposition"),
    );
    (status, kind, disposition, r.bytes().await.unwrap().to_vec())
}

/// An upload of `file` with a reason: status, location, body.
async fn upload(
    client: &Client,
    app: &TestApp,
    csrf: &str,
    name: &str,
    file: Vec<u8>,
    reason: &str,
) -> (u16, String, String) {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .text("reason", reason.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name(name.to_string()),
        );
    let r = client
        .post(app.url(&format!("{EDITOR}/upload")))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

async fn page(client: &Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Every sheet as calamine reads it: name and rows of cells from A1.
fn read_book(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let (top, left) = range.start().unwrap_or((0, 0));
            let mut rows = vec![Vec::new(); top as usize];
            for row in range.rows() {
                let mut cells = vec![Data::Empty; left as usize];
                cells.extend(row.iter().cloned());
                rows.push(cells);
            }
            (name, rows)
        })
        .collect()
}

/// A new workbook written with rust_xlsxwriter from read values.
fn write_book(sheets: &[(String, Vec<Vec<Data>>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    Data::Bool(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn sheet<'a>(book: &'a mut [(String, Vec<Vec<Data>>)], name: &str) -> &'a mut Vec<Vec<Data>> {
    &mut book.iter_mut().find(|(n, _)| n == name).unwrap().1
}

fn column(rows: &[Vec<Data>], header: &str) -> usize {
    rows[0]
        .iter()
        .position(|d| *d == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

/// The row (0-based) of the item `key` in the Items sheet.
fn item_row(rows: &[Vec<Data>], key: &str) -> usize {
    let k = column(rows, "key");
    rows.iter()
        .position(|r| r.get(k).is_some_and(|d| *d == key))
        .unwrap_or_else(|| panic!("no item {key}"))
}

/// `Items!K12` for a 0-based row and column.
fn cell_name(sheet: &str, row: usize, col: usize) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{sheet}!{}{}", String::from_utf8(letters).unwrap(), row + 1)
}

async fn proposals(app: &TestApp) -> u64 {
    proposal::Entity::find()
        .count(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_published_checklist_downloads_as_a_workbook_with_every_sheet() {
    for backend in BACKENDS {
        let Some((app, _)) = xlsx_app(backend, "xlsx_download").await else {
            continue;
        };
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (_, editor) = page(&quality, &app, EDITOR).await;
        assert!(
            editor.contains(&format!("href=\"{WORKBOOK}\"")),
            "the editor links the workbook on {backend:?}"
        );
        let (status, kind, disposition, bytes) = download(&quality, &app).await;
        assert_eq!(status, 200, "{backend:?}");
        assert_eq!(
            kind,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(disposition, "attachment; filename=\"client-visit-v1.xlsx\"");
        let book = read_book(&bytes);
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, SHEETS);
        let get = |name: &str| &book.iter().find(|(n, _)| n == name).unwrap().1;

        let items = get("Items");
        let headers: Vec<String> = items[0].iter().map(|d| d.to_string()).collect();
        for h in [
            "section",
            "key",
            "clause",
            "kind",
            "text.zh-Hant",
            "text.zh-Hans",
            "text.en",
            "guidance.zh-Hant",
            "guidance.en",
            "weight",
            "critical",
            "required",
            "na",
            "training",
            "when",
            "basis",
            "unit",
            "target",
            "tolerance",
            "min",
            "max",
            "range_min",
            "range_max",
            "pass_at",
            "in_order",
            "labels.en",
            "script.en",
            "phrases.en",
            "steps.en",
            "action_owner",
            "action_due_days",
            "action_text.en",
            "action_photo",
        ] {
            assert!(
                headers.contains(&h.to_string()),
                "Items has {h}: {headers:?}"
            );
        }
        // Every item of the published checklist has its row, with its values.
        let stored = decorum::store::admin::checklist(&app.test_db.db, KEY)
            .await
            .unwrap();
        let latest = stored.latest().unwrap().version;
        let c = decorum::store::admin::checklist_at(&app.test_db.db, &stored, latest)
            .await
            .unwrap()
            .checklist;
        assert_eq!(items.len() - 1, c.items().count());
        let row = &items[item_row(items, "request-details")];
        assert_eq!(row[column(items, "kind")].to_string(), "steps");
        assert_eq!(row[column(items, "clause")].to_string(), "CV.1");
        assert_eq!(row[column(items, "weight")], Data::Float(2.0));
        assert_eq!(
            row[column(items, "steps.en")].to_string().lines().count(),
            3
        );
        let when = &items[item_row(items, "level-fits-ordinary")][column(items, "when")];
        assert_eq!(
            when.to_string(),
            "{ field = \"context.reception_level\", is = \"ordinary\" }"
        );

        let context = get("Context");
        assert_eq!(context[1][0].to_string(), "reception_level");
        assert_eq!(context[1][1].to_string(), "choice");
        let option = column(context, "option");
        let options: Vec<String> = context[1..]
            .iter()
            .take(3)
            .map(|r| r[option].to_string())
            .collect();
        assert_eq!(options, ["ordinary", "senior", "special"]);
        let limits = get("Limits");
        assert_eq!(
            limits[0].iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["item", "by", "per", "above", "option", "base", "extra"]
        );
        assert!(
            limits.iter().any(|r| r[0] == "lunch-cap-ordinary"
                && r[4] == "ordinary"
                && r[5] == Data::Float(300.0)
                && r[6] == Data::Float(50.0)),
            "{limits:?}"
        );
        let head = get("Checklist");
        assert_eq!(head[1][0].to_string(), "key");
        assert_eq!(head[1][1].to_string(), KEY);
        assert_eq!(get("Sections").len() - 1, c.sections.len());
    }
}

#[tokio::test]
async fn an_edited_workbook_becomes_a_proposal_showing_the_change() {
    for backend in BACKENDS {
        let Some((app, _)) = xlsx_app(backend, "xlsx_edit").await else {
            continue;
        };
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let (_, _, _, bytes) = download(&quality, &app).await;

        // Unchanged: the same checklist, so approving it publishes nothing new.
        let same = write_book(&read_book(&bytes));
        let (status, location, body) =
            upload(&quality, &app, &csrf, "same.xlsx", same, "round trip").await;
        assert_eq!(status, 303, "{backend:?}: {body}");
        let (_, proposal_page) = page(&quality, &app, &location).await;
        assert!(
            proposal_page.contains("The two versions are the same."),
            "{backend:?}: {proposal_page}"
        );
        let (other, other_csrf) = app.sign_in("quality.two@t.test").await;
        let r = other
            .post(app.url(&format!("{location}/review")))
            .form(&[("_csrf", other_csrf.as_str()), ("decision", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            decorum::store::library::latest_checklist_version(&app.test_db.db, KEY)
                .await
                .unwrap(),
            Some(1),
            "an unchanged workbook makes no new version"
        );

        // One cell changed: the English text of one item.
        let mut book = read_book(&bytes);
        let items = sheet(&mut book, "Items");
        let (row, col) = (
            item_row(items, "notify-admin-office"),
            column(items, "text.en"),
        );
        let new_text = "Administration office told the same day the visit was known";
        items[row][col] = Data::String(new_text.into());
        let (status, location, body) = upload(
            &quality,
            &app,
            &csrf,
            "edited.xlsx",
            write_book(&book),
            "clearer wording",
        )
        .await;
        assert_eq!(status, 303, "{backend:?}: {body}");
        let (_, proposal_page) = page(&quality, &app, &location).await;
        assert!(proposal_page.contains(new_text), "{proposal_page}");
        assert!(!proposal_page.contains("The two versions are the same."));
        let r = other
            .post(app.url(&format!("{location}/review")))
            .form(&[("_csrf", other_csrf.as_str()), ("decision", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let stored = decorum::store::admin::checklist(&app.test_db.db, KEY)
            .await
            .unwrap();
        assert_eq!(stored.latest().unwrap().version, 2);
        let v2 = decorum::store::admin::checklist_at(&app.test_db.db, &stored, 2)
            .await
            .unwrap()
            .checklist;
        let v1 = decorum::store::admin::checklist_at(&app.test_db.db, &stored, 1)
            .await
            .unwrap()
            .checklist;
        let item = v2.item("notify-admin-office").unwrap();
        assert_eq!(item.text.get(decorum::domain::Lang::En), new_text);
        // Nothing else changed: with the old wording back, it is version 1.
        let mut back = v2.clone();
        back.sections[0].items[0].text = v1.item("notify-admin-office").unwrap().text.clone();
        assert_eq!(back, v1);

        // The new version downloads with the change.
        let (_, _, disposition, bytes) = download(&quality, &app).await;
        assert!(disposition.contains("client-visit-v2.xlsx"));
        let book = read_book(&bytes);
        let items = &book.iter().find(|(n, _)| n == "Items").unwrap().1;
        assert_eq!(items[row][col].to_string(), new_text);

        // A TOML file uploads the same way.
        let toml = decorum::domain::library::writer::checklist_toml(&v1);
        let (status, location, body) = upload(
            &quality,
            &app,
            &csrf,
            "client-visit.toml",
            toml.into_bytes(),
            "back to the old wording",
        )
        .await;
        assert_eq!(status, 303, "{body}");
        assert!(location.starts_with("/authoring/proposals/"));
    }
}

#[tokio::test]
async fn a_broken_workbook_is_refused_at_its_cells_and_nothing_is_stored() {
    for backend in BACKENDS {
        let Some((app, _)) = xlsx_app(backend, "xlsx_broken").await else {
            continue;
        };
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let (_, _, _, bytes) = download(&quality, &app).await;
        let mut book = read_book(&bytes);
        let items = sheet(&mut book, "Items");
        let (weight, kind, key, critical) = (
            column(items, "weight"),
            column(items, "kind"),
            column(items, "key"),
            column(items, "critical"),
        );
        let a = item_row(items, "notify-admin-office");
        let b = item_row(items, "level-decided");
        let c = item_row(items, "level-fits-ordinary");
        items[a][weight] = Data::String("abc".into());
        items[b][kind] = Data::String("dance".into());
        items[c][key] = Data::String("level-decided".into());
        items[a][critical] = Data::String("perhaps".into());
        let (status, _, body) = upload(
            &quality,
            &app,
            &csrf,
            "broken.xlsx",
            write_book(&book),
            "broken",
        )
        .await;
        assert_eq!(status, 422, "{backend:?}: {body}");
        let expect = [
            format!(
                "{}: weight must be a number, not `abc`",
                cell_name("Items", a, weight)
            ),
            format!(
                "{}: critical must be yes or no, not `perhaps`",
                cell_name("Items", a, critical)
            ),
            format!("{}: unknown item kind `dance`", cell_name("Items", b, kind)),
            format!(
                "{}: duplicate item key `level-decided`",
                cell_name("Items", c, key)
            ),
        ];
        for e in &expect {
            assert!(body.contains(e), "{backend:?}: `{e}` in {body}");
        }
        // The lint's problems keep their line in the text, which the page shows.
        assert!(body.contains("data-line=\""), "{body}");
        assert!(body.contains("[[section.item]]"), "the text is shown");
        assert_eq!(proposals(&app).await, 0, "nothing stored on {backend:?}");

        // A file that is no workbook, and one without a reason, are refused too.
        let (status, _, _) = upload(
            &quality,
            &app,
            &csrf,
            "x.xlsx",
            b"PK\x03\x04 not really".to_vec(),
            "r",
        )
        .await;
        assert_eq!(status, 422);
        let (status, _, body) = upload(
            &quality,
            &app,
            &csrf,
            "same.xlsx",
            write_book(&read_book(&bytes)),
            "",
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(proposals(&app).await, 0);
    }
}

#[tokio::test]
async fn only_quality_and_admins_download_or_upload() {
    for backend in BACKENDS {
        let Some((app, _)) = xlsx_app(backend, "xlsx_roles").await else {
            continue;
        };
        let (quality, quality_csrf) = app.sign_in("quality@t.test").await;
        let (_, _, _, bytes) = download(&quality, &app).await;
        let (admin, _) = app.sign_in("admin@t.test").await;
        assert_eq!(download(&admin, &app).await.0, 200);
        for who in ["manager.a@t.test", "supervisor.a@t.test", "staff.a@t.test"] {
            let (client, csrf) = app.sign_in(who).await;
            assert_eq!(download(&client, &app).await.0, 403, "{who} on {backend:?}");
            let (status, _, _) =
                upload(&client, &app, &csrf, "c.xlsx", bytes.clone(), "mine").await;
            assert_eq!(status, 403, "{who} uploads on {backend:?}");
        }
        // Without the form's token, not even the quality department's upload is taken.
        let (status, _, _) = upload(&quality, &app, "", "c.xlsx", bytes.clone(), "x").await;
        assert_eq!(status, 400);
        // Too large a file is refused before it is read.
        let (status, _, _) = upload(
            &quality,
            &app,
            &quality_csrf,
            "big.xlsx",
            vec![b'x'; 2 * 1024 * 1024],
            "big",
        )
        .await;
        assert_eq!(status, 413);
        assert_eq!(proposals(&app).await, 0);
    }
}

#[test]
fn the_export_writes_a_library_that_lints_clean_and_imports_unchanged() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let exported = out.path().join("library");
    let (code, _, err) = common::run_decorum(Some(data.path()), &["checklists", "import"]);
    assert_eq!(code, 0, "{err}");
    let dir = exported.to_str().unwrap();
    let (code, stdout, err) =
        common::run_decorum(Some(data.path()), &["checklists", "export", dir]);
    assert_eq!(code, 0, "{err}");
    let shipped = decorum::library_files::load(&common::repo_path("checklists")).unwrap();
    let wrote = stdout.lines().filter(|l| l.starts_with("wrote ")).count();
    assert_eq!(wrote, shipped.checklists.len() + shipped.modules.len());
    assert!(
        stdout.contains(&format!(
            "exported {} checklist(s) and {} module(s)",
            shipped.checklists.len(),
            shipped.modules.len()
        )),
        "{stdout}"
    );
    assert!(exported.join("client-visit.toml").exists());
    assert!(exported.join("training/visit-planning.toml").exists());
    assert!(exported.join("positions.toml").exists());

    // The exported directory lints clean on its own…
    let (code, _, err) = common::run_decorum(
        Some(data.path()),
        &["--checklists", dir, "checklists", "lint"],
    );
    assert_eq!(code, 0, "{err}");
    // …imports into the same database without a new version…
    let (code, _, err) = common::run_decorum(
        Some(data.path()),
        &["--checklists", dir, "checklists", "import"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 new version(s)"), "{err}");
    // …and into a fresh one as exactly the shipped content.
    let fresh = tempfile::tempdir().unwrap();
    let (code, _, err) = common::run_decorum(
        Some(fresh.path()),
        &["--checklists", dir, "checklists", "import"],
    );
    assert_eq!(code, 0, "{err}");
    let back = decorum::library_files::load(&exported).unwrap();
    for c in &shipped.checklists {
        assert_eq!(
            back.checklist(&c.key).unwrap().content_hash(),
            c.content_hash(),
            "{}",
            c.key
        );
    }
    for m in &shipped.modules {
        assert_eq!(
            back.module(&m.key).unwrap().content_hash(),
            m.content_hash(),
            "{}",
            m.key
        );
    }
    // Exporting again writes the same files.
    let again = out.path().join("again");
    let (code, _, _) = common::run_decorum(
        Some(data.path()),
        &["checklists", "export", again.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    for name in ["client-visit.toml", "training/visit-planning.toml"] {
        assert_eq!(
            std::fs::read_to_string(exported.join(name)).unwrap(),
            std::fs::read_to_string(again.join(name)).unwrap()
        );
    }
}
