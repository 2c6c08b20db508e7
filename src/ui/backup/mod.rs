//! Backups: export the workspace (or one pipeline) as JSON, a pipeline as CSV, and import
//! a backup file (picker or drop onto the page) with a preview, replace or add-beside, and
//! undo. Parsing and validation are `crate::backup`'s; nothing stored changes until the
//! file has been fully validated and the user has chosen.

mod health;
mod panel;
mod reminder;

pub use panel::BackupPanel;
pub use reminder::BackupReminder;

use super::browser;
use super::state::{Ctx, Screen};
use crate::backup::{self, Backup, ImportError, MAX_BACKUP_BYTES};
use crate::domain::Workspace;
use crate::i18n::{t, tf};
use crate::storage::codec;
use crate::storage::local;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

const SNAPSHOT_KEY: &str = "pipewright.snapshot";
const SNOOZE_KEY: &str = "pipewright.backup-snooze";
/// How long one slice of packing ahead may take, in milliseconds: a click that comes
/// meanwhile waits at most this long.
const SLICE_MS: f64 = 8.0;

/// What the import area shows: nothing, a validated file awaiting a choice, or an error.
#[derive(Clone, Debug, Default)]
pub enum ImportState {
    #[default]
    Idle,
    Reading(String),
    /// Shared, not copied, by the preview and the packing done while it is read.
    Preview {
        file_name: String,
        backup: Arc<Backup>,
    },
    Failed {
        file_name: String,
        error: ImportError,
    },
    /// Valid, but what it would leave does not fit in this browser's storage.
    NoRoom {
        file_name: String,
        room: codec::Room,
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
            match backup::parse_backup(&bytes) {
                Ok(backup) => {
                    let backup = Arc::new(backup);
                    self.import.set(ImportState::Preview {
                        file_name,
                        backup: backup.clone(),
                    });
                    self.pack_ahead(ctx, backup);
                }
                Err(error) => self.import.set(ImportState::Failed { file_name, error }),
            }
        });
    }

    /// While the preview of `backup` is read, packs the chunks "Replace" would store, a few
    /// milliseconds at a time, each slice a task of its own so that a click waits for one
    /// slice at most: most of what Replace costs is done before it is pressed. Starts once
    /// the page is idle (the preview painted), with what replacing the workspace as it is
    /// then would leave (a deal already here gets a raised revision); stops when the
    /// preview goes. Should the workspace change meanwhile, Replace packs what no longer
    /// matches.
    fn pack_ahead(self, ctx: Ctx, backup: Arc<Backup>) {
        struct Ahead {
            backup: Arc<Backup>,
            /// The workspace Replace would leave, and its packing, once begun.
            packing: Option<(Workspace, codec::PackAhead)>,
        }
        fn slice(backups: Backups, ctx: Ctx, ahead: Rc<RefCell<Ahead>>) {
            let mut state = ahead.borrow_mut();
            let previewed = backups.import.with_untracked(|shown| {
                matches!(shown, ImportState::Preview { backup, .. } if Arc::ptr_eq(backup, &state.backup))
            });
            if !previewed {
                return;
            }
            let until = js_sys::Date::now() + SLICE_MS;
            let mut more = true;
            if state.packing.is_none() {
                // A slice of its own: a copy of every deal.
                let after = ctx
                    .ws
                    .with_untracked(|ws| backup::replacement(ws, state.backup.workspace.clone()));
                let packer = codec::PackAhead::new(&after, codec::BUCKETS);
                state.packing = Some((after, packer));
            } else if let Some((after, packer)) = state.packing.as_mut() {
                while more && js_sys::Date::now() < until {
                    more = packer.step(after);
                }
            }
            drop(state);
            if more {
                browser::next_task(move || slice(backups, ctx, ahead));
            }
        }
        let ahead = Rc::new(RefCell::new(Ahead {
            backup,
            packing: None,
        }));
        let first_ahead = ahead.clone();
        let first = move || slice(self, ctx, ahead.clone());
        // Where the browser has no idle callbacks, at once, in a task of its own.
        if request_idle_callback_with_handle(first).is_err() {
            browser::next_task(move || slice(self, ctx, first_ahead));
        }
    }

    fn export_all(self, ctx: Ctx) {
        // A backup holds only deals checked by the import's rules.
        ctx.ensure_checked(false);
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

    /// Whether `after` (the workspace an import leaves) and `snapshot` fit in storage beside
    /// everything else stored. On no, says so with the figures and returns false: nothing
    /// has been written.
    fn check_room(self, after: &Workspace, snapshot: Option<&str>, file_name: &str) -> bool {
        let Ok((total, replaced)) = local::used_units(|key| {
            codec::is_workspace_key(key) || (snapshot.is_some() && key == SNAPSHOT_KEY)
        }) else {
            // Storage cannot even be measured: the writes will say what is wrong.
            return true;
        };
        let snapshot_units = snapshot.map_or(0, |s| codec::units([(SNAPSHOT_KEY, s)]));
        let room = codec::Room {
            needed: codec::store_units(after, codec::BUCKETS) + snapshot_units,
            room: codec::QUOTA_UNITS.saturating_sub(total - replaced),
        };
        if !room.fits() {
            self.import.set(ImportState::NoRoom {
                file_name: file_name.to_string(),
                room,
            });
        }
        room.fits()
    }

    /// Replaces the workspace with the previewed backup, keeping the current one as the
    /// snapshot "undo import" restores. Without a stored snapshot nothing is replaced.
    fn replace(self, ctx: Ctx, incoming: Backup, file_name: &str) {
        let lang = ctx.lang.get_untracked();
        let now = browser::now();
        let snapshot = ctx
            .ws
            .with_untracked(|ws| backup::export_workspace(ws, crate::APP_VERSION, now));
        // A snapshot that "undo" could not read back is no snapshot: do not go on.
        let Some(snapshot) = checked_export(ctx, snapshot, now) else {
            return;
        };
        // Packed like the deals: a snapshot of a large workspace as plain JSON would not fit.
        let snapshot = codec::pack::pack_text(&snapshot);
        let summary = count_summary(&incoming);
        // What replacing leaves (revisions raised where a deal is already here), measured
        // and stored as it is: what was packed ahead for it is used.
        let after = ctx
            .ws
            .with_untracked(|ws| backup::replacement(ws, incoming.workspace));
        if !self.check_room(&after, Some(&snapshot), file_name) {
            return;
        }
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
        ctx.apply(|ws| {
            backup::put_replacement(ws, after);
            Ok(())
        });
        self.import.set(ImportState::Done(tf(
            lang,
            "backup.replaced",
            &[("summary", &summary)],
        )));
        ctx.announce(tf(lang, "backup.replaced", &[("summary", &summary)]));
    }

    fn add_beside(self, ctx: Ctx, incoming: Backup, file_name: &str) {
        let lang = ctx.lang.get_untracked();
        let mut after = ctx.ws.get_untracked();
        backup::add_beside(&mut after, incoming.workspace.clone(), &mut browser::new_id);
        if !self.check_room(&after, None, file_name) {
            return;
        }
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
                    (
                        "pipelines",
                        &crate::ui::intl::tn(
                            lang,
                            "count.pipelines",
                            report.pipeline_ids.len(),
                            &[],
                        ),
                    ),
                    (
                        "deals",
                        &crate::ui::intl::tn(lang, "count.deals", report.n_deals, &[]),
                    ),
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
        // Packed since format 2; a snapshot kept by an older release is plain JSON.
        let raw = if codec::pack::is_packed(&raw) {
            codec::pack::unpack_text(&raw).unwrap_or(raw)
        } else {
            raw
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
pub(super) fn checked_export(ctx: Ctx, raw: String, now: DateTime<Utc>) -> Option<String> {
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
pub(super) fn local_time(now: DateTime<Utc>) -> chrono::NaiveDateTime {
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
