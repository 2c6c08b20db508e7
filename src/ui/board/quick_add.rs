//! Title and amount: enough to add a deal at the bottom of a column.

use crate::domain::money::{parse_amount_or_zero, DecimalSeparator};
use crate::domain::{DealDraft, Money};
use crate::domain::{DealId, PipelineId, StageId};
use crate::i18n::{t, tf};
use crate::ui::browser;
use crate::ui::messages::{amount_error_text, domain_error_text};
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// Title and amount are enough to add a deal.
#[component]
pub fn QuickAdd(pipeline_id: PipelineId, stage_id: StageId) -> impl IntoView {
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
            DecimalSeparator::for_lang(lang),
        ) {
            Ok(minor) => minor,
            Err(err) => {
                error.set(Some(amount_error_text(lang, &err)));
                return;
            }
        };
        let draft = DealDraft::quick(&title.get_untracked(), Money::new(minor, currency));
        let now = browser::now();
        let id = DealId::from(browser::new_id());
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
            Err(err) => error.set(Some(domain_error_text(lang, &err))),
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
