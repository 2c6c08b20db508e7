//! One stage's column: its header (name, count, probability, totals, guidance), the
//! quick-add, and its cards; a card dropped on it lands where the pointer says.

use super::card::Card;
use super::quick_add::QuickAdd;
use super::{take_drop, TotalsText};
use crate::domain::totals::{column_totals, CurrencyTotal};
use crate::domain::{DealId, PipelineId, StageId};
use crate::i18n::{t, tf};
use crate::ui::actions::move_and_announce;
use crate::ui::state::Ctx;
use leptos::prelude::request_animation_frame;
use leptos::prelude::*;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

/// Where a dragged card lands (`Workspace::drop_index`): the card under the pointer and
/// whether the pointer is on its lower half.
fn drop_index(
    ctx: Ctx,
    ev: &web_sys::DragEvent,
    pipeline_id: &PipelineId,
    stage_id: &StageId,
    dragged: &DealId,
) -> usize {
    let over = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-deal-id]").ok().flatten())
        .and_then(|card| {
            let id = DealId::from(card.get_attribute("data-deal-id")?);
            let rect = card.get_bounding_client_rect();
            let lower_half = f64::from(ev.client_y()) > rect.top() + rect.height() / 2.0;
            Some((id, lower_half))
        });
    ctx.ws.with_untracked(|ws| {
        ws.drop_index(
            pipeline_id,
            stage_id,
            dragged,
            over.as_ref().map(|(id, lower)| (id, *lower)),
        )
    })
}

/// Cards drawn beyond each edge of the visible part of a column, so a quick scroll or a
/// keyboard move finds its neighbours already there.
const OVERSCAN: usize = 6;
/// A first guess of one card's height plus the gap, in CSS pixels, until a card is measured.
const PITCH_GUESS: f64 = 120.0;

#[component]
pub fn Column(
    pipeline_id: PipelineId,
    stage_id: StageId,
    /// This stage's tab is chosen: the one column a narrow screen shows.
    #[prop(into)]
    shown: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (pid, sid) = (StoredValue::new(pipeline_id), StoredValue::new(stage_id));
    let version = ctx.column_version(&sid.get_value());
    let stage = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipeline(&pid.get_value())
                .and_then(|p| p.stage(&sid.get_value()))
                .map(|s| (s.name.clone(), s.guidance.clone(), s.probability))
        })
    });
    // This column's cards, from the index: recomputed when this column changes or the
    // search does, never because another column did.
    let cards = {
        let version = version.clone();
        Memo::new(move |_| {
            version.track();
            let query = ctx.query.get();
            ctx.columns.with_value(|columns| {
                ctx.ws.with_untracked(|ws| {
                    columns
                        .column(&sid.get_value())
                        .iter()
                        .filter(|e| {
                            query.is_empty()
                                || columns.deal(ws, &e.id).is_some_and(|d| d.matches(&query))
                        })
                        .map(|e| (e.id.clone(), e.rev))
                        .collect::<Vec<_>>()
                })
            })
        })
    };
    let totals = Memo::new(move |_| {
        version.track();
        ctx.ws.with_untracked(|ws| {
            let Some(stage) = ws
                .pipeline(&pid.get_value())
                .and_then(|p| p.stage(&sid.get_value()))
            else {
                return Vec::new();
            };
            ctx.columns.with_value(|columns| {
                let deals = columns
                    .column(&sid.get_value())
                    .iter()
                    .filter_map(|e| columns.deal(ws, &e.id));
                column_totals(deals, stage)
            })
        })
    });
    let drag_over = RwSignal::new(false);

    // Virtual scrolling: the column scrolls; only the cards in view (and a few more) are in
    // the page, with padding standing in for the rest.
    let column_ref = NodeRef::<leptos::html::Section>::new();
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    let view_top = RwSignal::new(0.0_f64);
    let view_height = RwSignal::new(1200.0_f64);
    let pitch = RwSignal::new(PITCH_GUESS);
    // Runs from a scroll event or the next frame: the column may be gone by then (another
    // pipeline, another screen), so nothing here may assume its signals still exist.
    let measure = move || {
        let (Some(column), Some(list)) = (
            column_ref.try_get_untracked().flatten(),
            list_ref.try_get_untracked().flatten(),
        ) else {
            return;
        };
        view_top.try_set((f64::from(column.scroll_top()) - f64::from(list.offset_top())).max(0.0));
        view_height.try_set(f64::from(column.client_height()).max(1.0));
        if let Some(card) = list
            .query_selector("li.card")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let gap = web_sys::window()
                .and_then(|w| w.get_computed_style(&list).ok().flatten())
                .and_then(|style| style.get_property_value("row-gap").ok())
                // The browser's parseFloat, not str::parse::<f64>: Rust's float parser and
                // its tables are about 14 KB of wasm. The value is "normal" or "12px".
                .map(|gap| js_sys::parse_float(gap.trim_end_matches("px")))
                .filter(|gap| gap.is_finite())
                .unwrap_or(0.0);
            let height = f64::from(card.offset_height());
            if height > 0.0 {
                pitch.try_set(height + gap);
            }
        }
    };
    let range = Memo::new(move |_| {
        let n = cards.with(Vec::len);
        let pitch = pitch.get().max(1.0);
        let first = ((view_top.get() / pitch) as usize).saturating_sub(OVERSCAN);
        let last =
            (((view_top.get() + view_height.get()) / pitch).ceil() as usize + OVERSCAN).min(n);
        (first.min(last), last)
    });
    // Where each drawn card is in its column, for screen readers (aria-posinset): a
    // column draws only some of its cards, so the list alone cannot tell.
    let positions = Memo::new(move |_| {
        let (first, last) = range.get();
        cards.with(|list| {
            list.get(first..last)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id.clone(), first + i + 1))
                .collect::<HashMap<DealId, usize>>()
        })
    });
    let set_size = Signal::derive(move || cards.with(Vec::len));
    Effect::new(move |_| {
        // Once mounted (and whenever the list changes size), measure the real geometry.
        cards.track();
        request_animation_frame(measure);
    });
    // A card just moved into this column is scrolled into view, so focus can go to it.
    Effect::new(move |_| {
        let Some(id) = ctx.reveal.get() else {
            return;
        };
        let Some(index) = cards.with(|list| list.iter().position(|(d, _)| *d == id)) else {
            return;
        };
        let (Some(column), Some(list)) = (column_ref.get_untracked(), list_ref.get_untracked())
        else {
            return;
        };
        let pitch = pitch.get_untracked();
        let top = f64::from(list.offset_top()) + index as f64 * pitch;
        let scroll = f64::from(column.scroll_top());
        let height = f64::from(column.client_height());
        if top < scroll || top + pitch > scroll + height {
            let to = (top - height / 2.0).max(0.0);
            column.set_scroll_top(to as i32);
            measure();
        }
    });

    let dragging = expect_context::<super::menu::BoardUi>().dragging;
    let on_drop = move |ev: web_sys::DragEvent| {
        let Some(deal_id) = take_drop(&ev, drag_over, dragging) else {
            return;
        };
        let index = drop_index(ctx, &ev, &pid.get_value(), &sid.get_value(), &deal_id);
        move_and_announce(ctx, &deal_id, &sid.get_value(), index);
    };

    view! {
        <section
            class="column"
            id=format!("column-{}", sid.get_value())
            class:shown=move || shown.get()
            class:drag-over=move || drag_over.get()
            aria-labelledby=format!("stage-{}", sid.get_value())
            data-stage-id=sid.get_value().to_string()
            node_ref=column_ref
            on:scroll=move |_| measure()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                drag_over.set(true);
            }
            on:dragleave=move |_| drag_over.set(false)
            on:drop=on_drop
        >
            <ColumnHeader stage_id=sid.get_value() stage=stage count=Signal::derive(move || cards.with(Vec::len)) totals=totals/>
            <QuickAdd pipeline_id=pid.get_value() stage_id=sid.get_value()/>
            <ol
                class="cards"
                node_ref=list_ref
                aria-labelledby=format!("stage-{}", sid.get_value())
                style:padding-top=move || format!("{}px", crate::ui::intl::plain(range.get().0 as f64 * pitch.get()))
                style:padding-bottom=move || {
                    let (_, last) = range.get();
                    format!(
                        "{}px",
                        crate::ui::intl::plain(cards.with(Vec::len).saturating_sub(last) as f64 * pitch.get())
                    )
                }
            >
                <For
                    each=move || {
                        let (first, last) = range.get();
                        cards.with(|list| list.get(first..last).map(<[_]>::to_vec).unwrap_or_default())
                    }
                    key=|card| card.clone()
                    let((deal_id, _rev))
                >
                    <Card deal_id=deal_id.clone()
                        position=Signal::derive(move || positions.with(|p| p.get(&deal_id).copied()))
                        set_size=set_size/>
                </For>
            </ol>
        </section>
    }
}

/// The stage's name, count of open deals, probability, totals, and its guidance from the
/// article behind a toggle.
#[component]
fn ColumnHeader(
    stage_id: StageId,
    stage: Memo<Option<(String, String, u8)>>,
    count: Signal<usize>,
    totals: Memo<Vec<CurrencyTotal>>,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let show_guidance = RwSignal::new(false);
    let guidance_id = format!("guidance-{stage_id}");
    let guidance = move || {
        let text = stage.get().map(|s| s.1).unwrap_or_default();
        if text.is_empty() {
            t(lang.get(), "column.no_guidance").to_string()
        } else {
            text
        }
    };
    view! {
        <header class="column-header">
            <div class="column-title">
                <h2 id=format!("stage-{stage_id}")>{move || stage.get().map(|s| s.0).unwrap_or_default()}</h2>
                // The number is seen, its sentence ("3 open deals") is heard: ARIA does not
                // let a plain span carry a label.
                <span class="count">
                    <span aria-hidden="true">{move || count.get()}</span>
                    <span class="sr-only">{move || crate::ui::intl::tn(lang.get(), "column.count_label", count.get(), &[])}</span>
                </span>
                <button type="button" class="icon-button" aria-expanded=move || show_guidance.get().to_string()
                    aria-controls=guidance_id.clone() on:click=move |_| show_guidance.update(|v| *v = !*v)>
                    {move || t(lang.get(), "column.guidance")}
                </button>
            </div>
            <p class="column-meta">
                {move || tf(lang.get(), "column.probability", &[("p", &stage.get().map(|s| s.2).unwrap_or(0).to_string())])}
            </p>
            <p class="column-totals"><TotalsText totals=totals/></p>
            <p class="guidance" id=guidance_id hidden=move || !show_guidance.get()>{guidance}</p>
        </header>
    }
}
