# 页面上时间所用的时区（src/domain/clock.rs ZoneNaming、views::layout::times_note）。
zone-times-in = 时间均为 { $zone }，即这些站点的时区。
zone-times-in-siteless = 时间均为 { $zone }：你所属站点的时区；如果你的站点分属不同时区或你不属于任何站点，则为系统默认时区。
zone-times-each-row = 这些站点分属不同时区：每个时间都是该站点的当地时间，并在旁边注明时区。
zone-submitted = 提交时间
zone-submitted-in = 提交时间（{ $zone }）
