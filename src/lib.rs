//! Decorum: staff training and compliance audits for front-of-house service teams.

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod library_files;
pub mod notify;
pub mod oidc;
pub mod reports;
pub mod store;
pub mod views;
pub mod web;
