//! The pure core: pipelines, stages, deals, templates and totals. Nothing in here touches
//! the browser, does I/O or reads the clock; "now" and new ids are passed in.

pub mod board;
pub mod columns;
pub mod edit_merge;
pub mod ids;
pub mod insights;
pub mod metrics;
pub mod model;
pub mod money;
pub mod ops;
pub mod recovery;
pub mod sample;
pub mod sort;
pub mod templates;
pub mod totals;
pub mod undo;

pub use model::*;
pub use money::{Currency, Money};
pub use ops::{DealDraft, DomainError, StageDraft};
