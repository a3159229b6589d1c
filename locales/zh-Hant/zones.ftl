# 頁面上時間所用的時區（src/domain/clock.rs ZoneNaming、views::layout::times_note）。
zone-times-in = 時間均為 { $zone }，即這些站點的時區。
zone-times-in-siteless = 時間均為 { $zone }：你所屬站點的時區；若你的站點分屬不同時區或你未屬任何站點，則為系統預設時區。
zone-times-each-row = 這些站點分屬不同時區：每個時間都是該站點的當地時間，並在旁註明時區。
zone-submitted = 提交時間
zone-submitted-in = 提交時間（{ $zone }）
