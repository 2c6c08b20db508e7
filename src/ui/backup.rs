//! Backups: export the workspace (or one pipeline) as JSON, a pipeline as CSV, and import
//! a backup file (picker or drop onto the page) with a preview, replace or add-beside, and
//! undo. Parsing and validation are `crate::backup`'s; nothing stored changes until the
//! file has been fully validated and the user has chosen.

use super::browser;
use super::intl;
use super::state::{Ctx, Screen};
use crate::backup::{self, Backup, ImportError, MAX_BACKUP_BYTES};
use crate::i18n::{t, tf};
use crate::storage::codec;
use crate::storage::local;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const SNAPSHOT_KEY: &str = "pipewright.snapshot";
const SNOOZE_KEY: &str = "pipewright.backup-snooze";

/// What the import area shows: nothing, a validated file awaiting a choice, or an error.
#[derive(Clone, Debug, Default)]
pub enum ImportState {
    #[default]
    Idle,
    Reading(String),
    Preview {
        file_name: String,
        backup: Box<Backup>,
    },
    Failed {
        file_name: String,
        error: ImportError,
    },
    Done(String),
}

/// Backup state shared by the panel, the reminder and the page-wide file drop.
#[derive(Clone, Copy)]
pub struct Backups {
    pub import: RwSignal<ImportState>,
    pub last_backup: RwSignal<Option<DateTime<Utc>>>,
    snoozed_until: RwSignal<Option<DateTime<Utc>>>,
    has_snapshot: RwSignal<bool>,
}

fn stored_time(key: &str) -> Option<DateTime<Utc>> {
    local::get(key)
        .ok()
        .flatten()
        .and_then(|raw| DateTime::parse_from_rfc3339(&raw).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Backups {
    /// Reads the backup bookkeeping and listens for files dropped anywhere on the page.
    pub fn start(ctx: Ctx) -> Backups {
        let backups = Backups {
            import: RwSignal::new(ImportState::Idle),
            last_backup: RwSignal::new(stored_time(codec::LAST_BACKUP_KEY)),
            snoozed_until: RwSignal::new(stored_time(SNOOZE_KEY)),
            has_snapshot: RwSignal::new(local::get(SNAPSHOT_KEY).ok().flatten().is_some()),
        };
        let over = window_event_listener(leptos::ev::dragover, move |ev| {
            if carries_files(&ev) {
                ev.prevent_default();
            }
        });
        let drop = window_event_listener(leptos::ev::drop, move |ev| {
            if !carries_files(&ev) {
                return;
            }
            ev.prevent_default();
            let file = ev
                .data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                ctx.screen.set(Screen::Backup);
                backups.read(ctx, file);
            }
        });
        on_cleanup(move || {
            over.remove();
            drop.remove();
        });
        backups
    }

    /// Reads and validates a file; the result is shown in the import area.
    fn read(self, ctx: Ctx, file: web_sys::File) {
        let file_name = file.name();
        let size = file.size();
        if size > MAX_BACKUP_BYTES as f64 {
            self.import.set(ImportState::Failed {
                file_name,
                error: ImportError::TooLarge {
                    bytes: size as usize,
                    limit: MAX_BACKUP_BYTES,
                },
            });
            return;
        }
        self.import.set(ImportState::Reading(file_name.clone()));
        let lang = ctx.lang;
        leptos::task::spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    ctx.notice.set(Some(
                        t(lang.get_untracked(), "backup.read_failed").to_string(),
                    ));
                    self.import.set(ImportState::Idle);
                    return;
                }
            };
            self.import.set(match backup::parse_backup(&bytes) {
                Ok(backup) => ImportState::Preview {
                    file_name,
                    backup: Box::new(backup),
                },
                Err(error) => ImportState::Failed { file_name, error },
            });
        });
    }

    fn export_all(self, ctx: Ctx) {
        let now = browser::now();
        let contents = ctx
            .ws
            .with_untracked(|ws| backup::export_workspace(ws, crate::APP_VERSION, now));
        let Some(contents) = checked_export(ctx, contents, now) else {
            return;
        };
        let name = backup::backup_file_name(local_time(now));
        if browser::download(&name, "application/json", &contents).is_ok() {
            // Remembering the time is best effort: a full store must not block the download.
            let _ = local::set(codec::LAST_BACKUP_KEY, &now.to_rfc3339());
            self.last_backup.set(Some(now));
            ctx.announce(tf(
                ctx.lang.get_untracked(),
                "backup.exported",
                &[("file", &name)],
            ));
        } else {
            ctx.notice.set(Some(
                t(ctx.lang.get_untracked(), "storage.download_failed").to_string(),
            ));
        }
    }

    fn snooze(self) {
        let until = browser::now() + Duration::days(backup::SNOOZE_DAYS);
        let _ = local::set(SNOOZE_KEY, &until.to_rfc3339());
        self.snoozed_until.set(Some(until));
    }

    /// Replaces the workspace with the previewed backup, keeping the current one as the
    /// snapshot "undo import" restores. Without a stored snapshot nothing is replaced.
    fn replace(self, ctx: Ctx, incoming: Backup) {
        let lang = ctx.lang.get_untracked();
        let now = browser::now();
        let snapshot = ctx
            .ws
            .with_untracked(|ws| backup::export_workspace(ws, crate::APP_VERSION, now));
        // A snapshot that "undo" could not read back is no snapshot: do not go on.
        let Some(snapshot) = checked_export(ctx, snapshot, now) else {
            return;
        };
        if let Err(err) = local::set(SNAPSHOT_KEY, &snapshot) {
            let key = if err == local::StorageError::Quota {
                "backup.snapshot_quota"
            } else {
                "backup.snapshot_failed"
            };
            ctx.notice.set(Some(t(lang, key).to_string()));
            return;
        }
        self.has_snapshot.set(true);
        let summary = count_summary(&incoming);
        ctx.apply(|ws| {
            backup::replace(ws, incoming.workspace);
            Ok(())
        });
        self.import.set(ImportState::Done(tf(
            lang,
            "backup.replaced",
            &[("summary", &summary)],
        )));
        ctx.announce(tf(lang, "backup.replaced", &[("summary", &summary)]));
    }

    fn add_beside(self, ctx: Ctx, incoming: Backup) {
        let lang = ctx.lang.get_untracked();
        let report = ctx.apply(|ws| {
            Ok(backup::add_beside(
                ws,
                incoming.workspace,
                &mut browser::new_id,
            ))
        });
        if let Some(report) = report {
            let text = tf(
                lang,
                "backup.added",
                &[
                    ("pipelines", &report.pipeline_ids.len().to_string()),
                    ("deals", &report.n_deals.to_string()),
                ],
            );
            if let Some(first) = report.pipeline_ids.first() {
                ctx.open_pipeline(first.clone());
                ctx.screen.set(Screen::Backup);
            }
            self.import.set(ImportState::Done(text.clone()));
            ctx.announce(text);
        }
    }

    /// Puts back the workspace as it was before the last replace.
    fn undo(self, ctx: Ctx) {
        let lang = ctx.lang.get_untracked();
        let Some(raw) = local::get(SNAPSHOT_KEY).ok().flatten() else {
            self.has_snapshot.set(false);
            return;
        };
        match backup::parse_backup(raw.as_bytes()) {
            Ok(snapshot) => {
                ctx.apply(|ws| {
                    backup::replace(ws, snapshot.workspace);
                    Ok(())
                });
                let _ = local::remove(SNAPSHOT_KEY);
                self.has_snapshot.set(false);
                self.import
                    .set(ImportState::Done(t(lang, "backup.undone").to_string()));
                ctx.announce(t(lang, "backup.undone").to_string());
            }
            Err(error) => {
                ctx.notice.set(Some(format!(
                    "{} {}",
                    t(lang, "backup.undo_failed"),
                    error.message(lang)
                )));
            }
        }
    }
}

/// Runs an export through the import's own validation. A file that fails it is a bug:
/// the user is told, and gets the data anyway as a separate download, so nothing is lost.
fn checked_export(ctx: Ctx, raw: String, now: DateTime<Utc>) -> Option<String> {
    match backup::verify_export(raw) {
        Ok(raw) => Some(raw),
        Err(failed) => {
            let lang = ctx.lang.get_untracked();
            let name = format!(
                "pipewright-unchecked-{}.json",
                local_time(now).format("%Y-%m-%d-%H%M")
            );
            let _ = browser::download(&name, "application/json", &failed.raw);
            ctx.notice.set(Some(tf(
                lang,
                "export.unchecked",
                &[("reason", &failed.error.message(lang))],
            )));
            None
        }
    }
}

fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer()
        .map(|dt| {
            dt.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

/// The user's wall-clock time, for file names (the browser knows the time zone).
fn local_time(now: DateTime<Utc>) -> chrono::NaiveDateTime {
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset();
    now.naive_utc() - Duration::minutes(offset_minutes as i64)
}

fn count_summary(backup: &Backup) -> String {
    format!(
        "{} / {}",
        backup.workspace.pipelines.len(),
        backup.workspace.deals.len()
    )
}

/// A gentle reminder in the banner area when changes are in no backup and it has been a
/// while; "later" keeps it away for a few days.
#[component]
pub fn BackupReminder() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let due = Memo::new(move |_| {
        let last = backups.last_backup.get();
        let snoozed = backups.snoozed_until.get();
        ctx.ws
            .with(|ws| backup::reminder_due(ws, last, snoozed, browser::now()))
    });
    view! {
        <Show when=move || due.get()>
            // A note, not a status: the live region is kept for announcing moves.
            <div class="banner banner-info backup-reminder" role="note">
                <p>
                    {move || match backups.last_backup.get() {
                        Some(at) => tf(lang.get(), "backup.reminder_since", &[("date", &intl::date(lang.get(), at.date_naive()))]),
                        None => t(lang.get(), "backup.reminder_never").to_string(),
                    }}
                </p>
                <button type="button" class="primary" on:click=move |_| backups.export_all(ctx)>
                    {move || t(lang.get(), "backup.export")}
                </button>
                <button type="button" on:click=move |_| backups.snooze()>
                    {move || t(lang.get(), "backup.later")}
                </button>
            </div>
        </Show>
    }
}

#[component]
pub fn BackupPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let current = Memo::new(move |_| {
        let pid = ctx.current_pipeline_id()?;
        ctx.ws
            .with(|ws| ws.pipeline(&pid).map(|p| (p.id.clone(), p.name.clone())))
    });

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
            if browser::download(&file, "application/json", &contents).is_ok() {
                ctx.announce(tf(
                    lang.get_untracked(),
                    "backup.exported",
                    &[("file", &file)],
                ));
            }
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
            if browser::download(&file, "text/csv;charset=utf-8", &contents).is_ok() {
                ctx.announce(tf(
                    lang.get_untracked(),
                    "backup.exported",
                    &[("file", &file)],
                ));
            }
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(input) = input else { return };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            backups.read(ctx, file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };

    view! {
        <section class="backup" aria-labelledby="backup-title">
            <h2 id="backup-title">{move || t(lang.get(), "backup.title")}</h2>
            <p class="lead">{move || t(lang.get(), "backup.intro")}</p>
            <p class="last-backup">
                {move || match backups.last_backup.get() {
                    Some(at) => tf(lang.get(), "backup.last", &[("date", &intl::date(lang.get(), at.date_naive()))]),
                    None => t(lang.get(), "backup.never").to_string(),
                }}
            </p>

            <h3>{move || t(lang.get(), "backup.export_heading")}</h3>
            <div class="settings-row">
                <button type="button" class="primary" on:click=move |_| backups.export_all(ctx)>
                    {move || t(lang.get(), "backup.export")}
                </button>
                <Show when=move || current.get().is_some()>
                    <button type="button" on:click=export_pipeline>
                        {move || tf(lang.get(), "backup.export_pipeline", &[("name", &current.get().map(|c| c.1).unwrap_or_default())])}
                    </button>
                    <button type="button" on:click=export_csv>
                        {move || tf(lang.get(), "backup.export_csv", &[("name", &current.get().map(|c| c.1).unwrap_or_default())])}
                    </button>
                </Show>
            </div>

            <h3>{move || t(lang.get(), "backup.import_heading")}</h3>
            <p class="hint">{move || tf(lang.get(), "backup.import_hint", &[("mib", &(MAX_BACKUP_BYTES / (1024 * 1024)).to_string())])}</p>
            <div class="field">
                <label for="import-file">{move || t(lang.get(), "backup.choose_file")}</label>
                <input id="import-file" type="file" accept=".json,application/json" on:change=on_file/>
            </div>
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
                    ImportState::Preview { file_name, backup: incoming } => {
                        let preview = (*incoming).clone();
                        let for_replace = preview.clone();
                        let for_add = preview.clone();
                        let lang_now = lang.get();
                        let (n_pipelines, n_deals) = (preview.workspace.pipelines.len(), preview.workspace.deals.len());
                        let names = preview.workspace.pipelines.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ");
                        view! {
                            <div class="import-preview" role="group" aria-labelledby="import-preview-title">
                                <h4 id="import-preview-title">{tf(lang_now, "backup.preview_title", &[("file", &file_name)])}</h4>
                                <p>{tf(lang_now, "backup.preview", &[
                                    ("pipelines", &n_pipelines.to_string()),
                                    ("deals", &n_deals.to_string()),
                                    ("date", &intl::date(lang_now, preview.exported_at.date_naive())),
                                    ("version", &preview.app_version),
                                ])}</p>
                                <p class="hint">{names}</p>
                                <div class="settings-row">
                                    <button type="button" class="danger" on:click=move |_| backups.replace(ctx, for_replace.clone())>
                                        {move || t(lang.get(), "backup.replace")}
                                    </button>
                                    <button type="button" class="primary" on:click=move |_| backups.add_beside(ctx, for_add.clone())>
                                        {move || t(lang.get(), "backup.add")}
                                    </button>
                                    <button type="button" on:click=move |_| backups.import.set(ImportState::Idle)>
                                        {move || t(lang.get(), "action.cancel")}
                                    </button>
                                </div>
                                <p class="hint">{move || t(lang.get(), "backup.replace_hint")}</p>
                            </div>
                        }.into_any()
                    }
                    ImportState::Done(text) => view! { <p class="import-done">{text}</p> }.into_any(),
                }}
            </div>
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
