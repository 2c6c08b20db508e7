//! A pipeline's own settings: its name, its currency, and duplicating or deleting it.

use crate::domain::Currency;
use crate::domain::PipelineId;
use crate::i18n::{t, tf};
use crate::ui::browser;
use crate::ui::state::{Ctx, Screen};
use leptos::prelude::*;

#[component]
pub fn PipelineDetails(pipeline_id: PipelineId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let pid = StoredValue::new(pipeline_id);
    let pipeline = Memo::new(move |_| ctx.ws.with(|ws| ws.pipeline(&pid.get_value()).cloned()));
    let name = RwSignal::new(pipeline.get_untracked().map(|p| p.name).unwrap_or_default());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_name = name.get_untracked();
        if ctx
            .apply(|ws| ws.rename_pipeline(&pid.get_value(), &new_name))
            .is_some()
        {
            ctx.announce(tf(
                lang.get_untracked(),
                "settings.renamed",
                &[("name", new_name.trim())],
            ));
        }
    };
    let duplicate = move |_| {
        let lang = lang.get_untracked();
        let source = pipeline.get_untracked().map(|p| p.name).unwrap_or_default();
        let copy_name = tf(lang, "settings.copy_name", &[("name", &source)]);
        let now = browser::now();
        if let Some(copy_id) = ctx.apply(|ws| {
            ws.duplicate_pipeline(&pid.get_value(), &copy_name, now, &mut browser::new_id)
        }) {
            ctx.announce(tf(lang, "settings.duplicated", &[("name", &copy_name)]));
            ctx.open_pipeline(copy_id);
        }
    };
    let delete = move |_| {
        let lang = lang.get_untracked();
        let (pipeline_name, n_deals) = ctx.ws.with_untracked(|ws| {
            (
                ws.pipeline(&pid.get_value())
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                ws.deals_in_pipeline(&pid.get_value()).count(),
            )
        });
        let question = crate::ui::intl::tn(
            lang,
            "settings.confirm_delete",
            n_deals,
            &[("name", &pipeline_name)],
        );
        if browser::confirm(&question)
            && ctx
                .apply(|ws| ws.delete_pipeline(&pid.get_value()))
                .is_some()
        {
            ctx.announce(tf(lang, "settings.deleted", &[("name", &pipeline_name)]));
            ctx.screen.set(Screen::Board);
            browser::focus_later("main".to_string());
        }
    };
    view! {
            <form class="settings-row" on:submit=rename>
                <div class="field">
                    <label for="pipeline-name">{move || t(lang.get(), "settings.name")}</label>
                    <input id="pipeline-name" type="text" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <button type="submit">{move || t(lang.get(), "settings.rename")}</button>
            </form>
            <div class="field settings-row">
                <label for="pipeline-currency">{move || t(lang.get(), "settings.currency")}</label>
                <select id="pipeline-currency" on:change=move |ev| {
                    if let Ok(currency) = Currency::parse(&event_target_value(&ev)) {
                        ctx.apply(|ws| ws.set_pipeline_currency(&pid.get_value(), currency));
                    }
                }>
                    {crate::ui::currency_options(&pipeline.get_untracked().map(|p| p.currency.code().to_string()).unwrap_or_default())}
                </select>
            </div>
            <div class="settings-row">
                <button type="button" on:click=duplicate>{move || t(lang.get(), "settings.duplicate")}</button>
                <button type="button" class="danger" on:click=delete>{move || t(lang.get(), "settings.delete")}</button>
                <button type="button" on:click=move |_| ctx.screen.set(Screen::Board)>{move || t(lang.get(), "settings.back")}</button>
            </div>

    }
}
