//! The probability check: each stage's set probability beside how often the deals that
//! passed through it were won.

use super::period::Period;
use super::prepared::{Closed, Prepared};
use super::rate::Rate;
use crate::domain::model::StageId;

/// A stage's set probability beside how often the deals that passed through it were won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageProbabilityCheck {
    pub stage_id: StageId,
    /// The probability set on the stage, in percent.
    pub set_probability: u8,
    /// Won among the deals of W ∪ L that ever entered the stage; n is those deals.
    pub won_share: Rate,
}

impl Prepared<'_> {
    /// The probability check, per stage in board order: the probability set on the stage beside
    /// won / (won + lost) among the deals of W ∪ L (closed in the period) whose history has an
    /// entry into that stage. Deals that skipped a stage are not in its n.
    pub(super) fn probability_check(&self, period: &Period) -> Vec<StageProbabilityCheck> {
        let n_stages = self.n_stages();
        let mut closed = vec![0usize; n_stages];
        let mut won_counts = vec![0usize; n_stages];
        // Reused across deals, so a deal that entered a stage twice is counted once.
        let mut seen = vec![false; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        for prepared in &self.deals {
            let Some(Closed { date, won, .. }) = prepared.closed else {
                continue;
            };
            if !period.contains(date) {
                continue;
            }
            for entry in self.entries_of(prepared) {
                let Some(stage) = entry.stage else { continue };
                if let Some(flag) = seen.get_mut(stage) {
                    if !*flag {
                        *flag = true;
                        touched.push(stage);
                    }
                }
            }
            for &stage in &touched {
                seen[stage] = false;
                closed[stage] += 1;
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
            .map(|(index, stage)| StageProbabilityCheck {
                stage_id: stage.id.clone(),
                set_probability: stage.probability,
                won_share: Rate {
                    hits: won_counts[index],
                    n: closed[index],
                },
            })
            .collect()
    }
}
