//! The editable list a lost deal's reason is chosen from.

use crate::i18n::{t, tf};
use crate::ui::state::Ctx;
use leptos::prelude::*;

#[component]
pub fn LostReasons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let new_reason = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason = new_reason.get_untracked();
        if ctx.apply(|ws| ws.add_lost_reason(&reason)).is_some() {
            new_reason.set(String::new());
        }
    };
    view! {
        <h3>{move || t(lang.get(), "settings.lost_reasons")}</h3>
        <ul class="lost-reasons">
            <For each=move || ctx.ws.with(|ws| ws.lost_reasons.clone()) key=|r| r.clone() let(reason)>
                {
                    let label = reason.clone();
                    view! {
                        <li>
                            <span>{reason.clone()}</span>" "
                            <button type="button" aria-label=move || tf(lang.get(), "settings.remove_reason", &[("reason", &label)])
                                on:click=move |_| { let r = reason.clone(); ctx.apply(move |ws| ws.remove_lost_reason(&r)); }>
                                {move || t(lang.get(), "action.remove")}
                            </button>
                        </li>
                    }
                }
            </For>
        </ul>
        <form class="settings-row" on:submit=add>
            <div class="field">
                <label for="new-lost-reason">{move || t(lang.get(), "settings.add_reason")}</label>
                <input id="new-lost-reason" type="text" prop:value=move || new_reason.get()
                    on:input=move |ev| new_reason.set(event_target_value(&ev))/>
            </div>
            <button type="submit">{move || t(lang.get(), "action.add")}</button>
        </form>
    }
}
