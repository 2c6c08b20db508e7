//! The app's reactive state and the only bridge between it and storage: `Ctx::start`
//! loads, one effect saves what changed, and the `storage` event brings in other tabs'
//! changes.

use super::browser;
use super::messages::{domain_error_text, recovery_text};
use crate::domain::columns::Columns;
use crate::domain::recovery::Recovery;
use crate::domain::undo::{Baseline, History};
use crate::domain::{DealId, DomainError, PipelineId, StageId, Workspace};
use crate::i18n::{t, tf, Lang};
use crate::storage::codec::{self, Saved};
use crate::storage::local::{self, StorageError, Unreadable};
use leptos::prelude::*;
use std::collections::HashMap;

const CURRENT_KEY: &str = "pipewright.current";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Board,
    Gallery,
    Settings,
    Insights,
    Backup,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub ws: RwSignal<Workspace>,
    pub lang: RwSignal<Lang>,
    current: RwSignal<Option<PipelineId>>,
    pub screen: RwSignal<Screen>,
    pub query: RwSignal<String>,
    /// The text of the polite live region, for screen readers.
    pub announcement: RwSignal<String>,
    /// The last save failed; the change is on screen but not stored.
    pub save_error: RwSignal<Option<StorageError>>,
    /// A message for the user (a rejected edit, another tab's change), already translated.
    pub notice: RwSignal<Option<String>>,
    /// The deal open in the editor.
    pub editing: RwSignal<Option<DealId>>,
    /// The deal being marked lost.
    pub losing: RwSignal<Option<DealId>>,
    pub unreadable: RwSignal<Vec<Unreadable>>,
    saved: StoredValue<Saved>,
    /// The board's columns, kept up to date change by change (see `domain::columns`).
    pub columns: StoredValue<Columns>,
    /// One version counter per stage, bumped when that column changes: a column listens
    /// to its own, so a move redraws the two columns it touched and no other.
    column_versions: StoredValue<HashMap<StageId, ArcRwSignal<u64>>>,
    /// A deal that was just moved: its column scrolls it into view, so focus can follow.
    pub reveal: RwSignal<Option<DealId>>,
    /// The workspace as of the last change, to tell what the next one did (undo).
    baseline: StoredValue<Option<Baseline>>,
    /// What can be undone and redone.
    pub history: RwSignal<History>,
    /// A change not yet recorded for undo: what it did is worked out just after it is
    /// stored (`record_change`), off the path from the key to storage. `Some(name)`
    /// once the change's own announcement has named it.
    unrecorded: StoredValue<Option<Option<String>>>,
    /// The message after a change, with its Undo (or Redo) button.
    pub toast: RwSignal<Option<Toast>>,
    /// The loaded deals still to check by the import's rules (see `codec::load_unchecked`),
    /// with the recovery made at load: done right after the board is first drawn, or before
    /// anything that depends on it, whichever comes first.
    unchecked: StoredValue<Option<(codec::Unchecked, Recovery)>>,
    /// The check took deals out: the save effect's next run is not a change of the user's
    /// (nothing is written at start-up), so it writes nothing.
    skip_save: StoredValue<bool>,
}

/// The message shown after a change or an undo, and what its button does.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub text: String,
    /// True: the button redoes (the message is about an undo); false: it undoes.
    pub redo: bool,
    /// Counts messages, so an old message's timer does not close a newer one.
    pub serial: u64,
}

impl Ctx {
    /// Loads the workspace from storage and wires up saving and cross-tab sync.
    pub fn start() -> Ctx {
        let lang = starting_lang();
        let mut migrated = local::ApplyReport::default();
        let mut unchecked = None;
        let (ws, saved, unreadable, recovered, load_error) = match local::load_unchecked(lang) {
            Ok(startup) => {
                let mut loaded = startup.loaded;
                unchecked = loaded.unchecked.take();
                // A format-1 store is moved to format 2 now: the one write at start-up,
                // which stores what was stored, in the new form.
                let error = loaded.migration.take().and_then(|migration| {
                    local::migrate(migration, &loaded.ws, &mut loaded.saved, &mut migrated).err()
                });
                (
                    loaded.ws,
                    loaded.saved,
                    startup.unreadable,
                    loaded.recovered,
                    error,
                )
            }
            Err(err) => (
                Workspace::default(),
                Saved::default(),
                Vec::new(),
                Recovery::default(),
                Some(err),
            ),
        };
        let current = local::get(CURRENT_KEY)
            .ok()
            .flatten()
            .map(PipelineId::from)
            .filter(|id| ws.pipeline(id).is_some())
            .or_else(|| recovered.pipeline_ids.first().cloned());
        let notice = (!recovered.is_empty()).then(|| recovery_text(lang, &recovered));
        let recovered = recovered.clone();
        let columns = Columns::new(&ws);
        let ctx = Ctx {
            ws: RwSignal::new(ws),
            lang: RwSignal::new(lang),
            current: RwSignal::new(current),
            screen: RwSignal::new(Screen::Board),
            query: RwSignal::new(String::new()),
            announcement: RwSignal::new(String::new()),
            save_error: RwSignal::new(load_error),
            notice: RwSignal::new(notice),
            editing: RwSignal::new(None),
            losing: RwSignal::new(None),
            unreadable: RwSignal::new(unreadable),
            saved: StoredValue::new(saved),
            columns: StoredValue::new(columns),
            column_versions: StoredValue::new(HashMap::new()),
            reveal: RwSignal::new(None),
            baseline: StoredValue::new(None),
            history: RwSignal::new(History::default()),
            unrecorded: StoredValue::new(None),
            toast: RwSignal::new(None),
            unchecked: StoredValue::new(None),
            skip_save: StoredValue::new(false),
        };
        ctx.unchecked
            .set_value(unchecked.map(|unchecked| (unchecked, recovered)));
        ctx.wire();
        // What the first change did is told against a copy of the workspace made once the
        // board is up (a large workspace takes a moment to copy).
        // Each deal's check by the import's rules waits until the board is drawn (the
        // next frame, then a task after it), unless something needs it sooner.
        request_animation_frame(move || {
            set_timeout(
                move || ctx.ensure_checked(true),
                std::time::Duration::from_millis(0),
            );
        });
        set_timeout(
            move || ctx.ensure_baseline(),
            std::time::Duration::from_millis(300),
        );
        ctx.take_in(migrated);
        ctx
    }

    fn wire(self) {
        // The column index follows every change; only the columns that changed are told.
        Effect::new(move |ran_before: Option<()>| {
            let changed = self.ws.with(|ws| {
                self.columns
                    .try_update_value(|columns| columns.refresh(ws))
                    .unwrap_or_default()
            });
            if ran_before.is_some() {
                for stage in changed {
                    self.column_version(&stage).update(|v| *v += 1);
                }
            }
        });
        // The one place that saves: whenever the workspace changes, write what differs from
        // what this tab last saw in storage.
        // Its first run only subscribes: nothing is written until something changes, so a
        // first visit, or a start that recovered deals, leaves storage as it was.
        Effect::new(move |ran_before: Option<()>| {
            let writes = self
                .ws
                .with(|ws| self.saved.with_value(|saved| codec::plan(ws, saved)));
            if ran_before.is_none() || writes.is_empty() || self.skip_save.get_value() {
                self.skip_save.set_value(false);
                return;
            }
            let report = self
                .saved
                .try_update_value(|saved| local::apply(writes, saved))
                .unwrap_or_default();
            self.save_error.set(report.error.clone());
            self.take_in(report);
        });
        Effect::new(move |_| {
            let lang = self.lang.get();
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang.code());
            }
        });
        // Another tab changed storage: take its change, so neither tab overwrites the other.
        let handle = window_event_listener(leptos::ev::storage, move |ev| {
            match ev.key() {
                Some(key) if codec::is_workspace_key(&key) => {
                    // A picture this tab stored while hidden no longer shows what is stored
                    // (a tab of a release before the write mark changes no mark).
                    let _ = local::remove(codec::PICTURE_KEY);
                    self.adopt_stored(&key, ev.new_value());
                }
                // Written after that tab's data: everything before it is taken in.
                Some(key) if key == codec::WRITTEN_KEY => local::saw_written(ev.new_value()),
                // `clear()` in another tab: this tab's copy is all that is left; say so.
                None => self.notice.set(Some(
                    t(self.lang.get_untracked(), "sync.cleared").to_string(),
                )),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }

    /// Takes in what other tabs stored under keys this tab just wrote (merged chunks, or
    /// values in the way), and says so when they had changed the same thing.
    fn take_in(self, report: local::ApplyReport) {
        for (key, stored) in report.taken {
            self.adopt_stored(&key, stored);
        }
        if report.conflict {
            self.notice.set(Some(
                t(self.lang.get_untracked(), "sync.conflict").to_string(),
            ));
        }
    }

    /// Takes what is stored under `key` (written by another tab) into this tab's state, by
    /// the same rules as loading (`codec::adopt`).
    fn adopt_stored(self, key: &str, stored: Option<String>) {
        self.ensure_checked(true);
        // Our own last change is recorded as ours before another tab's comes in.
        self.record_change();
        let lang = self.lang.get_untracked();
        let mut adopted = codec::Adopted::Unchanged;
        self.ws.maybe_update(|ws| {
            adopted = self
                .saved
                .try_update_value(|saved| codec::adopt(ws, saved, key, stored.as_deref(), lang))
                .unwrap_or(codec::Adopted::Unchanged);
            matches!(adopted, codec::Adopted::Changed(_))
        });
        if matches!(adopted, codec::Adopted::Changed(_)) {
            // Another tab's change is not ours to undo: the baseline takes it in silently.
            self.ws.with_untracked(|ws| {
                self.baseline.update_value(|b| {
                    if let Some(b) = b {
                        b.advance(ws);
                    }
                })
            });
        }
        match adopted {
            codec::Adopted::Changed(recovery) if !recovery.is_empty() => {
                self.notice.set(Some(recovery_text(lang, &recovery)));
            }
            codec::Adopted::Unreadable(err) => {
                if let Some(raw) = stored {
                    self.report_unreadable(key, &raw, &err);
                }
            }
            _ => {}
        }
    }

    fn report_unreadable(self, key: &str, raw: &str, reason: &codec::DecodeError) {
        self.unreadable.update(|list| {
            if !list.iter().any(|u| u.key == key && u.raw == raw) {
                list.push(Unreadable {
                    key: key.to_string(),
                    reason: reason.clone(),
                    raw: raw.to_string(),
                    deal: None,
                    shared: false,
                    kept_as: None,
                });
            }
        });
    }

    /// Runs a rule on the workspace. Every rule checks everything before it changes
    /// anything, so on an error the workspace is as it was (the property test in
    /// `tests/integrity.rs` holds every rule to that) and no one is notified. The error is
    /// returned for the caller to show where it belongs.
    pub fn try_apply<T>(
        self,
        op: impl FnOnce(&mut Workspace) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        self.ensure_checked(false);
        self.ensure_baseline();
        self.record_change();
        let result = self.run(op);
        if result.is_ok() {
            self.unrecorded.set_value(Some(None));
            // Queued behind the effects the change woke (the column index, the save), so
            // the key-to-stored path does not wait for it.
            leptos::task::spawn_local(async move { self.record_change() });
        }
        result
    }

    /// Records the last change for undo, named by its announcement if it made one, and
    /// shows its message. Anything that must see the history as it is calls this first.
    fn record_change(self) {
        let Some(name) = self.unrecorded.try_update_value(Option::take).flatten() else {
            return;
        };
        if let Some(change) = self.advance_baseline() {
            let label =
                name.unwrap_or_else(|| t(self.lang.get_untracked(), "undo.change").to_string());
            self.history.update(|h| h.record(change, label.clone()));
            self.show_toast(label, false);
        }
    }

    /// Runs a rule on the workspace, recording nothing.
    fn run<T>(
        self,
        op: impl FnOnce(&mut Workspace) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        let mut outcome = None;
        self.ws.maybe_update(|ws| {
            let result = op(ws);
            let changed = result.is_ok();
            outcome = Some(result);
            changed
        });
        // `maybe_update` always runs the closure while the app is mounted.
        outcome.unwrap_or(Err(DomainError::PipelineNotFound))
    }

    /// [`Ctx::try_apply`], showing an error in the notice banner; `None` on an error.
    pub fn apply<T>(self, op: impl FnOnce(&mut Workspace) -> Result<T, DomainError>) -> Option<T> {
        match self.try_apply(op) {
            Ok(value) => Some(value),
            Err(err) => {
                self.notice
                    .set(Some(domain_error_text(self.lang.get_untracked(), &err)));
                None
            }
        }
    }

    /// The version counter of a stage's column (see `column_versions`).
    pub fn column_version(self, stage_id: &StageId) -> ArcRwSignal<u64> {
        self.column_versions
            .try_update_value(|map| map.entry(stage_id.clone()).or_default().clone())
            .unwrap_or_default()
    }

    pub fn set_lang(self, lang: Lang) {
        self.lang.set(lang);
        // A language that cannot be remembered still applies to this visit.
        let _ = local::set(codec::LANG_KEY, lang.code());
    }

    /// Whether a start now would open on this tab's language and pipeline: another tab may
    /// have chosen others since (`ui::picture` stores no picture then).
    pub fn starts_as_shown(self) -> bool {
        let stored = local::get(CURRENT_KEY).ok().flatten().map(PipelineId::from);
        let (at_start, shown) = self.ws.with_untracked(|ws| {
            let first = || ws.pipelines.first().map(|p| p.id.clone());
            let valid = |id: &PipelineId| ws.pipeline(id).is_some();
            (
                stored.filter(valid).or_else(first),
                self.current.get_untracked().filter(valid).or_else(first),
            )
        });
        // A language chosen in any tab is stored; none stored, the start takes the
        // browser's, as this tab did (asked again while the page is being left, the
        // browser may answer otherwise).
        stored_lang().is_none_or(|lang| lang == self.lang.get_untracked()) && at_start == shown
    }

    /// The pipeline on the board: the chosen one, or else the first.
    pub fn current_pipeline_id(self) -> Option<PipelineId> {
        let chosen = self.current.get();
        self.ws.with(|ws| {
            chosen
                .filter(|id| ws.pipeline(id).is_some())
                .or_else(|| ws.pipelines.first().map(|p| p.id.clone()))
        })
    }

    pub fn open_pipeline(self, id: PipelineId) {
        let _ = local::set(CURRENT_KEY, &id);
        self.current.set(Some(id));
        self.screen.set(Screen::Board);
    }

    pub fn toggle_screen(self, screen: Screen) {
        self.ensure_checked(false);
        self.screen
            .update(|s| *s = if *s == screen { Screen::Board } else { screen });
    }

    pub fn announce(self, text: String) {
        // The change just made, not yet recorded, is named by this sentence.
        self.unrecorded.update_value(|pending| {
            if let Some(name @ None) = pending {
                *name = Some(text.clone());
            }
        });
        self.announcement.set(text);
    }

    /// Runs the deferred check of the loaded deals, if it has not run yet. Refused deals
    /// leave the board and are kept raw, as a load that checks at once would have done.
    /// `idle`: no change of the user's follows in this turn, so the save the check's own
    /// change sets off writes nothing (storage changes only after the user does something).
    pub fn ensure_checked(self, idle: bool) {
        let Some((unchecked, recovered)) = self.unchecked.try_update_value(Option::take).flatten()
        else {
            return;
        };
        let lang = self.lang.get_untracked();
        let mut refused = Vec::new();
        let mut recovery = None;
        self.ws.maybe_update(|ws| {
            let (unreadable, recovered) = self
                .saved
                .try_update_value(|saved| {
                    local::check_loaded(ws, saved, unchecked, &recovered, lang)
                })
                .unwrap_or_default();
            refused = unreadable;
            recovery = recovered;
            !refused.is_empty()
        });
        if refused.is_empty() {
            return;
        }
        if idle {
            self.skip_save.set_value(true);
        }
        self.unreadable.update(|list| list.extend(refused));
        if let Some(recovery) = recovery.filter(|r| !r.is_empty()) {
            self.notice.set(Some(recovery_text(lang, &recovery)));
        }
        // Not a change of the user's: the undo baseline takes it in silently.
        self.record_change();
        let _ = self.advance_baseline();
    }

    fn ensure_baseline(self) {
        if self.baseline.with_value(Option::is_none) {
            let baseline = self.ws.with_untracked(Baseline::of);
            self.baseline.set_value(Some(baseline));
        }
    }

    /// What changed since the baseline; the baseline moves on to now.
    fn advance_baseline(self) -> Option<crate::domain::undo::Change> {
        self.ws.with_untracked(|ws| {
            self.baseline
                .try_update_value(|b| b.as_mut().and_then(|b| b.advance(ws)))
                .flatten()
        })
    }

    fn show_toast(self, text: String, redo: bool) {
        let serial = self
            .toast
            .with_untracked(|t| t.as_ref().map_or(0, |t| t.serial))
            + 1;
        self.toast.set(Some(Toast { text, redo, serial }));
        set_timeout(
            move || {
                if self
                    .toast
                    .try_with_untracked(|t| t.as_ref().is_some_and(|t| t.serial == serial))
                    .unwrap_or(false)
                {
                    self.toast.try_set(None);
                }
            },
            std::time::Duration::from_secs(10),
        );
    }

    /// Undoes the newest change (Ctrl/Cmd+Z, or Undo in its message): the earlier values
    /// go back through [`Workspace::revert`], checked like any rule, and are stored as a change.
    pub fn undo(self) {
        self.step(false);
    }

    /// Makes the newest undone change again (Shift+Ctrl/Cmd+Z, or Redo in its message).
    pub fn redo(self) {
        self.step(true);
    }

    fn step(self, redo: bool) {
        self.record_change();
        let lang = self.lang.get_untracked();
        let entry = self.history.with_untracked(|h| {
            if redo {
                h.last_undone().cloned()
            } else {
                h.last_done().cloned()
            }
        });
        let Some((change, label)) = entry else {
            let key = if redo {
                "undo.nothing_redo"
            } else {
                "undo.nothing"
            };
            self.announcement.set(t(lang, key).to_string());
            return;
        };
        self.ensure_baseline();
        // Anything not yet told (there should be nothing) is not part of this step.
        let _ = self.advance_baseline();
        // Focus follows: a card follows its deal, the message's button its new message.
        let focused_card =
            browser::focused_id().and_then(|id| id.strip_prefix("card-").map(DealId::from));
        let in_toast = browser::focus_within(".toast");
        match self.run(|ws| ws.revert(&change)) {
            Ok(()) => {
                if in_toast {
                    browser::focus_first_later(".toast .toast-action");
                } else if let Some(deal_id) = focused_card {
                    let on_board = self
                        .ws
                        .with_untracked(|ws| ws.deal(&deal_id).is_some_and(|d| d.status.is_open()));
                    if on_board {
                        super::actions::focus_card(self, &deal_id);
                    } else {
                        browser::focus_later("main".to_string());
                    }
                }
                let inverse = self.advance_baseline();
                self.history.update(|h| match (inverse, redo) {
                    (Some(inverse), false) => h.undone(inverse),
                    (Some(inverse), true) => h.redone(inverse),
                    (None, false) => h.drop_last_done(),
                    (None, true) => h.drop_last_undone(),
                });
                let key = if redo { "undo.redone" } else { "undo.undone" };
                let text = tf(lang, key, &[("change", &label)]);
                self.show_toast(text.clone(), !redo);
                self.announcement.set(text);
            }
            Err(err) => {
                self.history.update(|h| {
                    if redo {
                        h.drop_last_undone();
                    } else {
                        h.drop_last_done();
                    }
                });
                self.notice.set(Some(domain_error_text(lang, &err)));
            }
        }
    }

    pub fn download_unreadable(self) {
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            deal: Option<crate::domain::Deal>,
            key: &'a str,
            raw: &'a str,
            reason: String,
        }
        let contents = self.unreadable.with_untracked(|list| {
            let entries: Vec<Entry> = list
                .iter()
                .map(|u| Entry {
                    // A deal refused out of a chunk is given readable; the raw chunk is packed.
                    deal: u.deal.as_deref().and_then(|p| serde_json::from_str(p).ok()),
                    key: &u.key,
                    raw: &u.raw,
                    reason: u.reason.to_string(),
                })
                .collect();
            serde_json::to_string_pretty(&entries).unwrap_or_default()
        });
        let stamp = browser::now().format("%Y-%m-%d-%H%M");
        if browser::download(
            &format!("pipewright-unreadable-{stamp}.json"),
            "application/json",
            &contents,
        )
        .is_err()
        {
            self.notice.set(Some(
                t(self.lang.get_untracked(), "storage.download_failed").to_string(),
            ));
        }
    }

    /// Deletes the kept raw values and the unreadable originals, after asking.
    pub fn discard_unreadable(self) {
        let lang = self.lang.get_untracked();
        if !browser::confirm(t(lang, "storage.unreadable.confirm_discard")) {
            return;
        }
        let list = self.unreadable.get_untracked();
        for item in &list {
            if let Some(copy) = &item.kept_as {
                let _ = local::remove(copy);
            }
            // The original key is removed only if it still holds the unreadable value, and
            // holds nothing else (a chunk with one refused deal keeps its other deals).
            if !item.shared
                && local::get(&item.key).ok().flatten().as_deref() == Some(item.raw.as_str())
            {
                let _ = local::remove(&item.key);
            }
            self.saved
                .update_value(|s| s.protected.retain(|k| k != &item.key));
        }
        self.unreadable.set(Vec::new());
    }
}

/// The language a start uses: the one chosen and stored, or else the browser's.
fn starting_lang() -> Lang {
    stored_lang().unwrap_or_else(|| Lang::from_browser_languages(&browser::languages()))
}

/// The language chosen in any tab, if one was.
fn stored_lang() -> Option<Lang> {
    local::get(codec::LANG_KEY)
        .ok()
        .flatten()
        .and_then(|code| Lang::from_code(&code))
}
