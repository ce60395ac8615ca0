//! sea-orm entities, one module per table (see migration for the schema).

pub mod access_log;
pub mod activity;
pub mod activity_material;
pub mod api_token;
pub mod app_user;
pub mod attendance;
pub mod audit_log;
pub mod checklist_entry;
pub mod checklist_item;
pub mod household;
pub mod household_member;
pub mod officer;
pub mod org;
pub mod org_tree_history;
pub mod person;
pub mod person_tag;
pub mod photo;
pub mod programme;
pub mod publicity_item;
pub mod repost;
pub mod session;
pub mod setting;
pub mod survey;
pub mod user_root;
pub mod venue;
pub mod work;
