//! Answers computed once per snapshot and shared. At national scale an evaluation or a
//! typeset report takes seconds: concurrent readers of the same answer wait for one
//! computation (single flight), and later readers of the same snapshot take it as it is.
//! Answers of an older snapshot are dropped when a newer one is asked for.

use chitieu_store::Seqs;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

type Slot<V> = Arc<OnceCell<Arc<V>>>;
/// The snapshot's change counters and the key.
type SlotKey<K> = (Seqs, K);

/// Answers by what they were computed from: the snapshot's change counters and `K`.
pub struct PerSnapshot<K, V> {
    /// Finished answers kept per snapshot at most; past it the finished ones are dropped
    /// (those being computed stay), so that asking for every unit's file cannot fill memory.
    cap: usize,
    slots: Mutex<HashMap<SlotKey<K>, Slot<V>>>,
}

impl<K: Eq + Hash, V> PerSnapshot<K, V> {
    pub fn new(cap: usize) -> Self {
        PerSnapshot {
            cap,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, seqs: Seqs, key: K) -> Slot<V> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.retain(|(s, _), _| *s == seqs);
        if slots.len() >= self.cap {
            slots.retain(|_, slot| !slot.initialized());
        }
        slots.entry((seqs, key)).or_default().clone()
    }

    /// The answer for `key` in the snapshot counted by `seqs`: computed by `compute` if no
    /// one has, or being computed by another reader (then awaited). An error is not kept:
    /// the next reader tries again.
    pub async fn get_or_try_init<E, F, Fut>(
        &self,
        seqs: Seqs,
        key: K,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let slot = self.slot(seqs, key);
        let v = slot
            .get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await?;
        Ok(Arc::clone(v))
    }

    /// How many answers are kept (for tests).
    pub fn len(&self) -> usize {
        self.slots.lock().map_or(0, |s| s.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn seqs(values: i64) -> Seqs {
        Seqs {
            values,
            structure: 1,
            plan: 1,
            tasks: 1,
            reports: 1,
            records: 1,
        }
    }

    /// Eight readers at once compute once; a newer snapshot computes again and drops the
    /// older answer; past the cap finished answers are dropped.
    #[tokio::test]
    async fn concurrent_readers_of_one_snapshot_share_one_computation() {
        let cache: Arc<PerSnapshot<u32, usize>> = Arc::new(PerSnapshot::new(3));
        let runs = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..8 {
            let (cache, runs) = (Arc::clone(&cache), Arc::clone(&runs));
            handles.push(tokio::spawn(async move {
                cache
                    .get_or_try_init(seqs(1), 7, || async {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok::<_, ()>(runs.fetch_add(1, Ordering::SeqCst))
                    })
                    .await
            }));
        }
        for h in handles {
            assert_eq!(*h.await.unwrap().unwrap(), 0);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let again = cache
            .get_or_try_init(seqs(2), 7, || async { Ok::<_, ()>(99) })
            .await
            .unwrap();
        assert_eq!(*again, 99);
        assert_eq!(cache.len(), 1, "the older snapshot's answer is dropped");
        for k in 0..5 {
            cache
                .get_or_try_init(seqs(2), k, || async { Ok::<_, ()>(1) })
                .await
                .unwrap();
        }
        assert!(cache.len() <= 3);
        let failed = cache
            .get_or_try_init(seqs(2), 50, || async { Err::<usize, _>("no") })
            .await;
        assert!(failed.is_err());
        let retried = cache
            .get_or_try_init(seqs(2), 50, || async { Ok::<_, &str>(5) })
            .await;
        assert_eq!(*retried.unwrap(), 5, "an error is not kept");
    }
}
