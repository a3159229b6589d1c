# Whole sentences with their arguments (issue 17: no sentence joined from pieces in Rust),
# and the corrective-action and sign-off problems of a posted spot-check.

## A posted spot-check's corrective actions and sign-off (src/domain/actions.rs)
typed-action-unknown-item = action: unknown item `{ $key }`
typed-action-text-too-long = action for `{ $key }`: the text is longer than { $max } characters
typed-action-not-an-owner = action for `{ $key }`: `{ $value }` is not an owner
typed-action-not-a-date = action for `{ $key }`: `{ $value }` is not a date
typed-action-not-a-priority = action for `{ $key }`: `{ $value }` is not a priority
typed-action-not-failed = action for `{ $key }`: only a failed item raises an action
typed-action-due-out-of-range = action for `{ $key }`: the due date { $due } is not between { $from } and { $to }
typed-action-owner-not-at-site = action for `{ $key }`: the owner is not a person of this site
typed-signature-not-png = the signature is not a PNG image
typed-signature-too-large = the signature image is too large
typed-signature-unreadable = the signature could not be read
typed-sign-off-subject = sign-off of the person checked: { $problem }
typed-sign-off-inspector = sign-off of the inspector: { $problem }
typed-sign-off-subject-missing = sign-off: the person checked signs, or the inspector records that they declined
typed-sign-off-inspector-missing = sign-off: the inspector signs too

## Whole sentences
# The items a spot-check still needs, `items` a list ("「Smile」 §2.1, 「Bow」 §2.2").
typed-not-answered-yet = Not answered yet: { $items }
# After a quiz not passed: the score and the pass mark, both percents.
typed-quiz-score-needed = ({ $score }; { $mark } needed)
# The quiz's unanswered questions, by number ("2, 5").
typed-answer-questions =
    { $count ->
        [one] Answer question { $numbers }.
       *[other] Answer questions { $numbers }.
    }
# A failed item in the site report, with the training it calls for.
typed-report-item-failures-training = { $checklist } · failed { $failures } of { $checked } times ({ $rate }%) · training: { $modules }
# An item named in a sentence: its text and clause.
typed-item-ref = 「{ $text }」 §{ $clause }
typed-spot-check-voided = This spot-check was voided: { $reason }
typed-inspection-voided = This inspection was voided: { $reason }
typed-acknowledged-at = Acknowledged by the staff member: { $at }
typed-report-recorded = { $section } · recorded: { $answer }
typed-report-recorded-expected = { $section } · recorded: { $answer } · { $expected }
typed-inspectors-note = Inspector's note: { $note }
typed-report-period = Period: { $period }
typed-hello = Hello, { $name }
typed-checklist-re-check = { $checklist } (re-check)
typed-verdict-critical = { $verdict } · critical
typed-completed-with-score = Completed with a quiz score of { $score }
typed-due-within-days =
    { $days ->
        [one] Due within { $days } day of hire
       *[other] Due within { $days } days of hire
    }
typed-steps-needed = steps needed { $needed }/{ $steps }
typed-steps-needed-in-order = steps needed { $needed }/{ $steps }, in order
typed-zone-note = Dates and times are in { $zone } (your primary site's time zone, or the configured default if you belong to no site).
