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

thread_local! {
    /// The write mark ([`codec::WRITTEN_KEY`]) as this tab last knew it: read at load, set
    /// by its own writes, and by another tab's, taken in through the `storage` event
    /// ([`saw_written`]) after that tab's data writes (each tab writes the mark last).
    static SEEN_WRITTEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Whether writing `key` changes what the picture of the board is drawn from: everything
/// of ours but the picture itself, the colour scheme (the picture takes the page's), the
/// mark, and the raw copies of unreadable values (kept aside at start-up, which writes
/// nothing else; each is a key of its own, which the picture's stamp lists).
fn marks_a_write(key: &str) -> bool {
    key.starts_with(PREFIX)
        && !key.starts_with(UNREADABLE_PREFIX)
        && key != codec::PICTURE_KEY
        && key != codec::THEME_KEY
        && key != codec::WRITTEN_KEY
}

/// After a write of ours, a fresh write mark, written last. Should the mark itself not fit,
/// it and the picture of the board go: no picture can then match data written since.
fn mark_written(storage: &web_sys::Storage, key: &str) {
    if !marks_a_write(key) {
        return;
    }
    let mark = format!(
        "{:x}{:x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 2f64.powi(52)) as u64
    );
    let seen = match storage.set_item(codec::WRITTEN_KEY, &mark) {
        Ok(()) => Some(mark),
        Err(_) => {
            let _ = storage.remove_item(codec::WRITTEN_KEY);
            let _ = storage.remove_item(codec::PICTURE_KEY);
            None
        }
    };
    SEEN_WRITTEN.with(|s| *s.borrow_mut() = seen);
}

/// Another tab's write mark, taken in with its `storage` event: every change of theirs
/// made before it has been taken in too (events come in the order of the writes).
pub fn saw_written(mark: Option<String>) {
    SEEN_WRITTEN.with(|s| *s.borrow_mut() = mark);
}

/// Whether this tab has taken in the writes made to storage: the mark stored is the one it
/// last wrote or saw. Not so while another tab's writes are still on their way in (but for
/// a write made just before this tab's own, until its events arrive).
pub fn written_is_current() -> bool {
    get(codec::WRITTEN_KEY).is_ok_and(|stored| SEEN_WRITTEN.with(|s| *s.borrow() == stored))
}

pub fn set(key: &str, value: &str) -> Result<(), StorageError> {
    let storage = storage()?;
    set_in(&storage, key, value)?;
    mark_written(&storage, key);
    Ok(())
}

fn set_in(storage: &web_sys::Storage, key: &str, value: &str) -> Result<(), StorageError> {
    match storage.set_item(key, value).map_err(js_error) {
        // The picture of the board (`ui::picture`) is not data: it gives way to any write.
        Err(StorageError::Quota)
            if key != codec::PICTURE_KEY
                && storage
                    .get_item(codec::PICTURE_KEY)
                    .ok()
                    .flatten()
                    .is_some() =>
        {
            storage.remove_item(codec::PICTURE_KEY).map_err(js_error)?;
            storage.set_item(key, value).map_err(js_error)
        }
        result => result,
    }
}

pub fn remove(key: &str) -> Result<(), StorageError> {
    let storage = storage()?;
    storage.remove_item(key).map_err(js_error)?;
    mark_written(&storage, key);
    Ok(())
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
        if !key.starts_with(PREFIX)
            || key.starts_with(UNREADABLE_PREFIX)
            || key == codec::PICTURE_KEY
        {
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
    /// The key's value, byte for byte.
    pub raw: String,
    /// For a deal refused out of a chunk: that deal as JSON (the raw chunk is packed).
    pub deal: Option<String>,
    /// The key holds other deals that loaded: discarding this value must not remove it.
    pub shared: bool,
    /// Where the raw value is kept; `None` when keeping it failed, in which case the
    /// original key is never written by this tab.
    pub kept_as: Option<String>,
}

pub struct Startup {
    pub loaded: Loaded,
    pub unreadable: Vec<Unreadable>,
}

/// Reads the workspace. Every unreadable value is copied, byte for byte, under
/// `UNREADABLE_PREFIX + key` before anything can overwrite its key.
pub fn load(lang: crate::i18n::Lang) -> Result<Startup, StorageError> {
    load_with(lang, false)
}

/// [`load`], leaving each deal's check by the import's rules for [`check_loaded`]
/// (`loaded.unchecked`), so the board can be drawn first.
pub fn load_unchecked(lang: crate::i18n::Lang) -> Result<Startup, StorageError> {
    load_with(lang, true)
}

fn load_with(lang: crate::i18n::Lang, defer: bool) -> Result<Startup, StorageError> {
    // Read in the same task as the values: what the mark stood for when they were read.
    saw_written(get(codec::WRITTEN_KEY)?);
    let entries = entries()?;
    let pairs = entries.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let mut loaded = if defer {
        codec::load_unchecked(pairs, lang)
    } else {
        codec::load(pairs, lang)
    };
    let unreadable = keep_unread(&loaded.unreadable, &mut loaded.saved, |key| {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    });
    Ok(Startup { loaded, unreadable })
}

/// Finishes a [`load_unchecked`]: checks every deal by the import's rules; refused ones
/// leave `ws` and are kept raw like any unreadable value, their chunks as stored now.
pub fn check_loaded(
    ws: &mut crate::domain::Workspace,
    saved: &mut Saved,
    unchecked: codec::Unchecked,
    recovered: &crate::domain::recovery::Recovery,
    lang: crate::i18n::Lang,
) -> (Vec<Unreadable>, Option<crate::domain::recovery::Recovery>) {
    let checked = codec::check_loaded(ws, saved, unchecked, recovered, lang);
    let unreadable = keep_unread(&checked.unreadable, saved, |key| {
        get(key).ok().flatten().unwrap_or_default()
    });
    (unreadable, checked.recovered)
}

/// Keeps each unreadable value raw (see [`keep_raw`]); a key whose value could not be kept
/// is protected from this tab's writes.
fn keep_unread(
    items: &[codec::Unread],
    saved: &mut Saved,
    raw_of: impl Fn(&str) -> String,
) -> Vec<Unreadable> {
    let mut unreadable = Vec::new();
    for item in items {
        let raw = raw_of(&item.key);
        let kept_as = keep_raw(&item.key, &raw);
        if kept_as.is_none() && !saved.protected.contains(&item.key) {
            saved.protected.push(item.key.clone());
        }
        unreadable.push(Unreadable {
            key: item.key.clone(),
            reason: item.reason.clone(),
            raw,
            deal: item.deal.clone(),
            shared: item.shared,
            kept_as,
        });
    }
    unreadable
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

/// Moves a format-1 store to format 2 (see `codec::Migration`). Each chunk is written
/// before the format-1 keys it replaces are removed, and the workspace record before the
/// format-1 one, so storage holds every deal at every step. When the quota is too full for
/// a chunk, format-1 deals are packed where they stand (each takes a fraction of its JSON
/// record's room) until it fits. A chunk another tab wrote meanwhile is merged.
pub fn migrate(
    migration: codec::Migration,
    ws: &crate::domain::Workspace,
    saved: &mut Saved,
    report: &mut ApplyReport,
) -> Result<(), StorageError> {
    // Format-1 keys not yet packed in place, the ones of later chunks first.
    let mut to_compact: Vec<String> = migration
        .chunks
        .iter()
        .rev()
        .flat_map(|(_, keys)| keys.iter().cloned())
        .collect();
    for (write, legacy_keys) in migration.chunks {
        // An unreadable chunk that could not be kept aside is never written: the format-1
        // keys of its bucket stay where they are.
        if saved.protected.contains(&write.key) {
            continue;
        }
        let stored = loop {
            match apply_one(Write::Chunk(write.clone()), saved, report) {
                Ok(stored) => break stored,
                Err(StorageError::Quota) => {
                    if !compact_some(&mut to_compact, ws) {
                        return Err(StorageError::Quota);
                    }
                }
                Err(err) => return Err(err),
            }
        };
        // Not stored (another tab's unreadable value is there): the format-1 keys stay.
        if !stored {
            continue;
        }
        for key in legacy_keys {
            to_compact.retain(|k| *k != key);
            remove(&key)?;
        }
    }
    if let Some(meta) = migration.meta {
        let stored = get(codec::META_KEY)?;
        // Nothing there, or the unreadable value this tab saw and kept aside: the format-1
        // record's content goes in. A readable record another tab wrote meanwhile stands.
        let ours = stored.is_none()
            || (stored == saved.meta && !saved.protected.iter().any(|k| k == codec::META_KEY));
        if ours {
            set(codec::META_KEY, &meta)?;
            codec::record_meta(saved, &meta);
        } else if let Some(stored) = stored.filter(|s| codec::decode_meta(s).is_ok()) {
            codec::record_meta(saved, &stored);
        }
    }
    if let Some(key) = migration.legacy_meta {
        // The format-1 record goes only once a readable format-2 one holds its place.
        if get(codec::META_KEY)?.is_some_and(|stored| codec::decode_meta(&stored).is_ok()) {
            remove(&key)?;
        }
    }
    Ok(())
}

/// Packs format-1 deal records in place until about 8 KB of room is freed; false when
/// there is nothing left to pack.
fn compact_some(to_compact: &mut Vec<String>, ws: &crate::domain::Workspace) -> bool {
    let mut freed = 0usize;
    while freed < 8 * 1024 {
        let Some(key) = to_compact.pop() else {
            return freed > 0;
        };
        let id = key.strip_prefix(codec::v1::DEAL_PREFIX).unwrap_or_default();
        let (Some(deal), Ok(Some(stored))) = (ws.deal(id), get(&key)) else {
            continue;
        };
        if codec::pack::is_packed(&stored) {
            continue;
        }
        let packed = codec::compact_legacy(deal);
        let (before, after) = (
            codec::pack::utf16_len(&stored),
            codec::pack::utf16_len(&packed),
        );
        // Smaller than what it replaces, so it fits even in a full store.
        if after < before && set(&key, &packed).is_ok() {
            freed += before - after;
        }
    }
    true
}

/// What happened when writes were carried out.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Keys another tab had changed since this tab last saw them, with what is stored there
    /// now (`None` when removed): to be taken in. A chunk is in this list after a merge,
    /// with the merged value.
    pub taken: Vec<(String, Option<String>)>,
    /// Whether another tab had changed something this tab changed too (theirs was kept).
    pub conflict: bool,
    pub error: Option<StorageError>,
}

/// Carries out `writes` in order, updating `saved` for each one that succeeded. Stops at
/// the first storage error (a full quota, say) so that `saved` stays true and the unsaved
/// changes are tried again with the next change.
pub fn apply(writes: Vec<Write>, saved: &mut Saved) -> ApplyReport {
    let mut report = ApplyReport::default();
    for write in writes {
        if let Err(err) = apply_one(write, saved, &mut report) {
            report.error = Some(err);
            return report;
        }
    }
    report
}

/// Carries out one write; `Ok(false)` when it was not stored because another tab's value
/// is in the way (then it is in `report.taken`).
fn apply_one(
    write: Write,
    saved: &mut Saved,
    report: &mut ApplyReport,
) -> Result<bool, StorageError> {
    match write {
        Write::Meta { value, expect } => {
            let stored = get(codec::META_KEY)?;
            if stored != expect {
                report.conflict = true;
                report.taken.push((codec::META_KEY.to_string(), stored));
                return Ok(false);
            }
            set(codec::META_KEY, &value)?;
            codec::record_meta(saved, &value);
        }
        Write::Chunk(write) => {
            let stored = get(&write.key)?;
            if !write.merge && stored.as_deref().map(codec::value_hash) == write.base {
                set(&write.key, &write.value)?;
                codec::record_chunk(saved, &write);
                return Ok(true);
            }
            match codec::merge_chunk(stored.as_deref(), &write) {
                Ok(merged) => {
                    set(&write.key, &merged.value)?;
                    report.conflict |= !merged.conflicts.is_empty();
                    report.taken.push((write.key, Some(merged.value)));
                }
                // Another tab stored something this tab cannot read: it is not overwritten.
                Err(_) => {
                    report.conflict = true;
                    report.taken.push((write.key, stored));
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// How many UTF-16 code units the keys and values in localStorage take (all of the
/// origin's, not only Pipewright's: they share the quota), and of those, the keys for which
/// `counted` is true. Values are measured in the browser, never copied.
pub fn used_units(counted: impl Fn(&str) -> bool) -> Result<(usize, usize), StorageError> {
    let storage = storage()?;
    let n_keys = storage.length().map_err(js_error)?;
    let (mut total, mut those) = (0, 0);
    for idx in 0..n_keys {
        let Some(key) = storage.key(idx).map_err(js_error)? else {
            continue;
        };
        // The picture of the board gives way to any write (see `set`): not counted.
        if key == codec::PICTURE_KEY {
            continue;
        }
        let value = js_sys::Reflect::get(&storage, &wasm_bindgen::JsValue::from_str(&key))
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
            .map_or(0, |v| v.length() as usize);
        let units = key.encode_utf16().count() + value;
        total += units;
        if counted(&key) {
            those += units;
        }
    }
    Ok((total, those))
}
