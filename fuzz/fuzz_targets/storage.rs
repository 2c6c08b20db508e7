//! The storage decoder, fed stored entries (`key<TAB>value` lines, see src/entries.rs) of
//! either format: loading must never panic, every value it cannot read must be listed with
//! a message, what it loads must pass the workspace rules, nothing but the workspace record
//! is planned for writing at start-up, the move of a format-1 store keeps every deal it
//! loaded and never removes a value it could not read, and a tab that takes in any stored
//! value as another tab's change still holds a workspace that passes the rules.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use pipewright::backup::check_workspace;
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    adopt, bucket_of, chunk_key, decode_chunk, decode_meta, encode_chunk, encode_meta,
    finish_check, is_workspace_key, load, load_unchecked, plan, v1, value_hash, Adopted,
    DecodeError, Loaded, Write, META_KEY,
};
use std::collections::{BTreeMap, HashSet};

fuzz_target!(|data: &[u8]| {
    // localStorage holds each key once; a later line for a key replaces an earlier one.
    let stored: BTreeMap<String, String> =
        pipewright_fuzz::entries::parse(data).into_iter().collect();
    // Recovered pipelines and stages are named in the user's language: try both.
    let lang = Lang::ALL[data.len() % 2];
    let loaded = load_all(&stored, lang);

    for unread in &loaded.unreadable {
        assert!(
            stored.contains_key(&unread.key),
            "unreadable, but not stored: {:?}",
            unread.key
        );
        check_message(&unread.reason);
        if let Some(deal) = &unread.deal {
            assert!(
                serde_json::from_str::<serde_json::Value>(deal).is_ok(),
                "a deal kept apart is not JSON"
            );
        }
    }
    if let Err(err) = check_workspace(&loaded.ws) {
        panic!(
            "the loaded workspace breaks the rules: {}",
            err.message(Lang::En)
        );
    }
    let buckets = loaded.saved.buckets;
    for deal in &loaded.ws.deals {
        assert!(
            stored.contains_key(&chunk_key(bucket_of(&deal.id, buckets)))
                || stored.contains_key(&v1::deal_key(&deal.id)),
            "a deal under neither of its keys"
        );
        let again = decode_chunk(&encode_chunk(&[deal]))
            .unwrap_or_else(|err| panic!("a loaded deal, encoded again, does not decode: {err}"));
        assert_eq!(again, [deal.clone()], "encoding changed a deal");
    }
    if loaded.had_meta && loaded.unreadable.iter().all(|u| u.key != META_KEY) {
        let meta = decode_meta(&encode_meta(
            &loaded.ws.pipelines,
            &loaded.ws.lost_reasons,
            buckets,
        ))
        .unwrap_or_else(|err| panic!("a loaded workspace record does not decode: {err}"));
        assert_eq!(
            meta.pipelines, loaded.ws.pipelines,
            "encoding changed the pipelines"
        );
        assert_eq!(meta.lost_reasons, loaded.ws.lost_reasons);
    }

    // Nothing is written at start-up but the move: no deal of a store in format 2 is
    // written back (the workspace record may be, for a recovered pipeline).
    if loaded.migration.is_none() {
        let writes = plan(&loaded.ws, &loaded.saved);
        assert!(
            writes.iter().all(|w| matches!(w, Write::Meta { .. })),
            "a loaded chunk planned for writing"
        );
    }

    if let Some(migration) = &loaded.migration {
        check_migration(&stored, &loaded, migration);
    }

    // Each stored value of the workspace, as another tab's change arriving in a tab that
    // holds this workspace: taken in or not, the tab's workspace still passes the rules.
    for (key, value) in &stored {
        if !is_workspace_key(key) {
            continue;
        }
        let (mut ws, mut saved) = (loaded.ws.clone(), loaded.saved.clone());
        match adopt(&mut ws, &mut saved, key, Some(value), lang) {
            Adopted::Unreadable(err) => {
                check_message(&err);
                assert_eq!(ws, loaded.ws, "a value not taken in changed the workspace");
            }
            Adopted::Unchanged | Adopted::Changed(_) => {
                if let Err(err) = check_workspace(&ws) {
                    panic!(
                        "a workspace that took in {key:?} breaks the rules: {}",
                        err.message(Lang::En)
                    );
                }
            }
        }
    }

    // Every value into the decoders its key did not send it to (`load` ran the other).
    for value in stored.values() {
        for result in [
            decode_chunk(value).map(drop),
            decode_meta(value).map(drop),
            v1::decode_meta(value).map(drop),
            v1::decode_deal_under("d-1", value).map(drop),
        ] {
            if let Err(err) = result {
                check_message(&err);
            }
        }
    }
});

/// Loads as the app does, and checks that drawing the board before checking each deal
/// (`load_unchecked`, then `check_loaded`) ends exactly where `load` does.
fn load_all(stored: &BTreeMap<String, String>, lang: Lang) -> Loaded {
    let pairs = || {
        stored
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    };
    let loaded = load(pairs(), lang);
    let mut deferred = load_unchecked(pairs(), lang);
    finish_check(&mut deferred, lang);
    assert_eq!(
        deferred.ws, loaded.ws,
        "a deferred check loads another workspace"
    );
    assert_eq!(deferred.unreadable, loaded.unreadable);
    assert_eq!(deferred.recovered, loaded.recovered);
    assert_eq!(deferred.saved, loaded.saved);
    assert_eq!(deferred.migration, loaded.migration);
    loaded
}

/// Carries the move out on a copy of storage, as `storage::local::migrate` does with no
/// other tab writing: nothing it removes was unreadable, and after it every deal loaded is
/// in its chunk, as loaded, with no readable format-1 deal key left.
fn check_migration(
    stored: &BTreeMap<String, String>,
    loaded: &Loaded,
    migration: &pipewright::storage::codec::Migration,
) {
    let unreadable: HashSet<&str> = loaded.unreadable.iter().map(|u| u.key.as_str()).collect();
    let mut store = stored.clone();
    for (write, legacy_keys) in &migration.chunks {
        assert_eq!(
            store.get(&write.key).map(|v| value_hash(v)),
            write.base,
            "a chunk write that does not expect what loading saw"
        );
        store.insert(write.key.clone(), write.value.clone());
        for key in legacy_keys {
            assert!(
                !unreadable.contains(key.as_str()),
                "an unreadable key listed for removal: {key:?}"
            );
            assert!(
                key.starts_with(v1::DEAL_PREFIX),
                "not a format-1 deal key: {key:?}"
            );
            assert!(
                store.remove(key).is_some(),
                "listed, but not stored: {key:?}"
            );
        }
    }
    if let Some(meta) = &migration.meta {
        assert!(
            decode_meta(meta).is_ok(),
            "the move writes a record it cannot read"
        );
        // Into an empty key, or over an unreadable value (kept aside): never over a
        // readable format-2 record.
        assert!(
            store.get(META_KEY).is_none_or(|m| decode_meta(m).is_err()),
            "the move writes over a readable workspace record"
        );
        store.insert(META_KEY.to_string(), meta.clone());
    }
    if let Some(key) = &migration.legacy_meta {
        assert_eq!(key, v1::META_KEY);
        assert!(
            !unreadable.contains(key.as_str()),
            "an unreadable workspace record listed for removal"
        );
        // Only once a readable format-2 record holds its place.
        if store.get(META_KEY).is_some_and(|m| decode_meta(m).is_ok()) {
            store.remove(key);
        }
    }
    // A readable format-1 record is not left behind with no readable format-2 record.
    if stored
        .get(v1::META_KEY)
        .is_some_and(|raw| v1::decode_meta(raw).is_ok())
        && !unreadable.contains(v1::META_KEY)
    {
        assert!(
            store.get(META_KEY).is_some_and(|m| decode_meta(m).is_ok()),
            "the move leaves no readable workspace record"
        );
    }
    let buckets = loaded.saved.buckets;
    for deal in &loaded.ws.deals {
        let key = chunk_key(bucket_of(&deal.id, buckets));
        let chunk = store
            .get(&key)
            .and_then(|raw| decode_chunk(raw).ok())
            .unwrap_or_else(|| panic!("after the move, no readable chunk for a loaded deal"));
        assert!(
            chunk.contains(deal),
            "after the move, a loaded deal is not in its chunk as loaded"
        );
        if let Some(raw) = store.get(&v1::deal_key(&deal.id)) {
            assert!(
                v1::decode_deal_under(&deal.id, raw).is_err(),
                "after the move, a readable format-1 key is left"
            );
        }
    }
}

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
