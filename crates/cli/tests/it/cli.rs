use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;
use std::process::Command;

db_tests!(
    init_then_serve_lists_every_indicator_and_target,
    init_is_idempotent,
    national_map_import_is_complete_and_idempotent,
    broken_national_map_changes_nothing,
    importing_the_map_keeps_the_demos_populations,
    demo_loads_once_with_accounts_heads_and_tasks,
    user_add_reads_password_from_stdin,
    another_province_loads_its_own_plan,
    another_provinces_plan_on_a_thai_nguyen_database_changes_nothing,
    the_documented_second_province_loads,
    a_trusted_proxy_that_is_not_an_address_is_refused,
    a_database_without_a_plan_is_not_served_and_logs_say_each_migration,
);

async fn init_then_serve_lists_every_indicator_and_target(db: &TestDb) {
    ok(db, &["init"]);
    let (server, base) = serve(db);
    let health = get_json(&format!("{base}/healthz"));
    let list = get_json(&format!("{base}/api/v1/indicators"));
    drop(server);
    assert_eq!(health["status"], "ok");
    let inds = list.as_array().expect("array");
    assert_eq!(inds.len(), 13);
    let codes: Vec<&str> = inds.iter().map(|i| i["code"].as_str().unwrap()).collect();
    for c in [
        "HT-5G",
        "HT-CD1G",
        "DT-GRDP",
        "NL-CBX",
        "ST-DNKHCN",
        "ST-NVKH",
        "ST-SPDM",
        "ST-UDKQ",
        "CQ-PDG",
        "CQ-TTR",
        "XH-DVS",
        "KT-SME",
        "KT-KTS",
    ] {
        assert!(codes.contains(&c), "{c} missing");
    }
    let mut targets = 0;
    for i in inds {
        for key in ["name", "unit_of_measure", "group"] {
            assert!(
                !i[key].as_str().unwrap_or("").is_empty(),
                "{} has no {key}",
                i["code"]
            );
        }
        for t in i["targets"].as_array().unwrap() {
            targets += 1;
            assert!(t["year"].is_i64());
            assert!([">", ">=", "=", "<=", "<"].contains(&t["comparator"].as_str().unwrap()));
            // Exact decimals leave the API as strings of their digits.
            let v = t["value"].as_str().unwrap();
            assert!(
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
                "{v}"
            );
            assert_eq!(t["unit"], "19");
            assert!(!t["wording"].as_str().unwrap().is_empty());
        }
    }
    // 14 dated targets and ST-SPDM's "every year > 60" for 2026–2030, one entry a year.
    assert_eq!(targets, 19);
    let spdm = inds.iter().find(|i| i["code"] == "ST-SPDM").unwrap();
    let years: Vec<i64> = spdm["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["every_year"], true, "{t}");
            assert_eq!(
                (t["from"].as_i64(), t["to"].as_i64()),
                (Some(2026), Some(2030))
            );
            assert_eq!(t["comparator"], ">");
            assert_eq!(t["value"], "60");
            t["year"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(years, (2026..=2030).collect::<Vec<_>>());
    let g5 = inds.iter().find(|i| i["code"] == "HT-5G").unwrap();
    assert_eq!(g5["targets"][0]["year"], 2025);
    assert_eq!(g5["targets"][0]["comparator"], ">");
    assert_eq!(g5["targets"][0]["value"], "60");
    assert!(
        g5["targets"][0]["wording"]
            .as_str()
            .unwrap()
            .contains("trên 60%")
    );
    assert_eq!(g5["targets"][1]["year"], 2030);
    assert_eq!(g5["targets"][1]["value"], "100");
    assert_eq!(g5["targets"][1]["every_year"], false);
    assert!(g5["targets"][1]["from"].is_null());
    let grdp = inds.iter().find(|i| i["code"] == "DT-GRDP").unwrap();
    assert_eq!(grdp["targets"][0]["comparator"], ">=");
    assert_eq!(grdp["targets"][0]["value"], "2");
}

async fn init_is_idempotent(db: &TestDb) {
    let first = ok(db, &["init"]);
    assert!(first.contains("13 chỉ tiêu"), "{first}");
    let units1 = ok(db, &["units", "list", "--parent", "19", "--json"]);
    // --db is accepted before the subcommand as well as after it.
    let out = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(["--db", &db.url, "init"])
        .env_remove("CHITIEU_DB")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("không có gì thay đổi"));
    let second = ok(db, &["init"]);
    assert!(second.contains("không có gì thay đổi"), "{second}");
    let units2 = ok(db, &["units", "list", "--parent", "19", "--json"]);
    assert_eq!(units1, units2);
    let store = db.store().await;
    let plan = store.plan_file().await.unwrap().unwrap();
    assert_eq!(plan.indicators.len(), 13);
    assert_eq!(plan.targets.len(), 19);
    // The recurring target survives the round trip through the store.
    assert!(
        plan.targets
            .iter()
            .filter(|t| t.indicator == "ST-SPDM")
            .all(|t| t.every_year.is_some_and(|s| (s.from, s.to) == (2026, 2030)))
    );
    store.verify_audit_chain().await.unwrap();
}

async fn national_map_import_is_complete_and_idempotent(db: &TestDb) {
    ok(db, &["init"]);
    let map = national_map();
    let map = map.to_str().unwrap();
    let out = ok(db, &["units", "import", map]);
    assert!(
        out.contains("34 tỉnh/thành phố, 3.321 xã/phường/đặc khu"),
        "{out}"
    );
    let store = db.store().await;
    let counts = store.unit_counts().await.unwrap();
    let list: Value =
        serde_json::from_str(&ok(db, &["units", "list", "--parent", "19", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    let communes = list
        .iter()
        .filter(|u| u["kind"] == "commune" || u["kind"] == "ward")
        .count();
    assert_eq!(communes, 92);
    assert!(
        list.iter()
            .any(|u| u["code"] == "5443" && u["name"] == "Phường Phan Đình Phùng")
    );
    assert!(
        list.iter()
            .any(|u| u["code"] == "TN.SKHCN" && u["kind"] == "department")
    );
    let top: Value = serde_json::from_str(&ok(db, &["units", "list", "--json"])).unwrap();
    assert_eq!(top.as_array().unwrap().len(), 34);

    let again = ok(db, &["units", "import", map]);
    assert!(again.contains("thêm 0, cập nhật 0"), "{again}");
    assert_eq!(store.unit_counts().await.unwrap(), counts);
    assert_eq!(counts.kind(chitieu_domain::UnitKind::Province), 34);
    assert_eq!(
        counts.kind(chitieu_domain::UnitKind::Commune)
            + counts.kind(chitieu_domain::UnitKind::Ward),
        3321
    );
}

/// #33: importing the national map on the demo wiped the population figures of all 92
/// communes (the map carries none): an import keeps what the file does not carry.
async fn importing_the_map_keeps_the_demos_populations(db: &TestDb) {
    ok(db, &["demo"]);
    let store = db.store().await;
    let populations =
        |units: Vec<chitieu_domain::Unit>| -> Vec<(String, Option<i64>, Option<i64>)> {
            let mut v: Vec<_> = units
                .into_iter()
                .filter(|u| u.kind.is_commune_level())
                .map(|u| (u.code.to_string(), u.population, u.officials))
                .collect();
            v.sort();
            v
        };
    let before = populations(store.all_units().await.unwrap());
    assert!(
        before.iter().filter(|(_, p, _)| p.is_some()).count() >= 92,
        "the demo's communes have populations: {before:?}"
    );
    ok(db, &["units", "import", national_map().to_str().unwrap()]);
    let after = populations(store.all_units().await.unwrap());
    let kept: Vec<_> = after
        .iter()
        .filter(|(c, _, _)| before.iter().any(|(b, _, _)| b == c))
        .cloned()
        .collect();
    assert_eq!(kept, before);
}

async fn broken_national_map_changes_nothing(db: &TestDb) {
    ok(db, &["init"]);
    let store = db.store().await;
    let before = store.unit_counts().await.unwrap();
    let text = std::fs::read_to_string(national_map()).unwrap();
    // Break one record far into the file: a ward with an empty name.
    let broken = text.replacen("\"name\": \"Phường Phan Đình Phùng\"", "\"name\": \"\"", 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, broken).unwrap();
    let err = fails(db, &["units", "import", path.to_str().unwrap()]);
    assert!(err.contains("broken.json"), "{err}");
    assert!(err.contains("mã 5443"), "{err}");
    assert!(err.contains("\"name\""), "{err}");
    assert_eq!(store.unit_counts().await.unwrap(), before);
    // A record missing a field: the JSON line is named.
    let missing = text.replacen("\"code\": 5443,", "", 1);
    std::fs::write(&path, missing).unwrap();
    let err = fails(db, &["units", "import", path.to_str().unwrap()]);
    assert!(err.contains("dòng") && err.contains("code"), "{err}");
    assert_eq!(store.unit_counts().await.unwrap(), before);
}

async fn demo_loads_once_with_accounts_heads_and_tasks(db: &TestDb) {
    let out = ok(db, &["demo"]);
    assert!(out.contains("admin") && out.contains("mật khẩu:"), "{out}");
    let store = db.store().await;
    let heads = store.heads().await.unwrap();
    let today = chitieu_store::testing::test_clock().today();
    let province = chitieu_domain::UnitCode::province(19);
    let chairs: Vec<_> = heads.iter().filter(|h| h.unit == province).collect();
    assert!(chairs.len() >= 2, "a change of head at the province");
    assert!(chitieu_domain::head::head_on(&heads, &province, today).is_some());
    let statuses: std::collections::HashSet<_> = store
        .tasks()
        .await
        .unwrap()
        .iter()
        .map(|t| t.status_on(today))
        .collect();
    assert_eq!(statuses.len(), 4, "every task status appears: {statuses:?}");
    // Values for every indicator.
    let catalog = store.catalog().await.unwrap();
    let values = store.values(&Default::default()).await.unwrap();
    for code in catalog.indicators.keys() {
        assert!(
            values.iter().any(|v| &v.indicator == code),
            "no demo values for {code}"
        );
    }
    assert!(values.iter().any(|v| v.period.year_number() == 2023));
    assert!(
        values.iter().any(|v| v.unit.as_str() == "5443"),
        "communes report too"
    );
    // Run again: nothing changes, no new passwords.
    let again = ok(db, &["demo"]);
    assert!(!again.contains("mật khẩu:"), "{again}");
    assert_eq!(
        store.values(&Default::default()).await.unwrap().len(),
        values.len()
    );
    assert_eq!(store.user_logins().await.unwrap().len(), 7);
    store.verify_audit_chain().await.unwrap();
}

async fn user_add_reads_password_from_stdin(db: &TestDb) {
    ok(db, &["init"]);
    let out = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", "baocao.x", "--role", "reporter", "--unit", "05443",
        ],
        "mot-mat-khau-dai\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = db.store().await;
    let who = store
        .check_login("baocao.x", "mot-mat-khau-dai")
        .await
        .unwrap();
    assert_eq!(
        who.map(|(r, u)| (r.as_str(), u.to_string())),
        Some(("reporter", "5443".into()))
    );
    assert!(
        store
            .check_login("baocao.x", "sai-mat-khau-roi")
            .await
            .unwrap()
            .is_none()
    );
    let short = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", "y", "--role", "viewer", "--unit", "19",
        ],
        "ngan\n",
    );
    assert!(!short.status.success());
}

const HA_NOI_PLAN: &str = r#"
[plan]
code = "HN-NQ57"
name = "Kế hoạch thực hiện Nghị quyết 57 của Thành phố Hà Nội"
owner = "1"
baseline_year = 2024
start_year = 2025
end_year = 2030

[[groups]]
code = "HT"
name = "Hạ tầng số"
name_en = "Digital infrastructure"

[[units]]
code = "HN.SKHCN"
name = "Sở Khoa học và Công nghệ Hà Nội"
kind = "department"
parent = "1"
valid_from = "2025-03-01"

[[indicators]]
code = "HT-5G"
group = "HT"
name = "Tỷ lệ phủ sóng 5G"
name_en = "5G coverage"
unit_of_measure = "%"
measure = "number"
time_aggregation = "last"
unit_aggregation = "none"
direction = "increase"
natural_limit = "100"
frequency = "quarter"
reported_by = ["province"]
lead_unit = "HN.SKHCN"

[[targets]]
indicator = "HT-5G"
year = 2025
comparator = ">="
value = "90"
wording = "Tối thiểu 90% phủ sóng 5G"
"#;

async fn another_province_loads_its_own_plan(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-noi.toml");
    std::fs::write(&path, HA_NOI_PLAN).unwrap();
    let out = ok(db, &["init", "--plan", path.to_str().unwrap()]);
    assert!(out.contains("HN-NQ57"), "{out}");
    let list: Value =
        serde_json::from_str(&ok(db, &["units", "list", "--parent", "1", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.iter().any(|u| u["code"] == "HN.SKHCN"));
    assert!(
        list.iter().any(|u| u["code"] == "00004"),
        "Phường Ba Đình keeps its five digits"
    );
    let store = db.store().await;
    let plan = store.plan_file().await.unwrap().unwrap();
    assert_eq!(plan.plan.code, "HN-NQ57");
    assert_eq!(plan.indicators.len(), 1);
    // `serve` migrates and serves: it never adds Thái Nguyên's plan or units.
    let units_before = store.all_units().await.unwrap().len();
    let (mut server, base) = serve_process(db);
    let listed = get_json(&format!("{base}/api/v1/indicators"));
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(store.all_units().await.unwrap().len(), units_before);
    assert!(
        store
            .unit(&chitieu_domain::UnitCode::province(19))
            .await
            .unwrap()
            .is_none(),
        "Thái Nguyên was not added"
    );
    assert_eq!(
        store.plan_file().await.unwrap().unwrap().plan.code,
        "HN-NQ57"
    );
    // A broken plan names the file and the reason, and changes nothing.
    let bad = path.with_file_name("bad.toml");
    std::fs::write(
        &bad,
        HA_NOI_PLAN.replace("lead_unit = \"HN.SKHCN\"", "lead_unit = \"HN.KHONGCO\""),
    )
    .unwrap();
    let db2 = TestDb::sqlite();
    let err = fails(&db2, &["init", "--plan", bad.to_str().unwrap()]);
    assert!(
        err.contains("bad.toml") && err.contains("HN.KHONGCO"),
        "{err}"
    );
    // A mistyped province is refused, never loaded as a national plan over the whole map.
    std::fs::write(&bad, HA_NOI_PLAN.replace("= \"1\"", "= \"99\"")).unwrap();
    let err = fails(&db2, &["init", "--plan", bad.to_str().unwrap()]);
    assert!(err.contains("99"), "{err}");
    let units = ok(&db2, &["units", "list"]);
    assert!(!units.contains("Việt Nam"), "nothing written: {units}");
}

/// #33: `init --plan` of Lạng Sơn on a Thái Nguyên database wrote 69 of its units, then failed
/// with a raw SQL error (or said it succeeded while `serve` kept Thái Nguyên). A database holds
/// one province's plan: another is refused before anything is written, saying why. A plan
/// file's misspelt key is refused with its line, never ignored.
async fn another_provinces_plan_on_a_thai_nguyen_database_changes_nothing(db: &TestDb) {
    ok(db, &["init"]);
    let store = db.store().await;
    let units = store.all_units().await.unwrap().len();
    let audit = store.verify_audit_chain().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-noi.toml");
    std::fs::write(&path, HA_NOI_PLAN).unwrap();
    let err = fails(db, &["init", "--plan", path.to_str().unwrap()]);
    assert!(err.contains("TN-NQ57") && err.contains("HN-NQ57"), "{err}");
    assert!(err.contains("không có gì thay đổi"), "{err}");
    assert!(
        !err.to_lowercase().contains("sql"),
        "no raw database error: {err}"
    );
    assert_eq!(
        store.all_units().await.unwrap().len(),
        units,
        "no unit added"
    );
    assert!(
        store
            .unit(&chitieu_domain::UnitCode::parse("HN.SKHCN").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.plan_file().await.unwrap().unwrap().plan.code,
        "TN-NQ57"
    );
    assert_eq!(
        store.verify_audit_chain().await.unwrap(),
        audit,
        "nothing audited"
    );
    // Thái Nguyên's own plan again is fine: nothing to do.
    let again = ok(db, &["init"]);
    assert!(again.contains("không có gì thay đổi"), "{again}");

    // A misspelt key: the file, the line and the key.
    let bad = path.with_file_name("sai-khoa.toml");
    std::fs::write(
        &bad,
        HA_NOI_PLAN.replace("natural_limit = \"100\"", "natural_limt = \"100\""),
    )
    .unwrap();
    let db2 = TestDb::sqlite();
    let err = fails(&db2, &["init", "--plan", bad.to_str().unwrap()]);
    assert!(err.contains("sai-khoa.toml"), "{err}");
    assert!(err.contains("natural_limt"), "{err}");
    let line = HA_NOI_PLAN
        .lines()
        .position(|l| l.starts_with("natural_limit"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("line {line}")), "line {line}: {err}");
}

/// docs/plan-format.md's example of a second province is a plan that loads, with its
/// communes from the map.
async fn the_documented_second_province_loads(db: &TestDb) {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/plan-format.md"
    ))
    .unwrap();
    let toml = doc
        .split("```toml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lang-son.toml");
    std::fs::write(&path, toml).unwrap();
    let out = ok(db, &["init", "--plan", path.to_str().unwrap()]);
    assert!(out.contains("LS-NQ57 (1 chỉ tiêu, 1 mục tiêu)"), "{out}");
    let list: Value =
        serde_json::from_str(&ok(db, &["units", "list", "--parent", "20", "--json"])).unwrap();
    assert!(
        list.as_array().unwrap().len() > 60,
        "Lạng Sơn's communes: {list}"
    );
}

/// #33: `serve --trusted-proxy` takes addresses and CIDR ranges; anything else stops it with
/// the value named, before it listens.
async fn a_trusted_proxy_that_is_not_an_address_is_refused(db: &TestDb) {
    ok(db, &["init"]);
    let err = fails(
        db,
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--trusted-proxy",
            "proxy.local",
        ],
    );
    assert!(err.contains("proxy.local") && err.contains("CIDR"), "{err}");
}

/// #33: a mistyped SQLite path created and served an empty system; `serve` now refuses a
/// database with no plan and says what to run. Each migration is one log line, without
/// colour codes when the log is not a terminal, or JSON on request; a ready probe says
/// whether a plan is loaded.
async fn a_database_without_a_plan_is_not_served_and_logs_say_each_migration(db: &TestDb) {
    let out = chitieu_env(
        db,
        &["serve", "--bind", "127.0.0.1:0"],
        &[("RUST_LOG", "info")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("chưa có kế hoạch") && err.contains("chitieu init"),
        "{err}"
    );
    assert!(err.contains("migration=m0001_initial"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "no colour codes in a log file: {err}"
    );
    let fresh = TestDb::sqlite();
    let json = chitieu_env(
        &fresh,
        &["units", "list"],
        &[("RUST_LOG", "info"), ("CHITIEU_LOG_FORMAT", "json")],
    );
    let logged: Vec<Value> = String::from_utf8_lossy(&json.stderr)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        logged
            .iter()
            .any(|l| l["fields"]["migration"] == "m0035_account_life_cycle"),
        "{logged:?}"
    );
    ok(db, &["init"]);
    let (server, base) = serve(db);
    assert_eq!(get_json(&format!("{base}/readyz"))["status"], "ready");
    drop(server);
}

/// #33: with PostgreSQL down the command waited 30 s and said "pool timed out": the cause is
/// said at once.
#[test]
fn an_unreachable_postgresql_is_said_at_once() {
    let started = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args([
            "units",
            "list",
            "--db",
            "postgres://postgres@127.0.0.1:1/test",
        ])
        .env_remove("CHITIEU_DB")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Connection refused"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
