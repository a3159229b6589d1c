//! Notifications, pure: the events webhooks carry, how a delivery is signed, which
//! network addresses a webhook may not reach, and how long a failed delivery waits
//! before its next try.

use std::net::IpAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The events an endpoint may subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventName {
    InspectionSubmitted,
    InspectionCriticalFailure,
    InspectionVoided,
    TrainingAssigned,
    TrainingCompleted,
    RecheckCompleted,
    ActionRaised,
    ActionClosed,
}

impl EventName {
    pub const ALL: [EventName; 8] = [
        EventName::InspectionSubmitted,
        EventName::InspectionCriticalFailure,
        EventName::InspectionVoided,
        EventName::TrainingAssigned,
        EventName::TrainingCompleted,
        EventName::RecheckCompleted,
        EventName::ActionRaised,
        EventName::ActionClosed,
    ];

    /// The name on the wire (`X-Decorum-Event`, the body's `event`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::InspectionSubmitted => "inspection.submitted",
            EventName::InspectionCriticalFailure => "inspection.critical_failure",
            EventName::InspectionVoided => "inspection.voided",
            EventName::TrainingAssigned => "training.assigned",
            EventName::TrainingCompleted => "training.completed",
            EventName::RecheckCompleted => "recheck.completed",
            EventName::ActionRaised => "action.raised",
            EventName::ActionClosed => "action.closed",
        }
    }

    pub fn parse(name: &str) -> Option<EventName> {
        EventName::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// The mails Decorum sends; each person may turn each kind off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// A training module was assigned to the recipient.
    TrainingAssigned,
    /// A critical item failed at one of the recipient's sites.
    CriticalAlert,
    /// Someone emailed the recipient a spot-check's report (the PDF attached).
    Report,
    /// A corrective action the recipient owns (in person or by role) was raised.
    ActionRaised,
    /// Daily: the recipient's training past its due date.
    TrainingOverdue,
    /// Daily: the open actions the recipient owns past their due date.
    ActionsOverdue,
    /// Weekly (supervisors): the week's sampling plan and the re-checks waiting.
    WeeklyPlan,
    /// Weekly (managers): their sites' past week.
    WeeklyDigest,
    /// Monthly (quality): the previous month's site report, PDF attached.
    MonthlyReport,
}

impl MailKind {
    pub const ALL: [MailKind; 9] = [
        MailKind::TrainingAssigned,
        MailKind::CriticalAlert,
        MailKind::Report,
        MailKind::ActionRaised,
        MailKind::TrainingOverdue,
        MailKind::ActionsOverdue,
        MailKind::WeeklyPlan,
        MailKind::WeeklyDigest,
        MailKind::MonthlyReport,
    ];

    /// The word stored in the outbox's `event` column for a mail.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::TrainingAssigned => "mail.training_assigned",
            MailKind::CriticalAlert => "mail.critical_alert",
            MailKind::Report => "mail.report",
            MailKind::ActionRaised => "mail.action_raised",
            MailKind::TrainingOverdue => "mail.training_overdue",
            MailKind::ActionsOverdue => "mail.actions_overdue",
            MailKind::WeeklyPlan => "mail.weekly_plan",
            MailKind::WeeklyDigest => "mail.weekly_digest",
            MailKind::MonthlyReport => "mail.monthly_report",
        }
    }

    pub fn parse(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The header carrying the signature: `t=TIMESTAMP,v1=HEX`.
pub const SIGNATURE_HEADER: &str = "x-decorum-signature";
/// The header carrying the delivery's id (the same on every retry and "send again").
pub const DELIVERY_HEADER: &str = "x-decorum-delivery";
/// The header carrying the event's name.
pub const EVENT_HEADER: &str = "x-decorum-event";

/// HMAC-SHA256 with the endpoint's secret over `TIMESTAMP.BODY`, as lowercase hex.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The value of [`SIGNATURE_HEADER`].
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Why a webhook may not be sent to this address, if it may not: loopback, private
/// (RFC 1918, IPv6 unique local), link-local (cloud metadata at 169.254.169.254),
/// carrier-grade NAT, unspecified, multicast and broadcast addresses all reach inside
/// the network the server sits in.
pub fn forbidden_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("private")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast() || a == 0 {
                Some("not routable")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if v6.is_unspecified() || v6.is_multicast() {
                Some("not routable")
            } else {
                None
            }
        }
    }
}

/// A delivery is given up on (and shown to admins) after this many failed tries.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long to wait after the `attempts`-th failed try: `base`, doubling with each
/// try, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 20) as u32 - 1;
    base.saturating_mul(1 << doublings.min(16))
        .min(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Worked out with `printf '1700000000.{}' | openssl dgst -sha256 -hmac secret`.
        assert_eq!(
            signature("secret", 1_700_000_000, b"{}"),
            "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
        );
        assert_ne!(
            signature("secret", 1_700_000_000, b"{}"),
            signature("secret", 1_700_000_001, b"{}")
        );
        assert_eq!(signature("s", 1, b"x").len(), 64);
    }

    #[test]
    fn inner_addresses_are_refused_and_public_ones_allowed() {
        for inner in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                forbidden_address(inner.parse().unwrap()).is_some(),
                "{inner}"
            );
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert_eq!(forbidden_address(public.parse().unwrap()), None, "{public}");
        }
    }

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 20), Duration::from_secs(3600));
    }
}
