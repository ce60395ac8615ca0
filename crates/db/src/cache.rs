//! Figures computed from many rows (statistics, the ordered ids of a list),
//! kept per [`crate::version`]: an entry answers only while the data version it
//! was computed at is still the current one, so nothing stale is ever served.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use chrono::NaiveDate;
use domain::stats::StatsDoc;

/// A bounded map of values computed at a data version.
/// Bounded by the total weight of its values (1 per value unless told).
pub struct Cache<K, V> {
    map: Mutex<Entries<K, V>>,
    cap: usize,
    /// One gate per key being computed: requests that miss together wait
    /// for one computation instead of each running it (64 requests computing
    /// a province's statistics at once took every core and half a GB).
    gates: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

struct Entries<K, V> {
    values: HashMap<K, (i64, Arc<V>, usize)>,
    weight: usize,
}

impl<K: Eq + Hash + Clone, V> Cache<K, V> {
    pub fn new(cap: usize) -> Self {
        Cache {
            map: Mutex::new(Entries {
                values: HashMap::new(),
                weight: 0,
            }),
            cap,
            gates: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key` if it was computed at `version`.
    pub fn get(&self, key: &K, version: i64) -> Option<Arc<V>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.values
            .get(key)
            .filter(|(v, _, _)| *v == version)
            .map(|(_, value, _)| value.clone())
    }

    /// Keeps `value`, computed at `version` (read before computing it) and
    /// weighing `weight`; a value heavier than the whole cache isn't kept.
    pub fn put(&self, key: K, version: i64, value: Arc<V>, weight: usize) {
        let weight = weight.max(1);
        if weight > self.cap {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, w)) = map.values.remove(&key) {
            map.weight -= w;
        }
        if map.weight + weight > self.cap {
            // Older versions can never answer again; past that, start over
            // rather than track recency (a miss only costs one computation).
            map.values.retain(|_, (v, _, _)| *v >= version);
            map.weight = map.values.values().map(|(_, _, w)| w).sum();
            if map.weight + weight > self.cap {
                map.values.clear();
                map.weight = 0;
            }
        }
        map.weight += weight;
        map.values.insert(key, (version, value, weight));
    }

    /// Forgets `key` (a signed-out session).
    pub fn remove(&self, key: &K) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, w)) = map.values.remove(key) {
            map.weight -= w;
        }
    }

    /// The value of `key` at `version`, computed by `compute` (and kept,
    /// weighed by `weigh`) if no one has yet.
    pub async fn get_or_compute<E>(
        &self,
        key: K,
        version: i64,
        weigh: impl FnOnce(&V) -> usize,
        compute: impl AsyncFnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.get(&key, version) {
            return Ok(v);
        }
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            gates.entry(key.clone()).or_default().clone()
        };
        let result = {
            let _turn = gate.lock().await;
            // Whoever held the gate before may have computed it meanwhile.
            match self.get(&key, version) {
                Some(v) => Ok(v),
                None => match compute().await {
                    Ok(value) => {
                        let value = Arc::new(value);
                        self.put(key.clone(), version, value.clone(), weigh(&value));
                        Ok(value)
                    }
                    Err(e) => Err(e),
                },
            }
        };
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        // The map's handle and ours: no one else is waiting.
        if Arc::strong_count(&gate) == 2 {
            gates.remove(&key);
        }
        result
    }
}

/// Statistics of an org for a period; `today` too, since months under way
/// are counted up to it.
pub type StatsKey = (i64, NaiveDate, NaiveDate, NaiveDate);

/// A list's scope and filters, as text (see `activity::list`).
pub type ListKey = String;

/// The caches of one database.
pub struct Caches {
    /// At most 256 documents (a few KB each).
    pub stats: Cache<StatsKey, StatsDoc>,
    /// Ids of the activities matching a scoped query, in list order; weighed
    /// by id, at most 2 M ids (16 MB) in all.
    pub activity_ids: Cache<ListKey, Vec<i64>>,
    /// The rows of a page of such a list (weighed by row: at most 20,000).
    pub activity_pages:
        Cache<ListKey, Vec<(crate::entity::activity::Model, crate::entity::org::Model)>>,
    /// Activity pages per caller (weighed by roster line: at most 200,000).
    pub details: Cache<String, crate::activity::Detail>,
    /// The names of the programmes each scope may see, by id (weighed by
    /// programme; keyed by `scope::key`, so one reader's names are never
    /// another's).
    pub programme_names: Cache<String, HashMap<i64, String>>,
    /// Ids of the people matching a scoped query, in list order (as above).
    pub people_ids: Cache<ListKey, Vec<i64>>,
    /// A page of those people as shown to the caller (masked for her rights
    /// and for today), weighed by person.
    pub people_pages: Cache<ListKey, Vec<crate::people::PersonView>>,
    /// Tags in use per scope (the people list's filter), at most 1,024 lists.
    pub tags: Cache<String, Vec<String>>,
    /// The orgs each scope sees (filters on list pages), weighed by org: at
    /// most 200,000 orgs in all.
    pub visible_orgs: Cache<String, Vec<crate::entity::org::Model>>,
    /// Signed-in sessions by token digest (`account::session::load_cached`),
    /// at most 10,000.
    pub sessions: Cache<String, crate::account::session::Checked>,
    /// The home page's counts per scope, at most 1,024.
    pub summaries: Cache<String, crate::org::summary::ScopeSummary>,
    /// Cover photos by activity, per list of activity ids (the home page's
    /// newest few), weighed by id: at most 10,000.
    pub covers: Cache<Vec<i64>, HashMap<i64, i64>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            stats: Cache::new(256),
            activity_ids: Cache::new(2_000_000),
            activity_pages: Cache::new(20_000),
            programme_names: Cache::new(1_000_000),
            details: Cache::new(200_000),
            people_ids: Cache::new(2_000_000),
            people_pages: Cache::new(20_000),
            tags: Cache::new(1024),
            visible_orgs: Cache::new(200_000),
            sessions: Cache::new(10_000),
            summaries: Cache::new(1024),
            covers: Cache::new(10_000),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_that_miss_together_compute_once() {
        let c: Arc<Cache<&str, u32>> = Arc::new(Cache::new(4));
        let runs = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let (tx, rx) = tokio::sync::watch::channel(false);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (c, runs, mut rx) = (c.clone(), runs.clone(), rx.clone());
                tokio::spawn(async move {
                    c.get_or_compute(
                        "doc",
                        1,
                        |_| 1,
                        async || {
                            runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            // Held until every task has asked for the key.
                            rx.wait_for(|go| *go).await.unwrap();
                            Ok::<u32, ()>(42)
                        },
                    )
                    .await
                })
            })
            .collect();
        // Every task either computes or waits at the gate before we let go.
        while c
            .gates
            .lock()
            .unwrap()
            .get("doc")
            .map_or(0, Arc::strong_count)
            < 9
        {
            tokio::task::yield_now().await;
        }
        tx.send(true).unwrap();
        for t in tasks {
            assert_eq!(*t.await.unwrap().unwrap(), 42);
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(
            c.gates.lock().unwrap().is_empty(),
            "gates are dropped after use"
        );
    }

    #[test]
    fn an_entry_answers_only_at_the_version_it_was_computed_at() {
        let c: Cache<&str, u32> = Cache::new(4);
        c.put("a", 7, Arc::new(1), 1);
        assert_eq!(c.get(&"a", 7).as_deref(), Some(&1));
        assert_eq!(c.get(&"a", 8), None);
        assert_eq!(c.get(&"b", 7), None);
    }

    #[test]
    fn a_full_cache_drops_old_versions_first_and_stays_within_its_weight() {
        let c: Cache<u32, u32> = Cache::new(3);
        c.put(1, 1, Arc::new(1), 1);
        c.put(2, 2, Arc::new(2), 1);
        c.put(3, 2, Arc::new(3), 1);
        c.put(4, 2, Arc::new(4), 1);
        assert_eq!(c.get(&1, 1), None, "the version-1 entry went first");
        assert_eq!(c.get(&2, 2).as_deref(), Some(&2));
        c.put(5, 2, Arc::new(5), 2);
        assert!(c.map.lock().unwrap().weight <= 3);
        assert_eq!(c.get(&5, 2).as_deref(), Some(&5));
        c.put(6, 2, Arc::new(6), 4);
        assert_eq!(c.get(&6, 2), None, "heavier than the whole cache: not kept");
        assert_eq!(c.get(&5, 2).as_deref(), Some(&5));
    }
}
