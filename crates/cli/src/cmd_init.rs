//! `chitieu init`: the database, Thái Nguyên's plan (or another) and its units.

use anyhow::Result;
use chitieu_app::Store;
use chitieu_app::setup::init_plan;
use chitieu_domain::default_plan::{PlanFile, default_plan};

use crate::ACTOR;

/// `init`, telling the terminal what it did.
pub async fn init(store: &Store) -> Result<()> {
    init_with(store, &default_plan()).await
}

/// `init` with a given plan.
pub async fn init_with(store: &Store, plan: &PlanFile) -> Result<()> {
    let done = init_plan(store, plan, ACTOR).await?;
    if done.units_added > 0 || done.plan_loaded {
        outln!(
            "Đã khởi tạo: {} đơn vị mới; kế hoạch {} ({} chỉ tiêu, {} mục tiêu){}.",
            done.units_added,
            plan.plan.code,
            plan.indicators.len(),
            plan.targets.len(),
            if done.plan_loaded {
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

/// Loads the demo and tells the terminal, once. A second run leaves everything as it is.
pub async fn demo(store: &Store) -> Result<()> {
    match chitieu_demo::load_quiet(store).await? {
        None => outln!(
            "Dữ liệu mẫu đã có; giữ nguyên. Mật khẩu tài khoản mẫu đã được in ở lần nạp đầu tiên."
        ),
        Some(l) => {
            outln!(
                "Đã nạp dữ liệu mẫu: {} giá trị, 10 nhiệm vụ, {} kết quả nghiên cứu.",
                l.values,
                l.research
            );
            outln!("Tài khoản mẫu (mật khẩu chỉ hiện một lần này, hãy lưu lại):");
            for (login, role, unit, password) in l.accounts {
                outln!(
                    "  {login:<15} {:<12} đơn vị {unit:<9} mật khẩu: {password}",
                    role.as_str()
                );
            }
            outln!(
                "Dữ liệu mẫu không bắt buộc xác thực hai bước; bật cho vai trò cần thiết ở trang Quản trị hoặc `chitieu user two-factor --roles admin,secretariat`."
            );
        }
    }
    Ok(())
}
