//! The benchmark's people: an account of each role, signed in, at the unit it works at.

use anyhow::Result;
use chitieu_domain::UnitCode;
use chitieu_store::{Role, Store};

/// One data set's server and the places its people work at.
pub(super) struct Set<'a> {
    pub(super) name: &'a str,
    pub(super) owner: &'a UnitCode,
    pub(super) province: &'a UnitCode,
    pub(super) commune: &'a UnitCode,
    pub(super) indicator: &'a str,
}

/// A signed-in session's cookie header for each role, at the unit where it works.
pub(super) async fn cookies(
    store: &Store,
    set: &Set<'_>,
) -> Result<Vec<(Role, (&'static str, String))>> {
    let mut out = Vec::new();
    for (role, unit) in [
        (Role::Viewer, set.owner),
        (Role::Secretariat, set.owner),
        (Role::Admin, set.owner),
        (Role::Head, set.province),
        (Role::Reporter, set.commune),
    ] {
        let session = signed_in(store, role, unit).await?;
        let cookie = format!("{}={session}", chitieu_web::auth::SESSION_COOKIE);
        out.push((role, ("cookie", cookie)));
    }
    Ok(out)
}

/// Adds an account of `role` at `unit` with a random password and signs it in: the
/// session token. The benchmark's accounts sign in with the password alone.
pub(crate) async fn signed_in(store: &Store, role: Role, unit: &UnitCode) -> Result<String> {
    let password: String = (0..24)
        .map(|_| char::from(b'a' + rand::random_range(0..26u8)))
        .collect();
    let login = format!("bench.{}.{}", role.as_str(), unit.as_str().to_lowercase());
    store
        .set_two_factor_policy(
            &chitieu_store::TwoFactorPolicy {
                roles: vec![],
                remember_days: 30,
            },
            "bench",
        )
        .await?;
    store
        .add_user(
            &chitieu_store::NewUser {
                login: &login,
                display_name: "Bench",
                role,
                unit,
                password: &password,
                email: None,
            },
            "bench",
        )
        .await?;
    match store
        .sign_in(&login, &password, &Default::default())
        .await?
    {
        chitieu_store::SignIn::Open(token) => Ok(token),
        other => anyhow::bail!("sign in: {other:?}"),
    }
}
