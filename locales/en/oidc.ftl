# Single sign-on with the company's OpenID provider (src/web/oidc.rs, views/auth.rs).
oidc-sign-in-with = Sign in with { $name }
oidc-sign-in-with-company = Sign in with your company account
oidc-or = or
oidc-admins-password = Administrators: sign in with a password
oidc-password-admins-only = Passwords are for administrators only. Use the company sign-in button above.
oidc-state-mismatch = This sign-in did not start here or has expired. Start again.
oidc-provider-unavailable = The company sign-in cannot be reached at the moment. Try again shortly.
oidc-code-refused = The company sign-in was refused or took too long. Start again.
oidc-nonce-mismatch = The answer from the company sign-in does not belong to this sign-in. Start again.
oidc-token-invalid = The answer from the company sign-in could not be verified. Start again, or tell an administrator.
oidc-declined = The company sign-in was cancelled or declined.
oidc-no-verified-email = Your company account has no verified email address, so Decorum cannot tell who you are. Ask your IT department.
oidc-unknown-person = { $email } has no Decorum account. Ask an administrator to add you.
oidc-deactivated = The Decorum account of { $email } is deactivated. Ask an administrator.
