//! The prepared pipeline: what every metric asks of a deal, worked out once. Stage ids and
//! currencies become indexes and times become milliseconds and UTC dates, so the metrics'
//! loops neither compare strings nor convert times.

use super::period::{utc_date, Period};
use crate::domain::model::{Deal, DealStatus, Pipeline, Workspace};
use crate::domain::money::Currency;
use std::collections::BTreeMap;

const MILLISECONDS_PER_DAY: f64 = 86_400_000.0;

/// One history entry with its stage resolved to an index in the pipeline's current order
/// (`None` for a stage that has since been removed), and its time as milliseconds since
/// 1970 and as a UTC date.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub stage: Option<usize>,
    pub at_ms: i64,
    pub date: chrono::NaiveDate,
}

/// How and when a closed deal closed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Closed {
    pub at_ms: i64,
    pub date: chrono::NaiveDate,
    pub won: bool,
}

/// A deal of the pipeline with what the metrics ask of it resolved once.
pub(super) struct PreparedDeal<'a> {
    pub deal: &'a Deal,
    /// The current stage's index, `None` when that stage was removed.
    pub stage: Option<usize>,
    /// Index into `Prepared::currencies`.
    pub currency: usize,
    pub created: chrono::NaiveDate,
    pub created_ms: i64,
    pub closed: Option<Closed>,
    pub amount_minor: i64,
    pub expected_close: Option<chrono::NaiveDate>,
    /// The probability that weights the deal while open: its own, else its stage's, else
    /// (its stage was removed) zero, since there is no stage left to take one from.
    pub probability: u8,
    /// Where the deal's entries sit in `Prepared::entries`.
    entries: std::ops::Range<usize>,
}

/// The pipeline's deals, prepared; each metric is a method that makes one pass over them.
pub(super) struct Prepared<'a> {
    pub pipeline: &'a Pipeline,
    pub deals: Vec<PreparedDeal<'a>>,
    /// Every deal's history entries, one after another, so they live in one allocation.
    entries: Vec<Entry>,
    /// Every currency of the pipeline's deals, in order of first appearance.
    pub currencies: Vec<&'a Currency>,
    /// Indexes into `currencies` ordered by currency code, the order every output uses.
    currency_order: Vec<usize>,
}

impl<'a> Prepared<'a> {
    pub fn new(ws: &'a Workspace, pipeline: &'a Pipeline) -> Prepared<'a> {
        // Stage id to index, asked once per history entry. An ordered map rather than a
        // `HashMap`: on a handful of short ids, comparing them costs less than hashing each
        // one (a `HashMap` made the 10,000-deal benchmark about half as slow again), and a
        // pipeline with very many stages still takes logarithmic time.
        let mut stage_index: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, stage) in pipeline.stages.iter().enumerate() {
            // The first of two stages sharing an id wins, as `Pipeline::stage_index` does.
            stage_index.entry(stage.id.as_str()).or_insert(index);
        }
        let stage_of = |id: &str| stage_index.get(id).copied();
        let pipeline_deals: Vec<&Deal> = ws.deals_in_pipeline(&pipeline.id).collect();
        let n_entries: usize = pipeline_deals.iter().map(|d| d.history.len().max(1)).sum();
        let mut entries = Vec::with_capacity(n_entries);
        let mut deals = Vec::with_capacity(pipeline_deals.len());
        let mut currencies: Vec<&Currency> = Vec::new();
        for deal in pipeline_deals {
            let entries_start = entries.len();
            if deal.history.is_empty() {
                // A deal always records the stage it was created in; should that be missing,
                // treat the deal as having entered its current stage when it was created.
                entries.push(Entry {
                    stage: stage_of(&deal.stage_id),
                    at_ms: deal.created_at.timestamp_millis(),
                    date: utc_date(deal.created_at),
                });
            } else {
                entries.extend(deal.history.iter().map(|change| Entry {
                    stage: stage_of(&change.to),
                    at_ms: change.at.timestamp_millis(),
                    date: utc_date(change.at),
                }));
            }
            let currency = match currencies.iter().position(|c| **c == deal.amount.currency) {
                Some(index) => index,
                None => {
                    currencies.push(&deal.amount.currency);
                    currencies.len() - 1
                }
            };
            // The current stage is nearly always the last entry's, already looked up.
            let stage = match (deal.history.last(), entries.last()) {
                (Some(change), Some(entry)) if change.to == deal.stage_id => entry.stage,
                _ => stage_of(&deal.stage_id),
            };
            let stage_probability = stage
                .and_then(|index| pipeline.stages.get(index))
                .map_or(0, |stage| stage.probability);
            deals.push(PreparedDeal {
                deal,
                stage,
                currency,
                created: utc_date(deal.created_at),
                created_ms: deal.created_at.timestamp_millis(),
                closed: closed(&deal.status),
                amount_minor: deal.amount.minor,
                expected_close: deal.expected_close,
                probability: deal.probability.unwrap_or(stage_probability).min(100),
                entries: entries_start..entries.len(),
            });
        }
        let mut currency_order: Vec<usize> = (0..currencies.len()).collect();
        crate::domain::sort::sort_stable_by_key(&mut currency_order, |index| currencies[*index]);
        Prepared {
            pipeline,
            deals,
            entries,
            currencies,
            currency_order,
        }
    }

    /// The deal's history entries, oldest first.
    pub fn entries_of(&self, prepared: &PreparedDeal<'_>) -> &[Entry] {
        self.entries.get(prepared.entries.clone()).unwrap_or(&[])
    }

    pub fn n_stages(&self) -> usize {
        self.pipeline.stages.len()
    }

    /// The currencies in code order, each with its index into per-currency tallies.
    pub fn currencies_in_order(&self) -> impl Iterator<Item = (usize, &'a Currency)> + '_ {
        self.currency_order
            .iter()
            .map(|index| (*index, self.currencies[*index]))
    }

    /// Count and Σ amount of the deals won in the period, per currency index.
    pub fn won_sums(&self, period: &Period) -> Vec<(usize, i128)> {
        let mut sums = vec![(0usize, 0i128); self.currencies.len()];
        for prepared in &self.deals {
            if prepared
                .closed
                .is_some_and(|closed| closed.won && period.contains(closed.date))
            {
                let sum = &mut sums[prepared.currency];
                sum.0 += 1;
                sum.1 += i128::from(prepared.amount_minor);
            }
        }
        sums
    }
}

fn closed(status: &DealStatus) -> Option<Closed> {
    let (at, won) = match status {
        DealStatus::Open => return None,
        DealStatus::Won { at } => (at, true),
        DealStatus::Lost { at, .. } => (at, false),
    };
    Some(Closed {
        at_ms: at.timestamp_millis(),
        date: utc_date(*at),
        won,
    })
}

/// Days from one time to another, both in milliseconds since 1970, with fractions. The
/// subtraction saturates, so no pair of times, however far apart, can overflow it.
pub(super) fn days_between(from_ms: i64, to_ms: i64) -> f64 {
    to_ms.saturating_sub(from_ms) as f64 / MILLISECONDS_PER_DAY
}
