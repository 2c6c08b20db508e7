//! Rules that change pipelines, their stages, and the list of lost reasons. Each checks
//! everything before it changes anything.

use super::*;

impl Workspace {
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
