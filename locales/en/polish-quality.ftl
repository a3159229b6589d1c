# Issue 21, quality department and managers: the audit log's sentences, chart
# tooltips, the staff filter and the PDF reports' wording.

polish-quality-control-point = { $period }: { $rate }% · { $count ->
    [one] 1 spot-check
   *[other] { $count } spot-checks
} (control limits { $low }–{ $high }%)
polish-quality-assigned-to = { $count ->
    [one] Assigned to 1 person (those who already have it open are skipped).
   *[other] Assigned to { $count } people (those who already have it open are skipped).
}

## Audit log
polish-quality-audit-field = Field
polish-quality-audit-raw = Raw record
polish-quality-yes = yes
polish-quality-no = no
polish-quality-audit-changed = { $actor } changed { $subject }'s { $field } from { $before } to { $after }
polish-quality-audit-set = { $actor } set { $subject }'s { $field } to { $after }
polish-quality-audit-cleared = { $actor } cleared { $subject }'s { $field } (was { $before })
polish-quality-audit-changed-many = { $actor } changed { $subject }'s { $fields }
polish-quality-audit-created = { $actor } added the { $kind } { $subject }
polish-quality-audit-voided = { $actor } voided the spot-check of { $subject }: { $reason }
polish-quality-audit-acknowledged = { $actor } acknowledged the spot-check of { $subject }
polish-quality-audit-assigned = { $actor } assigned { $module } to { $person }
polish-quality-audit-assigned-curriculum = { $actor } assigned { $subject } the curriculum of { $position }
polish-quality-audit-quiz-passed = { $actor } passed a training quiz with { $percent }%
polish-quality-audit-quiz-failed = { $actor } failed a training quiz with { $percent }%
polish-quality-audit-imported = { $actor } imported version { $version } of { $subject }
polish-quality-audit-other = { $actor }: { $action } { $kind } { $subject }
polish-quality-kind-inspection = spot-check
polish-quality-kind-user = person
polish-quality-kind-site = site
polish-quality-kind-checklist-version = checklist version
polish-quality-kind-module-version = training module version
polish-quality-kind-assignment = training assignment
polish-quality-kind-api-token = API token
polish-quality-field-name = name
polish-quality-field-email = email
polish-quality-field-role = role
polish-quality-field-sites = sites
polish-quality-field-position = position
polish-quality-field-gender = gender
polish-quality-field-hire-date = hire date
polish-quality-field-active = active
polish-quality-field-code = code
polish-quality-field-kind = kind of site
polish-quality-field-time-zone = time zone
polish-quality-field-status = status
polish-quality-field-reason = reason
polish-quality-field-percent = score
polish-quality-field-passed = passed
polish-quality-field-due = due date
polish-quality-field-module = module

## Dashboard staff filter
polish-quality-type-a-name = Type a name

## PDF reports
polish-quality-trend-heading = { $grain ->
    [week] Weekly trend
   *[month] Monthly trend
}, { $from } – { $to } ({ $grain ->
    [week] { $count ->
        [one] 1 week
       *[other] { $count } weeks
    }
   *[month] { $count ->
        [one] 1 month
       *[other] { $count } months
    }
} with spot-checks)
polish-quality-average-score-per = { $grain ->
    [week] Average score (week)
   *[month] Average score (month)
}
polish-quality-period-of = { $grain ->
    [week] Week of
   *[month] Month
}
polish-quality-site-by-site = Site by site
polish-quality-expected-target = target { $target } ± { $tolerance }
polish-quality-expected-range = allowed { $low } – { $high } { $unit }
polish-quality-staff-summary = Summary
polish-quality-staff-checks = { $count ->
    [one] 1 spot-check
   *[other] { $count } spot-checks
} in the period, mean { $mean }; { $trend }.
polish-quality-trend-up = improving (second half above the first)
polish-quality-trend-down = declining (second half below the first)
polish-quality-trend-flat = steady
polish-quality-trend-none = too few checks for a trend
polish-quality-staff-training = Training: { $done } done, { $open } open, { $overdue } overdue.
polish-quality-staff-repeats = Items failed more than once:
polish-quality-staff-no-repeats = No item failed more than once.
polish-quality-clause = Clause
polish-quality-item = Item
polish-quality-times-failed = Times failed
