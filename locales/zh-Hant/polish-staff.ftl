# 第 21 號議題（員工、培訓、管理）：我的培訓的分組與進度、測驗回饋、每個不合格項目要求的培訓、新增人員。
# 見 docs/adding-a-language.md。

polish-staff-call-newly-assigned = 由本次抽查新指派
polish-staff-call-already-open = 本次抽查前已在進行
polish-staff-call-not-assigned = 未指派（當時沒有進行中的培訓）
polish-staff-call-line = { $module }：{ $state }，到期 { $due }
polish-staff-training-for-item = 培訓
polish-staff-report-no-new-training = 沒有新的培訓：這些不合格項目要求的單元早已在進行中（見上方各不合格項目）。

polish-staff-group-overdue = 已逾期
polish-staff-group-due-soon = 一週內到期
polish-staff-group-in-progress = 已開始
polish-staff-group-later = 稍後到期
polish-staff-group-completed = 已完成
polish-staff-nothing-to-do = 全部完成：沒有待辦的培訓。
polish-staff-progress = 進度
polish-staff-progress-not-opened = 尚未開啟
polish-staff-progress-opened = 已開啟，尚未測驗
polish-staff-progress-tried = 已測驗 { $attempts } 次：上次 { $last }（需 { $needed }）
polish-staff-progress-passed = 測驗合格，{ $score }

polish-staff-wrong-answers = 答錯 { $count } 題
polish-staff-your-answer = 你的答案
polish-staff-right-answer = 正確答案
polish-staff-read-again = 請重讀：

polish-staff-signin = 登入方式
polish-staff-signin-generate = 產生密碼（儲存後顯示一次）
polish-staff-signin-password = 現在設定密碼
polish-staff-signin-none = 不登入：只作紀錄，此人無法登入
polish-staff-password = 密碼
polish-staff-password-hint = 至少 8 個字元。
polish-staff-choose-signin = 請選擇此人的登入方式。
polish-staff-enter-password = 請輸入至少 8 個字元的密碼，或選擇產生密碼或不登入。
polish-staff-password-but-no-signin = 已輸入密碼，但選了「不登入」：請清除密碼，或選擇設定密碼。
polish-staff-person-added = 已新增 { $name }（{ $email }）。
polish-staff-generated-password = 此人的密碼（請交給本人；不會再顯示）：
polish-staff-shown-once = 離開此頁後，密碼無法再顯示。
polish-staff-signs-in-with-set-password = 此人以你設定的密碼登入。
polish-staff-cannot-sign-in = 此人沒有密碼，無法登入。
polish-staff-open-person = 查看此人資料
