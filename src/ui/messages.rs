//! Errors and reports as sentences the user can act on, through the message catalogue.

use crate::domain::money::AmountError;
use crate::domain::recovery::Recovery;
use crate::domain::DomainError;
use crate::i18n::{t, tf, Lang};
use crate::storage::codec::DecodeError;

pub fn amount_error_text(lang: Lang, err: &AmountError) -> String {
    match err {
        AmountError::Empty => t(lang, "amount.empty").to_string(),
        AmountError::NotANumber => t(lang, "amount.not_number").to_string(),
        AmountError::Negative => t(lang, "amount.negative").to_string(),
        AmountError::TooManyDecimals { allowed } => {
            crate::ui::intl::tn(lang, "amount.decimals", *allowed, &[])
        }
        AmountError::TooLarge => t(lang, "amount.too_large").to_string(),
    }
}

/// Says which deals were given a place again, and what the user can do.
pub fn recovery_text(lang: Lang, recovery: &Recovery) -> String {
    crate::ui::intl::tn(lang, "recovered.notice", recovery.n_deals, &[])
}

/// A domain error as a sentence the user can act on.
pub fn domain_error_text(lang: Lang, err: &DomainError) -> String {
    match err {
        DomainError::PipelineNotFound => t(lang, "error.pipeline_not_found").to_string(),
        DomainError::StageNotFound => t(lang, "error.stage_not_found").to_string(),
        DomainError::DealNotFound => t(lang, "error.deal_not_found").to_string(),
        DomainError::EmptyName => t(lang, "error.empty_name").to_string(),
        DomainError::NameTooLong { max } => {
            tf(lang, "error.name_too_long", &[("max", &max.to_string())])
        }
        DomainError::TextTooLong { max } => {
            tf(lang, "error.text_too_long", &[("max", &max.to_string())])
        }
        DomainError::ProbabilityOutOfRange => t(lang, "error.probability").to_string(),
        DomainError::AmountNegative => t(lang, "error.amount_negative").to_string(),
        DomainError::AmountTooLarge => t(lang, "error.amount_too_large").to_string(),
        DomainError::DealIsClosed => t(lang, "error.deal_closed").to_string(),
        DomainError::DealIsOpen => t(lang, "error.deal_open").to_string(),
        DomainError::StageHasDeals { n_deals } => {
            crate::ui::intl::tn(lang, "error.stage_has_deals", *n_deals, &[])
        }
        DomainError::LastStage => t(lang, "error.last_stage").to_string(),
        DomainError::MoveTargetIsRemovedStage => t(lang, "error.move_target").to_string(),
        DomainError::EmptyLostReason => t(lang, "error.empty_lost_reason").to_string(),
        DomainError::LostReasonNotFound => t(lang, "error.lost_reason_not_found").to_string(),
        DomainError::IdTaken => t(lang, "error.id_taken").to_string(),
        DomainError::NoStages => t(lang, "error.last_stage").to_string(),
        DomainError::ChangedSince => t(lang, "error.changed_since").to_string(),
    }
}

/// Why a stored value could not be read, as the unreadable-data banner says it.
pub fn decode_error_text(lang: Lang, err: &DecodeError) -> String {
    match err {
        DecodeError::NotJson(detail) => tf(lang, "storage.reason.not_json", &[("detail", detail)]),
        DecodeError::WrongFormat { .. } => t(lang, "storage.reason.wrong_format").to_string(),
        DecodeError::NewerVersion { found, known } => tf(
            lang,
            "storage.reason.newer_version",
            &[("found", &found.to_string()), ("known", &known.to_string())],
        ),
        DecodeError::Invalid(detail) => tf(lang, "storage.reason.invalid", &[("detail", detail)]),
        DecodeError::Refused(err) => err.message(lang),
    }
}
