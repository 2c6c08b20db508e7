//! The two plain tables: lost reasons, and each stage's set probability beside how often
//! its deals were won.

use super::format::{count, data_table, money, rate_text};
use crate::domain::insights::Report;
use crate::i18n::{t, tf, Lang};
use crate::ui::intl;
use leptos::prelude::*;

pub fn lost_body(lang: Lang, report: &Report) -> AnyView {
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
        {data_table(lang, "insights.lost.caption", &["insights.lost.reason", "insights.lost.count", "insights.lost.value"], rows)}
    }
    .into_any()
}

pub fn probability_body(lang: Lang, report: &Report) -> AnyView {
    let rows = report
        .figures
        .probability_check
        .iter()
        .map(|check| {
            let set = intl::number(lang, f64::from(check.set_probability));
            view! {
                <tr>
                    <th scope="row">{report.stage_name(&check.stage_id)}</th>
                    <td class="num">{tf(lang, "insights.probability.percent", &[("p", &set)])}</td>
                    <td>{rate_text(lang, &check.won_share)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {data_table(lang, "insights.probability.caption", &["insights.stage", "insights.probability.set", "insights.probability.actual"], rows)}
    }
    .into_any()
}
