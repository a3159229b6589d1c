# 抽查的答案或情境有什么问题，按项目或字段指明。

problem-unknown-context = “{ $key }”不是这份检查表的情境字段。
problem-missing-context = 情境字段“{ $key }”需要填写。
problem-context = 情境字段“{ $key }”：{ $detail }
problem-item = 项目“{ $key }”：{ $detail }
problem-answered-more-than-once = 回答了 { $count } 次（{ $values }）；只可回答一次。
problem-not-one-of = “{ $value }”不是以下其中之一：{ $options }。
problem-not-a-number = “{ $value }”不是数字。
problem-not-an-amount = “{ $value }”不是金额。
problem-not-pass-fail = “{ $value }”不是合格、不合格或不适用。
problem-not-a-scale-point = “{ $value }”不是评分尺度上的分数。
problem-not-an-index = “{ $value }”不是步骤或用语的编号。
problem-not-an-order = “{ $value }”不是步骤的次序。
problem-note-too-long = 备注超过 { $max } 个字。
problem-not-usable = 这个数字无法使用。
problem-measure-out-of-range = { $value } { $unit } 超出范围：此项目接受 { $low } 至 { $high } { $unit }。
problem-count-out-of-range = { $value } 超出范围：请填写 { $low } 至 { $high } 的整数。
problem-not-whole = { $value } 不是整数。
problem-na-not-allowed = 此项目不可标为“不适用”。
problem-above-scale = { $value } 高于评分尺度的最高分（{ $max }）。
problem-amount-negative = 金额不可为负数。
problem-limit-context-missing = 缺少计算此上限所需的情境数据。
problem-amount-too-large = 金额超出范围（必须少于 1000000000）。
problem-no-such-entry = { $what ->
    [phrase] 没有第 { $n } 句用语（共 { $len } 句）。
   *[step] 没有第 { $n } 个步骤（共 { $len } 个）。
}
problem-entry-twice = { $what ->
    [phrase] 第 { $n } 句用语重复列出。
   *[step] 第 { $n } 个步骤重复列出。
}
problem-expects-check = 这是检查项目：请回答合格、不合格或不适用。
problem-expects-scale = 这是评分项目：请选择尺度上的分数。
problem-expects-measure = 这是量度项目：请填写量得的数值。
problem-expects-script = 这是用语项目：请选择听到的关键用语。
problem-expects-steps = 这是步骤项目：请按次序选择完成的步骤。
problem-expects-limit = 这是上限项目：请填写金额。
