//! Time in stage: how long deals stayed in each stage before leaving it, and the
//! bottleneck, the stage they stay in longest.

use super::period::Period;
use super::prepared::{days_between, Prepared};
use super::rate::Confidence;
use crate::domain::model::StageId;

/// Days spent in one stage by the deals that left it in the period.
#[derive(Clone, Debug, PartialEq)]
pub struct StageTime {
    pub stage_id: StageId,
    /// Deals with at least one visit to the stage that ended in the period.
    pub n_deals: usize,
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
}

impl StageTime {
    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n_deals)
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // Selection rather than a full sort: linear time, and the median is all that is needed.
    let odd = values.len() % 2 == 1;
    let middle = values.len() / 2;
    let (below, upper, _) = values.select_nth_unstable_by(middle, f64::total_cmp);
    let upper = *upper;
    if odd {
        return Some(upper);
    }
    // With an even count the lower middle value is the largest of those below the upper.
    let lower = below.iter().copied().max_by(f64::total_cmp)?;
    Some((lower + upper) / 2.0)
}

fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

impl Prepared<'_> {
    /// Time in stage, per stage of the pipeline in board order.
    ///
    /// A visit to a stage starts at the history entry into it and ends at the deal's next
    /// history entry, whatever stage that goes to (a removed one included). Winning or losing
    /// is not a stage change, so a closed deal's last visit, like an open deal's current one,
    /// has not ended and does not count: the deal has not left that stage. A visit counts when
    /// its end falls in the period (UTC date); a deal's days in a stage are the sum of its
    /// counted visits there (re-entries add up), and the stage's median and mean are taken over
    /// the deals with at least one counted visit, `n_deals` of them.
    pub(super) fn time_in_stage(&self, period: &Period) -> Vec<StageTime> {
        let n_stages = self.n_stages();
        // Room for an even share of the deals per stage, so most pushes need no regrowth.
        let share = self.deals.len() / n_stages.max(1) + 1;
        let mut per_stage: Vec<Vec<f64>> = vec![Vec::with_capacity(share); n_stages];
        // Reused across deals: each stage's summed days for the current deal.
        let mut deal_days: Vec<Option<f64>> = vec![None; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        for prepared in &self.deals {
            let entries = self.entries_of(prepared);
            for pair in entries.windows(2) {
                let [visit, next] = pair else { continue };
                let Some(stage) = visit.stage else { continue };
                if !period.contains(next.date) {
                    continue;
                }
                // A history out of time order would give a negative stay; count it as none
                // rather than let it pull the figures below zero.
                let days = days_between(visit.at_ms, next.at_ms).max(0.0);
                if let Some(slot) = deal_days.get_mut(stage) {
                    match slot {
                        Some(sum) => *sum += days,
                        None => {
                            *slot = Some(days);
                            touched.push(stage);
                        }
                    }
                }
            }
            for &stage in &touched {
                if let (Some(days), Some(values)) = (
                    deal_days.get_mut(stage).and_then(Option::take),
                    per_stage.get_mut(stage),
                ) {
                    values.push(days);
                }
            }
            touched.clear();
        }
        self.pipeline
            .stages
            .iter()
            .zip(per_stage.iter_mut())
            .map(|(stage, values)| StageTime {
                stage_id: stage.id.clone(),
                n_deals: values.len(),
                mean_days: mean(values),
                median_days: median(values),
            })
            .collect()
    }
}

/// The bottleneck: the stage with the largest median days, the earlier stage on a tie;
/// `None` when no stage has a deal that left it.
pub fn bottleneck(times: &[StageTime]) -> Option<StageId> {
    let mut slowest: Option<(&StageTime, f64)> = None;
    for time in times {
        let Some(median_days) = time.median_days.filter(|_| time.n_deals >= 1) else {
            continue;
        };
        // Strictly greater, so a tie keeps the earlier stage.
        if slowest.is_none_or(|(_, best)| median_days > best) {
            slowest = Some((time, median_days));
        }
    }
    slowest.map(|(time, _)| time.stage_id.clone())
}
