//! The time-in-stage section: the bottleneck called out, then the median and mean days
//! per stage with their n.

use super::format::{count, data_table, days_number};
use crate::domain::insights::Report;
use crate::domain::metrics::{Confidence, StageTime};
use crate::i18n::{t, tf, Lang};
use leptos::prelude::*;

/// The stage deals stay in longest, with its median days and n; with too few deals it is
/// worded as the slowest stage so far.
fn bottleneck_text(lang: Lang, report: &Report) -> String {
    let Some(time) = report.bottleneck() else {
        return t(lang, "insights.time.no_bottleneck").to_string();
    };
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

pub fn time_body(lang: Lang, report: &Report) -> AnyView {
    let rows = report
        .figures
        .time_in_stage
        .iter()
        .map(|time| time_row(lang, report, time))
        .collect_view();
    view! {
        <p class="callout">{bottleneck_text(lang, report)}</p>
        {data_table(lang, "insights.time.caption", &["insights.stage", "insights.time.median", "insights.time.mean", "insights.time.n"], rows)}
    }
    .into_any()
}

fn time_row(lang: Lang, report: &Report, time: &StageTime) -> impl IntoView {
    let is_bottleneck = report.figures.bottleneck.as_ref() == Some(&time.stage_id);
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
    let tag = is_bottleneck.then(|| {
        view! {
            " "
            <span class="badge badge-stale">{t(lang, "insights.time.bottleneck_tag")}</span>
        }
    });
    view! {
        <tr class:bottleneck=is_bottleneck>
            <th scope="row">
                {report.stage_name(&time.stage_id)}
                {tag}
            </th>
            <td class="num">{days(time.median_days)}</td>
            <td class="num">{days(time.mean_days)}</td>
            <td class="num">{n_text}</td>
        </tr>
    }
}
