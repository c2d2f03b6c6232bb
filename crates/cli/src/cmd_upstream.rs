//! `chitieu upstream set|status`: the central instance a province delivers its official
//! figures to.

use anyhow::Result;
use clap::Subcommand;

use crate::{ACTOR, open};

#[derive(Subcommand)]
pub enum UpstreamCmd {
    /// Name the central instance (a chitieu server) that this province's official figures go
    /// to. The first time, every figure already official is queued to go; later runs change
    /// the address or token only.
    Set {
        /// The centre's address, e.g. https://trungtam.example.gov.vn
        #[arg(long)]
        url: String,
        /// The token the centre issued for this province (`chitieu token add` there, role
        /// secretariat, the province's unit).
        #[arg(long)]
        token: String,
        /// The code mapping the figures are sent in.
        #[arg(long, default_value = chitieu_app::upstream::CENTRAL)]
        system: String,
    },
    /// How delivery stands, as JSON: url, pending, oldest_pending_seconds, last_success,
    /// last_error, rejected.
    Status,
    /// The figures the centre refused, most recent first, with its reason (CSV).
    Refused,
    /// Send the refused figures again, once what the centre refused them for is fixed (the
    /// code mapping, the token).
    Resend,
}

pub async fn run(db: &str, cmd: UpstreamCmd) -> Result<()> {
    let store = open(db).await?;
    match cmd {
        UpstreamCmd::Set { url, token, system } => {
            let queued = store.set_upstream(&system, &url, &token, ACTOR).await?;
            outln!(
                "Số liệu chính thức sẽ được gửi lên {} (mã theo bảng ánh xạ \"{}\"); {queued} số liệu đã có được đưa vào hàng đợi gửi.",
                url.trim(),
                system.trim()
            );
        }
        UpstreamCmd::Status => {
            let d = chitieu_app::upstream::delivery_of(&store, store.clock().now())
                .await
                .map_err(crate::cmd_assess::refused)?;
            outln!("{}", serde_json::to_string_pretty(&d)?);
        }
        UpstreamCmd::Refused => {
            let mut out = csv::Writer::from_writer(std::io::stdout().lock());
            out.write_record(["indicator", "unit", "period", "reason", "refused_at"])?;
            for r in store.refused_outbox(10_000).await? {
                let at = r.at.map(|t| t.to_rfc3339()).unwrap_or_default();
                out.write_record([&r.indicator, &r.unit, &r.period, &r.reason, &at])?;
            }
            out.flush()?;
        }
        UpstreamCmd::Resend => {
            let n = store.resend_refused(ACTOR).await?;
            outln!("{n} số liệu bị trung ương từ chối sẽ được gửi lại.");
        }
    }
    Ok(())
}
