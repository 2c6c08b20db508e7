//! Backup files: the versioned JSON export of a workspace (or one pipeline), its
//! validation on import, migration of older versions, and CSV export. Pure.
//!
//! Import has two layers, as the house style asks. `raw` stays close to the input: it checks
//! the size, reads the bytes as JSON into a [`Json`] tree (serde_json lexes it; the tree
//! borrows its text from the file and reads as a `serde_json::Value` would), and reads the
//! envelope (format name and version) before anything else, so a newer file or a JSON file
//! that is not a backup is reported as such rather than as a missing field. `migrate` brings an
//! older version forward. `validate` then walks the value into domain types, checking
//! every field and every reference, and says what is wrong and where.
//!
//! Nothing here touches the browser or storage: the UI reads the file, calls
//! [`parse_backup`], shows the preview, and only then changes the workspace with
//! [`add_beside`] or [`replace`].

mod csv_export;
mod error;
mod export;
mod json;
mod merge;
mod raw;
mod reminder;
mod validate;

pub use csv_export::{csv_file_name, decimal_amount, export_csv, write_csv_record};
pub use error::{Expected, ImportError, JsonKind, Owner, Place};
pub use export::{
    backup_file_name, export_pipeline, export_workspace, pipeline_backup_file_name, slug,
};
pub use json::{Json, JsonObject};
pub use merge::{add_beside, put_replacement, replace, replacement, AddReport};
pub use raw::migrate;
pub use reminder::{reminder_due, REMIND_AFTER_DAYS, SNOOZE_DAYS};
pub use validate::{check_workspace, DealChecker};

use crate::domain::Workspace;
use chrono::{DateTime, Utc};

/// The value of the `format` field of every backup file.
pub const FORMAT_NAME: &str = "pipewright-backup";

/// The format version this app writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The oldest format version this app reads. Version 1 is the first there is.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The largest file accepted as a backup, checked before parsing: 20 MiB. A workspace of
/// ten thousand deals with long notes is a few MiB, so anything larger is not a backup, and
/// refusing it keeps a wrong file from freezing the tab.
pub const MAX_BACKUP_BYTES: usize = 20 * 1024 * 1024;

/// A backup file that has been read, migrated to the current version and fully validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    /// The format version the file was written in, before migration.
    pub format_version: u32,
    /// The version of the app that wrote the file.
    pub app_version: String,
    pub exported_at: DateTime<Utc>,
    pub workspace: Workspace,
}

/// Reads a backup file: all or nothing. The bytes are size-checked, parsed, migrated and
/// fully validated before anything is returned, so a caller that only changes its workspace
/// on `Ok` can never be left half-imported.
pub fn parse_backup(bytes: &[u8]) -> Result<Backup, ImportError> {
    let (value, version) = raw::read_envelope(bytes)?;
    let value = migrate(value, version)?;
    let format_version = u32::try_from(version).unwrap_or(FORMAT_VERSION);
    validate::backup(&value, format_version)
}

/// An export that its own import refused: a bug, never a state to live with. The file is
/// still handed over (as `raw`) so the user keeps their data, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct UncheckedExport {
    pub raw: String,
    pub error: ImportError,
}

/// Runs an exported file through the import's own validation before it is offered for
/// download, so a backup the app writes is always one it reads back.
pub fn verify_export(raw: String) -> Result<String, Box<UncheckedExport>> {
    match parse_backup(raw.as_bytes()) {
        Ok(_) => Ok(raw),
        Err(error) => Err(Box::new(UncheckedExport { raw, error })),
    }
}
