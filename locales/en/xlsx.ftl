# The checklist as an Excel workbook and back (src/web/authoring.rs, src/domain/workbook.rs,
# src/reports/xlsx.rs).
xlsx-title = Excel and files
xlsx-download = Download the published version as a workbook (.xlsx)
xlsx-upload-hint = Edit the workbook in Excel (or the file as TOML) and upload it here: it is checked like the editor's text and becomes a proposal once it has no problems. Problems name their cell, such as Items!K12.
xlsx-upload-hint-toml = Upload an edited file (TOML): it is checked like the editor's text and becomes a proposal once it has no problems.
xlsx-file = Workbook or file
xlsx-upload = Upload as a proposal
xlsx-upload-too-large = The file is too large: at most { $kib } KiB.
xlsx-no-file = Choose a workbook (.xlsx) or a file (.toml) to upload.
xlsx-checklists-only = Only checklists have a workbook; upload a module as a TOML file.
xlsx-unreadable = This is not a workbook that can be read: { $detail }
xlsx-not-text = The file is neither a workbook (.xlsx) nor UTF-8 text (.toml).
xlsx-unknown-column = unknown column `{ $column }` (its values would be lost): rename or delete it
xlsx-duplicate-column = the column `{ $column }` appears twice
xlsx-not-a-number = { $column } must be a number, not `{ $value }`
xlsx-not-yes-no = { $column } must be yes or no, not `{ $value }`
xlsx-line-counts = { $column } has { $count ->
    [one] one line
   *[other] { $count } lines
  } here but { $expected } in another language: write one line per entry in every language
xlsx-not-toml = { $column } is not a condition as the library writes it ({ $detail }); for example {"{"} field = "subject.gender", is = "female" {"}"}
xlsx-missing-sheet = the workbook has no sheet { $sheet }
xlsx-unknown-field = unknown field `{ $field }`
xlsx-option-without-field = an option must follow a context field (a row with a key)
xlsx-limit-without-item = a limit row must name its item
xlsx-item-without-section = every item needs its section's key
xlsx-limit-unknown-item = the limit names item `{ $item }`, which is not in the Items sheet
xlsx-note-field = The checklist's field. Titles and descriptions have a row per language (title.zh-Hant …).
xlsx-note-value = The field's value. positions: position keys separated by commas; pass_mark: percent to pass; sign_off: yes or no.
xlsx-note-section = The key of the item's section (a row of the Sections sheet). Items are grouped under their section in this order.
xlsx-note-item-key = The item's key: lower-case letters, digits and -, unique in the checklist. Keep it when you change the wording, so results stay comparable.
xlsx-note-clause = The clause of the standard the item checks, such as 4.2.1 or CV.2.2.b.
xlsx-note-kind = What kind of item: check (pass/fail), scale, measure, script, steps or limit. Each kind uses its own columns to the right.
xlsx-note-text = What the inspector checks, in { $lang }. Simplified Chinese left empty is made from the Traditional.
xlsx-note-guidance = How to judge it, in { $lang }.
xlsx-note-weight = How much the item counts: more than 0, at most 100 (1 if empty).
xlsx-note-critical = yes: failing it fails the whole spot-check.
xlsx-note-required = no: the item may be left unanswered.
xlsx-note-na = no: "not applicable" is not allowed.
xlsx-note-training = The training modules a failure assigns: module keys separated by commas (at least one).
xlsx-note-when = When the item applies, written as the library writes it: {"{"} field = "subject.gender", is = "female" {"}"}, or a list of such conditions. Empty: always.
xlsx-note-basis = Where the figure comes from: source (the standard) or company-practice.
xlsx-note-unit = measure and limit: the unit, such as °, cm or 元.
xlsx-note-target = measure: the target value (with a tolerance).
xlsx-note-tolerance = measure: how far from the target still passes.
xlsx-note-min = measure: the lowest passing value (instead of a target).
xlsx-note-max = measure: the highest passing value; scale: the top of the scale (1–10).
xlsx-note-range = measure: the lowest and highest values the form accepts (needed for units with no default, such as money).
xlsx-note-pass-at = scale: the lowest passing point; script and steps: how many phrases or steps are enough.
xlsx-note-in-order = steps: yes if the steps must be done in order.
xlsx-note-labels = scale: a label for each point from 0 to the top, one per line, in { $lang }.
xlsx-note-script = script: the words in full, in { $lang }.
xlsx-note-phrases = script: the key phrases, one per line, in { $lang }.
xlsx-note-steps = steps: the steps in order, one per line, in { $lang }.
xlsx-note-action-owner = The corrective action a failure raises by itself: who answers for it (manager or supervisor). Leave the action columns empty for none.
xlsx-note-action-due-days = The action: days to close it.
xlsx-note-action-text = The action: what to fix, in { $lang }.
xlsx-note-action-photo = The action: yes if closing it needs a photo.
xlsx-note-section-key = The section's key, as the Items sheet names it. Sections appear in this order.
xlsx-note-section-title = The section's title in { $lang }.
xlsx-note-context-key = A context field the inspector fills in first (lower-case letters, digits, - and _). A row without a key adds an option to the field above.
xlsx-note-context-kind = choice (pick an option) or number.
xlsx-note-context-label = The field's label in { $lang }.
xlsx-note-context-min = number: the lowest value.
xlsx-note-context-max = number: the highest value.
xlsx-note-context-default = The value filled in at first: an option's value, or a number.
xlsx-note-option = choice: an option's value (its key).
xlsx-note-option-label = choice: the option's label in { $lang }.
xlsx-note-limit-item = The key of the limit item (Items sheet) this cap belongs to: one row per option.
xlsx-note-limit-by = The choice context field the cap depends on.
xlsx-note-limit-per = A number context field counted above `above` (such as guests), if the cap grows with it.
xlsx-note-limit-above = How many units the base cap covers.
xlsx-note-limit-option = The option of the `by` field this row is for.
xlsx-note-limit-base = The cap for this option.
xlsx-note-limit-extra = Added to the cap for each unit of `per` above `above`.

# A problem at its cell ("Items!K12: …")
xlsx-at-cell = { $cell }: { $message }
