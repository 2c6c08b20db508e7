//! The stored layout, pure and natively tested. One key holds the workspace's small part
//! (pipelines, stages, lost reasons); each deal has a key of its own, so a change to one
//! deal rewrites only that deal, and two tabs editing different deals never touch the same
//! key. Every record carries a format name and a version.

use crate::backup::{check_workspace, DealChecker, ImportError};
use crate::domain::recovery::{recover, Recovery};
use crate::domain::{Deal, DealId, Pipeline, PipelineId, StageId, Workspace};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

pub const PREFIX: &str = "pipewright.";
pub const META_KEY: &str = "pipewright.workspace";
pub const DEAL_PREFIX: &str = "pipewright.deal.";
pub const LANG_KEY: &str = "pipewright.lang";
pub const LAST_BACKUP_KEY: &str = "pipewright.last-backup";
/// An unreadable value of key K is kept, untouched, under this prefix + K.
pub const UNREADABLE_PREFIX: &str = "pipewright.unreadable.";

pub const META_FORMAT: &str = "pipewright-workspace";
pub const DEAL_FORMAT: &str = "pipewright-deal";
pub const STORE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaRecord {
    format: String,
    version: u32,
    pipelines: Vec<Pipeline>,
    lost_reasons: Vec<String>,
}

#[derive(Serialize)]
struct DealRecordOut<'a> {
    format: &'static str,
    version: u32,
    deal: &'a Deal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DealRecordIn {
    format: String,
    version: u32,
    deal: Deal,
}

/// Just the envelope, read first so a newer version is reported as such rather than as
/// whatever field it renamed.
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

fn check_envelope(raw: &str, expected: &'static str) -> Result<(), DecodeError> {
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
        Some(v) if v > STORE_VERSION => Err(DecodeError::NewerVersion {
            found: v,
            known: STORE_VERSION,
        }),
        Some(_) => Ok(()),
        None => Err(DecodeError::WrongFormat { expected }),
    }
}

pub fn deal_key(deal_id: &str) -> String {
    format!("{DEAL_PREFIX}{deal_id}")
}

pub fn encode_meta(ws: &Workspace) -> String {
    let record = MetaRecord {
        format: META_FORMAT.to_string(),
        version: STORE_VERSION,
        pipelines: ws.pipelines.clone(),
        lost_reasons: ws.lost_reasons.clone(),
    };
    serde_json::to_string(&record).unwrap_or_default()
}

pub fn decode_meta(raw: &str) -> Result<(Vec<Pipeline>, Vec<String>), DecodeError> {
    check_envelope(raw, META_FORMAT)?;
    let record: MetaRecord =
        serde_json::from_str(raw).map_err(|e| DecodeError::Invalid(e.to_string()))?;
    // The pipelines and lost reasons on their own must pass the workspace rules.
    let part = Workspace {
        pipelines: record.pipelines,
        deals: Vec::new(),
        lost_reasons: record.lost_reasons,
    };
    check_workspace(&part).map_err(DecodeError::Refused)?;
    Ok((part.pipelines, part.lost_reasons))
}

pub fn encode_deal(deal: &Deal) -> String {
    serde_json::to_string(&DealRecordOut {
        format: DEAL_FORMAT,
        version: STORE_VERSION,
        deal,
    })
    .unwrap_or_default()
}

pub fn decode_deal(raw: &str) -> Result<Deal, DecodeError> {
    check_envelope(raw, DEAL_FORMAT)?;
    let record: DealRecordIn =
        serde_json::from_str(raw).map_err(|e| DecodeError::Invalid(e.to_string()))?;
    debug_assert_eq!(record.format, DEAL_FORMAT);
    let _ = record.version;
    Ok(record.deal)
}

/// A deal record stored under the key for `id`: it must be that deal.
fn decode_deal_under(id: &str, raw: &str) -> Result<Deal, DecodeError> {
    let deal = decode_deal(raw)?;
    if deal.id != id {
        return Err(DecodeError::Invalid(
            "the deal's id does not match its key".into(),
        ));
    }
    Ok(deal)
}

/// The result of reading every stored key at start-up.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Passes [`check_workspace`]: the same rules as an import.
    pub ws: Workspace,
    /// Keys whose values could not be read, with why. Their raw values must be kept.
    pub unreadable: Vec<(String, DecodeError)>,
    /// Whether a workspace record existed at all (false on a first visit).
    pub had_meta: bool,
    /// Deals that had lost their pipeline or stage, and where they are now.
    pub recovered: Recovery,
}

/// Builds the workspace from stored `(key, value)` pairs. Keys that are not ours are
/// ignored; values that cannot be read are listed, never dropped silently. Deals whose
/// pipeline or stage is missing are recovered (see `domain::recovery`), with names in
/// `lang`. The result always passes the workspace rules.
pub fn load<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>, lang: Lang) -> Loaded {
    let mut loaded = Loaded::default();
    let mut deals = Vec::new();
    for (key, raw) in entries {
        if key == META_KEY {
            loaded.had_meta = true;
            match decode_meta(raw) {
                Ok((pipelines, lost_reasons)) => {
                    loaded.ws.pipelines = pipelines;
                    loaded.ws.lost_reasons = lost_reasons;
                }
                Err(err) => loaded.unreadable.push((key.to_string(), err)),
            }
        } else if let Some(id) = key.strip_prefix(DEAL_PREFIX) {
            match decode_deal_under(id, raw) {
                Ok(deal) => deals.push((key.to_string(), deal)),
                Err(err) => loaded.unreadable.push((key.to_string(), err)),
            }
        }
    }
    // Keys come from storage in no particular order; keep a stable one.
    deals.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let stored_pipelines = loaded.ws.pipelines.clone();
    loop {
        loaded.ws.pipelines.clone_from(&stored_pipelines);
        loaded.ws.deals = deals.iter().map(|(_, deal)| deal.clone()).collect();
        loaded.recovered = recover(&mut loaded.ws, lang);
        let mut checker = DealChecker::new(&loaded.ws.pipelines);
        let refused: Vec<(usize, ImportError)> = loaded
            .ws
            .deals
            .iter()
            .enumerate()
            .filter_map(|(idx, deal)| checker.check(deal).err().map(|err| (idx, err)))
            .collect();
        if refused.is_empty() {
            break;
        }
        // Refused deals are kept raw, not loaded; recover again without them, so no
        // recovered pipeline or stage is made for a deal that is not there.
        for (idx, err) in refused.into_iter().rev() {
            let (key, _) = deals.remove(idx);
            loaded.unreadable.push((key, DecodeError::Refused(err)));
        }
    }
    loaded.unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    loaded
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
        let (pipelines, lost_reasons) = match decode_meta(raw) {
            Ok(parts) => parts,
            Err(err) => return Adopted::Unreadable(err),
        };
        saved.meta = Some(raw.to_string());
        ws.pipelines = pipelines;
        ws.lost_reasons = lost_reasons;
        return Adopted::Changed(recover(ws, lang));
    }
    let Some(id) = key.strip_prefix(DEAL_PREFIX) else {
        return Adopted::Unchanged;
    };
    let Some(raw) = stored else {
        saved.deal_revs.remove(id);
        let before = ws.deals.len();
        ws.deals.retain(|d| d.id != id);
        return if ws.deals.len() == before {
            Adopted::Unchanged
        } else {
            Adopted::Changed(Recovery::default())
        };
    };
    let deal = match decode_deal_under(id, raw) {
        Ok(deal) => deal,
        Err(err) => return Adopted::Unreadable(err),
    };
    // Checked beside this tab's pipelines, recovering its pipeline or stage if it lacks
    // one, before anything in `ws` changes.
    let mut trial = Workspace {
        pipelines: ws.pipelines.clone(),
        deals: vec![deal],
        lost_reasons: Vec::new(),
    };
    let recovery = recover(&mut trial, lang);
    let Some(deal) = trial.deals.pop() else {
        return Adopted::Unchanged;
    };
    if let Err(err) = DealChecker::new(&trial.pipelines).check(&deal) {
        return Adopted::Unreadable(DecodeError::Refused(err));
    }
    ws.pipelines = trial.pipelines;
    saved.deal_revs.insert(deal.id.clone(), deal.rev);
    match ws.deals.iter_mut().find(|d| d.id == deal.id) {
        Some(slot) => *slot = deal,
        None => ws.deals.push(deal),
    }
    Adopted::Changed(recovery)
}

/// What this tab believes is in storage: the meta record as last written or read, and the
/// revision of each deal. A stored value that differs from this was written by another tab.
#[derive(Clone, Debug, Default)]
pub struct Saved {
    pub meta: Option<String>,
    pub deal_revs: HashMap<DealId, u64>,
    /// Keys this tab must never write: their unreadable value could not be kept elsewhere.
    pub protected: Vec<String>,
}

impl Saved {
    pub fn from_loaded(loaded: &Loaded, meta_raw: Option<String>) -> Saved {
        Saved {
            meta: meta_raw,
            deal_revs: loaded
                .ws
                .deals
                .iter()
                .map(|d| (d.id.clone(), d.rev))
                .collect(),
            protected: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// Write `value` under `key`, provided what is stored is still what this tab last saw.
    Put {
        key: String,
        value: String,
        expect: Expect,
    },
    Remove {
        key: String,
        expect: Expect,
    },
}

/// What must be stored for a write to go ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Nothing,
    /// The exact meta record this tab last saw.
    Meta(Option<String>),
    /// A deal record at this revision.
    DealRev(u64),
}

/// The writes that bring storage up to date with `ws`: only what changed. Another tab takes
/// them in one at a time, so they are ordered for it never to see a deal without its place
/// (which it would have to recover): removed deals first; then changed deals whose stage the
/// stored workspace record already has (a stage removed with its deals moved on); then the
/// record; then deals in stages only the new record has (a new pipeline's sample deals).
pub fn plan(ws: &Workspace, saved: &Saved) -> Vec<Write> {
    let mut writes = Vec::new();
    let present: std::collections::HashSet<&str> = ws.deals.iter().map(|d| d.id.as_str()).collect();
    let mut removed: Vec<(&DealId, &u64)> = saved
        .deal_revs
        .iter()
        .filter(|(id, _)| !present.contains(id.as_str()))
        .collect();
    removed.sort();
    for (id, rev) in removed {
        writes.push(Write::Remove {
            key: deal_key(id),
            expect: Expect::DealRev(*rev),
        });
    }
    let meta = encode_meta(ws);
    let meta_write = (saved.meta.as_deref() != Some(meta.as_str())
        && !saved.protected.iter().any(|k| k == META_KEY))
    .then(|| Write::Put {
        key: META_KEY.to_string(),
        value: meta,
        expect: Expect::Meta(saved.meta.clone()),
    });
    // The stages the stored record has, looked up only when the record is rewritten.
    let stored_stages: std::collections::HashSet<(PipelineId, StageId)> = match &meta_write {
        Some(_) => saved
            .meta
            .as_deref()
            .and_then(|raw| decode_meta(raw).ok())
            .map(|(pipelines, _)| {
                pipelines
                    .iter()
                    .flat_map(|p| p.stages.iter().map(|s| (p.id.clone(), s.id.clone())))
                    .collect()
            })
            .unwrap_or_default(),
        None => Default::default(),
    };
    let mut after_meta = Vec::new();
    for deal in &ws.deals {
        let saved_rev = saved.deal_revs.get(deal.id.as_str()).copied();
        if saved_rev != Some(deal.rev) {
            let key = deal_key(&deal.id);
            if saved.protected.contains(&key) {
                continue;
            }
            let write = Write::Put {
                key,
                value: encode_deal(deal),
                expect: saved_rev.map_or(Expect::Nothing, Expect::DealRev),
            };
            let place = (deal.pipeline_id.clone(), deal.stage_id.clone());
            if meta_write.is_none() || stored_stages.contains(&place) {
                writes.push(write);
            } else {
                after_meta.push(write);
            }
        }
    }
    writes.extend(meta_write);
    writes.extend(after_meta);
    writes
}

/// Whether a stored value (or its absence) is what a write expects.
pub fn expectation_holds(expect: &Expect, stored: Option<&str>) -> bool {
    match (expect, stored) {
        (Expect::Nothing, None) => true,
        (Expect::Nothing, Some(_)) => false,
        (Expect::Meta(seen), stored) => seen.as_deref() == stored,
        (Expect::DealRev(_), None) => false,
        (Expect::DealRev(rev), Some(raw)) => decode_deal(raw).is_ok_and(|d| d.rev == *rev),
    }
}
