//! A field changed both in this editor and in another tab: both values, and the user's
//! choice between them.

use crate::domain::edit_merge::{DealEdit, Field};
use crate::domain::StageId;
use crate::i18n::{t, tf, Lang};
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// A field changed both in this editor and in another tab, with the user's choice.
#[derive(Clone)]
pub struct ConflictRow {
    pub field: Field,
    pub theirs: String,
    pub mine: String,
    /// `None` until the user has chosen.
    pub keep_mine: RwSignal<Option<bool>>,
}

fn field_label(field: Field) -> &'static str {
    match field {
        Field::Title => "deal.title",
        Field::Organisation => "deal.organisation",
        Field::ContactName => "deal.contact_name",
        Field::ContactEmail => "deal.contact_email",
        Field::ContactPhone => "deal.contact_phone",
        Field::Amount => "deal.amount",
        Field::ExpectedClose => "deal.expected_close",
        Field::Probability => "deal.probability",
        Field::Notes => "deal.notes",
        Field::NextStepText => "deal.next_step_text",
        Field::NextStepDue => "deal.next_step_due",
        Field::Stage => "deal.stage",
    }
}

/// A field's value as the user reads it.
pub fn field_text(
    lang: Lang,
    edit: &DealEdit,
    field: Field,
    stages: &[(StageId, String)],
) -> String {
    let d = &edit.draft;
    let text = match field {
        Field::Title => d.title.clone(),
        Field::Organisation => d.organisation.clone(),
        Field::ContactName => d.contact.name.clone(),
        Field::ContactEmail => d.contact.email.clone(),
        Field::ContactPhone => d.contact.phone.clone(),
        Field::Amount => intl::money(lang, &d.amount),
        Field::ExpectedClose => d
            .expected_close
            .map(|day| intl::date(lang, day))
            .unwrap_or_default(),
        Field::Probability => d.probability.map(|p| format!("{p} %")).unwrap_or_default(),
        Field::Notes => d.notes.clone(),
        Field::NextStepText => d.next_step.text.clone(),
        Field::NextStepDue => d
            .next_step
            .due
            .map(|day| intl::date(lang, day))
            .unwrap_or_default(),
        Field::Stage => stages
            .iter()
            .find(|(id, _)| *id == edit.stage_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| edit.stage_id.to_string()),
    };
    if text.trim().is_empty() {
        t(lang, "deal.conflict.empty").to_string()
    } else {
        text
    }
}

/// Each conflicting field with both values and a choice between them.
#[component]
pub fn ConflictList(conflicts: RwSignal<Vec<ConflictRow>>) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <Show when=move || !conflicts.with(Vec::is_empty)>
            <div class="conflicts" role="group" aria-labelledby="conflicts-intro">
                <p id="conflicts-intro">{move || t(lang.get(), "deal.conflict.intro")}</p>
                {move || conflicts.get().into_iter().enumerate().map(|(n, row)| {
                    let name = format!("conflict-{n}");
                    let keep = row.keep_mine;
                    let (theirs, mine) = (row.theirs.clone(), row.mine.clone());
                    view! {
                        <fieldset class="conflict">
                            <legend>{move || t(lang.get(), field_label(row.field))}</legend>
                            <label>
                                <input type="radio" name=name.clone()
                                    prop:checked=move || keep.get() == Some(true)
                                    on:change=move |_| keep.set(Some(true))/>
                                {move || tf(lang.get(), "deal.conflict.mine", &[("value", &mine)])}
                            </label>
                            <label>
                                <input type="radio" name=name
                                    prop:checked=move || keep.get() == Some(false)
                                    on:change=move |_| keep.set(Some(false))/>
                                {move || tf(lang.get(), "deal.conflict.theirs", &[("value", &theirs)])}
                            </label>
                        </fieldset>
                    }
                }).collect_view()}
            </div>
        </Show>
    }
}
