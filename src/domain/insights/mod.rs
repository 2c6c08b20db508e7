//! The insight view as data: the metrics of one pipeline and period with the names they
//! refer to ([`Report`]), the geometry of its charts, and the period picker's rule. The view
//! in `ui::insights` only formats these and lays them out.

mod chart;
mod period_choice;

pub use chart::{
    forecast_charts, funnel_widths, Anchor, ForecastChart, ForecastTotals, MonthBar, MonthLabel,
    Span, BASELINE, CHART_HEIGHT, CHART_WIDTH, LABEL_Y,
};
pub use period_choice::{input_date, PeriodChoice, PeriodForm, PeriodProblem};

use super::metrics::{self, AttentionReason, Insights, Period, StageTime};
use super::model::{Deal, DealId, PipelineRef, StageId, Workspace};
use super::money::Money;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A deal needing attention, with what its row shows.
#[derive(Clone, Debug, PartialEq)]
pub struct AttentionRow {
    pub deal_id: DealId,
    pub title: String,
    /// `None` when the deal's stage was removed.
    pub stage_name: Option<String>,
    pub amount: Money,
    pub reasons: Vec<AttentionReason>,
}

/// Everything the insight view shows for one pipeline and period.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub pipeline_name: String,
    /// The pipeline's stages in board order.
    pub stage_names: Vec<(StageId, String)>,
    pub figures: Insights,
    /// The deals of `figures.attention`, in the same order.
    pub attention: Vec<AttentionRow>,
}

impl Report {
    /// `None` when there is no pipeline with that id.
    pub fn build(
        ws: &Workspace,
        pipeline_id: &(impl PipelineRef + ?Sized),
        period: Period,
        now: DateTime<Utc>,
    ) -> Option<Report> {
        let figures = metrics::insights(ws, pipeline_id, period, now)?;
        let pipeline = ws.pipeline(pipeline_id)?;
        // One map for the attention rows: looking each deal up by a scan would be quadratic
        // on a large pipeline.
        let deals: HashMap<&str, &Deal> = ws
            .deals_in_pipeline(pipeline_id)
            .map(|deal| (deal.id.as_str(), deal))
            .collect();
        let attention = figures
            .attention
            .iter()
            .filter_map(|item| {
                let deal = deals.get(item.deal_id.as_str())?;
                Some(AttentionRow {
                    deal_id: deal.id.clone(),
                    title: deal.title.clone(),
                    stage_name: pipeline.stage(&deal.stage_id).map(|s| s.name.clone()),
                    amount: deal.amount.clone(),
                    reasons: item.reasons.clone(),
                })
            })
            .collect();
        Some(Report {
            pipeline_name: pipeline.name.clone(),
            stage_names: pipeline
                .stages
                .iter()
                .map(|stage| (stage.id.clone(), stage.name.clone()))
                .collect(),
            figures,
            attention,
        })
    }

    /// The name of a stage of the pipeline; empty for an id that is not one.
    pub fn stage_name(&self, stage_id: &str) -> String {
        self.stage_names
            .iter()
            .find(|(id, _)| id == stage_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }

    /// The time in stage of the bottleneck, the stage deals stay in longest.
    pub fn bottleneck(&self) -> Option<&StageTime> {
        let stage_id = self.figures.bottleneck.as_ref()?;
        self.figures
            .time_in_stage
            .iter()
            .find(|time| time.stage_id == stage_id)
    }
}
