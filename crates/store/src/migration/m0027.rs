//! PostgreSQL: values keep their references to units and indicators without a per-row check.

use sea_orm_migration::prelude::*;

/// On PostgreSQL a foreign key is a trigger run for every inserted row: the two on
/// `data_values` made up a third of a million-row import. Values get their unit and indicator
/// ids from those tables (the write path's code map), and units and indicators are never
/// deleted (a unit is dissolved or merged by its validity dates), so the keys are replaced by
/// what they guarded against: a trigger refuses to delete (or renumber) a unit or indicator
/// that values still point to. SQLite checks its keys in-process, cheaply, and keeps them.
pub(super) struct M0027ValuesWithoutRowChecks;

impl MigrationName for M0027ValuesWithoutRowChecks {
    fn name(&self) -> &str {
        "m0027_values_without_row_checks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0027ValuesWithoutRowChecks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let c = m.get_connection();
        // The keys were created unnamed: find them by what they are.
        c.execute_unprepared(
            "DO $$ DECLARE k record; BEGIN \
             FOR k IN SELECT conname FROM pg_constraint \
             WHERE conrelid = 'data_values'::regclass AND contype = 'f' LOOP \
             EXECUTE format('ALTER TABLE data_values DROP CONSTRAINT %I', k.conname); \
             END LOOP; END $$",
        )
        .await?;
        for (table, column, what) in [
            ("units", "unit_id", "Đơn vị"),
            ("indicators", "indicator_id", "Chỉ tiêu"),
        ] {
            c.execute_unprepared(&format!(
                "CREATE FUNCTION {table}_keep_values() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                 IF (TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id) \
                 AND EXISTS (SELECT 1 FROM data_values WHERE {column} = OLD.id) THEN \
                 RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = \
                 format('{what} (id %s) còn số liệu: không xoá hay đổi id được', OLD.id); \
                 END IF; \
                 RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; \
                 END $$"
            ))
            .await?;
            c.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_keep_values BEFORE DELETE OR UPDATE OF id ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION {table}_keep_values()"
            ))
            .await?;
        }
        Ok(())
    }
}
