//! Reading a PDF's text back with lopdf (a dev-dependency, so it runs wherever the tests
//! build: no poppler needed).

/// The text of the whole document, or of one page (numbered from 1), read back with
/// lopdf through each font's ToUnicode map: what a reader who copies the text gets.
pub fn text(pdf: &[u8], page: Option<usize>) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let pages: Vec<u32> = match page {
        Some(p) => vec![p as u32],
        None => doc.get_pages().keys().copied().collect(),
    };
    doc.extract_text(&pages).expect("lopdf extracts the text")
}
