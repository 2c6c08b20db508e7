//! The rules that change a workspace. Every one returns a `Result`; the UI calls these and
//! shows the error. Drag-and-drop, the "Move to" menu and the keyboard all call
//! [`Workspace::move_deal`].

use super::model::*;
use super::money::{Currency, Money, MAX_MINOR};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;
use std::fmt;

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
        let mut used: HashSet<&str> = self
            .pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(|s| s.id.as_str()))
            .collect();
        for deal in &self.deals {
            used.insert(deal.stage_id.as_str());
            for change in &deal.history {
                used.insert(change.to.as_str());
                if let Some(from) = &change.from {
                    used.insert(from.as_str());
                }
            }
        }
        used
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

    pub fn add_pipeline(&mut self, pipeline: Pipeline) -> Result<(), DomainError> {
        self.create_pipeline(pipeline, Vec::new(), Vec::new())
    }

    /// Adds a new pipeline with the deals that come with it (sample deals, say), and gives
    /// the workspace `default_lost_reasons` if it has none yet. All or nothing: every part
    /// is checked before anything changes.
    pub fn create_pipeline(
        &mut self,
        pipeline: Pipeline,
        deals: Vec<Deal>,
        default_lost_reasons: Vec<String>,
    ) -> Result<(), DomainError> {
        self.check_new_pipeline(&pipeline)?;
        let mut deal_ids = HashSet::new();
        let used = self.stage_ids_in_use();
        for deal in &deals {
            if deal.pipeline_id != pipeline.id {
                return Err(DomainError::PipelineNotFound);
            }
            if pipeline.stage(&deal.stage_id).is_none() {
                return Err(DomainError::StageNotFound);
            }
            self.check_new_deal_id(&deal.id)?;
            if !deal_ids.insert(deal.id.as_str()) {
                return Err(DomainError::IdTaken);
            }
            DealDraft::from_deal(deal).validate()?;
            check_status(&deal.status)?;
            // History may name stages only this pipeline has, or had.
            for change in &deal.history {
                for id in std::iter::once(&change.to).chain(change.from.as_ref()) {
                    check_id(id)?;
                    if used.contains(id.as_str()) {
                        return Err(DomainError::IdTaken);
                    }
                }
            }
        }
        if self.lost_reasons.is_empty() {
            for reason in &default_lost_reasons {
                check_lost_reason(reason)?;
            }
            self.lost_reasons = default_lost_reasons;
        }
        self.pipelines.push(pipeline);
        self.deals.extend(deals);
        Ok(())
    }

    pub fn rename_pipeline(
        &mut self,
        id: &(impl PipelineRef + ?Sized),
        name: &str,
    ) -> Result<(), DomainError> {
        check_name(name)?;
        self.pipeline_mut(id)?.name = name.trim().to_string();
        Ok(())
    }

    pub fn set_pipeline_currency(
        &mut self,
        id: &(impl PipelineRef + ?Sized),
        currency: Currency,
    ) -> Result<(), DomainError> {
        self.pipeline_mut(id)?.currency = currency;
        Ok(())
    }

    /// Copies a pipeline's name, currency and stages (not its deals) under new ids.
    /// `new_id` is called once for the pipeline and once for each stage.
    pub fn duplicate_pipeline(
        &mut self,
        id: &(impl PipelineRef + ?Sized),
        copy_name: &str,
        now: DateTime<Utc>,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<PipelineId, DomainError> {
        check_name(copy_name)?;
        let source = self
            .pipeline(id)
            .ok_or(DomainError::PipelineNotFound)?
            .clone();
        let copy = Pipeline {
            id: new_id().into(),
            name: copy_name.trim().to_string(),
            currency: source.currency,
            stages: source
                .stages
                .into_iter()
                .map(|stage| Stage {
                    id: new_id().into(),
                    ..stage
                })
                .collect(),
            created_at: now,
        };
        self.check_new_pipeline(&copy)?;
        let copy_id = copy.id.clone();
        self.pipelines.push(copy);
        Ok(copy_id)
    }

    /// Deletes a pipeline and its deals; returns how many deals went with it.
    pub fn delete_pipeline(
        &mut self,
        id: &(impl PipelineRef + ?Sized),
    ) -> Result<usize, DomainError> {
        let before = self.pipelines.len();
        self.pipelines.retain(|p| p.id != id);
        if self.pipelines.len() == before {
            return Err(DomainError::PipelineNotFound);
        }
        let n_deals = self.deals.len();
        self.deals.retain(|d| d.pipeline_id != id);
        Ok(n_deals - self.deals.len())
    }

    /// Adds a stage at `index` (clamped to the end).
    pub fn add_stage(
        &mut self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        index: usize,
        stage_id: StageId,
        draft: StageDraft,
    ) -> Result<(), DomainError> {
        draft.validate()?;
        self.pipeline(pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        self.check_new_stage_id(&stage_id)?;
        let pipeline = self.pipeline_mut(pipeline_id)?;
        let index = index.min(pipeline.stages.len());
        pipeline.stages.insert(
            index,
            Stage {
                id: stage_id,
                name: draft.name.trim().to_string(),
                guidance: draft.guidance,
                probability: draft.probability,
                rot_days: draft.rot_days,
            },
        );
        Ok(())
    }

    pub fn edit_stage(
        &mut self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
        draft: StageDraft,
    ) -> Result<(), DomainError> {
        draft.validate()?;
        let pipeline = self.pipeline_mut(pipeline_id)?;
        let stage = pipeline
            .stages
            .iter_mut()
            .find(|s| s.id == stage_id)
            .ok_or(DomainError::StageNotFound)?;
        stage.name = draft.name.trim().to_string();
        stage.guidance = draft.guidance;
        stage.probability = draft.probability;
        stage.rot_days = draft.rot_days;
        Ok(())
    }

    /// Moves a stage to `new_index` in the board order (clamped to the end).
    pub fn reorder_stage(
        &mut self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
        new_index: usize,
    ) -> Result<(), DomainError> {
        let pipeline = self.pipeline_mut(pipeline_id)?;
        let from = pipeline
            .stage_index(stage_id)
            .ok_or(DomainError::StageNotFound)?;
        let stage = pipeline.stages.remove(from);
        let to = new_index.min(pipeline.stages.len());
        pipeline.stages.insert(to, stage);
        Ok(())
    }

    /// Removes a stage. Deals in it (open or closed) move to `move_deals_to`; without a
    /// target, a stage that holds deals is not removed. No deal is ever dropped.
    pub fn remove_stage(
        &mut self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
        move_deals_to: Option<&StageId>,
        now: DateTime<Utc>,
    ) -> Result<usize, DomainError> {
        let pipeline = self
            .pipeline(pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        if pipeline.stage(stage_id).is_none() {
            return Err(DomainError::StageNotFound);
        }
        if pipeline.stages.len() == 1 {
            return Err(DomainError::LastStage);
        }
        let n_deals = self.deals_in_stage_count(pipeline_id, stage_id);
        if n_deals > 0 {
            let target = move_deals_to.ok_or(DomainError::StageHasDeals { n_deals })?;
            if *target == stage_id {
                return Err(DomainError::MoveTargetIsRemovedStage);
            }
            if pipeline.stage(target).is_none() {
                return Err(DomainError::StageNotFound);
            }
            let mut next_rank = self.next_rank(pipeline_id, target);
            for deal in self
                .deals
                .iter_mut()
                .filter(|d| d.pipeline_id == pipeline_id && d.stage_id == stage_id)
            {
                deal.history.push(StageChange {
                    from: Some(deal.stage_id.clone()),
                    to: target.clone(),
                    at: now,
                });
                deal.stage_id = target.clone();
                deal.rank = next_rank;
                next_rank = next_rank.saturating_add(RANK_STEP);
                deal.touch(now);
            }
        }
        self.pipeline_mut(pipeline_id)?
            .stages
            .retain(|s| s.id != stage_id);
        Ok(n_deals)
    }

    /// The rank that puts a deal at the bottom of a stage's column.
    fn next_rank(
        &self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
    ) -> i64 {
        self.deals
            .iter()
            .filter(|d| d.pipeline_id == pipeline_id && d.stage_id == stage_id)
            .map(|d| d.rank)
            .max()
            .map_or(0, |max| max.saturating_add(RANK_STEP))
    }

    /// Adds an open deal at the bottom of a stage.
    pub fn add_deal(
        &mut self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
        deal_id: DealId,
        draft: DealDraft,
        now: DateTime<Utc>,
    ) -> Result<DealId, DomainError> {
        draft.validate()?;
        let pipeline = self
            .pipeline(pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        if pipeline.stage(stage_id).is_none() {
            return Err(DomainError::StageNotFound);
        }
        self.check_new_deal_id(&deal_id)?;
        let rank = self.next_rank(pipeline_id, stage_id);
        let deal = Deal {
            id: deal_id.clone(),
            pipeline_id: PipelineId::from(pipeline_id.id_str()),
            stage_id: StageId::from(stage_id.id_str()),
            rank,
            title: draft.title.trim().to_string(),
            organisation: draft.organisation.trim().to_string(),
            contact: draft.contact,
            amount: draft.amount,
            expected_close: draft.expected_close,
            probability: draft.probability,
            notes: draft.notes,
            next_step: draft.next_step,
            created_at: now,
            updated_at: now,
            status: DealStatus::Open,
            history: vec![StageChange {
                from: None,
                to: StageId::from(stage_id.id_str()),
                at: now,
            }],
            sample: false,
            rev: 1,
        };
        self.deals.push(deal);
        Ok(deal_id)
    }

    pub fn update_deal(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        draft: DealDraft,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        draft.validate()?;
        let deal = self.deal_mut(deal_id)?;
        deal.title = draft.title.trim().to_string();
        deal.organisation = draft.organisation.trim().to_string();
        deal.contact = draft.contact;
        deal.amount = draft.amount;
        deal.expected_close = draft.expected_close;
        deal.probability = draft.probability;
        deal.notes = draft.notes;
        deal.next_step = draft.next_step;
        deal.touch(now);
        Ok(())
    }

    /// Saves the deal editor: the fields, and a change of stage when `to_stage` differs
    /// from the deal's stage. One change: when the move cannot be made, nothing is saved.
    pub fn save_deal(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        draft: DealDraft,
        to_stage: &(impl StageRef + ?Sized),
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        draft.validate()?;
        let deal = self.deal(deal_id).ok_or(DomainError::DealNotFound)?;
        let moves = deal.stage_id != to_stage;
        if moves {
            if !deal.status.is_open() {
                return Err(DomainError::DealIsClosed);
            }
            let pipeline = self
                .pipeline(&deal.pipeline_id)
                .ok_or(DomainError::PipelineNotFound)?;
            if pipeline.stage(to_stage).is_none() {
                return Err(DomainError::StageNotFound);
            }
        }
        // Both steps are checked above, so neither can fail half-way.
        self.update_deal(deal_id, draft, now)?;
        if moves {
            self.move_deal(deal_id, to_stage, usize::MAX, now)?;
        }
        Ok(())
    }

    pub fn delete_deal(&mut self, deal_id: &(impl DealRef + ?Sized)) -> Result<(), DomainError> {
        let before = self.deals.len();
        self.deals.retain(|d| d.id != deal_id);
        if self.deals.len() == before {
            Err(DomainError::DealNotFound)
        } else {
            Ok(())
        }
    }

    /// Moves an open deal to `to_stage`, placed at `index` among that column's open deals
    /// (clamped to the end). A change of stage is recorded in the deal's history; a move
    /// within the column only changes its order.
    pub fn move_deal(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        to_stage: &(impl StageRef + ?Sized),
        index: usize,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let deal = self.deal(deal_id).ok_or(DomainError::DealNotFound)?;
        if !deal.status.is_open() {
            return Err(DomainError::DealIsClosed);
        }
        let pipeline_id = deal.pipeline_id.clone();
        let pipeline = self
            .pipeline(&pipeline_id)
            .ok_or(DomainError::PipelineNotFound)?;
        if pipeline.stage(to_stage).is_none() {
            return Err(DomainError::StageNotFound);
        }
        let column: Vec<(DealId, i64)> = self
            .open_deals_in_stage(&pipeline_id, to_stage)
            .into_iter()
            .filter(|d| d.id != deal_id)
            .map(|d| (d.id.clone(), d.rank))
            .collect();
        let index = index.min(column.len());
        let prev = index.checked_sub(1).map(|i| column[i].1);
        let next = column.get(index).map(|c| c.1);
        // A free rank beside or between the neighbours. Ranks read from a file can be any
        // i64, so the arithmetic is checked: overflow means no room, never a panic or a tie.
        let free_rank = match (prev, next) {
            (None, None) => Some(0),
            (None, Some(next)) => next.checked_sub(RANK_STEP),
            (Some(prev), None) => prev.checked_add(RANK_STEP),
            (Some(prev), Some(next)) => next
                .checked_sub(prev)
                .filter(|gap| *gap > 1)
                .map(|gap| prev + gap / 2),
        };
        let rank = match free_rank {
            Some(rank) => rank,
            // No room beside the neighbours: renumber the column, the rare slow path.
            None => {
                for (position, (id, _)) in column.iter().enumerate() {
                    let slot = if position < index {
                        position
                    } else {
                        position + 1
                    };
                    let rank = slot as i64 * RANK_STEP;
                    let neighbour = self.deal_mut(id)?;
                    if neighbour.rank != rank {
                        neighbour.rank = rank;
                        neighbour.touch(now);
                    }
                }
                index as i64 * RANK_STEP
            }
        };
        let deal = self.deal_mut(deal_id)?;
        if deal.stage_id != to_stage {
            deal.history.push(StageChange {
                from: Some(deal.stage_id.clone()),
                to: StageId::from(to_stage.id_str()),
                at: now,
            });
            deal.stage_id = StageId::from(to_stage.id_str());
        }
        deal.rank = rank;
        deal.touch(now);
        Ok(())
    }

    pub fn mark_won(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let deal = self.deal_mut(deal_id)?;
        if !deal.status.is_open() {
            return Err(DomainError::DealIsClosed);
        }
        deal.status = DealStatus::Won { at: now };
        deal.touch(now);
        Ok(())
    }

    pub fn mark_lost(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        reason: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        check_lost_reason(reason)?;
        check_len(note, MAX_TEXT_CHARS)?;
        let deal = self.deal_mut(deal_id)?;
        if !deal.status.is_open() {
            return Err(DomainError::DealIsClosed);
        }
        deal.status = DealStatus::Lost {
            at: now,
            reason: reason.trim().to_string(),
            note: note.to_string(),
        };
        deal.touch(now);
        Ok(())
    }

    /// Reopens a won or lost deal in the stage it closed from, at the bottom of its column.
    pub fn reopen(
        &mut self,
        deal_id: &(impl DealRef + ?Sized),
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let deal = self.deal(deal_id).ok_or(DomainError::DealNotFound)?;
        if deal.status.is_open() {
            return Err(DomainError::DealIsOpen);
        }
        let rank = self.next_rank(&deal.pipeline_id.clone(), &deal.stage_id.clone());
        let deal = self.deal_mut(deal_id)?;
        deal.status = DealStatus::Open;
        deal.rank = rank;
        deal.touch(now);
        Ok(())
    }

    /// Removes every sample deal of a pipeline; returns how many went.
    pub fn remove_sample_deals(&mut self, pipeline_id: &(impl PipelineRef + ?Sized)) -> usize {
        let before = self.deals.len();
        self.deals
            .retain(|d| !(d.sample && d.pipeline_id == pipeline_id));
        before - self.deals.len()
    }

    pub fn add_lost_reason(&mut self, reason: &str) -> Result<(), DomainError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::EmptyLostReason);
        }
        check_len(reason, MAX_NAME_CHARS)?;
        if !self.lost_reasons.iter().any(|r| r == reason) {
            self.lost_reasons.push(reason.to_string());
        }
        Ok(())
    }

    /// Removing a reason from the list keeps it on the deals that already carry it, so
    /// their history stays true and their backup still imports.
    pub fn remove_lost_reason(&mut self, reason: &str) -> Result<(), DomainError> {
        let before = self.lost_reasons.len();
        self.lost_reasons.retain(|r| r != reason);
        if self.lost_reasons.len() == before {
            return Err(DomainError::LostReasonNotFound);
        }
        Ok(())
    }
}
