//! Decorum: staff training and compliance audits for front-of-house service teams.

pub mod domain;
