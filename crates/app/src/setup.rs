//! Setting a database up: a plan and its province's units, created where missing and never
//! overwritten. `chitieu init`, the demo and the benchmark all start here.

use chitieu_domain::UnitCode;
use chitieu_domain::default_plan::PlanFile;
use chitieu_exchange::admin_map;
use chitieu_store::{Store, StoreError};
use std::collections::HashSet;

/// What a setup did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetUp {
    /// Units added (the province, its communes, the plan's own units).
    pub units_added: u64,
    /// Whether the plan was loaded now (false: one was there already).
    pub plan_loaded: bool,
}

/// Creates what is missing: the plan's province and its communes from the embedded national
/// map, the plan's own units, then the plan.
pub async fn init_plan(store: &Store, plan: &PlanFile, actor: &str) -> Result<SetUp, StoreError> {
    // The map is built into the binary: failing to read it is a fault of the build.
    let map = admin_map::parse(admin_map::NATIONAL_MAP_2025, "vn-admin-units-2025.json")
        .map_err(|e| StoreError::Broken(format!("bản đồ hành chính nhúng hỏng: {e}")))?;
    let existing: HashSet<UnitCode> = store
        .all_units()
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let owner = &plan.plan.owner;
    let mut wanted = admin_map::province(&map, owner);
    // An owner the map does not hold is the country (a national plan over the whole map),
    // unless it is written as the map writes its codes (digits): that is a mistyped province,
    // refused by name rather than loaded as the country.
    if wanted.is_empty() && owner.as_str().bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::Refused(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Unit,
            owner.as_str(),
        )));
    }
    if wanted.is_empty() {
        wanted.push(chitieu_domain::default_plan::country_unit(owner));
        wanted.extend(map.iter().cloned().map(|mut u| {
            if u.parent.is_none() {
                u.parent = Some(owner.clone());
            }
            u
        }));
    }
    wanted.extend(plan.units.iter().cloned());
    let missing: Vec<_> = wanted
        .into_iter()
        .filter(|u| !existing.contains(&u.code))
        .collect();
    let (units_added, plan_loaded) = store.set_up(&missing, plan, actor).await?;
    Ok(SetUp {
        units_added,
        plan_loaded,
    })
}
