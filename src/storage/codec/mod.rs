//! The stored layout (format 2), pure and natively tested.
//!
//! - [`META_KEY`] holds the workspace's small part (pipelines, stages, lost reasons) as
//!   JSON.
//! - Deals live in [`BUCKETS`] chunks, `pipewright.deals.<n>`, a deal in the chunk its id
//!   hashes to ([`bucket_of`]). A chunk is one JSON record of its deals (each an array
//!   of its fields, `compact.rs`), compressed and packed 15 bits to a UTF-16 unit
//!   ([`pack`]): about a tenth of the room the same deals take as one ASCII JSON record
//!   each. A change rewrites the one chunk of each deal it touched, and every chunk is
//!   read, decompressed and parsed once at start-up.
//! - Each write still states what it expects to find, deal by deal: a chunk another tab
//!   has changed is merged (its deals kept, ours put in) unless it changed the same deal.
//!
//! A format-1 store ([`v1`]) is read too, and moved to format 2 on first start
//! ([`Migration`]).

use crate::backup::{check_workspace, DealChecker, ImportError};
use crate::domain::recovery::{recover, Recovery};
use crate::domain::sort::sort_stable_by;
use crate::domain::{Deal, DealId, Pipeline, PipelineId, StageId, Workspace};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::{self, Write as _};

mod compact;
pub mod pack;
pub mod v1;

pub const PREFIX: &str = "pipewright.";
pub const META_KEY: &str = "pipewright.store";
pub const CHUNK_PREFIX: &str = "pipewright.deals.";
pub const LANG_KEY: &str = "pipewright.lang";
pub const THEME_KEY: &str = "pipewright.theme";
pub const LAST_BACKUP_KEY: &str = "pipewright.last-backup";
/// The board as the user left it, drawn while the app loads (`ui::picture`): not data, and
/// the first thing to go when a write needs room.
pub const PICTURE_KEY: &str = "pipewright.picture";
/// A fresh random value after every write of ours (`storage::local`): what the picture of
/// the board is stamped with, so that a picture is never drawn over data written since.
pub const WRITTEN_KEY: &str = "pipewright.written";
/// An unreadable value of key K is kept, untouched, under this prefix + K.
pub const UNREADABLE_PREFIX: &str = "pipewright.unreadable.";

pub const META_FORMAT: &str = "pipewright-workspace";
pub const CHUNK_FORMAT: &str = "pipewright-deals";
pub const STORE_VERSION: u32 = 2;
/// How many chunks a new store spreads its deals over: at 10,000 deals a chunk holds about
/// 80, so a move rewrites about 80 deals' worth of packed text.
pub const BUCKETS: u32 = 128;
/// Chromium's localStorage quota per origin, in UTF-16 code units of keys and values.
pub const QUOTA_UNITS: usize = 5_242_880;

/// A chunk record as read: its deals named (as earlier releases wrote them) or compact
/// (as this one does, `compact.rs`), which `Deal`'s derived `Deserialize` both reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChunkIn {
    format: String,
    version: u32,
    deals: Vec<Deal>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaRecord {
    format: String,
    version: u32,
    buckets: u32,
    pipelines: Vec<Pipeline>,
    lost_reasons: Vec<String>,
}

/// Just the envelope, read (only when the record itself failed) so a newer version is
/// reported as such rather than as whatever field it renamed.
#[derive(Deserialize)]
struct Envelope {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    NotJson(String),
    WrongFormat {
        expected: &'static str,
    },
    NewerVersion {
        found: u32,
        known: u32,
    },
    Invalid(String),
    /// Read, but refused by the rules every workspace must pass (the import's own).
    Refused(ImportError),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotJson(detail) => write!(f, "not JSON: {detail}"),
            DecodeError::WrongFormat { expected } => write!(f, "not a {expected} record"),
            DecodeError::NewerVersion { found, known } => {
                write!(
                    f,
                    "written by a newer version (format {found}, this app knows {known})"
                )
            }
            DecodeError::Invalid(detail) => write!(f, "invalid: {detail}"),
            DecodeError::Refused(err) => f.write_str(&err.message(Lang::En)),
        }
    }
}

/// Why a record that did not parse failed: not JSON, another format, a newer version, or
/// (`Ok`) the envelope is fine and the body is at fault.
fn check_envelope(raw: &str, expected: &'static str, known: u32) -> Result<(), DecodeError> {
    let envelope: Envelope = serde_json::from_str(raw).map_err(|e| {
        // Valid JSON of another shape (a number, a list, a format that is not text) is a
        // wrong format; only text that is not JSON at all is reported as such.
        if serde_json::from_str::<serde::de::IgnoredAny>(raw).is_ok() {
            DecodeError::WrongFormat { expected }
        } else {
            DecodeError::NotJson(e.to_string())
        }
    })?;
    if envelope.format.as_deref() != Some(expected) {
        return Err(DecodeError::WrongFormat { expected });
    }
    match envelope.version {
        Some(v) if v > known => Err(DecodeError::NewerVersion { found: v, known }),
        Some(v) if v == known => Ok(()),
        _ => Err(DecodeError::WrongFormat { expected }),
    }
}

/// Whether a parsed record's format and version are the ones this app reads: a newer
/// version may keep the old shape and change what it means, so parsing is not enough.
fn check_parsed(
    format: &str,
    version: u32,
    expected: &'static str,
    known: u32,
) -> Result<(), DecodeError> {
    if format != expected {
        return Err(DecodeError::WrongFormat { expected });
    }
    match version {
        v if v == known => Ok(()),
        v if v > known => Err(DecodeError::NewerVersion { found: v, known }),
        _ => Err(DecodeError::WrongFormat { expected }),
    }
}

/// Parses a record of `expected` format at version `known`, reporting a failure by its
/// envelope first.
fn parse_record<T: serde::de::DeserializeOwned>(
    raw: &str,
    expected: &'static str,
    known: u32,
) -> Result<T, DecodeError> {
    serde_json::from_str(raw).map_err(|e| {
        check_envelope(raw, expected, known)
            .err()
            .unwrap_or_else(|| DecodeError::Invalid(e.to_string()))
    })
}

/// The chunk a deal is stored in: FNV-1a of its id, modulo the store's bucket count.
pub fn bucket_of(deal_id: &str, buckets: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in deal_id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % buckets.max(1)
}

pub fn chunk_key(bucket: u32) -> String {
    format!("{CHUNK_PREFIX}{bucket}")
}

fn bucket_of_key(key: &str) -> Option<u32> {
    let digits = key.strip_prefix(CHUNK_PREFIX)?;
    // Canonical decimal only, so one bucket has one key.
    let bucket: u32 = digits.parse().ok()?;
    (bucket.to_string() == digits).then_some(bucket)
}

/// A 64-bit FNV-1a of a stored value: how a tab tells whether a chunk changed since it last
/// saw it, without keeping the text.
pub fn value_hash(value: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in value.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

pub fn encode_meta(pipelines: &[Pipeline], lost_reasons: &[String], buckets: u32) -> String {
    serde_json::to_string(&MetaRecord {
        format: META_FORMAT.to_string(),
        version: STORE_VERSION,
        buckets,
        pipelines: pipelines.to_vec(),
        lost_reasons: lost_reasons.to_vec(),
    })
    .unwrap_or_default()
}

/// The parts of a workspace record, which on their own pass the workspace rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    pub pipelines: Vec<Pipeline>,
    pub lost_reasons: Vec<String>,
    pub buckets: u32,
}

pub fn decode_meta(raw: &str) -> Result<Meta, DecodeError> {
    let record: MetaRecord = parse_record(raw, META_FORMAT, STORE_VERSION)?;
    check_parsed(&record.format, record.version, META_FORMAT, STORE_VERSION)?;
    if !(1..=65_536).contains(&record.buckets) {
        return Err(DecodeError::Invalid("bucket count out of range".into()));
    }
    checked_meta(record.pipelines, record.lost_reasons, record.buckets)
}

fn checked_meta(
    pipelines: Vec<Pipeline>,
    lost_reasons: Vec<String>,
    buckets: u32,
) -> Result<Meta, DecodeError> {
    let part = Workspace {
        pipelines,
        deals: Vec::new(),
        lost_reasons,
    };
    check_workspace(&part).map_err(DecodeError::Refused)?;
    Ok(Meta {
        pipelines: part.pipelines,
        lost_reasons: part.lost_reasons,
        buckets,
    })
}

thread_local! {
    /// Chunks packed ahead ([`PackAhead`]) or by [`store_units`], by bucket, with the deals
    /// each holds, for the save that follows (an import is measured, then stored: each
    /// chunk is serialised and DEFLATEd once). A chunk is taken from here only when its
    /// deals are equal, field for field, to the ones it would hold; a plan takes it out.
    static PACKED: std::cell::RefCell<HashMap<u32, (Vec<Deal>, String)>> =
        std::cell::RefCell::new(HashMap::new());
}

/// Whether `kept` (a packed chunk's deals) are `deals`, field for field.
fn same_deals(kept: &[Deal], deals: &[&Deal]) -> bool {
    kept.len() == deals.len() && kept.iter().zip(deals).all(|(a, b)| a == *b)
}

/// A chunk's record: its format, its version, then its deals, compact.
fn chunk_json(deals: &[&Deal]) -> String {
    let mut out = String::with_capacity(64 + deals.len() * 700);
    let _ = write!(
        out,
        r#"{{"format":"{CHUNK_FORMAT}","version":{STORE_VERSION},"deals":["#
    );
    for (i, deal) in deals.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        compact::write_deal(&mut out, deal);
    }
    out.push_str("]}");
    out
}

/// One chunk's value: its deals (sorted by id by the caller) as one record, packed.
pub fn encode_chunk(deals: &[&Deal]) -> String {
    pack::pack_text(&chunk_json(deals))
}

/// [`encode_chunk`] for `bucket`, or what [`store_units`] packed for it when that held
/// exactly these deals.
fn encode_bucket(bucket: u32, deals: &[&Deal]) -> String {
    PACKED
        .with(|memo| {
            let (kept, packed) = memo.borrow_mut().remove(&bucket)?;
            same_deals(&kept, deals).then_some(packed)
        })
        .unwrap_or_else(|| encode_chunk(deals))
}

/// The deals of a chunk value, parsed once (not yet checked against the rules).
pub fn decode_chunk(raw: &str) -> Result<Vec<Deal>, DecodeError> {
    let json = pack::unpack_text(raw).map_err(|e| DecodeError::Invalid(e.to_string()))?;
    let record: ChunkIn = parse_record(&json, CHUNK_FORMAT, STORE_VERSION)?;
    check_parsed(&record.format, record.version, CHUNK_FORMAT, STORE_VERSION)?;
    Ok(record.deals)
}

/// A stored value that cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub key: String,
    pub reason: DecodeError,
    /// For a deal refused out of a chunk: that deal as JSON, for the user to read (the
    /// chunk's raw value is packed).
    pub deal: Option<String>,
    /// The key holds other deals that loaded: it must not be removed with this value.
    pub shared: bool,
}

/// The result of reading every stored key at start-up.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Passes [`check_workspace`]: the same rules as an import.
    pub ws: Workspace,
    /// Values that could not be read, with why. Their raw values must be kept.
    pub unreadable: Vec<Unread>,
    /// Whether a workspace record existed at all (false on a first visit).
    pub had_meta: bool,
    /// Deals that had lost their pipeline or stage, and where they are now.
    pub recovered: Recovery,
    /// What this tab now knows is in storage.
    pub saved: Saved,
    /// A format-1 store (or what is left of one) to move to format 2.
    pub migration: Option<Migration>,
    /// Set by [`load_unchecked`]: the deals still to check by the import's rules, with
    /// [`check_loaded`], before anything is saved, changed or exported.
    pub unchecked: Option<Unchecked>,
}

/// What [`check_loaded`] needs to finish a [`load_unchecked`].
#[derive(Debug, Default)]
pub struct Unchecked {
    /// For each deal of the workspace, by id: the key it came from and whether the key
    /// holds other deals too.
    sources: HashMap<DealId, (String, bool)>,
    /// The stored pipelines, before recovery.
    stored_pipelines: Vec<Pipeline>,
}

/// The deals a deferred check refused, and the recovery redone without them.
#[derive(Debug, Default)]
pub struct Checked {
    /// Refused deals: their values (kept raw by the caller) and why.
    pub unreadable: Vec<Unread>,
    /// `Some` when something was refused: recovery redone without the refused deals.
    pub recovered: Option<Recovery>,
}

/// Moving a format-1 store to format 2: every chunk its deals need, then the workspace
/// record; a format-1 key is removed only after the format-2 value holding its content has
/// been written.
#[derive(Debug, Default, PartialEq)]
pub struct Migration {
    /// Chunks to write, each with the format-1 deal keys it makes redundant.
    pub chunks: Vec<(ChunkWrite, Vec<String>)>,
    /// The workspace record (`None` when the format-1 record could not be read: it stays).
    pub meta: Option<String>,
    /// The format-1 workspace record key, removed after `meta` is written.
    pub legacy_meta: Option<String>,
}

/// Builds the workspace from stored `(key, value)` pairs. Keys that are not ours are
/// ignored; values that cannot be read are listed, never dropped silently. Deals whose
/// pipeline or stage is missing are recovered (see `domain::recovery`), with names in
/// `lang`. The result always passes the workspace rules.
pub fn load<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>, lang: Lang) -> Loaded {
    load_with(entries, lang, false)
}

/// [`load`], without checking each deal by the import's rules yet, so the board can be
/// drawn first: `loaded.unchecked` is then set, and [`check_loaded`] must run before the
/// workspace is changed, saved or exported. A store still (partly) in format 1 is checked
/// at once, as its move to format 2 depends on what is refused.
pub fn load_unchecked<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    lang: Lang,
) -> Loaded {
    load_with(entries, lang, true)
}

/// Checks the deals a [`load_unchecked`] left unchecked, by the same rules and with the same
/// outcome as [`load`]: refused deals leave `ws` and `saved` (their stored values stay where
/// they are) and are returned as unreadable, and recovery is redone without them.
pub fn check_loaded(
    ws: &mut Workspace,
    saved: &mut Saved,
    unchecked: Unchecked,
    recovered: &Recovery,
    lang: Lang,
) -> Checked {
    let Unchecked {
        mut sources,
        stored_pipelines,
    } = unchecked;
    let mut source_list: Vec<(String, bool)> = ws
        .deals
        .iter()
        .map(|d| sources.remove(&d.id).unwrap_or_default())
        .collect();
    let mut unreadable = Vec::new();
    let mut refused = Vec::new();
    let recovery = check_deals(
        ws,
        &mut source_list,
        &stored_pipelines,
        &mut unreadable,
        Some(recovered.clone()),
        lang,
        &mut refused,
    );
    for id in &refused {
        saved.deal_revs.remove(id);
    }
    Checked {
        recovered: (!unreadable.is_empty()).then_some(recovery),
        unreadable,
    }
}

/// Finishes a [`load_unchecked`] in place, so `loaded` is what [`load`] gives: what native
/// callers (tests, the fuzz target, benchmarks) use; the app keeps the raw values of refused
/// deals through `storage::local::check_loaded` instead.
pub fn finish_check(loaded: &mut Loaded, lang: Lang) {
    let Some(unchecked) = loaded.unchecked.take() else {
        return;
    };
    let recovered = loaded.recovered.clone();
    let checked = check_loaded(
        &mut loaded.ws,
        &mut loaded.saved,
        unchecked,
        &recovered,
        lang,
    );
    if let Some(recovered) = checked.recovered {
        loaded.recovered = recovered;
    }
    loaded.unreadable.extend(checked.unreadable);
    sort_stable_by(&mut loaded.unreadable, |a, b| a.key.cmp(&b.key));
}

/// The check loop of [`load`]: recover, check every deal, and while some are refused, take
/// them out (listed as unreadable) and recover again without them. `first_recovery`: the
/// recovery already made for these deals (the first round's is then not redone).
fn check_deals(
    ws: &mut Workspace,
    sources: &mut Vec<(String, bool)>,
    stored_pipelines: &[Pipeline],
    unreadable: &mut Vec<Unread>,
    mut first_recovery: Option<Recovery>,
    lang: Lang,
    refused_ids: &mut Vec<DealId>,
) -> Recovery {
    loop {
        // Recovery adds pipelines and stages and never changes a deal.
        let recovered = match first_recovery.take() {
            Some(done) => done,
            None => {
                ws.pipelines = stored_pipelines.to_vec();
                recover(ws, lang)
            }
        };
        let mut checker = DealChecker::new(&ws.pipelines);
        let refused: Vec<(usize, ImportError)> = ws
            .deals
            .iter()
            .enumerate()
            .filter_map(|(idx, deal)| checker.check(deal).err().map(|err| (idx, err)))
            .collect();
        if refused.is_empty() {
            return recovered;
        }
        // Refused deals are kept raw, not loaded; recover again without them, so no
        // recovered pipeline or stage is made for a deal that is not there.
        for (idx, err) in refused.into_iter().rev() {
            let deal = ws.deals.remove(idx);
            let (key, shared) = sources.remove(idx);
            let in_chunk = bucket_of_key(&key).is_some();
            unreadable.push(Unread {
                key,
                reason: DecodeError::Refused(err),
                deal: in_chunk.then(|| serde_json::to_string(&deal).unwrap_or_default()),
                shared,
            });
            refused_ids.push(deal.id);
        }
    }
}

fn load_with<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    lang: Lang,
    defer_check: bool,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut meta: Option<Meta> = None;
    let mut legacy_meta: Option<(String, Result<Meta, DecodeError>)> = None;
    // Deal id → (key it came from, deal, whether the key holds other deals too).
    let mut found: BTreeMap<DealId, (String, Deal, bool)> = BTreeMap::new();
    let mut legacy_deals: Vec<(String, Deal)> = Vec::new();
    // The revision each deal has in its chunk, whichever copy is loaded.
    let mut chunk_revs: HashMap<DealId, u64> = HashMap::new();
    let mut buckets_seen: Vec<(u32, String, Vec<Deal>)> = Vec::new();
    for (key, raw) in entries {
        if key == META_KEY {
            loaded.had_meta = true;
            // What this tab saw, readable or not: the first save replaces it (an
            // unreadable value is kept aside first).
            loaded.saved.meta = Some(raw.to_string());
            match decode_meta(raw) {
                Ok(parts) => {
                    loaded.saved.meta_parts =
                        Some((parts.pipelines.clone(), parts.lost_reasons.clone()));
                    meta = Some(parts);
                }
                Err(reason) => loaded.unreadable.push(unread(key, reason)),
            }
        } else if key == v1::META_KEY {
            loaded.had_meta = true;
            let parts = v1::decode_meta(raw)
                .and_then(|(pipelines, reasons)| checked_meta(pipelines, reasons, BUCKETS));
            legacy_meta = Some((key.to_string(), parts));
        } else if let Some(bucket) = bucket_of_key(key) {
            loaded.saved.chunks.insert(bucket, value_hash(raw));
            match decode_chunk(raw) {
                Ok(deals) => buckets_seen.push((bucket, key.to_string(), deals)),
                Err(reason) => loaded.unreadable.push(unread(key, reason)),
            }
        } else if let Some(id) = key.strip_prefix(v1::DEAL_PREFIX) {
            match v1::decode_deal_under(id, raw) {
                Ok(deal) => legacy_deals.push((key.to_string(), deal)),
                Err(reason) => loaded.unreadable.push(unread(key, reason)),
            }
        }
    }
    // A format-2 record wins; a format-1 one is used while the store is being moved.
    let legacy_meta_key = legacy_meta.as_ref().map(|(key, _)| key.clone());
    match legacy_meta {
        Some((_, Ok(parts))) if meta.is_none() => meta = Some(parts),
        Some((key, Err(reason))) => loaded.unreadable.push(unread(&key, reason)),
        _ => {}
    }
    let buckets = meta.as_ref().map_or(BUCKETS, |m| m.buckets);
    loaded.saved.buckets = buckets;
    for (bucket, key, deals) in buckets_seen {
        let shared = deals.len() > 1;
        for deal in deals {
            if bucket_of(&deal.id, buckets) != bucket || found.contains_key(&deal.id) {
                loaded.unreadable.push(Unread {
                    key: key.clone(),
                    reason: DecodeError::Invalid("a deal in the wrong chunk, or twice".into()),
                    deal: Some(serde_json::to_string(&deal).unwrap_or_default()),
                    shared,
                });
                continue;
            }
            chunk_revs.insert(deal.id.clone(), deal.rev);
            found.insert(deal.id.clone(), (key.clone(), deal, shared));
        }
    }
    // Deals still under a format-1 key: kept unless a format-2 chunk has them already
    // (a move that stopped half-way), in which case the newer revision wins.
    let mut legacy_keys: Vec<(String, DealId)> = Vec::new();
    for (key, deal) in legacy_deals {
        legacy_keys.push((key.clone(), deal.id.clone()));
        let newer = found
            .get(&deal.id)
            .is_none_or(|(_, stored, _)| deal.rev > stored.rev);
        if newer {
            found.insert(deal.id.clone(), (key, deal, false));
        }
    }
    let stored_meta = meta.clone();
    if let Some(parts) = meta {
        loaded.ws.pipelines = parts.pipelines;
        loaded.ws.lost_reasons = parts.lost_reasons;
    }
    let stored_pipelines = loaded.ws.pipelines.clone();
    // Where each loaded deal came from (its key, and whether the key holds others), in the
    // order of `loaded.ws.deals`. The deals themselves move, never copied.
    let mut sources: Vec<(String, bool)> = Vec::with_capacity(found.len());
    loaded.ws.deals = found
        .into_values()
        .map(|(key, deal, shared)| {
            sources.push((key, shared));
            deal
        })
        .collect();
    // Checking every deal by the import's rules is most of the work: it may wait until
    // the board is drawn (`load_unchecked`), unless a format-1 store is being moved.
    let defer = defer_check && legacy_keys.is_empty() && legacy_meta_key.is_none();
    if defer {
        loaded.ws.pipelines.clone_from(&stored_pipelines);
        loaded.recovered = recover(&mut loaded.ws, lang);
    } else {
        loaded.recovered = check_deals(
            &mut loaded.ws,
            &mut sources,
            &stored_pipelines,
            &mut loaded.unreadable,
            None,
            lang,
            &mut Vec::new(),
        );
    }
    sort_stable_by(&mut loaded.unreadable, |a, b| a.key.cmp(&b.key));
    // What is stored in format 2, as this tab now knows it.
    for deal in &loaded.ws.deals {
        if let Some(rev) = chunk_revs.get(&deal.id) {
            loaded.saved.deal_revs.insert(deal.id.clone(), *rev);
        }
    }
    loaded.migration = migration(
        &loaded,
        &sources,
        &legacy_keys,
        legacy_meta_key,
        stored_meta,
    );
    if defer {
        loaded.unchecked = Some(Unchecked {
            sources: loaded
                .ws
                .deals
                .iter()
                .map(|d| d.id.clone())
                .zip(sources)
                .collect(),
            stored_pipelines,
        });
    }
    loaded
}

fn unread(key: &str, reason: DecodeError) -> Unread {
    Unread {
        key: key.to_string(),
        reason,
        deal: None,
        shared: false,
    }
}

/// The writes that move what is left of a format-1 store to format 2, or `None`.
fn migration(
    loaded: &Loaded,
    sources: &[(String, bool)],
    legacy_keys: &[(String, DealId)],
    legacy_meta_key: Option<String>,
    stored_meta: Option<Meta>,
) -> Option<Migration> {
    let unreadable: HashSet<&str> = loaded.unreadable.iter().map(|u| u.key.as_str()).collect();
    let legacy_readable: Vec<&(String, DealId)> = legacy_keys
        .iter()
        .filter(|(key, _)| !unreadable.contains(key.as_str()))
        .collect();
    let meta_pending = legacy_meta_key
        .as_deref()
        .is_some_and(|key| !unreadable.contains(key));
    if legacy_readable.is_empty() && !meta_pending {
        return None;
    }
    let buckets = loaded.saved.buckets;
    // Every loaded deal of a bucket that has a format-1 key to retire goes in its chunk.
    let mut by_bucket: BTreeMap<u32, (Vec<&Deal>, Vec<String>)> = BTreeMap::new();
    for (key, id) in &legacy_readable {
        by_bucket
            .entry(bucket_of(id, buckets))
            .or_default()
            .1
            .push(key.clone());
    }
    let legacy_ids: HashSet<&DealId> = legacy_readable.iter().map(|(_, id)| id).collect();
    let mut changed: BTreeMap<u32, Vec<Change>> = BTreeMap::new();
    for ((key, _), deal) in sources.iter().zip(&loaded.ws.deals) {
        let bucket = bucket_of(&deal.id, buckets);
        if let Some((list, _)) = by_bucket.get_mut(&bucket) {
            list.push(deal);
            // A deal loaded from its format-1 key goes into the chunk over whatever
            // revision of it the chunk has.
            if legacy_ids.contains(&deal.id) && bucket_of_key(key).is_none() {
                let stored = loaded.saved.deal_revs.get(&deal.id).copied();
                changed
                    .entry(bucket)
                    .or_default()
                    .push((deal.id.clone(), stored, Ours::InValue));
            }
        }
    }
    let chunks = by_bucket
        .into_iter()
        .map(|(bucket, (mut list, keys))| {
            sort_stable_by(&mut list, |a, b| a.id.cmp(&b.id));
            let changed = changed.remove(&bucket).unwrap_or_default();
            (chunk_write(bucket, &list, &loaded.saved, changed), keys)
        })
        .collect();
    // A readable format-2 record stands; an unreadable one (kept aside) is replaced by the
    // format-1 record's content.
    let has_meta_v2 = loaded.saved.meta_parts.is_some();
    Some(Migration {
        chunks,
        meta: match (&stored_meta, has_meta_v2, meta_pending) {
            (Some(parts), false, true) => Some(encode_meta(
                &parts.pipelines,
                &parts.lost_reasons,
                parts.buckets,
            )),
            _ => None,
        },
        legacy_meta: legacy_meta_key.filter(|_| meta_pending),
    })
}

/// One deal packed on its own, to stand under its format-1 key while a full store is
/// moved: it takes a fraction of the JSON record's room, and the deal is never unstored.
pub fn compact_legacy(deal: &Deal) -> String {
    encode_chunk(&[deal])
}

/// What taking another tab's stored value did to this tab's workspace.
#[derive(Debug, PartialEq)]
pub enum Adopted {
    /// The workspace changed; `Recovery` says which deals had to be given a place again.
    Changed(Recovery),
    /// Nothing to take (the value is what this tab has, or the key is not ours).
    Unchanged,
    /// The value cannot be read or breaks the rules: not taken; keep it and tell the user.
    Unreadable(DecodeError),
}

/// Takes what another tab stored under `key` (`None`: removed) into `ws`, by the same
/// rules as loading, and records it in `saved`. The workspace passes the rules after.
pub fn adopt(
    ws: &mut Workspace,
    saved: &mut Saved,
    key: &str,
    stored: Option<&str>,
    lang: Lang,
) -> Adopted {
    if key == META_KEY {
        // A removed workspace record leaves this tab's copy as it is; the next save
        // writes it again.
        let Some(raw) = stored else {
            return Adopted::Unchanged;
        };
        let parts = match decode_meta(raw) {
            Ok(parts) => parts,
            Err(err) => return Adopted::Unreadable(err),
        };
        saved.meta = Some(raw.to_string());
        saved.meta_parts = Some((parts.pipelines.clone(), parts.lost_reasons.clone()));
        saved.buckets = parts.buckets;
        ws.pipelines = parts.pipelines;
        ws.lost_reasons = parts.lost_reasons;
        return Adopted::Changed(recover(ws, lang));
    }
    let Some(bucket) = bucket_of_key(key) else {
        return Adopted::Unchanged;
    };
    let hash = stored.map(value_hash);
    if hash == saved.chunks.get(&bucket).copied() {
        return Adopted::Unchanged;
    }
    let incoming = match stored.map(decode_chunk).transpose() {
        Ok(deals) => deals.unwrap_or_default(),
        Err(err) => return Adopted::Unreadable(err),
    };
    // Checked beside this tab's pipelines, recovering a pipeline or stage they lack,
    // before anything in `ws` changes.
    let mut trial = Workspace {
        pipelines: ws.pipelines.clone(),
        deals: incoming,
        lost_reasons: Vec::new(),
    };
    let recovery = recover(&mut trial, lang);
    let mut checker = DealChecker::new(&trial.pipelines);
    let mut ids = HashSet::new();
    for deal in &trial.deals {
        if bucket_of(&deal.id, saved.buckets) != bucket || !ids.insert(deal.id.clone()) {
            return Adopted::Unreadable(DecodeError::Invalid(
                "a deal in the wrong chunk, or twice".into(),
            ));
        }
        if let Err(err) = checker.check(deal) {
            return Adopted::Unreadable(DecodeError::Refused(err));
        }
    }
    ws.pipelines = trial.pipelines;
    match hash {
        Some(hash) => saved.chunks.insert(bucket, hash),
        None => saved.chunks.remove(&bucket),
    };
    let mut changed = false;
    // Deals this tab knew were stored in the chunk and that are gone: the other tab
    // removed them. Deals this tab has not stored yet stay.
    let gone: HashSet<DealId> = saved
        .deal_revs
        .keys()
        .filter(|id| !ids.contains(*id) && bucket_of(id, saved.buckets) == bucket)
        .cloned()
        .collect();
    if !gone.is_empty() {
        let before = ws.deals.len();
        ws.deals.retain(|d| !gone.contains(&d.id));
        changed |= ws.deals.len() != before;
        for id in &gone {
            saved.deal_revs.remove(id);
        }
    }
    let mut position: HashMap<DealId, usize> = ws
        .deals
        .iter()
        .enumerate()
        .map(|(idx, d)| (d.id.clone(), idx))
        .collect();
    for deal in trial.deals {
        // Stored as this tab last saw it: whatever this tab has (a change or a removal not
        // stored yet) is newer and stands. Otherwise another tab changed it: theirs.
        if saved.deal_revs.get(&deal.id) == Some(&deal.rev) {
            continue;
        }
        saved.deal_revs.insert(deal.id.clone(), deal.rev);
        match position.get(&deal.id) {
            Some(&idx) if ws.deals[idx] == deal => continue,
            Some(&idx) => ws.deals[idx] = deal,
            None => {
                position.insert(deal.id.clone(), ws.deals.len());
                ws.deals.push(deal);
            }
        }
        changed = true;
    }
    if changed || !recovery.is_empty() {
        Adopted::Changed(recovery)
    } else {
        Adopted::Unchanged
    }
}

/// What this tab believes is in storage. A stored value that differs from it was written
/// by another tab.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The workspace record as last written or read.
    pub meta: Option<String>,
    /// Its pipelines and lost reasons, to see whether they changed without encoding them.
    pub meta_parts: Option<(Vec<Pipeline>, Vec<String>)>,
    /// The revision of each deal stored in a chunk.
    pub deal_revs: HashMap<DealId, u64>,
    /// [`value_hash`] of each chunk value as last written or read.
    pub chunks: HashMap<u32, u64>,
    /// The store's bucket count.
    pub buckets: u32,
    /// Keys this tab must never write: their unreadable value could not be kept elsewhere.
    pub protected: Vec<String>,
}

impl Default for Saved {
    fn default() -> Saved {
        Saved {
            meta: None,
            meta_parts: None,
            deal_revs: HashMap::new(),
            chunks: HashMap::new(),
            buckets: BUCKETS,
            protected: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// The workspace record, provided storage still holds `expect` (what this tab last saw).
    Meta {
        value: String,
        expect: Option<String>,
    },
    Chunk(ChunkWrite),
}

/// A deal this tab changed in a chunk: its id, the revision it expects to find stored
/// (`None`: not stored), and what this tab has of it.
pub type Change = (DealId, Option<u64>, Ours);

/// A deal a plan found changed: its id, the revision stored, and this tab's deal (`None`:
/// removed).
type Touched<'a> = (DealId, Option<u64>, Option<&'a Deal>);

/// What this tab has of a deal it changed.
#[derive(Clone, Debug, PartialEq)]
pub enum Ours {
    /// Removed.
    Removed,
    /// This deal.
    Put(Box<Deal>),
    /// The deal as it is in the write's own `value` (a whole chunk): read back from it only
    /// when the write must be merged, so a plan copies no deal.
    InValue,
}

/// A chunk's new value, and what each deal this tab changed in it must be in storage for
/// the write to go ahead unmerged.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkWrite {
    pub bucket: u32,
    pub key: String,
    /// The chunk as this tab has it, encoded.
    pub value: String,
    /// Every deal in `value`: id and revision.
    pub revs: Vec<(DealId, u64)>,
    /// The hash of the value this tab last saw (`None`: no chunk yet).
    pub base: Option<u64>,
    /// The deals this tab changed (put or removed), each with the revision it expects to
    /// find stored (`None`: not stored) and what this tab has of it.
    pub changed: Vec<Change>,
    /// Put `changed` into whatever the chunk holds, never `value` whole: one of two steps
    /// around the workspace record, when the other deals must stay as stored meanwhile.
    pub merge: bool,
}

fn chunk_write(bucket: u32, deals: &[&Deal], saved: &Saved, changed: Vec<Change>) -> ChunkWrite {
    ChunkWrite {
        bucket,
        key: chunk_key(bucket),
        value: encode_bucket(bucket, deals),
        revs: deals.iter().map(|d| (d.id.clone(), d.rev)).collect(),
        base: saved.chunks.get(&bucket).copied(),
        changed,
        merge: false,
    }
}

/// The writes that bring storage up to date with `ws`: only what changed, one chunk per
/// bucket a changed deal is in. Another tab takes them in one at a time, so they are
/// ordered for it never to see a deal without its place (which it would have to recover):
/// chunks whose changed deals are in stages the stored workspace record already has; then
/// the record; then chunks with deals in stages only the new record has.
pub fn plan(ws: &Workspace, saved: &Saved) -> Vec<Write> {
    let buckets = saved.buckets.max(1);
    // The deals that differ from storage, by bucket: this tab's deal, or `None` if removed.
    let mut touched: BTreeMap<u32, Vec<Touched>> = BTreeMap::new();
    let mut present: HashSet<&str> = HashSet::with_capacity(ws.deals.len());
    let mut still_stored = 0;
    for deal in &ws.deals {
        present.insert(deal.id.as_str());
        let stored = saved.deal_revs.get(&deal.id).copied();
        still_stored += usize::from(stored.is_some());
        if stored != Some(deal.rev) {
            touched
                .entry(bucket_of(&deal.id, buckets))
                .or_default()
                .push((deal.id.clone(), stored, Some(deal)));
        }
    }
    // Some stored deal is no longer in the workspace: find which.
    if saved.deal_revs.len() > still_stored {
        for (id, rev) in &saved.deal_revs {
            if !present.contains(id.as_str()) {
                touched.entry(bucket_of(id, buckets)).or_default().push((
                    id.clone(),
                    Some(*rev),
                    None,
                ));
            }
        }
    }
    let meta_changed = saved
        .meta_parts
        .as_ref()
        .is_none_or(|(pipelines, reasons)| {
            *pipelines != ws.pipelines || *reasons != ws.lost_reasons
        })
        && !saved.protected.iter().any(|k| k == META_KEY);
    let meta_write = meta_changed.then(|| Write::Meta {
        value: encode_meta(&ws.pipelines, &ws.lost_reasons, buckets),
        expect: saved.meta.clone(),
    });
    // The stages the stored record has, looked up only when the record is rewritten.
    let stored_stages: HashSet<(&PipelineId, &StageId)> = match (&meta_write, &saved.meta_parts) {
        (Some(_), Some((pipelines, _))) => pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(move |s| (&p.id, &s.id)))
            .collect(),
        _ => HashSet::new(),
    };
    let mut by_bucket: HashMap<u32, Vec<&Deal>> = HashMap::new();
    if !touched.is_empty() {
        for deal in &ws.deals {
            let bucket = bucket_of(&deal.id, buckets);
            if touched.contains_key(&bucket) {
                by_bucket.entry(bucket).or_default().push(deal);
            }
        }
    }
    let mut writes = Vec::new();
    let mut after_meta = Vec::new();
    for (bucket, mut changed) in touched {
        let key = chunk_key(bucket);
        if saved.protected.contains(&key) {
            continue;
        }
        sort_stable_by(&mut changed, |a, b| a.0.cmp(&b.0));
        let is_placed = |change: &Touched| {
            change
                .2
                .is_none_or(|d| stored_stages.contains(&(&d.pipeline_id, &d.stage_id)))
        };
        // A whole chunk's write: the changed deals are in its value.
        let in_value = |changes: Vec<Touched>| -> Vec<Change> {
            changes
                .into_iter()
                .map(|(id, stored, deal)| {
                    let ours = if deal.is_some() {
                        Ours::InValue
                    } else {
                        Ours::Removed
                    };
                    (id, stored, ours)
                })
                .collect()
        };
        let mut deals = by_bucket.remove(&bucket).unwrap_or_default();
        sort_stable_by(&mut deals, |a, b| a.id.cmp(&b.id));
        if meta_write.is_none() || changed.iter().all(is_placed) {
            let changed = in_value(changed);
            writes.push(Write::Chunk(chunk_write(bucket, &deals, saved, changed)));
            continue;
        }
        // Some deals of this chunk need the new record (their stage is new), others need
        // the old one gone first (a replaced workspace's deals are removed). Written in two
        // steps around the record, each merged into what is stored: first the changes the
        // stored record already has a place for, then the rest.
        let (now, later): (Vec<_>, Vec<_>) = changed.into_iter().partition(is_placed);
        if now.is_empty() {
            // Nothing needs to go first: one write, after the record.
            let later = in_value(later);
            after_meta.push(Write::Chunk(chunk_write(bucket, &deals, saved, later)));
            continue;
        }
        let step = |changes: Vec<Touched>| {
            let changed = changes
                .into_iter()
                .map(|(id, stored, deal)| {
                    let ours = deal.map_or(Ours::Removed, |d| Ours::Put(Box::new(d.clone())));
                    (id, stored, ours)
                })
                .collect();
            Write::Chunk(ChunkWrite {
                bucket,
                key: key.clone(),
                value: String::new(),
                revs: Vec::new(),
                base: None,
                changed,
                merge: true,
            })
        };
        writes.push(step(now));
        after_meta.push(step(later));
    }
    writes.extend(meta_write);
    writes.extend(after_meta);
    // Whatever `store_units` packed and this plan did not use is stale now.
    PACKED.with(|memo| memo.borrow_mut().clear());
    writes
}

/// A chunk another tab changed since this tab last saw it, with this tab's changes put in.
#[derive(Debug, PartialEq)]
pub struct Merged {
    pub value: String,
    /// Deals this tab changed that the other tab changed too: theirs is kept.
    pub conflicts: Vec<DealId>,
}

/// Puts the changes of `write` into the chunk `stored` holds now: each changed deal whose
/// stored revision is still the one this tab expects; the other tab's deals stay as they
/// are. An unreadable stored value is an error (it is kept, not overwritten).
pub fn merge_chunk(stored: Option<&str>, write: &ChunkWrite) -> Result<Merged, DecodeError> {
    let mut deals: BTreeMap<DealId, Deal> = stored
        .map(decode_chunk)
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
    let mut conflicts = Vec::new();
    // This tab's deals in the write's own value, read only if a change needs them.
    let mut in_value: Option<BTreeMap<DealId, Deal>> = None;
    for (id, expect, ours) in &write.changed {
        if deals.get(id).map(|d| d.rev) != *expect {
            conflicts.push(id.clone());
            continue;
        }
        match ours {
            Ours::Put(deal) => {
                deals.insert(id.clone(), Deal::clone(deal));
            }
            Ours::Removed => {
                deals.remove(id);
            }
            Ours::InValue => {
                if in_value.is_none() {
                    in_value = Some(
                        decode_chunk(&write.value)?
                            .into_iter()
                            .map(|d| (d.id.clone(), d))
                            .collect(),
                    );
                }
                // Every deal a plan marks as in the value is there; should one not be, the
                // merge is refused (nothing is written) rather than the change dropped.
                let deal = in_value
                    .as_mut()
                    .and_then(|ours| ours.remove(id))
                    .ok_or_else(|| {
                        DecodeError::Invalid(format!("deal {id} is not in the chunk written"))
                    })?;
                deals.insert(id.clone(), deal);
            }
        }
    }
    let list: Vec<&Deal> = deals.values().collect();
    Ok(Merged {
        value: encode_chunk(&list),
        conflicts,
    })
}

/// Records in `saved` that `write` is now stored as planned.
pub fn record_chunk(saved: &mut Saved, write: &ChunkWrite) {
    saved.chunks.insert(write.bucket, value_hash(&write.value));
    for (id, _, ours) in &write.changed {
        if *ours == Ours::Removed {
            saved.deal_revs.remove(id);
        }
    }
    for (id, rev) in &write.revs {
        saved.deal_revs.insert(id.clone(), *rev);
    }
}

/// Records in `saved` that the workspace record `value` is stored.
pub fn record_meta(saved: &mut Saved, value: &str) {
    if let Ok(parts) = decode_meta(value) {
        saved.meta_parts = Some((parts.pipelines, parts.lost_reasons));
    }
    saved.meta = Some(value.to_string());
}

/// A workspace's deals by the chunk they are stored in, each chunk's sorted by id.
fn deals_by_bucket(ws: &Workspace, buckets: u32) -> BTreeMap<u32, Vec<&Deal>> {
    let mut by_bucket: BTreeMap<u32, Vec<&Deal>> = BTreeMap::new();
    for deal in &ws.deals {
        by_bucket
            .entry(bucket_of(&deal.id, buckets))
            .or_default()
            .push(deal);
    }
    for deals in by_bucket.values_mut() {
        sort_stable_by(deals, |a, b| a.id.cmp(&b.id));
    }
    by_bucket
}

/// Every key and value a workspace takes in format 2, in a store of `buckets` chunks.
pub fn encode_store(ws: &Workspace, buckets: u32) -> Vec<(String, String)> {
    let mut out = vec![(
        META_KEY.to_string(),
        encode_meta(&ws.pipelines, &ws.lost_reasons, buckets),
    )];
    for (bucket, deals) in deals_by_bucket(ws, buckets) {
        out.push((chunk_key(bucket), encode_chunk(&deals)));
    }
    out
}

/// The room, in UTF-16 code units, a workspace takes stored in format 2. The packed chunks
/// are kept for the save that stores this workspace next; chunks [`PackAhead`] packed for
/// the same deals are used, not packed again.
pub fn store_units(ws: &Workspace, buckets: u32) -> usize {
    let mut ahead = PACKED.with(|memo| std::mem::take(&mut *memo.borrow_mut()));
    let mut packed_now = HashMap::new();
    let mut total = units([(
        META_KEY,
        encode_meta(&ws.pipelines, &ws.lost_reasons, buckets).as_str(),
    )]);
    for (bucket, deals) in deals_by_bucket(ws, buckets) {
        let entry = match ahead.remove(&bucket) {
            Some(entry) if same_deals(&entry.0, &deals) => entry,
            _ => {
                let packed = encode_chunk(&deals);
                (deals.into_iter().cloned().collect(), packed)
            }
        };
        total += units([(chunk_key(bucket).as_str(), entry.1.as_str())]);
        packed_now.insert(bucket, entry);
    }
    PACKED.with(|memo| *memo.borrow_mut() = packed_now);
    total
}

/// Packs, a chunk at a time, the chunks a workspace would be stored in, for
/// [`store_units`] and the save after it to take. An import's preview is read for a while
/// before the user chooses to replace: packing is most of what that choice then costs,
/// and is done meanwhile, in the page's idle time. Only ever a head start: what it packed
/// is used only where the deals are still equal, field for field.
pub struct PackAhead {
    /// Each bucket with the indices of its deals in `ws.deals`, sorted by id.
    groups: Vec<(u32, Vec<usize>)>,
    next: usize,
    n_deals: usize,
}

impl PackAhead {
    /// The chunks of `ws` stored in `buckets` chunks, none packed yet.
    pub fn new(ws: &Workspace, buckets: u32) -> PackAhead {
        let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, deal) in ws.deals.iter().enumerate() {
            groups
                .entry(bucket_of(&deal.id, buckets))
                .or_default()
                .push(i);
        }
        for indices in groups.values_mut() {
            sort_stable_by(indices, |a, b| ws.deals[*a].id.cmp(&ws.deals[*b].id));
        }
        PackAhead {
            groups: groups.into_iter().collect(),
            next: 0,
            n_deals: ws.deals.len(),
        }
    }

    /// Packs the next chunk of `ws` (the workspace it was made for). False when there is
    /// nothing left to pack, or `ws` is not that workspace.
    pub fn step(&mut self, ws: &Workspace) -> bool {
        if ws.deals.len() != self.n_deals {
            return false;
        }
        let Some((bucket, indices)) = self.groups.get(self.next) else {
            return false;
        };
        self.next += 1;
        let deals: Vec<&Deal> = indices.iter().filter_map(|i| ws.deals.get(*i)).collect();
        let packed = PACKED.with(|memo| {
            memo.borrow()
                .get(bucket)
                .is_some_and(|(kept, _)| same_deals(kept, &deals))
        });
        if !packed {
            let value = encode_chunk(&deals);
            let kept = deals.into_iter().cloned().collect();
            PACKED.with(|memo| memo.borrow_mut().insert(*bucket, (kept, value)));
        }
        self.next < self.groups.len()
    }
}

/// Whether what an import would leave fits in the browser's quota, in UTF-16 code units:
/// `needed` for it, against `room`, the quota less what stays stored beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Room {
    pub needed: usize,
    pub room: usize,
}

impl Room {
    pub fn fits(self) -> bool {
        self.needed <= self.room
    }
}

/// Room in UTF-16 code units that `entries` take in localStorage.
pub fn units<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    entries
        .into_iter()
        .map(|(k, v)| pack::utf16_len(k) + pack::utf16_len(v))
        .sum()
}

/// True when a localStorage key belongs to the stored workspace (and so matters to other
/// tabs).
pub fn is_workspace_key(key: &str) -> bool {
    key == META_KEY || bucket_of_key(key).is_some()
}
