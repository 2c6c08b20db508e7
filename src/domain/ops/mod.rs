//! The rules that change a workspace. Every one returns a `Result`; the UI calls these and
//! shows the error. Drag-and-drop, the "Move to" menu and the keyboard all call
//! [`Workspace::move_deal`].

use super::model::*;
use super::money::{Currency, Money, MAX_MINOR};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;
use std::fmt;

mod deals;
mod pipelines;

/// Longest accepted text for names and titles, and for notes and guidance, in characters.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Gap between neighbouring ranks, so a deal can be dropped between two without renumbering.
pub const RANK_STEP: i64 = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    PipelineNotFound,
    StageNotFound,
    DealNotFound,
    EmptyName,
    NameTooLong {
        max: usize,
    },
    TextTooLong {
        max: usize,
    },
    ProbabilityOutOfRange,
    AmountNegative,
    AmountTooLarge,
    DealIsClosed,
    DealIsOpen,
    /// The stage still holds deals; say where they should go.
    StageHasDeals {
        n_deals: usize,
    },
    /// A pipeline needs at least one stage to hold deals.
    LastStage,
    MoveTargetIsRemovedStage,
    EmptyLostReason,
    LostReasonNotFound,
    /// An id that is empty, too long, or already used by another record.
    IdTaken,
    /// A pipeline must have at least one stage.
    NoStages,
    /// Undo or redo: what it would put back has changed since (another tab, or a change
    /// not undone), or would leave a deal without its pipeline or stage.
    ChangedSince,
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The UI shows these through the message catalogue; this text is for logs and tests.
        write!(f, "{self:?}")
    }
}

impl std::error::Error for DomainError {}

/// What a person fills in when adding or editing a deal.
#[derive(Clone, Debug, PartialEq)]
pub struct DealDraft {
    pub title: String,
    pub organisation: String,
    pub contact: Contact,
    pub amount: Money,
    pub expected_close: Option<NaiveDate>,
    pub probability: Option<u8>,
    pub notes: String,
    pub next_step: NextStep,
}

impl DealDraft {
    /// A draft with only a title and an amount, as the quick-add gives.
    pub fn quick(title: &str, amount: Money) -> DealDraft {
        DealDraft {
            title: title.to_string(),
            organisation: String::new(),
            contact: Contact::default(),
            amount,
            expected_close: None,
            probability: None,
            notes: String::new(),
            next_step: NextStep::default(),
        }
    }

    pub fn from_deal(deal: &Deal) -> DealDraft {
        DealDraft {
            title: deal.title.clone(),
            organisation: deal.organisation.clone(),
            contact: deal.contact.clone(),
            amount: deal.amount.clone(),
            expected_close: deal.expected_close,
            probability: deal.probability,
            notes: deal.notes.clone(),
            next_step: deal.next_step.clone(),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_name(&self.title)?;
        for short in [
            &self.organisation,
            &self.contact.name,
            &self.contact.email,
            &self.contact.phone,
        ] {
            check_len(short, MAX_NAME_CHARS)?;
        }
        check_len(&self.notes, MAX_TEXT_CHARS)?;
        check_len(&self.next_step.text, MAX_TEXT_CHARS)?;
        if self.amount.minor < 0 {
            return Err(DomainError::AmountNegative);
        }
        if self.amount.minor > MAX_MINOR {
            return Err(DomainError::AmountTooLarge);
        }
        if self.probability.is_some_and(|p| p > 100) {
            return Err(DomainError::ProbabilityOutOfRange);
        }
        Ok(())
    }
}

/// A deal's own win probability as typed: empty means "the stage's"; otherwise a whole
/// number from 0 to 100.
pub fn parse_probability(text: &str) -> Result<Option<u8>, DomainError> {
    match text.trim() {
        "" => Ok(None),
        text => match text.parse::<u8>() {
            Ok(p) if p <= 100 => Ok(Some(p)),
            _ => Err(DomainError::ProbabilityOutOfRange),
        },
    }
}

/// The editable fields of a stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageDraft {
    pub name: String,
    pub guidance: String,
    pub probability: u8,
    pub rot_days: u32,
}

impl StageDraft {
    fn validate(&self) -> Result<(), DomainError> {
        check_name(&self.name)?;
        check_len(&self.guidance, MAX_TEXT_CHARS)?;
        if self.probability > 100 {
            return Err(DomainError::ProbabilityOutOfRange);
        }
        Ok(())
    }
}

fn check_len(text: &str, max: usize) -> Result<(), DomainError> {
    if text.chars().count() > max {
        Err(if max == MAX_NAME_CHARS {
            DomainError::NameTooLong { max }
        } else {
            DomainError::TextTooLong { max }
        })
    } else {
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), DomainError> {
    if name.trim().is_empty() {
        return Err(DomainError::EmptyName);
    }
    check_len(name, MAX_NAME_CHARS)
}

/// Ids are made by the app: not empty and no longer than a name.
fn check_id(id: &str) -> Result<(), DomainError> {
    if id.is_empty() || id.chars().count() > MAX_NAME_CHARS {
        Err(DomainError::IdTaken)
    } else {
        Ok(())
    }
}

fn check_lost_reason(reason: &str) -> Result<(), DomainError> {
    if reason.trim().is_empty() {
        return Err(DomainError::EmptyLostReason);
    }
    check_len(reason, MAX_NAME_CHARS)
}

/// The fields of a whole deal that a draft does not cover: its status.
fn check_status(status: &DealStatus) -> Result<(), DomainError> {
    match status {
        DealStatus::Lost { reason, note, .. } => {
            check_lost_reason(reason)?;
            check_len(note, MAX_TEXT_CHARS)
        }
        DealStatus::Open | DealStatus::Won { .. } => Ok(()),
    }
}

impl Deal {
    /// Records a change: bumps the revision storage watches and the last-changed time.
    fn touch(&mut self, now: DateTime<Utc>) {
        self.updated_at = now;
        self.rev += 1;
    }
}

impl Workspace {
    fn pipeline_mut(
        &mut self,
        id: &(impl PipelineRef + ?Sized),
    ) -> Result<&mut Pipeline, DomainError> {
        self.pipelines
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(DomainError::PipelineNotFound)
    }

    fn deal_mut(&mut self, id: &(impl DealRef + ?Sized)) -> Result<&mut Deal, DomainError> {
        self.deals
            .iter_mut()
            .find(|d| d.id == id)
            .ok_or(DomainError::DealNotFound)
    }

    /// Every stage id in use: on a pipeline, or named by a deal (history keeps the ids of
    /// removed stages, so those are taken too).
    fn stage_ids_in_use(&self) -> HashSet<&str> {
        self.named_stages().map(StageId::as_str).collect()
    }

    fn check_new_stage_id(&self, id: &(impl StageRef + ?Sized)) -> Result<(), DomainError> {
        check_id(id.id_str())?;
        if self.stage_ids_in_use().contains(id.id_str()) {
            return Err(DomainError::IdTaken);
        }
        Ok(())
    }

    fn check_new_deal_id(&self, id: &(impl DealRef + ?Sized)) -> Result<(), DomainError> {
        check_id(id.id_str())?;
        if self.deal(id).is_some() {
            return Err(DomainError::IdTaken);
        }
        Ok(())
    }

    /// Checks a whole pipeline before it is added: its name, its stages, and that none of
    /// its ids is in use.
    fn check_new_pipeline(&self, pipeline: &Pipeline) -> Result<(), DomainError> {
        check_name(&pipeline.name)?;
        check_id(&pipeline.id)?;
        if self.pipeline(&pipeline.id).is_some()
            || self.deals.iter().any(|d| d.pipeline_id == pipeline.id)
        {
            return Err(DomainError::IdTaken);
        }
        if pipeline.stages.is_empty() {
            return Err(DomainError::NoStages);
        }
        let used = self.stage_ids_in_use();
        let mut seen = HashSet::new();
        for stage in &pipeline.stages {
            check_id(&stage.id)?;
            if used.contains(stage.id.as_str()) || !seen.insert(stage.id.as_str()) {
                return Err(DomainError::IdTaken);
            }
            StageDraft {
                name: stage.name.clone(),
                guidance: stage.guidance.clone(),
                probability: stage.probability,
                rot_days: stage.rot_days,
            }
            .validate()?;
        }
        Ok(())
    }
}
