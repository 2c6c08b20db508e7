//! The raw layer of import: bytes to a JSON tree, and the envelope (format name and
//! version) read before anything else. Also the migration chain from older versions.

use super::json::Json;
use super::{ImportError, FORMAT_NAME, FORMAT_VERSION, MAX_BACKUP_BYTES, OLDEST_FORMAT_VERSION};
use crate::backup::{Expected, JsonKind, Place};

/// Reads the bytes into a JSON tree and checks the envelope. Returns the tree, which
/// borrows from `bytes`, and the format version it was written in, which [`migrate`] then
/// brings forward.
pub(crate) fn read_envelope(bytes: &[u8]) -> Result<(Json<'_>, u64), ImportError> {
    // Size first, before any parsing, so a huge wrong file costs nothing.
    if bytes.len() > MAX_BACKUP_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_BACKUP_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|err| ImportError::NotText {
        byte_offset: err.valid_up_to(),
    })?;
    // Some editors on Windows start UTF-8 files with a byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value: Json = serde_json::from_str(text).map_err(|err| {
        if err.is_eof() {
            ImportError::Truncated {
                line: err.line(),
                column: err.column(),
            }
        } else if err.to_string().starts_with("recursion limit exceeded") {
            // serde_json stops at 128 levels rather than overflow the stack; the text
            // has no error kind of its own for it.
            ImportError::TooDeep {
                line: err.line(),
                column: err.column(),
            }
        } else {
            ImportError::NotJson {
                line: err.line(),
                column: err.column(),
            }
        }
    })?;
    let version = read_version(&value)?;
    Ok((value, version))
}

/// Checks the format name and reads the version, without looking at anything else.
fn read_version(value: &Json<'_>) -> Result<u64, ImportError> {
    let Json::Object(root) = value else {
        return Err(ImportError::NotABackup { found_format: None });
    };
    match root.get("format") {
        Some(Json::String(format)) if format == FORMAT_NAME => {}
        Some(Json::String(other)) => {
            return Err(ImportError::NotABackup {
                found_format: Some(other.to_string()),
            })
        }
        _ => return Err(ImportError::NotABackup { found_format: None }),
    }
    let Some(version) = root.get("version") else {
        return Err(ImportError::MissingField {
            at: Place::new("version"),
        });
    };
    let Json::Number(number) = version else {
        return Err(ImportError::WrongType {
            at: Place::new("version"),
            expected: Expected::WholeNumber,
            found: JsonKind::of(version),
        });
    };
    if let Some(version) = number.as_u64() {
        Ok(version)
    } else if let Some(negative) = number.as_i64() {
        Err(ImportError::UnsupportedVersion {
            found: negative,
            oldest: OLDEST_FORMAT_VERSION,
        })
    } else {
        // A fraction such as 1.5, or a number too large for any integer type.
        Err(ImportError::VersionNotWhole {
            found: number.to_string(),
        })
    }
}

/// One migration step: turns a file of version N into one of version N + 1.
type Step = for<'a> fn(Json<'a>) -> Result<Json<'a>, ImportError>;

/// The steps, in order: `STEPS[i]` migrates from version `OLDEST_FORMAT_VERSION + i`.
/// Version 1 is the first format, so there are none yet. When version 2 comes, its step
/// goes here and `FORMAT_VERSION` becomes 2; stored data and imported files share it.
const STEPS: &[Step] = &[];

/// Brings a backup value written in `from_version` forward to [`FORMAT_VERSION`], one step
/// at a time. A version newer than this app, or older than the oldest it reads, is refused
/// with its own error.
pub fn migrate(value: Json<'_>, from_version: u64) -> Result<Json<'_>, ImportError> {
    if from_version > u64::from(FORMAT_VERSION) {
        return Err(ImportError::NewerVersion {
            found: from_version,
            known: FORMAT_VERSION,
        });
    }
    if from_version < u64::from(OLDEST_FORMAT_VERSION) {
        return Err(ImportError::UnsupportedVersion {
            found: i64::try_from(from_version).unwrap_or(i64::MAX),
            oldest: OLDEST_FORMAT_VERSION,
        });
    }
    let mut value = value;
    let mut version = from_version;
    while version < u64::from(FORMAT_VERSION) {
        let index =
            usize::try_from(version - u64::from(OLDEST_FORMAT_VERSION)).unwrap_or(usize::MAX);
        // A missing step is a programming error (a version bump without its step); refusing
        // the file is better than reading it wrongly.
        let step = STEPS.get(index).ok_or(ImportError::UnsupportedVersion {
            found: i64::try_from(version).unwrap_or(i64::MAX),
            oldest: OLDEST_FORMAT_VERSION,
        })?;
        value = step(value)?;
        version += 1;
        if let Json::Object(root) = &mut value {
            root.insert("version".into(), Json::Number(version.into()));
        }
    }
    Ok(value)
}
