//! Deals needing attention: the open deals that are stale, lack a next step or have
//! dates in the past, or whose stage was removed.

use super::period::utc_date;
use super::prepared::Prepared;
use crate::domain::model::DealId;
use chrono::{DateTime, NaiveDate, Utc};

/// Why an open deal needs attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttentionReason {
    /// Stale per its stage's rule ([`Deal::is_stale`](crate::domain::Deal::is_stale));
    /// `days_idle` is the whole days since it entered its stage or last changed, whichever
    /// is later.
    Stale { days_idle: i64, rot_days: u32 },
    /// The next step has no text.
    NextStepMissing,
    /// The next step was due before today.
    NextStepOverdue { due: NaiveDate },
    /// The expected close date is before today.
    ExpectedCloseInPast { expected_close: NaiveDate },
    /// The deal's stage is no longer in the pipeline, so it shows in no column.
    StageRemoved,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttentionDeal {
    pub deal_id: DealId,
    pub reasons: Vec<AttentionReason>,
}

impl Prepared<'_> {
    /// The open deals of the pipeline that need attention now, with every reason that applies:
    /// stale per the stage's rule, next step missing (empty text) or overdue (due before
    /// today), expected close date before today, or a stage that was removed. "Today" is the
    /// UTC date of `now`. Deals are in board order; the period does not apply, since these are
    /// about the deals as they stand.
    pub(super) fn deals_needing_attention(&self, now: DateTime<Utc>) -> Vec<AttentionDeal> {
        let today = utc_date(now);
        let mut found: Vec<(Option<usize>, i64, &str, Vec<AttentionReason>)> = Vec::new();
        for prepared in self.deals.iter().filter(|p| p.closed.is_none()) {
            let deal = prepared.deal;
            let mut reasons = Vec::new();
            match prepared
                .stage
                .and_then(|index| self.pipeline.stages.get(index))
            {
                Some(stage) => {
                    if deal.is_stale(stage, now) {
                        let last_touch = deal.entered_stage_at().max(deal.updated_at);
                        reasons.push(AttentionReason::Stale {
                            days_idle: (now - last_touch).num_days(),
                            rot_days: stage.rot_days,
                        });
                    }
                }
                None => reasons.push(AttentionReason::StageRemoved),
            }
            if deal.next_step.text.trim().is_empty() {
                reasons.push(AttentionReason::NextStepMissing);
            }
            if let Some(due) = deal.next_step.due.filter(|due| *due < today) {
                reasons.push(AttentionReason::NextStepOverdue { due });
            }
            if let Some(expected_close) = deal.expected_close.filter(|date| *date < today) {
                reasons.push(AttentionReason::ExpectedCloseInPast { expected_close });
            }
            if !reasons.is_empty() {
                found.push((prepared.stage, deal.rank, deal.id.as_str(), reasons));
            }
        }
        // Board order: by stage left to right, then column order; removed stages last.
        // The id settles ties, so the order is total: the shared stable sort gives the one
        // order there is, without a sort_unstable instance of its own in the wasm.
        crate::domain::sort::sort_stable_by(&mut found, |a, b| {
            (a.0.unwrap_or(usize::MAX), a.1)
                .cmp(&(b.0.unwrap_or(usize::MAX), b.1))
                .then_with(|| a.2.cmp(b.2))
        });
        found
            .into_iter()
            .map(|(_, _, deal_id, reasons)| AttentionDeal {
                deal_id: DealId::from(deal_id),
                reasons,
            })
            .collect()
    }
}
