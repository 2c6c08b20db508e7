//! The funnel section: a bar per stage, as wide as the deals that entered it, with a text
//! alternative, and the counts and conversions in a table.

use super::format::{count, data_table, rate_text};
use crate::domain::insights::{funnel_widths, Report};
use crate::i18n::{t, tf, Lang};
use leptos::prelude::*;

pub fn funnel_body(lang: Lang, report: &Report) -> AnyView {
    let funnel = &report.figures.funnel;
    let Some(widths) = funnel_widths(funnel) else {
        return view! { <p class="hint">{t(lang, "insights.funnel.empty")}</p> }.into_any();
    };
    let items = funnel
        .iter()
        .map(|stage| {
            let args = [
                ("stage", report.stage_name(&stage.stage_id)),
                ("n", count(lang, stage.n_entered)),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            tf(lang, "insights.funnel.chart_item", &args)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let summary = tf(lang, "insights.funnel.chart_label", &[("stages", &items)]);
    let bars = funnel
        .iter()
        .zip(widths)
        .map(|(stage, width)| {
            view! {
                <div class="funnel-row">
                    <span class="funnel-stage">{report.stage_name(&stage.stage_id)}</span>
                    <span class="funnel-track">
                        <span class="funnel-bar" style:width=format!("{}%", crate::ui::intl::fixed(width, 2))></span>
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
        {data_table(lang, "insights.funnel.caption", &["insights.stage", "insights.funnel.entered", "insights.funnel.went_on", "insights.funnel.to_next", "insights.funnel.to_won"], rows)}
    }
    .into_any()
}
