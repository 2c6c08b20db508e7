//! The board: one column per stage with its totals, quick-add and cards. Cards move by
//! drag-and-drop, by their "Move to" menu and by keyboard; all three call
//! `Workspace::move_deal` through `move_and_announce`.

mod card;
mod column;
mod menu;
mod quick_add;

use crate::domain::totals::{pipeline_totals, CurrencyTotal};
use crate::domain::{Money, PipelineId, StageId};
use crate::i18n::{t, tf};
use crate::ui::intl;
use crate::ui::state::Ctx;
use column::Column;
use leptos::prelude::*;

/// The data type a dragged card carries: its deal id.
const DRAG_TYPE: &str = "application/x-pipewright-deal";

/// A drop ends the drag: the target is no longer highlighted, the drop zones go, and the
/// dragged card's deal id is read, if it is one of ours.
fn take_drop(
    ev: &web_sys::DragEvent,
    over: RwSignal<bool>,
    dragging: RwSignal<bool>,
) -> Option<crate::domain::DealId> {
    ev.prevent_default();
    over.set(false);
    dragging.set(false);
    ev.data_transfer()
        .and_then(|dt| dt.get_data(DRAG_TYPE).ok())
        .filter(|id| !id.is_empty())
        .map(crate::domain::DealId::from)
}

#[component]
pub fn Board() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    provide_context(menu::BoardUi::new());
    let pipeline_id = Memo::new(move |_| ctx.current_pipeline_id().unwrap_or_default());
    let stage_ids = Memo::new(move |_| {
        let pid = pipeline_id.get();
        ctx.ws.with(|ws| {
            ws.pipeline(&pid)
                .map(|p| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let totals = Memo::new(move |_| {
        let pid = pipeline_id.get();
        ctx.ws.with(|ws| {
            ws.pipeline(&pid)
                .map(|p| pipeline_totals(ws, p))
                .unwrap_or_default()
        })
    });
    let n_samples = Memo::new(move |_| {
        let pid = pipeline_id.get();
        ctx.ws
            .with(|ws| ws.deals_in_pipeline(&pid).filter(|d| d.sample).count())
    });
    // On a narrow screen the board shows one stage at a time, chosen with the stage tabs;
    // a moved card's stage comes into view, so focus can follow the card.
    let chosen = RwSignal::new(None::<StageId>);
    let shown = Memo::new(move |_| {
        let ids = stage_ids.get();
        chosen
            .get()
            .filter(|id| ids.contains(id))
            .or_else(|| ids.first().cloned())
    });
    Effect::new(move |_| {
        let Some(deal_id) = ctx.reveal.get() else {
            return;
        };
        if let Some(stage) = ctx
            .ws
            .with_untracked(|ws| ws.deal(&deal_id).map(|d| d.stage_id.clone()))
        {
            chosen.set(Some(stage));
        }
    });
    provide_context(chosen);
    let remove_samples = move |_| {
        let pid = pipeline_id.get_untracked();
        let lang = lang.get_untracked();
        if let Some(n) = ctx.apply(|ws| Ok(ws.remove_sample_deals(&pid))) {
            ctx.announce(intl::tn(lang, "samples.removed", n, &[]));
            // The button goes with the samples: focus goes to the first quick add.
            crate::ui::browser::focus_first_later(".board .quick-add input");
        }
    };

    view! {
        <div class="board-bar">
            <p class="pipeline-total">
                <span>{move || t(lang.get(), "board.pipeline_total")}" "</span>
                <TotalsText totals=totals/>
            </p>
            <Show when=move || { n_samples.get() > 0 }>
                <p class="sample-note">
                    {move || intl::tn(lang.get(), "samples.note", n_samples.get(), &[])}
                    " "
                    <button type="button" on:click=remove_samples>
                        {move || t(lang.get(), "samples.remove")}
                    </button>
                </p>
            </Show>
            <p class="keyboard-help" id="keyboard-help">{move || t(lang.get(), "board.keyboard_help")}</p>
        </div>
        <StageTabs stage_ids=stage_ids pipeline_id=pipeline_id shown=shown/>
        <div class="board" aria-label=move || t(lang.get(), "board.label") role="region">
            {for_each_stage(stage_ids, move |stage_id| view! {
                <Column pipeline_id=pipeline_id.get_untracked() stage_id=stage_id.clone()
                    shown=Signal::derive(move || shown.get().as_ref() == Some(&stage_id))/>
            }.into_any())}
        </div>
        <menu::CardMenu/>
        <menu::DropZones/>
    }
}

/// One tab per stage, shown on narrow screens only (CSS): the board then shows the chosen
/// stage's column. Arrow keys, Home and End move between tabs, as in any tab list.
#[component]
fn StageTabs(
    stage_ids: Memo<Vec<StageId>>,
    pipeline_id: Memo<PipelineId>,
    shown: Memo<Option<StageId>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let chosen = expect_context::<RwSignal<Option<StageId>>>();
    let lang = ctx.lang;
    let choose = move |id: StageId, focus: bool| {
        if focus {
            crate::ui::browser::focus_later(format!("tab-{id}"));
        }
        chosen.set(Some(id));
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let ids = stage_ids.get_untracked();
        let Some(at) = shown
            .get_untracked()
            .and_then(|id| ids.iter().position(|s| *s == id))
        else {
            return;
        };
        let last = ids.len().saturating_sub(1);
        let next = match ev.key().as_str() {
            "ArrowRight" => (at + 1).min(last),
            "ArrowLeft" => at.saturating_sub(1),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        if let Some(id) = ids.get(next) {
            choose(id.clone(), true);
        }
    };
    view! {
        <div class="stage-tabs" role="tablist" aria-label=move || t(lang.get(), "board.stage_tabs")
            on:keydown=on_keydown>
            {for_each_stage(stage_ids, move |stage_id| {
                let id = StoredValue::new(stage_id.clone());
                let version = ctx.column_version(&stage_id);
                let name = move || {
                    let pid = pipeline_id.get();
                    ctx.ws.with(|ws| {
                        ws.pipeline(&pid)
                            .and_then(|p| p.stage(&id.get_value()))
                            .map(|s| s.name.clone())
                            .unwrap_or_default()
                    })
                };
                let count = move || {
                    version.track();
                    ctx.columns.with_value(|c| c.column(&id.get_value()).len())
                };
                let selected = move || shown.get().as_ref() == Some(&id.get_value());
                view! {
                    <button type="button" role="tab" id=format!("tab-{stage_id}")
                        aria-controls=format!("column-{stage_id}")
                        aria-selected=move || selected().to_string()
                        tabindex=move || if selected() { "0" } else { "-1" }
                        on:click=move |_| choose(id.get_value(), false)>
                        {name}" "<span class="tab-count">{count}</span>
                    </button>
                }
                .into_any()
            })}
        </div>
    }
}

/// One `<For>` over a pipeline's stage ids, keyed by id, shared by the board's columns, its
/// stage tabs and the settings' stage rows: each `<For>` with its own closures is compiled
/// anew (several KB of wasm), so the three take one, with the child view boxed.
pub fn for_each_stage(
    stage_ids: Memo<Vec<StageId>>,
    child: impl Fn(StageId) -> AnyView + Send + Sync + 'static,
) -> AnyView {
    let child: std::sync::Arc<dyn Fn(StageId) -> AnyView + Send + Sync> =
        std::sync::Arc::new(child);
    view! {
        <For each=move || stage_ids.get() key=|id| id.clone() let(stage_id)>
            {child(stage_id)}
        </For>
    }
    .into_any()
}

/// "kr 10 000 (weighted kr 2 500) · € 300 (weighted € 30)", per currency, never summed.
#[component]
pub fn TotalsText(#[prop(into)] totals: Signal<Vec<CurrencyTotal>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let lang = ctx.lang.get();
        let rows = totals.get();
        if rows.is_empty() {
            return intl::money(lang, &Money::new(0, ctx_currency(ctx)));
        }
        rows.iter()
            .map(|row| {
                tf(
                    lang,
                    "totals.row",
                    &[
                        (
                            "total",
                            &intl::money(lang, &Money::new(row.total_minor, row.currency.clone())),
                        ),
                        (
                            "weighted",
                            &intl::money(
                                lang,
                                &Money::new(row.weighted_minor, row.currency.clone()),
                            ),
                        ),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

fn ctx_currency(ctx: Ctx) -> crate::domain::Currency {
    let pid = ctx.current_pipeline_id().unwrap_or_default();
    ctx.ws.with(|ws| {
        ws.pipeline(&pid)
            .map(|p| p.currency.clone())
            .unwrap_or_else(crate::domain::Currency::nok)
    })
}
