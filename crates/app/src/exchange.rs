//! What the command line, the pages and the API share to take values from files and other
//! systems: a system's code mapping, and parsed values written through the one write path.

use chitieu_domain::Actor;
use chitieu_exchange::dhis2::{Mapping, MappingRow};
use chitieu_exchange::values_csv::ParsedValue;
use chitieu_store::Store;

use crate::App;
use crate::actions::{self, ActionError, ValueItem};

/// A system's name: 1–40 lower-case ASCII letters, digits, `-` or `_`.
pub fn system_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    if (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "tên hệ thống \"{s}\": 1–40 chữ thường không dấu, số, - hoặc _"
        ))
    }
}

/// The stored code mapping of `system` (empty: codes are read as they are).
pub async fn mapping_of(store: &Store, system: &str) -> Result<Mapping, String> {
    let rows = store
        .mappings(&system_name(system)?)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|(part, code, external)| {
            part.parse().ok().map(|part| MappingRow {
                part,
                code,
                external,
            })
        })
        .collect::<Vec<_>>();
    Mapping::new(&rows)
}

/// A stored value as the exchange formats write it.
pub fn export_row(r: &chitieu_store::ValueRow) -> chitieu_exchange::values_csv::ExportRow<'_> {
    chitieu_exchange::values_csv::ExportRow {
        indicator: &r.indicator,
        unit: &r.unit,
        period: r.period,
        value: &r.value,
        numerator: r.numerator.as_ref(),
        denominator: r.denominator.as_ref(),
        comment: &r.comment,
        version: r.version,
    }
}

/// Replaces `system`'s code mapping with a CSV `part,code,external` (`label` names it in
/// errors), all or nothing: every row reads, every code exists in `lookup`, no code twice.
/// Returns the number of rows.
pub async fn replace_mapping(
    store: &Store,
    lookup: &impl chitieu_domain::value::Lookup,
    system: &str,
    csv: &[u8],
    label: &str,
    actor: &str,
) -> Result<usize, ActionError> {
    let system = system_name(system).map_err(ActionError::Invalid)?;
    let rows = chitieu_exchange::dhis2::parse_mapping_csv(csv, label)
        .map_err(|e| ActionError::Invalid(e.to_string()))?;
    chitieu_exchange::dhis2::check_codes(&rows, lookup)
        .map_err(|e| ActionError::Invalid(format!("{label}, {e}")))?;
    let n = rows.len();
    store
        .replace_mappings(
            &system,
            &rows
                .into_iter()
                .map(|r| (r.part.as_str().to_string(), r.code, r.external))
                .collect::<Vec<_>>(),
            actor,
        )
        .await?;
    Ok(n)
}

/// A checked value back as the exact text the shared write path reads.
fn texts_of(p: &ParsedValue) -> [String; 7] {
    let v = &p.value;
    let d = |x: &Option<chitieu_domain::Decimal>| {
        x.as_ref()
            .map(chitieu_domain::text::format_decimal)
            .unwrap_or_default()
    };
    let ratio = v.numerator.is_some() || v.denominator.is_some();
    [
        v.indicator.clone(),
        v.unit.to_string(),
        v.period.to_string(),
        if ratio {
            String::new()
        } else {
            chitieu_domain::text::format_decimal(&v.value)
        },
        d(&v.numerator),
        d(&v.denominator),
        v.comment.clone(),
    ]
}

/// Values read from a file or another system, written for `me` through the same checks and
/// rights as the entry form (scope, locks, versions), all or nothing: as drafts, or, when
/// `official`, as the official figures their source delivers ([`actions::write_official`]).
/// Errors index `parsed`.
pub async fn write_parsed(
    app: &App,
    me: &Actor,
    parsed: &[ParsedValue],
    what: &str,
    official: bool,
) -> Result<u64, ActionError> {
    let texts: Vec<[String; 7]> = parsed.iter().map(texts_of).collect();
    let items: Vec<ValueItem<'_>> = texts
        .iter()
        .zip(parsed)
        .map(|(t, p)| ValueItem {
            text: chitieu_domain::value::ValueText {
                notation: chitieu_domain::value::Notation::Exact,
                indicator: &t[0],
                unit: &t[1],
                period: &t[2],
                value: &t[3],
                numerator: &t[4],
                denominator: &t[5],
                comment: &t[6],
            },
            version: p.version,
        })
        .collect();
    if official {
        write_official(app, me, &items, what).await
    } else {
        actions::write_values(
            app,
            me,
            &items,
            Vec::new(),
            chitieu_domain::ValueState::Draft,
            what,
        )
        .await
    }
}

/// Writes values as official figures, delivered by their source: a province's standing
/// office (or administrator) pushing its accepted figures to the centre, for units within
/// its scope only. A figure it sent before is replaced by its correction; the history keeps
/// `what`, which says where the figures came from.
pub async fn write_official(
    s: &App,
    me: &Actor,
    items: &[ValueItem<'_>],
    what: &str,
) -> Result<u64, ActionError> {
    if !chitieu_domain::permission::role_allows(
        me.role,
        chitieu_domain::permission::Action::Administer,
    ) {
        return Err(ActionError::Forbidden);
    }
    actions::write_checked(
        s,
        me,
        items,
        Vec::new(),
        chitieu_domain::ValueState::Accepted,
        what,
        true,
    )
    .await
}
