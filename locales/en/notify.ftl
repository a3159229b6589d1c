# Notifications: mail texts, webhook pages, mail preferences, emailing a report.

notify-mail-digest-subject = { $count ->
    [one] Decorum: { $count } notification
   *[other] Decorum: { $count } notifications
}
notify-mail-footer = Decorum. Choose which mails you get under Settings → Mail.
notify-mail-training-subject = New training: { $module }
notify-mail-training-body = The training module “{ $module }” has been assigned to you. Please complete it by { $due }.
notify-mail-critical-subject = Critical failure at { $site }
notify-mail-critical-body = A spot-check of { $person } by { $inspector } at { $site } failed a critical item: { $items }. See { $link }.
notify-mail-report-subject = Spot-check report from { $sender }
notify-mail-report-body = { $sender } sent you this spot-check report (PDF attached). { $note }
notify-error-url = Give the endpoint's full address, starting with https:// or http://.
notify-error-secret = The secret must be 16 to 200 characters long.
notify-error-events = Choose at least one event.
notify-error-lang = That language is not offered.
notify-error-no-recipient = Choose at least one person to send the report to.
notify-status-pending = waiting
notify-status-delivered = delivered
notify-status-failed = failed
notify-mail-kind-training = New training assigned to me
notify-mail-kind-critical = Critical failures at my sites
notify-mail-kind-report = Reports others send me
notify-nothing-yet = Nothing yet.
notify-created = Created
notify-event = Event
notify-target = Sent to
notify-status = Status
notify-attempts = Tries
notify-response = Response
notify-latency = Time
notify-error = Last error
notify-send-again = Send again
notify-webhooks = Webhooks
notify-webhooks-intro = Decorum calls these addresses when events happen, signed with each endpoint's secret (see docs/webhooks.md).
notify-events = Events
notify-active = Active
notify-yes = yes
notify-no = no
notify-switch-off = Switch off
notify-switch-on = Switch on
notify-add-endpoint = Add an endpoint
notify-secret = Secret (at least 16 characters)
notify-add = Add
notify-delivery-log = Delivery log
notify-failed-mail = Mail that could not be delivered
notify-preferences = Mail
notify-mail-off = This server sends no mail yet: your choices apply once it does.
notify-which-mails = Which mails I get
notify-mail-language = Language of my mail
notify-lang-as-interface = As my interface language
notify-save = Save
notify-email-report = Email this report
notify-report-queued = { $count ->
    [one] The report is on its way to { $count } person.
   *[other] The report is on its way to { $count } people.
}
notify-back-to-result = Back to the result
notify-no-one-to-send = There is no one you could send this report to.
notify-recipients = Send to
notify-note = Note (optional)
notify-send = Send
