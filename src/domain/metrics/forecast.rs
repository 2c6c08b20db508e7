//! The forecast by month: won deals by close date plus open deals, weighted by their
//! probability, by expected close date; per month of the period and per currency.

use super::period::{Period, YearMonth};
use super::prepared::{Closed, Prepared};
use super::saturate;
use crate::domain::money::{weighted_minor, Currency};
use chrono::NaiveDate;

/// One bar of the forecast: a month and a currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastRow {
    pub month: YearMonth,
    pub currency: Currency,
    /// Σ amount of the deals won with their close date in this month (and in the period).
    pub won_minor: i64,
    /// Σ amount × effective probability of the open deals expected to close in this month.
    pub weighted_open_minor: i64,
    pub n_won: usize,
    pub n_open: usize,
}

#[derive(Clone, Copy, Default)]
struct ForecastCell {
    won: i128,
    weighted_open: i128,
    n_won: usize,
    n_open: usize,
}

impl Prepared<'_> {
    /// The forecast per calendar month of the period and per currency: Σ amount of the deals
    /// won with their close date in the month, plus Σ amount × effective probability of the
    /// open deals whose expected close date is in the month. Only dates inside the period
    /// count, so the first and last month of a custom period may be partial.
    ///
    /// Every month of the period gets a row for every currency that has any figure in the
    /// period (or, with none, for the pipeline's currency), ordered by month and then
    /// currency code. Open deals without an expected close date are not in the forecast;
    /// see [`Self::open_deals_without_expected_close`]. An open deal whose stage was
    /// removed is weighted by its own probability, or zero without one.
    pub(super) fn forecast_by_month(&self, period: &Period) -> Vec<ForecastRow> {
        let months = period.months();
        let Some(first) = months.first().map(YearMonth::ordinal) else {
            return Vec::new();
        };
        let slot = |date: NaiveDate| -> Option<usize> {
            if !period.contains(date) {
                return None;
            }
            let index = usize::try_from(YearMonth::of(date).ordinal() - first).ok()?;
            (index < months.len()).then_some(index)
        };
        // Per currency index, a cell per month; a currency gets its cells on first use.
        let mut cells: Vec<Option<Vec<ForecastCell>>> = vec![None; self.currencies.len()];
        for prepared in &self.deals {
            let (index, won) = match prepared.closed {
                Some(Closed {
                    won: true, date, ..
                }) => (slot(date), true),
                Some(Closed { won: false, .. }) => continue,
                None => (prepared.expected_close.and_then(slot), false),
            };
            let Some(index) = index else { continue };
            let Some(row) = cells.get_mut(prepared.currency) else {
                continue;
            };
            let Some(cell) = row
                .get_or_insert_with(|| vec![ForecastCell::default(); months.len()])
                .get_mut(index)
            else {
                continue;
            };
            if won {
                cell.won += i128::from(prepared.amount_minor);
                cell.n_won += 1;
            } else {
                let weighted = weighted_minor(prepared.amount_minor, prepared.probability);
                cell.weighted_open += i128::from(weighted);
                cell.n_open += 1;
            }
        }
        let mut columns: Vec<(&Currency, &[ForecastCell])> = self
            .currencies_in_order()
            .filter_map(|(index, currency)| {
                cells
                    .get(index)
                    .and_then(Option::as_deref)
                    .map(|row| (currency, row))
            })
            .collect();
        // A month with nothing in it still gets its bar, so the chart keeps its time axis;
        // with no deals at all, the pipeline's own currency labels the empty bars.
        let empty = vec![ForecastCell::default(); months.len()];
        if columns.is_empty() {
            columns.push((&self.pipeline.currency, &empty));
        }
        let mut rows = Vec::with_capacity(months.len() * columns.len());
        for (index, month) in months.iter().enumerate() {
            for (currency, row) in &columns {
                let cell = row.get(index).copied().unwrap_or_default();
                rows.push(ForecastRow {
                    month: *month,
                    currency: (*currency).clone(),
                    won_minor: saturate(cell.won),
                    weighted_open_minor: saturate(cell.weighted_open),
                    n_won: cell.n_won,
                    n_open: cell.n_open,
                });
            }
        }
        rows
    }

    /// Open deals the forecast cannot place, for lack of an expected close date.
    pub(super) fn open_deals_without_expected_close(&self) -> usize {
        self.deals
            .iter()
            .filter(|p| p.closed.is_none() && p.expected_close.is_none())
            .count()
    }
}
