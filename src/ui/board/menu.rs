//! A card's actions menu (Edit, Move to a stage, Won, Lost), drawn once for the board and
//! placed beside the card's button, and the Won and Lost drop zones shown while a card is
//! dragged. Both call the same rules as the deal editor.

use crate::domain::{DealId, StageId};
use crate::i18n::{t, tf};
use crate::ui::actions::{
    deal_title, focus_after, focus_after_leaving, focus_card, move_and_announce,
};
use crate::ui::browser;
use crate::ui::state::Ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::take_drop;

/// The board's passing state: which card's menu is open, and whether a card is dragged.
#[derive(Clone, Copy)]
pub struct BoardUi {
    pub menu: RwSignal<Option<MenuAt>>,
    pub dragging: RwSignal<bool>,
}

impl BoardUi {
    pub fn new() -> Self {
        BoardUi {
            menu: RwSignal::new(None),
            dragging: RwSignal::new(false),
        }
    }
}

/// An open menu: whose it is and where it goes, in viewport pixels.
#[derive(Clone, PartialEq)]
pub struct MenuAt {
    pub deal_id: DealId,
    /// Distance from the viewport's top (opening down) or bottom (opening up).
    top: Option<f64>,
    bottom: Option<f64>,
    right: f64,
}

/// Below this much room under the button, the menu opens upwards.
const ROOM_BELOW: f64 = 280.0;

impl MenuAt {
    pub fn below(deal_id: DealId, button: &web_sys::DomRect) -> Self {
        let (width, height) = web_sys::window()
            .map(|w| {
                let size = |v: Result<wasm_bindgen::JsValue, _>| {
                    v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
                };
                (size(w.inner_width()), size(w.inner_height()))
            })
            .unwrap_or_default();
        let right = (width - button.right()).max(4.0);
        if height - button.bottom() < ROOM_BELOW && button.top() > height - button.bottom() {
            MenuAt {
                deal_id,
                top: None,
                bottom: Some(height - button.top() + 4.0),
                right,
            }
        } else {
            MenuAt {
                deal_id,
                top: Some(button.bottom() + 4.0),
                bottom: None,
                right,
            }
        }
    }
}

fn px(v: Option<f64>) -> String {
    v.map(|v| format!("{}px", crate::ui::intl::plain(v)))
        .unwrap_or_else(|| "auto".to_string())
}

/// The open card's menu, if any.
#[component]
pub fn CardMenu() -> impl IntoView {
    let ui = expect_context::<BoardUi>();
    move || ui.menu.get().map(|at| view! { <MenuPanel at=at/> })
}

#[component]
fn MenuPanel(at: MenuAt) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ui = expect_context::<BoardUi>();
    let lang = ctx.lang;
    let Some((title, stages)) = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(&at.deal_id)?;
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let others: Vec<(StageId, String)> = pipeline
            .stages
            .iter()
            .filter(|s| s.id != deal.stage_id)
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        Some((deal.title.clone(), others))
    }) else {
        return ().into_any();
    };
    let id = StoredValue::new(at.deal_id.clone());
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(menu) = menu_ref.get_untracked() else {
            return Vec::new();
        };
        let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    };
    // Opening puts focus on the first item, as a menu button does.
    request_animation_frame(move || {
        if let Some(first) = items().first() {
            let _ = first.focus();
        }
    });
    let close = move |back_to_button: bool| {
        ui.menu.set(None);
        if back_to_button {
            browser::focus_later(format!("actions-{}", id.get_value()));
        }
    };
    // Escape closes the menu wherever focus is: it may still be on the button.
    browser::close_on_escape(move || close(true));
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" || key == "Tab" {
            ev.prevent_default();
            close(true);
            return;
        }
        let items = items();
        if items.is_empty() {
            return;
        }
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let at = active.and_then(|a| items.iter().position(|i| **i == a));
        let last = items.len() - 1;
        let next = match key.as_str() {
            "ArrowDown" => at.map_or(0, |i| if i == last { 0 } else { i + 1 }),
            "ArrowUp" => at.map_or(last, |i| if i == 0 { last } else { i - 1 }),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        let _ = items[next].focus();
    };
    let edit = move |_| {
        close(false);
        ctx.editing.set(Some(id.get_value()));
    };
    let won = move |_| {
        close(false);
        mark_won(ctx, &id.get_value());
    };
    let lost = move |_| {
        close(false);
        ctx.losing.set(Some(id.get_value()));
    };
    let move_label = move || t(lang.get(), "card.move_to");
    view! {
        <div class="menu-backdrop" on:click=move |_| close(true)></div>
        <div class="card-menu" role="menu" node_ref=menu_ref
            aria-label=move || tf(lang.get(), "card.actions_label", &[("deal", &title)])
            style:top=px(at.top) style:bottom=px(at.bottom) style:right=format!("{}px", crate::ui::intl::plain(at.right))
            on:keydown=on_keydown>
            <button type="button" role="menuitem" tabindex="-1" on:click=edit>
                {move || t(lang.get(), "card.edit")}
            </button>
            <div role="group" aria-label=move_label class="menu-group">
                <span class="menu-label" aria-hidden="true">{move_label}</span>
                {stages.into_iter().map(|(stage_id, name)| {
                    let to = StoredValue::new(stage_id);
                    view! {
                        <button type="button" role="menuitem" tabindex="-1" class="menu-stage"
                            on:click=move |_| {
                                close(false);
                                let deal_id = id.get_value();
                                if move_and_announce(ctx, &deal_id, &to.get_value(), usize::MAX) {
                                    focus_card(ctx, &deal_id);
                                } else {
                                    browser::focus_later(format!("actions-{deal_id}"));
                                }
                            }>
                            {name}
                        </button>
                    }
                }).collect_view()}
            </div>
            <button type="button" role="menuitem" tabindex="-1" class="won" on:click=won>
                {move || t(lang.get(), "deal.won")}
            </button>
            <button type="button" role="menuitem" tabindex="-1" class="lost" on:click=lost>
                {move || t(lang.get(), "deal.lost")}
            </button>
        </div>
    }
    .into_any()
}

/// Marks a deal won from the board, says so, and puts focus on its neighbour.
fn mark_won(ctx: Ctx, deal_id: &DealId) {
    let next = focus_after_leaving(ctx, deal_id);
    let now = browser::now();
    if ctx.apply(|ws| ws.mark_won(deal_id, now)).is_some() {
        let deal = deal_title(ctx, deal_id);
        ctx.announce(tf(
            ctx.lang.get_untracked(),
            "deal.won_announce",
            &[("deal", &deal)],
        ));
        focus_after(ctx, next);
    }
}

/// Won and Lost drop zones at the bottom of the board while a card is dragged. The menu
/// and the editor do the same by keyboard.
#[component]
pub fn DropZones() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ui = expect_context::<BoardUi>();
    let lang = ctx.lang;
    let zone = move |won: bool| {
        let over = RwSignal::new(false);
        let on_drop = move |ev: web_sys::DragEvent| {
            let Some(deal_id) = take_drop(&ev, over, ui.dragging) else {
                return;
            };
            if won {
                mark_won(ctx, &deal_id);
            } else {
                ctx.losing.set(Some(deal_id));
            }
        };
        let key = if won {
            "board.drop_won"
        } else {
            "board.drop_lost"
        };
        view! {
            <div class="drop-zone" class:won=won class:lost=!won class:drag-over=move || over.get()
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragleave=move |_| over.set(false)
                on:drop=on_drop>
                {move || t(lang.get(), key)}
            </div>
        }
    };
    view! {
        <div class="drop-zones" hidden=move || !ui.dragging.get()>
            {zone(true)}
            {zone(false)}
        </div>
    }
}
