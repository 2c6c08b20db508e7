//! The insight view: forecast, funnel, time in stage, rates, lost reasons, deals needing
//! attention and the probability check of the current pipeline over a period the user
//! picks. The figures, names and chart geometry come from `domain::insights::Report`; the
//! sections here only format and lay them out.
//!
//! One memo over the workspace, the period and the language rebuilds the report, so the
//! view follows each change to a deal at once. Headings and help texts are static; only the
//! figures under them re-render, so an opened "How is this calculated?" stays open.

mod attention;
mod figures;
mod forecast;
mod format;
mod funnel;
mod period;
mod tables;
mod time;

use super::browser;
use super::state::Ctx;
use crate::domain::insights::{PeriodForm, Report};
use crate::i18n::{t, tf, Lang};
use leptos::prelude::*;

/// The report with the language it is shown in: a change to either re-renders the figures.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    lang: Lang,
    report: Report,
}

/// The report on screen; `None` without a usable period or a pipeline.
type ShownMemo = Memo<Option<Shown>>;

/// A section's figures, drawn by `render` whenever the report or the language changes.
fn figures_of(
    shown: ShownMemo,
    render: fn(Lang, &Report) -> AnyView,
) -> impl Fn() -> Option<AnyView> + Copy + Send + Sync + 'static {
    move || shown.with(|s| s.as_ref().map(|s| render(s.lang, &s.report)))
}

#[component]
pub fn Insights() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let form = RwSignal::new(PeriodForm::new(browser::now()));
    let period = Memo::new(move |_| form.with(|form| form.period(browser::now())));
    let shown = Memo::new(move |_| {
        let lang = ctx.lang.get();
        let period = period.get().ok()?;
        let pipeline_id = ctx.current_pipeline_id()?;
        let now = browser::now();
        let report = ctx
            .ws
            .with(|ws| Report::build(ws, &pipeline_id, period, now))?;
        Some(Shown { lang, report })
    });
    let has_report = move || shown.with(Option::is_some);
    let intro = move || {
        shown.with(|s| {
            s.as_ref()
                .map(|s| {
                    tf(
                        s.lang,
                        "insights.intro",
                        &[("pipeline", &s.report.pipeline_name)],
                    )
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="insights" aria-labelledby="insights-title">
            <h2 id="insights-title">{move || t(lang.get(), "insights.title")}</h2>
            <p class="insights-intro">{intro}</p>
            <period::PeriodPicker form period/>
            <Show when=move || { period.with(Result::is_ok) && !has_report() }>
                <p>{move || t(lang.get(), "insights.no_pipeline")}</p>
            </Show>
            <Show when=has_report>
                <Sections shown/>
            </Show>
        </section>
    }
}

/// The seven sections, in the order the e2e tests and the help texts expect.
#[component]
fn Sections(shown: ShownMemo) -> impl IntoView {
    view! {
        <div class="insight-sections">
            <InsightBlock id="insights-forecast" title="insights.forecast.title" help="insights.forecast.help" wide=true>
                {figures_of(shown, forecast::forecast_body)}
            </InsightBlock>
            <figures::Figures shown/>
            <InsightBlock id="insights-funnel" title="insights.funnel.title" help="insights.funnel.help">
                {figures_of(shown, funnel::funnel_body)}
            </InsightBlock>
            <InsightBlock id="insights-time" title="insights.time.title" help="insights.time.help">
                {figures_of(shown, time::time_body)}
            </InsightBlock>
            <InsightBlock id="insights-attention" title="insights.attention.title" help="insights.attention.help">
                <attention::Attention shown/>
            </InsightBlock>
            <InsightBlock id="insights-lost" title="insights.lost.title" help="insights.lost.help">
                {figures_of(shown, tables::lost_body)}
            </InsightBlock>
            <InsightBlock id="insights-probability" title="insights.probability.title" help="insights.probability.help">
                {figures_of(shown, tables::probability_body)}
            </InsightBlock>
        </div>
    }
}

/// A metric's definition, from shared/design/metrics.md, folded under a summary.
#[component]
fn Help(text: &'static str) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <details class="insight-help">
            <summary>{move || t(lang.get(), "insights.help.summary")}</summary>
            <p>{move || t(lang.get(), text)}</p>
        </details>
    }
}

/// A titled block of the insight view with its definition as help text; a wide one spans
/// the whole row.
#[component]
fn InsightBlock(
    id: &'static str,
    title: &'static str,
    help: &'static str,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let lang = expect_context::<Ctx>().lang;
    view! {
        <section class="insight-block" class:insight-wide=wide aria-labelledby=id>
            <h3 id=id>{move || t(lang.get(), title)}</h3>
            <Help text=help/>
            {children()}
        </section>
    }
}
