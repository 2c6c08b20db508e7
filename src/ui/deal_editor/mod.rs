//! The full deal editor and the "mark lost" dialog, both modal dialogs. Saving merges the
//! editor's changes with any change another tab made meanwhile (`domain::edit_merge`) and
//! saves both fields and stage as one rule (`Workspace::save_deal`).

mod conflicts;
mod fields;
mod lost;
mod parts;

pub use lost::LostDialog;

use crate::domain::edit_merge::{merge_edit, DealEdit};
use crate::domain::{DealId, StageId};
use crate::i18n::{t, tf, Lang};
use crate::ui::actions::{announce_move, deal_title, focus_after, focus_after_leaving};
use crate::ui::browser;
use crate::ui::messages::domain_error_text;
use crate::ui::state::Ctx;
use conflicts::{field_text, ConflictList, ConflictRow};
use fields::{DealFields, DealInputs};
use leptos::prelude::*;
use parts::{History, OutcomeButtons, StatusLine};

#[component]
pub fn DealEditor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        ctx.editing
            .get()
            .map(|deal_id| view! { <DealForm deal_id=deal_id/> })
    }
}

/// What the editor measures changes against: the deal as it opened, or as the other tab
/// last saved it once a conflict was shown; and the conflicts waiting for the user.
#[derive(Clone, Copy)]
struct Merge {
    base: StoredValue<DealEdit>,
    base_rev: RwSignal<Option<u64>>,
    conflicts: RwSignal<Vec<ConflictRow>>,
}

impl Merge {
    /// Merges `mine` with the deal as it is now (`theirs`). Fields already in conflict
    /// take the user's choice; new conflicts are shown and `None` returned.
    fn merge(
        self,
        lang: Lang,
        theirs: DealEdit,
        mut mine: DealEdit,
        rev: Option<u64>,
        stages: &[(StageId, String)],
    ) -> Result<Option<DealEdit>, String> {
        let pending = self.conflicts.get_untracked();
        if pending
            .iter()
            .any(|row| row.keep_mine.get_untracked().is_none())
        {
            return Err(t(lang, "deal.conflict.unresolved").to_string());
        }
        for row in pending
            .iter()
            .filter(|row| row.keep_mine.get_untracked() == Some(false))
        {
            row.field.copy(&self.base.get_value(), &mut mine);
        }
        match merge_edit(&self.base.get_value(), &theirs, &mine) {
            Ok(merged) => Ok(Some(merged)),
            Err(fields) => {
                let row = |field| ConflictRow {
                    field,
                    theirs: field_text(lang, &theirs, field, stages),
                    mine: field_text(lang, &mine, field, stages),
                    keep_mine: RwSignal::new(None),
                };
                self.conflicts.set(fields.into_iter().map(row).collect());
                self.base_rev.set(rev);
                self.base.set_value(theirs);
                Ok(None)
            }
        }
    }
}

#[component]
fn DealForm(deal_id: DealId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let Some((deal, stages, stage_probability)) = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(&deal_id)?.clone();
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stages: Vec<(StageId, String)> = pipeline
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        let probability = pipeline.stage(&deal.stage_id).map_or(0, |s| s.probability);
        Some((deal, stages, probability))
    }) else {
        return ().into_any();
    };
    let id = StoredValue::new(deal.id.clone());
    let fields = DealFields::of(&deal, lang.get_untracked());
    let error = RwSignal::new(None::<String>);
    let merge = Merge {
        base: StoredValue::new(DealEdit::of(&deal)),
        base_rev: RwSignal::new(Some(deal.rev)),
        conflicts: RwSignal::new(Vec::new()),
    };
    let stage_names = StoredValue::new(stages.clone());
    let now_rev = Memo::new(move |_| ctx.ws.with(|ws| ws.deal(&id.get_value()).map(|d| d.rev)));
    let is_open = deal.status.is_open();
    // `autofocus` does nothing on elements added after load: focus the first field.
    browser::focus_later("deal-title".to_string());
    // Back to the card; if the deal has left the board (won, deleted), to its neighbour,
    // asked now while it is still in its column.
    let after = StoredValue::new(is_open.then(|| focus_after_leaving(ctx, &deal.id)));
    let close = Callback::new(move |()| {
        ctx.editing.set(None);
        let deal_id = id.get_value();
        let on_board = ctx
            .ws
            .with_untracked(|ws| ws.deal(&deal_id).is_some_and(|d| d.status.is_open()));
        match after.get_value() {
            Some(after) if !on_board => focus_after(ctx, after),
            _ => browser::focus_later(format!("card-{deal_id}")),
        }
    });

    // Escape closes it wherever focus is: still on the card, before the next frame.
    browser::close_on_escape(move || close.run(()));

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let deal_id = id.get_value();
        let current = ctx
            .ws
            .with_untracked(|ws| ws.deal(&deal_id).map(|d| (DealEdit::of(d), d.rev)));
        let Some((theirs, rev)) = current else {
            error.set(Some(t(lang, "deal.deleted_elsewhere").to_string()));
            return;
        };
        let merged = fields.read(lang).and_then(|mine| {
            merge.merge(
                lang,
                theirs.clone(),
                mine,
                Some(rev),
                &stage_names.get_value(),
            )
        });
        let merged = match merged {
            Ok(Some(merged)) => merged,
            Ok(None) => return error.set(None),
            Err(text) => return error.set(Some(text)),
        };
        let now = browser::now();
        match ctx.try_apply(|ws| ws.save_deal(&deal_id, merged.draft, &merged.stage_id, now)) {
            Ok(()) if merged.stage_id != theirs.stage_id => {
                announce_move(ctx, &deal_id, &merged.stage_id)
            }
            Ok(()) => ctx.announce(tf(
                lang,
                "deal.saved",
                &[("deal", &deal_title(ctx, &deal_id))],
            )),
            Err(err) => return error.set(Some(domain_error_text(lang, &err))),
        }
        close.run(());
    };

    view! {
        <div class="modal-backdrop">
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="deal-editor-title">
                <h2 id="deal-editor-title">{move || t(lang.get(), "deal.editor_title")}</h2>
                <StatusLine status=deal.status.clone()/>
                <Show when=move || now_rev.get() != merge.base_rev.get()>
                    <p class="banner banner-warning" role="status">
                        {move || t(lang.get(), if now_rev.get().is_none() { "deal.deleted_elsewhere" } else { "deal.changed_elsewhere" })}
                    </p>
                </Show>
                <form on:submit=save>
                    <DealInputs fields=fields stages=stages.clone() stage_probability=stage_probability is_open=is_open/>
                    <ConflictList conflicts=merge.conflicts/>
                    <Show when=move || error.get().is_some()>
                        <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <div class="modal-actions">
                        <button type="submit" class="primary">{move || t(lang.get(), "action.save")}</button>
                        <button type="button" on:click=move |_| close.run(())>{move || t(lang.get(), "action.cancel")}</button>
                        <OutcomeButtons deal_id=deal.id.clone() is_open=is_open close=close/>
                    </div>
                </form>
                <History history=deal.history.clone() stages=stages created=deal.created_at.date_naive() updated=deal.updated_at.date_naive()/>
            </div>
        </div>
    }
    .into_any()
}
