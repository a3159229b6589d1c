# More of authoring in the browser (src/web/authoring.rs, src/views/authoring.rs,
# src/views/training.rs): the preview's picks, module preview, diff and images.
authoring2-from-template = A blank template (modules)
authoring2-show-module-preview = Show the module as staff see it (opens a new tab)
authoring2-module-preview-note = Preview: this is the module as staff will see it on their phone. The quiz shows no answers and cannot be submitted here.
authoring2-preview-picks = The person and the situation
authoring2-items-apply = { $count } of { $total } items apply
authoring2-item = Item
authoring2-applies = Applies?
authoring2-applies-yes = Yes
authoring2-applies-no = No
authoring2-excluded-because = { $field } is { $got }, the item needs { $wants }
authoring2-excluded-unset = { $field } is not chosen, the item needs { $wants }
authoring2-lines-changed = { $count ->
    [one] 1 line changed
   *[other] { $count } lines changed
}
authoring2-image-upload = Images for the pages
authoring2-image-upload-hint = Upload a JPEG, PNG or WebP picture; you get the lines to paste into a [[page]]. Give it a description in each language.
authoring2-image-file = Image
authoring2-image-upload-button = Upload
authoring2-image-uploaded = Image uploaded
authoring2-image-paste = Paste these lines at the end of a [[page]] and describe the picture in each language (alt):
authoring2-image-missing = The image { $file } was never uploaded: upload it in the module's editor, then use the name it gives.
authoring2-image-too-large = The image is larger than { $mb } MB.
authoring2-image-no-file = Choose an image to upload.
authoring2-image-not-image = This file is not a JPEG, PNG or WebP image.
authoring2-preview-person = A person of your sites (instead of the gender and position below)
authoring2-preview-no-person = — none: use the gender and position below —
