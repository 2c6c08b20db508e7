//! The board: one column per stage with its totals, quick-add and cards. Cards move by
//! drag-and-drop, by their "Move to" menu and by keyboard; all three call
//! `Workspace::move_deal` through `move_and_announce`.

mod card;
mod column;
mod menu;
mod quick_add;

use crate::domain::totals::{pipeline_totals, CurrencyTotal};
use crate::domain::Money;
use crate::i18n::{t, tf};
use crate::ui::intl;
use crate::ui::state::Ctx;
use column::Column;
use leptos::prelude::*;

/// The data type a dragged card carries: its deal id.
const DRAG_TYPE: &str = "application/x-pipewright-deal";

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
    let remove_samples = move |_| {
        let pid = pipeline_id.get_untracked();
        let lang = lang.get_untracked();
        if let Some(n) = ctx.apply(|ws| Ok(ws.remove_sample_deals(&pid))) {
            ctx.announce(intl::tn(lang, "samples.removed", n, &[]));
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
        <div class="board" aria-label=move || t(lang.get(), "board.label") role="region">
            <For each=move || stage_ids.get() key=|id| id.clone() let(stage_id)>
                <Column pipeline_id=pipeline_id.get_untracked() stage_id=stage_id/>
            </For>
        </div>
        <menu::CardMenu/>
        <menu::DropZones/>
    }
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
