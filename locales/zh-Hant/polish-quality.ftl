# 議題 21，品質部與經理：稽核紀錄的句子、圖表提示、員工篩選與 PDF 報告的用語。

polish-quality-control-point = { $period }：{ $rate }% · { $count } 次抽查（控制界限 { $low }–{ $high }%）
polish-quality-assigned-to = 已安排給 { $count } 人（已有此課程的人不會重複安排）。

## 稽核紀錄
polish-quality-audit-field = 欄位
polish-quality-audit-raw = 原始紀錄
polish-quality-yes = 是
polish-quality-no = 否
polish-quality-audit-changed = { $actor } 將 { $subject } 的{ $field }由「{ $before }」改為「{ $after }」
polish-quality-audit-set = { $actor } 將 { $subject } 的{ $field }設為「{ $after }」
polish-quality-audit-cleared = { $actor } 清除了 { $subject } 的{ $field }（原為「{ $before }」）
polish-quality-audit-changed-many = { $actor } 修改了 { $subject } 的{ $fields }
polish-quality-audit-created = { $actor } 新增了{ $kind } { $subject }
polish-quality-audit-voided = { $actor } 作廢了 { $subject } 的抽查：{ $reason }
polish-quality-audit-acknowledged = { $actor } 確認了 { $subject } 的抽查結果
polish-quality-audit-assigned = { $actor } 為 { $person } 安排了培訓 { $module }
polish-quality-audit-assigned-curriculum = { $actor } 為 { $subject } 安排了「{ $position }」的培訓課程
polish-quality-audit-quiz-passed = { $actor } 以 { $percent }% 通過了培訓測驗
polish-quality-audit-quiz-failed = { $actor } 的培訓測驗未通過（{ $percent }%）
polish-quality-audit-imported = { $actor } 匯入了 { $subject } 的第 { $version } 版
polish-quality-audit-other = { $actor }：{ $action } { $kind } { $subject }
polish-quality-kind-inspection = 抽查
polish-quality-kind-user = 人員
polish-quality-kind-site = 場所
polish-quality-kind-checklist-version = 檢查表版本
polish-quality-kind-module-version = 培訓課程版本
polish-quality-kind-assignment = 培訓安排
polish-quality-kind-api-token = API 權杖
polish-quality-field-name = 姓名
polish-quality-field-email = 電郵
polish-quality-field-role = 角色
polish-quality-field-sites = 場所
polish-quality-field-position = 職位
polish-quality-field-gender = 性別
polish-quality-field-hire-date = 入職日期
polish-quality-field-active = 啟用
polish-quality-field-code = 代碼
polish-quality-field-kind = 場所類型
polish-quality-field-time-zone = 時區
polish-quality-field-status = 狀態
polish-quality-field-reason = 原因
polish-quality-field-percent = 得分
polish-quality-field-passed = 合格
polish-quality-field-due = 到期日
polish-quality-field-module = 課程

## 儀表板員工篩選
polish-quality-type-a-name = 輸入姓名

## PDF 報告
polish-quality-trend-heading = { $grain ->
    [week] 每週趨勢
   *[month] 每月趨勢
}，{ $from } – { $to }（{ $count } { $grain ->
    [week] 週
   *[month] 個月
}有抽查）
polish-quality-average-score-per = { $grain ->
    [week] 平均分（週）
   *[month] 平均分（月）
}
polish-quality-period-of = { $grain ->
    [week] 週（星期一）
   *[month] 月份
}
polish-quality-site-by-site = 各場所比較
polish-quality-expected-target = 目標 { $target } ± { $tolerance }
polish-quality-expected-range = 容許 { $low } – { $high } { $unit }
polish-quality-staff-summary = 摘要
polish-quality-staff-checks = 期內抽查 { $count } 次，平均 { $mean }；{ $trend }。
polish-quality-trend-up = 進步中（後半段高於前半段）
polish-quality-trend-down = 退步中（後半段低於前半段）
polish-quality-trend-flat = 持平
polish-quality-trend-none = 抽查太少，未能看出趨勢
polish-quality-staff-training = 培訓：已完成 { $done } 項，未完成 { $open } 項，逾期 { $overdue } 項。
polish-quality-staff-repeats = 多次不合格的項目：
polish-quality-staff-no-repeats = 沒有項目多於一次不合格。
polish-quality-clause = 條款
polish-quality-item = 項目
polish-quality-times-failed = 不合格次數
