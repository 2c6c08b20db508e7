//! Export: the workspace, or one pipeline, as a pretty-printed backup file, and the names
//! the downloaded files get.

use super::{FORMAT_NAME, FORMAT_VERSION};
use crate::domain::{PipelineRef, Workspace};
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;

/// The file as written. Field order here is the order in the file.
#[derive(Serialize)]
struct BackupFileOut<'a> {
    format: &'static str,
    version: u32,
    app_version: &'a str,
    exported_at: DateTime<Utc>,
    workspace: &'a Workspace,
}

fn write(ws: &Workspace, app_version: &str, exported_at: DateTime<Utc>) -> String {
    let file = BackupFileOut {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        app_version,
        exported_at,
        workspace: ws,
    };
    // The domain types serialize to JSON without fail (string keys, no floats), so the
    // empty fallback is never taken; were it ever, importing it reports an empty file.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// The whole workspace: every pipeline, every deal with its history, and the lost reasons.
pub fn export_workspace(ws: &Workspace, app_version: &str, exported_at: DateTime<Utc>) -> String {
    write(ws, app_version, exported_at)
}

/// One pipeline with its deals, and the lost reasons (they are shared by all pipelines).
/// `None` when there is no such pipeline.
pub fn export_pipeline(
    ws: &Workspace,
    pipeline_id: &(impl PipelineRef + ?Sized),
    app_version: &str,
    exported_at: DateTime<Utc>,
) -> Option<String> {
    let pipeline = ws.pipeline(pipeline_id)?;
    let part = Workspace {
        pipelines: vec![pipeline.clone()],
        deals: ws.deals_in_pipeline(pipeline_id).cloned().collect(),
        lost_reasons: ws.lost_reasons.clone(),
    };
    Some(write(&part, app_version, exported_at))
}

/// `2026-11-26-1432`: the date and time a file name carries.
fn stamp(now: &(impl Datelike + Timelike)) -> String {
    format!(
        "{:04}-{:02}-{:02}-{:02}{:02}",
        now.year(),
        now.month(),
        now.day(),
        now.hour(),
        now.minute()
    )
}

/// `pipewright-backup-2026-11-26-1432.json`. Pass the user's local time if the UI knows it
/// (any chrono date-time works); the name is for people, the file itself holds UTC.
pub fn backup_file_name(now: impl Datelike + Timelike) -> String {
    format!("pipewright-backup-{}.json", stamp(&now))
}

/// `pipewright-backup-new-business-2026-11-26-1432.json` for one pipeline.
pub fn pipeline_backup_file_name(pipeline_name: &str, now: impl Datelike + Timelike) -> String {
    format!(
        "pipewright-backup-{}-{}.json",
        slug(pipeline_name),
        stamp(&now)
    )
}

/// The longest slug put into a file name.
const MAX_SLUG_CHARS: usize = 40;

/// A pipeline name as a file-name part: lower-case ASCII letters and digits joined by
/// hyphens. Norwegian letters are spelled out (`æ` as `ae`, `ø` as `o`, `å` as `a`);
/// a name with nothing usable gives `pipeline`.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let spelled: &str = match c {
            'æ' | 'ä' => "ae",
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' => "o",
            'å' | 'à' | 'á' | 'â' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'ü' | 'ú' | 'ù' => "u",
            'í' | 'ì' | 'ï' => "i",
            _ => "",
        };
        let mut push = |text: &str| {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push_str(text);
        };
        if !spelled.is_empty() {
            push(spelled);
        } else if c.is_ascii_alphanumeric() {
            push(c.encode_utf8(&mut [0; 4]));
        } else {
            pending_hyphen = true;
        }
        if slug.len() >= MAX_SLUG_CHARS {
            break;
        }
    }
    // The slug is ASCII, so cutting at a byte count cuts at a character.
    slug.truncate(MAX_SLUG_CHARS);
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "pipeline".to_string()
    } else {
        slug.to_string()
    }
}

pub(crate) fn file_stamp(now: impl Datelike + Timelike) -> String {
    stamp(&now)
}
