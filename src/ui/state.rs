//! The app's reactive state and the only bridge between it and storage: `Ctx::start`
//! loads, one effect saves what changed, and the `storage` event brings in other tabs'
//! changes.

use super::browser;
use crate::domain::{DomainError, Workspace};
use crate::i18n::{t, tf, Lang};
use crate::storage::codec::{self, Saved};
use crate::storage::local::{self, StorageError, Unreadable};
use leptos::prelude::*;

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
    current: RwSignal<Option<String>>,
    pub screen: RwSignal<Screen>,
    pub query: RwSignal<String>,
    /// The text of the polite live region, for screen readers.
    pub announcement: RwSignal<String>,
    /// The last save failed; the change is on screen but not stored.
    pub save_error: RwSignal<Option<StorageError>>,
    /// A message for the user (a rejected edit, another tab's change), already translated.
    pub notice: RwSignal<Option<String>>,
    /// The deal open in the editor.
    pub editing: RwSignal<Option<String>>,
    /// The deal being marked lost.
    pub losing: RwSignal<Option<String>>,
    pub unreadable: RwSignal<Vec<Unreadable>>,
    saved: StoredValue<Saved>,
}

impl Ctx {
    /// Loads the workspace from storage and wires up saving and cross-tab sync.
    pub fn start() -> Ctx {
        let (ws, saved, unreadable, load_error) = match local::load() {
            Ok(startup) => (startup.loaded.ws, startup.saved, startup.unreadable, None),
            Err(err) => (
                Workspace::default(),
                Saved::default(),
                Vec::new(),
                Some(err),
            ),
        };
        let lang = local::get(codec::LANG_KEY)
            .ok()
            .flatten()
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_else(|| Lang::from_browser_languages(&browser::languages()));
        let current = local::get(CURRENT_KEY)
            .ok()
            .flatten()
            .filter(|id| ws.pipeline(id).is_some());
        let ctx = Ctx {
            ws: RwSignal::new(ws),
            lang: RwSignal::new(lang),
            current: RwSignal::new(current),
            screen: RwSignal::new(Screen::Board),
            query: RwSignal::new(String::new()),
            announcement: RwSignal::new(String::new()),
            save_error: RwSignal::new(load_error),
            notice: RwSignal::new(None),
            editing: RwSignal::new(None),
            losing: RwSignal::new(None),
            unreadable: RwSignal::new(unreadable),
            saved: StoredValue::new(saved),
        };
        ctx.wire();
        ctx
    }

    fn wire(self) {
        // The one place that saves: whenever the workspace changes, write what differs from
        // what this tab last saw in storage.
        Effect::new(move |_| {
            let writes = self
                .ws
                .with(|ws| self.saved.with_value(|saved| codec::plan(ws, saved)));
            if writes.is_empty() {
                return;
            }
            let report = self
                .saved
                .try_update_value(|saved| local::apply(writes, saved))
                .unwrap_or_default();
            self.save_error.set(report.error);
            if !report.conflicts.is_empty() {
                for (key, stored) in report.conflicts {
                    self.adopt_stored(&key, stored);
                }
                self.notice.set(Some(
                    t(self.lang.get_untracked(), "sync.conflict").to_string(),
                ));
            }
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
                Some(key) if local::is_workspace_key(&key) => {
                    self.adopt_stored(&key, ev.new_value());
                }
                // `clear()` in another tab: this tab's copy is all that is left; say so.
                None => self.notice.set(Some(
                    t(self.lang.get_untracked(), "sync.cleared").to_string(),
                )),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }

    /// Takes what is stored under `key` (written by another tab) into this tab's state.
    fn adopt_stored(self, key: &str, stored: Option<String>) {
        if key == codec::META_KEY {
            let Some(raw) = stored else { return };
            match codec::decode_meta(&raw) {
                Ok((pipelines, lost_reasons)) => {
                    self.saved.update_value(|s| s.meta = Some(raw));
                    self.ws.update(|ws| {
                        ws.pipelines = pipelines;
                        ws.lost_reasons = lost_reasons;
                    });
                }
                Err(err) => self.report_unreadable(key, &raw, &err.to_string()),
            }
        } else if let Some(id) = key.strip_prefix(codec::DEAL_PREFIX) {
            match stored {
                None => {
                    self.saved.update_value(|s| {
                        s.deal_revs.remove(id);
                    });
                    self.ws.update(|ws| ws.deals.retain(|d| d.id != id));
                }
                Some(raw) => match codec::decode_deal(&raw) {
                    Ok(deal) => {
                        self.saved
                            .update_value(|s| local::remember(s, key, Some(&raw)));
                        self.ws
                            .update(|ws| match ws.deals.iter_mut().find(|d| d.id == deal.id) {
                                Some(slot) => *slot = deal,
                                None => ws.deals.push(deal),
                            });
                    }
                    Err(err) => self.report_unreadable(key, &raw, &err.to_string()),
                },
            }
        }
    }

    fn report_unreadable(self, key: &str, raw: &str, reason: &str) {
        self.unreadable.update(|list| {
            if !list.iter().any(|u| u.key == key && u.raw == raw) {
                list.push(Unreadable {
                    key: key.to_string(),
                    reason: reason.to_string(),
                    raw: raw.to_string(),
                    kept_as: None,
                });
            }
        });
    }

    /// Runs a domain operation on the workspace. On an error nothing changes and the error
    /// is shown; the caller gets `None`.
    pub fn apply<T>(self, op: impl FnOnce(&mut Workspace) -> Result<T, DomainError>) -> Option<T> {
        let mut outcome = None;
        self.ws.maybe_update(|ws| match op(ws) {
            Ok(value) => {
                outcome = Some(Ok(value));
                true
            }
            Err(err) => {
                outcome = Some(Err(err));
                false
            }
        });
        match outcome {
            Some(Ok(value)) => Some(value),
            Some(Err(err)) => {
                self.notice
                    .set(Some(domain_error_text(self.lang.get_untracked(), &err)));
                None
            }
            None => None,
        }
    }

    pub fn set_lang(self, lang: Lang) {
        self.lang.set(lang);
        // A language that cannot be remembered still applies to this visit.
        let _ = local::set(codec::LANG_KEY, lang.code());
    }

    /// The pipeline on the board: the chosen one, or else the first.
    pub fn current_pipeline_id(self) -> Option<String> {
        let chosen = self.current.get();
        self.ws.with(|ws| {
            chosen
                .filter(|id| ws.pipeline(id).is_some())
                .or_else(|| ws.pipelines.first().map(|p| p.id.clone()))
        })
    }

    pub fn open_pipeline(self, id: String) {
        let _ = local::set(CURRENT_KEY, &id);
        self.current.set(Some(id));
        self.screen.set(Screen::Board);
    }

    pub fn toggle_screen(self, screen: Screen) {
        self.screen
            .update(|s| *s = if *s == screen { Screen::Board } else { screen });
    }

    pub fn announce(self, text: String) {
        self.announcement.set(text);
    }

    pub fn download_unreadable(self) {
        let entries: Vec<serde_json::Value> = self.unreadable.with_untracked(|list| {
            list.iter()
                .map(|u| serde_json::json!({ "key": u.key, "reason": u.reason, "raw": u.raw }))
                .collect()
        });
        let contents = serde_json::to_string_pretty(&entries).unwrap_or_default();
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
            // The original key is removed only if it still holds the unreadable value.
            if local::get(&item.key).ok().flatten().as_deref() == Some(item.raw.as_str()) {
                let _ = local::remove(&item.key);
            }
            self.saved
                .update_value(|s| s.protected.retain(|k| k != &item.key));
        }
        self.unreadable.set(Vec::new());
    }
}

/// A domain error as a sentence the user can act on.
pub fn domain_error_text(lang: Lang, err: &DomainError) -> String {
    match err {
        DomainError::PipelineNotFound => t(lang, "error.pipeline_not_found").to_string(),
        DomainError::StageNotFound => t(lang, "error.stage_not_found").to_string(),
        DomainError::DealNotFound => t(lang, "error.deal_not_found").to_string(),
        DomainError::EmptyName => t(lang, "error.empty_name").to_string(),
        DomainError::NameTooLong { max } => {
            tf(lang, "error.name_too_long", &[("max", &max.to_string())])
        }
        DomainError::TextTooLong { max } => {
            tf(lang, "error.text_too_long", &[("max", &max.to_string())])
        }
        DomainError::ProbabilityOutOfRange => t(lang, "error.probability").to_string(),
        DomainError::AmountNegative => t(lang, "error.amount_negative").to_string(),
        DomainError::AmountTooLarge => t(lang, "error.amount_too_large").to_string(),
        DomainError::DealIsClosed => t(lang, "error.deal_closed").to_string(),
        DomainError::DealIsOpen => t(lang, "error.deal_open").to_string(),
        DomainError::StageHasDeals { n_deals } => tf(
            lang,
            "error.stage_has_deals",
            &[("n", &n_deals.to_string())],
        ),
        DomainError::LastStage => t(lang, "error.last_stage").to_string(),
        DomainError::MoveTargetIsRemovedStage => t(lang, "error.move_target").to_string(),
        DomainError::EmptyLostReason => t(lang, "error.empty_lost_reason").to_string(),
    }
}
