//! Backups: every bad file in the corpus gives its own message, export and import round
//! trip for generated workspaces, exports match the published JSON Schema, adding a backup
//! beside the workspace never changes what was there, and CSV quoting holds.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{currency, date, stage, utc};

use chrono::{DateTime, NaiveDate, Utc};
use pipewright::backup::{
    add_beside, backup_file_name, csv_file_name, decimal_amount, export_csv, export_pipeline,
    export_workspace, migrate, parse_backup, pipeline_backup_file_name, replace, slug,
    write_csv_record, Backup, ImportError, Json, Owner, FORMAT_VERSION, MAX_BACKUP_BYTES,
};
use pipewright::domain::money::MAX_MINOR;
use pipewright::domain::ops::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use pipewright::domain::{
    Contact, Currency, Deal, DealStatus, Money, NextStep, Pipeline, Stage, StageChange, Workspace,
};
use pipewright::i18n::Lang;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Helpers

fn deal(id: &str, pipeline_id: &str, stage_id: &str, title: &str, minor: i64, code: &str) -> Deal {
    Deal {
        id: id.into(),
        pipeline_id: pipeline_id.into(),
        stage_id: stage_id.into(),
        rank: 0,
        title: title.into(),
        organisation: String::new(),
        contact: Contact::default(),
        amount: Money::new(minor, currency(code)),
        expected_close: None,
        probability: None,
        notes: String::new(),
        next_step: NextStep::default(),
        created_at: utc(2026, 10, 1, 9, 0),
        updated_at: utc(2026, 10, 2, 9, 0),
        status: DealStatus::Open,
        history: vec![StageChange {
            from: None,
            to: stage_id.into(),
            at: utc(2026, 10, 1, 9, 0),
        }],
        sample: false,
        rev: 1,
    }
}

/// A small workspace with two pipelines, deals in every status, and a deal whose history
/// names a stage that was removed.
fn example_workspace() -> Workspace {
    let sales = Pipeline {
        id: "p-sales".into(),
        name: "Nysalg".into(),
        currency: Currency::nok(),
        stages: vec![
            stage("s-lead", "Lead", 10, 14),
            stage("s-offer", "Tilbud sendt", 50, 14),
            stage("s-won", "Forhandling", 80, 14),
        ],
        created_at: utc(2026, 1, 5, 9, 0),
    };
    let partners = Pipeline {
        id: "p-partners".into(),
        name: "Partnere".into(),
        currency: currency("EUR"),
        stages: vec![stage("s-contact", "Første kontakt", 20, 14)],
        created_at: utc(2026, 3, 1, 8, 15),
    };
    let mut acme = deal(
        "d-acme",
        "p-sales",
        "s-offer",
        "Acme, \"ny\" avtale",
        1_250_050,
        "NOK",
    );
    acme.organisation = "Acme AS".into();
    acme.contact = Contact {
        name: "Kari Nordmann".into(),
        email: "kari@acme.no".into(),
        phone: "+47 900 00 000".into(),
    };
    acme.expected_close = Some(date(2026, 12, 15));
    acme.notes = "Linje 1\nLinje 2, med komma".into();
    acme.next_step = NextStep {
        text: "Send tilbud".into(),
        due: Some(date(2026, 11, 30)),
    };
    acme.history = vec![
        StageChange {
            from: None,
            to: "s-removed".into(),
            at: utc(2026, 10, 1, 9, 0),
        },
        StageChange {
            from: Some("s-removed".into()),
            to: "s-offer".into(),
            at: utc(2026, 10, 5, 9, 0),
        },
    ];
    let mut fjord = deal(
        "d-fjord",
        "p-sales",
        "s-won",
        "Fjordkraft",
        50_000_000,
        "NOK",
    );
    fjord.status = DealStatus::Won {
        at: utc(2026, 11, 1, 12, 0),
    };
    fjord.probability = Some(90);
    let mut berlin = deal(
        "d-berlin",
        "p-partners",
        "s-contact",
        "Berlin",
        99_900,
        "EUR",
    );
    berlin.status = DealStatus::Lost {
        at: utc(2026, 7, 1, 12, 0),
        reason: "Pris".into(),
        note: "For dyrt.".into(),
    };
    berlin.sample = true;
    Workspace {
        pipelines: vec![sales, partners],
        deals: vec![acme, fjord, berlin],
        lost_reasons: vec!["Pris".into(), "Annet".into()],
    }
}

fn exported_at() -> DateTime<Utc> {
    utc(2026, 11, 26, 14, 32)
}

fn export(ws: &Workspace) -> String {
    export_workspace(ws, "0.1.0", exported_at())
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backup_corpus")
}

/// File name to the English message it must give, or null for a file that must import.
fn manifest() -> BTreeMap<String, Option<String>> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn corpus_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "expected.json")
        .collect();
    names.sort();
    names
}

fn read_corpus(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap()
}

fn schema_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/pipewright-backup.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance: Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&instance)
        .map(|err| format!("{}: {err}", err.instance_path()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The corpus of bad (and a few good) files

#[test]
fn every_corpus_file_gives_the_message_the_manifest_names() {
    let manifest = manifest();
    let files = corpus_files();
    let mut failures = Vec::new();
    for name in &files {
        let Some(expected) = manifest.get(name) else {
            failures.push(format!("{name}: not in tests/backup_corpus/expected.json"));
            continue;
        };
        match (parse_backup(&read_corpus(name)), expected) {
            (Ok(_), None) => {}
            (Ok(_), Some(message)) => failures.push(format!(
                "{name}: imported, but should fail with {message:?}"
            )),
            (Err(err), None) => failures.push(format!(
                "{name}: should import, but failed: {:?}",
                err.message(Lang::En)
            )),
            (Err(err), Some(message)) => {
                let en = err.message(Lang::En);
                let nb = err.message(Lang::Nb);
                if &en != message {
                    failures.push(format!(
                        "{name}:\n  expected {message:?}\n  got      {en:?}"
                    ));
                }
                if nb.trim().is_empty() || nb == en {
                    failures.push(format!(
                        "{name}: the nb message is empty or English: {nb:?}"
                    ));
                }
                if en.contains("import.") || nb.contains("import.") || nb.contains('{') {
                    failures.push(format!(
                        "{name}: a key or placeholder shows: {en:?} / {nb:?}"
                    ));
                }
            }
        }
    }
    for name in manifest.keys() {
        if !files.contains(name) {
            failures.push(format!(
                "{name}: in the manifest, but there is no such file"
            ));
        }
    }
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_of_error_in_the_corpus_has_its_own_message() {
    // Two different files may give the same kind of error, but no two kinds of error may
    // share a message: each says what is wrong. Compared in both languages, with the
    // file-specific parts (path, values) taken out, so the wording itself must differ.
    for lang in [Lang::En, Lang::Nb] {
        let mut kind_of_message: BTreeMap<String, String> = BTreeMap::new();
        let mut kinds = HashSet::new();
        for name in corpus_files() {
            let Err(err) = parse_backup(&read_corpus(&name)) else {
                continue;
            };
            let kind = format!("{err:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_string();
            let message = err.message(lang);
            // The wording without what varies from file to file: every quoted or numeric
            // detail and the path.
            let wording: String = message
                .split(|c: char| c.is_whitespace())
                .filter(|word| {
                    !word
                        .chars()
                        .any(|c| c.is_ascii_digit() || "“”«»\"'.[]".contains(c))
                })
                .collect::<Vec<_>>()
                .join(" ");
            assert!(!message.trim().is_empty(), "{name}: empty message");
            if let Some(other) = kind_of_message.insert(wording.clone(), kind.clone()) {
                assert_eq!(
                    other, kind,
                    "{lang:?}: kinds {other} and {kind} share the message {message:?}"
                );
            }
            kinds.insert(kind);
        }
        assert!(kinds.len() >= 25, "only {} kinds: {kinds:?}", kinds.len());
    }
}

/// What the importer accepts is exactly what the domain types' own serde reads, so import
/// and storage can never disagree about a field.
#[test]
fn files_that_import_read_the_same_as_the_domain_serde_reads_them() {
    for (name, expected) in manifest() {
        if expected.is_some() {
            continue;
        }
        let bytes = read_corpus(&name);
        let backup = parse_backup(&bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let by_serde: Workspace = serde_json::from_value(value["workspace"].clone()).unwrap();
        assert_eq!(backup.workspace, by_serde, "{name}");
        assert_eq!(
            backup.app_version,
            value["app_version"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(backup.format_version, 1);
    }
}

#[test]
fn html_and_script_in_text_are_kept_exactly_as_plain_text() {
    let bytes = read_corpus("html-and-script-in-text.json");
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let backup = parse_backup(&bytes).unwrap();
    let ws = &backup.workspace;
    let raw_ws = &raw["workspace"];
    assert_eq!(
        ws.deals[0].title,
        raw_ws["deals"][0]["title"].as_str().unwrap()
    );
    assert_eq!(
        ws.deals[0].title,
        "<script>alert('x')</script> & <b>bold</b>"
    );
    assert_eq!(
        ws.deals[0].notes,
        raw_ws["deals"][0]["notes"].as_str().unwrap()
    );
    assert_eq!(
        ws.deals[0].organisation,
        raw_ws["deals"][0]["organisation"].as_str().unwrap()
    );
    assert_eq!(ws.pipelines[0].name, "<h1>Nysalg</h1>");
    assert_eq!(
        ws.pipelines[0].stages[0].guidance,
        "<style>body{display:none}</style>"
    );
    assert!(ws
        .lost_reasons
        .contains(&"<svg onload=alert(3)>".to_string()));
    // Exported again, the workspace is the same JSON as in the file: nothing escaped.
    let again: Value = serde_json::from_str(&export(ws)).unwrap();
    assert_eq!(again["workspace"], raw_ws.clone());
}

#[test]
fn errors_say_where_with_the_deal_or_pipeline_they_are_in() {
    let err = parse_backup(&read_corpus("amount-negative.json")).unwrap_err();
    let place = err.place().unwrap();
    assert_eq!(place.path, "workspace.deals[0].amount.minor");
    assert_eq!(
        place.owner,
        Some(Box::new(Owner::Deal {
            id: "d-acme".into(),
            title: Some("Acme, ny avtale".into())
        }))
    );
    let err = parse_backup(&read_corpus("stage-probability-over-100.json")).unwrap_err();
    let place = err.place().unwrap();
    assert_eq!(place.path, "workspace.pipelines[0].stages[2].probability");
    assert_eq!(
        place.owner,
        Some(Box::new(Owner::Pipeline {
            id: "p-sales".into(),
            name: Some("Nysalg".into())
        }))
    );
    assert!(parse_backup(b"").unwrap_err().place().is_none());
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_parsed() {
    // Not JSON at all, so only a check made before parsing can give this error.
    let too_large = vec![b'x'; MAX_BACKUP_BYTES + 1];
    let err = parse_backup(&too_large).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            bytes: MAX_BACKUP_BYTES + 1,
            limit: MAX_BACKUP_BYTES
        }
    );
    assert_eq!(
        err.message(Lang::En),
        "The file is too large to be a Pipewright backup: it is 20.1 MiB, and a backup can be at most 20 MiB."
    );
    assert!(err.message(Lang::Nb).contains("20,1 MiB"));
    let err = parse_backup(&vec![b'x'; 64 * 1024 * 1024]).unwrap_err();
    assert!(err.message(Lang::En).contains("it is 64 MiB"), "{err}");
    // At the limit the file is read (and here found to be only white space).
    assert_eq!(
        parse_backup(&vec![b' '; MAX_BACKUP_BYTES]),
        Err(ImportError::Empty)
    );
}

#[test]
fn quoted_file_content_is_cut_short_in_messages() {
    let mut value: Value = serde_json::from_str(&export(&example_workspace())).unwrap();
    value["workspace"]["deals"][0]["amount"]["currency"] = json!("Q".repeat(10_000));
    let err = parse_backup(value.to_string().as_bytes()).unwrap_err();
    assert!(matches!(err, ImportError::UnknownCurrency { .. }));
    assert!(err.message(Lang::En).chars().count() < 400, "{err}");
}

// ---------------------------------------------------------------------------------------
// Migration

#[test]
fn version_1_passes_through_migration_unchanged() {
    let text = export(&example_workspace());
    let value: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(migrate(value.clone(), 1), Ok(value));
    assert_eq!(FORMAT_VERSION, 1);
}

#[test]
fn versions_before_1_and_after_the_current_one_are_refused_with_their_own_messages() {
    let text = export(&example_workspace());
    let value: Json = serde_json::from_str(&text).unwrap();
    let older = migrate(value.clone(), 0).unwrap_err();
    let newer = migrate(value, 2).unwrap_err();
    assert_eq!(
        older,
        ImportError::UnsupportedVersion {
            found: 0,
            oldest: 1
        }
    );
    assert_eq!(newer, ImportError::NewerVersion { found: 2, known: 1 });
    assert_ne!(older.message(Lang::En), newer.message(Lang::En));
    assert!(newer
        .message(Lang::En)
        .contains("newer version of Pipewright"));
    assert_eq!(
        migrate(serde_json::from_str("{}").unwrap(), u64::MAX).unwrap_err(),
        ImportError::NewerVersion {
            found: u64::MAX,
            known: 1
        }
    );
}

// ---------------------------------------------------------------------------------------
// The JSON tree the import reads into: it must read every text exactly as
// `serde_json::Value` does, since the importer was written (and its errors worded) for that

/// Test only: the tree as a `serde_json::Value`, to compare with what serde_json reads.
fn tree_as_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(flag) => Value::Bool(*flag),
        Json::Number(number) => Value::Number(number.clone()),
        Json::String(text) => Value::String(text.to_string()),
        Json::Array(items) => Value::Array(items.iter().map(tree_as_value).collect()),
        Json::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| (key.to_string(), tree_as_value(value)))
                .collect(),
        ),
    }
}

/// Keys whose order or sameness is easy to get wrong: sharing their first eight bytes,
/// differing only in length or in a NUL, escaped forms of one another, non-ASCII, and
/// fields the importer reads.
const TREE_KEYS: &[&str] = &[
    r#""""#,
    r#""a""#,
    r#""b""#,
    r#""a\u0000""#,
    r#""\u0000""#,
    r#""id""#,
    r#""\u0069d""#,
    r#""title""#,
    r#""pipeline""#,
    r#""pipelin""#,
    r#""pipeline_id""#,
    r#""pipeline_ix""#,
    r#""pipeline\u0000""#,
    r#""pipeline\u0000x""#,
    r#""pipeline1""#,
    r#""pipeline2""#,
    r#""created_at""#,
    r#""\u00e9""#,
    r#""é""#,
    r#""\ud83d\ude00""#,
    r#""😀""#,
    r#""a\"b""#,
    r#""\n""#,
    r#""format""#,
    r#""version""#,
    r#""ÿÿÿÿÿÿÿÿÿ""#,
];

/// Probed in every object, present or not.
const TREE_PROBES: &[&str] = &[
    "",
    "a",
    "a\0",
    "\0",
    "id",
    "pipeline",
    "pipeline_id",
    "pipeline\0",
    "é",
    "😀",
    "zz",
];

fn key_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TREE_KEYS).prop_map(str::to_string),
        1 => "[a-c]{0,10}".prop_map(|key| format!("\"{key}\"")),
    ]
}

fn number_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "0",
            "-0",
            "1",
            "-1",
            "0.0",
            "-0.0",
            "1.5",
            "1e2",
            "1E+2",
            "1e-2",
            "-1.5e300",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "0.1",
            "100",
            "2.5e-308",
            "4.9e-324",
            "1e-400",
            "1e400",
            "01",
            "1.",
            "-",
            "1e",
        ])
        .prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
    ]
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            r#""""#,
            r#""plain""#,
            r#""a\nb""#,
            r#""\"quoted\"""#,
            r#""\\""#,
            r#""\/""#,
            r#""\b\f\r\t""#,
            r#""\u00e9t\u00E9""#,
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            r#""\x""#,
            r#""æøå""#,
            r#""2026-02-30""#,
        ])
        .prop_map(str::to_string),
        text_strategy(12).prop_map(|text| serde_json::to_string(&text).unwrap()),
        // Every character escaped, as some tools write JSON.
        text_strategy(6).prop_map(|text| {
            let mut out = String::from("\"");
            for unit in text.encode_utf16() {
                out.push_str(&format!("\\u{unit:04x}"));
            }
            out.push('"');
            out
        }),
    ]
}

/// A JSON document as text, built so that it can hold repeated keys.
#[derive(Clone, Debug)]
enum Doc {
    Leaf(String),
    List(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        number_literal(),
        string_literal(),
    ]
    .prop_map(Doc::Leaf);
    leaf.prop_recursive(4, 64, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::List),
            prop::collection::vec((key_literal(), inner), 0..12).prop_map(Doc::Object),
        ]
    })
}

fn render_doc(doc: &Doc, spaced: bool, out: &mut String) {
    let gap = if spaced { "\n  " } else { "" };
    match doc {
        Doc::Leaf(text) => out.push_str(text),
        Doc::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(gap);
                render_doc(item, spaced, out);
            }
            out.push(']');
        }
        Doc::Object(fields) => {
            out.push('{');
            for (i, (key, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(gap);
                out.push_str(key);
                out.push(':');
                render_doc(value, spaced, out);
            }
            out.push('}');
        }
    }
}

/// What the importer can see of an object: its fields in order, each by `get`, and
/// `get` of keys it does not have.
fn assert_same_object_view(tree: &Json, value: &Value) {
    match (tree, value) {
        (Json::Object(object), Value::Object(map)) => {
            let keys: Vec<&str> = object.iter().map(|(key, _)| key).collect();
            let expected: Vec<&str> = map.keys().map(String::as_str).collect();
            assert_eq!(keys, expected, "keys, in order, once each");
            assert_eq!(object.len(), map.len());
            for (key, value) in map {
                let found = object.get(key).unwrap_or_else(|| panic!("get({key:?})"));
                assert_same_object_view(found, value);
            }
            for probe in TREE_PROBES {
                assert_eq!(
                    object.get(probe).is_some(),
                    map.contains_key(*probe),
                    "{probe:?}"
                );
            }
        }
        (Json::Array(items), Value::Array(values)) => {
            for (item, value) in items.iter().zip(values) {
                assert_same_object_view(item, value);
            }
        }
        _ => {}
    }
}

/// The tree reads `text` exactly as `serde_json::Value` does: the same values (numbers
/// as u64, i64 or f64 alike), the same object view, or the same error at the same place.
fn assert_reads_as_value(text: &str) {
    let tree: Result<Json, _> = serde_json::from_str(text);
    let value: Result<Value, _> = serde_json::from_str(text);
    match (tree, value) {
        (Ok(tree), Ok(value)) => {
            assert_eq!(tree_as_value(&tree), value, "{text}");
            assert_same_object_view(&tree, &value);
        }
        (Err(ours), Err(theirs)) => {
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
            assert_eq!(ours.classify(), theirs.classify(), "{text}");
            assert_eq!(
                (ours.line(), ours.column()),
                (theirs.line(), theirs.column())
            );
        }
        (ours, theirs) => panic!("{text}\n  tree:  {ours:?}\n  Value: {theirs:?}"),
    }
}

#[test]
fn a_repeated_key_keeps_its_last_value_and_counts_once() {
    let tree: Json = serde_json::from_str(r#"{"b":1,"a":2,"b":3,"\u0062":4,"a":5}"#).unwrap();
    let Json::Object(object) = &tree else {
        panic!("{tree:?}")
    };
    assert_eq!(object.len(), 2);
    assert_eq!(
        object.iter().map(|(key, _)| key).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(object.get("a"), Some(&Json::Number(5.into())));
    assert_eq!(object.get("b"), Some(&Json::Number(4.into())));
    assert_reads_as_value(r#"{"b":1,"a":2,"b":3,"\u0062":4,"a":5}"#);
}

#[test]
fn nesting_at_and_past_serde_jsons_limit_reads_as_value_reads_it() {
    for depth in [127, 128, 129, 1000] {
        assert_reads_as_value(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        assert_reads_as_value(&format!(
            "{}1{}",
            r#"{"a":"#.repeat(depth),
            "}".repeat(depth)
        ));
        assert_reads_as_value(&"[{\"a\":".repeat(depth));
    }
}

#[test]
fn big_objects_and_many_repeated_keys_read_in_one_pass() {
    // 100,000 different keys, written in reverse order, and 100,000 of one key: each is
    // one sort, never a search per key, so this takes milliseconds, not minutes.
    let mut text = String::from("{");
    for i in (0..100_000).rev() {
        text.push_str(&format!("\"k{i:06}\":{i},"));
    }
    for i in 0..100_000 {
        text.push_str(&format!("\"same\":{i},"));
    }
    text.push_str("\"end\":true}");
    let tree: Json = serde_json::from_str(&text).unwrap();
    let Json::Object(object) = &tree else {
        panic!()
    };
    assert_eq!(object.len(), 100_002);
    assert_eq!(object.get("k000000"), Some(&Json::Number(0.into())));
    assert_eq!(object.get("k099999"), Some(&Json::Number(99_999.into())));
    assert_eq!(object.get("same"), Some(&Json::Number(99_999.into())));
    assert_eq!(object.get("k100000"), None);
    assert_reads_as_value(&text);
}

#[test]
fn objects_of_every_size_up_to_70_fields_read_as_value_reads_them() {
    // Small objects are searched from the start, large ones by halves; a validator's
    // object remembers what it read in a mask up to 64 fields, in a vector beyond.
    for n in 0..=70 {
        let mut fields: Vec<String> = (0..n)
            .map(|i| format!("\"k{:02}\":{i}", (i * 37) % 71))
            .collect();
        fields.push(format!("\"k{:02}\":\"again\"", (n * 37) % 71));
        fields.push("\"k00\":null".to_string());
        assert_reads_as_value(&format!("{{{}}}", fields.join(",")));
    }
}

/// A deal in an export, written with extra fields: `fields` go in front of its own ones.
fn export_with_deal_fields(fields: &str) -> String {
    let text = export(&example_workspace());
    let at = text.find(r#""id": "d-acme""#).unwrap();
    format!("{}{fields}{}", &text[..at], &text[at..])
}

#[test]
fn a_deal_with_many_repeated_or_unknown_fields_is_judged_as_serde_json_reads_it() {
    // The last of 100,000 titles is the one read; the earlier ones are not fields of
    // their own.
    let titles: String = (0..100_000)
        .map(|i| format!("\"title\": \"T{i}\", "))
        .collect();
    let backup = parse_backup(export_with_deal_fields(&titles).as_bytes()).unwrap();
    assert_eq!(backup.workspace, example_workspace());
    // Of many unknown fields, the first in key order is named, wherever it is in the file.
    let unknown: String = (0..100_000)
        .rev()
        .map(|i| format!("\"x{i:06}\": {i}, "))
        .collect();
    let err = parse_backup(export_with_deal_fields(&format!("{unknown}\"a_b\": 1, ")).as_bytes())
        .unwrap_err();
    assert_eq!(err.place().unwrap().path, "workspace.deals[0].a_b");
    let err = parse_backup(export_with_deal_fields(&unknown).as_bytes()).unwrap_err();
    assert_eq!(err.place().unwrap().path, "workspace.deals[0].x000000");
    // Around 64 fields in all (a deal has 18), where the record of what was read changes.
    for extra in 42..=52 {
        let unknown: String = (0..extra).map(|i| format!("\"x{i:02}\": {i}, ")).collect();
        let text = export_with_deal_fields(&format!("{unknown}\"m_unknown\": 1, "));
        let err = parse_backup(text.as_bytes()).unwrap_err();
        assert_eq!(
            err.place().unwrap().path,
            "workspace.deals[0].m_unknown",
            "{extra}"
        );
    }
    // Few unknown fields: still the first in key order, not in file order.
    let err = parse_backup(export_with_deal_fields(r#""zz": 1, "title": 2, "ab": 3, "#).as_bytes())
        .unwrap_err();
    assert_eq!(err.place().unwrap().path, "workspace.deals[0].ab");
}

/// Renders `value` as JSON with each object's fields in the order `shuffle` picks, and
/// `extra` fields added to the `pick`-th object (depth first): each before or after the
/// object's own fields.
fn render_with_extras(
    value: &Value,
    pick: &mut usize,
    extra: &[(String, Value, bool)],
    shuffle: u64,
    out: &mut String,
) {
    match value {
        Value::Object(map) => {
            let mine = *pick == 0;
            *pick = pick.wrapping_sub(1);
            let mut fields: Vec<(String, &Value)> = map
                .iter()
                .map(|(key, value)| (key.clone(), value))
                .collect();
            // A fixed reordering: rotate, then reverse when the seed says so.
            if !fields.is_empty() {
                let len = fields.len();
                fields.rotate_left((shuffle as usize) % len);
                if shuffle & 1 == 1 {
                    fields.reverse();
                }
            }
            let mut parts: Vec<String> = Vec::new();
            if mine {
                for (key, value, _) in extra.iter().filter(|(_, _, before)| *before) {
                    parts.push(format!("{}:{value}", serde_json::to_string(key).unwrap()));
                }
            }
            for (key, value) in fields {
                let mut inner = String::new();
                render_with_extras(value, pick, extra, shuffle / 3, &mut inner);
                parts.push(format!("{}:{inner}", serde_json::to_string(&key).unwrap()));
            }
            if mine {
                for (key, value, _) in extra.iter().filter(|(_, _, before)| !*before) {
                    parts.push(format!("{}:{value}", serde_json::to_string(key).unwrap()));
                }
            }
            out.push('{');
            out.push_str(&parts.join(","));
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render_with_extras(item, pick, extra, shuffle, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn extra_field() -> impl Strategy<Value = (String, Value, bool)> {
    let key = prop_oneof![
        // Fields the importer reads, repeated.
        proptest::sample::select(vec![
            "id",
            "title",
            "name",
            "format",
            "version",
            "workspace",
            "deals",
            "stages",
            "amount",
            "minor",
            "currency",
            "status",
            "kind",
            "at",
            "history",
            "from",
            "to",
            "sample",
            "rev",
            "probability",
            "expected_close",
            "contact",
            "email",
            "notes",
        ])
        .prop_map(str::to_string),
        // Unknown ones, sorting before, between and after them.
        proptest::sample::select(vec![
            "", "a", "aa", "id_", "idx", "titlf", "zzz", "\u{0}", "é", "rev\u{0}", "Title",
        ])
        .prop_map(str::to_string),
    ];
    (key, odd_json(), any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_tree_reads_any_text_as_serde_json_value_does(
        doc in doc_strategy(),
        spaced in any::<bool>(),
        damage in prop_oneof![
            3 => Just(None),
            1 => (any::<usize>(), proptest::sample::select(vec![
                "", "\"", ",", ":", "{", "}", "[", "]", "\\", " ", "x", "1", "-", ".", "e",
            ])).prop_map(Some),
        ],
    ) {
        let mut text = String::new();
        render_doc(&doc, spaced, &mut text);
        if let Some((at, insert)) = damage {
            // Cut at, or insert at, a character boundary.
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if insert.is_empty() {
                text.truncate(at);
            } else {
                text.insert_str(at, insert);
            }
        }
        assert_reads_as_value(&text);
    }

    /// The importer judges a file as it judges the same file read by `serde_json::Value`
    /// and written out again: repeated fields count once with their last value, the
    /// order fields are written in does not matter, and the first unknown field named is
    /// the first in key order.
    #[test]
    fn repeated_unknown_and_reordered_fields_are_judged_as_serde_json_reads_them(
        ws in workspace_strategy(),
        pick in any::<usize>(),
        extra in prop::collection::vec(extra_field(), 0..4),
        shuffle in any::<u64>(),
    ) {
        let value: Value = serde_json::from_str(&export(&ws)).unwrap();
        let mut pick = pick % 40;
        let mut text = String::new();
        render_with_extras(&value, &mut pick, &extra, shuffle, &mut text);
        let as_value: Value = serde_json::from_str(&text).unwrap();
        let normalised = as_value.to_string();
        prop_assert_eq!(parse_backup(text.as_bytes()), parse_backup(normalised.as_bytes()));
    }

    /// `check_workspace` reads a workspace from its JSON text; for every workspace that
    /// text reads as the value `serde_json::to_value` gives, which it was checked on
    /// before, so the checks see the same fields, numbers and text.
    #[test]
    fn a_workspace_as_text_reads_as_the_value_serde_json_makes_of_it(ws in workspace_strategy()) {
        let text = serde_json::to_string(&ws).unwrap();
        let read: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(read, serde_json::to_value(&ws).unwrap());
    }
}

// ---------------------------------------------------------------------------------------
// Export

#[test]
fn an_export_carries_format_version_app_version_and_time() {
    let text = export(&example_workspace());
    let value: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys.iter().copied().collect::<HashSet<_>>(),
        HashSet::from([
            "format",
            "version",
            "app_version",
            "exported_at",
            "workspace"
        ])
    );
    assert!(text.starts_with("{\n  \"format\": \"pipewright-backup\",\n  \"version\": 1,\n"));
    assert_eq!(value["app_version"], "0.1.0");
    assert_eq!(value["exported_at"], "2026-11-26T14:32:00Z");
    assert_eq!(
        value["workspace"]["deals"][0]["amount"],
        json!({"minor": 1250050, "currency": "NOK"})
    );
}

#[test]
fn an_example_workspace_survives_export_and_import() {
    let ws = example_workspace();
    let text = export(&ws);
    let backup = parse_backup(text.as_bytes()).unwrap();
    assert_eq!(
        backup,
        Backup {
            format_version: 1,
            app_version: "0.1.0".into(),
            exported_at: exported_at(),
            workspace: ws,
        }
    );
    assert_eq!(export(&backup.workspace), text);
}

#[test]
fn one_pipeline_exports_with_its_deals_and_the_lost_reasons() {
    let ws = example_workspace();
    let text = export_pipeline(&ws, "p-sales", "0.1.0", exported_at()).unwrap();
    let backup = parse_backup(text.as_bytes()).unwrap();
    assert_eq!(backup.workspace.pipelines, vec![ws.pipelines[0].clone()]);
    assert_eq!(backup.workspace.deals, ws.deals[..2].to_vec());
    assert_eq!(backup.workspace.lost_reasons, ws.lost_reasons);
    assert_eq!(export_pipeline(&ws, "p-nope", "0.1.0", exported_at()), None);
}

#[test]
fn file_names_carry_the_date_and_time() {
    assert_eq!(
        backup_file_name(utc(2026, 11, 26, 14, 32)),
        "pipewright-backup-2026-11-26-1432.json"
    );
    assert_eq!(
        backup_file_name(date(2027, 1, 2).and_hms_opt(7, 5, 0).unwrap()),
        "pipewright-backup-2027-01-02-0705.json"
    );
    assert_eq!(
        pipeline_backup_file_name("Nysalg – Sør/Øst", utc(2026, 11, 26, 14, 32)),
        "pipewright-backup-nysalg-sor-ost-2026-11-26-1432.json"
    );
    assert_eq!(
        csv_file_name("Større kunder", utc(2026, 11, 26, 9, 3)),
        "pipewright-storre-kunder-2026-11-26-0903.csv"
    );
}

#[test]
fn slugs_are_safe_file_name_parts() {
    let check = |name: &str, expected: &str| assert_eq!(slug(name), expected, "{name:?}");
    check("Nysalg", "nysalg");
    check("  Blåbær & Ærlig AS ", "blabaer-aerlig-as");
    check("../../etc/passwd", "etc-passwd");
    check("<script>", "script");
    check("", "pipeline");
    check("😀😀", "pipeline");
    check(&"a".repeat(500), &"a".repeat(40));
    check(
        &"ab ".repeat(100),
        "ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-a",
    );
}

// ---------------------------------------------------------------------------------------
// JSON Schema

#[test]
fn exports_validate_against_the_published_schema() {
    let validator = schema_validator();
    let ws = example_workspace();
    let errors = schema_errors(&validator, &export(&ws));
    assert!(errors.is_empty(), "{errors:#?}");
    let part = export_pipeline(&ws, "p-partners", "0.1.0", exported_at()).unwrap();
    assert!(schema_errors(&validator, &part).is_empty());
    assert!(schema_errors(&validator, &export(&Workspace::default())).is_empty());
}

#[test]
fn the_schema_agrees_with_the_importer_on_the_corpus() {
    // Files that import validate; files the importer refuses fail the schema too, except
    // for what a schema cannot express (unique ids, references between records) and files
    // that are not JSON at all.
    const ONLY_THE_IMPORTER_CAN_TELL: &[&str] = &[
        "duplicate-pipeline-id.json",
        "duplicate-stage-id-in-pipeline.json",
        "duplicate-stage-id-across-pipelines.json",
        "duplicate-deal-id.json",
        "deal-in-unknown-pipeline.json",
        "deal-in-unknown-stage.json",
        "deal-in-stage-of-other-pipeline.json",
        "history-names-stage-of-other-pipeline.json",
    ];
    let validator = schema_validator();
    let mut failures = Vec::new();
    for (name, expected) in manifest() {
        let bytes = read_corpus(&name);
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let text = text.trim_start_matches('\u{feff}');
        if serde_json::from_str::<Value>(text).is_err() {
            continue;
        }
        let errors = schema_errors(&validator, text);
        let refused = expected.is_some();
        let schema_refuses = !errors.is_empty();
        let expect_schema_refusal = refused && !ONLY_THE_IMPORTER_CAN_TELL.contains(&name.as_str());
        if schema_refuses != expect_schema_refusal {
            failures.push(format!(
                "{name}: importer refuses: {refused}, schema: {errors:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_lists_exactly_the_known_currencies() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/pipewright-backup.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let listed: Vec<&str> = schema["$defs"]["currency"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    assert_eq!(listed, Currency::all_codes().collect::<Vec<_>>());
    assert_eq!(
        schema["$defs"]["name"]["maxLength"],
        json!(MAX_NAME_CHARS),
        "the schema's name limit"
    );
    assert_eq!(
        schema["$defs"]["long_text"]["maxLength"],
        json!(MAX_TEXT_CHARS)
    );
    assert_eq!(
        schema["$defs"]["deal"]["properties"]["amount"]["properties"]["minor"]["maximum"],
        json!(MAX_MINOR)
    );
}

// ---------------------------------------------------------------------------------------
// Adding beside and replacing

fn counter_ids(prefix: &'static str) -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("{prefix}{n}")
    }
}

#[test]
fn adding_a_backup_of_the_same_workspace_gives_every_record_a_new_id() {
    let mut ws = example_workspace();
    let before = ws.clone();
    let report = add_beside(&mut ws, before.clone(), &mut counter_ids("new-"));
    assert_eq!(&ws.pipelines[..2], &before.pipelines[..]);
    assert_eq!(&ws.deals[..3], &before.deals[..]);
    assert_eq!(ws.pipelines.len(), 4);
    assert_eq!(ws.deals.len(), 6);
    assert_eq!(report.n_deals, 3);
    assert_eq!(
        report.pipeline_ids,
        vec!["new-1".to_string(), "new-2".to_string()]
    );
    // 2 pipelines, 4 stages plus the removed stage in a history, 3 deals.
    assert_eq!(report.n_new_ids, 2 + 5 + 3);
    assert_eq!(report.n_lost_reasons_added, 0);
    let copy = &ws.deals[3];
    assert_eq!(copy.pipeline_id, "new-1");
    assert_eq!(
        ws.pipelines[2].stage(&copy.stage_id).unwrap().name,
        "Tilbud sendt"
    );
    assert_ne!(copy.history[0].to, "s-removed");
    assert_eq!(copy.history[1].from.as_ref(), Some(&copy.history[0].to));
    assert_eq!(copy.history[1].to, copy.stage_id);
    // The result is itself a valid backup: ids unique, references whole.
    assert!(parse_backup(export(&ws).as_bytes()).is_ok());
}

#[test]
fn ids_that_do_not_clash_are_kept_and_lost_reasons_are_joined() {
    let mut ws = example_workspace();
    let mut other = Workspace {
        pipelines: vec![Pipeline {
            id: "p-other".into(),
            name: "Annet".into(),
            currency: Currency::nok(),
            stages: vec![stage("s-other", "Ny", 10, 14)],
            created_at: utc(2026, 5, 1, 9, 0),
        }],
        deals: vec![deal("d-other", "p-other", "s-other", "Noe", 100, "NOK")],
        lost_reasons: vec!["Annet".into(), "Timing".into()],
    };
    other.deals[0].status = DealStatus::Lost {
        at: utc(2026, 6, 1, 9, 0),
        reason: "Timing".into(),
        note: String::new(),
    };
    let report = add_beside(&mut ws, other.clone(), &mut || {
        unreachable!("no id clashes")
    });
    assert_eq!(report.n_new_ids, 0);
    assert_eq!(ws.pipelines[2], other.pipelines[0]);
    assert_eq!(ws.deals[3], other.deals[0]);
    assert_eq!(ws.lost_reasons, vec!["Pris", "Annet", "Timing"]);
    assert_eq!(report.n_lost_reasons_added, 1);
}

#[test]
fn a_generator_that_repeats_itself_cannot_make_ids_clash_or_hang() {
    let mut ws = example_workspace();
    let backup = example_workspace();
    add_beside(&mut ws, backup, &mut || "p-sales".to_string());
    let ids: HashSet<&str> = ws.pipelines.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.contains("p-sales-2"));
    assert!(parse_backup(export(&ws).as_bytes()).is_ok());
    // Twice more: the suffixes keep counting.
    add_beside(&mut ws, example_workspace(), &mut String::new);
    assert!(parse_backup(export(&ws).as_bytes()).is_ok());
}

#[test]
fn a_removed_stage_in_the_backups_history_never_lands_on_a_live_stage() {
    // The workspace has a live stage whose id the backup's history uses for a removed stage.
    let mut ws = example_workspace();
    ws.deals[0].history[0].to = "s-lead".into();
    ws.deals[0].history[1].from = Some("s-lead".into());
    ws.pipelines[1]
        .stages
        .push(stage("s-removed", "Gjenbrukt", 30, 14));
    assert!(parse_backup(export(&ws).as_bytes()).is_ok());
    let mut backup = example_workspace();
    backup.pipelines.truncate(1);
    backup.deals.truncate(2);
    for pipeline in &mut backup.pipelines {
        pipeline.id = format!("{}-b", pipeline.id).into();
        for stage in &mut pipeline.stages {
            stage.id = format!("{}-b", stage.id).into();
        }
    }
    for deal in &mut backup.deals {
        deal.id = format!("{}-b", deal.id).into();
        deal.pipeline_id = format!("{}-b", deal.pipeline_id).into();
        deal.stage_id = format!("{}-b", deal.stage_id).into();
        for change in &mut deal.history {
            let renamed = |id: &str| {
                if id == "s-removed" {
                    id.to_string()
                } else {
                    format!("{id}-b")
                }
            };
            change.from = change.from.as_deref().map(renamed).map(Into::into);
            change.to = renamed(&change.to).into();
        }
    }
    let report = add_beside(&mut ws, backup, &mut counter_ids("new-"));
    assert_eq!(report.n_new_ids, 1);
    assert!(ws.deals[3]
        .history
        .iter()
        .all(|change| change.to != "s-removed"));
    assert!(parse_backup(export(&ws).as_bytes()).is_ok());
}

#[test]
fn replace_puts_the_backup_in_place_and_hands_back_the_old_workspace() {
    let mut ws = example_workspace();
    let before = ws.clone();
    let incoming = Workspace::default();
    let snapshot = replace(&mut ws, incoming.clone());
    assert_eq!(ws, incoming);
    assert_eq!(snapshot, before);
    // Undo is replacing back.
    replace(&mut ws, snapshot);
    assert_eq!(ws, before);
}

// ---------------------------------------------------------------------------------------
// CSV

fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks_and_reads_back_the_same() {
    let mut ws = example_workspace();
    ws.deals[0].title = "Acme, \"ny\" avtale\nlinje 2\r\nlinje 3".into();
    ws.deals[0].next_step.text = "Ring; så send \"tilbud\"".into();
    let text = export_csv(&ws, "p-sales", Lang::En).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "starts with a byte-order mark for Excel"
    );
    let (header, rows) = read_csv(&text);
    assert_eq!(
        header,
        [
            "Id",
            "Title",
            "Organisation",
            "Contact name",
            "Contact email",
            "Contact phone",
            "Stage",
            "Status",
            "Lost reason",
            "Amount",
            "Currency",
            "Probability (%)",
            "Expected close",
            "Next step",
            "Next step due",
            "Created",
            "Updated",
            "Closed at",
        ]
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0],
        [
            "d-acme",
            "Acme, \"ny\" avtale\nlinje 2\r\nlinje 3",
            "Acme AS",
            "Kari Nordmann",
            "kari@acme.no",
            "+47 900 00 000",
            "Tilbud sendt",
            "Open",
            "",
            "12500.50",
            "NOK",
            "50",
            "2026-12-15",
            "Ring; så send \"tilbud\"",
            "2026-11-30",
            "2026-10-01T09:00:00Z",
            "2026-10-02T09:00:00Z",
            "",
        ]
    );
    assert_eq!(rows[1][0], "d-fjord");
    assert_eq!(rows[1][7], "Won");
    assert_eq!(rows[1][9], "500000.00");
    assert_eq!(rows[1][11], "90");
    assert_eq!(rows[1][17], "2026-11-01T12:00:00Z");
}

#[test]
fn csv_headers_and_statuses_follow_the_language() {
    let ws = example_workspace();
    let (header, rows) = read_csv(&export_csv(&ws, "p-partners", Lang::Nb).unwrap());
    assert_eq!(header[1], "Tittel");
    assert_eq!(header[9], "Beløp");
    assert_eq!(rows[0][7], "Tapt");
    assert_eq!(rows[0][8], "Pris");
    assert_eq!(rows[0][9], "999.00", "the decimal point stays a point");
    assert_eq!(export_csv(&ws, "p-nope", Lang::En), None);
}

#[test]
fn csv_rows_follow_the_board_order() {
    let mut ws = example_workspace();
    let mut first = deal("d-z", "p-sales", "s-lead", "Først", 1, "NOK");
    first.rank = 5;
    let mut second = deal("d-a", "p-sales", "s-lead", "Andre", 1, "NOK");
    second.rank = 9;
    ws.deals.push(second);
    ws.deals.push(first);
    let (_, rows) = read_csv(&export_csv(&ws, "p-sales", Lang::En).unwrap());
    let ids: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids, ["d-z", "d-a", "d-acme", "d-fjord"]);
}

#[test]
fn amounts_are_exact_decimals_in_major_units() {
    let check = |minor, digits, expected: &str| assert_eq!(decimal_amount(minor, digits), expected);
    check(1_250_050, 2, "12500.50");
    check(5, 2, "0.05");
    check(0, 2, "0.00");
    check(1500, 0, "1500");
    check(1234, 3, "1.234");
    check(MAX_MINOR, 2, "10000000000000.00");
    check(-150, 2, "-1.50");
    check(i64::MIN, 2, "-92233720368547758.08");
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_defused() {
    let mut ws = example_workspace();
    ws.deals[0].title = "=HYPERLINK(\"http://evil.example\",\"klikk\")".into();
    ws.deals[0].organisation = "@SUM(1+1)".into();
    ws.deals[0].contact.name = "-2+3+cmd|' /C calc'!A0".into();
    ws.deals[0].contact.phone = "+47 (0) 900-00-000".into();
    ws.deals[0].next_step.text = "-".into();
    let (_, rows) = read_csv(&export_csv(&ws, "p-sales", Lang::En).unwrap());
    assert_eq!(rows[0][1], "'=HYPERLINK(\"http://evil.example\",\"klikk\")");
    assert_eq!(rows[0][2], "'@SUM(1+1)");
    assert_eq!(rows[0][3], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(
        rows[0][5], "+47 (0) 900-00-000",
        "phone numbers are left alone"
    );
    assert_eq!(rows[0][13], "-");
}

// ---------------------------------------------------------------------------------------
// Generated workspaces

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[a-zA-Z0-9 æøåÆØÅ,;\"'<>&=+\\-\n\r\t\u{1F600}]{{0,{max}}}"
    ))
    .unwrap()
}

fn name_strategy() -> impl Strategy<Value = String> {
    // Names are not blank: a visible first character, then anything.
    ("[A-Za-zÆØÅ<\"]", text_strategy(12)).prop_map(|(first, rest)| format!("{first}{rest}"))
}

fn timestamp_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    // 1970 to 2200, with and without fractions of a second.
    (
        0_i64..7_258_118_400,
        prop_oneof![Just(0_u32), 0_u32..1_000_000_000],
    )
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

fn date_strategy() -> impl Strategy<Value = Option<NaiveDate>> {
    proptest::option::of(
        (1_i32..3_652_059).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap()),
    )
}

fn currency_strategy() -> impl Strategy<Value = Currency> {
    let codes: Vec<&'static str> = Currency::all_codes().collect();
    proptest::sample::select(codes).prop_map(currency)
}

#[derive(Clone, Debug)]
struct PipelineSeed {
    name: String,
    currency: Currency,
    stages: Vec<(String, String, u8, u32)>,
    created_at: DateTime<Utc>,
    n_removed_stages: usize,
}

fn pipeline_seed() -> impl Strategy<Value = PipelineSeed> {
    (
        name_strategy(),
        currency_strategy(),
        prop::collection::vec(
            (name_strategy(), text_strategy(30), 0_u8..=100, any::<u32>()),
            1..5,
        ),
        timestamp_strategy(),
        0_usize..3,
    )
        .prop_map(
            |(name, currency, stages, created_at, n_removed_stages)| PipelineSeed {
                name,
                currency,
                stages,
                created_at,
                n_removed_stages,
            },
        )
}

#[derive(Clone, Debug)]
struct DealSeed {
    pipeline_pick: usize,
    stage_pick: usize,
    rank: i64,
    texts: (String, String, String, String, String, String, String),
    amount: (i64, Currency),
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    probability: Option<u8>,
    times: (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
    status: (u8, String, String),
    history: Vec<(usize, DateTime<Utc>)>,
    sample: bool,
    rev: u64,
}

fn deal_seed() -> impl Strategy<Value = DealSeed> {
    (
        (any::<usize>(), any::<usize>(), any::<i64>()),
        (
            name_strategy(),
            text_strategy(15),
            text_strategy(15),
            text_strategy(15),
            text_strategy(15),
            text_strategy(40),
            text_strategy(20),
        ),
        (
            prop_oneof![Just(0_i64), Just(MAX_MINOR), 0..=MAX_MINOR],
            currency_strategy(),
        ),
        (date_strategy(), date_strategy()),
        proptest::option::of(0_u8..=100),
        (
            timestamp_strategy(),
            timestamp_strategy(),
            timestamp_strategy(),
        ),
        (0_u8..3, name_strategy(), text_strategy(20)),
        prop::collection::vec((any::<usize>(), timestamp_strategy()), 0..4),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |(
                (pipeline_pick, stage_pick, rank),
                texts,
                amount,
                dates,
                probability,
                times,
                status,
                history,
                sample,
                rev,
            )| DealSeed {
                pipeline_pick,
                stage_pick,
                rank,
                texts,
                amount,
                dates,
                probability,
                times,
                status,
                history,
                sample,
                rev,
            },
        )
}

/// Builds a valid workspace. Ids follow one scheme (`p0`, `s0-1`, `d3`) so that two
/// generated workspaces share ids, which is what `add_beside` must cope with. History may
/// name removed stages (`s0-5` when pipeline 0 has fewer stages), as real history does.
fn build_workspace(
    pipelines: Vec<PipelineSeed>,
    deals: Vec<DealSeed>,
    lost_reasons: Vec<String>,
) -> Workspace {
    let pipelines: Vec<(Pipeline, Vec<String>)> = pipelines
        .into_iter()
        .enumerate()
        .map(|(i, seed)| {
            let stages: Vec<Stage> = seed
                .stages
                .into_iter()
                .enumerate()
                .map(|(j, (name, guidance, probability, rot_days))| Stage {
                    id: format!("s{i}-{j}").into(),
                    name,
                    guidance,
                    probability,
                    rot_days,
                })
                .collect();
            let n_stages = stages.len();
            let history_pool: Vec<String> = (0..n_stages + seed.n_removed_stages)
                .map(|j| format!("s{i}-{j}"))
                .collect();
            let pipeline = Pipeline {
                id: format!("p{i}").into(),
                name: seed.name,
                currency: seed.currency,
                stages,
                created_at: seed.created_at,
            };
            (pipeline, history_pool)
        })
        .collect();
    let deals = if pipelines.is_empty() {
        Vec::new()
    } else {
        deals
            .into_iter()
            .enumerate()
            .map(|(k, seed)| {
                let (pipeline, pool) = &pipelines[seed.pipeline_pick % pipelines.len()];
                let stage = &pipeline.stages[seed.stage_pick % pipeline.stages.len()];
                let mut history = Vec::new();
                let mut from = None;
                for (pick, at) in seed.history {
                    let to = pool[pick % pool.len()].clone();
                    history.push(StageChange {
                        from: from.replace(to.clone().into()),
                        to: to.into(),
                        at,
                    });
                }
                let (title, organisation, name, email, phone, notes, next) = seed.texts;
                let (kind, reason, note) = seed.status;
                Deal {
                    id: format!("d{k}").into(),
                    pipeline_id: pipeline.id.clone(),
                    stage_id: stage.id.clone(),
                    rank: seed.rank,
                    title,
                    organisation,
                    contact: Contact { name, email, phone },
                    amount: Money::new(seed.amount.0, seed.amount.1),
                    expected_close: seed.dates.0,
                    probability: seed.probability,
                    notes,
                    next_step: NextStep {
                        text: next,
                        due: seed.dates.1,
                    },
                    created_at: seed.times.0,
                    updated_at: seed.times.1,
                    status: match kind {
                        0 => DealStatus::Open,
                        1 => DealStatus::Won { at: seed.times.2 },
                        _ => DealStatus::Lost {
                            at: seed.times.2,
                            reason,
                            note,
                        },
                    },
                    history,
                    sample: seed.sample,
                    rev: seed.rev,
                }
            })
            .collect()
    };
    Workspace {
        pipelines: pipelines.into_iter().map(|(p, _)| p).collect(),
        deals,
        lost_reasons,
    }
}

fn workspace_strategy() -> impl Strategy<Value = Workspace> {
    (
        prop::collection::vec(pipeline_seed(), 0..4),
        prop::collection::vec(deal_seed(), 0..10),
        prop::collection::vec(name_strategy(), 0..4),
    )
        .prop_map(|(pipelines, deals, reasons)| build_workspace(pipelines, deals, reasons))
}

/// A deal with its ids blanked, to compare content across renamed ids.
fn without_ids(deal: &Deal) -> Deal {
    let mut deal = deal.clone();
    deal.id = Default::default();
    deal.pipeline_id = Default::default();
    deal.stage_id = Default::default();
    for change in &mut deal.history {
        change.from = change.from.as_ref().map(|_| Default::default());
        change.to = Default::default();
    }
    deal
}

/// Small JSON values that are wrong in interesting ways, to put in place of a field.
fn odd_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(1e300)),
        Just(json!("2026-02-30")),
        Just(json!("2026-02-30T10:00:00Z")),
        Just(json!("")),
        Just(json!("XYZ")),
        Just(json!("s0-0")),
        Just(json!("p0")),
        Just(json!("d0")),
        text_strategy(10).prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!({"kind": "won"})),
    ]
}

/// Replaces the value at the `pick`-th node (in a depth-first walk) with `new`.
fn replace_node(value: &mut Value, pick: &mut usize, new: &Value) -> bool {
    if *pick == 0 {
        *value = new.clone();
        return true;
    }
    *pick -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|item| replace_node(item, pick, new)),
        Value::Object(map) => map.values_mut().any(|item| replace_node(item, pick, new)),
        _ => false,
    }
}

proptest! {
    /// The export writes its CSV itself: byte for byte what the `csv` crate's default
    /// writer writes, for any fields (commas, quotes, CR, LF, spaces, non-ASCII).
    #[test]
    fn csv_records_are_written_as_the_csv_crate_writes_them(
        records in prop::collection::vec(
            prop::collection::vec("[a-c ,\"\r\n;'\\\t#æ€-]{0,6}", 3),
            1..4,
        )
    ) {
        let mut ours = String::new();
        let mut writer = csv::Writer::from_writer(Vec::new());
        for record in &records {
            write_csv_record(&mut ours, record);
            writer.write_record(record).unwrap();
        }
        let theirs = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        prop_assert_eq!(ours, theirs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn export_then_import_gives_back_the_same_workspace(ws in workspace_strategy()) {
        let text = export(&ws);
        let backup = parse_backup(text.as_bytes());
        prop_assert!(backup.is_ok(), "{:?}", backup.err().map(|e| e.to_string()));
        let backup = backup.unwrap();
        prop_assert_eq!(&backup.workspace, &ws);
        prop_assert_eq!(backup.exported_at, exported_at());
        prop_assert_eq!(export(&backup.workspace), text);
    }

    #[test]
    fn generated_exports_validate_against_the_schema(ws in workspace_strategy()) {
        let validator = schema_validator();
        let errors = schema_errors(&validator, &export(&ws));
        prop_assert!(errors.is_empty(), "{:#?}", errors);
        if let Some(pipeline) = ws.pipelines.first() {
            let part = export_pipeline(&ws, &pipeline.id, "0.1.0", exported_at()).unwrap();
            prop_assert!(schema_errors(&validator, &part).is_empty());
            prop_assert!(parse_backup(part.as_bytes()).is_ok());
        }
    }

    #[test]
    fn adding_beside_never_changes_what_was_there_and_keeps_every_deal(
        current in workspace_strategy(),
        incoming in workspace_strategy(),
        repeat_ids in any::<bool>(),
    ) {
        let mut ws = current.clone();
        let mut counter = 0;
        // Either fresh ids, or ids from the same scheme the workspaces use, which clash.
        let mut new_id = || {
            counter += 1;
            if repeat_ids { format!("d{}", counter % 3) } else { format!("new-{counter}") }
        };
        let report = add_beside(&mut ws, incoming.clone(), &mut new_id);
        let n_pipelines = current.pipelines.len();
        let n_deals = current.deals.len();
        prop_assert_eq!(&ws.pipelines[..n_pipelines], &current.pipelines[..]);
        prop_assert_eq!(&ws.deals[..n_deals], &current.deals[..]);
        prop_assert_eq!(&ws.lost_reasons[..current.lost_reasons.len()], &current.lost_reasons[..]);
        prop_assert_eq!(ws.pipelines.len(), n_pipelines + incoming.pipelines.len());
        prop_assert_eq!(ws.deals.len(), n_deals + incoming.deals.len());
        prop_assert_eq!(report.n_deals, incoming.deals.len());
        for reason in &incoming.lost_reasons {
            prop_assert!(ws.lost_reasons.contains(reason));
        }
        // Every deal of the backup is there, with its content, in the matching pipeline
        // and stage.
        for (added, original) in ws.deals[n_deals..].iter().zip(&incoming.deals) {
            prop_assert_eq!(without_ids(added), without_ids(original));
            let pipeline_idx = incoming.pipelines.iter().position(|p| p.id == original.pipeline_id).unwrap();
            let pipeline = &ws.pipelines[n_pipelines + pipeline_idx];
            prop_assert_eq!(&added.pipeline_id, &pipeline.id);
            let stage_idx = incoming.pipelines[pipeline_idx].stage_index(&original.stage_id).unwrap();
            prop_assert_eq!(&pipeline.stages[stage_idx].id, &added.stage_id);
        }
        for (added, original) in ws.pipelines[n_pipelines..].iter().zip(&incoming.pipelines) {
            prop_assert_eq!(&added.name, &original.name);
            prop_assert_eq!(added.stages.len(), original.stages.len());
        }
        // The result is a valid workspace: ids unique, every reference whole.
        let check = parse_backup(export(&ws).as_bytes());
        prop_assert!(check.is_ok(), "{:?}", check.err().map(|e| e.to_string()));
    }

    #[test]
    fn any_bytes_give_a_result_and_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_backup(&bytes);
    }

    #[test]
    fn a_damaged_export_is_refused_or_imports_as_a_valid_workspace(
        ws in workspace_strategy(),
        position in any::<usize>(),
        byte in any::<u8>(),
        pick in any::<usize>(),
        new in odd_json(),
    ) {
        // A byte changed somewhere.
        let mut bytes = export(&ws).into_bytes();
        let index = position % bytes.len();
        bytes[index] = byte;
        if let Ok(backup) = parse_backup(&bytes) {
            prop_assert!(parse_backup(export(&backup.workspace).as_bytes()).is_ok());
        }
        // A value replaced somewhere.
        let mut value: Value = serde_json::from_str(&export(&ws)).unwrap();
        let mut pick = pick % 400;
        replace_node(&mut value, &mut pick, &new);
        match parse_backup(value.to_string().as_bytes()) {
            Ok(backup) => prop_assert!(parse_backup(export(&backup.workspace).as_bytes()).is_ok()),
            Err(err) => {
                prop_assert!(!err.message(Lang::En).is_empty());
                prop_assert!(!err.message(Lang::Nb).contains("import."));
            }
        }
    }
}
