//! Rules that change deals: add, edit, move, win, lose, reopen, delete. Each checks
//! everything before it changes anything.

use super::*;

impl Workspace {
    /// The rank that puts a deal at the bottom of a stage's column.
    pub(super) fn next_rank(
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
}
