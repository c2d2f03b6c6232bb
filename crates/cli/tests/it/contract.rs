//! The API's contract: the generated OpenAPI document is a valid OpenAPI 3.1 document, it
//! lists every route, and what each route really answers validates against the schema the
//! document gives for it (each GET route's 200, and errors as problem details).

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(every_route_answers_as_documented);

/// The schema the document gives for `method path` answering `status` (as `content_type`),
/// as a JSON Schema whose `#/components/schemas/…` references resolve.
fn response_schema(
    doc: &Value,
    method: &str,
    path: &str,
    status: &str,
    content_type: &str,
) -> Value {
    let schema =
        doc["paths"][path][method]["responses"][status]["content"][content_type]["schema"].clone();
    assert!(
        !schema.is_null(),
        "the document gives no {content_type} schema for {method} {path} {status}"
    );
    let mut root = serde_json::json!({ "components": doc["components"].clone() });
    // The response's own schema at the root, beside the components it refers to.
    if let (Some(r), Some(s)) = (root.as_object_mut(), schema.as_object()) {
        for (k, v) in s {
            r.insert(k.clone(), v.clone());
        }
    }
    root
}

fn validates(schema: &Value, instance: &Value, what: &str) {
    let v = jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("{what}: schema: {e}"));
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

fn get(url: &str, token: &str) -> (u16, String, Value) {
    let mut res = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.body_mut().read_to_string().unwrap();
    (
        res.status().as_u16(),
        ct,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

async fn every_route_answers_as_documented(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = ok(
        db,
        &[
            "token", "add", "--name", "kiem-tra", "--role", "admin", "--unit", "19",
        ],
    )
    .trim()
    .to_string();
    let (server, base) = serve(db);
    let (status, _, doc) = get(&format!("{base}/api/v1/openapi.json"), &admin);
    assert_eq!(status, 200);
    // A valid OpenAPI 3.1 document (parsed by a validator of the specification).
    let spec = oas3::from_json(doc.to_string()).expect("a valid OpenAPI document");
    assert_eq!(spec.validate_version().unwrap().major, 3);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // It lists every route, and nothing else.
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let mut routed: Vec<(String, String)> = chitieu_web::api::routes()
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(routed, documented);
    // Every GET route's real answer validates against its documented schema.
    let sample = |pattern: &str| {
        pattern.replace("{year}", "2025").replace(
            "{code}",
            if pattern.starts_with("/api/v1/indicators") {
                "HT-5G"
            } else if pattern.starts_with("/api/v1/units") {
                "5443"
            } else if pattern.starts_with("/api/v1/committees") {
                "TN.BCD"
            } else {
                "NV-01"
            },
        )
    };
    let queries = [
        ("/api/v1/figures", "?indicator=NL-CBX&unit=19&period=2025"),
        ("/api/v1/values", "?unit=5443"),
        ("/api/v1/units", "?parent=19"),
        ("/api/v1/assessment", "?method=opensdg"),
    ];
    let mut checked = 0;
    for (method, pattern, _) in chitieu_web::api::routes() {
        if method != axum::http::Method::GET || pattern == "/api/v1/openapi.json" {
            continue;
        }
        let query = queries
            .iter()
            .find(|(p, _)| *p == pattern)
            .map_or("", |(_, q)| q);
        let (status, ct, body) = get(&format!("{base}{}{query}", sample(pattern)), &admin);
        assert_eq!(status, 200, "GET {pattern}: {body}");
        assert!(ct.starts_with("application/json"), "GET {pattern}: {ct}");
        let schema = response_schema(&doc, "get", pattern, "200", "application/json");
        validates(&schema, &body, &format!("GET {pattern}"));
        checked += 1;
    }
    assert!(checked >= 12, "{checked} routes checked");
    // Errors are problem details as documented: a 404, a 401, a 422 with its items.
    let (status, ct, body) = get(&format!("{base}/api/v1/units/99999"), &admin);
    assert_eq!(status, 404);
    assert!(ct.starts_with("application/problem+json"));
    let problem = response_schema(
        &doc,
        "get",
        "/api/v1/units/{code}",
        "404",
        "application/problem+json",
    );
    validates(&problem, &body, "404");
    let (status, _, body) = get(&format!("{base}/api/v1/me"), "ct_sai");
    assert_eq!(status, 401);
    validates(&problem, &body, "401");
    let problem_doc = problem.clone();
    let mut res = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .post(&format!("{base}/api/v1/values"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(r#"{"values":[{"indicator":"HT-XX","unit":"19","period":"2025Q1","value":1}]}"#)
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
    let schema = response_schema(
        &doc,
        "post",
        "/api/v1/values",
        "422",
        "application/problem+json",
    );
    validates(&schema, &body, "422");
    assert!(body["errors"].is_array());
    // Every refusal is a problem with a documented code and a real English message.
    let codes: Vec<&str> = doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
        .as_array()
        .expect("the document lists the problem codes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(codes.contains(&"year_out_of_range") && codes.contains(&"stale"));
    let call = |method: &str, path: &str, body: Option<&str>| -> (u16, Value) {
        let (status, _, v) = api(
            method,
            &format!("{base}{path}"),
            Some(&admin),
            body.map(|b| ("application/json", b)),
        );
        (status, v)
    };
    let task = r#"{"code":"NV-HOP-DONG","title":"Rà soát","lead_unit":"5443","start":"2026-03-01","deadline":"2026-09-30","expected_product":"Báo cáo"}"#;
    assert_eq!(call("POST", "/api/v1/tasks", Some(task)).0, 200);
    let retitle = r#"{"title":"Rà soát lần hai","version":1}"#;
    assert_eq!(
        call("PATCH", "/api/v1/tasks/NV-HOP-DONG", Some(retitle)).0,
        200
    );
    let refusals: [(&str, &str, Option<&str>, u16, &str); 13] = [
        // A period not over is the request's mistake (422), not a record's state (409).
        (
            "POST",
            "/api/v1/reports/BC57-XA-QUY/5443/2026Q4/submit",
            Some("{}"),
            422,
            "period_not_over",
        ),
        (
            "GET",
            "/api/v1/assessment?as_of=9999-01-01",
            None,
            400,
            "year_out_of_range",
        ),
        (
            "GET",
            "/api/v1/assessment?method=sdg",
            None,
            400,
            "not_one_of",
        ),
        (
            "GET",
            "/api/v1/figures?indicator=NL-CBX&unit=19&period=2025Q5",
            None,
            400,
            "bad_period",
        ),
        ("GET", "/api/v1/units/99999", None, 404, "not_found"),
        (
            "POST",
            "/api/v1/tasks",
            Some(
                r#"{"code":"NV-NGUOC","title":"Ngược","lead_unit":"5443","start":"2026-09-01","deadline":"2026-03-01"}"#,
            ),
            422,
            "date_before",
        ),
        ("POST", "/api/v1/tasks", Some(task), 422, "duplicate"),
        (
            "PATCH",
            "/api/v1/tasks/NV-HOP-DONG",
            Some(retitle),
            409,
            "stale",
        ),
        (
            "POST",
            "/api/v1/values",
            Some(r#"{"state":"submitted","values":[]}"#),
            422,
            "not_one_of",
        ),
        (
            "POST",
            "/api/v1/targets",
            Some(
                r#"{"indicator":"HT-5G","unit":"19","year":2150,"comparator":">","value":"1","wording":"x"}"#,
            ),
            422,
            "year_out_of_range",
        ),
        (
            "POST",
            "/api/v1/targets",
            Some(
                r#"{"indicator":"HT-5G","unit":"19","year":2027,"comparator":"~","value":"1","wording":"x"}"#,
            ),
            422,
            "not_one_of",
        ),
        (
            "POST",
            "/api/v1/evaluation/hai-nghin/freeze",
            Some(""),
            422,
            "malformed",
        ),
        (
            "POST",
            "/api/v1/tokens",
            Some(r#"{"name":"kiem-tra","role":"viewer","unit":"19"}"#),
            422,
            "duplicate",
        ),
    ];
    for (method, path, body, status, code) in refusals {
        let (got, problem) = call(method, path, body);
        let what = format!("{method} {path}");
        assert_eq!(got, status, "{what}: {problem}");
        assert_eq!(problem["code"], code, "{what}: {problem}");
        assert!(codes.contains(&code), "{what}: {code} is documented");
        let (vi, en) = (
            problem["message"].as_str().unwrap_or(""),
            problem["message_en"].as_str().unwrap_or(""),
        );
        assert!(
            !en.is_empty() && en != vi && !en.contains("see the Vietnamese message"),
            "{what}: English message {en:?} beside {vi:?}"
        );
        validates(&problem_doc, &problem, &what);
    }

    drop(server);
}
