//! The message catalogue: both languages hold the same keys in the same order, every
//! message with a count has its plural forms, and every key the code asks for exists.
#![cfg(not(target_arch = "wasm32"))]

use pipewright::i18n::{t, Lang, EN, NB};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Table = &'static [(&'static str, &'static str)];

const TABLES: [(&str, Table); 2] = [("nb", NB), ("en", EN)];

/// The plural categories of whole numbers in both languages (CLDR: nb and en both have
/// exactly "one" and "other"), as `Intl.PluralRules` gives them to the UI.
const CATEGORIES: [&str; 2] = ["one", "other"];

/// Every CLDR category name, reserved as the last part of a key for plural variants.
const ALL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Messages with `{n}` before a word that still need no plural forms: the word does not
/// change with the count.
const COUNT_WITHOUT_PLURAL: &[&str] = &[
    // "Show more (3 more)".
    "column.show_more",
    "insights.attention.show_more",
];

fn keys(table: Table) -> Vec<&'static str> {
    table.iter().map(|(k, _)| *k).collect()
}

fn text(table: Table, key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// `key.one` → `Some(("key", "one"))`.
fn plural_variant(key: &str) -> Option<(&str, &str)> {
    key.rsplit_once('.')
        .filter(|(_, category)| ALL_CATEGORIES.contains(category))
}

/// The bases of the messages with plural variants (`storage.unreadable` for
/// `storage.unreadable.one` and `storage.unreadable.other`).
fn plural_bases(table: Table) -> BTreeSet<&'static str> {
    keys(table)
        .into_iter()
        .filter_map(|key| plural_variant(key).map(|(base, _)| base))
        .collect()
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

#[test]
fn every_message_with_plural_forms_has_each_category_and_nothing_else() {
    for (name, table) in TABLES {
        for base in plural_bases(table) {
            assert!(
                text(table, base).is_none(),
                "{name}: {base} is both a message and the base of plural forms"
            );
            let categories: BTreeSet<&str> = keys(table)
                .into_iter()
                .filter_map(plural_variant)
                .filter(|(b, _)| *b == base)
                .map(|(_, category)| category)
                .collect();
            assert_eq!(
                categories,
                CATEGORIES.into_iter().collect(),
                "{name}: the plural forms of {base}"
            );
            for category in CATEGORIES {
                let key = format!("{base}.{category}");
                let message = text(table, &key).unwrap_or("");
                assert!(message.contains("{n}"), "{name}: {key} does not show {{n}}");
            }
        }
    }
}

/// "3 open deals": a count followed by a word takes the word's plural form, so the message
/// must have one variant per plural category ("1 open deal").
#[test]
fn every_message_that_counts_something_has_plural_forms() {
    let counts_a_word = |message: &str| {
        message
            .split("{n} ")
            .skip(1)
            .any(|rest| rest.starts_with(char::is_alphabetic))
    };
    for (name, table) in TABLES {
        for (key, message) in table {
            if plural_variant(key).is_none()
                && !COUNT_WITHOUT_PLURAL.contains(key)
                && counts_a_word(message)
            {
                panic!("{name}: {key} counts something ({message:?}) but has no plural forms");
            }
        }
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
/// code uses must be in both languages, as a message or as the base of plural forms; a
/// typo would otherwise show the raw key.
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
        let bases = plural_bases(table);
        let missing: Vec<_> = used
            .iter()
            .filter(|(key, _)| text(table, key).is_none() && !bases.contains(key.as_str()))
            .map(|(key, path)| format!("{key} ({path})"))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used in src but missing from {name}: {missing:?}"
        );
    }
}

/// A message with plural forms is asked for with its count (`tn` in the UI, `plural` in
/// the core), and a plain message without one; the other way round shows the raw key.
#[test]
fn messages_with_plural_forms_are_asked_for_with_a_count() {
    let bases = plural_bases(NB);
    let mut calls = 0;
    let mut wrong = Vec::new();
    for (path, source) in app_sources() {
        // `t(lang, "key"`, `tf(\n lang.get(),\n "key"`, `tn(lang, "key"`: the key is the
        // second argument, after a first one without commas or quotes.
        for (at, _) in source.match_indices('(') {
            let before = &source[..at];
            let function = before
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            let counted = match function {
                "t" | "tf" => false,
                "tn" | "plural" => true,
                _ => continue,
            };
            let Some((first, rest)) = source[at + 1..].split_once(',') else {
                continue;
            };
            if first.contains('"') || first.contains(')') && !first.contains('(') {
                continue;
            }
            let rest = rest.trim_start();
            let Some(key) = rest
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(key, _)| key)
            else {
                continue;
            };
            if text(NB, key).is_none() && !bases.contains(key) {
                // Not a key of the catalogue: the test above reports what is missing.
                continue;
            }
            calls += 1;
            if bases.contains(key) != counted {
                wrong.push(format!("{}: {function}(…, \"{key}\")", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a message with plural forms needs its count (tn), a plain one t or tf: {wrong:#?}"
    );
    assert!(calls > 100, "found only {calls} calls; is the scan broken?");
}

#[test]
fn a_missing_key_shows_itself_rather_than_nothing() {
    assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Nb, "deal.title"), "Tittel");
    assert_eq!(t(Lang::En, "deal.title"), "Title");
}

/// `t` reads the catalogue packed at compile time (`i18n::packed`): every key gives exactly
/// the text its language's table holds, and a key no table has shows itself.
#[test]
fn every_key_reads_its_own_text_from_the_packed_catalogue() {
    for (lang, table) in [(Lang::Nb, NB), (Lang::En, EN)] {
        for (key, text) in table {
            assert_eq!(t(lang, key), *text, "{lang:?}: {key}");
        }
        assert_eq!(t(lang, "no.such.key"), "no.such.key");
    }
}
