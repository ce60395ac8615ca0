//! Activities, trainings and publicity: programmes (品牌项目), activities with
//! materials, attendance rosters, works received by 征集, photos, publicity
//! items and their reposts.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_activity"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Programmes are data: a county admin creates 巾帼微学堂 or 母亲讲堂.
        m.create_table(ts(Table::create()
            .table("programme")
            .col(big_pk_auto("id"))
            .col(big_integer("owner_org_id"))
            .col(string("name"))
            .col(text_null("description"))
            .col(string("kinds"))
            .foreign_key(&mut fk("programme", "owner_org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "programme", &["owner_org_id", "name"], true).await?;

        m.create_table(ts(Table::create()
            .table("activity")
            .col(big_pk_auto("id"))
            .col(string_uniq("code"))
            .col(string("name"))
            .col(big_integer_null("programme_id"))
            .col(string("kind"))
            .col(big_integer("org_id"))
            .col(text_null("partners"))
            .col(date("start_date"))
            .col(date("end_date"))
            .col(boolean("online"))
            .col(string_null("place"))
            .col(integer_null("units_reached"))
            .col(integer_null("head_count"))
            .col(text_null("summary"))
            .col(string("status"))
            .col(string("search_text"))
            .foreign_key(&mut fk("activity", "programme_id", "programme"))
            .foreign_key(&mut fk("activity", "org_id", "org"))
            .to_owned()))
            .await?;
        index(m, "activity", &["org_id", "start_date"], false).await?;
        index(m, "activity", &["start_date"], false).await?;
        index(m, "activity", &["programme_id"], false).await?;

        m.create_table(
            Table::create()
                .table("activity_material")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(string("name"))
                .col(big_integer("quantity"))
                .foreign_key(&mut fk("activity_material", "activity_id", "activity"))
                .to_owned(),
        )
        .await?;
        index(m, "activity_material", &["activity_id", "name"], true).await?;

        // One row per attendee and activity; `person_key` keeps a person once
        // (registered person, else keyed 身份证号 index, else name + unit).
        m.create_table(
            Table::create()
                .table("attendance")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(big_integer_null("person_id"))
                .col(string("person_key"))
                .col(string("name"))
                .col(string_null("unit"))
                .col(string_null("id_masked"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("attendance", "activity_id", "activity"))
                .foreign_key(&mut fk("attendance", "person_id", "person"))
                .to_owned(),
        )
        .await?;
        index(m, "attendance", &["activity_id", "person_key"], true).await?;
        index(m, "attendance", &["person_id"], false).await?;

        m.create_table(
            Table::create()
                .table("work")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(string("title"))
                .col(string("author"))
                .col(string_null("category"))
                .col(big_integer_null("org_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("work", "activity_id", "activity"))
                .foreign_key(&mut fk("work", "org_id", "org"))
                .to_owned(),
        )
        .await?;
        index(m, "work", &["activity_id", "title", "author"], true).await?;

        m.create_table(
            Table::create()
                .table("photo")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(string("stored_name"))
                .col(string_null("original_name"))
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                .col(integer("width"))
                .col(integer("height"))
                .col(string_null("caption"))
                .col(boolean("is_cover"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("photo", "activity_id", "activity"))
                .to_owned(),
        )
        .await?;
        index(m, "photo", &["activity_id"], false).await?;

        m.create_table(ts(Table::create()
            .table("publicity_item")
            .col(big_pk_auto("id"))
            .col(string("title"))
            .col(string("channel"))
            .col(date("published_on"))
            .col(big_integer("org_id"))
            .col(string_null("column_name"))
            .col(string_null("link"))
            .col(big_integer_null("activity_id"))
            .foreign_key(&mut fk("publicity_item", "org_id", "org"))
            .foreign_key(&mut fk("publicity_item", "activity_id", "activity"))
            .to_owned()))
            .await?;
        index(m, "publicity_item", &["title", "channel"], true).await?;
        index(m, "publicity_item", &["org_id", "published_on"], false).await?;

        m.create_table(
            Table::create()
                .table("repost")
                .col(big_pk_auto("id"))
                .col(big_integer("item_id"))
                .col(string("by_name"))
                .col(string("level"))
                .foreign_key(&mut fk("repost", "item_id", "publicity_item"))
                .to_owned(),
        )
        .await?;
        index(m, "repost", &["item_id", "by_name"], true).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("不支持回滚".into()))
    }
}
