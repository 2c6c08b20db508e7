//! One stage's column: its header (name, count, probability, totals, guidance), the
//! quick-add, and its cards; a card dropped on it lands where the pointer says.

use super::card::Card;
use super::quick_add::QuickAdd;
use super::{TotalsText, DRAG_TYPE};
use crate::domain::totals::{stage_totals, CurrencyTotal};
use crate::domain::{DealId, PipelineId, StageId};
use crate::i18n::{t, tf};
use crate::ui::actions::move_and_announce;
use crate::ui::state::Ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Cards shown per column before "Show more": keeps a 5,000-deal board quick to render.
const PAGE_SIZE: usize = 100;

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

#[component]
pub fn Column(pipeline_id: PipelineId, stage_id: StageId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let (pid, sid) = (StoredValue::new(pipeline_id), StoredValue::new(stage_id));
    let stage = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipeline(&pid.get_value())
                .and_then(|p| p.stage(&sid.get_value()))
                .map(|s| (s.name.clone(), s.guidance.clone(), s.probability))
        })
    });
    let cards = Memo::new(move |_| {
        let query = ctx.query.get();
        ctx.ws.with(|ws| {
            ws.open_deals_in_stage(&pid.get_value(), &sid.get_value())
                .into_iter()
                .filter(|d| d.matches(&query))
                .map(|d| (d.id.clone(), d.rev))
                .collect::<Vec<_>>()
        })
    });
    let totals = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipeline(&pid.get_value())
                .map(|p| stage_totals(ws, p, &sid.get_value()))
                .unwrap_or_default()
        })
    });
    let limit = RwSignal::new(PAGE_SIZE);
    let drag_over = RwSignal::new(false);

    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        drag_over.set(false);
        let Some(deal_id) = ev
            .data_transfer()
            .and_then(|dt| dt.get_data(DRAG_TYPE).ok())
            .filter(|id| !id.is_empty())
            .map(DealId::from)
        else {
            return;
        };
        let index = drop_index(ctx, &ev, &pid.get_value(), &sid.get_value(), &deal_id);
        move_and_announce(ctx, &deal_id, &sid.get_value(), index);
    };

    view! {
        <section
            class="column"
            class:drag-over=move || drag_over.get()
            aria-labelledby=format!("stage-{}", sid.get_value())
            data-stage-id=sid.get_value().to_string()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                drag_over.set(true);
            }
            on:dragleave=move |_| drag_over.set(false)
            on:drop=on_drop
        >
            <ColumnHeader stage_id=sid.get_value() stage=stage count=Signal::derive(move || cards.with(Vec::len)) totals=totals/>
            <QuickAdd pipeline_id=pid.get_value() stage_id=sid.get_value()/>
            <ol class="cards" aria-labelledby=format!("stage-{}", sid.get_value())>
                <For
                    each=move || {
                        let limit = limit.get();
                        cards.get().into_iter().take(limit).collect::<Vec<_>>()
                    }
                    key=|card| card.clone()
                    let((deal_id, _rev))
                >
                    <Card deal_id=deal_id/>
                </For>
            </ol>
            <Show when=move || { cards.with(Vec::len) > limit.get() }>
                <button type="button" class="show-more" on:click=move |_| limit.update(|l| *l += PAGE_SIZE)>
                    {move || tf(lang.get(), "column.show_more", &[("n", &(cards.with(Vec::len) - limit.get()).to_string())])}
                </button>
            </Show>
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
                <span class="count" aria-label=move || crate::ui::intl::tn(lang.get(), "column.count_label", count.get(), &[])>
                    {move || count.get()}
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
