# 在浏览器中编写标准（续）：预览的人员与情境、单元预览、比较与图片。
authoring2-from-template = 空白模板（单元）
authoring2-show-module-preview = 以员工看到的样子显示单元（在新标签页打开）
authoring2-module-preview-note = 预览：这是员工在手机上看到的单元。测验不显示答案，也不能在此提交。
authoring2-preview-picks = 人员与情境
authoring2-items-apply = { $total } 项中有 { $count } 项适用
authoring2-item = 项目
authoring2-applies = 适用？
authoring2-applies-yes = 适用
authoring2-applies-no = 不适用
authoring2-excluded-because = { $field } 是 { $got }，此项目要求 { $wants }
authoring2-excluded-unset = 未选择 { $field }，此项目要求 { $wants }
authoring2-lines-changed = { $count ->
   *[other] 改动了 { $count } 行
}
authoring2-image-upload = 页面图片
authoring2-image-upload-hint = 上传 JPEG、PNG 或 WebP 图片，即可获得粘贴到 [[page]] 的几行文字。请用每种语言描述图片。
authoring2-image-file = 图片
authoring2-image-upload-button = 上传
authoring2-image-uploaded = 图片已上传
authoring2-image-paste = 把以下几行粘贴在某个 [[page]] 的末尾，并用每种语言描述图片（alt）：
authoring2-image-missing = 图片 { $file } 从未上传：请在单元编辑器上传，再使用它给出的名称。
authoring2-image-too-large = 图片超过 { $mb } MB。
authoring2-image-no-file = 请选择要上传的图片。
authoring2-image-not-image = 此文件不是 JPEG、PNG 或 WebP 图片。
authoring2-preview-person = 您所属接待点的人员（代替下方的性别与岗位）
authoring2-preview-no-person = — 不选：使用下方的性别与岗位 —
