//! Writes and queries behind the admin pages.
