//! Single sign-on with the company's OpenID Connect provider (Entra ID, Google
//! Workspace, Keycloak…): its endpoints and signing keys found by discovery and fetched
//! again when an ID token names a key not seen before (the provider rotated its keys),
//! the authorization URL with PKCE, state and nonce, and the code exchange with the ID
//! token's checks (signature, issuer, audience, expiry, nonce, access token hash). The
//! HTTP client follows no redirects, as the openidconnect crate advises against SSRF.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, SignatureVerificationError, TokenResponse,
};
use tokio::sync::RwLock;

use crate::config::OidcConfig;

/// How long a request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The provider and what was learnt of it (its metadata and keys), shared by requests.
pub struct Provider {
    pub config: OidcConfig,
    http: reqwest::Client,
    metadata: RwLock<Option<CoreProviderMetadata>>,
}

/// A sign-in to send the browser off with: the provider's URL, and what to keep until
/// it comes back.
#[derive(Debug, Clone)]
pub struct Begun {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// Lower-case, and verified by the provider.
    pub email: String,
    pub name: Option<String>,
}

/// Why a sign-in through the provider did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered nonsense.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code (expired, used already, or not for this sign-in).
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token's nonce is not the one this sign-in sent.
    #[error("the ID token's nonce does not match: {0}")]
    Nonce(String),
    /// The ID token failed another check (signature, issuer, audience, expiry…).
    #[error("the ID token is not valid: {0}")]
    Token(String),
    /// The provider gave no email address it has verified.
    #[error("the identity provider gave no verified email address")]
    NoVerifiedEmail,
}

impl Provider {
    pub fn new(config: OidcConfig) -> Provider {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        Provider {
            config,
            http,
            metadata: RwLock::new(None),
        }
    }

    /// The provider's metadata and keys: from discovery the first time, and again when
    /// `refresh` asks (an ID token signed with a key not among those fetched).
    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, OidcError> {
        if !refresh && let Some(known) = self.metadata.read().await.as_ref() {
            return Ok(known.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| OidcError::Unavailable(format!("issuer URL: {e}")))?;
        let found = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(error_chain(&e)))?;
        *self.metadata.write().await = Some(found.clone());
        Ok(found)
    }

    /// Start a sign-in: a fresh state, nonce and PKCE verifier, and the provider's URL
    /// asking for the person's identity and email.
    pub async fn begin(&self) -> Result<Begun, OidcError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Begun {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finish a sign-in: exchange the code (proved with the PKCE verifier), check the ID
    /// token against the provider's keys and this sign-in's nonce, and read the verified
    /// email from it, or from the userinfo endpoint when the token does not carry it.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Identity, OidcError> {
        let client = self.client(self.metadata(false).await?)?;
        let answer = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => {
                    OidcError::Refused(refusal.error().to_string())
                }
                other => OidcError::Unavailable(error_chain(&other)),
            })?;
        let id_token = answer
            .id_token()
            .ok_or_else(|| OidcError::Token("the provider sent no ID token".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let first = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .cloned();
        let (claims, client) = match first {
            Ok(claims) => (claims, client),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // A key this instance has not fetched: the provider rotated its keys.
                // Fetch them again, once, and check with the new set.
                tracing::info!(issuer = %self.config.issuer, "unknown signing key: fetching the provider's keys again");
                let client = self.client(self.metadata(true).await?)?;
                let claims = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(token_error)?
                    .clone();
                (claims, client)
            }
            Err(e) => return Err(token_error(e)),
        };
        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let alg = id_token
                .signing_alg()
                .map_err(|e| OidcError::Token(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| OidcError::Token(e.to_string()))?;
            let actual = AccessTokenHash::from_token(answer.access_token(), alg, key)
                .map_err(|e| OidcError::Token(e.to_string()))?;
            if actual != *expected {
                return Err(OidcError::Token(
                    "the access token hash does not match".into(),
                ));
            }
        }
        if let Some(identity) = from_id_token(&claims) {
            return Ok(identity);
        }
        // Providers following the specification's default put the email in the
        // userinfo answer only; it must name the same subject as the ID token.
        let info: CoreUserInfoClaims = client
            .user_info(
                answer.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .map_err(|_| OidcError::NoVerifiedEmail)?
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Unavailable(error_chain(&e)))?;
        let email = info
            .email()
            .filter(|_| info.email_verified() == Some(true))
            .ok_or(OidcError::NoVerifiedEmail)?;
        Ok(Identity {
            subject: claims.subject().to_string(),
            email: email.to_string().trim().to_lowercase(),
            name: info
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string())
                .or_else(|| claim_name(&claims)),
        })
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| OidcError::Unavailable(format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }
}

/// The identity in the ID token, when it carries an email the provider verified.
fn from_id_token(claims: &CoreIdTokenClaims) -> Option<Identity> {
    let email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))?;
    Some(Identity {
        subject: claims.subject().to_string(),
        email: email.to_string().trim().to_lowercase(),
        name: claim_name(claims),
    })
}

fn claim_name(claims: &CoreIdTokenClaims) -> Option<String> {
    claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.to_string())
        .filter(|n| !n.trim().is_empty())
}

fn token_error(e: ClaimsVerificationError) -> OidcError {
    match e {
        ClaimsVerificationError::InvalidNonce(why) => OidcError::Nonce(why),
        other => OidcError::Token(other.to_string()),
    }
}

/// An error with its causes, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
