//! sea-orm entities: one module per table, matching the migrations in `migration/`.

pub mod api_token;
pub mod audit_log;
pub mod checklist;
pub mod checklist_version;
pub mod inspection;
pub mod inspection_response;
pub mod login_attempt;
pub mod planned_check;
pub mod position;
pub mod proposal;
pub mod recheck;
pub mod session;
pub mod site;
pub mod stat_inspection;
pub mod stat_item;
pub mod stat_site;
pub mod stat_window;
pub mod states;
pub mod training_assignment;
pub mod training_module;
pub mod training_module_version;
pub mod user;
pub mod user_site;

pub mod prelude {
    pub use super::api_token::Entity as ApiToken;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::checklist::Entity as Checklist;
    pub use super::checklist_version::Entity as ChecklistVersion;
    pub use super::inspection::Entity as Inspection;
    pub use super::inspection_response::Entity as InspectionResponse;
    pub use super::login_attempt::Entity as LoginAttempt;
    pub use super::planned_check::Entity as PlannedCheck;
    pub use super::position::Entity as Position;
    pub use super::proposal::Entity as Proposal;
    pub use super::recheck::Entity as Recheck;
    pub use super::session::Entity as Session;
    pub use super::site::Entity as Site;
    pub use super::stat_inspection::Entity as StatInspection;
    pub use super::stat_item::Entity as StatItem;
    pub use super::stat_site::Entity as StatSite;
    pub use super::stat_window::Entity as StatWindow;
    pub use super::training_assignment::Entity as TrainingAssignment;
    pub use super::training_module::Entity as TrainingModule;
    pub use super::training_module_version::Entity as TrainingModuleVersion;
    pub use super::user::Entity as User;
    pub use super::user_site::Entity as UserSite;
}
