//! A card on the board: what a deal is at a glance (title, organisation, amount, expected
//! close, badges) and one actions button. The title opens the editor; the card moves by
//! drag, by Shift+arrow keys or by its actions menu (`menu.rs`), which also closes it.

use super::menu::{BoardUi, MenuAt};
use super::DRAG_TYPE;
use crate::domain::board::Nudge;
use crate::domain::Deal;
use crate::domain::DealId;
use crate::i18n::{t, tf};
use crate::ui::actions::{focus_card, move_and_announce};
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// What a card shows besides the deal's own fields.
#[derive(Clone, Copy)]
struct Badges {
    stale: bool,
    overdue: bool,
}

/// A deal on the board. It renders a snapshot: the column's keyed list re-creates a card
/// only when that deal's revision changes, so editing one card leaves the others alone.
/// At most 10 elements: the item, title heading and button, organisation, amount, the
/// close date with up to three badges, and the actions button.
#[component]
pub fn Card(
    deal_id: DealId,
    /// Its place in the column, counting cards not drawn (1 = top).
    #[prop(into)]
    position: Signal<Option<usize>>,
    /// How many cards the column has.
    #[prop(into)]
    set_size: Signal<usize>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ui = expect_context::<BoardUi>();
    let now = browser::now();
    let Some((deal, badges)) = ctx.ws.with_untracked(|ws| {
        // By the column index (a look-up), or by a search should the index not have it
        // yet: a board of 10,000 deals draws each card without reading them all.
        let deal = ctx
            .columns
            .with_value(|columns| columns.deal(ws, &deal_id).cloned())
            .or_else(|| ws.deal(&deal_id).cloned())?;
        let stage = ws.pipeline(&deal.pipeline_id)?.stage(&deal.stage_id)?;
        let badges = Badges {
            stale: deal.is_stale(stage, now),
            overdue: deal.is_overdue(now.date_naive()),
        };
        Some((deal, badges))
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
        // The Won and Lost drop zones appear after the drag has begun: changing the page
        // inside `dragstart` can cancel the drag.
        let dragging = ui.dragging;
        request_animation_frame(move || {
            dragging.try_set(true);
        });
    };
    let on_dragend = move |_: web_sys::DragEvent| {
        ui.dragging.try_set(false);
    };
    let menu_button_id = format!("actions-{}", deal.id);
    let open_menu = move |ev: web_sys::MouseEvent| {
        let deal_id = id.get_value();
        if ui
            .menu
            .with_untracked(|m| m.as_ref().is_some_and(|m| m.deal_id == deal_id))
        {
            ui.menu.set(None);
            return;
        }
        let rect = ev
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.get_bounding_client_rect());
        if let Some(rect) = rect {
            ui.menu.set(Some(MenuAt::below(deal_id, &rect)));
        }
    };
    let lang = ctx.lang;
    let title = deal.title.clone();
    let (card_id, data_id, sample) = (
        format!("card-{}", deal.id),
        deal.id.to_string(),
        deal.sample,
    );
    let expanded = move || {
        ui.menu
            .with(|m| m.as_ref().is_some_and(|m| m.deal_id == id.get_value()))
            .to_string()
    };
    view! {
        <li class="card" class:stale=badges.stale class:overdue=badges.overdue class:sample=sample
            id=card_id
            tabindex="0" draggable="true" data-deal-id=data_id aria-describedby="keyboard-help"
            aria-posinset=move || position.get() aria-setsize=move || set_size.get()
            on:keydown=on_keydown on:dragstart=on_dragstart on:dragend=on_dragend>
            <CardText deal=deal badges=badges/>
            <button type="button" class="card-menu-button" id=menu_button_id
                aria-haspopup="menu" aria-expanded=expanded
                aria-label=move || tf(lang.get(), "card.actions_label", &[("deal", &title)])
                on:click=open_menu>
                "⋯"
            </button>
        </li>
    }
    .into_any()
}

/// Title (which opens the editor), organisation, amount, and the expected close with the
/// badges (at most two lines).
#[component]
fn CardText(deal: Deal, badges: Badges) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let Deal {
        id,
        title,
        organisation,
        amount,
        expected_close,
        sample,
        ..
    } = deal;
    let meta = move || {
        expected_close.map(|date| {
            let lang = lang.get();
            tf(lang, "card.close", &[("date", &intl::date(lang, date))])
        })
    };
    let badge = move |on: bool, class: &'static str, key: &'static str| {
        on.then(|| view! { " " <span class=class>{move || t(lang.get(), key)}</span> })
    };
    view! {
        <h3 class="card-title">
            <button type="button" class="link-button" on:click=move |_| ctx.editing.set(Some(id.clone()))>
                {title}
            </button>
        </h3>
        {(!organisation.is_empty()).then(|| view! { <p class="card-org">{organisation}</p> })}
        <p class="card-amount">{move || intl::money(lang.get(), &amount)}</p>
        <p class="card-meta">
            {meta}
            {badge(badges.overdue, "badge badge-overdue", "card.overdue")}
            {badge(badges.stale, "badge badge-stale", "card.stale")}
            {badge(sample, "badge", "card.sample")}
        </p>
    }
}
