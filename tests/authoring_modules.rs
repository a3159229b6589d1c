//! The rest of authoring in the browser, over HTTP on SQLite and PostgreSQL: the
//! checklist preview's person and context picks change which items apply (each left-out
//! item with its reason); a module is previewed as staff see it (the quiz without its
//! answers), proposed with a side-by-side diff against the published version, approved
//! and rolled back (a new version, audited); an author uploads an image (JPEG/PNG/WebP by
//! content, a size limit), the module's page names it, a proposal naming an image never
//! uploaded is refused at its line, and once approved the staff page shows it and its URL
//! serves it to the people the module is assigned to, and to nobody else; supervisors,
//! managers and staff get 403 on every authoring write.

mod common;

use common::authoring::{add_second_quality, get, get_unfollowed, post};
use common::{BACKENDS, Backend, TestApp, World, seed_world};
use entity::{audit_log, proposal, training_assignment};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::Digest;

const MODULE: &str = "conduct-standard-stance";
const MODULE_EDITOR: &str = "/authoring/modules/conduct-standard-stance";
/// A module no lobby concierge has in their curriculum: assigned by hand to staff A only.
const IMAGE_MODULE: &str = "fd-welcoming-visitors";
const IMAGE_EDITOR: &str = "/authoring/modules/fd-welcoming-visitors";
const CONDUCT_PREVIEW: &str = "/authoring/checklists/service-conduct/preview";

async fn authoring_app(backend: Backend, name: &str) -> Option<(TestApp, World)> {
    let app = TestApp::spawn(backend, name).await?;
    let world = seed_world(&app.test_db.db).await;
    add_second_quality(&app.test_db.db).await;
    Some((app, world))
}

/// An image posted to a module's upload address; the status and the body.
async fn upload(
    client: &Client,
    app: &TestApp,
    csrf: &str,
    key: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("picture.png");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .part("image", part);
    let r = client
        .post(app.url(&format!("/authoring/modules/{key}/images")))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

fn shipped(path: &str) -> String {
    std::fs::read_to_string(common::repo_path(path)).unwrap()
}

fn stance_module() -> String {
    shipped("checklists/training/conduct-standard-stance.toml")
}

/// A PNG by its first bytes (the server reads the type from them, not from the name).
fn png(seed: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..200u32).map(|n| (n as u8).wrapping_mul(seed)));
    bytes
}

/// The module's text with an image block at the end of its last page.
fn with_image(module: &str, block: &str) -> String {
    let at = module.find("[[question]]").unwrap();
    format!("{}{block}\n{}", &module[..at], &module[at..])
}

fn image_block(file: &str) -> String {
    format!(
        "[[page.image]]\nfile = \"{file}\"\nalt = {{ zh = \"標準站姿示範照片\", en = \"Photo of the standard stance\" }}\n"
    )
}

/// The `data-applies` of an item's row in the preview's table.
fn applies(page: &str, item: &str) -> String {
    let at = page
        .find(&format!("data-item=\"{item}\""))
        .unwrap_or_else(|| panic!("no row for {item}: {page}"));
    let rest = &page[at..];
    let from = rest.find("data-applies=\"").unwrap() + "data-applies=\"".len();
    rest[from..from + rest[from..].find('"').unwrap()].to_string()
}

/// The second quality user approves the proposal at `location`; their client.
async fn approve_as_second(app: &TestApp, location: &str) -> Client {
    let (second, csrf) = app.sign_in("quality.two@t.test").await;
    let (status, _, body) = post(
        &second,
        app,
        &format!("{location}/review"),
        &[("_csrf", &csrf), ("decision", "approve")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    second
}

async fn proposals(app: &TestApp) -> u64 {
    proposal::Entity::find()
        .count(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn preview_picks_change_which_items_apply() {
    for backend in BACKENDS {
        let Some((app, w)) = authoring_app(backend, "preview_picks_change_which_items_apply").await
        else {
            continue;
        };
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let source = shipped("checklists/service-conduct.toml");
        let preview = async |gender: &str, situation: &str| {
            let (status, _, page) = post(
                &quality,
                &app,
                CONDUCT_PREVIEW,
                &[
                    ("_csrf", &csrf),
                    ("source", &source),
                    ("gender", gender),
                    ("position", "lobby-concierge"),
                    ("ctx.situation", situation),
                ],
            )
            .await;
            assert_eq!(status, 200, "{backend:?}: {page}");
            page
        };
        // A man standing on post: hands behind the back; the women's items are out.
        let on_post = preview("male", "on-post").await;
        assert!(on_post.contains("id=\"preview-picker\""), "{on_post}");
        assert!(
            on_post.contains("id=\"spotcheck\""),
            "the real tablet form below"
        );
        assert_eq!(applies(&on_post, "hands-behind"), "yes");
        assert_eq!(applies(&on_post, "feet-shoulder-width"), "yes");
        assert_eq!(applies(&on_post, "hands-front"), "no");
        assert!(
            on_post.contains("subject.gender is male, the item needs female"),
            "the reason: {on_post}"
        );
        // The picker offers the checklist's context field with the pick kept.
        assert!(on_post.contains("name=\"ctx.situation\""));
        assert!(on_post.contains("value=\"on-post\" selected"), "{on_post}");
        assert!(on_post.contains("Greeting guests"));
        // The same man greeting guests: the on-post items drop out, with the reason.
        let greeting = preview("male", "greeting").await;
        assert_eq!(applies(&greeting, "hands-behind"), "no");
        assert_eq!(applies(&greeting, "feet-shoulder-width"), "no");
        assert!(
            greeting.contains("context.situation is greeting, the item needs on-post"),
            "{greeting}"
        );
        // A woman: hers apply, the men's do not; the tablet form shows hers only.
        let woman = preview("female", "on-post").await;
        assert_eq!(applies(&woman, "hands-front"), "yes");
        assert_eq!(applies(&woman, "v-stance"), "no");
        let count = |page: &str| page.split("data-applies=\"yes\"").count() - 1;
        assert!(
            count(&on_post) > count(&greeting),
            "fewer items apply greeting"
        );
        // The sample card is scored on the same picks: every applying item passes.
        for page in [&on_post, &greeting, &woman] {
            assert!(page.contains("id=\"live-percent\">100.0%"), "{backend:?}");
        }
        // A real person picked instead: staff B is a man, staff A a woman.
        for (person, hands_behind) in [(w.staff_b, "yes"), (w.staff_a, "no")] {
            let (status, _, page) = post(
                &quality,
                &app,
                CONDUCT_PREVIEW,
                &[
                    ("_csrf", &csrf),
                    ("source", &source),
                    ("person", &person.to_string()),
                    ("ctx.situation", "on-post"),
                ],
            )
            .await;
            assert_eq!(status, 200);
            assert_eq!(applies(&page, "hands-behind"), hands_behind, "{person}");
            assert!(page.contains(&format!("value=\"{person}\" selected")));
        }
        // With no gender chosen, gendered items are out "not chosen".
        let nobody = preview("", "on-post").await;
        assert_eq!(applies(&nobody, "hands-front"), "no");
        assert!(nobody.contains("subject.gender is not chosen"), "{nobody}");
    }
}

#[tokio::test]
async fn a_module_is_previewed_diffed_approved_and_rolled_back() {
    for backend in BACKENDS {
        let Some((app, _w)) = authoring_app(
            backend,
            "a_module_is_previewed_diffed_approved_and_rolled_back",
        )
        .await
        else {
            continue;
        };
        let db = &app.test_db.db;
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let (status, editor) = get(&quality, &app, MODULE_EDITOR).await;
        assert_eq!(status, 200);
        assert!(editor.contains("id=\"image-upload\""), "the upload form");
        assert!(editor.contains("id=\"preview-button\""), "a preview");
        let source = stance_module();

        // The preview is the module page as staff see it, the quiz without answers.
        let (status, _, page) = post(
            &quality,
            &app,
            &format!("{MODULE_EDITOR}/preview"),
            &[("_csrf", &csrf), ("source", &source)],
        )
        .await;
        assert_eq!(status, 200, "{backend:?}: {page}");
        assert!(page.contains("id=\"module-preview\""));
        assert!(page.contains("The standard stance"), "its title");
        assert!(page.contains("data-diagram=\"t-stance\""), "its diagrams");
        assert!(page.contains("type=\"radio\""), "its quiz");
        assert!(!page.contains("/quiz\""), "nothing to submit");
        assert!(!page.contains("correct"), "no answers: {page}");

        // A change is proposed with its side-by-side diff against the published text.
        let changed = source.replace(
            "title = { zh = \"標準站姿\", en = \"The standard stance\" }",
            "title = { zh = \"標準站姿\", en = \"Standing as the standard says\" }",
        );
        assert_ne!(changed, source);
        let (status, location, body) = post(
            &quality,
            &app,
            MODULE_EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &changed),
                ("reason", "A plainer title"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}: {body}");
        let (status, page) = get(&quality, &app, &location).await;
        assert_eq!(status, 200);
        assert!(page.contains("id=\"text-diff\""), "{page}");
        assert!(page.contains("1 line changed"), "{page}");
        assert!(page.contains("Standing as the standard says"));
        assert!(page.contains("en = &quot;The standard stance&quot;"));

        // Another quality user approves: version 2.
        approve_as_second(&app, &location).await;
        let latest = decorum::store::training::module_by_key(db, MODULE)
            .await
            .unwrap();
        assert_eq!(latest.version, 2);
        assert_eq!(
            latest.module.title.get(decorum::domain::Lang::En),
            "Standing as the standard says"
        );

        // The editor opens the published text and offers a rollback to v1.
        let (_, editor) = get(&quality, &app, MODULE_EDITOR).await;
        assert!(editor.contains("Standing as the standard says"));
        assert!(editor.contains("id=\"rollback\""), "{editor}");
        // An unknown version is refused; v1 is published again as v3, audited.
        let rollback = format!("{MODULE_EDITOR}/rollback");
        let (status, _, _) = post(
            &quality,
            &app,
            &rollback,
            &[("_csrf", &csrf), ("version", "9")],
        )
        .await;
        assert_eq!(status, 422, "{backend:?}");
        let (status, location, _) = post(
            &quality,
            &app,
            &rollback,
            &[("_csrf", &csrf), ("version", "1")],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}");
        assert_eq!(location, MODULE_EDITOR);
        let latest = decorum::store::training::module_by_key(db, MODULE)
            .await
            .unwrap();
        assert_eq!(latest.version, 3);
        assert_eq!(
            latest.module.title.get(decorum::domain::Lang::En),
            "The standard stance"
        );
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("rollback"))
            .filter(audit_log::Column::Entity.eq("training_module"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(audited, 1, "{backend:?}");

        // A new module from the template opens with the new key.
        let (status, location, _) = get_unfollowed(
            &quality,
            &app,
            "/authoring/new?kind=modules&key=new-module&from=template",
        )
        .await;
        assert_eq!(status, 303);
        let (status, page) = get(&quality, &app, &location).await;
        assert_eq!(status, 200);
        assert!(page.contains("key = &quot;new-module&quot;"), "{page}");
        assert!(page.contains("[[question]]"));
    }
}

#[tokio::test]
async fn an_uploaded_image_reaches_the_staff_page_and_nobody_else() {
    for backend in BACKENDS {
        let Some((app, w)) = authoring_app(
            backend,
            "an_uploaded_image_reaches_the_staff_page_and_nobody_else",
        )
        .await
        else {
            continue;
        };
        let db = &app.test_db.db;
        let (quality, csrf) = app.sign_in("quality@t.test").await;

        // Not an image, an empty upload, one too large, or no token: refused.
        let (status, body) = upload(
            &quality,
            &app,
            &csrf,
            IMAGE_MODULE,
            b"hello, not a picture".to_vec(),
        )
        .await;
        assert_eq!(status, 400, "{backend:?}");
        assert!(body.contains("not a JPEG, PNG or WebP"), "{body}");
        let (status, _) = upload(&quality, &app, &csrf, IMAGE_MODULE, Vec::new()).await;
        assert_eq!(status, 400);
        let mut big = png(3);
        big.resize(3 * 1024 * 1024, 0);
        let (status, _) = upload(&quality, &app, &csrf, IMAGE_MODULE, big).await;
        assert_eq!(status, 413, "{backend:?}");
        let (status, _) = upload(&quality, &app, "wrong-token", IMAGE_MODULE, png(5)).await;
        assert_eq!(status, 400);

        // A PNG is stored under its SHA-256, and the answer is the snippet to paste.
        let bytes = png(7);
        let file = format!("{}.png", hex::encode(sha2::Sha256::digest(&bytes)));
        let (status, body) = upload(&quality, &app, &csrf, IMAGE_MODULE, bytes.clone()).await;
        assert_eq!(status, 201, "{backend:?}: {body}");
        assert!(body.contains("id=\"image-snippet\""));
        assert!(
            body.contains(&format!("file = &quot;{file}&quot;")),
            "{body}"
        );
        assert!(body.contains("[[page.image]]"));

        // The lint holds the block to its format, at its line.
        let lint = async |source: &str| -> serde_json::Value {
            let r = quality
                .post(app.url(&format!("{IMAGE_EDITOR}/lint")))
                // The lint answers in the author's language; these checks read English.
                .header("accept-language", "en")
                .form(&[("_csrf", csrf.as_str()), ("source", source)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json().await.unwrap()
        };
        let module = shipped("checklists/training/fd-welcoming-visitors.toml");
        let block_line = module[..module.find("[[question]]").unwrap()]
            .lines()
            .count()
            + 1;
        for (block, says) in [
            (
                format!("[[page.image]]\nfile = \"{file}\"\n"),
                "missing field `alt`",
            ),
            (
                format!("{}size = 3\n", image_block(&file)),
                "unknown field `size`",
            ),
            (
                image_block("../etc/passwd.png"),
                "not an uploaded image's name",
            ),
            (image_block("photo.jpg"), "not an uploaded image's name"),
        ] {
            let answer = lint(&with_image(&module, &block)).await;
            assert_eq!(answer["clean"], false, "{block}");
            let problems = answer["problems"].as_array().unwrap();
            assert!(
                problems
                    .iter()
                    .any(|p| p["message"].as_str().unwrap().contains(says)
                        && p["line"].as_u64().unwrap() as usize >= block_line),
                "{says} near line {block_line}: {answer}"
            );
        }
        assert_eq!(
            lint(&with_image(&module, &image_block(&file))).await["clean"],
            true
        );

        // A proposal naming an image never uploaded is refused at its line.
        let never = format!("{}.jpg", "ab".repeat(32));
        let (status, _, body) = post(
            &quality,
            &app,
            IMAGE_EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &with_image(&module, &image_block(&never))),
                ("reason", "a photo"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{backend:?}");
        assert!(
            body.contains(&format!("The image {never} was never uploaded")),
            "{body}"
        );
        assert!(
            body.contains(&format!("line {}:", block_line + 1)),
            "{body}"
        );
        assert_eq!(proposals(&app).await, 0);

        // With the uploaded one it is filed; another quality user approves.
        let (status, location, body) = post(
            &quality,
            &app,
            IMAGE_EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &with_image(&module, &image_block(&file))),
                ("reason", "a photo of the stance"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}: {body}");
        let second = approve_as_second(&app, &location).await;

        // Assigned to staff A, the module page shows the image, and its URL serves it.
        let today = chrono::Utc::now().date_naive();
        decorum::store::training::assign_manual(
            db,
            w.quality,
            IMAGE_MODULE,
            &[w.staff_a],
            today + chrono::Duration::days(7),
        )
        .await
        .unwrap();
        let module_id = decorum::store::training::module_by_key(db, IMAGE_MODULE)
            .await
            .unwrap()
            .id;
        let assignment = training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.eq(w.staff_a))
            .filter(training_assignment::Column::ModuleId.eq(module_id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        let (status, page) = get(&staff, &app, &format!("/training/{}", assignment.id)).await;
        assert_eq!(status, 200);
        assert!(
            page.contains(&format!("src=\"/module-images/{file}\"")),
            "{page}"
        );
        assert!(page.contains("alt=\"Photo of the standard stance\""));
        let url = format!("/module-images/{file}");
        let r = staff.get(app.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{backend:?}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
        // The authors see it too.
        let (status, _) = get(&second, &app, &url).await;
        assert_eq!(status, 200);

        // Someone the module is not assigned to, guessing the URL, gets 403; so does a
        // name that is no image's; signed out, the sign-in page.
        for who in [
            "staff.b@t.test",
            "staff.a2@t.test",
            "supervisor.a@t.test",
            "manager.a@t.test",
        ] {
            let (client, _) = app.sign_in(who).await;
            let (status, _) = get(&client, &app, &url).await;
            assert_eq!(status, 403, "{who} on {backend:?}");
        }
        for bad in ["/module-images/..%2Fdecorum.db", "/module-images/x.png"] {
            let (status, _) = get(&staff, &app, bad).await;
            assert!(status == 403 || status == 404, "{bad}: {status}");
        }
        let anonymous = app.new_client();
        let r = anonymous.get(app.url(&url)).send().await.unwrap();
        assert_ne!(r.status(), 200);
        assert!(
            r.headers()
                .get("content-type")
                .is_none_or(|t| !t.to_str().unwrap().starts_with("image/")),
            "no image for the signed-out"
        );
    }
}

#[tokio::test]
async fn other_roles_get_403_on_every_authoring_write() {
    for backend in BACKENDS {
        let Some((app, _w)) =
            authoring_app(backend, "other_roles_get_403_on_every_authoring_write").await
        else {
            continue;
        };
        let module = stance_module();
        for who in ["manager.a@t.test", "supervisor.a@t.test", "staff.a@t.test"] {
            let (client, csrf) = app.sign_in(who).await;
            for path in [
                MODULE_EDITOR.to_string(),
                format!("{MODULE_EDITOR}/lint"),
                format!("{MODULE_EDITOR}/preview"),
                format!("{MODULE_EDITOR}/rollback"),
                CONDUCT_PREVIEW.to_string(),
                "/authoring/checklists/service-conduct/rollback".to_string(),
            ] {
                let (status, _, _) = post(
                    &client,
                    &app,
                    &path,
                    &[
                        ("_csrf", &csrf),
                        ("source", &module),
                        ("reason", "mine"),
                        ("version", "1"),
                    ],
                )
                .await;
                assert_eq!(status, 403, "{who} POST {path} on {backend:?}");
            }
            let (status, _) = upload(&client, &app, &csrf, MODULE, png(9)).await;
            assert_eq!(status, 403, "{who} uploads on {backend:?}");
            let (status, _) = get(&client, &app, MODULE_EDITOR).await;
            assert_eq!(status, 403, "{who} GET the module editor");
        }
        assert_eq!(proposals(&app).await, 0);
        let latest = decorum::store::training::module_by_key(&app.test_db.db, MODULE)
            .await
            .unwrap();
        assert_eq!(latest.version, 1, "nothing published on {backend:?}");
    }
}
