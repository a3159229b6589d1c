//! Workbooks: a checklist's sheets (`domain::workbook`) written as an .xlsx with
//! rust_xlsxwriter (a bold header row frozen in place, a note on each header explaining
//! the column, drop-down lists on the kind and yes/no columns), and an uploaded .xlsx read
//! back into its sheets' cells with calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{DataValidation, Format, Note, Workbook, XlsxError};

use crate::domain::Lang;
use crate::domain::workbook::{Grid, Sheet, Value};

/// How many rows below the header the drop-down lists cover, for rows added in Excel.
const VALIDATED_ROWS: u32 = 1000;

/// The workbook's bytes, its notes in `lang`.
pub fn write(sheets: &[Sheet], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (c, column) in sheet.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, &column.header, &bold)?;
            let note = Note::new(column.note.say(lang)).set_author("Decorum");
            ws.insert_note(0, c, &note)?;
            let width = if column.header.contains('.') { 36 } else { 14 };
            ws.set_column_width(c, width)?;
            if let Some(choices) = &column.choices {
                let list: Vec<&str> = choices.iter().map(String::as_str).collect();
                let rule = DataValidation::new().allow_list_strings(&list)?;
                ws.add_data_validation(1, c, VALIDATED_ROWS, c, &rule)?;
            }
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Empty => {}
                    Value::Text(t) if t.contains('\n') => {
                        ws.write_string_with_format(r, c, t, &wrap)?;
                    }
                    Value::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    Value::Number(n) => {
                        ws.write_number(r, c, *n)?;
                    }
                    Value::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// Every sheet's cells, from the top-left corner (A1 is `rows[0][0]`), or why the bytes
/// are not a workbook.
pub fn read(bytes: &[u8]) -> Result<Vec<Grid>, String> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e: calamine::XlsxError| e.to_string())?;
    let mut grids = Vec::new();
    let mut cells_read = 0usize;
    for name in book.sheet_names() {
        // Cell by cell, never as calamine's dense range: one cell written at XFD1048576
        // would make that a grid of 17 billion cells from a file of a few bytes.
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| e.to_string())?;
        let mut rows: Vec<Vec<Value>> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
            let (r, c) = cell.get_position();
            let (r, c) = (r as usize, c as usize);
            if r >= MAX_ROWS || c >= MAX_COLUMNS {
                return Err(format!(
                    "sheet {name} has a cell beyond row {MAX_ROWS} or column {MAX_COLUMNS}"
                ));
            }
            cells_read += 1;
            if cells_read > MAX_CELLS {
                return Err(format!("the workbook has more than {MAX_CELLS} cells"));
            }
            let data: Data = cell.get_value().clone().into();
            if matches!(data, Data::Empty) {
                continue;
            }
            if rows.len() <= r {
                rows.resize(r + 1, Vec::new());
            }
            let row = &mut rows[r];
            if row.len() <= c {
                row.resize(c + 1, Value::Empty);
            }
            row[c] = value(&data);
        }
        grids.push(Grid { name, rows });
    }
    Ok(grids)
}

/// Bounds on what an uploaded workbook may hold, far above the largest checklist (about
/// 70 items and 40 columns), so a hand-made file cannot make the reader hold a huge grid.
const MAX_ROWS: usize = 10_000;
const MAX_COLUMNS: usize = 500;
const MAX_CELLS: usize = 500_000;

fn value(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Float(f) => Value::Number(*f),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Bool(*b),
        other => Value::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workbook::{Column, ITEMS};
    use crate::i18n::Message;

    #[test]
    fn a_cell_far_out_is_refused_without_building_the_grid() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let refused = read(&bytes).unwrap_err();
        assert!(refused.contains("beyond row"), "{refused}");
    }

    #[test]
    fn cells_read_back_as_written() {
        let sheet = Sheet {
            name: ITEMS.into(),
            columns: vec![
                Column {
                    header: "key".into(),
                    note: Message::literal("the key"),
                    choices: None,
                },
                Column {
                    header: "critical".into(),
                    note: Message::literal("yes or no"),
                    choices: Some(vec!["yes".into(), "no".into()]),
                },
            ],
            rows: vec![
                vec![Value::Text("bow".into()), Value::Text("yes".into())],
                vec![Value::Text("兩行\n文字".into()), Value::Number(2.5)],
            ],
        };
        let bytes = write(std::slice::from_ref(&sheet), Lang::En).unwrap();
        let grids = read(&bytes).unwrap();
        assert_eq!(grids, vec![sheet.grid()]);
        assert!(read(b"not a workbook").is_err());
    }
}
