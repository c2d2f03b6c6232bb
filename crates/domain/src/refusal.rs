//! Why a rule refuses an input or a move, as data: the variant names the rule (its stable
//! `code`, the same for every caller and language) and carries what the rule saw. The words,
//! in Vietnamese and English, are the front ends' (`chitieu_web::i18n::refusals`), so a
//! refusal can be said in either language and an API client can branch on its code.

use chrono::{DateTime, NaiveDate, Utc};

mod field;
pub use field::{Field, Thing};

/// A rule's refusal. `code()` is the variant's snake_case name: stable, documented in the
/// API (see [`Refusal::CODES`]); the data is what a sentence about it needs.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(derive(strum::IntoStaticStr, strum::VariantArray))]
#[strum_discriminants(strum(serialize_all = "snake_case"))]
pub enum Refusal {
    /// A field left empty.
    Required { field: Field },
    /// Text longer than its field allows (in characters).
    TooLong { field: Field, max: usize },
    /// Text shorter than its field needs (in characters).
    TooShort { field: Field, min: usize },
    /// A control character in text that is shown to people.
    ControlCharacter {
        field: Field,
        code_point: u32,
        at: usize,
    },
    /// Text that is not of the field's form (a code with spaces, a date that is not one).
    Malformed { field: Field, text: String },
    /// Text that is none of the field's words (`allowed` lists them).
    NotOneOf {
        field: Field,
        text: String,
        allowed: String,
    },
    /// A number outside the field's range.
    OutOfRange {
        field: Field,
        value: String,
        min: String,
        max: String,
    },
    /// A period code that is not one.
    BadPeriod {
        text: String,
        flaw: crate::period::PeriodFlaw,
    },
    /// A figure with more decimal places than kept.
    TooPrecise {
        field: Field,
        value: String,
        max: u32,
    },
    /// A year outside the years the rule covers.
    YearOutOfRange { year: i32, first: i32, last: i32 },
    /// A number that must not be negative is.
    Negative { field: Field, value: String },
    /// A number that must be greater than zero is not.
    NotPositive { field: Field, value: String },
    /// One field's number is greater than another's (disbursed over allocated, say).
    Exceeds {
        field: Field,
        value: String,
        other: Field,
        limit: String,
    },
    /// A span of years the wrong way round (its first year after its last).
    YearsReversed { from: i32, to: i32 },
    /// An indicator on a form of another frequency.
    FrequencyMismatch {
        indicator: String,
        frequency: crate::PeriodKind,
        form_frequency: crate::PeriodKind,
    },
    /// A date before another it must follow (an end before its start).
    DateBefore {
        field: Field,
        date: NaiveDate,
        other: Field,
        other_date: NaiveDate,
    },
    /// A date after today, for something that must already have happened.
    DateInFuture {
        field: Field,
        date: NaiveDate,
        today: NaiveDate,
    },
    /// Two fields that only go together, one without the other, or one where it does not
    /// apply.
    Inconsistent { field: Field, other: Field },
    /// No such thing (by the code given).
    Unknown { what: Thing, code: String },
    /// A code already used.
    Duplicate { what: Thing, code: String },
    /// More items than allowed.
    TooMany { what: Thing, max: usize },
    /// A file or text bigger than allowed, in bytes.
    TooBig { what: Thing, max_bytes: usize },
    /// Weights that must add up to 100 do not.
    WeightsNotWhole { sum: String },
    /// A line of a list typed in a form that is not of the list's shape (`a | b | c`).
    LineShape { of: Thing },
    /// A unit put in two emulation clusters.
    InTwoClusters {
        unit: String,
        first: String,
        second: String,
    },
    /// Two heads' terms of one unit overlap.
    TermOverlap { person: String, from: NaiveDate },
    /// A record changed by someone else since the writer opened it; nothing was written.
    Stale {
        what: Thing,
        code: String,
        by: String,
        at: Option<DateTime<Utc>>,
        version: i64,
        seen: i64,
        /// What changed, when known.
        changed: Vec<Field>,
    },
    /// A year's evaluation is frozen; its criteria, scores and proposals stay as they are.
    Frozen { year: i32 },
    /// A unit's work programme for the year is signed; it no longer changes.
    ProgrammeSigned { unit: String, year: i32 },
    /// A period not yet over cannot be reported on.
    PeriodNotOver { period: String, from: NaiveDate },
    /// A period that is not one of the form's.
    WrongPeriod {
        form: String,
        frequency: String,
        period: String,
    },
    /// A unit that does not report this form.
    NotReporter { form: String, unit: String },
    /// An indicator computed from others, never reported.
    Computed { indicator: String },
    /// An indicator that is not a ratio has no numerator or denominator.
    NotARatio { indicator: String },
    /// A cancelled task takes no progress report, evaluation or change.
    TaskCancelled { task: String },
    /// A task not completed has no product to judge.
    TaskNotCompleted { task: String },
    /// A task's product already judged as not meeting the requirement.
    ProductJudged { task: String },
    /// A unit not evaluated for the year (it did not exist then, or is not of the kinds rated).
    NotEvaluated { unit: String, year: i32 },
    /// A council decision on ties where no units are tied at the cut of "excellent".
    NoTieAtCut,
    /// A unit chosen by the council that is not among those tied at the cut.
    NotTied { unit: String },
    /// More units chosen than places left under the quota.
    TooManyChosen { chosen: usize, places: usize },
    /// A report that is not in a state that allows this move.
    ReportState {
        state: crate::ValueState,
        action: crate::report::ReportAction,
    },
    /// A report returned or reopened without a reason.
    ReasonNeeded { action: crate::report::ReportAction },
    /// A report sent with figures missing: the indicators.
    Incomplete { indicators: Vec<String> },
    /// A report sent with figures that break the plan's error rules: each rule, with the
    /// figures it met.
    RulesBroken { rules: Vec<String> },
    /// A report sent with figures that break warning rules, and no explanation.
    Unexplained { rules: Vec<String> },
    /// A unit whose parent or successor would make the tree a loop or point nowhere.
    BadTree { unit: String, reason: TreeFlaw },
    /// The same (indicator, unit, period) twice in one batch.
    Repeated { first: usize, second: usize },
    /// A file the system does not accept (kind, or content that is not what its name says).
    BadFile { name: String, reason: FileFlaw },
    /// A stored record that no longer reads (written by another version); nothing changed.
    Unreadable { what: Thing, detail: String },
    /// No plan is loaded yet (`chitieu init`).
    NoPlan,
    /// A database holds one owner's plan: another plan (`file`) is not loaded beside the one
    /// stored (`stored`), whose code and owner are named.
    OtherPlan { stored: String, file: String },
    /// A period finer than the indicator is reported by.
    PeriodTooFine {
        indicator: String,
        frequency: String,
    },
    /// The units' graph a write would leave is not a tree (a cycle, a unit its own
    /// successor…).
    Tree(crate::unit_tree::TreeError),
    /// A password too weak for an account.
    Password(crate::password::PasswordError),
    /// A file that does not parse (TOML, JSON): the parser's own words, with line and column.
    Syntax { detail: String },
    /// A refusal about one item of a list or file: at this line, in this item.
    At { place: Place, inner: Box<Refusal> },
}

/// Where in a list or file an item's refusal is.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A line of a file (counted from 1, the header included when there is one).
    Line(usize),
    /// An item of a list or plan, by its kind and code.
    Item(Thing, String),
    /// A field's line of a list in a form (proposals, titles): the n-th, from 1.
    Row(Thing, usize),
    /// A field of a request or file, by its name there (`lead_unit`, `funding_allocated`).
    Field(&'static str),
}

/// What is wrong with a unit's place in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TreeFlaw {
    /// It would be its own ancestor.
    Cycle,
    /// It would be its own successor, directly or through others.
    SuccessorCycle,
    /// Its parent is not (or not yet) a unit.
    NoParent,
    /// Its successor is not a unit.
    NoSuccessor,
}

/// What is wrong with an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum FileFlaw {
    /// A kind not accepted (by its extension).
    Kind,
    /// Content that is not what its extension says.
    Content,
    /// Empty.
    Empty,
    /// A name that cannot be kept.
    Name,
    /// A spreadsheet that does not open (damaged, encrypted, or not one).
    Damaged(String),
}

impl Refusal {
    /// The stable code of the rule that refused, as the API sends it. For a refusal about one
    /// item of a list, the code of what is wrong with the item.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::At { inner, .. } => inner.code(),
            other => other.into(),
        }
    }

    /// Every code a refusal can have, for the API's documentation.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        use strum::VariantArray;
        RefusalDiscriminants::VARIANTS
            .iter()
            .filter(|d| !matches!(d, RefusalDiscriminants::At))
            .map(|d| d.into())
    }

    /// This refusal about the item at `place`.
    pub fn at(self, place: Place) -> Refusal {
        Refusal::At {
            place,
            inner: Box::new(self),
        }
    }

    /// This refusal about line `n` of a file.
    pub fn at_line(self, n: usize) -> Refusal {
        self.at(Place::Line(n))
    }

    /// This refusal about an item of kind `what` with code `code`.
    pub fn of(self, what: Thing, code: impl Into<String>) -> Refusal {
        self.at(Place::Item(what, code.into()))
    }

    /// Whether the refusal means "no such thing" (a 404 when it is what the request names).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Refusal::Unknown { .. })
    }

    /// Whether the refusal is about the state of a record rather than the input (a 409).
    pub fn is_state(&self) -> bool {
        match self {
            Refusal::At { inner, .. } => inner.is_state(),
            Refusal::Stale { .. }
            | Refusal::Frozen { .. }
            | Refusal::ProgrammeSigned { .. }
            | Refusal::TaskCancelled { .. }
            | Refusal::TaskNotCompleted { .. }
            | Refusal::ProductJudged { .. }
            | Refusal::ReportState { .. }
            | Refusal::Unreadable { .. } => true,
            _ => false,
        }
    }

    /// `Required` when `text` is blank, `TooLong` over `max` characters, else nothing.
    pub fn text(field: Field, text: &str, max: usize) -> Result<(), Refusal> {
        if text.trim().is_empty() {
            return Err(Refusal::Required { field });
        }
        if text.chars().count() > max {
            return Err(Refusal::TooLong { field, max });
        }
        Ok(())
    }

    /// `NotOneOf` for `text` in `field`, listing `allowed`.
    pub fn not_one_of<'a>(
        field: Field,
        text: &str,
        allowed: impl IntoIterator<Item = &'a str>,
    ) -> Refusal {
        Refusal::NotOneOf {
            field,
            text: text.chars().take(60).collect(),
            allowed: allowed.into_iter().collect::<Vec<_>>().join(", "),
        }
    }

    /// `Unknown`: no `what` with `code` (cut to 60 characters).
    pub fn unknown(what: Thing, code: &str) -> Refusal {
        Refusal::Unknown {
            what,
            code: code.chars().take(60).collect(),
        }
    }

    /// `Malformed` for `text` in `field` (cut to 60 characters).
    pub fn malformed(field: Field, text: &str) -> Refusal {
        Refusal::Malformed {
            field,
            text: text.chars().take(60).collect(),
        }
    }
}

/// For logs and developers: the code and the data. People read the words of
/// `chitieu_web::i18n::refusals`.
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {self:?}", self.code())
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_an_item_s_code_is_what_is_wrong_with_it() {
        let codes: Vec<_> = Refusal::codes().collect();
        assert!(codes.contains(&"year_out_of_range"));
        assert!(codes.contains(&"stale"));
        assert!(!codes.contains(&"at"));
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        let r = Refusal::Required { field: Field::Name }
            .of(Thing::Unit, "TN.SKHCN")
            .at_line(3);
        assert_eq!(r.code(), "required");
        assert!(
            Refusal::Frozen { year: 2025 }
                .of(Thing::Unit, "19")
                .is_state()
        );
        assert!(!Refusal::Required { field: Field::Name }.is_state());
    }
}
