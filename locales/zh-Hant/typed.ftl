# 完整的句子與其參數（issue 17：不在 Rust 裏拼接句子片段），以及抽查表單的整改與簽名問題。

## 抽查表單的整改事項與簽名確認（src/domain/actions.rs）
typed-action-unknown-item = 整改：沒有「{ $key }」這個檢查項
typed-action-text-too-long = 「{ $key }」的整改：內容超過 { $max } 個字
typed-action-not-an-owner = 「{ $key }」的整改：「{ $value }」不是負責人
typed-action-not-a-date = 「{ $key }」的整改：「{ $value }」不是日期
typed-action-not-a-priority = 「{ $key }」的整改：「{ $value }」不是優先級
typed-action-not-failed = 「{ $key }」的整改：只有不合格的檢查項才能提出整改
typed-action-due-out-of-range = 「{ $key }」的整改：期限 { $due } 不在 { $from } 至 { $to } 之間
typed-action-owner-not-at-site = 「{ $key }」的整改：負責人不是這個項目的人員
typed-signature-not-png = 簽名不是 PNG 圖片
typed-signature-too-large = 簽名圖片太大
typed-signature-unreadable = 無法讀取簽名
typed-sign-off-subject = 被檢查人簽名：{ $problem }
typed-sign-off-inspector = 檢查人簽名：{ $problem }
typed-sign-off-subject-missing = 簽名確認：被檢查人須簽名，或由檢查人記錄其拒絕簽名
typed-sign-off-inspector-missing = 簽名確認：檢查人也須簽名

## 完整的句子
typed-not-answered-yet = 尚未回答：{ $items }
typed-quiz-score-needed = ({ $score }，需要 { $mark })
typed-answer-questions = 請回答第 { $numbers } 題。
typed-report-item-failures-training = { $checklist } · 檢查 { $checked } 次，不合格 { $failures } 次（{ $rate }%）· 培訓：{ $modules }
# An item named in a sentence: its text and clause.
typed-item-ref = 「{ $text }」 §{ $clause }
typed-spot-check-voided = 此抽查已作廢：{ $reason }
typed-inspection-voided = 此檢查已作廢：{ $reason }
typed-acknowledged-at = 員工已確認結果：{ $at }
typed-report-recorded = { $section } · 記錄：{ $answer }
typed-report-recorded-expected = { $section } · 記錄：{ $answer } · { $expected }
typed-inspectors-note = 檢查人備註：{ $note }
typed-report-period = 期間：{ $period }
typed-hello = 你好，{ $name }
typed-checklist-re-check = { $checklist }（複查）
typed-verdict-critical = { $verdict }・嚴重
typed-completed-with-score = 已完成，測驗成績 { $score }
typed-due-within-days = 入職後{ $days }天內完成
typed-steps-needed = 須完成 { $needed }/{ $steps }
typed-steps-needed-in-order = 須完成 { $needed }/{ $steps }，須按次序
typed-zone-note = 日期及時間以此時區計算：{ $zone }（你主要場所的時區；未屬任何場所則為系統預設）。
