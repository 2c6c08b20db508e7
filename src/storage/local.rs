//! The one place that touches `window.localStorage`. Reads every key at start-up, keeps
//! unreadable values under a separate key, and carries out the writes `codec::plan` asks
//! for, refusing any that would overwrite another tab's change.

use super::codec::{self, Loaded, Saved, Write, PREFIX, UNREADABLE_PREFIX};
use std::fmt;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No localStorage at all (disabled, or a sandboxed frame).
    Unavailable,
    /// The browser's storage quota is full.
    Quota,
    Other(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Unavailable => f.write_str("localStorage is not available"),
            StorageError::Quota => f.write_str("the storage quota is full"),
            StorageError::Other(detail) => write!(f, "storage error: {detail}"),
        }
    }
}

fn js_error(err: wasm_bindgen::JsValue) -> StorageError {
    if let Some(dom) = err.dyn_ref::<web_sys::DomException>() {
        // Chromium says QuotaExceededError; old Firefox said NS_ERROR_DOM_QUOTA_REACHED.
        if dom.name() == "QuotaExceededError" || dom.code() == 22 || dom.code() == 1014 {
            return StorageError::Quota;
        }
        return StorageError::Other(format!("{}: {}", dom.name(), dom.message()));
    }
    StorageError::Other(format!("{err:?}"))
}

pub fn storage() -> Result<web_sys::Storage, StorageError> {
    web_sys::window()
        .ok_or(StorageError::Unavailable)?
        .local_storage()
        .map_err(|_| StorageError::Unavailable)?
        .ok_or(StorageError::Unavailable)
}

pub fn get(key: &str) -> Result<Option<String>, StorageError> {
    storage()?.get_item(key).map_err(js_error)
}

pub fn set(key: &str, value: &str) -> Result<(), StorageError> {
    storage()?.set_item(key, value).map_err(js_error)
}

pub fn remove(key: &str) -> Result<(), StorageError> {
    storage()?.remove_item(key).map_err(js_error)
}

/// Every key and value of ours, in storage order.
pub fn entries() -> Result<Vec<(String, String)>, StorageError> {
    let storage = storage()?;
    let n_keys = storage.length().map_err(js_error)?;
    let mut out = Vec::with_capacity(n_keys as usize);
    for idx in 0..n_keys {
        let Some(key) = storage.key(idx).map_err(js_error)? else {
            continue;
        };
        if !key.starts_with(PREFIX) || key.starts_with(UNREADABLE_PREFIX) {
            continue;
        }
        if let Some(value) = storage.get_item(&key).map_err(js_error)? {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// A stored value that could not be read, as kept for the user to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub reason: codec::DecodeError,
    pub raw: String,
    /// Where the raw value is kept; `None` when keeping it failed, in which case the
    /// original key is never written by this tab.
    pub kept_as: Option<String>,
}

pub struct Startup {
    pub loaded: Loaded,
    pub saved: Saved,
    pub unreadable: Vec<Unreadable>,
}

/// Reads the workspace. Every unreadable value is copied, byte for byte, under
/// `UNREADABLE_PREFIX + key` before anything can overwrite its key.
pub fn load(lang: crate::i18n::Lang) -> Result<Startup, StorageError> {
    let entries = entries()?;
    let loaded = codec::load(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())), lang);
    let meta_raw = entries
        .iter()
        .find(|(k, _)| k == codec::META_KEY)
        .map(|(_, v)| v.clone());
    let mut saved = Saved::from_loaded(&loaded, meta_raw);
    let mut unreadable = Vec::new();
    for (key, err) in &loaded.unreadable {
        let raw = entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let kept_as = keep_raw(key, &raw);
        if kept_as.is_none() {
            saved.protected.push(key.clone());
        }
        unreadable.push(Unreadable {
            key: key.clone(),
            reason: err.clone(),
            raw,
            kept_as,
        });
    }
    Ok(Startup {
        loaded,
        saved,
        unreadable,
    })
}

/// Copies `raw` to a free `UNREADABLE_PREFIX` key (or finds it already kept there).
fn keep_raw(key: &str, raw: &str) -> Option<String> {
    for attempt in 0..100 {
        let copy_key = if attempt == 0 {
            format!("{UNREADABLE_PREFIX}{key}")
        } else {
            format!("{UNREADABLE_PREFIX}{key}.{attempt}")
        };
        match get(&copy_key) {
            Ok(Some(existing)) if existing == raw => return Some(copy_key),
            Ok(Some(_)) => continue,
            Ok(None) => return set(&copy_key, raw).ok().map(|()| copy_key),
            Err(_) => return None,
        }
    }
    None
}

/// What happened when writes were carried out.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Keys another tab had changed since this tab last saw them: not written, with what is
    /// stored there now (`None` when the other tab removed it).
    pub conflicts: Vec<(String, Option<String>)>,
    pub error: Option<StorageError>,
}

/// Carries out `writes` in order, updating `saved` for each one that succeeded. Stops at
/// the first storage error (a full quota, say) so that `saved` stays true and the unsaved
/// changes are tried again with the next change.
pub fn apply(writes: Vec<Write>, saved: &mut Saved) -> ApplyReport {
    let mut report = ApplyReport::default();
    for write in writes {
        let (key, expect) = match &write {
            Write::Put { key, expect, .. } | Write::Remove { key, expect } => (key.clone(), expect),
        };
        let stored = match get(&key) {
            Ok(stored) => stored,
            Err(err) => {
                report.error = Some(err);
                return report;
            }
        };
        let is_remove = matches!(write, Write::Remove { .. });
        if is_remove && stored.is_none() {
            forget(saved, &key);
            continue;
        }
        if !codec::expectation_holds(expect, stored.as_deref()) {
            report.conflicts.push((key, stored));
            continue;
        }
        let result = match &write {
            Write::Put { value, .. } => set(&key, value),
            Write::Remove { .. } => remove(&key),
        };
        match result {
            Ok(()) => match write {
                Write::Put { value, .. } => remember(saved, &key, Some(&value)),
                Write::Remove { .. } => forget(saved, &key),
            },
            Err(err) => {
                report.error = Some(err);
                return report;
            }
        }
    }
    report
}

/// Records that `key` now holds `value` in storage, as far as this tab knows.
pub fn remember(saved: &mut Saved, key: &str, value: Option<&str>) {
    if key == codec::META_KEY {
        saved.meta = value.map(str::to_string);
    } else if let Some(id) = key.strip_prefix(codec::DEAL_PREFIX) {
        match value.and_then(|raw| codec::decode_deal(raw).ok()) {
            Some(deal) => {
                saved.deal_revs.insert(id.into(), deal.rev);
            }
            None => {
                saved.deal_revs.remove(id);
            }
        }
    }
}

fn forget(saved: &mut Saved, key: &str) {
    remember(saved, key, None);
}

/// True when a localStorage key belongs to the workspace (and so matters to other tabs).
pub fn is_workspace_key(key: &str) -> bool {
    key == codec::META_KEY || key.starts_with(codec::DEAL_PREFIX)
}
