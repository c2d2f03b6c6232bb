//! The live service both front ends use: the engine's snapshot kept in step with the store
//! (`live`), and every write, each in one place with its checks and rights (`actions`).

pub mod actions;
mod changes;
pub mod committee;
pub mod evaluation;
pub mod exchange;
pub mod input;
pub mod live;
mod load;
mod memo;
pub mod notify;
pub mod programme;
pub mod report;
pub mod reports;
pub mod tasks;

use chitieu_store::Store;
use std::sync::Arc;

/// The store and the live engine over it. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub live: Arc<live::Live>,
}

impl App {
    /// Today in Vietnam, by the clock the store was given.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }

    /// The service's clock.
    pub fn clock(&self) -> &chitieu_domain::Clock {
        self.store.clock()
    }

    /// Opens the service over a store: loads the engine.
    pub async fn load(store: Store) -> Result<App, chitieu_store::StoreError> {
        let live = Arc::new(live::Live::load(store.clone()).await?);
        Ok(App { store, live })
    }
}
