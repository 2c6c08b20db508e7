//! Pipeline settings: rename, currency, duplicate, delete; stages (rename, add, remove,
//! reorder, probability, stale days, guidance); and the list of lost reasons.

use super::browser;
use super::messages::domain_error_text;
use super::state::Ctx;
use crate::domain::{Currency, DomainError, StageDraft};
use crate::i18n::{t, tf};
use leptos::prelude::*;

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

#[component]
fn StageRow(pipeline_id: String, stage_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let (pid, sid) = (
        StoredValue::new(pipeline_id),
        StoredValue::new(stage_id.clone()),
    );
    let Some(stage) = ctx.ws.with_untracked(|ws| {
        ws.pipeline(&pid.get_value())
            .and_then(|p| p.stage(&sid.get_value()).cloned())
    }) else {
        return ().into_any();
    };
    let name = RwSignal::new(stage.name.clone());
    let probability = RwSignal::new(stage.probability.to_string());
    let rot_days = RwSignal::new(stage.rot_days.to_string());
    let guidance = RwSignal::new(stage.guidance.clone());
    let error = RwSignal::new(None::<String>);
    let removing = RwSignal::new(false);
    let move_to = RwSignal::new(String::new());
    let position = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipeline(&pid.get_value())
                .map(|p| (p.stage_index(&sid.get_value()).unwrap_or(0), p.stages.len()))
                .unwrap_or((0, 0))
        })
    });
    let others = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipeline(&pid.get_value())
                .map(|p| {
                    p.stages
                        .iter()
                        .filter(|s| s.id != sid.get_value())
                        .map(|s| (s.id.clone(), s.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let n_deals = Memo::new(move |_| {
        ctx.ws
            .with(|ws| ws.deals_in_stage_count(&pid.get_value(), &sid.get_value()))
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let (Ok(probability), Ok(rot_days)) = (
            probability.get_untracked().trim().parse::<u8>(),
            rot_days.get_untracked().trim().parse::<u32>(),
        ) else {
            error.set(Some(t(lang, "settings.stage_numbers").to_string()));
            return;
        };
        let draft = StageDraft {
            name: name.get_untracked(),
            guidance: guidance.get_untracked(),
            probability,
            rot_days,
        };
        match ctx.try_apply(|ws| ws.edit_stage(&pid.get_value(), &sid.get_value(), draft)) {
            Ok(()) => {
                error.set(None);
                ctx.announce(tf(
                    lang,
                    "settings.stage_saved",
                    &[("name", name.get_untracked().trim())],
                ));
            }
            Err(err) => error.set(Some(domain_error_text(lang, &err))),
        }
    };
    let shift = move |delta: isize| {
        let (idx, _) = position.get_untracked();
        let Some(target) = idx.checked_add_signed(delta) else {
            return;
        };
        if ctx
            .apply(|ws| ws.reorder_stage(&pid.get_value(), &sid.get_value(), target))
            .is_some()
        {
            let button = if delta < 0 { "up" } else { "down" };
            browser::focus_later(format!("stage-{button}-{}", sid.get_value()));
        }
    };
    let remove = move |_| {
        let lang = lang.get_untracked();
        let now = browser::now();
        let stage_name = name.get_untracked();
        // The rule says whether the stage holds deals; if it does, ask where they go.
        match ctx.try_apply(|ws| ws.remove_stage(&pid.get_value(), &sid.get_value(), None, now)) {
            Ok(_) => ctx.announce(tf(lang, "settings.stage_removed", &[("name", &stage_name)])),
            Err(DomainError::StageHasDeals { .. }) => {
                move_to.set(
                    others
                        .get_untracked()
                        .first()
                        .map(|s| s.0.clone())
                        .unwrap_or_default(),
                );
                removing.set(true);
            }
            Err(err) => ctx.notice.set(Some(domain_error_text(lang, &err))),
        }
    };
    let confirm_remove = move |_| {
        let lang = lang.get_untracked();
        let now = browser::now();
        let target = move_to.get_untracked();
        let stage_name = name.get_untracked();
        if let Some(n) =
            ctx.apply(|ws| ws.remove_stage(&pid.get_value(), &sid.get_value(), Some(&target), now))
        {
            ctx.announce(tf(
                lang,
                "settings.stage_removed_moved",
                &[("name", &stage_name), ("n", &n.to_string())],
            ));
        }
    };
    let sid_str = stage_id;

    view! {
        <li class="stage-row">
            <form on:submit=save>
                <div class="field-row">
                    <div class="field">
                        <label for=format!("stage-name-{sid_str}")>{move || t(lang.get(), "settings.stage_name")}</label>
                        <input id=format!("stage-name-{sid_str}") type="text" prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="field field-narrow">
                        <label for=format!("stage-probability-{sid_str}")>{move || t(lang.get(), "settings.probability")}</label>
                        <input id=format!("stage-probability-{sid_str}") type="number" min="0" max="100" prop:value=move || probability.get()
                            on:input=move |ev| probability.set(event_target_value(&ev))/>
                    </div>
                    <div class="field field-narrow">
                        <label for=format!("stage-rot-{sid_str}")>{move || t(lang.get(), "settings.rot_days")}</label>
                        <input id=format!("stage-rot-{sid_str}") type="number" min="0" prop:value=move || rot_days.get()
                            on:input=move |ev| rot_days.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div class="field">
                    <label for=format!("stage-guidance-{sid_str}")>{move || t(lang.get(), "settings.guidance")}</label>
                    <textarea id=format!("stage-guidance-{sid_str}") rows="2" prop:value=move || guidance.get()
                        on:input=move |ev| guidance.set(event_target_value(&ev))></textarea>
                </div>
                <Show when=move || error.get().is_some()>
                    <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <div class="stage-actions">
                    <button type="submit">{move || t(lang.get(), "settings.save_stage")}</button>
                    <button type="button" id=format!("stage-up-{sid_str}") disabled=move || position.get().0 == 0
                        on:click=move |_| shift(-1)>{move || t(lang.get(), "settings.move_up")}</button>
                    <button type="button" id=format!("stage-down-{sid_str}") disabled=move || { let (i, n) = position.get(); i + 1 >= n }
                        on:click=move |_| shift(1)>{move || t(lang.get(), "settings.move_down")}</button>
                    <button type="button" class="danger" on:click=remove>{move || t(lang.get(), "settings.remove_stage")}</button>
                </div>
            </form>
            <Show when=move || removing.get()>
                <div class="remove-stage" role="group" aria-label=move || t(lang.get(), "settings.remove_stage")>
                    <p>{move || tf(lang.get(), "settings.remove_where", &[("n", &n_deals.get().to_string())])}</p>
                    <label for=format!("stage-move-to-{}", sid.get_value())>{move || t(lang.get(), "settings.move_deals_to")}</label>
                    <select id=format!("stage-move-to-{}", sid.get_value()) on:change=move |ev| move_to.set(event_target_value(&ev))>
                        {move || others.get().into_iter().map(|(id, stage_name)| {
                            let selected = id == move_to.get_untracked();
                            view! { <option value=id selected=selected>{stage_name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" class="danger" on:click=confirm_remove>{move || t(lang.get(), "settings.remove_and_move")}</button>
                    <button type="button" on:click=move |_| removing.set(false)>{move || t(lang.get(), "action.cancel")}</button>
                </div>
            </Show>
        </li>
    }
    .into_any()
}

#[component]
fn LostReasons() -> impl IntoView {
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
