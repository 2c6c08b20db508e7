//! The parts of the deal editor around its inputs: the status line, the outcome and delete
//! buttons, and the stage history.

use crate::domain::{DealId, StageId};
use crate::domain::{DealStatus, StageChange};
use crate::i18n::{t, tf};
use crate::ui::actions::deal_title;
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use chrono::NaiveDate;
use leptos::prelude::*;

/// "Open", "Won on 3 Mar 2026", "Lost on … (Price) — note".
#[component]
pub fn StatusLine(status: DealStatus) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let text = move || {
        let lang = lang.get();
        match &status {
            DealStatus::Open => t(lang, "status.open").to_string(),
            DealStatus::Won { at } => tf(
                lang,
                "status.won_on",
                &[("date", &intl::date(lang, at.date_naive()))],
            ),
            DealStatus::Lost { at, reason, note } => {
                let date = intl::date(lang, at.date_naive());
                let mut text = tf(
                    lang,
                    "status.lost_on",
                    &[("date", &date), ("reason", reason)],
                );
                if !note.is_empty() {
                    text.push_str(" — ");
                    text.push_str(note);
                }
                text
            }
        }
    };
    view! { <p class="deal-status">{text}</p> }
}

/// Won and Lost for an open deal, Reopen for a closed one, and Delete.
#[component]
pub fn OutcomeButtons(deal_id: DealId, is_open: bool, close: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let id = StoredValue::new(deal_id);
    let announce = move |key: &'static str| {
        let deal = deal_title(ctx, &id.get_value());
        ctx.announce(tf(lang.get_untracked(), key, &[("deal", &deal)]));
    };
    let won = move |_| {
        let now = browser::now();
        if ctx.apply(|ws| ws.mark_won(&id.get_value(), now)).is_some() {
            announce("deal.won_announce");
            close.run(());
        }
    };
    let lost = move |_| {
        ctx.editing.set(None);
        ctx.losing.set(Some(id.get_value()));
    };
    let reopen = move |_| {
        let now = browser::now();
        if ctx.apply(|ws| ws.reopen(&id.get_value(), now)).is_some() {
            announce("deal.reopened");
            close.run(());
        }
    };
    let delete = move |_| {
        let lang = lang.get_untracked();
        let name = deal_title(ctx, &id.get_value());
        if browser::confirm(&tf(lang, "deal.confirm_delete", &[("deal", &name)]))
            && ctx.apply(|ws| ws.delete_deal(&id.get_value())).is_some()
        {
            ctx.announce(tf(lang, "deal.deleted", &[("deal", &name)]));
            close.run(());
        }
    };
    view! {
        {if is_open {
            view! {
                <button type="button" class="won" on:click=won>{move || t(lang.get(), "deal.won")}</button>
                <button type="button" class="lost" on:click=lost>{move || t(lang.get(), "deal.lost")}</button>
            }.into_any()
        } else {
            view! { <button type="button" on:click=reopen>{move || t(lang.get(), "deal.reopen")}</button> }.into_any()
        }}
        <button type="button" class="danger" on:click=delete>{move || t(lang.get(), "action.delete")}</button>
    }
}

/// When the deal was created and changed, and every stage it entered.
#[component]
pub fn History(
    history: Vec<StageChange>,
    stages: Vec<(StageId, String)>,
    created: NaiveDate,
    updated: NaiveDate,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let dates = move || {
        let lang = lang.get();
        let (created, updated) = (intl::date(lang, created), intl::date(lang, updated));
        tf(
            lang,
            "deal.created_updated",
            &[("created", &created), ("updated", &updated)],
        )
    };
    let entries = history
        .into_iter()
        .map(|change| {
            let name = stages
                .iter()
                .find(|(sid, _)| *sid == change.to)
                .map_or_else(|| "?".to_string(), |(_, n)| n.clone());
            let date = change.at.date_naive();
            view! { <li>{move || tf(lang.get(), "deal.history_entry", &[("stage", &name), ("date", &intl::date(lang.get(), date))])}</li> }
        })
        .collect_view();
    view! {
        <section class="history" aria-labelledby="deal-history-title">
            <h3 id="deal-history-title">{move || t(lang.get(), "deal.history")}</h3>
            <p>{dates}</p>
            <ol>{entries}</ol>
        </section>
    }
}
