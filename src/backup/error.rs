//! `ImportError`: every way a backup file can be wrong, each saying what and where, with
//! its message in both languages through the message catalogue.

use super::json::Json;
use crate::i18n::{t, tf, Lang};
use std::fmt;

/// Where in the file something is wrong: a path such as `workspace.deals[3].amount.minor`,
/// and the deal or pipeline it belongs to when that is known, so a person can find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    /// Boxed to keep `ImportError` small: it travels through every `Result` of the import.
    pub owner: Option<Box<Owner>>,
}

/// The record a wrong field belongs to. The name is shown when the file gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    Pipeline { id: String, name: Option<String> },
    Deal { id: String, title: Option<String> },
}

/// The kind of JSON value a field should hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Object,
    List,
    Text,
    TextOrNull,
    WholeNumber,
    WholeNumberOrNull,
    TrueOrFalse,
    DateOrNull,
}

/// The kind of JSON value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Boolean,
    Number,
    Text,
    List,
    Object,
}

impl JsonKind {
    pub fn of(value: &Json<'_>) -> JsonKind {
        match value {
            Json::Null => JsonKind::Null,
            Json::Bool(_) => JsonKind::Boolean,
            Json::Number(_) => JsonKind::Number,
            Json::String(_) => JsonKind::Text,
            Json::Array(_) => JsonKind::List,
            Json::Object(_) => JsonKind::Object,
        }
    }
}

/// Why a file could not be imported. Nothing is imported when any of these occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file is larger than [`super::MAX_BACKUP_BYTES`]; checked before parsing.
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    /// The file is empty or holds only white space.
    Empty,
    /// The bytes are not UTF-8 text (a picture, a spreadsheet, a UTF-16 file).
    NotText {
        byte_offset: usize,
    },
    /// The text is not JSON; line and column as serde_json reports them.
    NotJson {
        line: usize,
        column: usize,
    },
    /// The JSON stops before it is complete, as a cut-off download does.
    Truncated {
        line: usize,
        column: usize,
    },
    /// JSON nested deeper than serde_json reads (128 levels); no backup comes close.
    TooDeep {
        line: usize,
        column: usize,
    },
    /// Valid JSON, but not a Pipewright backup; `found_format` is its `format` text if any.
    NotABackup {
        found_format: Option<String>,
    },
    /// Written by a newer app, in a format version this app does not know.
    NewerVersion {
        found: u64,
        known: u32,
    },
    /// A format version that is a number but not a whole one, such as 1.5.
    VersionNotWhole {
        found: String,
    },
    /// A format version that never existed or is no longer read (0 or below).
    UnsupportedVersion {
        found: i64,
        oldest: u32,
    },
    MissingField {
        at: Place,
    },
    /// A field the format does not have. Refused rather than dropped, so nothing in the
    /// file is lost without the user knowing.
    UnknownField {
        at: Place,
    },
    WrongType {
        at: Place,
        expected: Expected,
        found: JsonKind,
    },
    EmptyId {
        at: Place,
    },
    EmptyName {
        at: Place,
    },
    TextTooLong {
        at: Place,
        max: usize,
        found: usize,
    },
    AmountNegative {
        at: Place,
        found: String,
    },
    AmountNotWhole {
        at: Place,
        found: String,
    },
    AmountTooLarge {
        at: Place,
        found: String,
        max: i64,
    },
    UnknownCurrency {
        at: Place,
        code: String,
    },
    NotADate {
        at: Place,
        found: String,
    },
    NotATimestamp {
        at: Place,
        found: String,
    },
    /// Shaped like a date, but no such day or time exists (`2026-02-30`).
    ImpossibleDate {
        at: Place,
        found: String,
    },
    ProbabilityOutOfRange {
        at: Place,
        found: String,
    },
    NumberOutOfRange {
        at: Place,
        found: String,
        min: i128,
        max: i128,
    },
    UnknownStatus {
        at: Place,
        found: String,
    },
    /// A pipeline with no stages: the board would have nowhere to put a deal.
    NoStages {
        at: Place,
    },
    /// `first` is the path of the record that already has the id.
    DuplicatePipelineId {
        at: Place,
        id: String,
        first: String,
    },
    DuplicateStageId {
        at: Place,
        id: String,
        first: String,
    },
    DuplicateDealId {
        at: Place,
        id: String,
        first: String,
    },
    /// A deal names a pipeline that is not in the file.
    UnknownPipeline {
        at: Place,
        pipeline_id: String,
    },
    /// A deal names a stage that is not one of its pipeline's stages.
    UnknownStage {
        at: Place,
        stage_id: String,
    },
    /// A deal's history names a stage of another pipeline. (A stage that is in no pipeline
    /// is a removed stage, which history keeps on purpose, and is accepted.)
    HistoryStageElsewhere {
        at: Place,
        stage_id: String,
        pipeline_id: String,
    },
}

/// The longest piece of file content quoted in a message; longer text is cut with "…".
const QUOTE_CHARS: usize = 60;

/// File content as it is quoted in a message: cut short, so an absurdly long value cannot
/// flood the screen.
pub(crate) fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_CHARS {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(QUOTE_CHARS).collect();
        short.push('…');
        short
    }
}

/// Bytes as MiB with one decimal, rounded up so a file just over the limit never reads as
/// equal to it.
fn mebibytes(bytes: usize, lang: Lang) -> String {
    const MIB: u128 = 1024 * 1024;
    let tenths = (bytes as u128 * 10).div_ceil(MIB);
    let separator = match lang {
        Lang::Nb => ',',
        Lang::En => '.',
    };
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}{}{}", tenths / 10, separator, tenths % 10)
    }
}

impl Place {
    pub fn new(path: impl Into<String>) -> Place {
        Place {
            path: path.into(),
            owner: None,
        }
    }

    /// The place as a person reads it, with the deal or pipeline it belongs to.
    pub fn describe(&self, lang: Lang) -> String {
        let path = self.path.as_str();
        match self.owner.as_deref() {
            None => tf(lang, "import.where.path", &[("path", path)]),
            Some(Owner::Deal {
                id,
                title: Some(title),
            }) => tf(
                lang,
                "import.where.deal",
                &[("path", path), ("title", &quote(title)), ("id", &quote(id))],
            ),
            Some(Owner::Deal { id, title: None }) => tf(
                lang,
                "import.where.deal_id",
                &[("path", path), ("id", &quote(id))],
            ),
            Some(Owner::Pipeline {
                id,
                name: Some(name),
            }) => tf(
                lang,
                "import.where.pipeline",
                &[("path", path), ("name", &quote(name)), ("id", &quote(id))],
            ),
            Some(Owner::Pipeline { id, name: None }) => tf(
                lang,
                "import.where.pipeline_id",
                &[("path", path), ("id", &quote(id))],
            ),
        }
    }
}

impl Expected {
    fn describe(self, lang: Lang) -> &'static str {
        let key = match self {
            Expected::Object => "import.expected.object",
            Expected::List => "import.expected.list",
            Expected::Text => "import.expected.text",
            Expected::TextOrNull => "import.expected.text_or_null",
            Expected::WholeNumber => "import.expected.whole_number",
            Expected::WholeNumberOrNull => "import.expected.whole_number_or_null",
            Expected::TrueOrFalse => "import.expected.true_or_false",
            Expected::DateOrNull => "import.expected.date_or_null",
        };
        t(lang, key)
    }
}

impl JsonKind {
    fn describe(self, lang: Lang) -> &'static str {
        let key = match self {
            JsonKind::Null => "import.found.null",
            JsonKind::Boolean => "import.found.boolean",
            JsonKind::Number => "import.found.number",
            JsonKind::Text => "import.found.text",
            JsonKind::List => "import.found.list",
            JsonKind::Object => "import.found.object",
        };
        t(lang, key)
    }
}

impl ImportError {
    /// The message shown to the user, in their language: what is wrong and where.
    pub fn message(&self, lang: Lang) -> String {
        use ImportError::*;
        match self {
            TooLarge { bytes, limit } => tf(
                lang,
                "import.too_large",
                &[
                    ("size", &mebibytes(*bytes, lang)),
                    ("limit", &mebibytes(*limit, lang)),
                ],
            ),
            Empty => t(lang, "import.empty").to_string(),
            NotText { byte_offset } => tf(
                lang,
                "import.not_text",
                &[("offset", &byte_offset.to_string())],
            ),
            NotJson { line, column } => tf(
                lang,
                "import.not_json",
                &[("line", &line.to_string()), ("column", &column.to_string())],
            ),
            Truncated { line, column } => tf(
                lang,
                "import.truncated",
                &[("line", &line.to_string()), ("column", &column.to_string())],
            ),
            TooDeep { line, column } => tf(
                lang,
                "import.too_deep",
                &[("line", &line.to_string()), ("column", &column.to_string())],
            ),
            VersionNotWhole { found } => tf(
                lang,
                "import.version_not_whole",
                &[("found", &quote(found))],
            ),
            NotABackup { found_format: None } => t(lang, "import.not_backup").to_string(),
            NotABackup {
                found_format: Some(found),
            } => tf(
                lang,
                "import.not_backup_format",
                &[("found", &quote(found))],
            ),
            NewerVersion { found, known } => tf(
                lang,
                "import.newer_version",
                &[("found", &found.to_string()), ("known", &known.to_string())],
            ),
            UnsupportedVersion { found, oldest } => tf(
                lang,
                "import.unsupported_version",
                &[
                    ("found", &found.to_string()),
                    ("oldest", &oldest.to_string()),
                ],
            ),
            MissingField { at } => tf(
                lang,
                "import.missing_field",
                &[("where", &at.describe(lang))],
            ),
            UnknownField { at } => tf(
                lang,
                "import.unknown_field",
                &[("where", &at.describe(lang))],
            ),
            WrongType {
                at,
                expected,
                found,
            } => tf(
                lang,
                "import.wrong_type",
                &[
                    ("where", &at.describe(lang)),
                    ("expected", expected.describe(lang)),
                    ("found", found.describe(lang)),
                ],
            ),
            EmptyId { at } => tf(lang, "import.empty_id", &[("where", &at.describe(lang))]),
            EmptyName { at } => tf(lang, "import.empty_name", &[("where", &at.describe(lang))]),
            TextTooLong { at, max, found } => tf(
                lang,
                "import.text_too_long",
                &[
                    ("where", &at.describe(lang)),
                    ("max", &max.to_string()),
                    ("found", &found.to_string()),
                ],
            ),
            AmountNegative { at, found } => tf(
                lang,
                "import.amount_negative",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            AmountNotWhole { at, found } => tf(
                lang,
                "import.amount_not_whole",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            AmountTooLarge { at, found, max } => tf(
                lang,
                "import.amount_too_large",
                &[
                    ("where", &at.describe(lang)),
                    ("found", &quote(found)),
                    ("max", &max.to_string()),
                ],
            ),
            UnknownCurrency { at, code } => tf(
                lang,
                "import.unknown_currency",
                &[("where", &at.describe(lang)), ("code", &quote(code))],
            ),
            NotADate { at, found } => tf(
                lang,
                "import.not_date",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            NotATimestamp { at, found } => tf(
                lang,
                "import.not_timestamp",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            ImpossibleDate { at, found } => tf(
                lang,
                "import.impossible_date",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            ProbabilityOutOfRange { at, found } => tf(
                lang,
                "import.probability",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            NumberOutOfRange {
                at,
                found,
                min,
                max,
            } => tf(
                lang,
                "import.number_range",
                &[
                    ("where", &at.describe(lang)),
                    ("found", &quote(found)),
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            UnknownStatus { at, found } => tf(
                lang,
                "import.unknown_status",
                &[("where", &at.describe(lang)), ("found", &quote(found))],
            ),
            NoStages { at } => tf(lang, "import.no_stages", &[("where", &at.describe(lang))]),
            DuplicatePipelineId { at, id, first } => tf(
                lang,
                "import.duplicate_pipeline",
                &[
                    ("where", &at.describe(lang)),
                    ("id", &quote(id)),
                    ("first", first),
                ],
            ),
            DuplicateStageId { at, id, first } => tf(
                lang,
                "import.duplicate_stage",
                &[
                    ("where", &at.describe(lang)),
                    ("id", &quote(id)),
                    ("first", first),
                ],
            ),
            DuplicateDealId { at, id, first } => tf(
                lang,
                "import.duplicate_deal",
                &[
                    ("where", &at.describe(lang)),
                    ("id", &quote(id)),
                    ("first", first),
                ],
            ),
            UnknownPipeline { at, pipeline_id } => tf(
                lang,
                "import.unknown_pipeline",
                &[("where", &at.describe(lang)), ("id", &quote(pipeline_id))],
            ),
            UnknownStage { at, stage_id } => tf(
                lang,
                "import.unknown_stage",
                &[("where", &at.describe(lang)), ("id", &quote(stage_id))],
            ),
            HistoryStageElsewhere {
                at,
                stage_id,
                pipeline_id,
            } => tf(
                lang,
                "import.history_stage_elsewhere",
                &[
                    ("where", &at.describe(lang)),
                    ("id", &quote(stage_id)),
                    ("pipeline", &quote(pipeline_id)),
                ],
            ),
        }
    }

    /// The place in the file, for the errors that have one.
    pub fn place(&self) -> Option<&Place> {
        use ImportError::*;
        match self {
            TooLarge { .. }
            | Empty
            | NotText { .. }
            | NotJson { .. }
            | Truncated { .. }
            | TooDeep { .. }
            | VersionNotWhole { .. }
            | NotABackup { .. }
            | NewerVersion { .. }
            | UnsupportedVersion { .. } => None,
            MissingField { at }
            | UnknownField { at }
            | WrongType { at, .. }
            | EmptyId { at }
            | EmptyName { at }
            | TextTooLong { at, .. }
            | AmountNegative { at, .. }
            | AmountNotWhole { at, .. }
            | AmountTooLarge { at, .. }
            | UnknownCurrency { at, .. }
            | NotADate { at, .. }
            | NotATimestamp { at, .. }
            | ImpossibleDate { at, .. }
            | ProbabilityOutOfRange { at, .. }
            | NumberOutOfRange { at, .. }
            | UnknownStatus { at, .. }
            | NoStages { at }
            | DuplicatePipelineId { at, .. }
            | DuplicateStageId { at, .. }
            | DuplicateDealId { at, .. }
            | UnknownPipeline { at, .. }
            | UnknownStage { at, .. }
            | HistoryStageElsewhere { at, .. } => Some(at),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The UI shows `message` in the user's language; this is for logs and tests.
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportError {}
