# 完整的句子与其参数（issue 17：不在 Rust 里拼接句子片段），以及抽查表单的整改与签名问题。

## 抽查表单的整改事项与签名确认（src/domain/actions.rs）
typed-action-unknown-item = 整改：没有「{ $key }」这个检查项
typed-action-text-too-long = 「{ $key }」的整改：内容超过 { $max } 个字
typed-action-not-an-owner = 「{ $key }」的整改：「{ $value }」不是负责人
typed-action-not-a-date = 「{ $key }」的整改：「{ $value }」不是日期
typed-action-not-a-priority = 「{ $key }」的整改：「{ $value }」不是优先级
typed-action-not-failed = 「{ $key }」的整改：只有不合格的检查项才能提出整改
typed-action-due-out-of-range = 「{ $key }」的整改：期限 { $due } 不在 { $from } 至 { $to } 之间
typed-action-owner-not-at-site = 「{ $key }」的整改：负责人不是这个项目的人员
typed-signature-not-png = 签名不是 PNG 图片
typed-signature-too-large = 签名图片太大
typed-signature-unreadable = 无法读取签名
typed-sign-off-subject = 被检查人签名：{ $problem }
typed-sign-off-inspector = 检查人签名：{ $problem }
typed-sign-off-subject-missing = 签名确认：被检查人须签名，或由检查人记录其拒绝签名
typed-sign-off-inspector-missing = 签名确认：检查人也须签名

## 完整的句子
typed-not-answered-yet = 尚未回答：{ $items }
typed-quiz-score-needed = ({ $score }，需要 { $mark })
typed-answer-questions = 请回答第 { $numbers } 题。
typed-report-item-failures-training = { $checklist } · 检查 { $checked } 次，不合格 { $failures } 次（{ $rate }%）· 培训：{ $modules }
# An item named in a sentence: its text and clause.
typed-item-ref = 「{ $text }」 §{ $clause }
typed-spot-check-voided = 此抽查已作废：{ $reason }
typed-inspection-voided = 此检查已作废：{ $reason }
typed-acknowledged-at = 员工已确认结果：{ $at }
typed-report-recorded = { $section } · 记录：{ $answer }
typed-report-recorded-expected = { $section } · 记录：{ $answer } · { $expected }
typed-inspectors-note = 检查人备注：{ $note }
typed-report-period = 期间：{ $period }
typed-hello = 你好，{ $name }
typed-checklist-re-check = { $checklist }（复查）
typed-verdict-critical = { $verdict }・严重
typed-completed-with-score = 已完成，测验成绩 { $score }
typed-due-within-days = 入职后{ $days }天内完成
typed-steps-needed = 须完成 { $needed }/{ $steps }
typed-steps-needed-in-order = 须完成 { $needed }/{ $steps }，须按次序
typed-zone-note = 日期及时间以此时区计算：{ $zone }（你主要场所的时区；未属任何场所则为系统默认）。
