//! CSV export of one pipeline's deals for spreadsheets: one row a deal, headers in the
//! user's language, amounts as exact decimals, dates in ISO form. Written here byte for
//! byte as the `csv` crate's default writer writes it (`write_record`): the crate's writer
//! links Rust's float parser (its "quote non-numeric" style, chosen at run time), about
//! 20 KB of wasm. The tests read the file back with the `csv` crate.

use super::export::{file_stamp, slug};
use crate::domain::{Deal, DealStatus, Pipeline, PipelineRef, Workspace};
use crate::i18n::{t, Lang};
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

/// The header keys, in column order.
const COLUMNS: [&str; 18] = [
    "backup.csv.id",
    "backup.csv.title",
    "backup.csv.organisation",
    "backup.csv.contact_name",
    "backup.csv.contact_email",
    "backup.csv.contact_phone",
    "backup.csv.stage",
    "backup.csv.status",
    "backup.csv.lost_reason",
    "backup.csv.amount",
    "backup.csv.currency",
    "backup.csv.probability",
    "backup.csv.expected_close",
    "backup.csv.next_step",
    "backup.csv.next_step_due",
    "backup.csv.created",
    "backup.csv.updated",
    "backup.csv.closed_at",
];

/// Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
/// `æøå` come out garbled. CSV readers, the `csv` crate's included, skip it.
const UTF8_BOM: &str = "\u{feff}";

/// `pipewright-new-business-2026-11-26-1432.csv`.
pub fn csv_file_name(pipeline_name: &str, now: impl Datelike + Timelike) -> String {
    format!("pipewright-{}-{}.csv", slug(pipeline_name), file_stamp(now))
}

/// The deals of a pipeline as CSV, open and closed, in board order (stage by stage, open
/// deals first in column order). `None` when there is no such pipeline.
pub fn export_csv(
    ws: &Workspace,
    pipeline_id: &(impl PipelineRef + ?Sized),
    lang: Lang,
) -> Option<String> {
    let pipeline = ws.pipeline(pipeline_id)?;
    let mut deals: Vec<&Deal> = ws.deals_in_pipeline(pipeline_id).collect();
    crate::domain::sort::sort_stable_by_key(&mut deals, |deal| {
        (
            pipeline.stage_index(&deal.stage_id).unwrap_or(usize::MAX),
            !deal.status.is_open(),
            deal.rank,
            deal.id.clone(),
        )
    });
    let mut text = UTF8_BOM.to_string();
    write_csv_record(&mut text, COLUMNS.iter().map(|key| t(lang, key)));
    for deal in deals {
        write_csv_record(&mut text, row(pipeline, deal, lang));
    }
    Some(text)
}

/// One record as `csv::Writer::write_record` writes it with the default settings: fields
/// joined by `,`, a field quoted only when it holds `,`, `"`, CR or LF, with each `"`
/// inside doubled, and the record ended by LF. (The crate also writes `""` for a record of
/// one empty field; a record here always has 18 fields.)
pub fn write_csv_record<S: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = S>) {
    for (at, field) in fields.into_iter().enumerate() {
        if at > 0 {
            out.push(',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}

fn row(pipeline: &Pipeline, deal: &Deal, lang: Lang) -> Vec<String> {
    let stage = pipeline.stage(&deal.stage_id);
    let (status, lost_reason, closed_at) = match &deal.status {
        DealStatus::Open => (t(lang, "backup.csv.status_open"), "", None),
        DealStatus::Won { at } => (t(lang, "backup.csv.status_won"), "", Some(*at)),
        DealStatus::Lost { at, reason, .. } => (
            t(lang, "backup.csv.status_lost"),
            reason.as_str(),
            Some(*at),
        ),
    };
    let probability = deal
        .probability
        .or(stage.map(|s| s.probability))
        .map_or_else(String::new, |p| p.to_string());
    vec![
        safe_text(&deal.id),
        safe_text(&deal.title),
        safe_text(&deal.organisation),
        safe_text(&deal.contact.name),
        safe_text(&deal.contact.email),
        safe_text(&deal.contact.phone),
        safe_text(stage.map_or("", |s| s.name.as_str())),
        status.to_string(),
        safe_text(lost_reason),
        decimal_amount(deal.amount.minor, deal.amount.currency.minor_digits()),
        deal.amount.currency.code().to_string(),
        probability,
        deal.expected_close
            .map_or_else(String::new, |d| d.to_string()),
        safe_text(&deal.next_step.text),
        deal.next_step
            .due
            .map_or_else(String::new, |d| d.to_string()),
        timestamp(deal.created_at),
        timestamp(deal.updated_at),
        closed_at.map_or_else(String::new, timestamp),
    ]
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Minor units as a decimal in major units, from integers only: 1250050 with 2 digits is
/// `12500.50`. The point is always `.`, whatever the language, so the column stays a
/// number when the file moves between locales.
pub fn decimal_amount(minor: i64, minor_digits: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    match 10_u64.checked_pow(u32::from(minor_digits)) {
        Some(scale) if minor_digits > 0 => format!(
            "{sign}{}.{:0width$}",
            magnitude / scale,
            magnitude % scale,
            width = usize::from(minor_digits)
        ),
        _ => format!("{sign}{magnitude}"),
    }
}

/// Text a spreadsheet would run as a formula (starting with `=`, `@`, a tab or a carriage
/// return, or `+` or `-` followed by more than a phone number's characters) gets a leading
/// apostrophe, the usual guard against CSV formula injection. A deal from an imported file
/// could otherwise run a formula on the user's machine.
fn safe_text(text: &str) -> String {
    let mut chars = text.chars();
    let risky = match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !chars.all(|c| c.is_ascii_digit() || " ().-/".contains(c)),
        _ => false,
    };
    if risky {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
