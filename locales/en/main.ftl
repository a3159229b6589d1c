# Decorum's words in en. Each line is `id = text`; the ids stay as they are,
# the text is translated. See docs/adding-a-language.md.

## common

# A count of checklist items.
items-count = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
more-problems = … and { $count } more problems.
form-not-utf8 = The field `{ $field }` is not valid UTF-8 text; nothing was stored.
form-nul = The field `{ $field }` contains a NUL character (\0), which no text may contain; nothing was stored.
list-or = {" or "}
common-morning = Morning
common-afternoon = Afternoon
common-evening = Evening
common-night = Night
common-pass = pass
common-fail = fail
common-n-a = n/a
common-said = said
common-done = done
site-kind-service-centre = Service centre
site-kind-lobby = Lobby
site-kind-sales-hall = Sales hall
site-kind-show-flat = Show flat
site-kind-office = Office
assignment-assigned = Assigned
assignment-in-progress = In progress
assignment-overdue = Overdue
assignment-completed = Completed
item-field-section = section
item-field-text = text
item-field-kind = kind
item-field-scoring = scoring
item-field-weight = weight
item-field-critical = critical
item-field-clause = clause
item-field-guidance = guidance
item-field-required = required
item-field-not-applicable = n/a allowed
item-field-training = training
item-field-conditions = conditions
role-admin = Admin
role-quality = Quality department
role-manager = Manager
role-supervisor = Supervisor
role-staff = Staff
list-and = ,{" "}

## spotcheck

spotcheck-record-lacks = { $person }'s record has no { $fields }, which items of this checklist depend on; an admin must record it (Admin → People) before this person can be checked with it.
spotcheck-shift-date-out-of-range = The shift date { $date } is outside the accepted range ({ $first } to { $last }).
spotcheck-start-a-spot-check = Start a spot-check
spotcheck-spot-checks-in-progress = Spot-checks in progress
spotcheck-re-checks-due = Re-checks due
spotcheck-items = items
spotcheck-due = due
spotcheck-overdue-training = Overdue training
spotcheck-no-training-is-overdue = No training is overdue.
spotcheck-person = Person
spotcheck-see-all = See all
spotcheck-you-are-not-assigned-to = You are not assigned to any site yet. Ask an admin to add you to one.
spotcheck-site = Site
spotcheck-who-are-you-checking = Who are you checking?
spotcheck-no-staff-at-this-site = No staff at this site yet.
spotcheck-choose-a-checklist = Choose a checklist
spotcheck-back-to-staff = Back to staff
spotcheck-no-checklist-applies-to-this = No checklist applies to this position.
spotcheck-complete-the-record = Complete the record
spotcheck-re-check-only-the-items = Re-check: only the items that failed before and have been trained since.
spotcheck-version = version
spotcheck-shift-date = Shift date
spotcheck-shift = Shift
spotcheck-answered = answered
spotcheck-drafts-save-as-you-go = Drafts save as you go
spotcheck-submit-spot-check = Submit spot-check
spotcheck-critical = Critical
spotcheck-how-to-judge = How to judge
spotcheck-pass = Pass
spotcheck-fail = Fail
spotcheck-n-a = N/A
spotcheck-target = Target
spotcheck-allowed = Allowed
spotcheck-limit = Limit
spotcheck-none-of-them-was-said = None of them was said
spotcheck-tick-the-steps-in-the = Tick the steps in the order you saw them.
spotcheck-none-of-the-steps-was = None of the steps was done
spotcheck-note = Note
spotcheck-take-photo = Take photo
spotcheck-photo = Photo
spotcheck-gender = gender
spotcheck-position = position
spotcheck-context = context
spotcheck-nothing-on-this-spot-check = Nothing on this spot-check counts toward a score: every item that applies is marked not applicable. Score at least one item.

## training

training-due-at-most-two-years = The due date can be at most two years ahead ({ $latest }).
training-after-a-failed-item = After a failed item
training-new-hire-curriculum = New-hire curriculum
training-assigned-by-a-manager = Assigned by a manager
training-no-training-assigned = No training assigned.
training-why = Why
training-state = State
training-min = min
training-team-training = Team training
training-assign-training = Assign training
training-training-effectiveness = Training effectiveness
training-no-training-at-your-sites = No training at your sites yet.
training-my-own-training = My own training
training-quiz-passed = Quiz passed!
training-your-supervisor-will-re-check = Your supervisor will re-check these items with you soon.
training-not-passed-yet = Not passed yet
training-read-the-pages-again-and = Read the pages again and retake the quiz.
training-quiz = Quiz
training-pass-mark = Pass mark
training-choose-all-that-apply = (choose all that apply)
training-submit-quiz = Submit quiz
training-you-do-not-manage-any = You do not manage any site.
training-who = Who
training-one-person = One person
training-everyone-at-a-site = Everyone at a site
training-a-position-at-a-site = A position at a site
training-position = Position
training-due-date = Due date
training-assign = Assign
training-re-checks-after-the-training = Re-checks after the training: the share passed, and the score on the same items before and after.
training-no-re-checks-done-yet = No re-checks done yet.
training-passed = Passed
training-before = Before
training-after = After
training-change = Change
training-choose-a-due-date = Choose a due date.
training-the-due-date-cannot-be = The due date cannot be in the past.
training-choose-a-person = Choose a person.
training-choose-a-site = Choose a site.
training-choose-a-position = Choose a position.
training-choose-who-to-assign-it = Choose who to assign it to.
training-choose-a-module = Choose a module.
training-nobody-matches = Nobody matches.

## report

report-page-of = Page { $page } / { $pages }
report-coverage-uncovered = { $uncovered } of { $roster } staff were not spot-checked in the { $days } days to { $to }.
report-uncovered-rest = The other { $rest } are named on the { layout-quality } page under “{ quality-staff-not-spot-checked-in }”.
report-item-failures = { $checklist } · failed { $failures } of { $checked } times ({ $rate }%)
report-average-score = Average score
report-critical-failures = Critical failures
report-completed = completed
report-in-progress = in progress
report-assigned = assigned
report-all-sites = All sites
report-all-my-sites = All my sites
report-re-check-report = Re-check report
report-spot-check-report = Spot-check report
report-percent = Percent
report-result-pass-mark = Result · pass mark
report-site = Site
report-position = Position
report-v = v
report-submitted = Submitted
report-acknowledged = Acknowledged
report-not-yet = not yet
report-critical-failures-2 = Critical failures
report-score-by-section = Score by section
report-score-max = Score / max
report-failed-items = Failed items
report-critical = {"  "}[critical]
report-photo-not-found-in-the = Photo not found in the data directory.
report-photo-taken-by-the-inspector = Photo taken by the inspector
report-photo-on-file = Photo on file.
report-training-assigned-by-this-spot = Training assigned by this spot-check
report-this-spot-check-assigned-no = This spot-check assigned no training.
report-module = Module
report-critical-2 = Critical
report-yes = yes
report-up = up
report-down = down
report-flat = flat
report-site-period-report = Site period report
report-weekly-trend = Weekly trend
report-no-spot-checks-in-this = No spot-checks in this period.
report-average-score-week = Average score (week)
report-week-of = Week of
report-checks = Checks
report-average = Average
report-no-item-failed-in-this = No item failed in this period.
report-each-bar-failures-share-of = Each bar: failures · share of all failures · cumulative share
report-sections = Sections
report-failures = Failures
report-lowest-average-first-the-trend = Lowest average first; the trend compares the first half of the period with the second.
report-staff-cut = Listed: the { $shown } of { $total } staff to look at first: the { $lowest } lowest averages, then anyone with a pass rate under { $line }% or a critical failure ({ $most } at most).
report-staff-rest-in-csv = { $rest ->
    [one] One more staff member is not listed here: they are
   *[other] The other { $rest } staff are not listed here: they are
} in the CSV export of the same period, on the { layout-quality } page under “{ quality-export-inspections-csv }” ({ $path }).
report-assigned-in-the-period = Assigned in the period
report-completed-in-the-period = Completed in the period
report-overdue-at-the-end = Overdue at the end
report-coverage = Coverage
report-last-spot-check = Last spot-check
report-never = never
report-items-to-work-on-next = Items to work on next period
report-nothing-failed-keep-doing-what = Nothing failed: keep doing what works.
report-staff-record = Staff record
report-sites = Sites
report-hired = Hired
report-period-2 = Period
report-spot-checks-in-the-period = Spot-checks in the period
report-void = void
report-training-history = Training history
report-no-training-assigned = No training assigned.
report-assigned-2 = Assigned
report-completed-2 = Completed
report-overdue = overdue
report-open = open

## admin

admin-site-name-too-long = The site's name can be at most { $max } characters.
admin-person-name-too-long = The name can be at most { $max } characters.
admin-female = Female
admin-male = Male
admin-please-correct-the-following = Please correct the following:
admin-active = Active
admin-inactive = Inactive
admin-sites = sites
admin-people = People
admin-people-2 = people
admin-positions = Positions
admin-positions-2 = positions
admin-checklists = Checklists
admin-checklists-2 = checklists
admin-new-site = New site
admin-there-are-no-sites-yet = There are no sites yet. Add the first one.
admin-code = Code
admin-kind = Kind
admin-time-zone = Time zone
admin-people-3 = People
admin-default = default
admin-edit-site = Edit site
admin-upper-case-letters-digits-and = Upper-case letters, digits and -, e.g. JL-LOBBY; it cannot change later.
admin-choose = Choose…
admin-iana-name-e-g-asia = IANA name, e.g. Asia/Hong_Kong: the site's today, shifts and the times shown are in this zone.
admin-active-no-spot-checks-at = Active (no spot-checks at inactive sites)
admin-save = Save
admin-new-person = New person
admin-role = Role
admin-no-one-matches-these-filters = No one matches these filters.
admin-there-is-no-one-yet = There is no one yet.
admin-name = Name
admin-no-sign-in = No sign-in
admin-edit-person = Edit person
admin-you-cannot-change-your-own = You cannot change your own role.
admin-there-are-no-sites-yet-2 = There are no sites yet; you can add sites to this person later.
admin-none = (none)
admin-gender = Gender
admin-not-given = (not given)
admin-hire-date = Hire date
admin-active-inactive-people-cannot-sign = Active (inactive people cannot sign in and are not spot-checked)
admin-you-cannot-deactivate-your-own = You cannot deactivate your own account.
admin-positions-and-their-new-hire = Positions and their new-hire curricula are defined in the library file checklists/positions.toml; this page is read-only. Edit that file, then run decorum checklists import (or restart) to update them.
admin-the-library-files-could-not = The library files could not be read just now, so only the names are shown.
admin-there-are-no-positions-yet = There are no positions yet. Define them in checklists/positions.toml and import.
admin-key = Key
admin-new-hire-curriculum = New-hire curriculum
admin-no-modules = No modules
admin-checklists-are-defined-in-the = Checklists are defined in the files under checklists/; importing a changed file makes a new version and leaves the older ones as they were.
admin-problems-in-the-library-files = Problems in the library files
admin-the-files-below-have-problems = The files below have problems and were not imported; their last imported versions stay in use until they are fixed.
admin-no-checklists-have-been-imported = No checklists have been imported yet.
admin-title = Title
admin-versions = Versions
admin-latest = Latest
admin-positions-3 = Positions
admin-for = For
admin-versions-2 = Versions
admin-this-checklist-has-no-versions = This checklist has no versions yet.
admin-version = Version
admin-created = Created
admin-content-hash = Content hash
admin-compare-two-versions = Compare two versions
admin-there-is-only-one-version = There is only one version, so there is nothing to compare yet.
admin-from = From
admin-to = To
admin-compare = Compare
admin-pass-fail = Pass/fail
admin-scale = Scale
admin-measure = Measure
admin-script = Script
admin-steps = Steps
admin-limit = Limit
admin-accepts = accepts
admin-phrases-needed = phrases needed
admin-cap-in = cap in
admin-by = by
admin-not-critical = not critical
admin-guidance = Guidance
admin-added = Added
admin-removed = Removed
admin-changed = Changed
admin-the-two-versions-are-the = The two versions are the same.
admin-unchanged = Unchanged
admin-field = Field
admin-description = Description
admin-source = Source
admin-context-fields = Context fields
admin-the-context-fields-the-inspector = The context fields the inspector fills in changed.
admin-renamed-from = Renamed from
admin-to-2 = to
admin-items-unchanged = items unchanged.
admin-no-item-changes-in-this = No item changes in this section.
admin-moved-from = moved from
admin-unchanged-items-not-shown = unchanged items (not shown).
admin-to-3 = to
admin-from-2 = from
admin-enter-a-code-for-the = Enter a code for the site.
admin-a-site-code-has-only = A site code has only letters, digits and -, at most 32 of them.
admin-enter-the-sites-name = Enter the site's name.
admin-choose-the-kind-of-site = Choose the kind of site.
admin-unknown-kind-of-site = Unknown kind of site
admin-is-not-a-time-zone = is not a time zone; choose one from the list, e.g. Asia/Hong_Kong.
admin-the-site-code = The site code
admin-is-already-used = is already used.
admin-unknown-site = Unknown site
admin-enter-the-persons-name = Enter the person's name.
admin-choose-a-role = Choose a role.
admin-a-staff-member-needs-at = A staff member needs at least one site.
admin-unknown-position = Unknown position
admin-gender-is-female-or-male = Gender is female or male.
admin-that-hire-date-is-not = That hire date is not plausible.
admin-the-hire-date-must-be = The hire date must be a date (YYYY-MM-DD).
admin-enter-an-email-address = Enter an email address.
admin-is-not-a-valid-email = is not a valid email address.
admin-the-initial-password-needs-at = The initial password needs at least 8 characters (or leave it empty).
admin-that-password-is-too-long = That password is too long.
admin-someone-already-has-the-email = Someone already has the email
admin-you-cannot-demote-or-deactivate = You cannot demote or deactivate yourself; ask another admin to.
admin-the-form-could-not-be = The form could not be read.

## layout

layout-home = Home
layout-spot-check = Spot-check
layout-plan = Plan
layout-inspections = Inspections
layout-training = Training
layout-quality = Quality
layout-audit = Audit
layout-admin = Admin
layout-sign-out = Sign out
layout-my-training = My training
layout-no-training-to-do-right = No training to do right now.
layout-module = Module
layout-due = Due
layout-overdue = Overdue
layout-my-spot-check-results = My spot-check results
layout-no-spot-check-results-yet = No spot-check results yet.
layout-date = Date
layout-checklist = Checklist
layout-score = Score
layout-result = Result
layout-to-read = To read

## auth

auth-sign-in = Sign in
auth-front-of-house-spot-checks = Front-of-house spot-checks and training
auth-email = Email
auth-password = Password
auth-enter-your-email-and-password = Enter your email and password.
auth-too-many-failed-sign-ins = Too many failed sign-ins from here. Try again in 15 minutes.
auth-that-email-and-password-do = That email and password do not match.
auth-sign-in-form-expired = The sign-in form expired; reload the page and sign in again.

## kept

kept-kept-on-this-device = Kept on this device
kept-spot-checks-kept-on-this = Spot-checks kept on this device
kept-a-submitted-spot-check-stays = A submitted spot-check stays here until the server confirms it has it; it is sent by itself when the connection returns.
kept-send-now = Send now
kept-nothing-is-kept-on-this = Nothing is kept on this device.
kept-storage-on-this-device = Storage on this device

## js

js-open = Open
js-offline-answers-are-kept-on = Offline: answers are kept on this device.
js-the-submission-was-refused = The submission was refused.
js-persistent-the-browser-will-not = Persistent: the browser will not clear what is kept here by itself.
js-not-persistent-the-browser-may = Not persistent: the browser may clear what is kept here when space runs low.
js-waiting = Waiting
js-sending = Sending
js-needs-sign-in = Needs sign-in
js-needs-fixing = Needs fixing
js-sent = Sent
js-open-and-fix = Open and fix
js-see-the-result = See the result
js-this-person-is-not-on = This person is not on the roster kept on this device: connect to start this spot-check.
js-limit = Limit{" "}
js-kept-on-this-device = Kept on this device…
js-draft-not-saved = Draft not saved
js-draft-saved = Draft saved{" "}
js-offline-kept-on-this-device = Offline: kept on this device
js-nothing-on-this-card-counts = Nothing on this card counts towards a score: a spot-check with every item N/A cannot be submitted.
js-sending-if-the-connection-is = Sending… If the connection is down, the spot-check stays on this device and is sent when it returns.
js-could-not-keep-this-on = Could not keep this on the device (storage full or disabled). Keep this page open and submit again when connected.
js-photo-kept-on-this-device = Photo kept on this device…
js-photo-uploaded = Photo uploaded
js-photo-kept-on-this-device-2 = Photo kept on this device; it is sent with the spot-check.
js-offline-the-photo-is-kept = Offline: the photo is kept on this device and sent with the spot-check.
js-photo-kept-on-this-device-3 = Photo kept on this device; it is sent with the spot-check.
js-this-browser-cannot-keep-photos = This browser cannot keep photos offline; try again when connected.
js-sign-in = Sign in
js-answered = answered
js-photo = Photo
js-signed-out-kept = Signed out: sign in to send { $count ->
        [one] { $count } kept spot-check
       *[other] { $count } kept spot-checks
    }.
js-kept-need-fixing = { $count ->
        [one] { $count } kept spot-check needs fixing.
       *[other] { $count } kept spot-checks need fixing.
    }
js-kept-pending = { $count ->
        [one] { $count } spot-check is kept on this device; it will be sent when the connection returns.
       *[other] { $count } spot-checks are kept on this device; they will be sent when the connection returns.
    }
js-kept-others = This tablet also holds { $count ->
        [one] { $count } spot-check
       *[other] { $count } spot-checks
    } of another person; they are sent when that person signs in.
js-kept-others-hidden = This tablet also holds { $count ->
        [one] { $count } spot-check
       *[other] { $count } spot-checks
    } of another person (not shown); they are sent when that person signs in.
js-storage-nearly-full = This device's storage is nearly full ({ $percent }% used): the browser may clear what is kept here. Connect and send soon.
js-storage-figures = { $used } used of { $quota } ({ $percent }%)
js-storage-past-80 = { $percent }% of the storage is used, past 80% of the quota: connect to send what is kept, and free space on this device.
js-items-not-answered = { $count ->
        [one] { $count } item is not answered yet.
       *[other] { $count } items are not answered yet.
    }

## inspections

inspections-draft = Draft
inspections-void = Void
inspections-critical-failure = Critical failure
inspections-spot-check-result = Spot-check result
inspections-inspector = Inspector
inspections-submitted = submitted
inspections-pdf-report = PDF report
inspections-i-have-read-this-result = I have read this result
inspections-void-this-inspection = Void this inspection
inspections-reason-required-kept-in-the = Reason (required; kept in the audit log)
inspections-void-2 = Void
inspections-items-that-failed = Items that failed
inspections-recorded = Recorded
inspections-training-assigned = Training assigned
inspections-sections = Sections
inspections-section = Section
inspections-all-items = All items
inspections-item = Item
inspections-points = Points
inspections-all = All
inspections-from = From
inspections-to = To
inspections-kind = Kind
inspections-spot-checks-no-re-checks = Spot-checks (no re-checks)
inspections-re-checks = Re-checks
inspections-status = Status
inspections-submitted-2 = Submitted
inspections-voided = Voided
inspections-filter = Filter
inspections-inspections = inspections
inspections-no-inspections-match = No inspections match.
inspections-previous = Previous
inspections-next = Next

## quality

quality-quality-trends = Quality trends
quality-update = Update
quality-quick-ranges = Quick ranges
quality-last-12-weeks = Last 12 weeks
quality-last-12-months = Last 12 months
quality-figures-cover-whole-weeks-monday = Figures cover whole weeks (Monday to Sunday).
quality-figures-cover-whole-months = Figures cover whole months.
quality-export-inspections-csv = Export inspections (CSV)
quality-export-item-responses-csv = Export item responses (CSV)
quality-site-period-report-pdf = Site period report (PDF)
quality-spot-checks = Spot-checks
quality-average-score = Average score
quality-pass-rate = Pass rate
quality-critical-failures = Critical failures
quality-no-spot-checks-in-this = No spot-checks in this view. Try a longer date range or fewer filters.
quality-score-and-pass-rate = Score and pass rate
quality-weekly = weekly
quality-monthly = monthly
quality-average-score-2 = Average score %
quality-pass-rate-2 = Pass rate %
quality-pass-rate-control-chart-p = Pass rate control chart (p-chart)
quality-centre-line = Centre line
quality-periods-outside-their-3-sigma = Periods outside their 3-sigma limits are marked red.
quality-out-of-control = out of control
quality-p-chart = p-chart
quality-most-failed-items-pareto = Most failed items (Pareto)
quality-no-item-failed = No item failed.
quality-pareto = Pareto
quality-mark = {""}
quality-sites-sections = Sites × sections
quality-sites = Sites
quality-inspector-calibration = Inspector calibration
quality-compared-with-other-inspectors-scores = Compared with other inspectors' scores for the same staff: positive is lenient, negative is harsh.
quality-checks = Checks
quality-mean = Mean
quality-compared = Compared
quality-others = Others
quality-bias = Bias
quality-staff-not-spot-checked-in = Staff not spot-checked in the last four weeks
quality-everyone-has-been-spot-checked = Everyone has been spot-checked.
quality-name = Name
quality-pass = Pass
quality-trend = Trend
quality-lowest-means-of = The { $shown } lowest means of { $total }; filter or export the CSV for the rest.

## plan

plan-sampling-plan = Sampling plan
plan-this-weeks-sampling-plan = This week's sampling plan
plan-previous-week = Previous week
plan-next-week = Next week
plan-drawn-at-random-weighted-towards = Drawn at random, weighted towards low recent scores; anyone not checked for three weeks is always included, so everyone is checked at least once a month. Checks are spread over Monday to Saturday and over the on-post hours (8:30–12:00, 14:30–18:00).
plan-nobody-to-check-at-your = Nobody to check at your sites this week.
plan-done = done
plan-3-weeks-unchecked = 3+ weeks unchecked
plan-done-2 = Done
plan-start = Start

## audit

audit-audit-log = Audit log
audit-every-change-to-people-roles = Every change to people, roles, checklists and inspections is recorded here; it cannot be edited or deleted.
audit-what = What
audit-nothing-recorded = Nothing recorded.
audit-when = When
audit-who = Who
audit-action = Action
audit-before = Before
audit-after = After
audit-command-line = command line
audit-newer = Newer
audit-older = Older

## error

error-title-forbidden = Not available to you
error-title-not-found = Page not found
error-title-check-input = Please check the input
error-title-too-many = Too many attempts
error-title-unavailable = Temporarily unavailable
error-title-went-wrong = Something went wrong
error-back-home = Back to home
error-sign-in-first = Sign in first.
error-not-available = This is not available to you.
error-database-unavailable = The database is unavailable; try again shortly.
error-something-went-wrong = Something went wrong.
error-body-too-large = The request is larger than the { $mb } MB limit.
error-photo-too-large = The photo is larger than the { $mb } MB limit.
error-no-page-here = There is no page at this address.
error-method-not-accepted = This address does not accept this kind of request.
error-took-too-long = The request took too long; try again.
error-format-not-accepted = This address does not accept content in this format.
error-request-unreadable = The request could not be read.
error-form-unreadable = The form's content could not be read.
error-field-missing = `{ $field }` is missing.
error-value-not-valid = `{ $value }` is not a valid value for `{ $field }`.
error-field-unreadable = `{ $field }` could not be read.
