//! Administration: targets, heads, accounts, tokens; and who is calling.

use super::common::*;

/// The caller, when their role administers; before anything of the request is parsed.
pub(super) fn administer(c: &Caller) -> Result<Actor, ApiError> {
    let me = c.user()?;
    if !role_allows(me.role, Action::Administer) {
        return Err(ApiError::forbidden());
    }
    Ok(me.clone())
}

/// A target as a client sends it; the value read exactly.
#[derive(Deserialize, ToSchema)]
pub(super) struct TargetIn {
    indicator: String,
    unit: String,
    /// The target year; for a target that holds every year, `every_year: true` with
    /// `from` and `to` (then `year`, if sent, is `from`).
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    every_year: bool,
    #[serde(default)]
    from: Option<i32>,
    #[serde(default)]
    to: Option<i32>,
    comparator: String,
    value: FigureText,
    wording: String,
}

/// A target, new or changed (admin and secretariat, at a unit within their scope).
#[utoipa::path(post, path = "/api/v1/targets", tag = "administration",
    summary = "Đặt mục tiêu",
    description = "Admin and secretariat, at a unit within their own scope: a target for indicator × unit × year, with its comparator and source wording; or one that holds every year from `from` to `to` (`every_year: true`), which replaces the recurring targets of that indicator and unit it overlaps.",
    request_body = TargetIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn set_target(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TargetIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let t = body.parse()?;
    let value = chitieu_domain::value::parse_figure(
        "value",
        &t.value.0,
        chitieu_domain::value::Notation::Exact,
    )
    .map_err(|_| {
        ApiError::from(chitieu_domain::Refusal::malformed(
            chitieu_domain::Field::Value,
            &t.value.0,
        ))
    })?
    .ok_or_else(|| {
        ApiError::from(chitieu_domain::Refusal::Required {
            field: chitieu_domain::Field::Value,
        })
    })?;
    let (year, every_year) = chitieu_domain::target::years_of(t.year, t.every_year, t.from, t.to)
        .map_err(ApiError::from)?;
    let target = chitieu_domain::Target {
        indicator: t.indicator,
        unit: UnitCode::parse(&t.unit).map_err(ApiError::from)?,
        year,
        every_year,
        comparator: t.comparator.parse().map_err(ApiError::from)?,
        value,
        wording: t.wording,
    };
    actions::set_target(&s.app, &me, &target).await?;
    Ok(Json(Done { ok: true }))
}

/// A head's term of office as a client sends it.
#[derive(Deserialize, ToSchema)]
pub(super) struct HeadIn {
    unit: String,
    person: String,
    title: String,
    term_start: chrono::NaiveDate,
    /// Last day in office; none while in office.
    #[serde(default)]
    term_end: Option<chrono::NaiveDate>,
    /// `authority` (the People's Committee chairman, a director; the default) or `party`
    /// (the Party committee secretary): each office has its own terms.
    #[serde(default)]
    office: Option<String>,
}

/// A head's term of office (admin and secretariat, within their scope); terms of one unit
/// must not overlap.
#[utoipa::path(post, path = "/api/v1/heads", tag = "administration",
    summary = "Người đứng đầu",
    description = "Admin and secretariat, at a unit within their own scope: a head's term of office; terms of one unit must not overlap.",
    request_body = HeadIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_head(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<HeadIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let h = body.parse()?;
    let h = chitieu_domain::Head {
        unit: UnitCode::parse(&h.unit).map_err(ApiError::from)?,
        person: h.person,
        title: h.title,
        term_start: h.term_start,
        term_end: h.term_end,
        office: h
            .office
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(ApiError::from)?
            .unwrap_or_default(),
    };
    actions::add_head(&s.app, &me, &h).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct UserIn {
    login: String,
    name: Option<String>,
    #[schema(value_type = String, example = "reporter")]
    role: Role,
    unit: String,
    password: String,
    /// Where notices and reminders are mailed, when the server has SMTP.
    #[serde(default)]
    email: Option<String>,
}

/// An account (admin and secretariat): never a role above the creator's, never a unit
/// outside the creator's scope.
#[utoipa::path(post, path = "/api/v1/users", tag = "administration",
    summary = "Thêm người dùng",
    description = "Admin and secretariat: an account never with a role above the creator's, nor at a unit outside the creator's scope.",
    request_body = UserIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_user(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<UserIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let u = body.parse()?;
    let unit = UnitCode::parse(&u.unit).map_err(ApiError::from)?;
    actions::add_user(
        &s,
        &me,
        &chitieu_app::NewUser {
            login: &u.login,
            display_name: u.name.as_deref().unwrap_or(&u.login),
            role: u.role,
            unit: &unit,
            password: &u.password,
            email: u.email.as_deref(),
        },
    )
    .await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct MeJson {
    login: String,
    name: String,
    #[schema(value_type = String, example = "reporter")]
    role: Role,
    unit: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "administration",
    summary = "Người đang gọi",
    description = "Who the caller is: login, name, role and unit.",
    responses((status = 200, body = MeJson), (status = 401, body = Problem)))]
pub(super) async fn me(c: Caller) -> ApiResult<MeJson> {
    let u = c.user()?;
    Ok(Json(MeJson {
        login: u.login.clone(),
        name: u.display_name.clone(),
        role: u.role,
        unit: u.unit.to_string(),
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct UserJson {
    login: String,
    #[schema(value_type = String, example = "reporter")]
    role: Role,
    unit: String,
}

/// Accounts within the administrator's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "administration",
    summary = "Người dùng",
    description = "Accounts within the administrator's scope.",
    responses((status = 200, body = Vec<UserJson>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn users(State(s): State<AppState>, c: Caller) -> ApiResult<Vec<UserJson>> {
    let me = administer(&c)?;
    Ok(Json(
        actions::users(&s.app, &me)
            .await?
            .into_iter()
            .map(|(login, role, unit)| UserJson {
                login,
                role,
                unit: unit.to_string(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct TokenIn {
    name: String,
    #[schema(value_type = String, example = "reporter")]
    role: Role,
    unit: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct TokenOut {
    name: String,
    /// Shown once; only its hash is stored.
    token: String,
}

/// An administrator creates a token for a machine client, scoped like a user and never
/// wider than the administrator.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "administration",
    summary = "Tạo token",
    description = "An administrator creates a bearer token for a machine client, scoped like a user, never with a role or unit wider than the administrator's. The token is returned once.",
    request_body = TokenIn,
    responses((status = 200, body = TokenOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_token(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TokenIn>,
) -> ApiResult<TokenOut> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    let body = body.parse()?;
    let unit = UnitCode::parse(&body.unit).map_err(ApiError::from)?;
    let token = actions::create_token(&s.app, &me, &body.name, body.role, &unit).await?;
    Ok(Json(TokenOut {
        name: body.name.trim().to_string(),
        token,
    }))
}

/// Tokens within the administrator's reach, without their secrets.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "administration",
    summary = "Danh sách token",
    description = "Administrators: tokens within their reach, never the tokens themselves.",
    responses((status = 200, body = Vec<TokenInfoOut>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn list_tokens(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<Vec<TokenInfoOut>> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(
        actions::tokens(&s.app, &me)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Revokes a token by name: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{name}", tag = "administration",
    summary = "Thu hồi token",
    description = "Administrators: revokes a token within their reach; it stops working at once. Revoking a revoked token changes nothing.",
    params(("name" = String, Path, description = "The token's name")),
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn revoke_token(
    State(s): State<AppState>,
    c: Caller,
    name: ApiPath,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    let name = name.parse()?;
    actions::revoke_token(&s.app, &me, &name).await?;
    Ok(Json(Done { ok: true }))
}
