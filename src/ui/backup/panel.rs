//! The backup screen: export buttons, the file picker, the import's result or preview,
//! and "Undo import".

use super::{checked_export, local_time, Backups, ImportState};
use crate::backup::{self, Backup, MAX_BACKUP_BYTES};
use crate::i18n::{t, tf};
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

#[component]
pub fn BackupPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(input) = input else { return };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            backups.read(ctx, file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let last_backup = move || match backups.last_backup.get() {
        Some(at) => tf(
            lang.get(),
            "backup.last",
            &[("date", &intl::date(lang.get(), at.date_naive()))],
        ),
        None => t(lang.get(), "backup.never").to_string(),
    };
    let import_hint = move || {
        let mib = (MAX_BACKUP_BYTES / (1024 * 1024)).to_string();
        tf(lang.get(), "backup.import_hint", &[("mib", &mib)])
    };

    view! {
        <section class="backup" aria-labelledby="backup-title">
            <h2 id="backup-title">{move || t(lang.get(), "backup.title")}</h2>
            <p class="lead">{move || t(lang.get(), "backup.intro")}</p>
            <p class="last-backup">{last_backup}</p>
            <ExportButtons/>
            <super::health::StorageHealth/>
            <h3>{move || t(lang.get(), "backup.import_heading")}</h3>
            <p class="hint">{import_hint}</p>
            <div class="field">
                <label for="import-file">{move || t(lang.get(), "backup.choose_file")}</label>
                <input id="import-file" type="file" accept=".json,application/json" on:change=on_file/>
            </div>
            <ImportResult/>
            <Show when=move || backups.has_snapshot.get()>
                <div class="settings-row">
                    <button type="button" on:click=move |_| backups.undo(ctx)>
                        {move || t(lang.get(), "backup.undo")}
                    </button>
                    <span class="hint">{move || t(lang.get(), "backup.undo_hint")}</span>
                </div>
            </Show>
        </section>
    }
}

/// The whole workspace as JSON, and the current pipeline as JSON or CSV.
#[component]
fn ExportButtons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let current = Memo::new(move |_| {
        let pid = ctx.current_pipeline_id()?;
        ctx.ws
            .with(|ws| ws.pipeline(&pid).map(|p| (p.id.clone(), p.name.clone())))
    });
    let offer = move |file: String, mime: &str, contents: &str| {
        if browser::download(&file, mime, contents).is_ok() {
            ctx.announce(tf(
                lang.get_untracked(),
                "backup.exported",
                &[("file", &file)],
            ));
        }
    };
    let export_pipeline = move |_| {
        let Some((pid, name)) = current.get_untracked() else {
            return;
        };
        let now = browser::now();
        let contents = ctx
            .ws
            .with_untracked(|ws| backup::export_pipeline(ws, &pid, crate::APP_VERSION, now));
        if let Some(contents) = contents.and_then(|raw| checked_export(ctx, raw, now)) {
            let file = backup::pipeline_backup_file_name(&name, local_time(now));
            offer(file, "application/json", &contents);
        }
    };
    let export_csv = move |_| {
        let Some((pid, name)) = current.get_untracked() else {
            return;
        };
        let contents = ctx
            .ws
            .with_untracked(|ws| backup::export_csv(ws, &pid, lang.get_untracked()));
        if let Some(contents) = contents {
            let file = backup::csv_file_name(&name, local_time(browser::now()));
            offer(file, "text/csv;charset=utf-8", &contents);
        }
    };
    let current_name = move || current.get().map(|c| c.1).unwrap_or_default();
    view! {
        <h3>{move || t(lang.get(), "backup.export_heading")}</h3>
        <div class="settings-row">
            <button type="button" class="primary" on:click=move |_| backups.export_all(ctx)>
                {move || t(lang.get(), "backup.export")}
            </button>
            <Show when=move || current.get().is_some()>
                <button type="button" on:click=export_pipeline>
                    {move || tf(lang.get(), "backup.export_pipeline", &[("name", &current_name())])}
                </button>
                <button type="button" on:click=export_csv>
                    {move || tf(lang.get(), "backup.export_csv", &[("name", &current_name())])}
                </button>
            </Show>
        </div>
    }
}

/// What became of the chosen file: being read, refused with why, previewed, or imported.
#[component]
fn ImportResult() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    view! {
        <div class="import-result" aria-live="polite">
            {move || match backups.import.get() {
                ImportState::Idle => ().into_any(),
                ImportState::Reading(name) => view! {
                    <p>{move || tf(lang.get(), "backup.reading", &[("file", &name)])}</p>
                }.into_any(),
                ImportState::Failed { file_name, error } => view! {
                    <div class="banner banner-error" role="alert">
                        <p>
                            <strong>{tf(lang.get(), "backup.failed", &[("file", &file_name)])}</strong>" "
                            {error.message(lang.get())}" "
                            {t(lang.get(), "import.nothing_changed")}
                        </p>
                    </div>
                }.into_any(),
                ImportState::NoRoom { file_name, room } => view! {
                    <div class="banner banner-error" role="alert">
                        <p>
                            <strong>{tf(lang.get(), "backup.failed", &[("file", &file_name)])}</strong>" "
                            {tf(
                                lang.get(),
                                "backup.no_room",
                                &[
                                    ("needed", &intl::megabytes(lang.get(), room.needed)),
                                    ("room", &intl::megabytes(lang.get(), room.room)),
                                ],
                            )}" "
                            {t(lang.get(), "import.nothing_changed")}
                        </p>
                    </div>
                }.into_any(),
                ImportState::Preview { file_name, backup } => {
                    view! { <ImportPreview file_name=file_name backup=backup/> }.into_any()
                }
                ImportState::Done(text) => view! { <p class="import-done">{text}</p> }.into_any(),
            }}
        </div>
    }
}

/// A validated file: what it holds, and the choice between replacing and adding beside.
#[component]
fn ImportPreview(file_name: String, backup: Arc<Backup>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let lang_now = lang.get_untracked();
    let summary = tf(
        lang_now,
        "backup.preview",
        &[
            (
                "pipelines",
                &intl::tn(
                    lang_now,
                    "count.pipelines",
                    backup.workspace.pipelines.len(),
                    &[],
                ),
            ),
            (
                "deals",
                &intl::tn(lang_now, "count.deals", backup.workspace.deals.len(), &[]),
            ),
            (
                "date",
                &intl::date(lang_now, backup.exported_at.date_naive()),
            ),
            ("version", &backup.app_version),
        ],
    );
    let names = backup
        .workspace
        .pipelines
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let incoming = StoredValue::new(backup);
    let name = StoredValue::new(file_name.clone());
    view! {
        <div class="import-preview" role="group" aria-labelledby="import-preview-title">
            <h4 id="import-preview-title">{tf(lang_now, "backup.preview_title", &[("file", &file_name)])}</h4>
            <p>{summary}</p>
            <p class="hint">{names}</p>
            <div class="settings-row">
                <button type="button" class="danger" on:click=move |_| backups.replace(ctx, Arc::unwrap_or_clone(incoming.get_value()), &name.get_value())>
                    {move || t(lang.get(), "backup.replace")}
                </button>
                <button type="button" class="primary" on:click=move |_| backups.add_beside(ctx, Arc::unwrap_or_clone(incoming.get_value()), &name.get_value())>
                    {move || t(lang.get(), "backup.add")}
                </button>
                <button type="button" on:click=move |_| backups.import.set(ImportState::Idle)>
                    {move || t(lang.get(), "action.cancel")}
                </button>
            </div>
            <p class="hint">{move || t(lang.get(), "backup.replace_hint")}</p>
        </div>
    }
}
