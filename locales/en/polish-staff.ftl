# Issue 21 (staff, training, admin): My training's groups and progress, quiz feedback,
# the training each failed item calls for, and adding a person. See docs/adding-a-language.md.

polish-staff-call-newly-assigned = newly assigned by this spot-check
polish-staff-call-already-open = already open before this spot-check
polish-staff-call-not-assigned = not assigned (no assignment was open)
polish-staff-call-line = { $module } — { $state }, due { $due }
polish-staff-training-for-item = Training
polish-staff-report-no-new-training = No new training: the modules these failures call for were already open (each is named under its failed item above).

polish-staff-group-overdue = Overdue
polish-staff-group-due-soon = Due within a week
polish-staff-group-in-progress = Started
polish-staff-group-later = Due later
polish-staff-group-completed = Completed
polish-staff-nothing-to-do = All done: nothing is open.
polish-staff-progress = Progress
polish-staff-progress-not-opened = Not opened yet
polish-staff-progress-opened = Opened; quiz not taken yet
polish-staff-progress-tried = { $attempts ->
    [one] Quiz tried once
   *[other] Quiz tried { $attempts } times
}: last { $last } ({ $needed } needed)
polish-staff-progress-passed = Quiz passed with { $score }

polish-staff-wrong-answers = { $count ->
    [one] 1 answer was wrong
   *[other] { $count } answers were wrong
}
polish-staff-your-answer = Your answer
polish-staff-right-answer = Right answer
polish-staff-read-again = Read again:

polish-staff-signin = Signing in
polish-staff-signin-generate = Generate a password (shown once, after saving)
polish-staff-signin-password = Set a password now
polish-staff-signin-none = No sign-in: a record only; this person cannot sign in
polish-staff-password = Password
polish-staff-password-hint = At least 8 characters.
polish-staff-choose-signin = Choose how this person signs in.
polish-staff-enter-password = Enter a password of at least 8 characters, or choose a generated password or no sign-in.
polish-staff-password-but-no-signin = A password was entered but "no sign-in" is chosen: clear the password or choose to set it.
polish-staff-person-added = Added { $name } ({ $email }).
polish-staff-generated-password = Their password (give it to them; it is not shown again):
polish-staff-shown-once = Once you leave this page the password cannot be shown again.
polish-staff-signs-in-with-set-password = They sign in with the password you set.
polish-staff-cannot-sign-in = They have no password and cannot sign in.
polish-staff-open-person = Open their details
