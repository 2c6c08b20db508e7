//! The board: one column per stage with its totals, quick-add and cards. Cards move by
//! drag-and-drop, by their "Move to" menu and by keyboard; all three call
//! `Workspace::move_deal` through `move_and_announce`.

use super::browser;
use super::intl;
use super::state::Ctx;
use crate::domain::board::Nudge;
use crate::domain::money::parse_amount_or_zero;
use crate::domain::totals::{pipeline_totals, stage_totals, CurrencyTotal};
use crate::domain::{DealDraft, Money};
use crate::i18n::{t, tf, Lang};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Cards shown per column before "Show more": keeps a 5,000-deal board quick to render.
const PAGE_SIZE: usize = 100;
const DRAG_TYPE: &str = "application/x-pipewright-deal";

#[component]
pub fn Board() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
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
            ctx.announce(tf(lang, "samples.removed", &[("n", &n.to_string())]));
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
                    {move || tf(lang.get(), "samples.note", &[("n", &n_samples.get().to_string())])}
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
    }
}

/// "kr 10 000 (weighted kr 2 500) · € 300 (weighted € 30)", per currency, never summed.
#[component]
fn TotalsText(#[prop(into)] totals: Signal<Vec<CurrencyTotal>>) -> impl IntoView {
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

/// Moves a deal and tells screen readers where it went. The one path for all three ways
/// of moving a card.
pub fn move_and_announce(ctx: Ctx, deal_id: &str, to_stage: &str, index: usize) -> bool {
    let now = browser::now();
    let moved = ctx
        .apply(|ws| ws.move_deal(deal_id, to_stage, index, now))
        .is_some();
    if moved {
        announce_move(ctx, deal_id, to_stage);
    }
    moved
}

/// "Moved X to Y, position 2 of 5", in the live region.
pub fn announce_move(ctx: Ctx, deal_id: &str, to_stage: &str) {
    let lang = ctx.lang.get_untracked();
    let text = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(deal_id)?;
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stage = pipeline.stage(to_stage)?;
        let column = ws.open_deals_in_stage(&pipeline.id, to_stage);
        let position = column.iter().position(|d| d.id == deal_id)? + 1;
        Some(tf(
            lang,
            "move.announce",
            &[
                ("deal", &deal.title),
                ("stage", &stage.name),
                ("position", &position.to_string()),
                ("count", &column.len().to_string()),
            ],
        ))
    });
    if let Some(text) = text {
        ctx.announce(text);
    }
}

/// Where a dragged card lands (`Workspace::drop_index`): the card under the pointer and
/// whether the pointer is on its lower half.
fn drop_index(
    ctx: Ctx,
    ev: &web_sys::DragEvent,
    pipeline_id: &str,
    stage_id: &str,
    dragged: &str,
) -> usize {
    let over = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-deal-id]").ok().flatten())
        .and_then(|card| {
            let id = card.get_attribute("data-deal-id")?;
            let rect = card.get_bounding_client_rect();
            let lower_half = f64::from(ev.client_y()) > rect.top() + rect.height() / 2.0;
            Some((id, lower_half))
        });
    ctx.ws.with_untracked(|ws| {
        ws.drop_index(
            pipeline_id,
            stage_id,
            dragged,
            over.as_ref().map(|(id, lower)| (id.as_str(), *lower)),
        )
    })
}

#[component]
fn Column(pipeline_id: String, stage_id: String) -> impl IntoView {
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
    let show_guidance = RwSignal::new(false);
    let drag_over = RwSignal::new(false);
    let heading_id = format!("stage-{}", sid.get_value());
    let labelled_by = heading_id.clone();
    let guidance_id = format!("guidance-{}", sid.get_value());

    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        drag_over.set(false);
        let Some(deal_id) = ev
            .data_transfer()
            .and_then(|dt| dt.get_data(DRAG_TYPE).ok())
            .filter(|id| !id.is_empty())
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
            aria-labelledby=labelled_by
            data-stage-id=sid.get_value()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                drag_over.set(true);
            }
            on:dragleave=move |_| drag_over.set(false)
            on:drop=on_drop
        >
            <header class="column-header">
                <div class="column-title">
                    <h2 id=heading_id>{move || stage.get().map(|s| s.0).unwrap_or_default()}</h2>
                    <span class="count" aria-label=move || tf(lang.get(), "column.count_label", &[("n", &cards.with(Vec::len).to_string())])>
                        {move || cards.with(Vec::len)}
                    </span>
                    <button
                        type="button"
                        class="icon-button"
                        aria-expanded=move || show_guidance.get().to_string()
                        aria-controls=guidance_id.clone()
                        on:click=move |_| show_guidance.update(|v| *v = !*v)
                    >
                        {move || t(lang.get(), "column.guidance")}
                    </button>
                </div>
                <p class="column-meta">
                    {move || tf(lang.get(), "column.probability", &[("p", &stage.get().map(|s| s.2).unwrap_or(0).to_string())])}
                </p>
                <p class="column-totals"><TotalsText totals=totals/></p>
                <p class="guidance" id=guidance_id.clone() hidden=move || !show_guidance.get()>
                    {move || {
                        let text = stage.get().map(|s| s.1).unwrap_or_default();
                        if text.is_empty() { t(lang.get(), "column.no_guidance").to_string() } else { text }
                    }}
                </p>
            </header>
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

/// Title and amount are enough to add a deal.
#[component]
fn QuickAdd(pipeline_id: String, stage_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let title = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let title_id = format!("quick-title-{stage_id}");
    let amount_id = format!("quick-amount-{stage_id}");
    let (pid, sid) = (StoredValue::new(pipeline_id), StoredValue::new(stage_id));
    let title_ref = NodeRef::<leptos::html::Input>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let currency = ctx.ws.with_untracked(|ws| {
            ws.pipeline(&pid.get_value())
                .map(|p| p.currency.clone())
                .unwrap_or_else(crate::domain::Currency::nok)
        });
        let minor = match parse_amount_or_zero(
            &amount.get_untracked(),
            &currency,
            lang.decimal_separator(),
        ) {
            Ok(minor) => minor,
            Err(err) => {
                error.set(Some(amount_error_text(lang, &err)));
                return;
            }
        };
        let draft = DealDraft::quick(&title.get_untracked(), Money::new(minor, currency));
        let now = browser::now();
        let id = browser::new_id();
        match ctx.try_apply(|ws| ws.add_deal(&pid.get_value(), &sid.get_value(), id, draft, now)) {
            Ok(_) => {
                ctx.announce(tf(
                    lang,
                    "deal.added",
                    &[("deal", title.get_untracked().trim())],
                ));
                title.set(String::new());
                amount.set(String::new());
                error.set(None);
                if let Some(input) = title_ref.get() {
                    let _ = input.focus();
                }
            }
            Err(err) => error.set(Some(super::state::domain_error_text(lang, &err))),
        }
    };

    view! {
        <form class="quick-add" on:submit=submit>
            <label for=title_id.clone() class="sr-only">{move || t(lang.get(), "quick.title")}</label>
            <input
                id=title_id
                node_ref=title_ref
                type="text"
                autocomplete="off"
                placeholder=move || t(lang.get(), "quick.title")
                prop:value=move || title.get()
                on:input=move |ev| title.set(event_target_value(&ev))
            />
            <label for=amount_id.clone() class="sr-only">{move || t(lang.get(), "quick.amount")}</label>
            <input
                id=amount_id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder=move || t(lang.get(), "quick.amount")
                prop:value=move || amount.get()
                on:input=move |ev| amount.set(event_target_value(&ev))
            />
            <button type="submit">{move || t(lang.get(), "quick.add")}</button>
            <Show when=move || error.get().is_some()>
                <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </form>
    }
}

pub fn amount_error_text(lang: Lang, err: &crate::domain::money::AmountError) -> String {
    use crate::domain::money::AmountError;
    match err {
        AmountError::Empty => t(lang, "amount.empty").to_string(),
        AmountError::NotANumber => t(lang, "amount.not_number").to_string(),
        AmountError::Negative => t(lang, "amount.negative").to_string(),
        AmountError::TooManyDecimals { allowed } => {
            tf(lang, "amount.decimals", &[("n", &allowed.to_string())])
        }
        AmountError::TooLarge => t(lang, "amount.too_large").to_string(),
    }
}

/// A deal on the board. It renders a snapshot: the column's keyed list re-creates a card
/// only when that deal's revision changes, so editing one card leaves the others alone.
#[component]
fn Card(deal_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let now = browser::now();
    let Some((deal, stages, stage_idx)) = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(&deal_id)?.clone();
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stage_idx = pipeline.stage_index(&deal.stage_id)?;
        let stages: Vec<(String, String)> = pipeline
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        Some((deal, stages, stage_idx))
    }) else {
        return ().into_any();
    };
    let stage = ctx.ws.with_untracked(|ws| {
        ws.pipeline(&deal.pipeline_id)
            .and_then(|p| p.stages.get(stage_idx).cloned())
    });
    let stale = stage.as_ref().is_some_and(|s| deal.is_stale(s, now));
    let days = deal.days_in_stage(now);
    let id = StoredValue::new(deal.id.clone());
    let dom_id = format!("card-{}", deal.id);
    let move_select_id = format!("move-{}", deal.id);
    let title = deal.title.clone();
    let amount = deal.amount.clone();
    let expected_close = deal.expected_close;
    let next_step = deal.next_step.clone();
    let organisation = deal.organisation.clone();
    let sample = deal.sample;

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
                browser::focus_later(format!("card-{deal_id}"));
            }
        }
    };

    view! {
        <li
            class="card"
            class:stale=stale
            class:sample=sample
            id=dom_id
            tabindex="0"
            draggable="true"
            data-deal-id=id.get_value()
            aria-describedby="keyboard-help"
            on:keydown=on_keydown
            on:dragstart=move |ev: web_sys::DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data(DRAG_TYPE, &id.get_value());
                    let _ = dt.set_data("text/plain", &id.get_value());
                    dt.set_effect_allowed("move");
                }
            }
        >
            <h3 class="card-title">
                <button type="button" class="link-button" on:click=move |_| ctx.editing.set(Some(id.get_value()))>
                    {title.clone()}
                </button>
            </h3>
            {(!organisation.is_empty()).then(|| view! { <p class="card-org">{organisation.clone()}</p> })}
            <p class="card-amount">{move || intl::money(lang.get(), &amount)}</p>
            {expected_close.map(|date| view! {
                <p class="card-close">
                    {move || tf(lang.get(), "card.close", &[("date", &intl::date(lang.get(), date))])}
                </p>
            })}
            {(!next_step.text.is_empty()).then(|| {
                let next_step = next_step.clone();
                view! {
                    <p class="card-next">
                        {move || {
                            let lang = lang.get();
                            match next_step.due {
                                Some(due) => tf(lang, "card.next_due", &[("text", &next_step.text), ("date", &intl::date(lang, due))]),
                                None => tf(lang, "card.next", &[("text", &next_step.text)]),
                            }
                        }}
                    </p>
                }
            })}
            <p class="card-age">
                {move || tf(lang.get(), "card.days", &[("n", &days.to_string())])}
                {stale.then(|| view! { " " <span class="badge badge-stale">{move || t(lang.get(), "card.stale")}</span> })}
                {sample.then(|| view! { " " <span class="badge">{move || t(lang.get(), "card.sample")}</span> })}
            </p>
            <div class="card-actions">
                <label for=move_select_id.clone() class="sr-only">
                    {move || tf(lang.get(), "card.move_label", &[("deal", &title)])}
                </label>
                <select
                    id=move_select_id
                    class="move-select"
                    on:change=move |ev| {
                        let to = event_target_value(&ev);
                        if to.is_empty() {
                            return;
                        }
                        let deal_id = id.get_value();
                        if move_and_announce(ctx, &deal_id, &to, usize::MAX) {
                            browser::focus_later(format!("card-{deal_id}"));
                        }
                    }
                >
                    <option value="" selected=true>{move || t(lang.get(), "card.move_to")}</option>
                    {stages
                        .into_iter()
                        .enumerate()
                        .filter(|(idx, _)| *idx != stage_idx)
                        .map(|(_, (sid, name))| view! { <option value=sid>{name}</option> })
                        .collect_view()}
                </select>
                <button type="button" class="won" on:click=move |_| {
                    let now = browser::now();
                    let deal_id = id.get_value();
                    if ctx.apply(|ws| ws.mark_won(&deal_id, now)).is_some() {
                        ctx.announce(tf(lang.get_untracked(), "deal.won_announce", &[("deal", &deal_title(ctx, &deal_id))]));
                    }
                }>{move || t(lang.get(), "deal.won")}</button>
                <button type="button" class="lost" on:click=move |_| ctx.losing.set(Some(id.get_value()))>
                    {move || t(lang.get(), "deal.lost")}
                </button>
            </div>
        </li>
    }
    .into_any()
}

pub fn deal_title(ctx: Ctx, deal_id: &str) -> String {
    ctx.ws
        .with_untracked(|ws| ws.deal(deal_id).map(|d| d.title.clone()))
        .unwrap_or_default()
}
