//! Deals needing attention: each deal as a button that opens it, where it sits, and every
//! reason it needs attention; the first page of them, and "Show more" for the rest.

use super::format::count;
use super::ShownMemo;
use crate::domain::insights::AttentionRow;
use crate::domain::metrics::AttentionReason;
use crate::i18n::{t, tf, Lang};
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// Deals shown before "Show more", so a large pipeline stays quick.
const ATTENTION_PAGE: usize = 50;

#[component]
pub fn Attention(shown: ShownMemo) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let limit = RwSignal::new(ATTENTION_PAGE);
    let n_rows = move || shown.with(|s| s.as_ref().map_or(0, |s| s.report.attention.len()));
    let list = move || {
        let limit = limit.get();
        shown.with(|s| {
            s.as_ref()
                .map(|s| attention_list(ctx, s.lang, &s.report.attention, limit))
        })
    };
    let more_text = move || {
        let lang = ctx.lang.get();
        let rest = n_rows().saturating_sub(limit.get());
        tf(
            lang,
            "insights.attention.show_more",
            &[("n", &count(lang, rest))],
        )
    };
    view! {
        {list}
        <Show when=move || { n_rows() > limit.get() }>
            <button
                type="button"
                class="show-more"
                on:click=move |_| limit.update(|l| *l += ATTENTION_PAGE)
            >
                {more_text}
            </button>
        </Show>
    }
}

fn attention_list(ctx: Ctx, lang: Lang, rows: &[AttentionRow], limit: usize) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="hint">{t(lang, "insights.attention.empty")}</p> }.into_any();
    }
    let items = rows
        .iter()
        .take(limit)
        .map(|row| attention_item(ctx, lang, row))
        .collect_view();
    let total = intl::tn(lang, "insights.attention.count", rows.len(), &[]);
    view! {
        <p>{total}</p>
        <ul class="attention-list">{items}</ul>
    }
    .into_any()
}

fn attention_item(ctx: Ctx, lang: Lang, row: &AttentionRow) -> impl IntoView {
    let deal_id = row.deal_id.clone();
    let amount = intl::money(lang, &row.amount);
    let place = match &row.stage_name {
        Some(stage) => tf(
            lang,
            "insights.attention.where",
            &[("stage", stage), ("amount", &amount)],
        ),
        None => amount,
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
}

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
