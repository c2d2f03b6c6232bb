//! End-to-end tests of the `chitieu` binary, each on a fresh SQLite database and, when
//! `CHITIEU_TEST_PG` is set, on a fresh PostgreSQL schema.

mod access;
mod accounts;
mod analytics;
mod authz;
mod backup;
mod cli;
mod clock;
mod committee_brief;
mod contract;
mod entry;
mod evaluation;
mod evaluation_cache;
mod evaluation_ties;
mod excel;
mod federation;
mod figures;
mod input;
mod metrics;
mod notices;
mod officials;
mod page_parts;
mod programme;
mod pushes;
mod report;
mod report_scope;
mod report_view;
mod scale;
mod support;
mod tasks;
mod tcp;
#[path = "../common/totp.rs"]
mod totp;
mod trust;
mod two_factor;
mod units_graph;
mod upstream;
mod values;
mod verdicts;
mod web;
mod workflow;
