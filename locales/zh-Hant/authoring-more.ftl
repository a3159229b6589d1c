# 在瀏覽器中編寫標準（續）：預覽的人員與情境、單元預覽、比較與圖片。
authoring2-from-template = 空白範本（單元）
authoring2-show-module-preview = 以員工看到的樣子顯示單元（在新分頁開啟）
authoring2-module-preview-note = 預覽：這是員工在手機上看到的單元。測驗不顯示答案，也不能在此提交。
authoring2-preview-picks = 人員與情境
authoring2-items-apply = { $total } 項中有 { $count } 項適用
authoring2-item = 項目
authoring2-applies = 適用？
authoring2-applies-yes = 適用
authoring2-applies-no = 不適用
authoring2-excluded-because = { $field } 是 { $got }，此項目要求 { $wants }
authoring2-excluded-unset = 未選擇 { $field }，此項目要求 { $wants }
authoring2-lines-changed = { $count ->
   *[other] 改動了 { $count } 行
}
authoring2-image-upload = 頁面圖片
authoring2-image-upload-hint = 上載 JPEG、PNG 或 WebP 圖片，即可取得貼到 [[page]] 的幾行文字。請以每種語言描述圖片。
authoring2-image-file = 圖片
authoring2-image-upload-button = 上載
authoring2-image-uploaded = 圖片已上載
authoring2-image-paste = 把以下幾行貼在某個 [[page]] 的末尾，並以每種語言描述圖片（alt）：
authoring2-image-missing = 圖片 { $file } 從未上載：請在單元編輯器上載，再使用它給出的名稱。
authoring2-image-too-large = 圖片超過 { $mb } MB。
authoring2-image-no-file = 請選擇要上載的圖片。
authoring2-image-not-image = 此檔案不是 JPEG、PNG 或 WebP 圖片。
authoring2-preview-person = 您所屬接待點的人員（代替下方的性別與崗位）
authoring2-preview-no-person = — 不選：使用下方的性別與崗位 —
