//! The deal editor's inputs: their signals, reading them into a [`DealEdit`], and the form
//! fields themselves.

use crate::domain::edit_merge::DealEdit;
use crate::domain::money::{minor_to_input, parse_amount_or_zero, DecimalSeparator};
use crate::domain::ops::parse_probability;
use crate::domain::StageId;
use crate::domain::{Contact, Currency, Deal, DealDraft, Money, NextStep};
use crate::i18n::{t, tf, Lang};
use crate::ui::messages::{amount_error_text, domain_error_text};
use crate::ui::state::Ctx;
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

/// The text in each input of the editor.
#[derive(Clone, Copy)]
pub struct DealFields {
    title: RwSignal<String>,
    organisation: RwSignal<String>,
    contact_name: RwSignal<String>,
    contact_email: RwSignal<String>,
    contact_phone: RwSignal<String>,
    amount: RwSignal<String>,
    currency: RwSignal<String>,
    expected_close: RwSignal<String>,
    probability: RwSignal<String>,
    notes: RwSignal<String>,
    next_text: RwSignal<String>,
    next_due: RwSignal<String>,
    pub stage: RwSignal<String>,
}

impl DealFields {
    pub fn of(deal: &Deal, lang: Lang) -> DealFields {
        let text = |s: &str| RwSignal::new(s.to_string());
        DealFields {
            title: text(&deal.title),
            organisation: text(&deal.organisation),
            contact_name: text(&deal.contact.name),
            contact_email: text(&deal.contact.email),
            contact_phone: text(&deal.contact.phone),
            amount: RwSignal::new(minor_to_input(
                deal.amount.minor,
                &deal.amount.currency,
                DecimalSeparator::for_lang(lang),
            )),
            currency: text(deal.amount.currency.code()),
            expected_close: RwSignal::new(date_input(deal.expected_close)),
            probability: RwSignal::new(deal.probability.map(|p| p.to_string()).unwrap_or_default()),
            notes: text(&deal.notes),
            next_text: text(&deal.next_step.text),
            next_due: RwSignal::new(date_input(deal.next_step.due)),
            stage: text(&deal.stage_id),
        }
    }

    /// The edit the inputs describe, or what is wrong with them, as a sentence.
    pub fn read(&self, lang: Lang) -> Result<DealEdit, String> {
        let currency = Currency::parse(&self.currency.get_untracked())
            .map_err(|_| t(lang, "deal.error.currency").to_string())?;
        let minor = parse_amount_or_zero(
            &self.amount.get_untracked(),
            &currency,
            DecimalSeparator::for_lang(lang),
        )
        .map_err(|err| amount_error_text(lang, &err))?;
        let probability = parse_probability(&self.probability.get_untracked())
            .map_err(|err| domain_error_text(lang, &err))?;
        let (Ok(expected_close), Ok(due)) = (
            parse_date(&self.expected_close.get_untracked()),
            parse_date(&self.next_due.get_untracked()),
        ) else {
            return Err(t(lang, "deal.error.date").to_string());
        };
        let draft = DealDraft {
            title: self.title.get_untracked(),
            organisation: self.organisation.get_untracked(),
            contact: Contact {
                name: self.contact_name.get_untracked(),
                email: self.contact_email.get_untracked(),
                phone: self.contact_phone.get_untracked(),
            },
            amount: Money::new(minor, currency),
            expected_close,
            probability,
            notes: self.notes.get_untracked(),
            next_step: NextStep {
                text: self.next_text.get_untracked(),
                due,
            },
        };
        Ok(DealEdit {
            draft,
            stage_id: self.stage.get_untracked().into(),
        })
    }
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

/// Every input of the editor. The stage picker shows only for an open deal.
#[component]
pub fn DealInputs(
    fields: DealFields,
    stages: Vec<(StageId, String)>,
    stage_probability: u8,
    is_open: bool,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let f = fields;
    let default_probability = Signal::derive(move || {
        tf(
            lang.get(),
            "deal.probability_default",
            &[("p", &stage_probability.to_string())],
        )
    });
    view! {
        <div class="field">
            <label for="deal-title">{move || t(lang.get(), "deal.title")}</label>
            <input id="deal-title" type="text" required
                prop:value=move || f.title.get()
                on:input=move |ev| f.title.set(event_target_value(&ev))/>
        </div>
        <Field id="deal-organisation" label="deal.organisation" value=f.organisation/>
        <fieldset>
            <legend>{move || t(lang.get(), "deal.contact")}</legend>
            <Field id="deal-contact-name" label="deal.contact_name" value=f.contact_name/>
            <Field id="deal-contact-email" label="deal.contact_email" value=f.contact_email kind="email"/>
            <Field id="deal-contact-phone" label="deal.contact_phone" value=f.contact_phone kind="tel"/>
        </fieldset>
        <div class="field-row">
            <Field id="deal-amount" label="deal.amount" value=f.amount/>
            <div class="field">
                <label for="deal-currency">{move || t(lang.get(), "deal.currency")}</label>
                <select id="deal-currency" on:change=move |ev| f.currency.set(event_target_value(&ev))>
                    {crate::ui::currency_options(&f.currency.get_untracked())}
                </select>
            </div>
        </div>
        <div class="field-row">
            <Field id="deal-close" label="deal.expected_close" value=f.expected_close kind="date"/>
            <Field id="deal-probability" label="deal.probability" value=f.probability kind="number"
                placeholder=default_probability/>
        </div>
        {is_open.then(|| view! {
            <div class="field">
                <label for="deal-stage">{move || t(lang.get(), "deal.stage")}</label>
                <select id="deal-stage" on:change=move |ev| f.stage.set(event_target_value(&ev))>
                    {stages.into_iter().map(|(sid, name)| {
                        let selected = sid == f.stage.get_untracked();
                        view! { <option value=sid.to_string() selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
        })}
        <fieldset>
            <legend>{move || t(lang.get(), "deal.next_step")}</legend>
            <Field id="deal-next-text" label="deal.next_step_text" value=f.next_text/>
            <Field id="deal-next-due" label="deal.next_step_due" value=f.next_due kind="date"/>
        </fieldset>
        <div class="field">
            <label for="deal-notes">{move || t(lang.get(), "deal.notes")}</label>
            <textarea id="deal-notes" rows="4"
                prop:value=move || f.notes.get()
                on:input=move |ev| f.notes.set(event_target_value(&ev))></textarea>
        </div>
    }
}
