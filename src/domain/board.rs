//! Where a card goes when the user moves it: by Shift+arrow keys or by dropping it on a
//! column. The board's three ways of moving (drag, menu, keys) all end in
//! [`Workspace::move_deal`]; these rules only say where to.

use super::model::{DealId, DealRef, PipelineRef, StageId, StageRef, Workspace};

/// A Shift+arrow key on a focused card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nudge {
    /// To the stage on the left, at the same height.
    Left,
    /// To the stage on the right, at the same height.
    Right,
    /// One place up in its column.
    Up,
    /// One place down in its column.
    Down,
}

impl Nudge {
    /// The nudge a key (as `KeyboardEvent.key` names it) asks for.
    pub fn from_key(key: &str) -> Option<Nudge> {
        match key {
            "ArrowLeft" => Some(Nudge::Left),
            "ArrowRight" => Some(Nudge::Right),
            "ArrowUp" => Some(Nudge::Up),
            "ArrowDown" => Some(Nudge::Down),
            _ => None,
        }
    }
}

impl Workspace {
    /// Where an open deal stands in its column, counting from 0.
    pub fn column_position(&self, deal_id: &(impl DealRef + ?Sized)) -> Option<usize> {
        let deal = self.deal(deal_id)?;
        self.open_deals_in_stage(&deal.pipeline_id, &deal.stage_id)
            .iter()
            .position(|d| d.id == deal_id)
    }

    /// The stage and column index a nudge moves a deal to, or `None` at the board's edge
    /// (the first stage, the last stage, the top of a column) or for a closed deal.
    pub fn nudge_target(
        &self,
        deal_id: &(impl DealRef + ?Sized),
        nudge: Nudge,
    ) -> Option<(StageId, usize)> {
        let deal = self.deal(deal_id)?;
        let pipeline = self.pipeline(&deal.pipeline_id)?;
        let column = pipeline.stage_index(&deal.stage_id)?;
        let position = self.column_position(deal_id)?;
        let stage_at = |idx: usize| pipeline.stages.get(idx).map(|s| s.id.clone());
        match nudge {
            Nudge::Left => Some((stage_at(column.checked_sub(1)?)?, position)),
            Nudge::Right => Some((stage_at(column + 1)?, position)),
            Nudge::Up => Some((deal.stage_id.clone(), position.checked_sub(1)?)),
            Nudge::Down => Some((deal.stage_id.clone(), position + 1)),
        }
    }

    /// Where a dragged deal lands in a stage's column: before the card it was dropped on,
    /// or after it when dropped on that card's lower half; at the end when dropped on the
    /// column itself. `over` is the card's deal id and whether the pointer was on its lower
    /// half.
    pub fn drop_index(
        &self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
        dragged: &(impl DealRef + ?Sized),
        over: Option<(&DealId, bool)>,
    ) -> usize {
        let column: Vec<&str> = self
            .open_deals_in_stage(pipeline_id, stage_id)
            .into_iter()
            .filter(|d| d.id != dragged)
            .map(|d| d.id.as_str())
            .collect();
        over.and_then(|(over_id, lower_half)| {
            let idx = column.iter().position(|id| *id == over_id)?;
            Some(if lower_half { idx + 1 } else { idx })
        })
        .unwrap_or(column.len())
    }

    /// How many deals, open or closed, a stage holds: removing it must say where they go.
    pub fn deals_in_stage_count(
        &self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
    ) -> usize {
        self.deals
            .iter()
            .filter(|d| d.pipeline_id == pipeline_id && d.stage_id == stage_id)
            .count()
    }
}
