# 抽查的答案或情境有甚麼問題，按項目或欄位指明。

problem-unknown-context = 「{ $key }」不是這份檢查表的情境欄位。
problem-missing-context = 情境欄位「{ $key }」需要填寫。
problem-context = 情境欄位「{ $key }」：{ $detail }
problem-item = 項目「{ $key }」：{ $detail }
problem-answered-more-than-once = 回答了 { $count } 次（{ $values }）；只可回答一次。
problem-not-one-of = 「{ $value }」不是以下其中之一：{ $options }。
problem-not-a-number = 「{ $value }」不是數字。
problem-not-an-amount = 「{ $value }」不是金額。
problem-not-pass-fail = 「{ $value }」不是合格、不合格或不適用。
problem-not-a-scale-point = 「{ $value }」不是評分尺度上的分數。
problem-not-an-index = 「{ $value }」不是步驟或用語的編號。
problem-not-an-order = 「{ $value }」不是步驟的次序。
problem-note-too-long = 備註超過 { $max } 個字。
problem-not-usable = 這個數字無法使用。
problem-measure-out-of-range = { $value } { $unit } 超出範圍：此項目接受 { $low } 至 { $high } { $unit }。
problem-count-out-of-range = { $value } 超出範圍：請填寫 { $low } 至 { $high } 的整數。
problem-not-whole = { $value } 不是整數。
problem-na-not-allowed = 此項目不可標為「不適用」。
problem-above-scale = { $value } 高於評分尺度的最高分（{ $max }）。
problem-amount-negative = 金額不可為負數。
problem-limit-context-missing = 缺少計算此上限所需的情境資料。
problem-amount-too-large = 金額超出範圍（必須少於 1000000000）。
problem-no-such-entry = { $what ->
    [phrase] 沒有第 { $n } 句用語（共 { $len } 句）。
   *[step] 沒有第 { $n } 個步驟（共 { $len } 個）。
}
problem-entry-twice = { $what ->
    [phrase] 第 { $n } 句用語重複列出。
   *[step] 第 { $n } 個步驟重複列出。
}
problem-expects-check = 這是檢查項目：請回答合格、不合格或不適用。
problem-expects-scale = 這是評分項目：請選擇尺度上的分數。
problem-expects-measure = 這是量度項目：請填寫量得的數值。
problem-expects-script = 這是用語項目：請選擇聽到的關鍵用語。
problem-expects-steps = 這是步驟項目：請按次序選擇完成的步驟。
problem-expects-limit = 這是上限項目：請填寫金額。
