//! Pipeline metrics as defined in shared/design/metrics.md. Pure functions over the
//! workspace and a "now"; nothing reads the clock or the time zone.
//!
//! Every date a metric compares is the UTC calendar date of a time, so the figures do not
//! depend on the machine that computes them. Amounts are summed per currency in `i128` and
//! saturate into `i64` on the way out, so no data can make a sum overflow, and amounts in
//! different currencies are never added together.
//!
//! Which deals each metric counts, with T the chosen [`Period`]:
//!
//! - W and L are the deals of the pipeline won or lost with their close date in T.
//! - Forecast: W by close date, plus open deals by expected close date in T.
//! - Funnel: the cohort of deals created in T, with their whole history up to now.
//! - Time in stage: the visits whose exit (the next stage change) falls in T.
//! - Win rate, average deal size, sales cycle, lost reasons, probability check: W and L.
//! - Velocity: the open deals now, with the average deal size, win rate and cycle over T.
//! - Deals needing attention: the open deals now; the period does not apply.
//!
//! [`insights`] is the one entry point: it prepares the pipeline once (`prepared.rs`: stage
//! ids and currencies as indexes, times as dates) and asks each family of metrics, one
//! file each, for its figures.

mod attention;
mod forecast;
mod funnel;
mod lost_reasons;
mod outcomes;
mod period;
mod prepared;
mod probability_check;
mod rate;
mod time_in_stage;

pub use attention::{AttentionDeal, AttentionReason};
pub use forecast::ForecastRow;
pub use funnel::StageFunnel;
pub use lost_reasons::{CurrencySum, LostReasonRow};
pub use outcomes::{velocity_per_day, CurrencyAverage, SalesCycle, Velocity};
pub use period::{Period, PeriodError, YearMonth, MAX_PERIOD_MONTHS};
pub use probability_check::StageProbabilityCheck;
pub use rate::{Confidence, Rate, MIN_DEALS_FOR_CONFIDENCE};
pub use time_in_stage::{bottleneck, StageTime};

use super::model::{PipelineId, PipelineRef, StageId, Workspace};
use chrono::{DateTime, Utc};
use prepared::Prepared;

/// Every figure of the insight view for one pipeline and period.
#[derive(Clone, Debug, PartialEq)]
pub struct Insights {
    pub pipeline_id: PipelineId,
    pub period: Period,
    pub now: DateTime<Utc>,
    /// The months the forecast covers: the period, reaching [`FORECAST_MONTHS_AHEAD`] months
    /// past the current one when the period holds today.
    pub forecast_period: Period,
    pub forecast: Vec<ForecastRow>,
    /// The forecast summed over this calendar quarter and the next, per currency.
    pub quarters: Vec<QuarterForecast>,
    /// Open deals the forecast cannot place, for lack of an expected close date.
    pub open_deals_without_expected_close: usize,
    pub funnel: Vec<StageFunnel>,
    pub time_in_stage: Vec<StageTime>,
    pub bottleneck: Option<StageId>,
    pub win_rate: Rate,
    pub average_deal_size: Vec<CurrencyAverage>,
    pub sales_cycle: SalesCycle,
    pub velocity: Vec<Velocity>,
    pub lost_reasons: Vec<LostReasonRow>,
    pub attention: Vec<AttentionDeal>,
    pub probability_check: Vec<StageProbabilityCheck>,
}

/// How many months past the current one the forecast reaches, when the period holds today.
pub const FORECAST_MONTHS_AHEAD: u32 = 5;

/// The forecast of a calendar quarter in one currency: won, plus open deals weighted by
/// their probability, with an expected close in the quarter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarterForecast {
    pub quarter: Period,
    /// `true` for the quarter that holds `now`, `false` for the next one.
    pub current: bool,
    pub currency: crate::domain::money::Currency,
    pub won_minor: i64,
    pub weighted_open_minor: i64,
}

impl QuarterForecast {
    pub fn total_minor(&self) -> i64 {
        self.won_minor.saturating_add(self.weighted_open_minor)
    }
}

/// Every insight figure for a pipeline over a period, as metrics.md defines them (each
/// family's file says which deals it counts). The pipeline is prepared once and each figure
/// is one linear pass over its deals. `now` is when deals needing attention are judged;
/// nothing else depends on it. `None` when there is no pipeline with that id.
pub fn insights(
    ws: &Workspace,
    pipeline_id: &(impl PipelineRef + ?Sized),
    period: Period,
    now: DateTime<Utc>,
) -> Option<Insights> {
    let pipeline = ws.pipeline(pipeline_id)?;
    let prepared = Prepared::new(ws, pipeline);
    let time_in_stage = prepared.time_in_stage(&period);
    let win_rate = prepared.win_rate(&period);
    let won_sums = prepared.won_sums(&period);
    let average_deal_size = prepared.average_deal_size(&won_sums);
    let sales_cycle = prepared.sales_cycle(&period);
    let velocity = prepared.velocity(&win_rate, &won_sums, &sales_cycle);
    let forecast_period = period.reaching_ahead(now, FORECAST_MONTHS_AHEAD);
    let mut quarters = Vec::new();
    for (quarter, current) in [
        (Period::this_quarter(now), true),
        (Period::next_quarter(now), false),
    ] {
        let mut sums: Vec<QuarterForecast> = Vec::new();
        for row in prepared.forecast_by_month(&quarter) {
            match sums.iter_mut().find(|q| q.currency == row.currency) {
                Some(sum) => {
                    sum.won_minor = sum.won_minor.saturating_add(row.won_minor);
                    sum.weighted_open_minor = sum
                        .weighted_open_minor
                        .saturating_add(row.weighted_open_minor);
                }
                None => sums.push(QuarterForecast {
                    quarter,
                    current,
                    currency: row.currency.clone(),
                    won_minor: row.won_minor,
                    weighted_open_minor: row.weighted_open_minor,
                }),
            }
        }
        quarters.extend(sums);
    }
    Some(Insights {
        pipeline_id: pipeline.id.clone(),
        period,
        now,
        forecast_period,
        forecast: prepared.forecast_by_month(&forecast_period),
        quarters,
        open_deals_without_expected_close: prepared.open_deals_without_expected_close(),
        funnel: prepared.funnel(&period),
        bottleneck: bottleneck(&time_in_stage),
        time_in_stage,
        win_rate,
        average_deal_size,
        sales_cycle,
        velocity,
        lost_reasons: prepared.lost_reasons(&period),
        attention: prepared.deals_needing_attention(now),
        probability_check: prepared.probability_check(&period),
    })
}

/// An `i128` sum as an `i64`, stopping at the nearest end of the range when it does not fit:
/// sums are taken in `i128` so no data can overflow them, and shown as `i64` minor units.
pub fn saturate(sum: i128) -> i64 {
    i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
}
