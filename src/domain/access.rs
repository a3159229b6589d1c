//! Who may do what, where. Pure rules over a person's role and site memberships, used
//! by every route; the authorization matrix tests exercise them over HTTP.

/// What a person may do. Site scoping applies to managers, supervisors and staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Quality,
    Manager,
    Supervisor,
    Staff,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Quality,
        Role::Manager,
        Role::Supervisor,
        Role::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Quality => "quality",
            Role::Manager => "manager",
            Role::Supervisor => "supervisor",
            Role::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The quality dashboard and the site reports: admins, the quality department and
    /// managers (each within their scope's sites).
    pub fn sees_reports(self) -> bool {
        matches!(self, Role::Admin | Role::Quality | Role::Manager)
    }

    /// Whether training works and whose is overdue: the same people who see the
    /// reports, since training is judged by the spot-check figures.
    pub fn watches_training(self) -> bool {
        self.sees_reports()
    }

    /// Assigning training by hand: admins anywhere, managers and supervisors at their
    /// sites. The source makes the supervisor (主管) responsible for training the staff
    /// they inspect (§3.1), so a supervisor assigns modules to the staff of their sites.
    pub fn assigns_training(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Supervisor)
    }

    /// The audit log spans every site: admins and the quality department.
    pub fn reads_audit_log(self) -> bool {
        matches!(self, Role::Admin | Role::Quality)
    }

    /// Managers and supervisors spot-check, but only at their own sites.
    pub fn inspects_own_sites_only(self) -> bool {
        matches!(self, Role::Manager | Role::Supervisor)
    }

    /// The message id of its name for people (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Quality => "role-quality",
            Role::Manager => "role-manager",
            Role::Supervisor => "role-supervisor",
            Role::Staff => "role-staff",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or_else(|| {
            format!("unknown role `{s}` (expected admin, quality, manager, supervisor or staff)")
        })
    }
}

/// What the access rules need to know of one spot-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectionRef {
    pub site: i32,
    pub subject: i32,
    pub inspector: i32,
    /// Still a draft (its inspector's work in progress), not submitted or voided.
    pub draft: bool,
}

/// A signed-in person's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub user_id: i32,
    pub role: Role,
    /// Sites the person belongs to.
    pub sites: Vec<i32>,
}

impl Scope {
    /// Admins and the quality department see every site.
    pub fn all_sites(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Quality)
    }

    /// Sites to filter lists by; `None` means every site.
    pub fn site_filter(&self) -> Option<&[i32]> {
        (!self.all_sites()).then_some(self.sites.as_slice())
    }

    pub fn can_view_site(&self, site: i32) -> bool {
        self.all_sites() || self.sites.contains(&site)
    }

    /// Spot-checks: admins and the quality department anywhere (the standard has the
    /// quality department spot-check, 抽查); managers and supervisors at their sites.
    pub fn can_inspect_at(&self, site: i32) -> bool {
        match self.role {
            Role::Admin | Role::Quality => true,
            Role::Manager | Role::Supervisor => self.sites.contains(&site),
            Role::Staff => false,
        }
    }

    pub fn can_inspect(&self) -> bool {
        self.role != Role::Staff
    }

    /// An inspection at `site` of `subject`: staff see only their own.
    pub fn can_view_inspection(&self, site: i32, subject: i32) -> bool {
        match self.role {
            Role::Staff => subject == self.user_id,
            _ => self.can_view_site(site),
        }
    }

    /// Opening a spot-check's page (its result, or its form while a draft). A draft is its
    /// inspector's work in progress: nobody else may open it, an admin neither (saving it
    /// would make it theirs). A submitted one is open to whoever may see its site and person.
    pub fn can_open(&self, inspection: &InspectionRef) -> bool {
        if inspection.draft {
            inspection.inspector == self.user_id
        } else {
            self.can_view_inspection(inspection.site, inspection.subject)
        }
    }

    /// Saving, submitting or re-sending a spot-check: what [`Scope::can_open`] allows, and
    /// an inspector's own submitted check wherever they now work, so that a tablet
    /// re-sending a check it kept gets its receipt (and drops its copy) even after the
    /// inspector moved site. What is stored is not changed by a re-send.
    pub fn can_send(&self, inspection: &InspectionRef) -> bool {
        self.can_open(inspection) || inspection.inspector == self.user_id
    }

    /// Voiding a submitted inspection, managing staff records: admins anywhere,
    /// managers at their sites.
    pub fn can_manage_at(&self, site: i32) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager => self.sites.contains(&site),
            _ => false,
        }
    }

    /// Sites, accounts, roles and the checklist library.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The roles below the viewer in a site's line of responsibility (staff, then
    /// supervisors, then managers): the people whose records a manager or supervisor
    /// reads at their sites. Peers are not in it: a supervisor answers for the staff,
    /// not for a fellow supervisor, whose record is for the manager above them both.
    pub fn roles_below(&self) -> &'static [Role] {
        match self.role {
            Role::Manager => &[Role::Supervisor, Role::Staff],
            Role::Supervisor => &[Role::Staff],
            Role::Admin | Role::Quality | Role::Staff => &[],
        }
    }

    /// Whether the viewer may read a person's record (contact details, sites, training
    /// and quiz results, spot-check history): the person themself, admins and the
    /// quality department, and the managers and supervisors of one of the person's
    /// sites who are above the person's role there. So a staff member's record is for
    /// their sites' supervisors and managers; a supervisor's for their sites' managers;
    /// a manager's for nobody at the sites (nor a fellow manager's, nor an admin's or
    /// the quality department's).
    pub fn can_read_record_of(&self, person: i32, role: Role, sites: &[i32]) -> bool {
        person == self.user_id
            || self.all_sites()
            || (self.roles_below().contains(&role) && sites.iter().any(|s| self.sites.contains(s)))
    }

    /// Whether the viewer may assign training to one person: admins to anyone; a
    /// manager to the supervisors and staff of a site they manage, a supervisor to the
    /// staff of a site they belong to; nobody to a peer or above (nor to an admin or the
    /// quality department), whose training is not theirs to direct.
    pub fn can_assign_training_to(&self, role: Role, sites: &[i32]) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager | Role::Supervisor => {
                self.roles_below().contains(&role)
                    && sites.iter().any(|s| self.can_assign_training_at(*s))
            }
            _ => false,
        }
    }

    /// The sites whose staff the viewer may assign training to, everyone at once or by
    /// position: admins anywhere, managers and supervisors at their own sites.
    pub fn can_assign_training_at(&self, site: i32) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager | Role::Supervisor => self.sites.contains(&site),
            _ => false,
        }
    }

    /// The sites whose spot-checks a person's record shows this viewer; `None` means
    /// all of them. Their own record shows a person everything; anyone else's only what
    /// the viewer may open (`can_view_inspection`), so a record never lists a check
    /// that would answer 403.
    pub fn record_sites(&self, person: i32) -> Option<&[i32]> {
        if person == self.user_id {
            None
        } else {
            self.site_filter()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_name_who_has_them() {
        use Role::*;
        let who = |can: fn(Role) -> bool| -> Vec<Role> {
            Role::ALL.into_iter().filter(|r| can(*r)).collect()
        };
        assert_eq!(who(Role::sees_reports), [Admin, Quality, Manager]);
        assert_eq!(who(Role::watches_training), [Admin, Quality, Manager]);
        assert_eq!(who(Role::assigns_training), [Admin, Manager, Supervisor]);
        assert_eq!(who(Role::reads_audit_log), [Admin, Quality]);
        assert_eq!(who(Role::inspects_own_sites_only), [Manager, Supervisor]);
    }

    fn scope(role: Role) -> Scope {
        Scope {
            user_id: 7,
            role,
            sites: vec![1],
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn site_scoping_by_role() {
        for role in [Role::Admin, Role::Quality] {
            assert!(scope(role).can_view_site(2) && scope(role).can_inspect_at(2));
        }
        for role in [Role::Manager, Role::Supervisor] {
            let s = scope(role);
            assert!(s.can_view_site(1) && s.can_inspect_at(1));
            assert!(!s.can_view_site(2) && !s.can_inspect_at(2));
        }
        let staff = scope(Role::Staff);
        assert!(!staff.can_inspect_at(1) && !staff.can_inspect());
    }

    #[test]
    fn staff_see_only_their_own_inspections() {
        let staff = scope(Role::Staff);
        assert!(staff.can_view_inspection(1, 7));
        assert!(!staff.can_view_inspection(1, 8));
        assert!(scope(Role::Supervisor).can_view_inspection(1, 8));
        assert!(!scope(Role::Supervisor).can_view_inspection(2, 8));
    }

    fn at(role: Role, user_id: i32, sites: &[i32]) -> Scope {
        Scope {
            user_id,
            role,
            sites: sites.to_vec(),
        }
    }

    #[test]
    fn a_draft_is_its_inspectors_alone_and_a_submitted_check_follows_the_site() {
        let check = |draft, inspector| InspectionRef {
            site: 1,
            subject: 9,
            inspector,
            draft,
        };
        let inspector = at(Role::Supervisor, 2, &[1]);
        let colleague = at(Role::Supervisor, 3, &[1]);
        let moved = at(Role::Supervisor, 2, &[4]);
        for who in [&inspector, &moved] {
            assert!(who.can_open(&check(true, 2)) && who.can_send(&check(true, 2)));
        }
        for role in [Role::Admin, Role::Quality, Role::Manager] {
            let other = at(role, 5, &[1]);
            assert!(!other.can_open(&check(true, 2)) && !other.can_send(&check(true, 2)));
            assert!(other.can_open(&check(false, 2)));
        }
        assert!(!colleague.can_open(&check(true, 2)));
        assert!(colleague.can_open(&check(false, 2)));
        // Moved to another site: their past checks are no longer theirs to open, but a
        // re-send of one still gets its receipt.
        assert!(!moved.can_open(&check(false, 2)) && moved.can_send(&check(false, 2)));
        assert!(!moved.can_send(&check(false, 3)));
        // Staff open only their own submitted checks, never a draft about them.
        let staff = at(Role::Staff, 9, &[1]);
        assert!(staff.can_open(&check(false, 2)) && !staff.can_open(&check(true, 2)));
        for draft in [true, false] {
            for scope in [&inspector, &colleague, &moved, &staff] {
                // Whatever may be opened may be sent; sending adds only one's own.
                let c = check(draft, 2);
                assert!(!scope.can_open(&c) || scope.can_send(&c));
                assert_eq!(scope.can_send(&c), scope.can_open(&c) || scope.user_id == 2);
            }
        }
    }

    #[test]
    fn a_staff_record_is_for_its_sites_supervisors_and_managers() {
        let staff_sites = [1, 2];
        for role in [Role::Supervisor, Role::Manager] {
            assert!(at(role, 1, &[2, 5]).can_read_record_of(9, Role::Staff, &staff_sites));
            assert!(!at(role, 1, &[3]).can_read_record_of(9, Role::Staff, &staff_sites));
        }
        for role in [Role::Admin, Role::Quality] {
            assert!(at(role, 1, &[]).can_read_record_of(9, Role::Staff, &staff_sites));
        }
        // A colleague at the same site is not responsible for them.
        assert!(!at(Role::Staff, 1, &[1]).can_read_record_of(9, Role::Staff, &staff_sites));
        assert!(at(Role::Staff, 9, &[1]).can_read_record_of(9, Role::Staff, &staff_sites));
    }

    #[test]
    fn nobody_reads_the_record_of_someone_above_or_beside_them() {
        let site = [1];
        let supervisor = at(Role::Supervisor, 2, &site);
        let manager = at(Role::Manager, 3, &site);
        assert!(!supervisor.can_read_record_of(3, Role::Manager, &site));
        assert!(!supervisor.can_read_record_of(4, Role::Supervisor, &site));
        assert!(manager.can_read_record_of(2, Role::Supervisor, &site));
        assert!(!manager.can_read_record_of(5, Role::Manager, &site));
        for role in [Role::Admin, Role::Quality] {
            assert!(!manager.can_read_record_of(6, role, &site));
            assert!(!supervisor.can_read_record_of(6, role, &site));
        }
        // Everyone reads their own, whatever their role.
        assert!(supervisor.can_read_record_of(2, Role::Supervisor, &site));
        assert!(manager.can_read_record_of(3, Role::Manager, &[]));
        // Admins and quality read everyone's, at every site.
        assert!(at(Role::Quality, 1, &[]).can_read_record_of(3, Role::Manager, &[7]));
        assert!(at(Role::Admin, 1, &[]).can_read_record_of(8, Role::Quality, &[]));
    }

    #[test]
    fn a_record_shows_others_only_the_checks_they_may_open() {
        let supervisor = at(Role::Supervisor, 2, &[1, 3]);
        assert_eq!(supervisor.record_sites(9), Some(&[1, 3][..]));
        assert_eq!(supervisor.record_sites(2), None);
        assert_eq!(at(Role::Quality, 1, &[]).record_sites(9), None);
        // Whatever the list lets through, can_view_inspection lets through too.
        for site in 0..5 {
            let shown = supervisor.record_sites(9).is_none_or(|s| s.contains(&site));
            assert_eq!(shown, supervisor.can_view_inspection(site, 9));
        }
    }

    #[test]
    fn managers_assign_training_only_below_them_at_their_sites() {
        let manager = scope(Role::Manager);
        assert!(manager.can_assign_training_to(Role::Staff, &[1]));
        assert!(manager.can_assign_training_to(Role::Supervisor, &[2, 1]));
        assert!(!manager.can_assign_training_to(Role::Staff, &[2]));
        assert!(!manager.can_assign_training_to(Role::Manager, &[1]));
        assert!(!manager.can_assign_training_to(Role::Quality, &[1]));
        assert!(scope(Role::Admin).can_assign_training_to(Role::Manager, &[]));
        for role in [Role::Quality, Role::Staff] {
            assert!(!scope(role).can_assign_training_to(Role::Staff, &[1]));
            assert!(!scope(role).can_assign_training_at(1));
        }
    }

    #[test]
    fn supervisors_assign_training_to_the_staff_of_their_sites() {
        let supervisor = scope(Role::Supervisor);
        assert!(supervisor.can_assign_training_to(Role::Staff, &[2, 1]));
        assert!(!supervisor.can_assign_training_to(Role::Staff, &[2]));
        assert!(!supervisor.can_assign_training_to(Role::Supervisor, &[1]));
        assert!(!supervisor.can_assign_training_to(Role::Manager, &[1]));
        assert!(supervisor.can_assign_training_at(1));
        assert!(!supervisor.can_assign_training_at(2));
        assert!(!supervisor.can_manage_at(1), "assigning is not managing");
    }

    #[test]
    fn only_admins_and_site_managers_manage() {
        assert!(scope(Role::Admin).can_manage_at(9));
        assert!(scope(Role::Manager).can_manage_at(1));
        assert!(!scope(Role::Manager).can_manage_at(2));
        assert!(!scope(Role::Supervisor).can_manage_at(1));
        assert!(!scope(Role::Quality).can_manage_at(1));
    }
}
