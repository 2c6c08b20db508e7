//! One stage in the pipeline's settings: its fields, its place in the order, and its
//! removal (asking where its deals go when it holds any).

use crate::domain::{DomainError, Stage, StageDraft};
use crate::domain::{PipelineId, StageId};
use crate::i18n::{t, tf};
use crate::ui::browser;
use crate::ui::messages::domain_error_text;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// One stage of one pipeline, and what its row does to it. Every action is one rule.
#[derive(Clone, Copy)]
struct StageHandle {
    ctx: Ctx,
    pid: StoredValue<PipelineId>,
    sid: StoredValue<StageId>,
    fields: StageFields,
    error: RwSignal<Option<String>>,
    /// The "where do its deals go" question is open, with the chosen target.
    removing: RwSignal<bool>,
    move_to: RwSignal<String>,
}

impl StageHandle {
    fn save(self) {
        let lang = self.ctx.lang.get_untracked();
        let Some(draft) = self.fields.draft() else {
            self.error
                .set(Some(t(lang, "settings.stage_numbers").to_string()));
            return;
        };
        let name = draft.name.trim().to_string();
        match self
            .ctx
            .try_apply(|ws| ws.edit_stage(&self.pid.get_value(), &self.sid.get_value(), draft))
        {
            Ok(()) => {
                self.error.set(None);
                self.ctx
                    .announce(tf(lang, "settings.stage_saved", &[("name", &name)]));
            }
            Err(err) => self.error.set(Some(domain_error_text(lang, &err))),
        }
    }

    /// Moves the stage `delta` places in the board order and keeps focus on the button.
    fn shift(self, index: usize, delta: isize) {
        let Some(target) = index.checked_add_signed(delta) else {
            return;
        };
        if self
            .ctx
            .apply(|ws| ws.reorder_stage(&self.pid.get_value(), &self.sid.get_value(), target))
            .is_some()
        {
            let button = if delta < 0 { "up" } else { "down" };
            browser::focus_later(format!("stage-{button}-{}", self.sid.get_value()));
        }
    }

    /// Removes the stage; the rule says whether it holds deals, and if it does the row asks
    /// where they go (first choice: `first_other`).
    fn remove(self, target: Option<StageId>, first_other: Option<StageId>) {
        let lang = self.ctx.lang.get_untracked();
        let now = browser::now();
        let name = self.fields.name.get_untracked();
        // The row goes: focus moves to the next stage's name (or the one before).
        let neighbour = self.ctx.ws.with_untracked(|ws| {
            let stages = &ws.pipeline(&self.pid.get_value())?.stages;
            let at = stages.iter().position(|s| s.id == self.sid.get_value())?;
            stages
                .get(at + 1)
                .or_else(|| at.checked_sub(1).and_then(|i| stages.get(i)))
                .map(|s| format!("stage-name-{}", s.id))
        });
        let result = self.ctx.try_apply(|ws| {
            ws.remove_stage(
                &self.pid.get_value(),
                &self.sid.get_value(),
                target.as_ref(),
                now,
            )
        });
        if result.is_ok() {
            if let Some(id) = neighbour {
                browser::focus_later(id);
            }
        }
        match result {
            Ok(n) if target.is_some() => self.ctx.announce(crate::ui::intl::tn(
                lang,
                "settings.stage_removed_moved",
                n,
                &[("name", &name)],
            )),
            Ok(_) => self
                .ctx
                .announce(tf(lang, "settings.stage_removed", &[("name", &name)])),
            Err(DomainError::StageHasDeals { .. }) if target.is_none() => {
                self.move_to
                    .set(first_other.map(StageId::into_string).unwrap_or_default());
                self.removing.set(true);
            }
            Err(err) => self.ctx.notice.set(Some(domain_error_text(lang, &err))),
        }
    }
}

#[component]
pub fn StageRow(pipeline_id: PipelineId, stage_id: StageId) -> impl IntoView {
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
    let fields = StageFields::of(&stage);
    let (error, removing, move_to) = (
        RwSignal::new(None),
        RwSignal::new(false),
        RwSignal::new(String::new()),
    );
    let handle = StageHandle {
        ctx,
        pid,
        sid,
        fields,
        error,
        removing,
        move_to,
    };
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
        handle.save();
    };
    let shift = move |delta: isize| handle.shift(position.get_untracked().0, delta);
    let remove = move |_| handle.remove(None, others.get_untracked().first().map(|s| s.0.clone()));
    let confirm_remove = move |()| handle.remove(Some(move_to.get_untracked().into()), None);
    view! {
        <li class="stage-row">
            <form on:submit=save>
                <StageInputs stage_id=stage_id.clone() fields=fields/>
                <Show when=move || error.get().is_some()>
                    <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <div class="stage-actions">
                    <button type="submit">{move || t(lang.get(), "settings.save_stage")}</button>
                    <button type="button" id=format!("stage-up-{stage_id}") disabled=move || position.get().0 == 0
                        on:click=move |_| shift(-1)>{move || t(lang.get(), "settings.move_up")}</button>
                    <button type="button" id=format!("stage-down-{stage_id}") disabled=move || { let (i, n) = position.get(); i + 1 >= n }
                        on:click=move |_| shift(1)>{move || t(lang.get(), "settings.move_down")}</button>
                    <button type="button" class="danger" on:click=remove>{move || t(lang.get(), "settings.remove_stage")}</button>
                </div>
            </form>
            <Show when=move || removing.get()>
                <RemoveQuestion stage_id=sid.get_value() n_deals=n_deals others=others move_to=move_to
                    confirm=Callback::new(confirm_remove) cancel=Callback::new(move |()| removing.set(false))/>
            </Show>
        </li>
    }
    .into_any()
}

/// The text in a stage's inputs.
#[derive(Clone, Copy)]
struct StageFields {
    name: RwSignal<String>,
    probability: RwSignal<String>,
    rot_days: RwSignal<String>,
    guidance: RwSignal<String>,
}

impl StageFields {
    fn of(stage: &Stage) -> StageFields {
        StageFields {
            name: RwSignal::new(stage.name.clone()),
            probability: RwSignal::new(stage.probability.to_string()),
            rot_days: RwSignal::new(stage.rot_days.to_string()),
            guidance: RwSignal::new(stage.guidance.clone()),
        }
    }

    /// The stage as typed; `None` when probability or stale days is not a whole number.
    fn draft(&self) -> Option<StageDraft> {
        Some(StageDraft {
            name: self.name.get_untracked(),
            guidance: self.guidance.get_untracked(),
            probability: self.probability.get_untracked().trim().parse().ok()?,
            rot_days: self.rot_days.get_untracked().trim().parse().ok()?,
        })
    }
}

/// Name, probability, stale days and guidance of one stage.
#[component]
fn StageInputs(stage_id: StageId, fields: StageFields) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let StageFields {
        name,
        probability,
        rot_days,
        guidance,
    } = fields;
    let id = move |what: &str| format!("stage-{what}-{stage_id}");
    view! {
        <div class="field-row">
            <div class="field">
                <label for=id("name")>{move || t(lang.get(), "settings.stage_name")}</label>
                <input id=id("name") type="text" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <div class="field field-narrow">
                <label for=id("probability")>{move || t(lang.get(), "settings.probability")}</label>
                <input id=id("probability") type="number" min="0" max="100" prop:value=move || probability.get()
                    on:input=move |ev| probability.set(event_target_value(&ev))/>
            </div>
            <div class="field field-narrow">
                <label for=id("rot")>{move || t(lang.get(), "settings.rot_days")}</label>
                <input id=id("rot") type="number" min="0" prop:value=move || rot_days.get()
                    on:input=move |ev| rot_days.set(event_target_value(&ev))/>
            </div>
        </div>
        <div class="field">
            <label for=id("guidance")>{move || t(lang.get(), "settings.guidance")}</label>
            <textarea id=id("guidance") rows="2" prop:value=move || guidance.get()
                on:input=move |ev| guidance.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// A stage that holds deals is removed only once the user says where its deals go.
#[component]
fn RemoveQuestion(
    stage_id: StageId,
    n_deals: Memo<usize>,
    others: Memo<Vec<(StageId, String)>>,
    move_to: RwSignal<String>,
    confirm: Callback<()>,
    cancel: Callback<()>,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let select_id = format!("stage-move-to-{stage_id}");
    let options = move || {
        others
            .get()
            .into_iter()
            .map(|(id, stage_name)| {
                let selected = id == move_to.get_untracked();
                view! { <option value=id.to_string() selected=selected>{stage_name}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="remove-stage" role="group" aria-label=move || t(lang.get(), "settings.remove_stage")>
            <p>{move || crate::ui::intl::tn(lang.get(), "settings.remove_where", n_deals.get(), &[])}</p>
            <label for=select_id.clone()>{move || t(lang.get(), "settings.move_deals_to")}</label>
            <select id=select_id on:change=move |ev| move_to.set(event_target_value(&ev))>{options}</select>
            <button type="button" class="danger" on:click=move |_| confirm.run(())>{move || t(lang.get(), "settings.remove_and_move")}</button>
            <button type="button" on:click=move |_| cancel.run(())>{move || t(lang.get(), "action.cancel")}</button>
        </div>
    }
}
