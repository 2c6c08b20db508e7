//! Won and lost deals leave the board; this list shows them on request and reopens them.

use super::actions::deal_title;
use super::browser;
use super::intl;
use super::state::Ctx;
use crate::domain::{Deal, DealStatus};
use crate::i18n::{t, tf};
use leptos::prelude::*;

#[component]
pub fn ClosedDeals() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let open = RwSignal::new(false);
    let n_closed = Memo::new(move |_| {
        let pid = ctx.current_pipeline_id().unwrap_or_default();
        let query = ctx.query.get();
        ctx.ws.with(|ws| {
            ws.deals_in_pipeline(&pid)
                .filter(|d| !d.status.is_open() && d.matches(&query))
                .count()
        })
    });
    // The rows are built only while the list is open: a big pipeline's closed deals are
    // not cloned on every change to the board.
    let closed = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        let pid = ctx.current_pipeline_id().unwrap_or_default();
        let query = ctx.query.get();
        ctx.ws.with(|ws| {
            let mut deals: Vec<_> = ws
                .deals_in_pipeline(&pid)
                .filter(|d| !d.status.is_open() && d.matches(&query))
                .cloned()
                .collect();
            crate::domain::sort::sort_stable_by_key(&mut deals, |d| {
                std::cmp::Reverse(d.updated_at)
            });
            deals
        })
    });
    view! {
        <section class="closed" aria-labelledby="closed-title">
            <h2 id="closed-title" class="closed-heading">
                <button type="button" aria-expanded=move || open.get().to_string() aria-controls="closed-list"
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || tf(lang.get(), "closed.toggle", &[("n", &n_closed.get().to_string())])}
                </button>
            </h2>
            <div id="closed-list" hidden=move || !open.get()>
                <table class="closed-table">
                    <thead><tr>
                        <th scope="col">{move || t(lang.get(), "deal.title")}</th>
                        <th scope="col">{move || t(lang.get(), "deal.organisation")}</th>
                        <th scope="col">{move || t(lang.get(), "closed.outcome")}</th>
                        <th scope="col">{move || t(lang.get(), "deal.amount")}</th>
                        <th scope="col">{move || t(lang.get(), "closed.date")}</th>
                        <th scope="col"><span class="sr-only">{move || t(lang.get(), "closed.actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || closed.get() key=|d| (d.id.clone(), d.rev) let(deal)>
                            <ClosedRow deal=deal/>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One closed deal: title (opens the editor), organisation, outcome, amount, close date,
/// and Reopen.
#[component]
fn ClosedRow(deal: Deal) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let id = StoredValue::new(deal.id.clone());
    let Deal {
        title,
        organisation,
        amount,
        status,
        ..
    } = deal;
    let at = match &status {
        DealStatus::Won { at } | DealStatus::Lost { at, .. } => Some(at.date_naive()),
        DealStatus::Open => None,
    };
    let outcome = move || match &status {
        DealStatus::Won { .. } => t(lang.get(), "status.won").to_string(),
        DealStatus::Lost { reason, .. } => {
            tf(lang.get(), "status.lost_reason", &[("reason", reason)])
        }
        DealStatus::Open => String::new(),
    };
    let reopen = move |_| {
        let deal_id = id.get_value();
        let now = browser::now();
        if ctx.apply(|ws| ws.reopen(&deal_id, now)).is_some() {
            ctx.announce(tf(
                lang.get_untracked(),
                "deal.reopened",
                &[("deal", &deal_title(ctx, &deal_id))],
            ));
        }
    };
    view! {
        <tr data-deal-id=id.get_value().to_string()>
            <td>
                <button type="button" class="link-button" on:click=move |_| ctx.editing.set(Some(id.get_value()))>
                    {title}
                </button>
            </td>
            <td>{organisation}</td>
            <td>{outcome}</td>
            <td>{move || intl::money(lang.get(), &amount)}</td>
            <td>{move || at.map(|d| intl::date(lang.get(), d)).unwrap_or_default()}</td>
            <td><button type="button" on:click=reopen>{move || t(lang.get(), "deal.reopen")}</button></td>
        </tr>
    }
}
