//! sea-orm entities, one module per table (see migration for the schema).

pub mod org;
pub mod org_tree_history;
pub mod venue;
pub mod person;
pub mod person_tag;
pub mod household;
pub mod household_member;
pub mod officer;
pub mod survey;
pub mod checklist_item;
pub mod checklist_entry;
pub mod app_user;
pub mod user_root;
pub mod session;
pub mod api_token;
pub mod audit_log;
pub mod access_log;
pub mod setting;
