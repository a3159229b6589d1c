# 單一登入：以公司的 OpenID 身分提供者登入（src/web/oidc.rs、views/auth.rs）。
oidc-sign-in-with = 以 { $name } 帳戶登入
oidc-sign-in-with-company = 以公司帳戶登入
oidc-or = 或
oidc-admins-password = 管理員：以密碼登入
oidc-password-admins-only = 只有管理員可用密碼登入，請使用上方的公司帳戶登入按鈕。
oidc-state-mismatch = 這次登入並非由此開始，或已逾時，請重新登入。
oidc-provider-unavailable = 暫時無法連上公司登入服務，請稍後再試。
oidc-code-refused = 公司登入服務拒絕了這次登入，或等候過久，請重新登入。
oidc-nonce-mismatch = 公司登入服務的回應不屬於這次登入，請重新登入。
oidc-token-invalid = 無法核實公司登入服務的回應，請重新登入，或通知管理員。
oidc-declined = 公司登入已取消或被拒絕。
oidc-no-verified-email = 你的公司帳戶沒有經核實的電郵地址，Decorum 無法確認你的身分，請聯絡資訊部。
oidc-unknown-person = { $email } 沒有 Decorum 帳戶，請聯絡管理員為你新增。
oidc-deactivated = { $email } 的 Decorum 帳戶已停用，請聯絡管理員。
