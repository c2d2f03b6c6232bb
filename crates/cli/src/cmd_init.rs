//! `chitieu init`: the database, Thái Nguyên's plan (or another) and its units.

use anyhow::Result;
use chitieu_app::Store;
use chitieu_domain::UnitCode;
use chitieu_domain::default_plan::default_plan;
use chitieu_exchange::admin_map;
use std::collections::HashSet;

use crate::ACTOR;

/// `init`, telling the terminal what it did.
pub async fn init(store: &Store) -> Result<()> {
    init_with(store, &default_plan()).await
}

/// `init` with a given plan.
pub async fn init_with(store: &Store, plan: &chitieu_domain::default_plan::PlanFile) -> Result<()> {
    let (added, loaded) = init_plan(store, plan).await?;
    if added > 0 || loaded {
        outln!(
            "Đã khởi tạo: {} đơn vị mới; kế hoạch {} ({} chỉ tiêu, {} mục tiêu){}.",
            added,
            plan.plan.code,
            plan.indicators.len(),
            plan.targets.len(),
            if loaded {
                ""
            } else {
                " đã có từ trước"
            }
        );
    } else {
        outln!("Cơ sở dữ liệu đã được khởi tạo; không có gì thay đổi.");
    }
    Ok(())
}

/// Creates what is missing: Thái Nguyên and its communes from the embedded national map, the
/// plan's own units, then the plan. Never overwrites what is already there. Returns the
/// number of units added and whether the plan was loaded.
pub async fn init_quiet(store: &Store) -> Result<(u64, bool)> {
    init_plan(store, &default_plan()).await
}

async fn init_plan(
    store: &Store,
    plan: &chitieu_domain::default_plan::PlanFile,
) -> Result<(u64, bool)> {
    let map = admin_map::parse(
        admin_map::NATIONAL_MAP_2025,
        "vn-admin-units-2025.json (nhúng)",
    )?;
    let existing: HashSet<UnitCode> = store
        .all_units()
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let mut wanted = admin_map::province(&map, &plan.plan.owner);
    wanted.extend(plan.units.iter().cloned());
    let missing: Vec<_> = wanted
        .into_iter()
        .filter(|u| !existing.contains(&u.code))
        .collect();
    let added = store.upsert_units(&missing, ACTOR, "khởi tạo").await?.added;
    let loaded = store.load_plan_if_absent(plan, ACTOR).await?;
    Ok((added, loaded))
}
