//! Store format 1, as the releases before the compact store wrote it: one JSON record for
//! the workspace under [`META_KEY`] and one JSON record per deal under [`DEAL_PREFIX`] + id.
//! Read only to move such a store to format 2 (`super::load` and `super::Migration`); the
//! encoders are kept so tests can build a store exactly as those releases did.
//!
//! While a full store is being moved, a deal key may hold that one deal packed (see
//! `super::compact_legacy`): it frees room for the first format-2 chunk without ever
//! leaving a deal unstored.

use super::{check_envelope, check_parsed, decode_chunk, pack, DecodeError};
use crate::domain::{Deal, Pipeline};
use serde::{Deserialize, Serialize};

pub const META_KEY: &str = "pipewright.workspace";
pub const DEAL_PREFIX: &str = "pipewright.deal.";
pub const VERSION: u32 = 1;

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

pub fn deal_key(deal_id: &str) -> String {
    format!("{DEAL_PREFIX}{deal_id}")
}

pub fn encode_meta(pipelines: &[Pipeline], lost_reasons: &[String]) -> String {
    serde_json::to_string(&MetaRecord {
        format: super::META_FORMAT.to_string(),
        version: VERSION,
        pipelines: pipelines.to_vec(),
        lost_reasons: lost_reasons.to_vec(),
    })
    .unwrap_or_default()
}

pub fn encode_deal(deal: &Deal) -> String {
    serde_json::to_string(&DealRecordOut {
        format: DEAL_FORMAT,
        version: VERSION,
        deal,
    })
    .unwrap_or_default()
}

pub const DEAL_FORMAT: &str = "pipewright-deal";

/// The pipelines and lost reasons of a format-1 workspace record (not yet checked).
pub fn decode_meta(raw: &str) -> Result<(Vec<Pipeline>, Vec<String>), DecodeError> {
    check_envelope(raw, super::META_FORMAT, VERSION)?;
    let record: MetaRecord =
        serde_json::from_str(raw).map_err(|e| DecodeError::Invalid(e.to_string()))?;
    check_parsed(&record.format, record.version, super::META_FORMAT, VERSION)?;
    Ok((record.pipelines, record.lost_reasons))
}

/// The deal stored under the format-1 key of `id`: a JSON record, or that one deal packed.
pub fn decode_deal_under(id: &str, raw: &str) -> Result<Deal, DecodeError> {
    let deal = if pack::is_packed(raw) {
        let mut deals = decode_chunk(raw)?;
        match (deals.pop(), deals.is_empty()) {
            (Some(deal), true) => deal,
            _ => return Err(DecodeError::Invalid("not one deal".into())),
        }
    } else {
        let record: DealRecordIn = serde_json::from_str(raw).map_err(|e| {
            check_envelope(raw, DEAL_FORMAT, VERSION)
                .err()
                .unwrap_or_else(|| DecodeError::Invalid(e.to_string()))
        })?;
        check_parsed(&record.format, record.version, DEAL_FORMAT, VERSION)?;
        record.deal
    };
    if deal.id != id {
        return Err(DecodeError::Invalid(
            "the deal's id does not match its key".into(),
        ));
    }
    Ok(deal)
}
