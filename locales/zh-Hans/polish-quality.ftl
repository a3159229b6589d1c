# 议题 21，品质部与经理：审计记录的句子、图表提示、员工筛选与 PDF 报告的用语。

polish-quality-control-point = { $period }：{ $rate }% · { $count } 次抽查（控制界限 { $low }–{ $high }%）
polish-quality-assigned-to = 已安排给 { $count } 人（已有此课程的人不会重复安排）。

## 审计记录
polish-quality-audit-field = 字段
polish-quality-audit-raw = 原始记录
polish-quality-yes = 是
polish-quality-no = 否
polish-quality-audit-changed = { $actor } 将 { $subject } 的{ $field }由“{ $before }”改为“{ $after }”
polish-quality-audit-set = { $actor } 将 { $subject } 的{ $field }设为“{ $after }”
polish-quality-audit-cleared = { $actor } 清除了 { $subject } 的{ $field }（原为“{ $before }”）
polish-quality-audit-changed-many = { $actor } 修改了 { $subject } 的{ $fields }
polish-quality-audit-created = { $actor } 新增了{ $kind } { $subject }
polish-quality-audit-voided = { $actor } 作废了 { $subject } 的抽查：{ $reason }
polish-quality-audit-acknowledged = { $actor } 确认了 { $subject } 的抽查结果
polish-quality-audit-assigned = { $actor } 为 { $person } 安排了培训 { $module }
polish-quality-audit-assigned-curriculum = { $actor } 为 { $subject } 安排了“{ $position }”的培训课程
polish-quality-audit-quiz-passed = { $actor } 以 { $percent }% 通过了培训测验
polish-quality-audit-quiz-failed = { $actor } 的培训测验未通过（{ $percent }%）
polish-quality-audit-imported = { $actor } 导入了 { $subject } 的第 { $version } 版
polish-quality-audit-other = { $actor }：{ $action } { $kind } { $subject }
polish-quality-kind-inspection = 抽查
polish-quality-kind-user = 人员
polish-quality-kind-site = 场所
polish-quality-kind-checklist-version = 检查表版本
polish-quality-kind-module-version = 培训课程版本
polish-quality-kind-assignment = 培训安排
polish-quality-kind-api-token = API 令牌
polish-quality-field-name = 姓名
polish-quality-field-email = 邮箱
polish-quality-field-role = 角色
polish-quality-field-sites = 场所
polish-quality-field-position = 职位
polish-quality-field-gender = 性别
polish-quality-field-hire-date = 入职日期
polish-quality-field-active = 启用
polish-quality-field-code = 代码
polish-quality-field-kind = 场所类型
polish-quality-field-time-zone = 时区
polish-quality-field-status = 状态
polish-quality-field-reason = 原因
polish-quality-field-percent = 得分
polish-quality-field-passed = 合格
polish-quality-field-due = 截止日期
polish-quality-field-module = 课程

## 仪表板员工筛选
polish-quality-type-a-name = 输入姓名

## PDF 报告
polish-quality-trend-heading = { $grain ->
    [week] 每周趋势
   *[month] 每月趋势
}，{ $from } – { $to }（{ $count } { $grain ->
    [week] 周
   *[month] 个月
}有抽查）
polish-quality-average-score-per = { $grain ->
    [week] 平均分（周）
   *[month] 平均分（月）
}
polish-quality-period-of = { $grain ->
    [week] 周（星期一）
   *[month] 月份
}
polish-quality-site-by-site = 各场所比较
polish-quality-expected-target = 目标 { $target } ± { $tolerance }
polish-quality-expected-range = 允许 { $low } – { $high } { $unit }
polish-quality-staff-summary = 摘要
polish-quality-staff-checks = 期内抽查 { $count } 次，平均 { $mean }；{ $trend }。
polish-quality-trend-up = 进步中（后半段高于前半段）
polish-quality-trend-down = 退步中（后半段低于前半段）
polish-quality-trend-flat = 持平
polish-quality-trend-none = 抽查太少，未能看出趋势
polish-quality-staff-training = 培训：已完成 { $done } 项，未完成 { $open } 项，逾期 { $overdue } 项。
polish-quality-staff-repeats = 多次不合格的项目：
polish-quality-staff-no-repeats = 没有项目多于一次不合格。
polish-quality-clause = 条款
polish-quality-item = 项目
polish-quality-times-failed = 不合格次数
