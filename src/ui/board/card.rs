//! A card on the board: what a deal is at a glance, opened by its title, moved by drag,
//! by its "Move to" menu or by Shift+arrow keys, closed by Won or Lost.

use super::DRAG_TYPE;
use crate::domain::board::Nudge;
use crate::domain::Deal;
use crate::domain::{DealId, StageId};
use crate::i18n::{t, tf};
use crate::ui::actions::{deal_title, focus_card, move_and_announce};
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// A deal on the board. It renders a snapshot: the column's keyed list re-creates a card
/// only when that deal's revision changes, so editing one card leaves the others alone.
#[component]
pub fn Card(deal_id: DealId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some((deal, stages, stale)) = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(&deal_id)?.clone();
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stage = pipeline.stage(&deal.stage_id)?;
        let stale = deal.is_stale(stage, browser::now());
        let others: Vec<(StageId, String)> = pipeline
            .stages
            .iter()
            .filter(|s| s.id != deal.stage_id)
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        Some((deal, others, stale))
    }) else {
        return ().into_any();
    };
    let id = StoredValue::new(deal.id.clone());
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if !ev.shift_key() || ev.target() != ev.current_target() {
            return;
        }
        let deal_id = id.get_value();
        let target = Nudge::from_key(&ev.key())
            .and_then(|nudge| ctx.ws.with_untracked(|ws| ws.nudge_target(&deal_id, nudge)));
        if let Some((to_stage, index)) = target {
            ev.prevent_default();
            if move_and_announce(ctx, &deal_id, &to_stage, index) {
                focus_card(ctx, &deal_id);
            }
        }
    };
    let on_dragstart = move |ev: web_sys::DragEvent| {
        if let Some(dt) = ev.data_transfer() {
            let _ = dt.set_data(DRAG_TYPE, &id.get_value());
            let _ = dt.set_data("text/plain", &id.get_value());
            dt.set_effect_allowed("move");
        }
    };
    view! {
        <li class="card" class:stale=stale class:sample=deal.sample id=format!("card-{}", deal.id)
            tabindex="0" draggable="true" data-deal-id=deal.id.to_string() aria-describedby="keyboard-help"
            on:keydown=on_keydown on:dragstart=on_dragstart>
            <CardText deal=deal.clone() stale=stale/>
            <CardActions deal_id=deal.id.clone() title=deal.title.clone() stages=stages/>
        </li>
    }
    .into_any()
}

/// Title (which opens the editor), organisation, amount, expected close, next step, days
/// in stage and badges.
#[component]
fn CardText(deal: Deal, stale: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let days = deal.days_in_stage(browser::now());
    let Deal {
        id,
        title,
        organisation,
        amount,
        expected_close,
        next_step,
        sample,
        ..
    } = deal;
    let next = (!next_step.text.is_empty()).then_some(move || {
        let lang = lang.get();
        match next_step.due {
            Some(due) => tf(
                lang,
                "card.next_due",
                &[("text", &next_step.text), ("date", &intl::date(lang, due))],
            ),
            None => tf(lang, "card.next", &[("text", &next_step.text)]),
        }
    });
    view! {
        <h3 class="card-title">
            <button type="button" class="link-button" on:click=move |_| ctx.editing.set(Some(id.clone()))>
                {title}
            </button>
        </h3>
        {(!organisation.is_empty()).then(|| view! { <p class="card-org">{organisation}</p> })}
        <p class="card-amount">{move || intl::money(lang.get(), &amount)}</p>
        {expected_close.map(|date| view! {
            <p class="card-close">
                {move || tf(lang.get(), "card.close", &[("date", &intl::date(lang.get(), date))])}
            </p>
        })}
        {next.map(|text| view! { <p class="card-next">{text}</p> })}
        <p class="card-age">
            {move || intl::tn(lang.get(), "card.days", days, &[])}
            {stale.then(|| view! { " " <span class="badge badge-stale">{move || t(lang.get(), "card.stale")}</span> })}
            {sample.then(|| view! { " " <span class="badge">{move || t(lang.get(), "card.sample")}</span> })}
        </p>
    }
}

/// The "Move to" menu (the other stages) and the Won and Lost buttons.
#[component]
fn CardActions(deal_id: DealId, title: String, stages: Vec<(StageId, String)>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let select_id = format!("move-{deal_id}");
    let id = StoredValue::new(deal_id);
    let on_move = move |ev| {
        let to = event_target_value(&ev);
        let deal_id = id.get_value();
        if !to.is_empty() && move_and_announce(ctx, &deal_id, &StageId::from(to), usize::MAX) {
            focus_card(ctx, &deal_id);
        }
    };
    let won = move |_| {
        let now = browser::now();
        let deal_id = id.get_value();
        if ctx.apply(|ws| ws.mark_won(&deal_id, now)).is_some() {
            let deal = deal_title(ctx, &deal_id);
            ctx.announce(tf(
                lang.get_untracked(),
                "deal.won_announce",
                &[("deal", &deal)],
            ));
        }
    };
    view! {
        <div class="card-actions">
            <label for=select_id.clone() class="sr-only">
                {move || tf(lang.get(), "card.move_label", &[("deal", &title)])}
            </label>
            <select id=select_id class="move-select" on:change=on_move>
                <option value="" selected=true>{move || t(lang.get(), "card.move_to")}</option>
                {stages.into_iter().map(|(sid, name)| view! { <option value=sid.to_string()>{name}</option> }).collect_view()}
            </select>
            <button type="button" class="won" on:click=won>{move || t(lang.get(), "deal.won")}</button>
            <button type="button" class="lost" on:click=move |_| ctx.losing.set(Some(id.get_value()))>
                {move || t(lang.get(), "deal.lost")}
            </button>
        </div>
    }
}
