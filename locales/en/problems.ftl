# What is wrong with a spot-check's answers or context, named by item or field.

problem-unknown-context = `{ $key }` is not a context field of this checklist.
problem-missing-context = The context field `{ $key }` needs a value.
problem-context = Context field `{ $key }`: { $detail }
problem-item = Item `{ $key }`: { $detail }
problem-answered-more-than-once = answered { $count } times ({ $values }); give one answer.
problem-not-one-of = `{ $value }` is not one of { $options }.
problem-not-a-number = `{ $value }` is not a number.
problem-not-an-amount = `{ $value }` is not an amount.
problem-not-pass-fail = `{ $value }` is not pass, fail or n/a.
problem-not-a-scale-point = `{ $value }` is not a point on the scale.
problem-not-an-index = `{ $value }` is not a step or phrase number.
problem-not-an-order = `{ $value }` is not an order of steps.
problem-note-too-long = the note is longer than { $max } characters.
problem-not-usable = the number is not a usable value.
problem-measure-out-of-range = { $value } { $unit } is out of range: this item accepts { $low } to { $high } { $unit }.
problem-count-out-of-range = { $value } is out of range: give a whole number from { $low } to { $high }.
problem-not-whole = { $value } is not a whole number.
problem-na-not-allowed = "not applicable" is not allowed for this item.
problem-above-scale = { $value } is above the top of the scale ({ $max }).
problem-amount-negative = the amount cannot be negative.
problem-limit-context-missing = the context needed to compute this limit is missing.
problem-amount-too-large = the amount is out of range (it must be below 1000000000).
problem-no-such-entry = { $what ->
    [phrase] there is no phrase { $n } (it has { $len }).
   *[step] there is no step { $n } (it has { $len }).
}
problem-entry-twice = { $what ->
    [phrase] phrase { $n } is listed twice.
   *[step] step { $n } is listed twice.
}
problem-expects-check = this is a check item: answer pass, fail or n/a.
problem-expects-scale = this is a scale item: answer a point on the scale.
problem-expects-measure = this is a measure item: answer the number measured.
problem-expects-script = this is a script item: answer the key phrases heard.
problem-expects-steps = this is a steps item: answer the steps done, in order.
problem-expects-limit = this is a limit item: answer the amount.
