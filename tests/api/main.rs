//! The HTTP API against API.md: one test binary, a real server on port 0 with a temporary
//! data directory per test (`spawn_app`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
mod support;

mod access_log;
mod accounts;
mod app_core;
mod app_held;
mod app_lists;
mod app_registry;
mod app_stats;
mod compression;
mod four_eyes;
mod half_done;
mod hardening;
mod openapi;
mod openapi_bounds;
mod ops;
mod redirects;
mod registry;
mod requests;
mod restart;
mod rules;
mod sessions;
mod set_aside;
mod smoke;
mod throttling;

mod areas_import;
mod bounds;
mod cases;
mod cases_commands;
mod cases_erase;
mod cases_errors;
mod cases_kit;
mod cases_list;
mod cases_openapi;
mod command_props;
mod concurrency;
mod follow_ups;
mod matrix;
mod stats;
mod stats_attacks;

mod web;
mod web_admin;
mod web_cases;
#[allow(dead_code)]
mod web_kit;
mod web_outbox;
mod web_outbox_held;
mod web_reporting;
mod web_supervise;
