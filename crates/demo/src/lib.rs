//! Demo data: realistic, deterministic, and shaped so that some targets are on track and
//! some are not. People in it are fictitious.

use anyhow::{Context, Result};
use chitieu_domain::Decimal;
use chitieu_domain::research::{ResearchResult, applied_share};
use chitieu_domain::value::{CheckedValue, check_value};
use chitieu_domain::{Period, Task, TaskUpdate, UnitCode, ValueInput, ValueState};
use chitieu_store::{NewUser, NewValue, Role, Store};
use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod committee;
mod heads;
mod reports;

/// Code, title, lead, coordinators, start, deadline, completed on, product, indicators.
type DemoTask<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a str],
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    &'a str,
    &'a [&'a str],
);

const MARK: &str = "demo_loaded";
pub const ACTOR: &str = "demo";

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

pub(crate) fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).expect("valid demo unit code")
}

/// Fractional year at the end of a period: 2025Q2 → 2025.5.
fn t_end(p: &Period) -> f64 {
    let e = p.end();
    e.year() as f64 + e.month() as f64 / 12.0
}

fn dec1(x: f64) -> Decimal {
    Decimal::new((x * 10.0).round() as i64, 1)
}

/// What a first demo load did; the passwords are for the terminal only.
pub struct Loaded {
    pub values: u64,
    pub research: usize,
    pub accounts: Vec<(&'static str, Role, &'static str, String)>,
}

/// The share of people aged 15 and over (GSO, about 76%).
const ADULT_SHARE: f64 = 0.76;

/// A database with the default plan and the demo loaded, as `serve --demo` and the
/// benchmark start from; `None` when the demo was already there.
pub async fn set_up(store: &Store) -> Result<Option<Loaded>> {
    chitieu_app::setup::init_plan(store, &chitieu_domain::default_plan::default_plan(), "cli")
        .await?;
    load_quiet(store).await
}

/// Loads the demo once, printing nothing; `None` when it was already there.
pub async fn load_quiet(store: &Store) -> Result<Option<Loaded>> {
    if store.meta(MARK).await?.is_some() {
        return Ok(None);
    }
    let today = store.clock().today();
    let catalog = store.catalog().await?;
    let plan = store
        .plan_file()
        .await?
        .context("chưa có kế hoạch: chạy `chitieu init`")?;
    let mut rng = StdRng::seed_from_u64(57);

    crate::heads::load(store).await?;

    // Research results, from which ST-UDKQ is derived.
    let mut research = Vec::new();
    for year in 2022..=today.year() {
        for i in 0..14u32 {
            let accepted = d(year, 1 + (i * 5) % 12, 1 + (i * 7) % 27);
            if accepted > today {
                continue;
            }
            // Share applied in time rises from about 35% to 60%.
            let p_on_time = 0.35 + 0.06 * (year - 2022) as f64;
            let r: f64 = rng.random();
            let applied = if r < p_on_time {
                Some(accepted + Days::new(rng.random_range(30..360)))
            } else if r < p_on_time + 0.2 {
                Some(accepted + Days::new(rng.random_range(380..600)))
            } else {
                None
            }
            .filter(|a| *a <= today);
            research.push(ResearchResult {
                code: format!("KQNC-{year}-{:02}", i + 1),
                title: format!("Kết quả nhiệm vụ KH&CN cấp tỉnh số {}/{year}", i + 1),
                unit: code("TN.SKHCN"),
                accepted_on: accepted,
                applied_on: applied,
            });
        }
    }
    store.add_research_results(&research, ACTOR).await?;

    // Values.
    let province = plan.plan.owner.clone();
    let communes: Vec<_> = store
        .list_units(Some(&province), today)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_commune_level())
        .collect();
    // Each commune's population, illustrative but adding up to the merged province's
    // (about 1.68 million: Báo Đời sống và Văn hóa, 25/06/2025, "dân số trên 1,68 triệu
    // người"); adults (15 and over) are about 76% of Vietnam's population (GSO).
    let populations = crate::committee::commune_populations(communes.len());
    let communes: Vec<_> = communes
        .into_iter()
        .zip(&populations)
        .map(|(u, &p)| chitieu_domain::Unit {
            population: Some(p),
            ..u
        })
        .collect();
    store
        .upsert_units(&communes, ACTOR, "dân số minh họa")
        .await?;
    let mut values = Vec::new();
    let start = d(2023, 1, 1);
    // Each series: where a published figure exists, its comment cites it and the series
    // follows it; every other series is illustrative, shaped so that some targets are met,
    // some at risk and some missed.
    for ind in &plan.indicators {
        let periods: Vec<Period> = Period::range(ind.frequency, start, today)
            .into_iter()
            .filter(|p| p.end() < today)
            .collect();
        let mut push =
            |unit: &UnitCode, p: Period, input: ValueInput, comment: &str| -> Result<()> {
                let u = catalog.unit(unit).context("demo unit")?;
                let (value, numerator, denominator) = check_value(ind, u, &p, &input)
                    .map_err(|e| anyhow::anyhow!("demo {} {unit} {p}: {e}", ind.code))?;
                values.push(NewValue::new(
                    CheckedValue {
                        indicator: ind.code.clone(),
                        unit: unit.clone(),
                        period: p,
                        value,
                        numerator,
                        denominator,
                        comment: comment.to_string(),
                    },
                    None,
                ));
                Ok(())
            };
        let ratio = |pct: f64, den: f64| ValueInput {
            value: None,
            numerator: Some(Decimal::from(
                (pct.clamp(0.0, 100.0) / 100.0 * den).round() as i64
            )),
            denominator: Some(Decimal::from(den.round() as i64)),
        };
        let number = |x: f64| ValueInput {
            value: Some(dec1(x)),
            ..Default::default()
        };
        let two_tier = chitieu_domain::unit::two_tier_start();
        for p in periods {
            let t = t_end(&p) - 2023.0;
            let noise: f64 = rng.random_range(-1.0..1.0);
            match ind.code.as_str() {
                // The province's own figure is illustrative; its shape follows the published
                // national one: 5G coverage went from under 1 % at the start of 2024 to about
                // 90 % at the end of 2025 (Ministry of Science and Technology, posts and
                // telecoms review conference of 10/01/2026, reported by VietNamNet on
                // 22/01/2026), with about 26 % of the population reached in May 2025 (the
                // ministry's figure, May 2025). A logistic curve through those points: the 2025
                // target (> 60 %) is met in the fourth quarter, 2030's 100 % is not yet reached.
                "HT-5G" => {
                    let cover = 95.0 / (1.0 + (-7.0 * (t - 2.64)).exp());
                    push(
                        &province,
                        p,
                        number((cover + 0.3 * noise).clamp(0.0, 100.0)),
                        "Số liệu của các doanh nghiệp viễn thông",
                    )?
                }
                // Well short of 2025.
                "HT-CD1G" => push(&province, p, number(20.0 + 8.0 * t + noise), "")?,
                // Below 2%, GRDP about 180,000 billion VND.
                "DT-GRDP" => {
                    let grdp = 160_000.0 + 9_000.0 * t;
                    push(&province, p, ratio(0.8 + 0.35 * t, grdp), "Số liệu sơ bộ")?
                }
                "NL-CBX" if p.start() < two_tier => push(
                    &province,
                    p,
                    ratio(30.0 + 16.0 * t + noise, 2_850.0),
                    "Tỉnh tổng hợp (trước sắp xếp)",
                )?,
                "NL-CBX" => {
                    for (k, c) in communes.iter().enumerate() {
                        let offset = ((k * 37) % 23) as f64 - 13.0;
                        let officials = 38.0 + ((k * 13) % 30) as f64;
                        push(
                            &c.code,
                            p,
                            ratio(30.0 + 16.0 * t + offset + noise, officials),
                            "",
                        )?;
                    }
                }
                "ST-DNKHCN" => push(&province, p, number((5.0 + 2.1 * t).floor()), "")?,
                // Flows: per quarter.
                "ST-NVKH" => push(
                    &province,
                    p,
                    number((6.0 + 1.0 * t + 2.0 * noise).round().max(0.0)),
                    "",
                )?,
                "ST-SPDM" => push(
                    &province,
                    p,
                    number((6.0 + 2.2 * t + 2.0 * noise).round().max(0.0)),
                    "",
                )?,
                "ST-UDKQ" => {
                    let (num, den) = applied_share(&research, p.start(), p.end(), today);
                    if den > 0 {
                        push(
                            &province,
                            p,
                            ValueInput {
                                value: None,
                                numerator: Some(Decimal::from(num)),
                                denominator: Some(Decimal::from(den)),
                            },
                            "Tính từ sổ theo dõi kết quả nghiên cứu",
                        )?
                    }
                }
                // Short of 70% in 2025.
                "CQ-PDG" => push(&province, p, ratio(20.0 + 12.0 * t + noise, 1_850.0), "")?,
                // Reaches 100% by the end of 2025.
                "CQ-TTR" => push(&province, p, ratio((60.0 + 14.0 * t).min(100.0), 420.0), "")?,
                "XH-DVS" if p.start() < two_tier => push(
                    &province,
                    p,
                    ratio(40.0 + 8.5 * t + noise, 1_250_000.0),
                    "Tỉnh tổng hợp (trước sắp xếp)",
                )?,
                "XH-DVS" => {
                    for (k, c) in communes.iter().enumerate() {
                        let offset = ((k * 29) % 21) as f64 - 10.0;
                        let adults = (populations[k] as f64 * ADULT_SHARE).round();
                        push(
                            &c.code,
                            p,
                            ratio(40.0 + 8.5 * t + offset + noise, adults),
                            "",
                        )?;
                    }
                }
                "KT-SME" => push(
                    &province,
                    p,
                    ratio(25.0 + 6.0 * t, 6_400.0),
                    "Điều tra doanh nghiệp",
                )?,
                // Published: 42.92 % of GRDP in 2022 for Thái Nguyên before the merger, second
                // in the country after Bắc Ninh, mostly electronics manufacturing (Báo cáo
                // thường niên kinh tế số Việt Nam 2022, Ban Kinh tế Trung ương and the Ministry
                // of Information and Communications; reported by Việt Nam Hội nhập on
                // 25/07/2024). The later years are illustrative, a little higher each year, so
                // the plan's 40 % for 2030 shows as met early.
                "KT-KTS" => {
                    let grdp = 160_000.0 + 9_000.0 * t;
                    push(
                        &province,
                        p,
                        ratio(41.0 + 0.7 * t, grdp),
                        "Ước tính theo phương pháp của Báo cáo kinh tế số",
                    )?
                }
                _ => {}
            }
        }
    }
    // Past periods were accepted by the standing office (and are locked); each indicator's
    // latest period is still open: drafts, which their units' reports will send.
    let latest = |v: &NewValue| {
        let freq = v.value.period.kind();
        v.value.period == Period::last_complete(freq, today)
    };
    let (open, closed): (Vec<NewValue>, Vec<NewValue>) = values.into_iter().partition(latest);
    let mut n = store
        .upsert_values(&closed, ValueState::Accepted, ACTOR, "dữ liệu mẫu", |_| {})
        .await?;
    n += store
        .upsert_values(&open, ValueState::Draft, ACTOR, "dữ liệu mẫu", |_| {})
        .await?;

    // Tasks: dated from today, so that every status shows whatever day the demo is loaded.
    let ago = |days: u64| today - Days::new(days);
    let ahead = |days: u64| today + Days::new(days);
    let year = today.year();
    let tasks: [DemoTask; 10] = [
        (
            "NV-01",
            "Phủ sóng 5G tại các khu công nghiệp Yên Bình, Sông Công, Điềm Thụy",
            "TN.SKHCN",
            &["TN.VNPT", "TN.VIETTEL", "TN.BQLKCN"],
            ago(300),
            ago(60),
            Some(ago(75)),
            "Báo cáo nghiệm thu phủ sóng",
            &["HT-5G"],
        ),
        (
            "NV-02",
            "Đào tạo kỹ năng số cơ bản cho cán bộ, công chức cấp xã sau sắp xếp",
            "TN.SNV",
            &["TN.SKHCN"],
            ago(330),
            ago(120),
            Some(ago(95)),
            "Danh sách học viên đạt chuẩn",
            &["NL-CBX"],
        ),
        (
            "NV-03",
            "Rà soát, tái cấu trúc quy trình thủ tục hành chính không phụ thuộc địa giới",
            "TN.VPUB",
            &["TN.STP"],
            ago(200),
            ahead(45),
            None,
            "Quyết định công bố danh mục thủ tục",
            &["CQ-PDG"],
        ),
        (
            "NV-04",
            "Xây dựng Trung tâm dữ liệu tỉnh và nền tảng tích hợp, chia sẻ dữ liệu",
            "TN.SKHCN",
            &["TN.STC", "TN.CA"],
            ago(400),
            ago(20),
            None,
            "Trung tâm dữ liệu vận hành",
            &[],
        ),
        (
            "NV-05",
            "Hỗ trợ hình thành doanh nghiệp khoa học và công nghệ",
            "TN.SKHCN",
            &["TN.DHTN"],
            ago(250),
            ahead(120),
            None,
            "Giấy chứng nhận doanh nghiệp KH&CN",
            &["ST-DNKHCN"],
        ),
        (
            "NV-06",
            "Chương trình chuyển đổi số cho doanh nghiệp nhỏ và vừa",
            "TN.SCT",
            &["TN.SKHCN"],
            ago(280),
            ago(30),
            Some(ago(30)),
            "Báo cáo kết quả hỗ trợ",
            &["KT-SME"],
        ),
        (
            "NV-07",
            "Cung cấp dịch vụ công trực tuyến toàn trình lĩnh vực đào tạo, nghiên cứu, sản xuất, kinh doanh",
            "TN.VPUB",
            &["TN.SGDDT", "TN.SCT"],
            d(year - 1, 1, 15),
            d(year - 1, 12, 31),
            Some(d(year - 1, 12, 20)),
            "Thủ tục được cung cấp toàn trình",
            &["CQ-TTR"],
        ),
        (
            "NV-08",
            "Bố trí kinh phí chi cho KH,CN, ĐMST và CĐS trong dự toán ngân sách",
            "TN.STC",
            &["TN.SKHCN"],
            ago(150),
            ago(10),
            None,
            "Dự toán được HĐND tỉnh thông qua",
            &["DT-GRDP"],
        ),
        (
            "NV-09",
            "Phổ cập dịch vụ số thiết yếu về y tế, giáo dục cho người dân",
            "TN.SKHCN",
            &["TN.SYT", "TN.SGDDT", "TN.BHXH"],
            ago(100),
            ahead(200),
            None,
            "Tỷ lệ người dân sử dụng dịch vụ số",
            &["XH-DVS"],
        ),
        (
            "NV-10",
            "Ứng dụng chữ ký số và hồ sơ điện tử tại phường",
            "5443",
            &[],
            ago(90),
            ago(5),
            Some(ago(2)),
            "Hồ sơ điện tử hoàn chỉnh",
            &[],
        ),
    ];
    for (code_, title, lead, coord, start_, deadline, done, product, inds) in tasks {
        let mut updates = vec![TaskUpdate {
            on: start_ + Days::new(30),
            progress: 20,
            note: "Đã xây dựng kế hoạch chi tiết".into(),
            author: "demo".into(),
            difficulties: String::new(),
            proposals: String::new(),
            id: 0,
            handled: None,
        }];
        if let Some(c) = done {
            updates.push(TaskUpdate {
                on: c,
                progress: 100,
                note: "Hoàn thành".into(),
                author: "demo".into(),
                difficulties: String::new(),
                proposals: String::new(),
                id: 0,
                handled: None,
            });
        } else if start_ + Days::new(60) <= today {
            updates.push(TaskUpdate {
                on: start_ + Days::new(60),
                progress: 55,
                note: "Đang triển khai".into(),
                author: "demo".into(),
                difficulties: "Thiếu kinh phí đối ứng; nhân lực kỹ thuật mỏng".into(),
                proposals: "Đề nghị Sở Tài chính bố trí kinh phí trong quý tới".into(),
                id: 0,
                handled: None,
            });
        }
        store
            .upsert_task(
                &Task {
                    edition: Default::default(),
                    code: code_.into(),
                    title: title.into(),
                    plan: plan.plan.code.clone(),
                    year: deadline.year(),
                    lead_unit: code(lead),
                    coordinating_units: coord.iter().map(|c| code(c)).collect(),
                    start: start_,
                    deadline,
                    expected_product: product.into(),
                    indicators: inds.iter().map(|s| s.to_string()).collect(),
                    completed_on: done,
                    updates,
                    // The first items come from the committee's first conclusion notice.
                    source: if ["NV-01", "NV-02", "NV-03"].contains(&code_) {
                        crate::committee::first_notice()
                    } else {
                        Default::default()
                    },
                    cancelled: None,
                    product_defect: None,
                    funding: None,
                },
                ACTOR,
            )
            .await?;
    }

    crate::committee::load(store).await?;
    store
        .upsert_tasks(
            &crate::committee::more_tasks(&plan.plan.code, &communes, today),
            ACTOR,
        )
        .await?;
    store
        .upsert_tasks(
            &crate::committee::last_year_tasks(&plan.plan.code, &communes, today),
            ACTOR,
        )
        .await?;
    crate::committee::last_year_rubric(store, &communes, today).await?;

    // Accounts. Passwords are random and shown once, here, never logged.
    let accounts = [
        ("admin", "Quản trị hệ thống", Role::Admin, "19"),
        (
            "thuongtruc",
            "Văn phòng thường trực Ban Chỉ đạo",
            Role::Secretariat,
            "19",
        ),
        ("lanhdao", "Lãnh đạo UBND tỉnh", Role::Viewer, "19"),
        ("giamdoc.skhcn", "Giám đốc Sở KH&CN", Role::Head, "TN.SKHCN"),
        (
            "baocao.skhcn",
            "Cán bộ báo cáo Sở KH&CN",
            Role::Reporter,
            "TN.SKHCN",
        ),
        (
            "chutich.5443",
            "Chủ tịch UBND phường Phan Đình Phùng",
            Role::Head,
            "5443",
        ),
        (
            "baocao.5443",
            "Cán bộ báo cáo phường Phan Đình Phùng",
            Role::Reporter,
            "5443",
        ),
    ];
    let mut printed = Vec::new();
    for (login, name, role, unit) in accounts {
        let password: String = (0..16)
            .map(|_| {
                const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
                CHARS[rand::rng().random_range(0..CHARS.len())] as char
            })
            .collect();
        store
            .add_user(
                &NewUser {
                    login,
                    display_name: name,
                    role,
                    unit: &code(unit),
                    password: &password,
                    email: None,
                },
                ACTOR,
            )
            .await?;
        printed.push((login, role, unit, password));
    }
    // Accounts with printed passwords are for trying the system out: none must enrol an
    // authenticator before its first page. Anyone may still turn two-step sign-in on, and an
    // administrator may require it on /admin.
    store
        .set_two_factor_policy(
            &chitieu_store::TwoFactorPolicy {
                roles: Vec::new(),
                remember_days: 30,
            },
            ACTOR,
        )
        .await?;
    crate::reports::load(store, today).await?;
    store.set_meta(MARK, &today.to_string()).await?;
    Ok(Some(Loaded {
        values: n,
        research: research.len(),
        accounts: printed,
    }))
}
