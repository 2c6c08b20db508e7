//! The template gallery: what a first-time visitor sees, and where a new pipeline starts.

use super::browser;
use super::state::Ctx;
use crate::domain::sample::sample_deals;
use crate::domain::templates::{pipeline_from_template, TemplateKind};
use crate::domain::Currency;
use crate::i18n::{t, tf, Lang};
use leptos::prelude::*;

fn default_currency(lang: Lang) -> &'static str {
    match lang {
        Lang::Nb => "NOK",
        Lang::En => "EUR",
    }
}

#[component]
pub fn Gallery() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let name = RwSignal::new(String::new());
    let currency = RwSignal::new(default_currency(lang.get_untracked()).to_string());
    let first_visit = move || ctx.ws.with(|ws| ws.pipelines.is_empty());

    let create = Callback::new(move |(kind, with_samples): (TemplateKind, bool)| {
        let lang = lang.get_untracked();
        let now = browser::now();
        let currency =
            Currency::parse(&currency.get_untracked()).unwrap_or_else(|_| Currency::nok());
        let chosen_name = name.get_untracked();
        let pipeline_name = if chosen_name.trim().is_empty() {
            kind.name(lang).to_string()
        } else {
            chosen_name.trim().to_string()
        };
        let pipeline = pipeline_from_template(
            kind,
            lang,
            &pipeline_name,
            currency,
            now,
            &mut browser::new_id,
        );
        let pipeline_id = pipeline.id.clone();
        // One rule, all or nothing: a name the rules refuse leaves no sample deals behind.
        let created = ctx.apply(move |ws| {
            let reasons = if ws.lost_reasons.is_empty() {
                crate::domain::model::default_lost_reasons(lang)
            } else {
                ws.lost_reasons.clone()
            };
            let deals = if with_samples {
                sample_deals(&pipeline, lang, &reasons, now, &mut browser::new_id)
            } else {
                Vec::new()
            };
            ws.create_pipeline(pipeline, deals, reasons)
        });
        if created.is_some() {
            ctx.announce(tf(lang, "gallery.created", &[("name", &pipeline_name)]));
            ctx.open_pipeline(pipeline_id);
            name.set(String::new());
            // The gallery (and the button pressed) is gone: focus goes where work starts,
            // the first column's new-deal title.
            browser::focus_first_later("section.column .quick-add input");
        }
    });

    view! {
        <section class="gallery" aria-labelledby="gallery-title">
            <h2 id="gallery-title">
                {move || if first_visit() { t(lang.get(), "gallery.welcome") } else { t(lang.get(), "gallery.title") }}
            </h2>
            <p class="lead">{move || t(lang.get(), "gallery.intro")}</p>
            <div class="gallery-options">
                <div class="field">
                    <label for="new-pipeline-name">{move || t(lang.get(), "gallery.name")}</label>
                    <input id="new-pipeline-name" type="text"
                        placeholder=move || t(lang.get(), "gallery.name_placeholder")
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-pipeline-currency">{move || t(lang.get(), "gallery.currency")}</label>
                    <select id="new-pipeline-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                        {super::currency_options(&currency.get_untracked())}
                    </select>
                </div>
            </div>
            <ul class="templates">
                {TemplateKind::ALL.into_iter().map(|kind| view! { <TemplateCard kind=kind create=create/> }).collect_view()}
            </ul>
        </section>
    }
}

/// A template: its name, its stages with their probabilities, and the buttons that start a
/// pipeline from it, empty or with sample deals.
#[component]
fn TemplateCard(kind: TemplateKind, create: Callback<(TemplateKind, bool)>) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let heading = format!("template-{}", kind.slug());
    let labelled_by = heading.clone();
    let stages = move || {
        let lang = lang.get();
        kind.stages().iter().map(|stage| view! {
            <li>
                <span class="stage-name">{stage.name(lang)}</span>
                " "<span class="stage-probability">{format!("{} %", stage.probability)}</span>
            </li>
        }).collect_view()
    };
    view! {
        <li class="template" aria-labelledby=labelled_by data-template=kind.slug()>
            <h3 id=heading>{move || kind.name(lang.get())}</h3>
            <ol class="template-stages">{stages}</ol>
            <div class="template-actions">
                <button type="button" class="primary" on:click=move |_| create.run((kind, false))>
                    {move || tf(lang.get(), "gallery.use", &[("name", kind.name(lang.get()))])}
                </button>
                {(kind != TemplateKind::Blank).then(|| view! {
                    <button type="button" on:click=move |_| create.run((kind, true))>
                        {move || tf(lang.get(), "gallery.try", &[("name", kind.name(lang.get()))])}
                    </button>
                })}
            </div>
        </li>
    }
}
