//! The message catalogue: both languages hold the same keys in the same order, and every
//! key the code asks for exists.
#![cfg(not(target_arch = "wasm32"))]

use pipewright::i18n::{t, Lang, EN, NB};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Table = &'static [(&'static str, &'static str)];

const TABLES: [(&str, Table); 2] = [("nb", NB), ("en", EN)];

fn keys(table: Table) -> Vec<&'static str> {
    table.iter().map(|(k, _)| *k).collect()
}

fn text(table: Table, key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

#[test]
fn both_languages_have_the_same_keys_in_the_same_order_once_and_none_empty() {
    for (name, table) in TABLES {
        let mut seen = BTreeSet::new();
        for (key, text) in table {
            assert!(seen.insert(*key), "{name}: key {key} appears twice");
            assert!(!text.trim().is_empty(), "{name}: key {key} is empty");
        }
    }
    let nb: BTreeSet<_> = keys(NB).into_iter().collect();
    let en: BTreeSet<_> = keys(EN).into_iter().collect();
    let only_nb: Vec<_> = nb.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&nb).collect();
    assert!(only_nb.is_empty(), "keys only in nb: {only_nb:?}");
    assert!(only_en.is_empty(), "keys only in en: {only_en:?}");
    // Same order, so the two files read side by side.
    if let Some((nb_key, en_key)) = keys(NB)
        .into_iter()
        .zip(keys(EN))
        .find(|(nb_key, en_key)| nb_key != en_key)
    {
        panic!("the tables' order differs: nb has {nb_key} where en has {en_key}");
    }
}

#[test]
fn placeholders_match_between_languages() {
    let placeholders = |text: &str| -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    };
    for (key, nb_text) in NB {
        let en_text = text(EN, key).unwrap_or("");
        assert_eq!(
            placeholders(nb_text),
            placeholders(en_text),
            "placeholders differ for {key}"
        );
    }
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Every source file of the app but the catalogue's own tables.
fn app_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tables = [root.join("src/i18n/nb.rs"), root.join("src/i18n/en.rs")];
    let mut paths = Vec::new();
    rust_sources(&root.join("src"), &mut paths);
    paths
        .into_iter()
        .filter(|path| !tables.contains(path))
        .map(|path| {
            let source = std::fs::read_to_string(&path).expect("source is readable");
            (path, source)
        })
        .collect()
}

/// Message keys are string literals such as "deal.title" anywhere in `src`. Every one the
/// code uses must be in both languages; a typo would otherwise show the raw key.
#[test]
fn every_key_the_code_uses_exists_in_both_languages() {
    let namespaces: BTreeSet<&str> = keys(NB)
        .into_iter()
        .filter_map(|key| key.split_once('.').map(|(ns, _)| ns))
        .collect();
    let mut used = BTreeMap::new();
    for (path, source) in app_sources() {
        for literal in source.split('"').skip(1).step_by(2) {
            let looks_like_key = literal.split_once('.').is_some_and(|(ns, rest)| {
                namespaces.contains(ns)
                    && !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            });
            if looks_like_key {
                used.entry(literal.to_string())
                    .or_insert_with(|| path.display().to_string());
            }
        }
    }
    assert!(
        used.len() > 100,
        "found only {} keys; is the scan broken?",
        used.len()
    );
    for (name, table) in TABLES {
        let missing: Vec<_> = used
            .iter()
            .filter(|(key, _)| text(table, key).is_none())
            .map(|(key, path)| format!("{key} ({path})"))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used in src but missing from {name}: {missing:?}"
        );
    }
}

#[test]
fn a_missing_key_shows_itself_rather_than_nothing() {
    assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Nb, "deal.title"), "Tittel");
    assert_eq!(t(Lang::En, "deal.title"), "Title");
}
