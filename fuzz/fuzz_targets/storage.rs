//! The storage decoder, fed stored entries (`key<TAB>value` lines, see src/entries.rs):
//! loading must never panic, every value it cannot read must be listed with a message,
//! what it loads must pass the workspace rules, and what it reads must encode and decode
//! to the same again.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use pipewright::backup::check_workspace;
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    deal_key, decode_deal, decode_meta, encode_deal, encode_meta, load, DecodeError, DEAL_PREFIX,
    META_KEY,
};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    // localStorage holds each key once; a later line for a key replaces an earlier one.
    let stored: BTreeMap<String, String> =
        pipewright_fuzz::entries::parse(data).into_iter().collect();
    // Recovered pipelines and stages are named in the user's language: try both.
    let lang = Lang::ALL[data.len() % 2];
    let loaded = load(
        stored
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str())),
        lang,
    );

    for (key, err) in &loaded.unreadable {
        assert!(
            stored.contains_key(key),
            "unreadable, but not stored: {key:?}"
        );
        check_message(err);
    }
    if let Err(err) = check_workspace(&loaded.ws) {
        panic!(
            "the loaded workspace breaks the rules: {}",
            err.message(Lang::En)
        );
    }
    for deal in &loaded.ws.deals {
        assert!(
            stored.contains_key(&deal_key(&deal.id)),
            "a deal not under its own key"
        );
        let again = decode_deal(&encode_deal(deal))
            .unwrap_or_else(|err| panic!("a loaded deal, encoded again, does not decode: {err}"));
        assert_eq!(&again, deal, "encoding changed a deal");
    }
    if loaded.had_meta && !loaded.unreadable.iter().any(|(key, _)| key == META_KEY) {
        let (pipelines, lost_reasons) = decode_meta(&encode_meta(&loaded.ws))
            .unwrap_or_else(|err| panic!("a loaded workspace record does not decode: {err}"));
        assert_eq!(
            pipelines, loaded.ws.pipelines,
            "encoding changed the pipelines"
        );
        assert_eq!(lost_reasons, loaded.ws.lost_reasons);
    }

    // Every value into the decoder its key did not send it to (`load` ran the other).
    for (key, value) in &stored {
        if !key.starts_with(DEAL_PREFIX) {
            if let Err(err) = decode_deal(value) {
                check_message(&err);
            }
        }
        if key != META_KEY {
            if let Err(err) = decode_meta(value) {
                check_message(&err);
            }
        }
    }
});

/// A value that is not read is kept and the user is told why: the reason must say something.
fn check_message(err: &DecodeError) {
    assert!(!err.to_string().trim().is_empty(), "no message: {err:?}");
    match err {
        DecodeError::NotJson(detail) | DecodeError::Invalid(detail) => {
            assert!(!detail.trim().is_empty(), "no reason given: {err:?}");
        }
        DecodeError::Refused(refused) => {
            for lang in Lang::ALL {
                assert!(
                    !refused.message(lang).trim().is_empty(),
                    "no message: {err:?}"
                );
            }
        }
        _ => {}
    }
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    pipewright_fuzz::mutate_structured(
        data,
        size,
        max_size,
        seed,
        pipewright_fuzz::entries::mutate_text,
    )
    .unwrap_or_else(|| fuzzer_mutate(data, size, max_size))
});
