//! Pipeline settings: rename, currency, duplicate, delete; stages (rename, add, remove,
//! reorder, probability, stale days, guidance); and the list of lost reasons.

mod lost_reasons;
mod stage_row;

use super::browser;
use super::state::Ctx;
use crate::domain::{Currency, StageDraft};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use lost_reasons::LostReasons;
use stage_row::StageRow;

#[component]
pub fn PipelineSettings() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let Some(pipeline_id) = ctx.current_pipeline_id() else {
        return ().into_any();
    };
    let pid = StoredValue::new(pipeline_id);
    let pipeline = Memo::new(move |_| ctx.ws.with(|ws| ws.pipeline(&pid.get_value()).cloned()));
    let name = RwSignal::new(pipeline.get_untracked().map(|p| p.name).unwrap_or_default());
    let stage_ids = Memo::new(move |_| {
        pipeline
            .get()
            .map(|p| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });

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
        let question = tf(
            lang,
            "settings.confirm_delete",
            &[("name", &pipeline_name), ("n", &n_deals.to_string())],
        );
        if browser::confirm(&question)
            && ctx
                .apply(|ws| ws.delete_pipeline(&pid.get_value()))
                .is_some()
        {
            ctx.announce(tf(lang, "settings.deleted", &[("name", &pipeline_name)]));
            ctx.screen.set(super::state::Screen::Board);
        }
    };
    let add_stage = move |_| {
        let lang = lang.get_untracked();
        let draft = StageDraft {
            name: t(lang, "settings.new_stage").to_string(),
            guidance: String::new(),
            probability: 50,
            rot_days: 14,
        };
        let stage_id = browser::new_id();
        let focus_id = format!("stage-name-{stage_id}");
        if ctx
            .apply(|ws| ws.add_stage(&pid.get_value(), usize::MAX, stage_id, draft))
            .is_some()
        {
            browser::focus_later(focus_id);
        }
    };

    view! {
        <section class="settings" aria-labelledby="settings-title">
            <h2 id="settings-title">{move || t(lang.get(), "settings.title")}</h2>
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
                    {super::currency_options(&pipeline.get_untracked().map(|p| p.currency.code().to_string()).unwrap_or_default())}
                </select>
            </div>
            <div class="settings-row">
                <button type="button" on:click=duplicate>{move || t(lang.get(), "settings.duplicate")}</button>
                <button type="button" class="danger" on:click=delete>{move || t(lang.get(), "settings.delete")}</button>
                <button type="button" on:click=move |_| ctx.screen.set(super::state::Screen::Board)>{move || t(lang.get(), "settings.back")}</button>
            </div>

            <h3>{move || t(lang.get(), "settings.stages")}</h3>
            <p class="hint">{move || t(lang.get(), "settings.stages_hint")}</p>
            <ol class="stage-list">
                <For each=move || stage_ids.get() key=|id| id.clone() let(stage_id)>
                    <StageRow pipeline_id=pid.get_value() stage_id=stage_id/>
                </For>
            </ol>
            <button type="button" on:click=add_stage>{move || t(lang.get(), "settings.add_stage")}</button>

            <LostReasons/>
        </section>
    }
    .into_any()
}
