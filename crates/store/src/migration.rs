//! Schema migrations, written once with sea-query so that SQLite and PostgreSQL never drift.

use sea_orm_migration::prelude::*;

mod evaluation;
mod exchange;
mod initial;
mod m0027;
mod m0028;
mod m0029;
mod m0030;
mod m0031;
mod m0032;
mod m0033;
mod m0034;
mod m0035;
mod m0036;
mod m0037;
mod m0038;
mod m0039;
mod people;
mod plan;
mod reports;
mod tasks;
mod values;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(initial::M0001Initial),
            Box::new(values::M0002ChangeSequence),
            Box::new(people::M0003Sessions),
            Box::new(people::M0004ApiTokens),
            Box::new(values::M0005Evidence),
            Box::new(plan::M0006RecurringTargets),
            Box::new(plan::M0007PlanCounter),
            Box::new(values::M0008BulkStaging),
            Box::new(reports::M0009Reports),
            Box::new(reports::M0010ReportsCounter),
            Box::new(plan::M0011ValidationRules),
            Box::new(reports::M0012Notices),
            Box::new(values::M0013ValueHistory),
            Box::new(plan::M0014English),
            Box::new(plan::M0015EnglishDefinitions),
            Box::new(tasks::M0016TaskSourceAndCancel),
            Box::new(people::M0017HeadOffices),
            Box::new(people::M0018Committee),
            Box::new(people::M0019ProgrammeSignoffs),
            Box::new(tasks::M0020TaskReportParts),
            Box::new(tasks::M0021TaskFunding),
            Box::new(evaluation::M0022Evaluation),
            Box::new(evaluation::M0023EvaluationProposals),
            Box::new(tasks::M0024TaskProductDefect),
            Box::new(exchange::M0025IdempotencyKeys),
            Box::new(exchange::M0026CodeMappings),
            Box::new(m0027::M0027ValuesWithoutRowChecks),
            Box::new(m0028::M0028ValuesByKey),
            Box::new(m0029::M0029StagingWithoutIndex),
            Box::new(m0030::M0030TaskVersions),
            Box::new(m0031::M0031EvaluationSettings),
            Box::new(m0032::M0032NoticesInEnglish),
            Box::new(m0033::M0033RaisedHandled),
            Box::new(m0034::M0034PlanDocuments),
            Box::new(m0035::M0035AccountLifeCycle),
            Box::new(m0036::M0036TwoFactor),
            Box::new(m0037::M0037RecordsCounter),
            Box::new(m0038::M0038Upstream),
            Box::new(m0039::M0039OutboxOrigin),
        ]
    }
}

fn fk(from_table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}

/// Applies the pending migrations (the first `limit` of them when given), one log line each.
pub(crate) async fn run(db: &sea_orm::DatabaseConnection, limit: Option<u32>) -> Result<(), DbErr> {
    use sea_orm_migration::MigratorTrait;
    let pending = Migrator::get_pending_migrations(db).await?;
    let names: Vec<String> = pending
        .iter()
        .take(limit.map_or(usize::MAX, |n| n as usize))
        .map(|m| m.name().to_string())
        .collect();
    Migrator::up(db, limit).await?;
    for name in names {
        tracing::info!(migration = %name, "đã áp dụng thay đổi lược đồ (schema migration applied)");
    }
    Ok(())
}
