//! `chitieu user add`, `chitieu token add|list|revoke`: accounts and tokens.

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
    /// Add a user. The password is read from standard input (first line).
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
            let mut password = String::new();
            std::io::stdin().lock().read_to_string(&mut password)?;
            let password = password.lines().next().unwrap_or("").to_string();
            if password.is_empty() {
                bail!(
                    "cần mật khẩu ở đầu vào chuẩn (stdin), ví dụ: echo 'mật-khẩu-dài' | chitieu user add ..."
                );
            }
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
    }
    Ok(())
}
