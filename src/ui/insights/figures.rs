//! The four headline figures: win rate, average deal size, sales cycle length and pipeline
//! velocity, each with n beside it or the reason there is no figure to show.

use super::format::{
    count, days_number, money_from_f64, not_enough_text, percent_number, rate_text,
};
use super::{figures_of, Help, ShownMemo};
use crate::domain::insights::Report;
use crate::domain::metrics::Velocity;
use crate::domain::Currency;
use crate::i18n::{t, tf, Lang};
use crate::ui::state::Ctx;
use leptos::prelude::*;

#[component]
pub fn Figures(shown: ShownMemo) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <section class="insight-block insight-wide" aria-labelledby="insights-figures">
            <h3 id="insights-figures">{move || t(lang.get(), "insights.figures.title")}</h3>
            <div class="insight-figures">
                <Figure title="insights.win_rate.title" help="insights.win_rate.help">
                    {figures_of(shown, win_rate_body)}
                </Figure>
                <Figure title="insights.deal_size.title" help="insights.deal_size.help">
                    {figures_of(shown, deal_size_body)}
                </Figure>
                <Figure title="insights.cycle.title" help="insights.cycle.help">
                    {figures_of(shown, cycle_body)}
                </Figure>
                <Figure title="insights.velocity.title" help="insights.velocity.help">
                    {figures_of(shown, velocity_body)}
                </Figure>
            </div>
        </section>
    }
}

#[component]
fn Figure(title: &'static str, help: &'static str, children: Children) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <div class="insight-figure">
            <h4>{move || t(lang.get(), title)}</h4>
            {children()}
            <Help text=help/>
        </div>
    }
}

fn win_rate_body(lang: Lang, report: &Report) -> AnyView {
    let rate = report.figures.win_rate;
    let detail = (rate.n > 0).then(|| {
        let text = tf(
            lang,
            "insights.win_rate.detail",
            &[
                ("won", &count(lang, rate.hits)),
                ("lost", &count(lang, rate.n - rate.hits)),
            ],
        );
        view! { <p class="hint">{text}</p> }
    });
    view! {
        <p class="figure-value" data-figure="win-rate">{rate_text(lang, &rate)}</p>
        {detail}
    }
    .into_any()
}

/// Per-currency lines: one plain value, or a list with each currency named.
fn per_currency_lines(lang: Lang, figure: &'static str, lines: Vec<(Currency, String)>) -> AnyView {
    if lines.is_empty() {
        let text = t(lang, "insights.no_data");
        return view! { <p class="figure-value" data-figure=figure>{text}</p> }.into_any();
    }
    if lines.len() == 1 {
        let text = lines.into_iter().next().map(|(_, text)| text);
        return view! { <p class="figure-value" data-figure=figure>{text}</p> }.into_any();
    }
    let items = lines
        .into_iter()
        .map(|(currency, text)| {
            let args = [("currency", currency.code()), ("value", text.as_str())];
            view! { <li>{tf(lang, "insights.per_currency", &args)}</li> }
        })
        .collect_view();
    view! { <ul class="figure-value figure-list" data-figure=figure>{items}</ul> }.into_any()
}

fn deal_size_body(lang: Lang, report: &Report) -> AnyView {
    let lines = report
        .figures
        .average_deal_size
        .iter()
        .map(|row| {
            let text = not_enough_text(lang, row.confidence(), row.n_won).unwrap_or_else(|| {
                let amount = money_from_f64(lang, row.average_minor, &row.currency);
                let args = [("amount", amount.as_str()), ("n", &count(lang, row.n_won))];
                tf(lang, "insights.money_n", &args)
            });
            (row.currency.clone(), text)
        })
        .collect();
    per_currency_lines(lang, "deal-size", lines)
}

fn cycle_body(lang: Lang, report: &Report) -> AnyView {
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

fn velocity_body(lang: Lang, report: &Report) -> AnyView {
    let (lines, details): (Vec<_>, Vec<_>) = report
        .figures
        .velocity
        .iter()
        .map(|row| {
            let (text, detail) = velocity_text(lang, report, row);
            ((row.currency.clone(), text), detail)
        })
        .unzip();
    let details = details
        .into_iter()
        .flatten()
        .map(|text| view! { <p class="hint">{text}</p> })
        .collect_view();
    view! {
        {per_currency_lines(lang, "velocity", lines)}
        {details}
    }
    .into_any()
}

/// One currency's velocity, and how it was worked out when there is a figure.
fn velocity_text(lang: Lang, report: &Report, row: &Velocity) -> (String, Option<String>) {
    let figures = &report.figures;
    let n = figures.win_rate.n.min(row.n_won);
    if let Some(text) = not_enough_text(lang, row.confidence, n) {
        return (text, None);
    }
    let factors = (
        row.per_day_minor,
        row.average_deal_minor,
        figures.win_rate.value(),
        figures.sales_cycle.mean_days,
    );
    let (Some(per_day), Some(average), Some(rate), Some(days)) = factors else {
        return (t(lang, "insights.velocity.none").to_string(), None);
    };
    let detail = tf(
        lang,
        "insights.velocity.detail",
        &[
            ("open", &count(lang, row.n_open)),
            ("average", &money_from_f64(lang, average, &row.currency)),
            ("rate", &percent_number(lang, rate)),
            ("days", &days_number(lang, days)),
        ],
    );
    let amount = money_from_f64(lang, per_day, &row.currency);
    let text = tf(
        lang,
        "insights.velocity.value",
        &[("amount", amount.as_str()), ("n", &count(lang, n))],
    );
    (text, Some(detail))
}
