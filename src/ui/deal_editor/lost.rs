//! The "mark lost" dialog: a reason from the editable list and an optional note.

use crate::i18n::{t, tf};
use crate::ui::actions::{deal_title, focus_after, focus_after_leaving};
use crate::ui::browser;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// Asks for the reason a deal was lost (from the editable list) and an optional note.
#[component]
pub fn LostDialog() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        ctx.losing
            .get()
            .map(|deal_id| view! { <LostForm deal_id=deal_id/> })
    }
}

/// The dialog for one deal: a component of its own, so what it sets up (its signals, its
/// Escape listener) goes when it closes.
#[component]
fn LostForm(deal_id: crate::domain::DealId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let reasons = ctx.ws.with_untracked(|ws| ws.lost_reasons.clone());
    let reason = RwSignal::new(reasons.first().cloned().unwrap_or_default());
    let note = RwSignal::new(String::new());
    let id = StoredValue::new(deal_id.clone());
    let title = deal_title(ctx, &deal_id);
    browser::focus_later("lost-reason".to_string());
    // Asked now, while the deal is still in its column.
    let after = StoredValue::new(focus_after_leaving(ctx, &deal_id));
    let close = move || {
        let deal_id = id.get_value();
        ctx.losing.set(None);
        // Back to the card if it is still on the board, else to its neighbour.
        let still_open = ctx
            .ws
            .with_untracked(|ws| ws.deal(&deal_id).is_some_and(|d| d.status.is_open()));
        if still_open {
            browser::focus_later(format!("card-{deal_id}"));
        } else {
            focus_after(ctx, after.get_value());
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = browser::now();
        let deal_id = id.get_value();
        let name = deal_title(ctx, &deal_id);
        if ctx
            .apply(|ws| {
                ws.mark_lost(
                    &deal_id,
                    &reason.get_untracked(),
                    &note.get_untracked(),
                    now,
                )
            })
            .is_some()
        {
            ctx.announce(tf(
                lang.get_untracked(),
                "deal.lost_announce",
                &[("deal", &name)],
            ));
            close();
        }
    };
    // Escape closes it wherever focus is: still on the card, before the next frame.
    browser::close_on_escape(close);
    view! {
        <div class="modal-backdrop">
            <div class="modal modal-small" role="dialog" aria-modal="true" aria-labelledby="lost-title">
                <h2 id="lost-title">{move || tf(lang.get(), "lost.title", &[("deal", &title)])}</h2>
                <form on:submit=submit>
                    <div class="field">
                        <label for="lost-reason">{move || t(lang.get(), "lost.reason")}</label>
                        <select id="lost-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                            {reasons.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="lost-note">{move || t(lang.get(), "lost.note")}</label>
                        <textarea id="lost-note" rows="3" prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="modal-actions">
                        <button type="submit" class="primary">{move || t(lang.get(), "lost.confirm")}</button>
                        <button type="button" on:click=move |_| close()>{move || t(lang.get(), "action.cancel")}</button>
                    </div>
                </form>
            </div>
        </div>
    }
}
