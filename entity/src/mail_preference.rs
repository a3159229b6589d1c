//! Which mails a person receives and in which language (no row: every mail, in their
//! interface language).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preference")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// A language code (`zh`, `zh-Hans`, `en`); `None` follows the interface language.
    pub lang: Option<String>,
    /// New training assignments.
    pub training: bool,
    /// Critical-failure alerts at the person's sites.
    pub alerts: bool,
    /// Reports others email them.
    pub reports: bool,
    /// A corrective action they own was raised.
    pub action_raised: bool,
    /// Daily: their overdue training.
    pub training_overdue: bool,
    /// Daily: the overdue actions they own.
    pub actions_overdue: bool,
    /// Weekly (supervisors): the sampling plan and the re-checks waiting.
    pub weekly_plan: bool,
    /// Weekly (managers): their sites' week.
    pub weekly_digest: bool,
    /// Monthly (quality): last month's site report PDF.
    pub monthly_report: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
