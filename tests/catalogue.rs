//! The message catalogue: every key in both languages, and every key the UI asks for exists.
#![cfg(not(target_arch = "wasm32"))]

use pipewright::i18n::{t, Lang, EN, NB};
use std::collections::BTreeSet;

fn keys(table: &'static [(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().map(|(k, _)| *k).collect()
}

#[test]
fn every_key_is_in_both_languages_once_and_not_empty() {
    for (name, table) in [("nb", NB), ("en", EN)] {
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
        let en_text = EN
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .unwrap_or("");
        assert_eq!(
            placeholders(nb_text),
            placeholders(en_text),
            "placeholders differ for {key}"
        );
    }
}

/// Message keys are string literals such as "deal.title" in the UI sources. Every one that
/// the UI uses must be in the catalogue; a typo would otherwise show the raw key.
#[test]
fn every_key_the_ui_uses_exists() {
    const NAMESPACES: &[&str] = &[
        "action",
        "amount",
        "app",
        "backup",
        "board",
        "card",
        "closed",
        "column",
        "deal",
        "deals",
        "error",
        "gallery",
        "import",
        "insights",
        "lang",
        "lost",
        "move",
        "pipelines",
        "quick",
        "samples",
        "search",
        "settings",
        "status",
        "storage",
        "sync",
        "totals",
    ];
    let known: BTreeSet<&str> = NB.iter().map(|(k, _)| *k).collect();
    let mut used = BTreeSet::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    for dir in ["src/ui", "src/backup"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("source directory is readable") {
            sources.push(entry.expect("directory entry").path());
        }
    }
    for path in sources {
        let source = std::fs::read_to_string(&path).expect("source is readable");
        for literal in source.split('"').skip(1).step_by(2) {
            let looks_like_key = literal.split_once('.').is_some_and(|(ns, rest)| {
                NAMESPACES.contains(&ns)
                    && !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            });
            if looks_like_key {
                used.insert(literal.to_string());
            }
        }
    }
    assert!(
        used.len() > 50,
        "found only {} keys; is the scan broken?",
        used.len()
    );
    let missing: Vec<_> = used
        .iter()
        .filter(|k| !known.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "keys used in src/ui or src/backup but missing from the catalogue: {missing:?}"
    );
}

#[test]
fn a_missing_key_shows_itself_rather_than_nothing() {
    assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Nb, "deal.title"), "Tittel");
    assert_eq!(t(Lang::En, "deal.title"), "Title");
}
