# 单点登录：以公司的 OpenID 身份提供方登录（src/web/oidc.rs、views/auth.rs）。
oidc-sign-in-with = 以 { $name } 账户登录
oidc-sign-in-with-company = 以公司账户登录
oidc-or = 或
oidc-admins-password = 管理员：以密码登录
oidc-password-admins-only = 只有管理员可用密码登录，请使用上方的公司账户登录按钮。
oidc-state-mismatch = 这次登录并非由此开始，或已超时，请重新登录。
oidc-provider-unavailable = 暂时无法连接公司登录服务，请稍后再试。
oidc-code-refused = 公司登录服务拒绝了这次登录，或等待过久，请重新登录。
oidc-nonce-mismatch = 公司登录服务的响应不属于这次登录，请重新登录。
oidc-token-invalid = 无法核实公司登录服务的响应，请重新登录，或通知管理员。
oidc-declined = 公司登录已取消或被拒绝。
oidc-no-verified-email = 你的公司账户没有经过验证的电子邮件地址，Decorum 无法确认你的身份，请联系信息部门。
oidc-unknown-person = { $email } 没有 Decorum 账户，请联系管理员为你添加。
oidc-deactivated = { $email } 的 Decorum 账户已停用，请联系管理员。
