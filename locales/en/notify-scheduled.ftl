# Scheduled mail (reminders, weekly plans and digests, the monthly report) and the mail
# to an action's owner.

sched-kind-action-raised = A corrective action I own is raised
sched-kind-training-overdue = Daily: my overdue training
sched-kind-actions-overdue = Daily: overdue actions I own
sched-kind-weekly-plan = Mondays: the week's sampling plan and re-checks (supervisors)
sched-kind-weekly-digest = Mondays: my sites' week (managers)
sched-kind-monthly-report = The 1st: last month's site report PDF (quality)
sched-action-raised-subject = New corrective action at { $site }
sched-action-raised-body = A corrective action is yours at { $site }: { $text }. Due { $due }. See { $link }.
sched-training-overdue-subject = { $count ->
    [one] Reminder: { $count } training module is overdue
   *[other] Reminder: { $count } training modules are overdue
}
sched-training-overdue-intro = { $count ->
    [one] This training module is past its due date:
   *[other] These training modules are past their due date:
}
sched-training-overdue-line = - { $module } (due { $due })
sched-training-overdue-link = Open My training to take it: /training
sched-actions-overdue-subject = { $count ->
    [one] Reminder: { $count } corrective action is overdue
   *[other] Reminder: { $count } corrective actions are overdue
}
sched-actions-overdue-intro = { $count ->
    [one] This corrective action you own is past its due date:
   *[other] These corrective actions you own are past their due date:
}
sched-actions-overdue-line = - { $site }: { $text } (due { $due }) { $link }
sched-plan-subject = Sampling plan for the week of { $week }
sched-plan-intro = { $count ->
    [one] { $count } spot-check planned this week:
   *[other] { $count } spot-checks planned this week:
}
sched-plan-line = - { $date } { $shift }, { $site }: { $person }
sched-plan-done = done
sched-rechecks-intro = { $count ->
    [one] { $count } re-check waiting:
   *[other] { $count } re-checks waiting:
}
sched-recheck-line = - { $site }: { $person }, due { $due }
sched-plan-link = The plan: /plan
sched-digest-subject = Your sites' week: { $from } to { $to }
sched-digest-intro = Spot-checks from { $from } to { $to }, and what is overdue today:
sched-digest-site = { $site }: { $checks ->
    [one] { $checks } spot-check
   *[other] { $checks } spot-checks
}, pass rate { $rate }, { $critical ->
    [one] { $critical } critical failure
   *[other] { $critical } critical failures
}; overdue: { $training } training, { $actions } actions
sched-digest-link = The dashboard: /quality
sched-monthly-subject = Site report: { $from } to { $to }
sched-monthly-body = The site report for { $from } to { $to } is attached (PDF).
sched-digest-leading = { $digest }: { $first }…
