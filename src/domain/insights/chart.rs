//! Chart geometry of the insight view, in SVG user units: where each bar and month label of
//! the forecast goes, the forecast's totals, and the funnel's bar widths. The view only
//! turns these numbers into elements.

use crate::domain::metrics::{saturate, ForecastRow, StageFunnel};
use crate::domain::money::Currency;

/// The forecast chart's drawing area; it scales to the page width.
pub const CHART_WIDTH: f64 = 720.0;
pub const CHART_HEIGHT: f64 = 220.0;
/// Room above the tallest bar.
const CHART_TOP: f64 = 8.0;
/// Room under the bars for the month labels.
const CHART_AXIS: f64 = 26.0;
/// The month labels' baseline, a little above the bottom edge.
pub const LABEL_Y: f64 = CHART_HEIGHT - 8.0;
/// At most this many month labels fit under the bars; longer periods label every k-th.
const MAX_MONTH_LABELS: usize = 12;
/// A bar's width as a share of its month's slot; the rest is the gap between bars.
const BAR_SHARE: f64 = 0.7;

/// One currency's forecast, drawn to one scale: amounts in different currencies are never
/// added together, so each gets its own chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastChart<'a> {
    pub currency: &'a Currency,
    pub months: Vec<MonthBar<'a>>,
    pub totals: ForecastTotals,
    /// Index into `months` of the earliest of the months with the largest forecast; `None`
    /// when every month is 0.
    pub busiest: Option<usize>,
}

/// The y of the bars' common bottom edge, where the axis is drawn.
pub const BASELINE: f64 = CHART_HEIGHT - CHART_AXIS;

/// One month's stacked bar: won below, weighted open above.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthBar<'a> {
    pub row: &'a ForecastRow,
    /// Won plus weighted open.
    pub total_minor: i64,
    pub x: f64,
    pub width: f64,
    pub won: Span,
    pub weighted: Span,
    /// `None` for a month left unlabelled so the labels fit.
    pub label: Option<MonthLabel>,
}

/// A vertical stretch of a bar: its top edge and its height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub y: f64,
    pub height: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthLabel {
    pub x: f64,
    pub anchor: Anchor,
    /// Every other label, which a narrow screen may hide.
    pub alternate: bool,
}

/// An SVG `text-anchor`: which end of the text sits at its x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Sums over the months of one currency's forecast.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ForecastTotals {
    pub won_minor: i64,
    pub weighted_open_minor: i64,
    pub total_minor: i64,
    pub n_won: usize,
    pub n_open: usize,
}

/// A month's won and weighted open amounts, each at least 0. The rules and the import refuse
/// negative amounts; were one to appear, it would count and draw as nothing rather than pull
/// a bar below the axis.
fn parts(row: &ForecastRow) -> (i128, i128) {
    (
        i128::from(row.won_minor.max(0)),
        i128::from(row.weighted_open_minor.max(0)),
    )
}

fn month_total(row: &ForecastRow) -> i128 {
    let (won, weighted) = parts(row);
    won + weighted
}

/// The forecast rows (ordered by month, then currency) as one chart per currency, in the
/// order the currencies first appear.
pub fn forecast_charts(rows: &[ForecastRow]) -> Vec<ForecastChart<'_>> {
    let mut currencies: Vec<&Currency> = Vec::new();
    for row in rows {
        if !currencies.contains(&&row.currency) {
            currencies.push(&row.currency);
        }
    }
    currencies
        .into_iter()
        .map(|currency| {
            let rows: Vec<&ForecastRow> = rows.iter().filter(|r| r.currency == *currency).collect();
            forecast_chart(currency, &rows)
        })
        .collect()
}

fn forecast_chart<'a>(currency: &'a Currency, rows: &[&'a ForecastRow]) -> ForecastChart<'a> {
    let largest = rows.iter().map(|row| month_total(row)).max().unwrap_or(0);
    let plot_height = BASELINE - CHART_TOP;
    let scale = |part: i128| -> f64 {
        if largest <= 0 {
            0.0
        } else {
            part as f64 / largest as f64 * plot_height
        }
    };
    let n_months = rows.len().max(1);
    let slot = CHART_WIDTH / n_months as f64;
    let width = slot * BAR_SHARE;
    let label_every = n_months.div_ceil(MAX_MONTH_LABELS).max(1);
    let months: Vec<MonthBar<'a>> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let x = index as f64 * slot + (slot - width) / 2.0;
            let (won, weighted) = parts(row);
            let (won_height, weighted_height) = (scale(won), scale(weighted));
            // The first and last labels line up with their bar's outer edge, so the chart's
            // edges do not cut them off.
            let (anchor, label_x) = if index == 0 {
                (Anchor::Start, x)
            } else if index + 1 == n_months {
                (Anchor::End, x + width)
            } else {
                (Anchor::Middle, x + width / 2.0)
            };
            MonthBar {
                row,
                total_minor: saturate(won + weighted),
                x,
                width,
                won: Span {
                    y: BASELINE - won_height,
                    height: won_height,
                },
                weighted: Span {
                    y: BASELINE - won_height - weighted_height,
                    height: weighted_height,
                },
                label: (index % label_every == 0).then_some(MonthLabel {
                    x: label_x,
                    anchor,
                    alternate: (index / label_every) % 2 == 1,
                }),
            }
        })
        .collect();
    let (won, weighted) = rows.iter().fold((0i128, 0i128), |(won, weighted), row| {
        let (row_won, row_weighted) = parts(row);
        (won + row_won, weighted + row_weighted)
    });
    let totals = ForecastTotals {
        won_minor: saturate(won),
        weighted_open_minor: saturate(weighted),
        total_minor: saturate(won + weighted),
        n_won: rows.iter().map(|row| row.n_won).sum(),
        n_open: rows.iter().map(|row| row.n_open).sum(),
    };
    ForecastChart {
        currency,
        months,
        totals,
        busiest: busiest(rows),
    }
}

fn busiest(rows: &[&ForecastRow]) -> Option<usize> {
    let mut busiest: Option<(usize, i128)> = None;
    for (index, row) in rows.iter().enumerate() {
        let total = month_total(row);
        // Strictly greater, so a tie keeps the earlier month.
        if total > busiest.map_or(0, |(_, most)| most) {
            busiest = Some((index, total));
        }
    }
    busiest.map(|(index, _)| index)
}

/// Each funnel stage's bar width in percent of the widest (the stage most deals entered);
/// `None` when no deal entered any stage, so there is nothing to draw.
pub fn funnel_widths(funnel: &[StageFunnel]) -> Option<Vec<f64>> {
    let widest = funnel.iter().map(|stage| stage.n_entered).max()?;
    (widest > 0).then(|| {
        funnel
            .iter()
            .map(|stage| stage.n_entered as f64 / widest as f64 * 100.0)
            .collect()
    })
}
