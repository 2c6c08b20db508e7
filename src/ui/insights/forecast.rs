//! The forecast section: per currency, a stacked bar per month (won below, weighted open
//! above) with a text alternative, then the same numbers in a table.

use super::format::{count, money};
use crate::domain::insights::Report;
use crate::domain::insights::{
    forecast_charts, ForecastChart, MonthBar, BASELINE, CHART_HEIGHT, CHART_WIDTH, LABEL_Y,
};
use crate::i18n::{t, tf, Lang};
use crate::ui::intl;
use leptos::prelude::*;

pub fn forecast_body(lang: Lang, report: &Report) -> AnyView {
    let figures = &report.figures;
    let ahead = (figures.forecast_period.end > figures.period.end).then(|| {
        let last = crate::domain::metrics::YearMonth::of(figures.forecast_period.end);
        view! {
            <p class="hint">
                {tf(lang, "insights.forecast.ahead", &[("month", &intl::month(lang, last))])}
            </p>
        }
    });
    let charts = forecast_charts(&report.figures.forecast)
        .iter()
        .map(|chart| forecast_chart(lang, chart))
        .collect_view();
    let without_date = report.figures.open_deals_without_expected_close;
    let note = (without_date > 0).then(|| {
        let text = intl::tn(lang, "insights.forecast.no_close_date", without_date, &[]);
        view! { <p class="hint">{text}</p> }
    });
    view! {
        {quarter_table(lang, report)}
        {ahead}
        {charts}
        {note}
    }
    .into_any()
}

/// This quarter and the next, per currency: won, weighted open and their sum.
fn quarter_table(lang: Lang, report: &Report) -> impl IntoView {
    let rows = report
        .figures
        .quarters
        .iter()
        .map(|q| {
            let key = if q.current {
                "insights.quarter.this"
            } else {
                "insights.quarter.next"
            };
            let name = tf(
                lang,
                key,
                &[
                    (
                        "from",
                        &intl::month(lang, crate::domain::metrics::YearMonth::of(q.quarter.start)),
                    ),
                    (
                        "to",
                        &intl::month(lang, crate::domain::metrics::YearMonth::of(q.quarter.end)),
                    ),
                ],
            );
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{q.currency.code().to_string()}</td>
                    <td class="num">{money(lang, q.won_minor, &q.currency)}</td>
                    <td class="num">{money(lang, q.weighted_open_minor, &q.currency)}</td>
                    <td class="num">{money(lang, q.total_minor(), &q.currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" tabindex="0"
            aria-label=t(lang, "insights.quarter.caption")>
            <table class="insight-table quarter-table">
                <caption>{t(lang, "insights.quarter.caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, "insights.quarter.quarter")}</th>
                        <th scope="col">{t(lang, "insights.quarter.currency")}</th>
                        <th scope="col">{t(lang, "insights.forecast.won")}</th>
                        <th scope="col">{t(lang, "insights.forecast.weighted")}</th>
                        <th scope="col">{t(lang, "insights.forecast.total")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The text alternative of one currency's chart: its span, totals and busiest month.
fn forecast_summary(lang: Lang, chart: &ForecastChart<'_>) -> String {
    let (Some(first), Some(last)) = (chart.months.first(), chart.months.last()) else {
        return String::new();
    };
    let currency = chart.currency;
    let first_month = intl::month(lang, first.row.month);
    let last_month = intl::month(lang, last.row.month);
    match chart.busiest.and_then(|index| chart.months.get(index)) {
        None => tf(
            lang,
            "insights.forecast.chart_empty",
            &[
                ("currency", currency.code()),
                ("first", &first_month),
                ("last", &last_month),
            ],
        ),
        Some(busiest) => tf(
            lang,
            "insights.forecast.chart_label",
            &[
                ("currency", currency.code()),
                ("first", &first_month),
                ("last", &last_month),
                ("won", &money(lang, chart.totals.won_minor, currency)),
                (
                    "weighted",
                    &money(lang, chart.totals.weighted_open_minor, currency),
                ),
                ("total", &money(lang, chart.totals.total_minor, currency)),
                ("month", &intl::month(lang, busiest.row.month)),
                ("amount", &money(lang, busiest.total_minor, currency)),
            ],
        ),
    }
}

fn forecast_chart(lang: Lang, chart: &ForecastChart<'_>) -> impl IntoView {
    let summary = forecast_summary(lang, chart);
    let title_text = summary.clone();
    let hatch_id = format!("hatch-{}", chart.currency.code());
    let bars = chart
        .months
        .iter()
        .map(|bar| month_bar(lang, bar, &hatch_id))
        .collect_view();
    view! {
        <div class="forecast">
            <h4>{tf(lang, "insights.forecast.currency", &[("currency", chart.currency.code())])}</h4>
            <ul class="chart-legend" aria-hidden="true">
                <li><span class="swatch swatch-won"></span>{t(lang, "insights.forecast.won")}</li>
                <li>
                    <span class="swatch swatch-weighted"></span>
                    {t(lang, "insights.forecast.weighted")}
                </li>
            </ul>
            <svg
                class="forecast-chart"
                role="img"
                aria-label=summary
                viewBox=format!("0 0 {} {}", intl::plain(CHART_WIDTH), intl::plain(CHART_HEIGHT))
                preserveAspectRatio="xMidYMid meet"
            >
                <title>{title_text}</title>
                // Weighted open is hatched as well as lighter: told apart without colour.
                <defs>
                    <pattern id=hatch_id.clone() width="6" height="6" patternUnits="userSpaceOnUse"
                        patternTransform="rotate(45)">
                        <rect class="hatch-ground" width="6" height="6"/>
                        <line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/>
                    </pattern>
                </defs>
                {bars}
                <line
                    class="chart-axis"
                    x1="0"
                    x2=intl::plain(CHART_WIDTH)
                    y1=intl::fixed(BASELINE, 2)
                    y2=intl::fixed(BASELINE, 2)
                />
            </svg>
            {forecast_table(lang, chart)}
        </div>
    }
}

fn month_bar(lang: Lang, bar: &MonthBar<'_>, hatch_id: &str) -> impl IntoView {
    let label = bar.label.map(|label| {
        view! {
            <text
                class="chart-label"
                class:chart-label-alternate=label.alternate
                x=intl::fixed(label.x, 2)
                y=intl::fixed(LABEL_Y, 2)
                text-anchor=label.anchor.as_str()
            >
                {intl::month(lang, bar.row.month)}
            </text>
        }
    });
    view! {
        <rect
            class="bar-won"
            x=intl::fixed(bar.x, 2)
            y=intl::fixed(bar.won.y, 2)
            width=intl::fixed(bar.width, 2)
            height=intl::fixed(bar.won.height, 2)
        />
        <rect
            class="bar-weighted"
            fill=format!("url(#{hatch_id})")
            x=intl::fixed(bar.x, 2)
            y=intl::fixed(bar.weighted.y, 2)
            width=intl::fixed(bar.width, 2)
            height=intl::fixed(bar.weighted.height, 2)
        />
        {label}
    }
}

fn forecast_table(lang: Lang, chart: &ForecastChart<'_>) -> impl IntoView {
    let currency = chart.currency;
    let money = |minor: i64| money(lang, minor, currency);
    let rows = chart
        .months
        .iter()
        .map(|bar| {
            view! {
                <tr>
                    <th scope="row">{intl::month(lang, bar.row.month)}</th>
                    <td class="num">{money(bar.row.won_minor)}</td>
                    <td class="num">{money(bar.row.weighted_open_minor)}</td>
                    <td class="num">{money(bar.total_minor)}</td>
                    <td class="num">{count(lang, bar.row.n_won)}</td>
                    <td class="num">{count(lang, bar.row.n_open)}</td>
                </tr>
            }
        })
        .collect_view();
    let totals = chart.totals;
    let caption = tf(
        lang,
        "insights.forecast.caption",
        &[("currency", currency.code())],
    );
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=caption>
            <table class="insight-table">
                <caption>
                    {tf(lang, "insights.forecast.caption", &[("currency", currency.code())])}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, "insights.forecast.month")}</th>
                        <th scope="col">{t(lang, "insights.forecast.won")}</th>
                        <th scope="col">{t(lang, "insights.forecast.weighted")}</th>
                        <th scope="col">{t(lang, "insights.forecast.total")}</th>
                        <th scope="col">{t(lang, "insights.forecast.n_won")}</th>
                        <th scope="col">{t(lang, "insights.forecast.n_open")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t(lang, "insights.forecast.sum")}</th>
                        <td class="num">{money(totals.won_minor)}</td>
                        <td class="num">{money(totals.weighted_open_minor)}</td>
                        <td class="num">{money(totals.total_minor)}</td>
                        <td class="num">{count(lang, totals.n_won)}</td>
                        <td class="num">{count(lang, totals.n_open)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
