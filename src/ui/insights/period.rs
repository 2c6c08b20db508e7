//! The period picker: a choice of period, two date fields for a custom one, and a status
//! line saying which dates are shown or why the custom dates cannot be used.

use super::Help;
use crate::domain::insights::{PeriodChoice, PeriodForm, PeriodProblem};
use crate::domain::metrics::Period;
use crate::i18n::{t, tf, Lang};
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

fn choice_label(lang: Lang, choice: PeriodChoice) -> &'static str {
    match choice {
        PeriodChoice::ThisMonth => t(lang, "insights.period.this_month"),
        PeriodChoice::ThisQuarter => t(lang, "insights.period.this_quarter"),
        PeriodChoice::Last12Months => t(lang, "insights.period.last_12_months"),
        PeriodChoice::Custom => t(lang, "insights.period.custom"),
    }
}

fn status_text(lang: Lang, period: Result<Period, PeriodProblem>) -> String {
    match period {
        Ok(period) => tf(
            lang,
            "insights.period.range",
            &[
                ("start", &intl::date(lang, period.start)),
                ("end", &intl::date(lang, period.end)),
            ],
        ),
        Err(PeriodProblem::Missing) => t(lang, "insights.period.missing").to_string(),
        Err(PeriodProblem::StartAfterEnd) => t(lang, "insights.period.start_after_end").to_string(),
        Err(PeriodProblem::TooLong { max_months }) => tf(
            lang,
            "insights.period.too_long",
            &[("max", &intl::number(lang, f64::from(max_months)))],
        ),
    }
}

#[component]
pub fn PeriodPicker(
    form: RwSignal<PeriodForm>,
    period: Memo<Result<Period, PeriodProblem>>,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let choice = Memo::new(move |_| form.with(|form| form.choice));
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(next) = PeriodChoice::from_value(&event_target_value(&ev)) {
            form.update(|form| form.choose(next, browser::now()));
        }
    };
    let options = PeriodChoice::ALL
        .into_iter()
        .map(|option| {
            view! {
                <option value=option.value() selected=move || choice.get() == option>
                    {move || choice_label(lang.get(), option)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="insights-period">
            <div class="field">
                <label for="insights-period">{move || t(lang.get(), "insights.period.label")}</label>
                <select id="insights-period" on:change=on_change>{options}</select>
            </div>
            <Show when=move || choice.get() == PeriodChoice::Custom>
                <DateField id="insights-from" label="insights.period.from" form from_end=true/>
                <DateField id="insights-to" label="insights.period.to" form from_end=false/>
            </Show>
            <p
                id="insights-period-status"
                class="insights-period-status"
                class:field-error=move || period.with(Result::is_err)
                role="status"
            >
                {move || status_text(lang.get(), period.get())}
            </p>
            <Help text="insights.period.help"/>
        </div>
    }
}

/// One end of a custom period: the from date when `from_end`, else the to date.
#[component]
fn DateField(
    id: &'static str,
    label: &'static str,
    form: RwSignal<PeriodForm>,
    from_end: bool,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    let value = Memo::new(move |_| {
        form.with(|form| {
            if from_end {
                form.from.clone()
            } else {
                form.to.clone()
            }
        })
    });
    let on_change = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        form.update(|form| {
            *(if from_end {
                &mut form.from
            } else {
                &mut form.to
            }) = typed
        });
    };
    view! {
        <div class="field">
            <label for=id>{move || t(lang.get(), label)}</label>
            <input
                id=id
                type="date"
                aria-describedby="insights-period-status"
                prop:value=move || value.get()
                on:change=on_change
            />
        </div>
    }
}
