//! The domain of chitieu: plan, indicators, targets, periods, the dated tree of units,
//! heads, values and tasks. Pure types and rules; no I/O, so every rule is unit-testable.

pub mod actor;
pub mod assessment;
pub mod catalog;
pub mod clock;
pub mod committee;
pub mod comparator;
pub mod default_plan;
pub mod documents;
pub mod evaluation;
pub mod head;
pub mod indicator;
pub mod password;
pub mod period;
pub mod permission;
pub mod plan_mapping;
pub mod refusal;
pub mod report;
pub mod research;
pub mod status;
pub mod target;
pub mod task;
pub mod text;
pub mod unit;
pub mod unit_tree;
pub mod validation;
pub mod value;
pub mod vi_order;

pub use actor::Actor;
pub use catalog::Catalog;
pub use clock::Clock;
pub use comparator::Comparator;
pub use head::Head;
pub use indicator::{Direction, Group, Indicator, Measure, Plan, TimeAggregation, UnitAggregation};
pub use period::{Period, PeriodError, PeriodFlaw, PeriodKind};
pub use refusal::{Field, Refusal, Thing};
pub use status::{Standing, Status};
pub use target::{EveryYear, Target};
pub use task::{Task, TaskStatus, TaskUpdate};
pub use unit::{Unit, UnitCode, UnitKind};
pub use value::{ValueError, ValueInput, ValueState};

pub use rust_decimal::Decimal;
