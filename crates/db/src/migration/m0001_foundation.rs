//! Foundation schema: organizations (with parent history), venues, officers,
//! surveys, standardization checklist, people, accounts, sessions, tokens, audit.
//!
//! One schema for SQLite and PostgreSQL, written with sea-query's builder so the
//! dialect differences (autoincrement, timestamp types) stay out of our code.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

pub(super) fn ts(t: TableCreateStatement) -> TableCreateStatement {
    let mut t = t;
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    t
}

pub(super) fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .to_owned()
}

pub(super) async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Organizations. `path` is the materialized path of ids ("/1/5/23/") of the
        // current tree; history rows keep the path each org had in each interval so a
        // past period's statistics use the tree of that time.
        m.create_table(ts(Table::create()
            .table("org")
            .col(big_pk_auto("id"))
            .col(string_uniq("code"))
            .col(string("name"))
            .col(string("kind"))
            .col(string_null("new_field_type"))
            .col(big_integer_null("parent_id"))
            .col(string("path"))
            .col(integer("depth"))
            .col(date_null("founded_on"))
            .col(date_null("closed_on"))
            .col(string("search_text"))
            .foreign_key(&mut fk("org", "parent_id", "org"))
            .to_owned()))
            .await?;
        index(m, "org", &["path"], false).await?;
        index(m, "org", &["parent_id"], false).await?;

        m.create_table(
            Table::create()
                .table("org_tree_history")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(big_integer_null("parent_id"))
                .col(string("path"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("org_tree_history", "org_id", "org"))
                .to_owned(),
        )
        .await?;
        index(m, "org_tree_history", &["org_id"], false).await?;
        index(m, "org_tree_history", &["path"], false).await?;

        m.create_table(ts(Table::create()
            .table("venue")
            .col(big_pk_auto("id"))
            .col(big_integer("org_id"))
            .col(string("name"))
            .col(string("kind"))
            .col(date_null("opened_on"))
            .col(string_null("rating"))
            .col(string_null("rating_level"))
            .col(date_null("closed_on"))
            .foreign_key(&mut fk("venue", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "venue", &["org_id", "name"], true).await?;

        // People. Sensitive values are stored encrypted (`*_cipher`), with a keyed
        // blind index for exact lookup and a masked copy for lists, so listing never
        // needs to decrypt.
        m.create_table(ts(Table::create()
            .table("person")
            .col(big_pk_auto("id"))
            .col(string("name"))
            .col(text("id_cipher"))
            .col(string_uniq("id_index"))
            .col(string("id_masked"))
            .col(string("sex"))
            .col(date("birth_date"))
            .col(text_null("phone_cipher"))
            .col(string_null("phone_index"))
            .col(string_null("phone_masked"))
            .col(text_null("bank_cipher"))
            .col(string_null("bank_masked"))
            .col(big_integer("org_id"))
            .col(string("search_text"))
            .foreign_key(&mut fk("person", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "person", &["org_id"], false).await?;
        index(m, "person", &["phone_index"], false).await?;

        m.create_table(
            Table::create()
                .table("person_tag")
                .col(big_integer("person_id"))
                .col(string("tag"))
                .primary_key(Index::create().col("person_id").col("tag"))
                .foreign_key(&mut fk("person_tag", "person_id", "person"))
                .to_owned(),
        )
        .await?;
        index(m, "person_tag", &["tag"], false).await?;

        m.create_table(ts(Table::create()
            .table("household")
            .col(big_pk_auto("id"))
            .col(big_integer("org_id"))
            .col(big_integer("head_person_id"))
            .col(string_null("address"))
            .foreign_key(&mut fk("household", "org_id", "org"))
            .foreign_key(&mut fk("household", "head_person_id", "person"))
            .to_owned()))
            .await?;
        index(m, "household", &["head_person_id"], true).await?;
        m.create_table(
            Table::create()
                .table("household_member")
                .col(big_integer("household_id"))
                .col(big_integer("person_id"))
                .col(string("relation"))
                .primary_key(Index::create().col("household_id").col("person_id"))
                .foreign_key(&mut fk("household_member", "household_id", "household"))
                .foreign_key(&mut fk("household_member", "person_id", "person"))
                .to_owned(),
        )
        .await?;

        m.create_table(ts(Table::create()
            .table("officer")
            .col(big_pk_auto("id"))
            .col(big_integer("person_id"))
            .col(big_integer("org_id"))
            .col(string("post"))
            .col(string_null("tenure"))
            .col(date_null("term_start"))
            .col(date_null("term_end"))
            .foreign_key(&mut fk("officer", "person_id", "person"))
            .foreign_key(&mut fk("officer", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "officer", &["person_id", "org_id", "post"], true).await?;
        index(m, "officer", &["org_id"], false).await?;

        m.create_table(ts(Table::create()
            .table("survey")
            .col(big_pk_auto("id"))
            .col(big_integer("org_id"))
            .col(date("date"))
            .col(string_null("surveyor"))
            .col(text_null("shortcomings"))
            .col(text_null("highlights"))
            .foreign_key(&mut fk("survey", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "survey", &["org_id", "date"], true).await?;

        // Standardization workbook (规范化建设工作手册): the county's checklist items for
        // a year, and each org's filled-in entry with township and county review.
        m.create_table(ts(Table::create()
            .table("checklist_item")
            .col(big_pk_auto("id"))
            .col(big_integer("owner_org_id"))
            .col(integer("year"))
            .col(integer("seq"))
            .col(string("title"))
            .col(text_null("guidance"))
            .foreign_key(&mut fk("checklist_item", "owner_org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "checklist_item", &["owner_org_id", "year", "seq"], true).await?;
        m.create_table(ts(Table::create()
            .table("checklist_entry")
            .col(big_pk_auto("id"))
            .col(big_integer("item_id"))
            .col(big_integer("org_id"))
            .col(boolean("done"))
            .col(text_null("evidence"))
            .col(string("review_state"))
            .col(text_null("review_note"))
            .foreign_key(&mut fk("checklist_entry", "item_id", "checklist_item"))
            .foreign_key(&mut fk("checklist_entry", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "checklist_entry", &["item_id", "org_id"], true).await?;

        m.create_table(ts(Table::create()
            .table("app_user")
            .col(big_pk_auto("id"))
            .col(string_uniq("username"))
            .col(string("display_name"))
            .col(string("password_hash"))
            .col(string("role"))
            .col(text("grants"))
            .col(boolean("must_change_password"))
            .col(boolean("disabled"))
            .col(integer("failed_logins"))
            .col(timestamp_with_time_zone_null("locked_until"))
            .col(timestamp_with_time_zone_null("last_login_at"))
            .col(string_null("last_login_ip"))
            .col(timestamp_with_time_zone_null("password_changed_at"))
            .to_owned()))
            .await?;
        m.create_table(
            Table::create()
                .table("user_root")
                .col(big_integer("user_id"))
                .col(big_integer("org_id"))
                .col(string("kind"))
                .primary_key(Index::create().col("user_id").col("org_id").col("kind"))
                .foreign_key(&mut fk("user_root", "user_id", "app_user"))
                .foreign_key(&mut fk("user_root", "org_id", "org"))
                .to_owned(),
        )
        .await?;

        // Sessions live in the database so several app servers can share them.
        m.create_table(
            Table::create()
                .table("session")
                .col(string("id").primary_key())
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .foreign_key(&mut fk("session", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        index(m, "session", &["user_id"], false).await?;

        m.create_table(
            Table::create()
                .table("api_token")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(string("prefix"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_token", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;

        // Append-only: the application never updates or deletes these rows.
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("actor_id"))
                .col(string("actor_name"))
                .col(string_null("ip"))
                .col(string("action"))
                .col(string("entity"))
                .col(string_null("entity_id"))
                .col(big_integer_null("org_id"))
                .col(text("summary"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .to_owned(),
        )
        .await?;
        index(m, "audit_log", &["at"], false).await?;
        index(m, "audit_log", &["entity", "entity_id"], false).await?;
        m.create_table(
            Table::create()
                .table("access_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("actor_id"))
                .col(string("actor_name"))
                .col(string_null("ip"))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(string("field"))
                .col(string("purpose"))
                .to_owned(),
        )
        .await?;
        index(m, "access_log", &["at"], false).await?;

        m.create_table(
            Table::create()
                .table("setting")
                .col(string("key").primary_key())
                .col(text("value"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("不支持回滚基础迁移".into()))
    }
}
