//! Totals for a board column: count, sum and weighted sum, kept apart per currency.

use super::model::{Deal, Pipeline, Stage, Workspace};
use super::money::{weighted_minor, Currency};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencyTotal {
    pub currency: Currency,
    pub n_deals: usize,
    pub total_minor: i64,
    pub weighted_minor: i64,
}

/// Adds `amount` to the row for `currency`, keeping rows sorted by currency code.
fn add_to(rows: &mut Vec<CurrencyTotal>, currency: &Currency, amount: i64, weighted: i64) {
    let row = match rows.binary_search_by(|row| row.currency.cmp(currency)) {
        Ok(idx) => &mut rows[idx],
        Err(idx) => {
            rows.insert(
                idx,
                CurrencyTotal {
                    currency: currency.clone(),
                    n_deals: 0,
                    total_minor: 0,
                    weighted_minor: 0,
                },
            );
            &mut rows[idx]
        }
    };
    row.n_deals += 1;
    row.total_minor = row.total_minor.saturating_add(amount);
    row.weighted_minor = row.weighted_minor.saturating_add(weighted);
}

/// Open deals of a pipeline that `keep` accepts, totalled per currency. A deal whose stage
/// is no longer in the pipeline has no probability to weight it by, so it is left out.
fn open_totals(
    ws: &Workspace,
    pipeline: &Pipeline,
    keep: impl Fn(&Deal) -> bool,
) -> Vec<CurrencyTotal> {
    let mut rows = Vec::new();
    for deal in ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == pipeline.id && d.status.is_open() && keep(d))
    {
        if let Some(stage) = pipeline.stage(&deal.stage_id) {
            add_deal(&mut rows, deal, stage);
        }
    }
    rows
}

fn add_deal(rows: &mut Vec<CurrencyTotal>, deal: &Deal, stage: &Stage) {
    let weighted = weighted_minor(deal.amount.minor, deal.effective_probability(stage));
    add_to(rows, &deal.amount.currency, deal.amount.minor, weighted);
}

/// The deals of one column (all in `stage`), totalled per currency: the board's column
/// index hands them over without a scan of the workspace.
pub fn column_totals<'a>(
    deals: impl IntoIterator<Item = &'a Deal>,
    stage: &Stage,
) -> Vec<CurrencyTotal> {
    let mut rows = Vec::new();
    for deal in deals {
        add_deal(&mut rows, deal, stage);
    }
    rows
}

/// Open deals in one stage, totalled per currency.
pub fn stage_totals(ws: &Workspace, pipeline: &Pipeline, stage_id: &str) -> Vec<CurrencyTotal> {
    open_totals(ws, pipeline, |deal| deal.stage_id == stage_id)
}

/// Open deals in the whole pipeline, totalled per currency.
pub fn pipeline_totals(ws: &Workspace, pipeline: &Pipeline) -> Vec<CurrencyTotal> {
    open_totals(ws, pipeline, |_| true)
}
