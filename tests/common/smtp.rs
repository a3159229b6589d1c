//! A real SMTP server for the notification tests: Debian's python3-aiosmtpd running
//! tests/smtp_sink.py, which writes each message it accepts as JSON (recipients, subject,
//! text, attachments) for the test to read back. It can be stopped (an outage) and
//! started again on the same port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub fn python() -> &'static str {
    // Debian's interpreter has Debian's aiosmtpd; a python3 earlier on PATH may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The SMTP server: started, stopped (an outage) and started again on the same port.
pub struct Smtp {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Smtp {
    pub fn start(test: &str, dir: &Path) -> Option<Smtp> {
        let mut smtp = Smtp {
            port: free_port(),
            dir: dir.to_path_buf(),
            child: None,
        };
        if let Err(why) = smtp.up() {
            super::skip_or_fail(test, &why);
            return None;
        }
        Some(smtp)
    }

    pub fn up(&mut self) -> Result<(), String> {
        let mut child = Command::new(python())
            .arg(super::repo_path("tests/smtp_sink.py"))
            .arg(self.port.to_string())
            .arg(&self.dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", python()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if line.trim() != "ready" {
            let _ = child.kill();
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
            return Err(format!(
                "the SMTP server (python3-aiosmtpd: apt-get install -y python3-aiosmtpd) did not start: {err}"
            ));
        }
        self.child = Some(child);
        Ok(())
    }

    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Value> {
        let mut out: Vec<Value> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect();
        out.sort_by_key(|m| m["subject"].as_str().unwrap_or("").to_string());
        out
    }

    pub fn to(&self, email: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| m["to"].as_array().unwrap().iter().any(|t| t == email))
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.down();
    }
}

/// The app's mail settings for a sink on `port` (plain SMTP on loopback).
pub fn mail_config(port: u16) -> decorum::config::MailConfig {
    decorum::config::MailConfig {
        host: "127.0.0.1".into(),
        port,
        tls: decorum::config::SmtpTls::None,
        username: None,
        password: None,
        from: "Decorum <decorum@t.test>".into(),
    }
}
