//! Pipeline settings: rename, currency, duplicate, delete; stages (rename, add, remove,
//! reorder, probability, stale days, guidance); and the list of lost reasons.

mod lost_reasons;
mod pipeline;
mod stage_row;

use super::browser;
use super::state::Ctx;
use crate::domain::{StageDraft, StageId};
use crate::i18n::t;
use leptos::prelude::*;
use lost_reasons::LostReasons;
use pipeline::PipelineDetails;
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
    let stage_ids = Memo::new(move |_| {
        pipeline
            .get()
            .map(|p| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });

    let add_stage = move |_| {
        let lang = lang.get_untracked();
        let draft = StageDraft {
            name: t(lang, "settings.new_stage").to_string(),
            guidance: String::new(),
            probability: 50,
            rot_days: 14,
        };
        let stage_id = StageId::from(browser::new_id());
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
            <PipelineDetails pipeline_id=pid.get_value()/>

            <h3>{move || t(lang.get(), "settings.stages")}</h3>
            <p class="hint">{move || t(lang.get(), "settings.stages_hint")}</p>
            <ol class="stage-list">
                {super::board::for_each_stage(stage_ids, move |stage_id| {
                    view! { <StageRow pipeline_id=pid.get_value() stage_id=stage_id/> }.into_any()
                })}
            </ol>
            <button type="button" on:click=add_stage>{move || t(lang.get(), "settings.add_stage")}</button>

            <LostReasons/>
        </section>
    }
    .into_any()
}
