//! The insight view: forecast, funnel, time in stage, rates, lost reasons, deals needing
//! attention and the probability check, computed by `domain::metrics` for the current
//! pipeline and a period the user picks.
//!
//! One memo over the workspace, the period and the language recomputes every figure, so the
//! view follows each change to a deal at once. Headings and help texts are static; only the
//! figures under them re-render, so an opened "How is this calculated?" stays open.

use super::browser;
use super::intl;
use super::state::Ctx;
use crate::domain::metrics::{
    self, AttentionReason, Confidence, ForecastRow, Insights as Figures, Period, PeriodError, Rate,
    YearMonth,
};
use crate::domain::{Currency, Deal, Money, StageId};
use crate::i18n::{t, tf, Lang};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;

/// Deals needing attention shown before "Show more", so a large pipeline stays quick.
const ATTENTION_PAGE: usize = 50;

/// The forecast chart's drawing area, in SVG user units; it scales to the page width.
const CHART_WIDTH: f64 = 720.0;
const CHART_HEIGHT: f64 = 220.0;
const CHART_TOP: f64 = 8.0;
/// Room under the bars for the month labels.
const CHART_AXIS: f64 = 26.0;
/// At most this many month labels fit under the bars; longer periods label every k-th.
const MAX_MONTH_LABELS: usize = 12;

// ---------------------------------------------------------------------------------------
// Period choice
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PeriodChoice {
    ThisMonth,
    ThisQuarter,
    Last12Months,
    Custom,
}

impl PeriodChoice {
    const ALL: [PeriodChoice; 4] = [
        PeriodChoice::ThisMonth,
        PeriodChoice::ThisQuarter,
        PeriodChoice::Last12Months,
        PeriodChoice::Custom,
    ];

    fn value(self) -> &'static str {
        match self {
            PeriodChoice::ThisMonth => "month",
            PeriodChoice::ThisQuarter => "quarter",
            PeriodChoice::Last12Months => "last-12-months",
            PeriodChoice::Custom => "custom",
        }
    }

    fn from_value(value: &str) -> Option<PeriodChoice> {
        PeriodChoice::ALL
            .into_iter()
            .find(|choice| choice.value() == value)
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            PeriodChoice::ThisMonth => t(lang, "insights.period.this_month"),
            PeriodChoice::ThisQuarter => t(lang, "insights.period.this_quarter"),
            PeriodChoice::Last12Months => t(lang, "insights.period.last_12_months"),
            PeriodChoice::Custom => t(lang, "insights.period.custom"),
        }
    }
}

/// Why a custom period cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PeriodProblem {
    Missing,
    StartAfterEnd,
    TooLong { max_months: u32 },
}

impl From<PeriodError> for PeriodProblem {
    fn from(err: PeriodError) -> PeriodProblem {
        match err {
            PeriodError::StartAfterEnd => PeriodProblem::StartAfterEnd,
            PeriodError::TooLong { max_months } => PeriodProblem::TooLong { max_months },
        }
    }
}

fn period_problem_text(lang: Lang, problem: PeriodProblem) -> String {
    match problem {
        PeriodProblem::Missing => t(lang, "insights.period.missing").to_string(),
        PeriodProblem::StartAfterEnd => t(lang, "insights.period.start_after_end").to_string(),
        PeriodProblem::TooLong { max_months } => tf(
            lang,
            "insights.period.too_long",
            &[("max", &intl::number(lang, f64::from(max_months)))],
        ),
    }
}

/// The value of an `<input type="date">`: "2026-11-26", or empty when nothing is chosen.
fn parse_input_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

fn input_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn resolve_period(
    choice: PeriodChoice,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Period, PeriodProblem> {
    match choice {
        PeriodChoice::ThisMonth => Ok(Period::this_month(now)),
        PeriodChoice::ThisQuarter => Ok(Period::this_quarter(now)),
        PeriodChoice::Last12Months => Ok(Period::last_12_months(now)),
        PeriodChoice::Custom => match (parse_input_date(from), parse_input_date(to)) {
            (Some(start), Some(end)) => Period::custom(start, end).map_err(PeriodProblem::from),
            _ => Err(PeriodProblem::Missing),
        },
    }
}

// ---------------------------------------------------------------------------------------
// What the view shows: the figures plus the names they refer to
// ---------------------------------------------------------------------------------------

/// A deal needing attention, with what its row shows.
#[derive(Clone, Debug, PartialEq)]
struct AttentionRow {
    deal_id: String,
    title: String,
    /// `None` when the deal's stage was removed.
    stage_name: Option<String>,
    amount: Money,
    reasons: Vec<AttentionReason>,
}

/// Everything the sections render, for one pipeline, period and language.
#[derive(Clone, Debug, PartialEq)]
struct Report {
    lang: Lang,
    pipeline_name: String,
    stage_names: Vec<(StageId, String)>,
    figures: Figures,
    attention: Vec<AttentionRow>,
}

impl Report {
    fn build(
        ws: &crate::domain::Workspace,
        pipeline_id: &str,
        period: Period,
        now: DateTime<Utc>,
        lang: Lang,
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
            lang,
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

    fn stage_name(&self, stage_id: &str) -> String {
        self.stage_names
            .iter()
            .find(|(id, _)| id == stage_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------
// Number formatting: every figure goes through Intl
// ---------------------------------------------------------------------------------------

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Days with at most one decimal, in the locale ("12,5" in nb).
fn days_number(lang: Lang, days: f64) -> String {
    intl::number(lang, round1(days))
}

/// A share from 0 to 1 as a percentage number with at most one decimal ("33,3").
fn percent_number(lang: Lang, share: f64) -> String {
    intl::number(lang, round1(share * 100.0))
}

fn count(lang: Lang, n: usize) -> String {
    intl::number(lang, n as f64)
}

/// Money from a fractional number of minor units (an average, a rate per day).
fn money_from_f64(lang: Lang, minor: f64, currency: &Currency) -> String {
    intl::money(lang, &Money::new(minor.round() as i64, currency.clone()))
}

fn money(lang: Lang, minor: i64, currency: &Currency) -> String {
    intl::money(lang, &Money::new(minor, currency.clone()))
}

/// What a figure resting on `n` deals can honestly say when there are too few of them;
/// `None` when there are enough to show the figure.
fn not_enough_text(lang: Lang, confidence: Confidence, n: usize) -> Option<String> {
    match confidence {
        Confidence::NoData => Some(t(lang, "insights.no_data").to_string()),
        Confidence::TooFew => Some(tf(lang, "insights.too_few", &[("n", &count(lang, n))])),
        Confidence::Enough => None,
    }
}

/// "60 % (n = 5)", or why there is no figure to show.
fn rate_text(lang: Lang, rate: &Rate) -> String {
    if let Some(text) = not_enough_text(lang, rate.confidence(), rate.n) {
        return text;
    }
    match rate.value() {
        Some(share) => tf(
            lang,
            "insights.rate",
            &[
                ("pct", &percent_number(lang, share)),
                ("n", &count(lang, rate.n)),
            ],
        ),
        None => t(lang, "insights.no_data").to_string(),
    }
}

thread_local! {
    static MONTH_FORMATS: RefCell<HashMap<Lang, js_sys::Intl::DateTimeFormat>> =
        RefCell::new(HashMap::new());
}

/// "Nov 2026" in en, "nov. 2026" in nb: a calendar month, through Intl, cached per language.
fn month_label(lang: Lang, month: YearMonth) -> String {
    let millis = NaiveDate::from_ymd_opt(month.year, month.month, 15)
        .and_then(|date| date.and_hms_opt(12, 0, 0))
        .map_or(0.0, |at| at.and_utc().timestamp_millis() as f64);
    MONTH_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry(lang).or_insert_with(|| {
            let options = js_sys::Object::new();
            for (key, value) in [("month", "short"), ("year", "numeric"), ("timeZone", "UTC")] {
                let _ = js_sys::Reflect::set(
                    &options,
                    &JsValue::from_str(key),
                    &JsValue::from_str(value),
                );
            }
            js_sys::Intl::DateTimeFormat::new(
                &js_sys::Array::of1(&JsValue::from_str(lang.locale())),
                &options,
            )
        });
        formatter
            .format()
            .call1(formatter, &js_sys::Date::new(&JsValue::from_f64(millis)))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| format!("{}-{:02}", month.year, month.month))
    })
}

// ---------------------------------------------------------------------------------------
// The view
// ---------------------------------------------------------------------------------------

#[component]
pub fn Insights() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let choice = RwSignal::new(PeriodChoice::Last12Months);
    let start_period = Period::last_12_months(browser::now());
    let custom_from = RwSignal::new(input_date(start_period.start));
    let custom_to = RwSignal::new(input_date(start_period.end));
    let period = Memo::new(move |_| {
        resolve_period(
            choice.get(),
            &custom_from.get(),
            &custom_to.get(),
            browser::now(),
        )
    });
    let report = Memo::new(move |_| {
        let lang = ctx.lang.get();
        let period = period.get().ok()?;
        let pipeline_id = ctx.current_pipeline_id()?;
        let now = browser::now();
        ctx.ws
            .with(|ws| Report::build(ws, &pipeline_id, period, now, lang))
    });
    let attention_limit = RwSignal::new(ATTENTION_PAGE);
    let has_report = move || report.with(Option::is_some);

    let on_period_change = move |ev: leptos::ev::Event| {
        let Some(next) = PeriodChoice::from_value(&event_target_value(&ev)) else {
            return;
        };
        // A custom period starts from the one on screen, so the dates are a small edit away.
        if next == PeriodChoice::Custom {
            if let Ok(current) = period.get_untracked() {
                custom_from.set(input_date(current.start));
                custom_to.set(input_date(current.end));
            }
        }
        choice.set(next);
    };

    view! {
        <section class="insights" aria-labelledby="insights-title">
            <h2 id="insights-title">{move || t(lang.get(), "insights.title")}</h2>
            <p class="insights-intro">
                {move || {
                    report
                        .with(|r| {
                            r.as_ref()
                                .map(|r| {
                                    tf(r.lang, "insights.intro", &[("pipeline", &r.pipeline_name)])
                                })
                        })
                        .unwrap_or_default()
                }}
            </p>
            <div class="insights-period">
                <div class="field">
                    <label for="insights-period">{move || t(lang.get(), "insights.period.label")}</label>
                    <select id="insights-period" on:change=on_period_change>
                        {PeriodChoice::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <option
                                        value=option.value()
                                        selected=move || choice.get() == option
                                    >
                                        {move || option.label(lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || choice.get() == PeriodChoice::Custom>
                    <div class="field">
                        <label for="insights-from">{move || t(lang.get(), "insights.period.from")}</label>
                        <input
                            id="insights-from"
                            type="date"
                            aria-describedby="insights-period-status"
                            prop:value=move || custom_from.get()
                            on:change=move |ev| custom_from.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="insights-to">{move || t(lang.get(), "insights.period.to")}</label>
                        <input
                            id="insights-to"
                            type="date"
                            aria-describedby="insights-period-status"
                            prop:value=move || custom_to.get()
                            on:change=move |ev| custom_to.set(event_target_value(&ev))
                        />
                    </div>
                </Show>
                <p
                    id="insights-period-status"
                    class="insights-period-status"
                    class:field-error=move || period.with(Result::is_err)
                    role="status"
                >
                    {move || {
                        let lang = lang.get();
                        match period.get() {
                            Ok(period) => tf(
                                lang,
                                "insights.period.range",
                                &[
                                    ("start", &intl::date(lang, period.start)),
                                    ("end", &intl::date(lang, period.end)),
                                ],
                            ),
                            Err(problem) => period_problem_text(lang, problem),
                        }
                    }}
                </p>
                <Help text="insights.period.help"/>
            </div>
            <Show when=move || { period.with(Result::is_ok) && !has_report() }>
                <p>{move || t(lang.get(), "insights.no_pipeline")}</p>
            </Show>
            <Show when=has_report>
                <div class="insight-sections">
                    <section class="insight-block insight-wide" aria-labelledby="insights-forecast">
                        <h3 id="insights-forecast">{move || t(lang.get(), "insights.forecast.title")}</h3>
                        <Help text="insights.forecast.help"/>
                        {move || report.with(|r| r.as_ref().map(forecast_body))}
                    </section>
                    <section class="insight-block insight-wide" aria-labelledby="insights-figures">
                        <h3 id="insights-figures">{move || t(lang.get(), "insights.figures.title")}</h3>
                        <div class="insight-figures">
                            <div class="insight-figure">
                                <h4>{move || t(lang.get(), "insights.win_rate.title")}</h4>
                                {move || report.with(|r| r.as_ref().map(win_rate_body))}
                                <Help text="insights.win_rate.help"/>
                            </div>
                            <div class="insight-figure">
                                <h4>{move || t(lang.get(), "insights.deal_size.title")}</h4>
                                {move || report.with(|r| r.as_ref().map(deal_size_body))}
                                <Help text="insights.deal_size.help"/>
                            </div>
                            <div class="insight-figure">
                                <h4>{move || t(lang.get(), "insights.cycle.title")}</h4>
                                {move || report.with(|r| r.as_ref().map(cycle_body))}
                                <Help text="insights.cycle.help"/>
                            </div>
                            <div class="insight-figure">
                                <h4>{move || t(lang.get(), "insights.velocity.title")}</h4>
                                {move || report.with(|r| r.as_ref().map(velocity_body))}
                                <Help text="insights.velocity.help"/>
                            </div>
                        </div>
                    </section>
                    <InsightBlock id="insights-funnel" title="insights.funnel.title" help="insights.funnel.help">
                        {move || report.with(|r| r.as_ref().map(funnel_body))}
                    </InsightBlock>
                    <InsightBlock id="insights-time" title="insights.time.title" help="insights.time.help">
                        {move || report.with(|r| r.as_ref().map(time_body))}
                    </InsightBlock>
                    <InsightBlock id="insights-attention" title="insights.attention.title" help="insights.attention.help">
                        {move || {
                            let limit = attention_limit.get();
                            report.with(|r| r.as_ref().map(|r| attention_body(ctx, r, limit)))
                        }}
                        <Show when=move || {
                            report.with(|r| r.as_ref().map_or(0, |r| r.attention.len()))
                                > attention_limit.get()
                        }>
                            <button
                                type="button"
                                class="show-more"
                                on:click=move |_| attention_limit.update(|l| *l += ATTENTION_PAGE)
                            >
                                {move || {
                                    let rest = report
                                        .with(|r| r.as_ref().map_or(0, |r| r.attention.len()))
                                        .saturating_sub(attention_limit.get());
                                    tf(
                                        lang.get(),
                                        "insights.attention.show_more",
                                        &[("n", &count(lang.get(), rest))],
                                    )
                                }}
                            </button>
                        </Show>
                    </InsightBlock>
                    <InsightBlock id="insights-lost" title="insights.lost.title" help="insights.lost.help">
                        {move || report.with(|r| r.as_ref().map(lost_body))}
                    </InsightBlock>
                    <InsightBlock id="insights-probability" title="insights.probability.title" help="insights.probability.help">
                        {move || report.with(|r| r.as_ref().map(probability_body))}
                    </InsightBlock>
                </div>
            </Show>
        </section>
    }
}

/// A metric's definition, from shared/design/metrics.md, folded under a summary.
#[component]
fn Help(text: &'static str) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <details class="insight-help">
            <summary>{move || t(lang.get(), "insights.help.summary")}</summary>
            <p>{move || t(lang.get(), text)}</p>
        </details>
    }
}

/// A titled block of the insight view with its definition as help text.
#[component]
fn InsightBlock(
    id: &'static str,
    title: &'static str,
    help: &'static str,
    children: Children,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <section class="insight-block" aria-labelledby=id>
            <h3 id=id>{move || t(lang.get(), title)}</h3>
            <Help text=help/>
            {children()}
        </section>
    }
}

// ---------------------------------------------------------------------------------------
// Forecast
// ---------------------------------------------------------------------------------------

fn forecast_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let figures = &report.figures;
    // Rows come ordered by month and then currency; each currency gets its own chart, since
    // amounts in different currencies are never added together.
    let mut currencies: Vec<&Currency> = Vec::new();
    for row in &figures.forecast {
        if !currencies.contains(&&row.currency) {
            currencies.push(&row.currency);
        }
    }
    let charts = currencies
        .into_iter()
        .map(|currency| {
            let rows: Vec<&ForecastRow> = figures
                .forecast
                .iter()
                .filter(|row| row.currency == *currency)
                .collect();
            forecast_chart(lang, currency, &rows)
        })
        .collect_view();
    let without_date = figures.open_deals_without_expected_close;
    view! {
        {charts}
        {(without_date > 0)
            .then(|| {
                view! {
                    <p class="hint">
                        {tf(
                            lang,
                            "insights.forecast.no_close_date",
                            &[("n", &count(lang, without_date))],
                        )}
                    </p>
                }
            })}
    }
    .into_any()
}

fn forecast_total(row: &ForecastRow) -> i128 {
    i128::from(row.won_minor.max(0)) + i128::from(row.weighted_open_minor.max(0))
}

fn saturate(sum: i128) -> i64 {
    i64::try_from(sum).unwrap_or(i64::MAX)
}

/// The text alternative of one currency's chart: its span, totals and busiest month.
fn forecast_summary(lang: Lang, currency: &Currency, rows: &[&ForecastRow]) -> String {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return String::new();
    };
    let won: i128 = rows
        .iter()
        .map(|row| i128::from(row.won_minor.max(0)))
        .sum();
    let weighted: i128 = rows
        .iter()
        .map(|row| i128::from(row.weighted_open_minor.max(0)))
        .sum();
    let first_month = month_label(lang, first.month);
    let last_month = month_label(lang, last.month);
    // The earliest of the months with the largest forecast.
    let busiest = rows
        .iter()
        .copied()
        .fold(None::<&ForecastRow>, |best, row| match best {
            Some(best) if forecast_total(best) >= forecast_total(row) => Some(best),
            _ => Some(row),
        })
        .filter(|row| forecast_total(row) > 0);
    match busiest {
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
                ("won", &money(lang, saturate(won), currency)),
                ("weighted", &money(lang, saturate(weighted), currency)),
                ("total", &money(lang, saturate(won + weighted), currency)),
                ("month", &month_label(lang, busiest.month)),
                (
                    "amount",
                    &money(lang, saturate(forecast_total(busiest)), currency),
                ),
            ],
        ),
    }
}

/// One currency's forecast: a stacked bar per month (won below, weighted open above) drawn
/// to one scale, then the same numbers in a table.
fn forecast_chart(lang: Lang, currency: &Currency, rows: &[&ForecastRow]) -> impl IntoView {
    let summary = forecast_summary(lang, currency, rows);
    let title_text = summary.clone();
    let n_months = rows.len().max(1);
    let largest = rows
        .iter()
        .map(|row| forecast_total(row))
        .max()
        .unwrap_or(0);
    let plot_height = CHART_HEIGHT - CHART_TOP - CHART_AXIS;
    let baseline = CHART_TOP + plot_height;
    let scale = |minor: i64| -> f64 {
        if largest <= 0 {
            0.0
        } else {
            minor.max(0) as f64 / largest as f64 * plot_height
        }
    };
    let slot = CHART_WIDTH / n_months as f64;
    let bar_width = slot * 0.7;
    let label_every = n_months.div_ceil(MAX_MONTH_LABELS).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let x = index as f64 * slot + (slot - bar_width) / 2.0;
            let won_height = scale(row.won_minor);
            let weighted_height = scale(row.weighted_open_minor);
            // Every other label is marked, so a narrow screen can hide it (see main.css).
            let alternate = (index / label_every) % 2 == 1;
            // The first and last labels line up with their bar's outer edge, so they are not
            // cut off by the edges of the chart.
            let (anchor, label_x) = if index == 0 {
                ("start", x)
            } else if index + 1 == n_months {
                ("end", x + bar_width)
            } else {
                ("middle", x + bar_width / 2.0)
            };
            let label = (index % label_every == 0).then(|| {
                view! {
                    <text
                        class="chart-label"
                        class:chart-label-alternate=alternate
                        x=format!("{label_x:.2}")
                        y=format!("{:.2}", CHART_HEIGHT - 8.0)
                        text-anchor=anchor
                    >
                        {month_label(lang, row.month)}
                    </text>
                }
            });
            view! {
                <rect
                    class="bar-won"
                    x=format!("{x:.2}")
                    y=format!("{:.2}", baseline - won_height)
                    width=format!("{bar_width:.2}")
                    height=format!("{won_height:.2}")
                />
                <rect
                    class="bar-weighted"
                    x=format!("{x:.2}")
                    y=format!("{:.2}", baseline - won_height - weighted_height)
                    width=format!("{bar_width:.2}")
                    height=format!("{weighted_height:.2}")
                />
                {label}
            }
        })
        .collect_view();
    let table_rows = rows
        .iter()
        .map(|row| {
            view! {
                <tr>
                    <th scope="row">{month_label(lang, row.month)}</th>
                    <td class="num">{money(lang, row.won_minor, currency)}</td>
                    <td class="num">{money(lang, row.weighted_open_minor, currency)}</td>
                    <td class="num">{money(lang, saturate(forecast_total(row)), currency)}</td>
                    <td class="num">{count(lang, row.n_won)}</td>
                    <td class="num">{count(lang, row.n_open)}</td>
                </tr>
            }
        })
        .collect_view();
    let won: i128 = rows
        .iter()
        .map(|row| i128::from(row.won_minor.max(0)))
        .sum();
    let weighted: i128 = rows
        .iter()
        .map(|row| i128::from(row.weighted_open_minor.max(0)))
        .sum();
    let n_won: usize = rows.iter().map(|row| row.n_won).sum();
    let n_open: usize = rows.iter().map(|row| row.n_open).sum();
    view! {
        <div class="forecast">
            <h4>{tf(lang, "insights.forecast.currency", &[("currency", currency.code())])}</h4>
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
                viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")
                preserveAspectRatio="xMidYMid meet"
            >
                <title>{title_text}</title>
                {bars}
                <line
                    class="chart-axis"
                    x1="0"
                    x2=format!("{CHART_WIDTH}")
                    y1=format!("{baseline:.2}")
                    y2=format!("{baseline:.2}")
                />
            </svg>
            <div class="table-scroll">
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
                    <tbody>{table_rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{t(lang, "insights.forecast.sum")}</th>
                            <td class="num">{money(lang, saturate(won), currency)}</td>
                            <td class="num">{money(lang, saturate(weighted), currency)}</td>
                            <td class="num">{money(lang, saturate(won + weighted), currency)}</td>
                            <td class="num">{count(lang, n_won)}</td>
                            <td class="num">{count(lang, n_open)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------
// Win rate, deal size, cycle, velocity
// ---------------------------------------------------------------------------------------

fn win_rate_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let rate = report.figures.win_rate;
    let detail = (rate.n > 0).then(|| {
        view! {
            <p class="hint">
                {tf(
                    lang,
                    "insights.win_rate.detail",
                    &[
                        ("won", &count(lang, rate.hits)),
                        ("lost", &count(lang, rate.n - rate.hits)),
                    ],
                )}
            </p>
        }
    });
    view! {
        <p class="figure-value" data-figure="win-rate">{rate_text(lang, &rate)}</p>
        {detail}
    }
    .into_any()
}

/// Per-currency lines: one plain value, or a list with each currency named.
fn per_currency_lines(lines: Vec<(Currency, String)>, lang: Lang, figure: &'static str) -> AnyView {
    if lines.len() == 1 {
        let text = lines.into_iter().next().map(|(_, text)| text);
        return view! { <p class="figure-value" data-figure=figure>{text}</p> }.into_any();
    }
    let items = lines
        .into_iter()
        .map(|(currency, text)| {
            view! {
                <li>
                    {tf(
                        lang,
                        "insights.per_currency",
                        &[("currency", currency.code()), ("value", &text)],
                    )}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="figure-value figure-list" data-figure=figure>{items}</ul> }.into_any()
}

fn deal_size_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let rows = &report.figures.average_deal_size;
    if rows.is_empty() {
        return view! {
            <p class="figure-value" data-figure="deal-size">{t(lang, "insights.no_data")}</p>
        }
        .into_any();
    }
    let lines = rows
        .iter()
        .map(|row| {
            let text = not_enough_text(lang, row.confidence(), row.n_won).unwrap_or_else(|| {
                tf(
                    lang,
                    "insights.money_n",
                    &[
                        (
                            "amount",
                            &money_from_f64(lang, row.average_minor, &row.currency),
                        ),
                        ("n", &count(lang, row.n_won)),
                    ],
                )
            });
            (row.currency.clone(), text)
        })
        .collect();
    per_currency_lines(lines, lang, "deal-size")
}

fn cycle_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let cycle = report.figures.sales_cycle;
    let text =
        not_enough_text(lang, cycle.confidence(), cycle.n_won).unwrap_or_else(|| {
            match cycle.mean_days {
                Some(days) => tf(
                    lang,
                    "insights.days_n",
                    &[
                        ("days", &days_number(lang, days)),
                        ("n", &count(lang, cycle.n_won)),
                    ],
                ),
                None => t(lang, "insights.no_data").to_string(),
            }
        });
    view! { <p class="figure-value" data-figure="cycle">{text}</p> }.into_any()
}

fn velocity_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let figures = &report.figures;
    if figures.velocity.is_empty() {
        return view! {
            <p class="figure-value" data-figure="velocity">{t(lang, "insights.no_data")}</p>
        }
        .into_any();
    }
    let mut details = Vec::new();
    let lines = figures
        .velocity
        .iter()
        .map(|row| {
            let n = figures.win_rate.n.min(row.n_won);
            let text = not_enough_text(lang, row.confidence, n).unwrap_or_else(|| {
                match (
                    row.per_day_minor,
                    row.average_deal_minor,
                    figures.win_rate.value(),
                    figures.sales_cycle.mean_days,
                ) {
                    (Some(per_day), Some(average), Some(rate), Some(days)) => {
                        details.push(tf(
                            lang,
                            "insights.velocity.detail",
                            &[
                                ("open", &count(lang, row.n_open)),
                                ("average", &money_from_f64(lang, average, &row.currency)),
                                ("rate", &percent_number(lang, rate)),
                                ("days", &days_number(lang, days)),
                            ],
                        ));
                        tf(
                            lang,
                            "insights.velocity.value",
                            &[
                                ("amount", &money_from_f64(lang, per_day, &row.currency)),
                                ("n", &count(lang, n)),
                            ],
                        )
                    }
                    _ => t(lang, "insights.velocity.none").to_string(),
                }
            });
            (row.currency.clone(), text)
        })
        .collect();
    let details = details
        .into_iter()
        .map(|text| view! { <p class="hint">{text}</p> })
        .collect_view();
    view! {
        {per_currency_lines(lines, lang, "velocity")}
        {details}
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// Funnel
// ---------------------------------------------------------------------------------------

fn funnel_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let funnel = &report.figures.funnel;
    let widest = funnel
        .iter()
        .map(|stage| stage.n_entered)
        .max()
        .unwrap_or(0);
    if widest == 0 {
        return view! { <p class="hint">{t(lang, "insights.funnel.empty")}</p> }.into_any();
    }
    let summary = tf(
        lang,
        "insights.funnel.chart_label",
        &[(
            "stages",
            &funnel
                .iter()
                .map(|stage| {
                    tf(
                        lang,
                        "insights.funnel.chart_item",
                        &[
                            ("stage", &report.stage_name(&stage.stage_id)),
                            ("n", &count(lang, stage.n_entered)),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        )],
    );
    let bars = funnel
        .iter()
        .map(|stage| {
            let width = stage.n_entered as f64 / widest as f64 * 100.0;
            view! {
                <div class="funnel-row">
                    <span class="funnel-stage">{report.stage_name(&stage.stage_id)}</span>
                    <span class="funnel-track">
                        <span class="funnel-bar" style=format!("width: {width:.2}%")></span>
                    </span>
                    <span class="funnel-count">{count(lang, stage.n_entered)}</span>
                </div>
            }
        })
        .collect_view();
    let rows = funnel
        .iter()
        .map(|stage| {
            view! {
                <tr>
                    <th scope="row">{report.stage_name(&stage.stage_id)}</th>
                    <td class="num">{count(lang, stage.n_entered)}</td>
                    <td class="num">{count(lang, stage.n_went_on)}</td>
                    <td>{rate_text(lang, &stage.conversion_to_next)}</td>
                    <td>{rate_text(lang, &stage.conversion_to_won)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="funnel" role="img" aria-label=summary>
            {bars}
        </div>
        {data_table(lang, "insights.funnel.caption", &["col", "insights.stage", "col", "insights.funnel.entered", "col", "insights.funnel.went_on", "col", "insights.funnel.to_next", "col", "insights.funnel.to_won"], rows)}
    }
    .into_any()
}

/// A table with a caption, column headers and rows, scrolling sideways on small screens.
fn data_table(
    lang: Lang,
    caption_key: &'static str,
    header_keys: &[&'static str],
    rows: impl IntoView + 'static,
) -> impl IntoView {
    let headers = header_keys
        .iter()
        .map(|key| view! { <th scope="col">{t(lang, key)}</th> })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="insight-table">
                <caption>{t(lang, caption_key)}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

// ---------------------------------------------------------------------------------------
// Time in stage
// ---------------------------------------------------------------------------------------

fn time_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let figures = &report.figures;
    let bottleneck = figures.bottleneck.as_ref().and_then(|stage_id| {
        figures
            .time_in_stage
            .iter()
            .find(|time| &time.stage_id == stage_id)
    });
    let callout = match bottleneck {
        Some(time) => {
            let args = [
                ("stage", report.stage_name(&time.stage_id)),
                ("days", days_number(lang, time.median_days.unwrap_or(0.0))),
                ("n", count(lang, time.n_deals)),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if time.confidence().enough() {
                tf(lang, "insights.time.bottleneck", &args)
            } else {
                tf(lang, "insights.time.bottleneck_too_few", &args)
            }
        }
        None => t(lang, "insights.time.no_bottleneck").to_string(),
    };
    let rows = figures
        .time_in_stage
        .iter()
        .map(|time| {
            let is_bottleneck = figures.bottleneck.as_ref() == Some(&time.stage_id);
            let days = |value: Option<f64>| {
                value.map_or_else(
                    || t(lang, "insights.time.no_data").to_string(),
                    |days| days_number(lang, days),
                )
            };
            let n_text = match time.confidence() {
                Confidence::TooFew => tf(
                    lang,
                    "insights.time.n_too_few",
                    &[("n", &count(lang, time.n_deals))],
                ),
                _ => count(lang, time.n_deals),
            };
            view! {
                <tr class:bottleneck=is_bottleneck>
                    <th scope="row">
                        {report.stage_name(&time.stage_id)}
                        {is_bottleneck
                            .then(|| {
                                view! {
                                    " "
                                    <span class="badge badge-stale">
                                        {t(lang, "insights.time.bottleneck_tag")}
                                    </span>
                                }
                            })}
                    </th>
                    <td class="num">{days(time.median_days)}</td>
                    <td class="num">{days(time.mean_days)}</td>
                    <td class="num">{n_text}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="callout">{callout}</p>
        {data_table(lang, "insights.time.caption", &["col", "insights.stage", "col", "insights.time.median", "col", "insights.time.mean", "col", "insights.time.n"], rows)}
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// Lost reasons
// ---------------------------------------------------------------------------------------

fn lost_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let reasons = &report.figures.lost_reasons;
    if reasons.is_empty() {
        return view! { <p class="hint">{t(lang, "insights.lost.empty")}</p> }.into_any();
    }
    let rows = reasons
        .iter()
        .map(|row| {
            let values = row
                .per_currency
                .iter()
                .map(|sum| money(lang, sum.total_minor, &sum.currency))
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <tr>
                    <th scope="row">{row.reason.clone()}</th>
                    <td class="num">{count(lang, row.n_deals)}</td>
                    <td class="num">{values}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {data_table(lang, "insights.lost.caption", &["col", "insights.lost.reason", "col", "insights.lost.count", "col", "insights.lost.value"], rows)}
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// Deals needing attention
// ---------------------------------------------------------------------------------------

fn reason_text(lang: Lang, reason: &AttentionReason) -> String {
    match reason {
        AttentionReason::Stale {
            days_idle,
            rot_days,
        } => tf(
            lang,
            "insights.attention.stale",
            &[
                ("days", &intl::number(lang, *days_idle as f64)),
                ("limit", &intl::number(lang, f64::from(*rot_days))),
            ],
        ),
        AttentionReason::NextStepMissing => t(lang, "insights.attention.next_missing").to_string(),
        AttentionReason::NextStepOverdue { due } => tf(
            lang,
            "insights.attention.next_overdue",
            &[("date", &intl::date(lang, *due))],
        ),
        AttentionReason::ExpectedCloseInPast { expected_close } => tf(
            lang,
            "insights.attention.close_past",
            &[("date", &intl::date(lang, *expected_close))],
        ),
        AttentionReason::StageRemoved => t(lang, "insights.attention.stage_removed").to_string(),
    }
}

fn attention_body(ctx: Ctx, report: &Report, limit: usize) -> AnyView {
    let lang = report.lang;
    if report.attention.is_empty() {
        return view! { <p class="hint">{t(lang, "insights.attention.empty")}</p> }.into_any();
    }
    let items = report
        .attention
        .iter()
        .take(limit)
        .map(|row| {
            let deal_id = row.deal_id.clone();
            let place = match &row.stage_name {
                Some(stage) => tf(
                    lang,
                    "insights.attention.where",
                    &[
                        ("stage", stage),
                        ("amount", &intl::money(lang, &row.amount)),
                    ],
                ),
                None => intl::money(lang, &row.amount),
            };
            let reasons = row
                .reasons
                .iter()
                .map(|reason| view! { <li>{reason_text(lang, reason)}</li> })
                .collect_view();
            view! {
                <li class="attention-row">
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| ctx.editing.set(Some(deal_id.clone()))
                    >
                        {row.title.clone()}
                    </button>
                    <span class="attention-place">{place}</span>
                    <ul class="attention-reasons">{reasons}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <p>
            {tf(
                lang,
                "insights.attention.count",
                &[("n", &count(lang, report.attention.len()))],
            )}
        </p>
        <ul class="attention-list">{items}</ul>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// Probability check
// ---------------------------------------------------------------------------------------

fn probability_body(report: &Report) -> AnyView {
    let lang = report.lang;
    let rows = report
        .figures
        .probability_check
        .iter()
        .map(|check| {
            view! {
                <tr>
                    <th scope="row">{report.stage_name(&check.stage_id)}</th>
                    <td class="num">
                        {tf(
                            lang,
                            "insights.probability.percent",
                            &[("p", &intl::number(lang, f64::from(check.set_probability)))],
                        )}
                    </td>
                    <td>{rate_text(lang, &check.won_share)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {data_table(lang, "insights.probability.caption", &["col", "insights.stage", "col", "insights.probability.set", "col", "insights.probability.actual"], rows)}
    }
    .into_any()
}
