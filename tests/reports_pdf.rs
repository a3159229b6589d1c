//! PDF reports. The builders are rendered from plain data (no database) and read back:
//! with lopdf: the page count, the A4 page size, the text — Chinese and English, page
//! numbers, table headers repeated on every page — and the fonts (embedded subsets with
//! a Unicode map, so the text can be copied). Then the downloads over HTTP on both backends with
//! their access rules, and the command line once.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use common::pdf::{png, text as pdf_text};
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::Lang;
use decorum::domain::scoring::{Answer, Context};
use decorum::domain::stats::{Arrow, Granularity, PeriodFigure, Summary};
use decorum::reports::inspection::{
    AssignedTraining, FailedItem, InspectionReport, Photo, SectionScore,
};
use decorum::reports::site::{
    ItemFigure, SectionFigure, SiteReport, StaffFigure, TrainingCounts, Uncovered,
};
use decorum::reports::staff::{StaffInspection, StaffReport, TrainingLine};
use decorum::reports::{self};
use decorum::store::inspections::{Submission, submit};
use decorum::store::library::current_checklists;
use decorum::store::users;
use uuid::Uuid;

// ---- reading PDFs back ------------------------------------------------------------------

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Each top-level font of the document as (name, embedded, has a ToUnicode map): what
/// `pdffonts` shows as name, emb and uni.
fn pdf_fonts(pdf: &[u8]) -> Vec<(String, bool, bool)> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let name_of = |dict: &lopdf::Dictionary, key: &[u8]| {
        dict.get(key)
            .and_then(|o| o.as_name())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default()
    };
    let embedded = |font: &lopdf::Dictionary| {
        let descriptor = if name_of(font, b"Subtype") == "Type0" {
            font.get(b"DescendantFonts")
                .and_then(|o| doc.dereference(o))
                .and_then(|(_, o)| o.as_array())
                .ok()
                .and_then(|fonts| fonts.first())
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok())
                .and_then(|d| d.get(b"FontDescriptor").ok())
        } else {
            font.get(b"FontDescriptor").ok()
        };
        descriptor
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .is_some_and(|d| {
                [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                    .iter()
                    .any(|k| d.has(k))
            })
    };
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| name_of(d, b"Type") == "Font")
        .filter(|d| !name_of(d, b"Subtype").starts_with("CIDFontType"))
        .map(|d| (name_of(d, b"BaseFont"), embedded(d), d.has(b"ToUnicode")))
        .collect()
}

/// Page sizes in points, in page order.
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let n: Vec<f32> = media.iter().map(|o| o.as_float().unwrap()).collect();
            (n[2] - n[0], n[3] - n[1])
        })
        .collect()
}

fn assert_a4(pdf: &[u8], pages: std::ops::RangeInclusive<usize>) -> usize {
    let sizes = page_sizes(pdf);
    assert!(
        pages.contains(&sizes.len()),
        "{} pages, expected {pages:?}",
        sizes.len()
    );
    for (w, h) in &sizes {
        assert!(
            (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5,
            "not A4: {w} × {h}"
        );
    }
    sizes.len()
}

/// Text extraction puts spaces and line breaks where the layout has gaps; compare without them.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has(text: &str, wanted: &[&str]) {
    let flat = squash(text);
    for w in wanted {
        assert!(flat.contains(&squash(w)), "`{w}` missing from:\n{text}");
    }
    assert!(
        !text.contains('\u{FFFD}'),
        "replacement characters in:\n{text}"
    );
}

// ---- the builders, from plain data ------------------------------------------------------

fn inspection_report(lang: Lang, photo: Option<Photo>) -> InspectionReport {
    let zh = lang == Lang::Zh;
    let t = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    InspectionReport {
        id: "5f0c5d6e-0000-4000-8000-000000000001".into(),
        site: "君臨天下 大堂 Lobby".into(),
        shift_date: d(2026, 11, 20),
        shift_period: t("早班", "Morning"),
        staff: "陳美玲".into(),
        position: Some(t("大堂禮賓", "Lobby concierge")),
        inspector: "王主管".into(),
        checklist: t("大堂接待程序", "Lobby reception procedure"),
        checklist_version: 3,
        status: decorum::domain::InspectionStatus::Submitted,
        void_reason: None,
        recheck: false,
        submitted_at: Some("2026-11-20 09:12 UTC".into()),
        acknowledged_at: None,
        score: Some(37.0),
        max_score: Some(46.0),
        percent: Some(80.4),
        pass_mark: 85.0,
        passed: Some(false),
        sections: vec![
            SectionScore {
                title: t("等候、迎接與問候", "Standing ready, welcoming and greeting"),
                score: 27.0,
                max: 34.0,
            },
            SectionScore {
                title: t("引領參觀與乘梯", "Lobby tour and escort to the lift"),
                score: 10.0,
                max: 12.0,
            },
        ],
        failed: vec![
            FailedItem {
                section: t("等候、迎接與問候", "Standing ready, welcoming and greeting"),
                clause: "4.3.2".into(),
                text: t(
                    "迎客時禮節性鞠躬30度",
                    "30° courtesy bow on welcoming the guest",
                ),
                answer: "15 °".into(),
                expected: Some(t("目標 30 ° ± 5 °", "target 30 ° ± 5 °")),
                critical: false,
                note: Some(t(
                    "鞠躬幅度不足，且未與客人有眼神接觸，需要再練習。",
                    "The bow was too shallow and there was no eye contact; needs practice.",
                )),
                photo,
                training: Vec::new(),
            },
            FailedItem {
                section: t("等候、迎接與問候", "Standing ready, welcoming and greeting"),
                clause: "4.3.4".into(),
                text: t(
                    "以標準問候語問候客人",
                    "Greets the guest with the standard greeting",
                ),
                answer: t("說了 2/4", "said 2/4"),
                expected: None,
                critical: true,
                note: None,
                photo: Some(Photo::File(b"RIFF\0\0\0\0WEBPVP8 not really".to_vec())),
                training: Vec::new(),
            },
        ],
        training: vec![AssignedTraining {
            module: t("大堂迎賓禮儀", "Lobby greeting"),
            due: d(2026, 11, 27),
            critical: true,
            status: t("已指派", "assigned"),
        }],
    }
}

#[test]
fn inspection_report_in_chinese_is_one_small_subset_a4_page() {
    let pdf = reports::inspection::render(&inspection_report(Lang::Zh, None), Lang::Zh);
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(assert_a4(&pdf, 1..=1), 1);
    assert!(
        pdf.len() < 200 * 1024,
        "{} KB is over the 200 KB budget",
        pdf.len() / 1024
    );
    eprintln!(
        "inspection report (zh, no photo): {:.1} KB",
        pdf.len() as f64 / 1024.0
    );
    let text = pdf_text(&pdf, None);
    assert_has(
        &text,
        &[
            "大堂接待程序",
            "陳美玲",
            "王主管",
            "大堂禮賓",
            "2026-11-20 早班",
            "37 / 46",
            "80.4%",
            "不合格",
            "§4.3.2",
            "迎客時禮節性鞠躬30度",
            "鞠躬幅度不足，且未與客人有眼神接觸",
            "§4.3.4",
            "嚴重不合格項目",
            "照片已存檔",
            "大堂迎賓禮儀",
            "2026-11-27",
            "第 1 / 1 頁",
        ],
    );
    assert!(!text.contains('?'), "a character fell back to `?`:\n{text}");
    let fonts = pdf_fonts(&pdf);
    assert!(!fonts.is_empty(), "no font in the PDF");
    for (name, embedded, unicode) in fonts {
        assert!(
            embedded && unicode,
            "font {name} not embedded ({embedded}) or not Unicode-mapped ({unicode})"
        );
        assert!(
            name.contains('+'),
            "subset fonts are named XXXXXX+…: {name}"
        );
    }
}

#[test]
fn inspection_report_in_english_embeds_a_photo_thumbnail() {
    let photo = png(1200, 900);
    let pdf = reports::inspection::render(
        &inspection_report(Lang::En, Some(Photo::File(photo.clone()))),
        Lang::En,
    );
    assert_a4(&pdf, 1..=2);
    assert!(pdf.len() < 200 * 1024, "{} KB", pdf.len() / 1024);
    eprintln!(
        "inspection report (en, a {:.0} KB photo): {:.1} KB",
        photo.len() as f64 / 1024.0,
        pdf.len() as f64 / 1024.0
    );
    let images = common::pdf::images(&pdf);
    assert_eq!(images, vec![(360, 270)], "one thumbnail, shrunk to 360 px");
    let text = pdf_text(&pdf, None);
    assert_has(
        &text,
        &[
            "Lobby reception procedure",
            "陳美玲",
            "Fail",
            "§4.3.2",
            "30° courtesy bow on welcoming the guest",
            "The bow was too shallow",
            "Photo taken by the inspector",
            "Photo on file.",
            "Lobby greeting",
            "Page 1 /",
        ],
    );
}

#[test]
fn a_voided_inspection_says_so_and_a_missing_photo_is_named() {
    let mut report = inspection_report(Lang::En, Some(Photo::Missing));
    report.status = decorum::domain::InspectionStatus::Void;
    report.void_reason = Some("Scored the wrong person".into());
    let pdf = reports::inspection::render(&report, Lang::En);
    assert_has(
        &pdf_text(&pdf, None),
        &[
            "This spot-check was voided: Scored the wrong person",
            "Photo not found in the data directory.",
        ],
    );
}

fn long_staff_report(lang: Lang) -> StaffReport {
    let inspections: Vec<StaffInspection> = (0..90)
        .map(|i| StaffInspection {
            date: d(2026, 1, 1) + Duration::days(i * 2),
            period: if lang == Lang::Zh {
                "早班"
            } else {
                "Morning"
            }
            .into(),
            site: if i % 2 == 0 {
                "大堂 A Lobby"
            } else {
                "大堂 B Lobby"
            }
            .into(),
            checklist: if i % 3 == 0 {
                "大堂接待程序"
            } else {
                "前台儀容儀表"
            }
            .into(),
            inspector: "王主管".into(),
            percent: Some(60.0 + (i % 40) as f64),
            passed: Some(i % 4 != 0),
            critical: i % 9 == 0,
            recheck: i % 10 == 5,
            void: i == 7,
        })
        .collect();
    StaffReport {
        name: "陳美玲".into(),
        email: "mei@decorum.demo".into(),
        position: Some("大堂禮賓".into()),
        sites: vec!["大堂 A Lobby".into()],
        hire_date: Some(d(2025, 3, 1)),
        from: d(2026, 1, 1),
        to: d(2026, 6, 30),
        summary: Summary {
            inspections: 89,
            passed: 66,
            critical: 10,
            mean: Some(79.2),
            pass_rate: Some(74.2),
        },
        trend: Some(Arrow::Up),
        repeated: Vec::new(),
        inspections,
        training: (0..12)
            .map(|i| TrainingLine {
                module: format!("大堂迎賓禮儀 {i}"),
                reason: "抽查不合格".into(),
                assigned: d(2026, 1, 3) + Duration::days(i * 10),
                due: d(2026, 1, 10) + Duration::days(i * 10),
                completed: (i % 3 != 0).then(|| d(2026, 1, 8) + Duration::days(i * 10)),
                quiz: (i % 3 != 0).then_some(90.0),
                overdue: i % 3 == 0,
            })
            .collect(),
    }
}

#[test]
fn a_long_staff_record_runs_over_pages_repeating_the_table_header() {
    let pdf = reports::staff::render(&long_staff_report(Lang::Zh), Lang::Zh);
    let pages = assert_a4(&pdf, 3..=8);
    eprintln!(
        "staff record, 90 spot-checks: {pages} pages, {:.1} KB",
        pdf.len() as f64 / 1024.0
    );
    assert_has(
        &pdf_text(&pdf, None),
        &[
            "員工紀錄 · 陳美玲",
            "mei@decorum.demo",
            "79.2%",
            "74.2%",
            "（複查）",
            "已作廢",
            "培訓紀錄",
            "大堂迎賓禮儀 11",
            "逾期",
        ],
    );
    // Every page that carries spot-check rows starts them with the header row.
    let mut pages_with_rows = 0;
    for p in 1..=pages {
        let text = pdf_text(&pdf, Some(p));
        assert_has(&text, &[&format!("第 {p} / {pages} 頁")]);
        if text.contains("2026-0") && text.contains("王主管") {
            pages_with_rows += 1;
            assert_has(
                &text,
                &["日期", "班次", "站點", "檢查表", "檢查人", "得分", "結果"],
            );
        }
    }
    assert!(pages_with_rows >= 2, "the table spans pages");
}

fn site_report(lang: Lang, staff: usize) -> SiteReport {
    let zh = lang == Lang::Zh;
    let t = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let items = [
        (
            "4.3.2",
            "迎客時禮節性鞠躬30度",
            "30° courtesy bow on welcoming the guest",
            9,
        ),
        (
            "4.3.4",
            "以標準問候語問候客人",
            "Greets the guest with the standard greeting",
            6,
        ),
        (
            "3.2.1",
            "工牌佩戴於左胸",
            "Name badge on the left breast",
            4,
        ),
        (
            "4.3.3",
            "親自引領客人，而非只口頭指路",
            "Escorts the guest in person",
            2,
        ),
    ];
    let total: usize = items.iter().map(|i| i.3).sum();
    let mut running = 0;
    SiteReport {
        scope: "大堂 A Lobby".into(),
        from: d(2026, 10, 1),
        to: d(2026, 10, 31),
        summary: Summary {
            inspections: 42,
            passed: 30,
            critical: 3,
            mean: Some(84.6),
            pass_rate: Some(71.4),
        },
        grain: Granularity::Week,
        by_site: Vec::new(),
        trend: (0..5)
            .map(|w| PeriodFigure {
                period: d(2026, 9, 28) + Duration::weeks(w),
                inspections: 8,
                passed: 5 + w as usize % 3,
                mean: 78.0 + w as f64 * 3.0,
                pass_rate: 62.5 + w as f64 * 6.0,
            })
            .collect(),
        failed_items: items
            .iter()
            .map(|(clause, zh_text, en_text, n)| {
                running += n;
                ItemFigure {
                    checklist: t("大堂接待程序", "Lobby reception procedure"),
                    clause: clause.to_string(),
                    text: t(zh_text, en_text),
                    failures: *n,
                    checked: 40,
                    failure_rate: *n as f64 * 100.0 / 40.0,
                    share: *n as f64 * 100.0 / total as f64,
                    cumulative: running as f64 * 100.0 / total as f64,
                    training: vec![t("大堂迎賓禮儀", "Lobby greeting")],
                }
            })
            .collect(),
        sections: vec![SectionFigure {
            checklist: t("大堂接待程序", "Lobby reception procedure"),
            section: t("等候、迎接與問候", "Standing ready, welcoming and greeting"),
            score: 300.0,
            max: 380.0,
            failures: 19,
        }],
        staff: (0..staff)
            .map(|i| StaffFigure {
                name: format!("員工{i:03}"),
                site: String::new(),
                inspections: 1 + i % 5,
                mean: 60.0 + (i % 40) as f64,
                pass_rate: (i % 5) as f64 * 25.0,
                arrow: [Some(Arrow::Up), Some(Arrow::Down), Some(Arrow::Flat), None][i % 4],
            })
            .collect(),
        staff_total: staff,
        staff_cut: None,
        training: TrainingCounts {
            assigned: 12,
            completed: 9,
            overdue: 2,
        },
        roster: staff + 2,
        coverage_days: 30,
        uncovered: vec![
            Uncovered {
                name: "林志明".into(),
                position: Some(t("大堂禮賓", "Lobby concierge")),
                last_checked: Some(d(2026, 9, 12)),
            },
            Uncovered {
                name: "Amy Wong".into(),
                position: None,
                last_checked: None,
            },
        ],
        uncovered_total: 2,
    }
}

#[test]
fn site_period_report_has_figures_charts_and_the_items_to_work_on() {
    let pdf = reports::site::render(&site_report(Lang::Zh, 12), Lang::Zh);
    let pages = assert_a4(&pdf, 1..=4);
    eprintln!(
        "site report (12 staff): {pages} pages, {:.1} KB",
        pdf.len() as f64 / 1024.0
    );
    assert_has(
        &pdf_text(&pdf, None),
        &[
            "站點期間報告 · 大堂 A Lobby",
            "2026-10-01 – 2026-10-31",
            "84.6%",
            "71.4%",
            "每週趨勢",
            "10-05",
            "§4.3.2 迎客時禮節性鞠躬30度",
            "9 · 43% · Σ 43%",
            "最常不合格的項目",
            "等候、迎接與問候",
            "員工011",
            "▲ 進步",
            "期末逾期",
            "林志明",
            "從未",
            "下一期重點改善項目",
            "檢查 40 次，不合格 9 次（22%）",
        ],
    );
}

#[test]
fn a_site_report_with_many_staff_repeats_the_staff_table_header() {
    let pdf = reports::site::render(&site_report(Lang::En, 120), Lang::En);
    let pages = assert_a4(&pdf, 3..=10);
    let mut with_staff_rows = 0;
    for p in 1..=pages {
        let text = pdf_text(&pdf, Some(p));
        assert_has(&text, &[&format!("Page {p} / {pages}")]);
        if text.contains("員工0") {
            with_staff_rows += 1;
            assert_has(&text, &["Name", "Checks", "Average", "Pass rate", "Trend"]);
        }
    }
    assert!(with_staff_rows >= 2, "the staff table spans pages");
    assert_has(
        &pdf_text(&pdf, None),
        &["Items to work on next period", "failed 9 of 40 times (22%)"],
    );
}

#[test]
fn empty_periods_still_make_a_report() {
    let mut report = site_report(Lang::En, 0);
    report.summary = Summary {
        inspections: 0,
        passed: 0,
        critical: 0,
        mean: None,
        pass_rate: None,
    };
    report.trend.clear();
    report.failed_items.clear();
    report.sections.clear();
    report.uncovered.clear();
    report.uncovered_total = 0;
    let pdf = reports::site::render(&report, Lang::En);
    assert_a4(&pdf, 1..=2);
    let mut staff = long_staff_report(Lang::En);
    staff.inspections.clear();
    staff.training.clear();
    let pdf = reports::staff::render(&staff, Lang::En);
    assert_a4(&pdf, 1..=1);
    assert_has(
        &pdf_text(&pdf, None),
        &["No spot-checks in this period.", "No training assigned."],
    );
}

/// Timing of the builders (the figures in the hand-over notes come from a release
/// build: `cargo test --release --test reports_pdf timing -- --nocapture`).
#[test]
fn timing() {
    let report = inspection_report(Lang::Zh, None);
    let started = Instant::now();
    let _ = reports::font();
    let font_load = started.elapsed();
    let runs = 20;
    let started = Instant::now();
    let mut size = 0;
    for _ in 0..runs {
        size = reports::inspection::render(&report, Lang::Zh).len();
    }
    let each = started.elapsed() / runs;
    let with_photo = inspection_report(Lang::Zh, Some(Photo::File(png(1600, 1200))));
    let started = Instant::now();
    let photo_size = reports::inspection::render(&with_photo, Lang::Zh).len();
    let photo_time = started.elapsed();
    let site = site_report(Lang::Zh, 40);
    let started = Instant::now();
    let site_size = reports::site::render(&site, Lang::Zh).len();
    let site_time = started.elapsed();
    eprintln!(
        "font parse (once per process): {font_load:?}; one-page inspection report: {each:?}, {:.1} KB; \
         with a 1600×1200 photo: {photo_time:?}, {:.1} KB; site report (40 staff): {site_time:?}, {:.1} KB",
        size as f64 / 1024.0,
        photo_size as f64 / 1024.0,
        site_size as f64 / 1024.0,
    );
}

// ---- over HTTP and from the command line -------------------------------------------------

struct Stored {
    inspection: Uuid,
}

/// A submitted spot-check of staff A at site A by supervisor A, failing the bow (with a
/// note and a photo on file) and the greeting script.
async fn stored_inspection(
    db: &sea_orm::DatabaseConnection,
    data_dir: &std::path::Path,
    w: &World,
) -> Stored {
    let lobby = current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    let person = entity::user::Entity::find_by_id(w.staff_a)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let subject = users::subject(db, &person).await.unwrap();
    let mut answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
    answers.insert("greeting-bow".into(), Answer::Measure(10.0));
    answers.insert("greeting-script".into(), Answer::Heard(vec![0]));
    let id = Uuid::new_v4();
    let dir = data_dir.join("photos").join(id.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("greeting-bow.png"), png(800, 600)).unwrap();
    submit(
        db,
        &lobby,
        &subject,
        Submission {
            id,
            site_id: w.site_a,
            shift_date: Utc::now().date_naive() - Duration::days(2),
            shift_period: entity::states::ShiftPeriod::Morning,
            subject_id: w.staff_a,
            inspector_id: w.supervisor_a,
            context: Context::new(),
            answers,
            notes: BTreeMap::from([(
                "greeting-bow".to_string(),
                "鞠躬幅度不足，需要再練習。".to_string(),
            )]),
            submitted_at: Utc::now(),
            recheck_of: None,
            photos: BTreeMap::from([("greeting-bow".to_string(), "greeting-bow.png".to_string())]),
            recheck: None,
        },
    )
    .await
    .expect("submit");
    Stored { inspection: id }
}

use sea_orm::EntityTrait;

async fn get(client: &reqwest::Client, url: String) -> (u16, String, Vec<u8>) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn reports_download_over_http_for_those_who_may_see_them() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "reports_download_over_http").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let stored = stored_inspection(db, &app.test_db.config.data_dir, &w).await;
        let id = stored.inspection;
        let today = Utc::now().date_naive();
        let period = format!("from={}&to={}", today - Duration::days(30), today);

        // The inspection report: the inspector, the person inspected, the site manager.
        for who in ["supervisor.a@t.test", "staff.a@t.test", "manager.a@t.test"] {
            let (client, _) = app.sign_in(who).await;
            let (status, kind, body) =
                get(&client, app.url(&format!("/inspections/{id}/report.pdf"))).await;
            assert_eq!(
                status, 200,
                "{who} on {backend:?} (404: are web::reports' routes merged in web::routes?)"
            );
            assert_eq!(kind, "application/pdf");
            assert!(body.starts_with(b"%PDF-") && body.len() < 200 * 1024);
            assert_a4(&body, 1..=2);
            if who.starts_with("supervisor") {
                let text = pdf_text(&body, None);
                assert_has(
                    &text,
                    &[
                        "大堂接待程序",
                        "staff.a",
                        "§4.3.2",
                        "迎客時禮節性鞠躬30度",
                        "鞠躬幅度不足，需要再練習。",
                        "檢查人拍攝的照片",
                        "§4.3.4",
                    ],
                );
            }
        }
        // English on request.
        let (client, _) = app.sign_in("quality@t.test").await;
        let (status, _, body) = get(
            &client,
            app.url(&format!("/inspections/{id}/report.pdf?lang=en")),
        )
        .await;
        assert_eq!(status, 200);
        assert_has(
            &pdf_text(&body, None),
            &["Lobby reception procedure", "Page 1 /"],
        );
        // Another staff member, another site's supervisor, no one signed in, no such id.
        for who in ["staff.a2@t.test", "supervisor.b@t.test"] {
            let (client, _) = app.sign_in(who).await;
            let (status, _, _) =
                get(&client, app.url(&format!("/inspections/{id}/report.pdf"))).await;
            assert_eq!(status, 403, "{who} on {backend:?}");
        }
        let (status, _, _) = get(
            &app.new_client(),
            app.url(&format!("/inspections/{id}/report.pdf")),
        )
        .await;
        assert_eq!(status, 303, "sign in first");
        let (client, _) = app.sign_in("admin@t.test").await;
        let (status, _, _) = get(
            &client,
            app.url(&format!("/inspections/{}/report.pdf", Uuid::new_v4())),
        )
        .await;
        assert_eq!(status, 403);

        // The staff record: the person, admins and quality, managers and supervisors of
        // their site; not a colleague nor another site's supervisor.
        let staff_url = app.url(&format!("/reports/staff/{}.pdf?{period}", w.staff_a));
        for (who, expected) in [
            ("staff.a@t.test", 200),
            ("admin@t.test", 200),
            ("quality@t.test", 200),
            ("manager.a@t.test", 200),
            ("supervisor.a@t.test", 200),
            ("staff.a2@t.test", 403),
            ("supervisor.b@t.test", 403),
        ] {
            let (client, _) = app.sign_in(who).await;
            let (status, kind, body) = get(&client, staff_url.clone()).await;
            assert_eq!(status, expected, "staff record for {who} on {backend:?}");
            if status == 200 {
                assert_eq!(kind, "application/pdf");
                if who == "staff.a@t.test" {
                    assert_has(
                        &pdf_text(&body, None),
                        &[
                            "員工紀錄 · staff.a",
                            "大堂接待程序",
                            "大堂 A Lobby",
                            "不合格",
                        ],
                    );
                }
            }
        }

        // The site report: admins and quality anywhere, managers at their own sites.
        for (who, query, expected) in [
            ("admin@t.test", format!("site=A&{period}"), 200),
            ("quality@t.test", period.clone(), 200),
            (
                "manager.a@t.test",
                format!("site={}&{period}", w.site_a),
                200,
            ),
            ("manager.a@t.test", period.clone(), 200),
            ("manager.a@t.test", format!("site=B&{period}"), 403),
            ("supervisor.a@t.test", format!("site=A&{period}"), 403),
            ("staff.a@t.test", period.clone(), 403),
        ] {
            let (client, _) = app.sign_in(who).await;
            let (status, kind, body) =
                get(&client, app.url(&format!("/reports/site.pdf?{query}"))).await;
            assert_eq!(
                status, expected,
                "site report for {who} ?{query} on {backend:?}"
            );
            if status == 200 {
                assert_eq!(kind, "application/pdf");
                assert_a4(&body, 1..=6);
                if who == "admin@t.test" {
                    assert_has(
                        &pdf_text(&body, None),
                        &[
                            "站點期間報告 · 大堂 A Lobby",
                            "§4.3.2 迎客時禮節性鞠躬30度",
                            "staff.a2", // not spot-checked: the coverage list
                        ],
                    );
                }
            }
        }
        let (client, _) = app.sign_in("admin@t.test").await;
        let (status, _, _) = get(
            &client,
            app.url("/reports/site.pdf?from=2026-02-01&to=2026-01-01"),
        )
        .await;
        assert_eq!(status, 400, "a period that ends before it starts");
    }
}

#[tokio::test]
async fn the_command_line_writes_reports() {
    let Some(test_db) = common::TestDb::new(common::Backend::Sqlite, "cli reports").await else {
        return;
    };
    test_db.import_library().await;
    let w = seed_world(&test_db.db).await;
    let stored = stored_inspection(&test_db.db, &test_db.config.data_dir, &w).await;
    let data_dir = test_db.config.data_dir.clone();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("inspection.pdf");
    let id = stored.inspection.to_string();
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let data_dir = data_dir.clone();
        let file = file.clone();
        move || {
            common::run_decorum(
                Some(&data_dir),
                &[
                    "report",
                    "inspection",
                    &id,
                    "-o",
                    file.to_str().unwrap(),
                    "--lang",
                    "en",
                ],
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("wrote the report on spot-check"),
        "{stdout}"
    );
    let pdf = std::fs::read(&file).unwrap();
    assert_a4(&pdf, 1..=2);
    assert_has(
        &pdf_text(&pdf, None),
        &["Lobby reception procedure", "§4.3.2", "staff.a"],
    );

    let site_file = out.path().join("site.pdf");
    let today = Utc::now().date_naive();
    let (from, to) = ((today - Duration::days(10)).to_string(), today.to_string());
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let data_dir = data_dir.clone();
        let site_file = site_file.clone();
        move || {
            common::run_decorum(
                Some(&data_dir),
                &[
                    "report",
                    "site",
                    "--site",
                    "a",
                    "--from",
                    &from,
                    "--to",
                    &to,
                    "-o",
                    site_file.to_str().unwrap(),
                ],
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_a4(&std::fs::read(&site_file).unwrap(), 1..=6);

    // Errors name what is missing or wrong.
    let (code, _, stderr) = tokio::task::spawn_blocking({
        let data_dir = data_dir.clone();
        move || common::run_decorum(Some(&data_dir), &["report", "staff", "staff.a@t.test"])
    })
    .await
    .unwrap();
    assert_eq!(code, 2);
    assert!(stderr.contains("--output"), "{stderr}");
    let (code, _, stderr) = tokio::task::spawn_blocking({
        let data_dir = data_dir.clone();
        let file = out.path().join("x.pdf");
        move || {
            common::run_decorum(
                Some(&data_dir),
                &[
                    "report",
                    "staff",
                    "nobody@t.test",
                    "-o",
                    file.to_str().unwrap(),
                ],
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(code, 1);
    assert!(
        stderr.contains("person `nobody@t.test` not found"),
        "{stderr}"
    );
}

/// Staff named `Person NNN` at sites A and B (alternately), each spot-checked once two
/// days ago (see below for how). Their names and sites, with each one's percent and
/// whether the spot-check failed or failed a critical item, as stored.
async fn many_checked_staff(
    db: &sea_orm::DatabaseConnection,
    w: &World,
    count: usize,
) -> Vec<(String, i32, f64, bool)> {
    use decorum::domain::ItemKind;
    use decorum::domain::scoring::{Answer, Gender};
    use decorum::store::users::{NewUser, add_atomic};
    let lobby = common::lobby(db).await;
    let checks: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, item)| item)
        .filter(|item| matches!(item.kind, ItemKind::Check))
        .filter(|item| !item.critical)
        .map(|item| item.key.clone())
        .collect();
    let mut out = Vec::new();
    for i in 0..count {
        let name = format!("Person {i:03}");
        let site = if i % 2 == 0 { "A" } else { "B" };
        let person = add_atomic(
            db,
            NewUser {
                email: format!("person{i:03}@t.test"),
                name: name.clone(),
                role: decorum::auth::Role::Staff,
                password: None,
                position: Some("lobby-concierge".into()),
                gender: Some(Gender::Female),
                hire_date: None,
                sites: vec![site.into()],
            },
            None,
        )
        .await
        .expect("person");
        let subject = users::subject(db, &person).await.unwrap();
        let mut answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
        // Two or three items failed (ties the names then order) but for the last nine:
        // six perfect, three failing the critical item alone (high scores, failed
        // spot-checks: listed though not among the lowest).
        let failed = if i + 9 >= count { 0 } else { 2 + i % 2 };
        for key in checks.iter().take(failed) {
            answers.insert(key.clone(), Answer::Fail);
        }
        if i + 3 >= count {
            answers.insert("back-to-post".into(), Answer::Fail);
        }
        let id = Uuid::new_v4();
        submit(
            db,
            &lobby,
            &subject,
            Submission {
                id,
                site_id: if i % 2 == 0 { w.site_a } else { w.site_b },
                shift_date: Utc::now().date_naive() - Duration::days(2),
                shift_period: entity::states::ShiftPeriod::Morning,
                subject_id: person.id,
                inspector_id: if i % 2 == 0 {
                    w.supervisor_a
                } else {
                    w.supervisor_b
                },
                context: Context::new(),
                answers,
                notes: BTreeMap::new(),
                submitted_at: Utc::now(),
                recheck_of: None,
                photos: BTreeMap::new(),
                recheck: None,
            },
        )
        .await
        .expect("submit");
        let row = entity::inspection::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let percent = row.percent.expect("scored");
        let needs_attention = row.passed != Some(true) || row.critical_failure;
        out.push((
            name,
            if i % 2 == 0 { w.site_a } else { w.site_b },
            percent,
            needs_attention,
        ));
    }
    out
}

#[tokio::test]
async fn an_all_sites_report_lists_the_lowest_staff_and_points_to_the_csv_for_the_rest() {
    use decorum::domain::stats::StaffCut;
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "all_sites_report_cut").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let count = StaffCut::REPORT.lowest + 11;
        let staff = many_checked_staff(db, &w, count).await;
        // What the report should print, worked out here: lowest score first, then by
        // name; the lowest N, then those who failed or failed a critical item.
        let mut order = staff.clone();
        order.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
        let expected: Vec<&str> = order
            .iter()
            .enumerate()
            .filter(|(place, p)| *place < StaffCut::REPORT.lowest || p.3)
            .map(|(_, p)| p.0.as_str())
            .collect();
        assert!(
            expected.len() > StaffCut::REPORT.lowest && expected.len() < count,
            "the data has staff needing attention beyond the lowest, and staff left out: {expected:?}"
        );
        let rest = count - expected.len();
        let today = Utc::now().date_naive();
        let period = format!("from={}&to={}", today - Duration::days(30), today);

        let (client, _) = app.sign_in("quality@t.test").await;
        // Not zh-Hans: the bundled face (Noto Sans TC) lacks some Simplified glyphs, so
        // its text does not read back whole.
        for lang in ["en", "zh-Hant"] {
            let started = Instant::now();
            let (status, _, body) = get(
                &client,
                app.url(&format!("/reports/site.pdf?{period}&lang={lang}")),
            )
            .await;
            eprintln!(
                "all-sites report, {count} staff, {lang} on {backend:?}: {:?}, {:.1} KB",
                started.elapsed(),
                body.len() as f64 / 1024.0
            );
            assert_eq!(status, 200, "{lang} on {backend:?}");
            let text = pdf_text(&body, None);
            let flat = squash(&text);
            let listed: Vec<String> = staff
                .iter()
                .map(|p| p.0.clone())
                .filter(|name| flat.contains(&squash(name)))
                .collect();
            let mut wanted: Vec<String> = expected.iter().map(|n| n.to_string()).collect();
            wanted.sort();
            assert_eq!(listed, wanted, "the staff printed, {lang} on {backend:?}");
            // In print order.
            let at = |name: &str| flat.find(&squash(name)).unwrap();
            assert!(
                expected.windows(2).all(|p| at(p[0]) < at(p[1])),
                "printed lowest first, {lang} on {backend:?}"
            );
            let (total, rest_line, link) = match lang {
                "en" => (
                    format!("Staff ({count})"),
                    format!("The other {rest} staff are not listed here"),
                    "on the Quality page under “Export inspections (CSV)”",
                ),
                _ => (
                    format!("員工 ({count})"),
                    format!("其餘 {rest} 位員工未列於此"),
                    "「匯出檢查 CSV」",
                ),
            };
            assert_has(
                &text,
                &[&total, &rest_line, link, "/quality/inspections.csv?from="],
            );
        }

        // The report `client` gets for `query` lists exactly site A's staff.
        let lists_site_a = async |client: &reqwest::Client, query: &str| {
            let (status, _, body) = get(
                client,
                app.url(&format!("/reports/site.pdf?{query}{period}&lang=en")),
            )
            .await;
            assert_eq!(status, 200, "?{query} on {backend:?}");
            let flat = squash(&pdf_text(&body, None));
            for (name, site, _, _) in &staff {
                assert_eq!(
                    flat.contains(&squash(name)),
                    *site == w.site_a,
                    "{name} in the report ?{query} on {backend:?}"
                );
            }
            flat
        };
        // One site's report lists every one of its staff.
        let flat = lists_site_a(&client, "site=A&").await;
        assert!(
            !flat.contains("notlistedhere"),
            "nobody left out of one site's report"
        );
        // A manager's report over their sites holds only those sites' staff: the cut
        // applies within what they may see (site A's 31 are all listed).
        let (client, _) = app.sign_in("manager.a@t.test").await;
        let flat = lists_site_a(&client, "").await;
        assert!(flat.contains(&squash(&format!("Staff ({})", count.div_ceil(2)))));
    }
}

/// The site report's training and roster counts, as the database counts them, match
/// ones worked out here by hand: instants a second either side of the site's midnight
/// (Asia/Shanghai, the default), a due date on the last day (not yet overdue), a
/// completion just after the end (still overdue), and a person at site B whom site A's
/// manager does not see.
#[tokio::test]
async fn site_report_training_counts_match_hand_counted_days_and_keep_to_the_viewers_sites() {
    use decorum::domain::access::{Role, Scope};
    use decorum::domain::record::TrainingCounts as Counts;
    use entity::states::{AssignmentReason, AssignmentStatus};
    use entity::{training_assignment, training_module};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let at = |y, m, day, h, min, s| d(y, m, day).and_hms_opt(h, min, s).unwrap().and_utc();
    for backend in BACKENDS {
        let Some(test_db) = common::TestDb::new(backend, "report_training_counts").await else {
            continue;
        };
        test_db.import_library().await;
        let db = &test_db.db;
        let w = seed_world(db).await;
        let module = training_module::Entity::find()
            .filter(training_module::Column::Key.eq("lobby-greeting"))
            .one(db)
            .await
            .unwrap()
            .expect("the library's lobby-greeting module");
        // (person, assigned, due, completed). 2026-03-02 begins in Shanghai at
        // 2026-03-01 16:00 UTC; 2026-03-30 at 2026-03-29 16:00 UTC.
        let rows = [
            // Assigned on the first day, completed in the last second of the last.
            (
                w.staff_a,
                at(2026, 3, 1, 16, 0, 0),
                d(2026, 3, 10),
                Some(at(2026, 3, 29, 15, 59, 59)),
            ),
            // Assigned the second before; overdue at the end.
            (w.staff_a, at(2026, 3, 1, 15, 59, 59), d(2026, 3, 20), None),
            // Assigned within; completed the first second after: overdue at the end.
            (
                w.staff_a,
                at(2026, 3, 10, 2, 0, 0),
                d(2026, 3, 15),
                Some(at(2026, 3, 29, 16, 0, 0)),
            ),
            // Due on the last day: not overdue yet.
            (w.staff_a2, at(2026, 3, 28, 1, 0, 0), d(2026, 3, 29), None),
            // At site B.
            (w.staff_b, at(2026, 3, 10, 1, 0, 0), d(2026, 3, 12), None),
        ];
        for (person, assigned, due, completed) in rows {
            training_assignment::ActiveModel {
                user_id: Set(person),
                module_id: Set(module.id),
                reason: Set(AssignmentReason::Manual),
                failed_items: Set(serde_json::json!([])),
                critical: Set(false),
                status: Set(if completed.is_some() {
                    AssignmentStatus::Completed
                } else {
                    AssignmentStatus::Assigned
                }),
                due_date: Set(due),
                attempts: Set(0),
                assigned_at: Set(assigned),
                completed_at: Set(completed),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
        let quality = Scope {
            user_id: w.quality,
            role: Role::Quality,
            sites: Vec::new(),
        };
        let manager = Scope {
            user_id: w.manager_a,
            role: Role::Manager,
            sites: vec![w.site_a],
        };
        let (from, to) = (d(2026, 3, 2), d(2026, 3, 29));
        let site_a = Counts {
            assigned: 2 + 1,
            completed: 1,
            overdue: 2,
        };
        for (scope, site, roster, training) in [
            (
                &quality,
                None,
                3,
                Counts {
                    assigned: 4,
                    completed: 1,
                    overdue: 3,
                },
            ),
            (&quality, Some(w.site_a), 2, site_a),
            (&manager, None, 2, site_a),
        ] {
            let period = decorum::store::reports::site_period(db, scope, site, from, to)
                .await
                .unwrap();
            assert_eq!((period.from, period.to), (from, to), "whole weeks already");
            assert_eq!(
                period.training, training,
                "{:?} {site:?} on {backend:?}",
                scope.role
            );
            assert_eq!(
                period.roster, roster,
                "{:?} {site:?} on {backend:?}",
                scope.role
            );
        }
    }
}
