//! `chitieu user add|passwd|reset|disable|enable|remove`, `chitieu token add|list|revoke`:
//! accounts over their life, and tokens.

use anyhow::{Result, bail};
use chitieu_domain::UnitCode;
use chitieu_domain::permission::Role;
use clap::Subcommand;
use std::io::Read;

use crate::{ACTOR, open};

#[derive(Subcommand)]
pub enum TokenCmd {
    /// List tokens (never the tokens themselves): name, role, unit, creator, revoked.
    List,
    /// Revoke a token by name: it stops working at once, on every app instance.
    Revoke { name: String },
    /// Create a bearer token for a machine client, scoped like a user; printed once.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["admin", "secretariat", "head", "reporter", "viewer"])]
        role: String,
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user. On a terminal the password is asked for twice, not shown; otherwise it is
    /// read from standard input (first line), for scripts.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long, value_parser = ["admin", "secretariat", "head", "reporter", "viewer"])]
        role: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        name: Option<String>,
        /// Where notices and reminders are mailed (when the server has SMTP).
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a new password for an account (asked as for `add`); its sessions end.
    Passwd {
        #[arg(long)]
        login: String,
    },
    /// Reset a forgotten password: prints a one-time code, once; the person signs in with it
    /// and sets a new password before anything else. The account's sessions end.
    Reset {
        #[arg(long)]
        login: String,
    },
    /// Disable an account: its sessions end at once, on every server, and it cannot sign in.
    Disable {
        #[arg(long)]
        login: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        login: String,
    },
    /// Remove an account for good: it never signs in again; its login and name stay in the
    /// history, and nothing it wrote is lost.
    Remove {
        #[arg(long)]
        login: String,
    },
    /// Turn off an account's two-step sign-in (a lost phone): it signs in with its password
    /// and, where its role requires it, enrols again. Its sessions end.
    TwoFactorOff {
        #[arg(long)]
        login: String,
    },
    /// Show or set who must use two-step sign-in and how long a device is remembered.
    TwoFactor {
        /// Roles that must use it, separated by commas ("admin,secretariat"); "none" for none.
        #[arg(long)]
        roles: Option<String>,
        /// Days a browser is remembered after a code (0: never; at most 365).
        #[arg(long)]
        remember_days: Option<u32>,
    },
}

/// A new password: asked twice without echo on a terminal; else the first line of standard
/// input.
fn read_new_password() -> Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mật khẩu mới (ít nhất 10 ký tự): ")?;
        let again = rpassword::prompt_password("Nhập lại mật khẩu: ")?;
        if first != again {
            bail!("hai lần nhập mật khẩu không khớp");
        }
        return Ok(first);
    }
    let mut password = String::new();
    std::io::stdin().lock().read_to_string(&mut password)?;
    let password = password.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        bail!(
            "cần mật khẩu ở đầu vào chuẩn (stdin), ví dụ: echo 'mật-khẩu-dài' | chitieu user ..."
        );
    }
    Ok(password)
}

pub async fn token(db: &str, cmd: TokenCmd) -> Result<()> {
    match cmd {
        TokenCmd::List => {
            let store = open(db).await?;
            for t in store.tokens().await? {
                outln!(
                    "{:<24} {:<12} {:<10} {:<12} {}{}",
                    t.name,
                    t.role.as_str(),
                    t.unit,
                    t.created_by,
                    t.created_at.format("%d/%m/%Y"),
                    if t.revoked { "  đã thu hồi" } else { "" }
                );
            }
        }
        TokenCmd::Revoke { name } => {
            let store = open(db).await?;
            store.revoke_token(&name, ACTOR).await?;
            outln!("Đã thu hồi token \"{}\".", name.trim());
        }
        TokenCmd::Add { name, role, unit } => {
            let store = open(db).await?;
            let unit = UnitCode::parse(&unit).map_err(crate::said)?;
            let role: Role = role.parse().map_err(crate::said)?;
            let token = store.create_token(&name, role, &unit, ACTOR).await?;
            eprintln!(
                "Token \"{name}\" ({}, đơn vị {unit}); chỉ hiện một lần:",
                role.label_vi()
            );
            outln!("{token}");
        }
    }
    Ok(())
}

pub async fn user(db: &str, cmd: UserCmd) -> Result<()> {
    match cmd {
        UserCmd::Add {
            login,
            role,
            unit,
            name,
            email,
        } => {
            let store = open(db).await?;
            let password = read_new_password()?;
            let unit = UnitCode::parse(&unit).map_err(crate::said)?;
            let role: Role = role.parse().map_err(crate::said)?;
            store
                .add_user(
                    &chitieu_app::NewUser {
                        login: &login,
                        display_name: name.as_deref().unwrap_or(&login),
                        role,
                        unit: &unit,
                        password: &password,
                        email: email.as_deref(),
                    },
                    ACTOR,
                )
                .await?;
            outln!(
                "Đã thêm người dùng {login} ({}, đơn vị {unit}).",
                role.label_vi()
            );
        }
        UserCmd::Passwd { login } => {
            let store = open(db).await?;
            let password = read_new_password()?;
            store.set_password(&login, &password, None, ACTOR).await?;
            outln!(
                "Đã đặt mật khẩu mới cho {}; các phiên đăng nhập cũ đã kết thúc.",
                login.trim()
            );
        }
        UserCmd::Reset { login } => {
            let store = open(db).await?;
            let code = store.reset_password(&login, ACTOR).await?;
            eprintln!(
                "Mã dùng một lần cho {} (chỉ hiện lần này; người dùng đăng nhập bằng mã rồi đặt mật khẩu mới):",
                login.trim()
            );
            outln!("{code}");
        }
        UserCmd::Disable { login } => {
            let store = open(db).await?;
            store.set_active(&login, false, ACTOR).await?;
            outln!(
                "Đã vô hiệu hóa tài khoản {}; mọi phiên đăng nhập đã kết thúc.",
                login.trim()
            );
        }
        UserCmd::Enable { login } => {
            let store = open(db).await?;
            store.set_active(&login, true, ACTOR).await?;
            outln!("Đã kích hoạt lại tài khoản {}.", login.trim());
        }
        UserCmd::TwoFactorOff { login } => {
            let store = open(db).await?;
            store.disable_two_factor(&login, true, ACTOR).await?;
            outln!(
                "Đã tắt xác thực hai bước của tài khoản {}; các phiên đăng nhập đã kết thúc.",
                login.trim()
            );
        }
        UserCmd::TwoFactor {
            roles,
            remember_days,
        } => two_factor_policy(db, roles, remember_days).await?,
        UserCmd::Remove { login } => {
            let store = open(db).await?;
            store.remove_user(&login, ACTOR).await?;
            outln!(
                "Đã xóa tài khoản {}: không thể đăng nhập nữa; lịch sử vẫn giữ tên người này.",
                login.trim()
            );
        }
    }
    Ok(())
}

/// Shows the two-step policy, after setting what was given.
async fn two_factor_policy(db: &str, roles: Option<String>, days: Option<u32>) -> Result<()> {
    let store = open(db).await?;
    let before = store.two_factor_policy().await?;
    let mut p = before.clone();
    if let Some(r) = roles {
        p.roles = r
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != "none")
            .map(|r| {
                r.parse::<Role>().map_err(|_| {
                    anyhow::anyhow!(
                        "--roles: \"{r}\" không phải vai trò (admin, secretariat, head, reporter, viewer hoặc none)"
                    )
                })
            })
            .collect::<Result<_>>()?;
    }
    if let Some(d) = days {
        p.remember_days = d;
    }
    // A plain show, or the same policy again, writes nothing.
    if p != before {
        store.set_two_factor_policy(&p, ACTOR).await?;
    }
    let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
    outln!(
        "Vai trò bắt buộc xác thực hai bước: {}; ghi nhớ thiết bị {} ngày.",
        if roles.is_empty() {
            "không có".to_string()
        } else {
            roles.join(", ")
        },
        p.remember_days
    );
    Ok(())
}
