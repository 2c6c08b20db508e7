//! The funnel: per stage, the deals of a cohort that entered it, went on and were won.

use super::period::Period;
use super::prepared::Prepared;
use super::rate::Rate;
use crate::domain::model::StageId;

/// One stage of the funnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageFunnel {
    pub stage_id: StageId,
    /// Deals of the cohort with a history entry into this stage, each counted once.
    pub n_entered: usize,
    /// Of those, the deals that later entered a later stage or were won.
    pub n_went_on: usize,
    /// Of those, the deals that were won.
    pub n_won: usize,
    /// `n_went_on / n_entered`: the stage conversion of metrics.md. "Next" means any later
    /// stage, since a deal may skip stages.
    pub conversion_to_next: Rate,
    /// `n_won / n_entered`.
    pub conversion_to_won: Rate,
}

impl Prepared<'_> {
    /// The funnel: per stage of the pipeline, in board order, how many deals entered it, how
    /// many went on, and the conversions to the next stage and to won.
    ///
    /// Which deals: the cohort of the pipeline's deals created in the period (UTC date of
    /// `created_at`), open or closed, with their whole history up to now. A deal entered a stage
    /// when its history has an entry with `to` equal to that stage (the entry it was created
    /// with included); it is counted once however often it re-entered. Stages a deal jumped over
    /// were not entered. The deal went on from a stage when, after its first entry into it, it
    /// entered a stage further right in the pipeline's current order, or when it was won; moving
    /// back left is not going on. History entries into stages that have since been removed are
    /// ignored, and stage order is always the current one.
    pub(super) fn funnel(&self, period: &Period) -> Vec<StageFunnel> {
        let n_stages = self.n_stages();
        let mut entered = vec![0usize; n_stages];
        let mut went_on = vec![0usize; n_stages];
        let mut won_counts = vec![0usize; n_stages];
        // Reused across deals: the position of the deal's first entry into each stage, and the
        // highest stage index entered after each position (so "later entered a later stage"
        // is one comparison, not a search).
        let mut first_entry: Vec<Option<usize>> = vec![None; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        let mut highest_after: Vec<Option<usize>> = Vec::new();
        for prepared in &self.deals {
            if !period.contains(prepared.created) {
                continue;
            }
            let entries = self.entries_of(prepared);
            let won = prepared.closed.is_some_and(|closed| closed.won);
            highest_after.clear();
            highest_after.resize(entries.len(), None);
            let mut highest: Option<usize> = None;
            for (position, entry) in entries.iter().enumerate().rev() {
                highest_after[position] = highest;
                highest = highest.max(entry.stage);
            }
            for (position, entry) in entries.iter().enumerate() {
                let Some(stage) = entry.stage else { continue };
                if let Some(slot) = first_entry.get_mut(stage) {
                    if slot.is_none() {
                        *slot = Some(position);
                        touched.push(stage);
                    }
                }
            }
            for &stage in &touched {
                let Some(position) = first_entry.get_mut(stage).and_then(Option::take) else {
                    continue;
                };
                entered[stage] += 1;
                // A later entry into a later stage counts from the first entry on, so a deal
                // that stepped back and forward again still went on; a step back alone does
                // not, since a lower index never exceeds this stage's.
                let later_stage = highest_after
                    .get(position)
                    .copied()
                    .flatten()
                    .is_some_and(|later| later > stage);
                if later_stage || won {
                    went_on[stage] += 1;
                }
                if won {
                    won_counts[stage] += 1;
                }
            }
            touched.clear();
        }
        self.pipeline
            .stages
            .iter()
            .enumerate()
            .map(|(index, stage)| StageFunnel {
                stage_id: stage.id.clone(),
                n_entered: entered[index],
                n_went_on: went_on[index],
                n_won: won_counts[index],
                conversion_to_next: Rate {
                    hits: went_on[index],
                    n: entered[index],
                },
                conversion_to_won: Rate {
                    hits: won_counts[index],
                    n: entered[index],
                },
            })
            .collect()
    }
}
