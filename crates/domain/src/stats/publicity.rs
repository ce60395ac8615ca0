//! `publicity`: items by channel and column, and distinct items reposted at each level.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::kinds::Level;

pub struct ItemFact {
    pub id: i64,
    pub channel: String,
    pub column: Option<String>,
}

pub struct RepostFact {
    pub item_id: i64,
    pub level: Level,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChannelCount {
    pub channel: String,
    pub items: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LevelCount {
    pub level: String,
    pub items: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ColumnCount {
    pub column: String,
    pub items: u64,
    pub reposted_by_level: Vec<LevelCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Publicity {
    pub items: u64,
    pub by_channel: Vec<ChannelCount>,
    pub by_column: Vec<ColumnCount>,
    pub reposted_by_level: Vec<LevelCount>,
}

fn by_level(items: &HashSet<i64>, reposts: &[RepostFact]) -> Vec<LevelCount> {
    Level::ALL
        .iter()
        .filter_map(|l| {
            let n = reposts
                .iter()
                .filter(|r| r.level == *l && items.contains(&r.item_id))
                .map(|r| r.item_id)
                .collect::<HashSet<_>>()
                .len() as u64;
            (n > 0).then(|| LevelCount {
                level: l.label().into(),
                items: n,
            })
        })
        .collect()
}

pub fn assemble(items: &[ItemFact], reposts: &[RepostFact]) -> Publicity {
    let mut channels: BTreeMap<&str, u64> = BTreeMap::new();
    let mut columns: BTreeMap<&str, HashSet<i64>> = BTreeMap::new();
    for i in items {
        *channels.entry(i.channel.as_str()).or_default() += 1;
        if let Some(c) = i.column.as_deref() {
            columns.entry(c).or_default().insert(i.id);
        }
    }
    let mut by_channel: Vec<ChannelCount> = channels
        .into_iter()
        .map(|(c, n)| ChannelCount {
            channel: c.into(),
            items: n,
        })
        .collect();
    by_channel.sort_by(|a, b| b.items.cmp(&a.items).then(a.channel.cmp(&b.channel)));
    let mut by_column: Vec<ColumnCount> = columns
        .into_iter()
        .map(|(c, ids)| ColumnCount {
            column: c.into(),
            items: ids.len() as u64,
            reposted_by_level: by_level(&ids, reposts),
        })
        .collect();
    by_column.sort_by(|a, b| b.items.cmp(&a.items).then(a.column.cmp(&b.column)));
    let all: HashSet<i64> = items.iter().map(|i| i.id).collect();
    Publicity {
        items: items.len() as u64,
        by_channel,
        by_column,
        reposted_by_level: by_level(&all, reposts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_reposted_twice_at_one_level_counts_once() {
        let items: Vec<ItemFact> = (1..=9)
            .map(|id| ItemFact {
                id,
                channel: "屈乡巾帼公众号".into(),
                column: Some("巾帼抗疫故事".into()),
            })
            .chain([ItemFact {
                id: 10,
                channel: "中国妇女报".into(),
                column: None,
            }])
            .collect();
        let reposts = [
            RepostFact {
                item_id: 1,
                level: Level::Province,
            },
            RepostFact {
                item_id: 1,
                level: Level::City,
            },
            RepostFact {
                item_id: 2,
                level: Level::City,
            },
            RepostFact {
                item_id: 3,
                level: Level::City,
            },
            RepostFact {
                item_id: 3,
                level: Level::City,
            },
        ];
        let p = assemble(&items, &reposts);
        assert_eq!(p.items, 10);
        assert_eq!(
            p.by_channel[0],
            ChannelCount {
                channel: "屈乡巾帼公众号".into(),
                items: 9
            }
        );
        let col = &p.by_column[0];
        assert_eq!(col.items, 9);
        assert_eq!(
            col.reposted_by_level,
            vec![
                LevelCount {
                    level: "省".into(),
                    items: 1
                },
                LevelCount {
                    level: "市".into(),
                    items: 3
                }
            ]
        );
    }
}
