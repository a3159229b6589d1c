//! One delivery waiting in, or done by, the notification outbox: a mail to a person or a
//! webhook call to an endpoint, written in the same transaction as the event it reports.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How a delivery travels.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[sea_orm(string_value = "mail")]
    Mail,
    #[sea_orm(string_value = "webhook")]
    Webhook,
}

/// Where a delivery is: waiting (perhaps retrying), done, or given up on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Refused for good, or out of attempts: shown to admins.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub channel: Channel,
    /// The event's name (`inspection.submitted`…) or, for mail, its kind.
    pub event: String,
    pub recipient_id: Option<i32>,
    pub endpoint_id: Option<i32>,
    /// JSON: the webhook body's `data`, or what the mail needs.
    pub payload: String,
    /// Sent with the delivery so receivers can drop a duplicate.
    #[sea_orm(unique)]
    pub delivery_id: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While set and in the future, one worker owns the row.
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
