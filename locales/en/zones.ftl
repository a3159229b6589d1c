# Which time zone a page's times are in (src/domain/clock.rs ZoneNaming, views::layout::times_note).
zone-times-in = Times are in { $zone }, the time zone of these sites.
zone-times-in-siteless = Times are in { $zone }: your sites' time zone, or the configured default if your sites are in several zones or you belong to none.
zone-times-each-row = These sites are in different time zones: each time is its site's local time, with the zone named beside it.
zone-submitted = Submitted
zone-submitted-in = Submitted ({ $zone })
