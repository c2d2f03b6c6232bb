//! Administration: targets, heads, accounts, tokens; and who is calling.

use super::*;

/// The caller, when their role administers; before anything of the request is parsed.
pub(super) fn administer(c: &Caller) -> Result<SessionUser, ApiError> {
    let me = c.user()?;
    if !role_allows(me.role, Action::Administer) {
        return Err(ApiError::forbidden());
    }
    Ok(me.clone())
}

/// A target as a client sends it; the value read exactly.
#[derive(Deserialize)]
pub(super) struct TargetIn {
    indicator: String,
    unit: String,
    year: i32,
    comparator: String,
    value: FigureText,
    wording: String,
}

/// A target, new or changed (admin and secretariat, at a unit within their scope).
pub(super) async fn set_target(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TargetIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let t = body.parse()?;
    let value = chitieu_domain::value::parse_figure("value", &t.value.0)
        .map_err(|e| ApiError::invalid(e.to_string()))?
        .ok_or_else(|| ApiError::invalid("value: thiếu giá trị mục tiêu"))?;
    let target = chitieu_domain::Target {
        indicator: t.indicator,
        unit: UnitCode::parse(&t.unit).map_err(ApiError::invalid)?,
        year: t.year,
        comparator: t.comparator.parse().map_err(ApiError::invalid)?,
        value,
        wording: t.wording,
    };
    actions::set_target(&s.app, &me, &target).await?;
    Ok(Json(Done { ok: true }))
}

/// A head's term of office (admin and secretariat, within their scope); terms of one unit
/// must not overlap.
pub(super) async fn add_head(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<chitieu_domain::Head>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let h = body.parse()?;
    actions::add_head(&s.app, &me, &h).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize)]
pub(super) struct UserIn {
    login: String,
    name: Option<String>,
    role: Role,
    unit: String,
    password: String,
}

/// An account (admin and secretariat): never a role above the creator's, never a unit
/// outside the creator's scope.
pub(super) async fn add_user(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<UserIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let u = body.parse()?;
    let unit = UnitCode::parse(&u.unit).map_err(ApiError::invalid)?;
    actions::add_user(
        &s,
        &me,
        &chitieu_store::NewUser {
            login: &u.login,
            display_name: u.name.as_deref().unwrap_or(&u.login),
            role: u.role,
            unit: &unit,
            password: &u.password,
        },
    )
    .await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Serialize)]
pub(super) struct MeJson {
    login: String,
    name: String,
    role: Role,
    unit: String,
}

pub(super) async fn me(c: Caller) -> ApiResult<MeJson> {
    let u = c.user()?;
    Ok(Json(MeJson {
        login: u.login.clone(),
        name: u.display_name.clone(),
        role: u.role,
        unit: u.unit.to_string(),
    }))
}

#[derive(Serialize)]
pub(super) struct UserJson {
    login: String,
    role: Role,
    unit: String,
}

/// Accounts within the administrator's scope.
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

#[derive(Deserialize)]
pub(super) struct TokenIn {
    name: String,
    role: Role,
    unit: String,
}

#[derive(Serialize)]
pub(super) struct TokenOut {
    name: String,
    /// Shown once; only its hash is stored.
    token: String,
}

/// An administrator creates a token for a machine client, scoped like a user and never
/// wider than the administrator.
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
    let unit = UnitCode::parse(&body.unit).map_err(ApiError::invalid)?;
    let token = actions::create_token(&s.app, &me, &body.name, body.role, &unit).await?;
    Ok(Json(TokenOut {
        name: body.name.trim().to_string(),
        token,
    }))
}

/// Tokens within the administrator's reach, without their secrets.
pub(super) async fn list_tokens(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<Vec<chitieu_store::TokenInfo>> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(actions::tokens(&s.app, &me).await?))
}

/// Revokes a token by name: it stops working at once.
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
