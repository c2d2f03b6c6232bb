//! Assigning work: creating, changing and cancelling tasks — by the standing office for units
//! in its scope, by a unit's head for its own unit (`permission::may_assign_task`). The pages,
//! the API and the command line send text; it is read here, once, with errors that name the
//! field.

use chitieu_domain::Actor;
use chitieu_domain::Task;
use chitieu_domain::UnitCode;
use chitieu_domain::permission::may_assign_task;
use chitieu_domain::refusal::{Field, Place, Refusal, Thing};
use chitieu_domain::task::{Cancellation, SourceDocument};
use chitieu_domain::text::{COMMENT_MAX, NAME_MAX, TextKind, clean_text, parse_date};
use chitieu_store::TaskWrite;

use crate::App;
use crate::actions::ActionError;
use crate::live::Snapshot;

/// A task as a form, a JSON body or a CSV line gives it: all text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TaskInput {
    pub code: String,
    pub title: String,
    /// The work-programme year; empty: the deadline's year.
    #[serde(default)]
    pub year: String,
    pub lead_unit: String,
    #[serde(default)]
    pub coordinating_units: Vec<String>,
    /// `YYYY-MM-DD`; empty: today.
    #[serde(default)]
    pub start: String,
    pub deadline: String,
    #[serde(default)]
    pub expected_product: String,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub source_number: String,
    #[serde(default)]
    pub source_date: String,
    #[serde(default)]
    pub source_issuer: String,
    /// `central`, `province` or `private`; empty with empty amounts: no funding recorded.
    #[serde(default)]
    pub funding_source: String,
    /// Million đồng, written in `notation`.
    #[serde(default)]
    pub funding_allocated: String,
    #[serde(default)]
    pub funding_disbursed: String,
    /// How the amounts are written: exactly (API, CSV) or the Vietnamese way (pages).
    #[serde(skip)]
    pub notation: chitieu_domain::value::Notation,
}

/// A change to a task: only what is given changes. `cancel_reason` withdraws the task today.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TaskPatch {
    pub title: Option<String>,
    pub year: Option<String>,
    pub lead_unit: Option<String>,
    pub coordinating_units: Option<Vec<String>>,
    pub start: Option<String>,
    pub deadline: Option<String>,
    pub expected_product: Option<String>,
    pub indicators: Option<Vec<String>>,
    pub source_number: Option<String>,
    pub source_date: Option<String>,
    pub source_issuer: Option<String>,
    pub funding_source: Option<String>,
    pub funding_allocated: Option<String>,
    pub funding_disbursed: Option<String>,
    pub cancel_reason: Option<String>,
    /// The completed task's product is below requirements, for this reason (recorded today).
    pub product_defect: Option<String>,
    /// How the amounts given are written.
    #[serde(skip)]
    pub notation: chitieu_domain::value::Notation,
    /// The edition of the task the change was made on (`version` in the API, a hidden field
    /// on the edit page); none means the one this server holds now.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Why a task could not be read: the refusal, at the input's field (its API name).
pub type TaskFieldError = Refusal;

fn bad(field: &'static str, why: Refusal) -> Refusal {
    why.at(Place::Field(field))
}

fn line(field: &'static str, name: Field, s: &str, max: usize) -> Result<String, Refusal> {
    clean_text(name, s, max, TextKind::Line).map_err(|e| bad(field, e))
}

/// What a task's codes are checked against: the plan, its indicators, the units.
pub struct TaskBook<'a> {
    pub plan: &'a str,
    pub has_unit: &'a dyn Fn(&UnitCode) -> bool,
    pub has_indicator: &'a dyn Fn(&str) -> bool,
    /// The day a task with no start given starts (at the latest).
    pub today: chrono::NaiveDate,
}

fn unit(book: &TaskBook, field: &'static str, s: &str) -> Result<UnitCode, TaskFieldError> {
    let code = UnitCode::parse(s.trim()).map_err(|e| bad(field, e))?;
    if !(book.has_unit)(&code) {
        return Err(bad(
            field,
            Refusal::Unknown {
                what: Thing::Unit,
                code: code.to_string(),
            },
        ));
    }
    Ok(code)
}

fn date(field: &'static str, s: &str) -> Result<Option<chrono::NaiveDate>, TaskFieldError> {
    parse_date(s).map_err(|e| bad(field, e))
}

impl TaskInput {
    /// The task this input stands for, checked against the plan and the units: codes exist,
    /// dates read, text cleaned and bounded, the deadline not before the start.
    pub fn read(&self, snap: &Snapshot) -> Result<Task, TaskFieldError> {
        let plan = snap.plan.as_ref().ok_or_else(|| {
            bad(
                "plan",
                Refusal::Unknown {
                    what: Thing::Plan,
                    code: String::new(),
                },
            )
        })?;
        self.read_with(&TaskBook {
            plan: &plan.plan.code,
            has_unit: &|u| snap.unit(u).is_some(),
            has_indicator: &|i| plan.indicator(i).is_some(),
            today: snap.today(),
        })
    }

    /// [`TaskInput::read`] against any book of codes (the command line has no snapshot).
    pub fn read_with(&self, book: &TaskBook) -> Result<Task, TaskFieldError> {
        let code = line("code", Field::TaskCode, &self.code, 40)?;
        let title = line("title", Field::Title, &self.title, NAME_MAX)?;
        if title.is_empty() {
            return Err(bad(
                "title",
                Refusal::Required {
                    field: Field::Title,
                },
            ));
        }
        let lead_unit = unit(book, "lead_unit", &self.lead_unit)?;
        let mut coordinating_units = Vec::new();
        for c in self
            .coordinating_units
            .iter()
            .filter(|c| !c.trim().is_empty())
        {
            let c = unit(book, "coordinating_units", c)?;
            if c != lead_unit && !coordinating_units.contains(&c) {
                coordinating_units.push(c);
            }
        }
        let mut indicators = Vec::new();
        for i in self
            .indicators
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty())
        {
            let i = i.to_ascii_uppercase();
            if !(book.has_indicator)(&i) {
                return Err(bad(
                    "indicators",
                    Refusal::Unknown {
                        what: Thing::Indicator,
                        code: i,
                    },
                ));
            }
            if !indicators.contains(&i) {
                indicators.push(i);
            }
        }
        let deadline = date("deadline", &self.deadline)?.ok_or_else(|| {
            bad(
                "deadline",
                Refusal::Required {
                    field: Field::Deadline,
                },
            )
        })?;
        let start = date("start", &self.start)?.unwrap_or_else(|| book.today.min(deadline));
        let year = match self.year.trim() {
            "" => chrono::Datelike::year(&deadline),
            y => y
                .parse()
                .map_err(|_| bad("year", Refusal::malformed(Field::Year, y)))?,
        };
        let task = Task {
            edition: Default::default(),
            code,
            title,
            plan: book.plan.to_string(),
            year,
            lead_unit,
            coordinating_units,
            start,
            deadline,
            expected_product: clean_text(
                Field::ExpectedProduct,
                &self.expected_product,
                COMMENT_MAX,
                TextKind::Multiline,
            )
            .map_err(|e| bad("expected_product", e))?,
            indicators,
            completed_on: None,
            updates: Vec::new(),
            source: SourceDocument {
                number: line(
                    "source_number",
                    Field::SourceNumber,
                    &self.source_number,
                    NAME_MAX,
                )?,
                date: date("source_date", &self.source_date)?,
                issuer: line(
                    "source_issuer",
                    Field::SourceIssuer,
                    &self.source_issuer,
                    NAME_MAX,
                )?,
            },
            cancelled: None,
            product_defect: None,
            funding: self.funding()?,
        };
        task.check()?;
        Ok(task)
    }

    /// The funding the input gives: none when every part is empty; else a source and an
    /// allocation are needed, the disbursement defaults to 0.
    fn funding(&self) -> Result<Option<chitieu_domain::task::Funding>, TaskFieldError> {
        use chitieu_domain::value::parse_figure;
        let figure = |field: &'static str, name: Field, s: &str| {
            parse_figure(field, s, self.notation)
                .map_err(|_| bad(field, Refusal::malformed(name, s)))
        };
        let allocated = figure(
            "funding_allocated",
            Field::Allocated,
            &self.funding_allocated,
        )?;
        let disbursed = figure(
            "funding_disbursed",
            Field::Disbursed,
            &self.funding_disbursed,
        )?;
        let source = self.funding_source.trim();
        if source.is_empty() && allocated.is_none() && disbursed.is_none() {
            return Ok(None);
        }
        let source = source.parse().map_err(|e| bad("funding_source", e))?;
        let allocated = allocated.ok_or_else(|| {
            bad(
                "funding_allocated",
                Refusal::Required {
                    field: Field::Allocated,
                },
            )
        })?;
        Ok(Some(chitieu_domain::task::Funding {
            source,
            allocated,
            disbursed: disbursed.unwrap_or_default(),
        }))
    }

    /// The input a stored task would give: the starting point of a change.
    pub fn of(t: &Task) -> TaskInput {
        TaskInput {
            code: t.code.clone(),
            title: t.title.clone(),
            year: t.year.to_string(),
            lead_unit: t.lead_unit.to_string(),
            coordinating_units: t.coordinating_units.iter().map(|u| u.to_string()).collect(),
            start: t.start.to_string(),
            deadline: t.deadline.to_string(),
            expected_product: t.expected_product.clone(),
            indicators: t.indicators.clone(),
            source_number: t.source.number.clone(),
            source_date: t.source.date.map(|d| d.to_string()).unwrap_or_default(),
            source_issuer: t.source.issuer.clone(),
            funding_source: t
                .funding
                .as_ref()
                .map(|f| f.source.as_str().to_string())
                .unwrap_or_default(),
            funding_allocated: t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.allocated))
                .unwrap_or_default(),
            funding_disbursed: t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.disbursed))
                .unwrap_or_default(),
            notation: chitieu_domain::value::Notation::Exact,
        }
    }
}

impl TaskPatch {
    /// A change that sets every field a task's form carries to what `i` holds (an edit
    /// through the form), made on edition `version`.
    pub fn whole(i: &TaskInput, version: Option<i64>) -> TaskPatch {
        TaskPatch {
            title: Some(i.title.clone()),
            year: Some(i.year.clone()),
            lead_unit: Some(i.lead_unit.clone()),
            coordinating_units: Some(i.coordinating_units.clone()),
            start: Some(i.start.clone()),
            deadline: Some(i.deadline.clone()),
            expected_product: Some(i.expected_product.clone()),
            indicators: Some(i.indicators.clone()),
            source_number: Some(i.source_number.clone()),
            source_date: Some(i.source_date.clone()),
            source_issuer: Some(i.source_issuer.clone()),
            funding_source: Some(i.funding_source.clone()),
            funding_allocated: Some(i.funding_allocated.clone()),
            funding_disbursed: Some(i.funding_disbursed.clone()),
            cancel_reason: None,
            product_defect: None,
            notation: i.notation,
            version,
        }
    }

    /// `input` with this change laid over it.
    fn over(&self, mut input: TaskInput) -> TaskInput {
        // The stored amounts are exact; rewrite them in the patch's notation, so that an
        // amount the patch leaves alone reads the same ("1.234" is 1234 the Vietnamese way).
        if self.notation == chitieu_domain::value::Notation::Vietnamese {
            for amount in [&mut input.funding_allocated, &mut input.funding_disbursed] {
                if let Some(d) = chitieu_domain::text::parse_decimal(amount) {
                    *amount = chitieu_domain::text::format_decimal_vi(&d);
                }
            }
        }
        input.notation = self.notation;
        let set = |to: &mut String, from: &Option<String>| {
            if let Some(v) = from {
                *to = v.clone();
            }
        };
        set(&mut input.title, &self.title);
        set(&mut input.year, &self.year);
        set(&mut input.lead_unit, &self.lead_unit);
        set(&mut input.start, &self.start);
        set(&mut input.deadline, &self.deadline);
        set(&mut input.expected_product, &self.expected_product);
        set(&mut input.source_number, &self.source_number);
        set(&mut input.source_date, &self.source_date);
        set(&mut input.source_issuer, &self.source_issuer);
        set(&mut input.funding_source, &self.funding_source);
        set(&mut input.funding_allocated, &self.funding_allocated);
        set(&mut input.funding_disbursed, &self.funding_disbursed);
        if let Some(c) = &self.coordinating_units {
            input.coordinating_units = c.clone();
        }
        if let Some(i) = &self.indicators {
            input.indicators = i.clone();
        }
        input
    }
}

/// A reason that must be given (a cancellation's, a product's defect): cleaned, not empty.
fn given_reason(name: &'static str, field: Field, text: &str) -> Result<String, Refusal> {
    let reason =
        clean_text(field, text, COMMENT_MAX, TextKind::Multiline).map_err(|e| bad(name, e))?;
    if reason.is_empty() {
        return Err(bad(name, Refusal::Required { field }));
    }
    Ok(reason)
}

fn invalid(e: TaskFieldError) -> ActionError {
    ActionError::Refused(e)
}

/// Whether `me` may assign work to `lead` (for showing the forms).
pub fn may_assign(snap: &Snapshot, me: &Actor, lead: &UnitCode) -> bool {
    may_assign_task(&snap.units, me.role, &me.unit, lead)
}

/// Whether `me` may assign work to some unit at all.
pub fn may_assign_any(me: &Actor) -> bool {
    chitieu_domain::permission::may_assign_any(me.role)
}

/// A new task. Its code must be new; its lead unit within the assigner's reach.
pub async fn create_task(s: &App, me: &Actor, input: &TaskInput) -> Result<Task, ActionError> {
    let task = {
        let snap = s.live.snapshot();
        // Who asks comes first: a reporter learns nothing about codes or units.
        if !may_assign_any(me) {
            return Err(ActionError::Forbidden);
        }
        let task = input.read(&snap).map_err(invalid)?;
        if !may_assign(&snap, me, &task.lead_unit) {
            return Err(ActionError::Forbidden);
        }
        task
    };
    // The code's uniqueness is decided in the write transaction, not on the snapshot: two
    // servers creating one code at once must not both succeed.
    s.store
        .write_tasks(std::slice::from_ref(&task), TaskWrite::Create, &me.login)
        .await?;
    s.live.sync().await?;
    Ok(task)
}

/// A change to a task, or its cancellation. The assigner must reach both the lead unit it
/// has and the one it gets; progress, completion and earlier cancellation are kept.
pub async fn update_task(
    s: &App,
    me: &Actor,
    code: &str,
    patch: &TaskPatch,
) -> Result<Task, ActionError> {
    let task = {
        let snap = s.live.snapshot();
        if !may_assign_any(me) {
            return Err(ActionError::Forbidden);
        }
        let old = snap.task(code).cloned().ok_or_else(|| {
            ActionError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Task,
                code,
            ))
        })?;
        if !may_assign(&snap, me, &old.lead_unit) {
            return Err(ActionError::Forbidden);
        }
        let mut task = patch
            .over(TaskInput::of(&old))
            .read(&snap)
            .map_err(invalid)?;
        if !may_assign(&snap, me, &task.lead_unit) {
            return Err(ActionError::Forbidden);
        }
        // Progress and completion stay as stored (TaskWrite::Assign); a cancellation is only
        // ever added.
        if let Some(reason) = &patch.cancel_reason {
            if old.cancelled.is_some() {
                return Err(Refusal::TaskCancelled {
                    task: code.to_string(),
                }
                .into());
            }
            let reason = given_reason("cancel_reason", Field::CancelReason, reason)?;
            task.cancelled = Some(Cancellation {
                on: snap.today(),
                reason,
            });
        }
        if let Some(reason) = &patch.product_defect {
            if old.completed_on.is_none() {
                return Err(Refusal::TaskNotCompleted {
                    task: code.to_string(),
                }
                .into());
            }
            if old.product_defect.is_some() {
                return Err(Refusal::ProductJudged {
                    task: code.to_string(),
                }
                .into());
            }
            let reason = given_reason("product_defect", Field::ProductDefect, reason)?;
            task.product_defect = Some(Cancellation {
                on: snap.today(),
                reason,
            });
        }
        task.check()?;
        task.edition.number = patch.version.unwrap_or(old.edition.number);
        (task, old)
    };
    let (task, old) = task;
    match s
        .store
        .write_tasks(std::slice::from_ref(&task), TaskWrite::Assign, &me.login)
        .await
    {
        Err(chitieu_store::StoreError::Refused(Refusal::Stale {
            what,
            code: c,
            by,
            at,
            version,
            seen,
            ..
        })) => {
            // Name what changed, when the change was made on the copy this server held.
            s.live.sync().await?;
            let changed = match s.live.snapshot().task(code) {
                Some(now) if task.edition.number == old.edition.number => {
                    chitieu_domain::task::changed_fields(&old, now)
                }
                _ => vec![],
            };
            return Err(Refusal::Stale {
                what,
                code: c,
                by,
                at,
                version,
                seen,
                changed,
            }
            .into());
        }
        r => r?,
    }
    s.live.sync().await?;
    // As stored: with the progress and completion the write kept.
    Ok(s.live.snapshot().task(code).cloned().unwrap_or(task))
}
