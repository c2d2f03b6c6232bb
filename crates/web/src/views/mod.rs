//! Server-rendered pages, one module a page. Handlers read the snapshot, ask the domain
//! and the app what may be done, and fill a typed template. Every figure comes from the
//! engine. The modules share the imports and helpers below (`use super::*`).

mod account;
mod account_two_factor;
mod admin;
mod admin_form;
mod admin_page;
mod committee;
mod common;
mod directory;
mod entry;
mod entry_file;
mod entry_help;
mod entry_reports;
mod evaluation;
mod evaluation_cards;
mod evaluation_settings;
mod evaluation_ties;
mod evidence;
mod export;
mod indicator;
mod login;
mod login_code;
mod my;
mod notices;
mod overview;
mod programme;
mod provinces;
mod public;
mod report_flags;
mod report_view;
mod reports;
mod sign_ins;
mod targets;
mod task_edit;
mod tasks;
mod units;
mod upstream;

pub use account::{account, account_password};
pub use account_two_factor::{
    end_session, recovery_codes, two_factor_enable, two_factor_form, two_factor_off,
};
pub use admin::{admin, admin_save};
pub use committee::{committee_save, notice_file};
pub use common::{LazyForm, MultiForm, not_found, read_multipart};
pub use directory::{unit_choices, units};
pub use entry::{entry_form, entry_save};
pub use entry_file::{entry_template, entry_upload};
pub use evaluation::{evaluation_freeze, evaluation_page};
pub use evaluation_cards::{evaluation_head, evaluation_unit};
pub use evaluation_settings::{evaluation_proposals, evaluation_rubric};
pub use evaluation_ties::evaluation_ties;
pub use evidence::evidence;
pub use export::{brief_file, export_xlsx, report_file};
pub use indicator::indicator;
pub use login::{login, login_form, logout, set_lang};
pub use login_code::{login_code, login_code_form};
pub use my::my_work;
pub use notices::{notices, notices_read};
pub use overview::overview;
pub use programme::{programme, programme_sign};
pub use provinces::provinces;
pub use public::public;
pub use report_view::report_view;
pub use reports::{matrix, report_act, reports};
pub use sign_ins::sign_ins;
pub use targets::targets;
pub use task_edit::{task_edit, task_edit_form, task_new, task_new_form};
pub use tasks::{task, task_progress, tasks};
pub use units::unit;
pub use upstream::{
    admin_upstream, admin_upstream_mapping, admin_upstream_resend, admin_upstream_save,
};
