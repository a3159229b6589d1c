//! The SMTP connections the outbox worker keeps open between mails, each with Nagle's
//! algorithm off. lettre writes a mail's body and its closing dot in two writes, so with
//! Nagle on the dot waits for the server's delayed acknowledgement of the body: about
//! 40 ms a mail on Linux. lettre's own pool opens its sockets itself with no way to set
//! `TCP_NODELAY`, so plain and STARTTLS connections are opened here; implicit TLS (port
//! 465) still goes through lettre's pool.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailConfig, SmtpTls};

/// How long a connect, a command or a whole mail may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// A kept connection unused this long is closed rather than reused.
const IDLE: Duration = Duration::from_secs(60);
/// A kept connection unused this long is asked `NOOP` before it carries a mail (the
/// server may have closed it); one used more recently is trusted.
const CHECK_AFTER: Duration = Duration::from_secs(5);

/// Why a mail was not sent: the server's code where it answered, and whether trying again
/// cannot help.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub code: Option<i32>,
    pub permanent: bool,
}

impl SendError {
    fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            code: None,
            permanent: false,
        }
    }
}

impl From<lettre::transport::smtp::Error> for SendError {
    fn from(e: lettre::transport::smtp::Error) -> SendError {
        SendError {
            code: e.status().map(|c| i32::from(u16::from(c))),
            permanent: e.is_permanent(),
            message: e.to_string(),
        }
    }
}

/// Where mail leaves for one set of SMTP settings.
pub struct Smtp {
    mail: MailConfig,
    /// At most `size` connections, kept with when each was last used.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    size: usize,
    /// Implicit TLS: lettre's pooled transport.
    lettre: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Smtp {
    /// Connections for `mail`, keeping up to `size` open; none is opened until a mail
    /// needs it.
    pub fn new(mail: &MailConfig, size: usize) -> Result<Smtp, String> {
        let lettre = match mail.tls {
            SmtpTls::Tls => Some(lettre_transport(mail, size)?),
            SmtpTls::None | SmtpTls::Starttls => None,
        };
        Ok(Smtp {
            mail: mail.clone(),
            idle: Mutex::new(Vec::new()),
            size,
            lettre,
        })
    }

    pub fn config(&self) -> &MailConfig {
        &self.mail
    }

    /// Send one mail, on a kept connection or a new one; the server's reply code.
    pub async fn send(&self, message: Message) -> Result<u16, SendError> {
        if let Some(lettre) = &self.lettre {
            return Ok(u16::from(lettre.send(message).await?.code()));
        }
        match tokio::time::timeout(TIMEOUT, self.send_kept(&message)).await {
            Ok(sent) => sent,
            Err(_) => Err(SendError::transient("timed out")),
        }
    }

    async fn send_kept(&self, message: &Message) -> Result<u16, SendError> {
        let mut connection = match self.take_idle().await {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        let sent = connection
            .send(message.envelope(), &message.formatted())
            .await;
        // A refused mail breaks lettre's connection (it quits); a sent one is kept.
        if sent.is_ok() && !connection.has_broken() {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < self.size {
                idle.push((connection, Instant::now()));
            }
        }
        Ok(u16::from(sent?.code()))
    }

    /// The most recently used kept connection that still answers, if any.
    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut connection, used) = {
                let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                idle.retain(|(_, used)| used.elapsed() < IDLE);
                idle.pop()?
            };
            if used.elapsed() < CHECK_AFTER || connection.test_connected().await {
                return Some(connection);
            }
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let address = (self.mail.host.as_str(), self.mail.port);
        let stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(address))
            .await
            .map_err(|_| SendError::transient("connecting timed out"))?
            .map_err(|e| SendError::transient(format!("connecting: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| SendError::transient(format!("connecting: {e}")))?;
        let hello = ClientId::default();
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello).await?;
        if self.mail.tls == SmtpTls::Starttls {
            let tls = TlsParameters::new(self.mail.host.clone())?;
            connection.starttls(tls, &hello).await?;
        }
        if let Some(credentials) = credentials(&self.mail) {
            connection.auth(DEFAULT_MECHANISMS, &credentials).await?;
        }
        Ok(connection)
    }
}

/// lettre's pooled transport, for implicit TLS.
fn lettre_transport(
    mail: &MailConfig,
    size: usize,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::relay(&mail.host)
        .map_err(|e| e.to_string())?
        .port(mail.port)
        .timeout(Some(TIMEOUT))
        .pool_config(PoolConfig::new().max_size(size as u32).idle_timeout(IDLE));
    if let Some(credentials) = credentials(mail) {
        builder = builder.credentials(credentials);
    }
    Ok(builder.build())
}

/// The sign-in the settings give, if any.
fn credentials(mail: &MailConfig) -> Option<Credentials> {
    let user = mail.username.clone()?;
    Some(Credentials::new(
        user,
        mail.password.clone().unwrap_or_default(),
    ))
}
