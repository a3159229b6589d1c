//! PDF reports: one inspection, one person's record, one site's period; and a checklist
//! as an Excel workbook ([`xlsx`]).
//!
//! Each report is a pure function from a plain struct (gathered from the database by
//! [`data`]) to PDF bytes, so the builders are tested without a database and run in
//! `spawn_blocking` on the server. The three reports (`inspection`, `staff`, `site`)
//! share what the modules beside them hold: [`layout`], an A4 page with a running
//! header and a "page x / y" footer on which tables break across pages and repeat their
//! header row; [`blocks`], the pieces a report is made of (tables, figures, small vector
//! charts drawn as PDF paths) and their colours; [`text`], the bundled font and the
//! wrapping of Chinese and English; and [`thumbnails`], photos shrunk for the page.
//!
//! Text is set in Noto Sans TC (`fonts/`), embedded at compile time and subset by printpdf,
//! so Chinese renders and stays selectable and a one-page report stays around 20 KB.
//! Headings are the same face filled and stroked (a faux bold), which spares the 7 MB of
//! a second face in the binary.

pub mod actions;
pub mod blocks;
pub mod data;
pub mod inspection;
pub mod layout;
pub mod site;
pub mod staff;
pub mod text;
pub mod thumbnails;
pub mod xlsx;

pub use blocks::{
    Align, Bar, Cell, Column, Figure, LineChart, Row, Series, Table, Tone, pct, summary_figures,
    verdict,
};
pub use layout::{BODY, CONTENT_W, PAGE_H, PAGE_W, Pdf, SMALL};
pub use text::{ellipsize, font, text_width, wrap};
pub use thumbnails::Thumbnail;
