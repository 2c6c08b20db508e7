//! The full deal editor and the "mark lost" dialog, both modal dialogs.

use super::board::{amount_error_text, announce_move, deal_title};
use super::browser;
use super::intl;
use super::state::{domain_error_text, Ctx};
use crate::domain::edit_merge::{merge_edit, DealEdit, Field};
use crate::domain::money::{minor_to_input, parse_amount_or_zero};
use crate::domain::ops::parse_probability;
use crate::domain::{Contact, Currency, DealDraft, DealStatus, Money, NextStep};
use crate::i18n::Lang;
use crate::i18n::{t, tf};
use chrono::NaiveDate;
use leptos::prelude::*;

fn parse_date(text: &str) -> Result<Option<NaiveDate>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

fn date_input(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// One labelled text input bound to a signal.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: Option<Signal<String>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="field">
            <label for=id>{move || t(ctx.lang.get(), label)}</label>
            <input
                id=id
                type=kind
                placeholder=move || placeholder.map(|p| p.get()).unwrap_or_default()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

#[component]
pub fn DealEditor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        ctx.editing
            .get()
            .map(|deal_id| view! { <DealForm deal_id=deal_id/> })
    }
}

#[component]
fn DealForm(deal_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let Some((deal, stages, stage_probability)) = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(&deal_id)?.clone();
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stages: Vec<(String, String)> = pipeline
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        let probability = pipeline.stage(&deal.stage_id).map_or(0, |s| s.probability);
        Some((deal, stages, probability))
    }) else {
        return ().into_any();
    };
    let sep = lang.get_untracked().decimal_separator();
    let id = StoredValue::new(deal.id.clone());
    let title = RwSignal::new(deal.title.clone());
    let organisation = RwSignal::new(deal.organisation.clone());
    let contact_name = RwSignal::new(deal.contact.name.clone());
    let contact_email = RwSignal::new(deal.contact.email.clone());
    let contact_phone = RwSignal::new(deal.contact.phone.clone());
    let amount = RwSignal::new(minor_to_input(
        deal.amount.minor,
        &deal.amount.currency,
        sep,
    ));
    let currency = RwSignal::new(deal.amount.currency.code().to_string());
    let expected_close = RwSignal::new(date_input(deal.expected_close));
    let probability = RwSignal::new(deal.probability.map(|p| p.to_string()).unwrap_or_default());
    let notes = RwSignal::new(deal.notes.clone());
    let next_text = RwSignal::new(deal.next_step.text.clone());
    let next_due = RwSignal::new(date_input(deal.next_step.due));
    let stage = RwSignal::new(deal.stage_id.clone());
    let error = RwSignal::new(None::<String>);
    // The deal as the editor opened it (or as the other tab last saved it, once a conflict
    // was shown): what both sides' changes are measured against.
    let base = StoredValue::new(DealEdit::of(&deal));
    let base_rev = RwSignal::new(Some(deal.rev));
    let conflicts = RwSignal::new(Vec::<ConflictRow>::new());
    let stage_names = StoredValue::new(stages.clone());
    let now_rev = {
        let deal_id = deal.id.clone();
        Memo::new(move |_| ctx.ws.with(|ws| ws.deal(&deal_id).map(|d| d.rev)))
    };
    let is_open = deal.status.is_open();
    // `autofocus` does nothing on elements added after load: focus the first field.
    browser::focus_later("deal-title".to_string());
    let close = move || {
        let deal_id = id.get_value();
        ctx.editing.set(None);
        browser::focus_later(format!("card-{deal_id}"));
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let Ok(currency) = Currency::parse(&currency.get_untracked()) else {
            error.set(Some(t(lang, "deal.error.currency").to_string()));
            return;
        };
        let minor = match parse_amount_or_zero(
            &amount.get_untracked(),
            &currency,
            lang.decimal_separator(),
        ) {
            Ok(minor) => minor,
            Err(err) => {
                error.set(Some(amount_error_text(lang, &err)));
                return;
            }
        };
        let probability = match parse_probability(&probability.get_untracked()) {
            Ok(probability) => probability,
            Err(err) => {
                error.set(Some(domain_error_text(lang, &err)));
                return;
            }
        };
        let (Ok(expected_close), Ok(due)) = (
            parse_date(&expected_close.get_untracked()),
            parse_date(&next_due.get_untracked()),
        ) else {
            error.set(Some(t(lang, "deal.error.date").to_string()));
            return;
        };
        let draft = DealDraft {
            title: title.get_untracked(),
            organisation: organisation.get_untracked(),
            contact: Contact {
                name: contact_name.get_untracked(),
                email: contact_email.get_untracked(),
                phone: contact_phone.get_untracked(),
            },
            amount: Money::new(minor, currency),
            expected_close,
            probability,
            notes: notes.get_untracked(),
            next_step: NextStep {
                text: next_text.get_untracked(),
                due,
            },
        };
        let mut mine = DealEdit {
            draft,
            stage_id: stage.get_untracked(),
        };
        let deal_id = id.get_value();
        let Some(theirs) = ctx
            .ws
            .with_untracked(|ws| ws.deal(&deal_id).map(DealEdit::of))
        else {
            error.set(Some(t(lang, "deal.deleted_elsewhere").to_string()));
            return;
        };
        // Fields changed here and in another tab: the user's choice settles each one.
        let pending = conflicts.get_untracked();
        if pending
            .iter()
            .any(|row| row.keep_mine.get_untracked().is_none())
        {
            error.set(Some(t(lang, "deal.conflict.unresolved").to_string()));
            return;
        }
        for row in &pending {
            if row.keep_mine.get_untracked() == Some(false) {
                row.field.copy(&base.get_value(), &mut mine);
            }
        }
        let merged = match merge_edit(&base.get_value(), &theirs, &mine) {
            Ok(merged) => merged,
            Err(fields) => {
                let names = stage_names.get_value();
                conflicts.set(
                    fields
                        .into_iter()
                        .map(|field| ConflictRow {
                            field,
                            theirs: field_text(lang, &theirs, field, &names),
                            mine: field_text(lang, &mine, field, &names),
                            keep_mine: RwSignal::new(None),
                        })
                        .collect(),
                );
                // From now on the editor merges against what the other tab saved.
                base_rev.set(ctx.ws.with_untracked(|ws| ws.deal(&deal_id).map(|d| d.rev)));
                base.set_value(theirs);
                error.set(None);
                return;
            }
        };
        let moved = merged.stage_id != theirs.stage_id;
        let now = browser::now();
        match ctx.try_apply(|ws| ws.save_deal(&deal_id, merged.draft, &merged.stage_id, now)) {
            Ok(()) => {
                if moved {
                    announce_move(ctx, &deal_id, &merged.stage_id);
                } else {
                    ctx.announce(tf(
                        lang,
                        "deal.saved",
                        &[("deal", &deal_title(ctx, &deal_id))],
                    ));
                }
                close();
            }
            Err(err) => error.set(Some(domain_error_text(lang, &err))),
        }
    };

    let won = move |_| {
        let deal_id = id.get_value();
        let now = browser::now();
        if ctx.apply(|ws| ws.mark_won(&deal_id, now)).is_some() {
            ctx.announce(tf(
                lang.get_untracked(),
                "deal.won_announce",
                &[("deal", &deal_title(ctx, &deal_id))],
            ));
            ctx.editing.set(None);
        }
    };
    let lost = move |_| {
        ctx.editing.set(None);
        ctx.losing.set(Some(id.get_value()));
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
            close();
        }
    };
    let delete = move |_| {
        let deal_id = id.get_value();
        let lang = lang.get_untracked();
        let name = deal_title(ctx, &deal_id);
        if browser::confirm(&tf(lang, "deal.confirm_delete", &[("deal", &name)]))
            && ctx.apply(|ws| ws.delete_deal(&deal_id)).is_some()
        {
            ctx.announce(tf(lang, "deal.deleted", &[("deal", &name)]));
            ctx.editing.set(None);
        }
    };

    let status_text = {
        let status = deal.status.clone();
        move || {
            let lang = lang.get();
            match &status {
                DealStatus::Open => t(lang, "status.open").to_string(),
                DealStatus::Won { at } => tf(
                    lang,
                    "status.won_on",
                    &[("date", &intl::date(lang, at.date_naive()))],
                ),
                DealStatus::Lost { at, reason, note } => {
                    let mut text = tf(
                        lang,
                        "status.lost_on",
                        &[
                            ("date", &intl::date(lang, at.date_naive())),
                            ("reason", reason),
                        ],
                    );
                    if !note.is_empty() {
                        text.push_str(" — ");
                        text.push_str(note);
                    }
                    text
                }
            }
        }
    };
    let history = deal.history.clone();
    let created = deal.created_at.date_naive();
    let updated = deal.updated_at.date_naive();

    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="deal-editor-title"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <h2 id="deal-editor-title">{move || t(lang.get(), "deal.editor_title")}</h2>
                <p class="deal-status">{status_text}</p>
                <Show when=move || now_rev.get() != base_rev.get()>
                    <p class="banner banner-warning" role="status">
                        {move || if now_rev.get().is_none() {
                            t(lang.get(), "deal.deleted_elsewhere")
                        } else {
                            t(lang.get(), "deal.changed_elsewhere")
                        }}
                    </p>
                </Show>
                <form on:submit=save>
                    <div class="field">
                        <label for="deal-title">{move || t(lang.get(), "deal.title")}</label>
                        <input id="deal-title" type="text" required
                            prop:value=move || title.get()
                            on:input=move |ev| title.set(event_target_value(&ev))/>
                    </div>
                    <Field id="deal-organisation" label="deal.organisation" value=organisation/>
                    <fieldset>
                        <legend>{move || t(lang.get(), "deal.contact")}</legend>
                        <Field id="deal-contact-name" label="deal.contact_name" value=contact_name/>
                        <Field id="deal-contact-email" label="deal.contact_email" value=contact_email kind="email"/>
                        <Field id="deal-contact-phone" label="deal.contact_phone" value=contact_phone kind="tel"/>
                    </fieldset>
                    <div class="field-row">
                        <Field id="deal-amount" label="deal.amount" value=amount/>
                        <div class="field">
                            <label for="deal-currency">{move || t(lang.get(), "deal.currency")}</label>
                            <select id="deal-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                                {super::currency_options(&currency.get_untracked())}
                            </select>
                        </div>
                    </div>
                    <div class="field-row">
                        <Field id="deal-close" label="deal.expected_close" value=expected_close kind="date"/>
                        <Field id="deal-probability" label="deal.probability" value=probability kind="number"
                            placeholder=Signal::derive(move || tf(lang.get(), "deal.probability_default", &[("p", &stage_probability.to_string())]))/>
                    </div>
                    <Show when=move || is_open>
                        <div class="field">
                            <label for="deal-stage">{move || t(lang.get(), "deal.stage")}</label>
                            <select id="deal-stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                                {stage_names.get_value().into_iter().map(|(sid, name)| {
                                    let selected = sid == stage.get_untracked();
                                    view! { <option value=sid selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    </Show>
                    <fieldset>
                        <legend>{move || t(lang.get(), "deal.next_step")}</legend>
                        <Field id="deal-next-text" label="deal.next_step_text" value=next_text/>
                        <Field id="deal-next-due" label="deal.next_step_due" value=next_due kind="date"/>
                    </fieldset>
                    <div class="field">
                        <label for="deal-notes">{move || t(lang.get(), "deal.notes")}</label>
                        <textarea id="deal-notes" rows="4"
                            prop:value=move || notes.get()
                            on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    </div>
                    <ConflictList conflicts=conflicts/>
                    <Show when=move || error.get().is_some()>
                        <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <div class="modal-actions">
                        <button type="submit" class="primary">{move || t(lang.get(), "action.save")}</button>
                        <button type="button" on:click=move |_| close()>{move || t(lang.get(), "action.cancel")}</button>
                        {if is_open {
                            view! {
                                <button type="button" class="won" on:click=won>{move || t(lang.get(), "deal.won")}</button>
                                <button type="button" class="lost" on:click=lost>{move || t(lang.get(), "deal.lost")}</button>
                            }.into_any()
                        } else {
                            view! { <button type="button" on:click=reopen>{move || t(lang.get(), "deal.reopen")}</button> }.into_any()
                        }}
                        <button type="button" class="danger" on:click=delete>{move || t(lang.get(), "action.delete")}</button>
                    </div>
                </form>
                <section class="history" aria-labelledby="deal-history-title">
                    <h3 id="deal-history-title">{move || t(lang.get(), "deal.history")}</h3>
                    <p>{move || tf(lang.get(), "deal.created_updated", &[("created", &intl::date(lang.get(), created)), ("updated", &intl::date(lang.get(), updated))])}</p>
                    <ol>
                        {history.into_iter().map(|change| {
                            let name = stage_names.get_value().into_iter().find(|(sid, _)| *sid == change.to).map(|(_, n)| n).unwrap_or_else(|| "?".into());
                            let date = change.at.date_naive();
                            view! { <li>{move || tf(lang.get(), "deal.history_entry", &[("stage", &name), ("date", &intl::date(lang.get(), date))])}</li> }
                        }).collect_view()}
                    </ol>
                </section>
            </div>
        </div>
    }
    .into_any()
}

/// A field changed both in this editor and in another tab, with the user's choice.
#[derive(Clone)]
struct ConflictRow {
    field: Field,
    theirs: String,
    mine: String,
    /// `None` until the user has chosen.
    keep_mine: RwSignal<Option<bool>>,
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
fn field_text(lang: Lang, edit: &DealEdit, field: Field, stages: &[(String, String)]) -> String {
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
            .unwrap_or_else(|| edit.stage_id.clone()),
    };
    if text.trim().is_empty() {
        t(lang, "deal.conflict.empty").to_string()
    } else {
        text
    }
}

/// Each conflicting field with both values and a choice between them.
#[component]
fn ConflictList(conflicts: RwSignal<Vec<ConflictRow>>) -> impl IntoView {
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

/// Asks for the reason a deal was lost (from the editable list) and an optional note.
#[component]
pub fn LostDialog() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    move || {
        let deal_id = ctx.losing.get()?;
        let reasons = ctx.ws.with_untracked(|ws| ws.lost_reasons.clone());
        let reason = RwSignal::new(reasons.first().cloned().unwrap_or_default());
        let note = RwSignal::new(String::new());
        let id = StoredValue::new(deal_id.clone());
        let title = deal_title(ctx, &deal_id);
        browser::focus_later("lost-reason".to_string());
        let close = move || {
            let deal_id = id.get_value();
            ctx.losing.set(None);
            // Back to the card if it is still on the board, else to the page.
            let still_open = ctx
                .ws
                .with_untracked(|ws| ws.deal(&deal_id).is_some_and(|d| d.status.is_open()));
            browser::focus_later(if still_open {
                format!("card-{deal_id}")
            } else {
                "main".to_string()
            });
        };
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let now = browser::now();
            let deal_id = id.get_value();
            let name = deal_title(ctx, &deal_id);
            if ctx
                .apply(|ws| {
                    ws.mark_lost(
                        &deal_id,
                        &reason.get_untracked(),
                        &note.get_untracked(),
                        now,
                    )
                })
                .is_some()
            {
                ctx.announce(tf(
                    lang.get_untracked(),
                    "deal.lost_announce",
                    &[("deal", &name)],
                ));
                close();
            }
        };
        Some(view! {
            <div class="modal-backdrop">
                <div class="modal modal-small" role="dialog" aria-modal="true" aria-labelledby="lost-title"
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Escape" { close() }>
                    <h2 id="lost-title">{move || tf(lang.get(), "lost.title", &[("deal", &title)])}</h2>
                    <form on:submit=submit>
                        <div class="field">
                            <label for="lost-reason">{move || t(lang.get(), "lost.reason")}</label>
                            <select id="lost-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                                {reasons.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="lost-note">{move || t(lang.get(), "lost.note")}</label>
                            <textarea id="lost-note" rows="3" prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        </div>
                        <div class="modal-actions">
                            <button type="submit" class="primary">{move || t(lang.get(), "lost.confirm")}</button>
                            <button type="button" on:click=move |_| close()>{move || t(lang.get(), "action.cancel")}</button>
                        </div>
                    </form>
                </div>
            </div>
        })
    }
}
