//! At most N imports (preview or confirm) run at once; the others wait in
//! line, and the page polls for its position instead of hanging on a
//! request that a proxy or browser would time out.
//!
//! The line is a fair semaphore: a freed slot goes to the longest waiter.
//! Jobs and their results live in memory, per instance, for as long as the
//! user takes to look at them (a finished job is dropped when shown).

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ledger::Limits;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// Imports run at once unless `JINGUO_IMPORT_CONCURRENCY` says otherwise.
pub const DEFAULT_SLOTS: usize = 2;

/// What a finished job shows: the preview/result page's content.
#[derive(Clone)]
pub struct Finished {
    pub page: super::preview::PageData,
}

#[derive(Clone)]
pub enum Status {
    Waiting,
    Running,
    Done(Box<Finished>),
}

struct Job {
    user_id: i64,
    status: Status,
    /// When it finished: a result nobody came back for is dropped after
    /// [`KEEP_RESULT`].
    done_at: Option<Instant>,
}

/// How long a finished job's page waits for its user.
const KEEP_RESULT: Duration = Duration::from_secs(3600);

#[derive(Default)]
struct Line {
    waiting: VecDeque<String>,
    jobs: HashMap<String, Job>,
}

/// The import line of one server.
pub struct ImportQueue {
    slots: usize,
    sem: Arc<Semaphore>,
    line: Mutex<Line>,
    changed: Notify,
    /// The caps of every import read by this server.
    pub limits: Limits,
    /// Days an uploaded ledger is kept (encrypted) after its import ends;
    /// 0 deletes it at once.
    pub retain_days: u64,
}

impl ImportQueue {
    pub fn new(slots: usize, limits: Limits, retain_days: u64) -> ImportQueue {
        let slots = slots.max(1);
        ImportQueue {
            slots,
            sem: Arc::new(Semaphore::new(slots)),
            line: Mutex::new(Line::default()),
            changed: Notify::new(),
            limits,
            retain_days,
        }
    }

    /// Settings from `JINGUO_IMPORT_CONCURRENCY`, `JINGUO_IMPORT_RETAIN_DAYS`
    /// and the `JINGUO_IMPORT_MAX_*` caps; a malformed value stops start-up
    /// with its name rather than silently using a default.
    pub fn from_env() -> Result<ImportQueue, String> {
        let num = |key: &str, default: u64| -> Result<u64, String> {
            match std::env::var(key) {
                Err(_) => Ok(default),
                Ok(v) if v.trim().is_empty() => Ok(default),
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("环境变量 {key} 应为非负整数，实际为「{v}」")),
            }
        };
        let slots = num("JINGUO_IMPORT_CONCURRENCY", DEFAULT_SLOTS as u64)? as usize;
        let retain = num("JINGUO_IMPORT_RETAIN_DAYS", 0)?;
        Ok(ImportQueue::new(slots, Limits::from_env()?, retain))
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    /// A slot now, if one is free and nobody is waiting for it.
    pub fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.sem.clone().try_acquire_owned().ok()
    }

    /// A slot, after everyone who asked before.
    pub async fn slot(&self) -> OwnedSemaphorePermit {
        self.sem
            .clone()
            .acquire_owned()
            .await
            .expect("the import semaphore is never closed")
    }

    /// Puts a job at the end of the line.
    pub fn enqueue(&self, job: &str, user_id: i64) {
        let mut l = self.line.lock().expect("queue lock");
        l.jobs
            .retain(|_, j| j.done_at.is_none_or(|t| t.elapsed() < KEEP_RESULT));
        l.waiting.push_back(job.to_string());
        l.jobs.insert(
            job.to_string(),
            Job {
                user_id,
                status: Status::Waiting,
                done_at: None,
            },
        );
    }

    /// The job got its slot.
    pub fn started(&self, job: &str) {
        let mut l = self.line.lock().expect("queue lock");
        l.waiting.retain(|j| j != job);
        if let Some(j) = l.jobs.get_mut(job) {
            j.status = Status::Running;
        }
        drop(l);
        self.changed.notify_waiters();
    }

    pub fn finish(&self, job: &str, result: Finished) {
        let mut l = self.line.lock().expect("queue lock");
        if let Some(j) = l.jobs.get_mut(job) {
            j.status = Status::Done(Box::new(result));
            j.done_at = Some(Instant::now());
        }
        drop(l);
        self.changed.notify_waiters();
    }

    /// The job's status for `user_id` and its 1-based place in line while
    /// waiting; `None` for an unknown job or someone else's. A finished job
    /// is handed over once and forgotten.
    pub fn status(&self, job: &str, user_id: i64) -> Option<(Status, usize)> {
        let mut l = self.line.lock().expect("queue lock");
        let j = l.jobs.get(job).filter(|j| j.user_id == user_id)?;
        let status = j.status.clone();
        let place = l.waiting.iter().position(|w| w == job).map_or(0, |p| p + 1);
        if matches!(status, Status::Done(_)) {
            l.jobs.remove(job);
        }
        Some((status, place))
    }

    /// Waits until `job` has finished (tests; the UI polls instead).
    pub async fn wait_done(&self, job: &str) {
        loop {
            let notified = self.changed.notified();
            {
                let l = self.line.lock().expect("queue lock");
                match l.jobs.get(job) {
                    None => return,
                    Some(j) if matches!(j.status, Status::Done(_)) => return,
                    _ => {}
                }
            }
            notified.await;
        }
    }
}

impl Default for ImportQueue {
    fn default() -> Self {
        ImportQueue::new(DEFAULT_SLOTS, Limits::default(), 0)
    }
}
