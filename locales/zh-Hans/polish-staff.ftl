# 第 21 号议题（员工、培训、管理）：我的培训的分组与进度、测验反馈、每个不合格项目要求的培训、新增人员。
# 见 docs/adding-a-language.md。

polish-staff-call-newly-assigned = 由本次抽查新指派
polish-staff-call-already-open = 本次抽查前已在进行
polish-staff-call-not-assigned = 未指派（当时没有进行中的培训）
polish-staff-call-line = { $module }：{ $state }，到期 { $due }
polish-staff-training-for-item = 培训
polish-staff-report-no-new-training = 没有新的培训：这些不合格项目要求的单元早已在进行中（见上方各不合格项目）。

polish-staff-group-overdue = 已逾期
polish-staff-group-due-soon = 一周内到期
polish-staff-group-in-progress = 已开始
polish-staff-group-later = 稍后到期
polish-staff-group-completed = 已完成
polish-staff-nothing-to-do = 全部完成：没有待办的培训。
polish-staff-progress = 进度
polish-staff-progress-not-opened = 尚未打开
polish-staff-progress-opened = 已打开，尚未测验
polish-staff-progress-tried = 已测验 { $attempts } 次：上次 { $last }（需 { $needed }）
polish-staff-progress-passed = 测验合格，{ $score }

polish-staff-wrong-answers = 答错 { $count } 题
polish-staff-your-answer = 你的答案
polish-staff-right-answer = 正确答案
polish-staff-read-again = 请重读：

polish-staff-signin = 登录方式
polish-staff-signin-generate = 生成密码（保存后显示一次）
polish-staff-signin-password = 现在设置密码
polish-staff-signin-none = 不登录：只作记录，此人无法登录
polish-staff-password = 密码
polish-staff-password-hint = 至少 8 个字符。
polish-staff-choose-signin = 请选择此人的登录方式。
polish-staff-enter-password = 请输入至少 8 个字符的密码，或选择生成密码或不登录。
polish-staff-password-but-no-signin = 已输入密码，但选了“不登录”：请清除密码，或选择设置密码。
polish-staff-person-added = 已新增 { $name }（{ $email }）。
polish-staff-generated-password = 此人的密码（请交给本人；不会再显示）：
polish-staff-shown-once = 离开此页后，密码无法再显示。
polish-staff-signs-in-with-set-password = 此人以你设置的密码登录。
polish-staff-cannot-sign-in = 此人没有密码，无法登录。
polish-staff-open-person = 查看此人资料
