//! The Leptos shell: components that show the workspace and call the domain. State lives
//! in one `RwSignal<Workspace>`; one effect writes what changed to storage (see `state`).

mod actions;
mod backup;
mod board;
mod browser;
mod closed;
mod deal_editor;
mod gallery;
mod insights;
pub mod intl;
mod messages;
pub(crate) mod picture;
mod settings;
mod state;
mod theme;
mod undo;
mod update;

pub use state::Ctx;

use crate::i18n::{t, Lang};
use leptos::prelude::*;
use state::Screen;

/// The whole app: header, banners, the current screen, dialogs and the live region.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::start();
    provide_context(ctx);
    picture::install(ctx);
    provide_context(backup::Backups::start(ctx));
    let lang = ctx.lang;
    // A memo, so the screen is rebuilt only when a pipeline appears or goes, not on every
    // change to the workspace (which would re-create every card).
    let has_pipeline = Memo::new(move |_| ctx.current_pipeline_id().is_some());
    // Another screen opens at its top, as a new page would: the window keeps no scroll
    // from the screen before (the Backups screen scrolls to its messages), and a board
    // left scrolled would not be stored as the picture of the next start either.
    Effect::new(move |before: Option<Screen>| {
        let screen = ctx.screen.get();
        if before.is_some_and(|before| before != screen) {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
        screen
    });

    view! {
        <div class="app">
            <a class="skip-link" href="#main">{move || t(lang.get(), "app.skip")}</a>
            <header class="app-header">
                <h1 class="brand">"Pipewright"</h1>
                <PipelineSwitcher/>
                <div class="header-search">
                    <label for="search">{move || t(lang.get(), "search.label")}</label>
                    <input
                        id="search"
                        type="search"
                        placeholder=move || t(lang.get(), "search.placeholder")
                        prop:value=move || ctx.query.get()
                        on:input=move |ev| ctx.query.set(event_target_value(&ev))
                    />
                </div>
                <theme::ThemeSwitch/>
                <LangSwitch/>
            </header>
            <Banners/>
            <main id="main" tabindex="-1">
                {move || match ctx.screen.get() {
                    Screen::Gallery => view! { <gallery::Gallery/> }.into_any(),
                    Screen::Settings => view! { <settings::PipelineSettings/> }.into_any(),
                    Screen::Insights => view! { <insights::Insights/> }.into_any(),
                    Screen::Backup => view! { <backup::BackupPanel/> }.into_any(),
                    Screen::Board => {
                        if has_pipeline.get() {
                            view! {
                                <board::Board/>
                                <closed::ClosedDeals/>
                            }
                                .into_any()
                        } else {
                            view! { <gallery::Gallery/> }.into_any()
                        }
                    }
                }}
            </main>
            <deal_editor::DealEditor/>
            <deal_editor::LostDialog/>
            <undo::UndoToast/>
            <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
                {move || ctx.announcement.get()}
            </div>
        </div>
    }
}

/// Switches the interface language; the choice is remembered.
#[component]
fn LangSwitch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let button = move |lang: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                lang=lang.code()
                aria-pressed=move || (ctx.lang.get() == lang).to_string()
                on:click=move |_| ctx.set_lang(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t(ctx.lang.get(), "lang.label")>
            {button(Lang::Nb, "Norsk")}
            {button(Lang::En, "English")}
        </div>
    }
}

/// Chooses the pipeline on the board, and opens the gallery or the pipeline's settings.
#[component]
fn PipelineSwitcher() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let pipelines = Memo::new(move |_| {
        ctx.ws.with(|ws| {
            ws.pipelines
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <nav class="pipeline-switcher" aria-label=move || t(lang.get(), "pipelines.nav")>
            <Show when=move || !pipelines.get().is_empty()>
                <label for="pipeline-select">{move || t(lang.get(), "pipelines.label")}</label>
                <select
                    id="pipeline-select"
                    on:change=move |ev| ctx.open_pipeline(event_target_value(&ev).into())
                >
                    <For
                        each=move || pipelines.get()
                        key=|(id, name)| (id.clone(), name.clone())
                        let((id, name))
                    >
                        <option
                            value=id.to_string()
                            selected=move || ctx.current_pipeline_id().as_deref() == Some(id.as_str())
                        >
                            {name}
                        </option>
                    </For>
                </select>
                <ScreenButton screen=Screen::Settings label="pipelines.settings"/>
                <ScreenButton screen=Screen::Insights label="pipelines.insights"/>
            </Show>
            <ScreenButton screen=Screen::Gallery label="pipelines.new"/>
            <ScreenButton screen=Screen::Backup label="pipelines.backup"/>
        </nav>
    }
}

/// Opens a screen, or goes back to the board when it is already open.
#[component]
fn ScreenButton(screen: Screen, label: &'static str) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <button
            type="button"
            aria-pressed=move || (ctx.screen.get() == screen).to_string()
            on:click=move |_| ctx.toggle_screen(screen)
        >
            {move || t(ctx.lang.get(), label)}
        </button>
    }
}

/// The `<option>`s of a currency picker, with `selected` chosen.
pub fn currency_options(selected: &str) -> impl IntoView {
    crate::domain::Currency::all_codes()
        .map(|code| view! { <option value=code selected=code == selected>{code}</option> })
        .collect_view()
}

/// Storage problems and other notices, each saying what happened and what to do.
#[component]
fn Banners() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    view! {
        <div class="banners">
            <update::UpdatePrompt/>
            <backup::BackupReminder/>
            <Show when=move || !ctx.unreadable.get().is_empty()>
                <div class="banner banner-warning" role="alert">
                    <p>
                        {move || {
                            intl::tn(lang.get(), "storage.unreadable", ctx.unreadable.with(Vec::len), &[])
                        }}
                    </p>
                    <ul class="unreadable-list">
                        {move || {
                            ctx.unreadable
                                .get()
                                .into_iter()
                                .map(|u| {
                                    let reason = messages::decode_error_text(lang.get(), &u.reason);
                                    view! { <li><code>{u.key}</code>": "{reason}</li> }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <button type="button" on:click=move |_| ctx.download_unreadable()>
                        {move || t(lang.get(), "storage.unreadable.download")}
                    </button>
                    <button type="button" on:click=move |_| ctx.discard_unreadable()>
                        {move || intl::tn(lang.get(), "storage.unreadable.discard", ctx.unreadable.with(Vec::len), &[])}
                    </button>
                </div>
            </Show>
            <Show when=move || ctx.save_error.get().is_some()>
                <div class="banner banner-error" role="alert">
                    <p>
                        {move || match ctx.save_error.get() {
                            Some(crate::storage::local::StorageError::Quota) => {
                                t(lang.get(), "storage.quota")
                            }
                            Some(crate::storage::local::StorageError::Unavailable) => {
                                t(lang.get(), "storage.unavailable")
                            }
                            _ => t(lang.get(), "storage.failed"),
                        }}
                    </p>
                </div>
            </Show>
            <Show when=move || ctx.notice.get().is_some()>
                <div class="banner banner-info" role="alert">
                    <p>{move || ctx.notice.get().unwrap_or_default()}</p>
                    <button type="button" on:click=move |_| ctx.notice.set(None)>
                        {move || t(lang.get(), "action.dismiss")}
                    </button>
                </div>
            </Show>
        </div>
    }
}
