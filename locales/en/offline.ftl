# The page the tablet shows, with no connection, for a page it does not keep.

js-offline-page-title = Offline
js-offline-page-not-kept = This page is not kept on this device; open it again when connected.
js-offline-page-home = Home
js-offline-page-kept = Kept spot-checks
