//! Writes the seed corpora of the fuzz targets from the app's own code, so every seed is a
//! real export or a real stored record: `seeds OUT_DIR` fills `OUT_DIR/import/` with backup
//! files (`export_workspace`, `export_pipeline`) and `OUT_DIR/storage/` with stored entries,
//! one `key<TAB>value` line each: stores in format 2 (`encode_store`: the workspace record
//! and packed chunks), in format 1 as the previous release wrote them (`v1::encode_meta`,
//! `v1::encode_deal`), and the two mixed, as a move that stopped half-way leaves them. The
//! workspaces are built from the templates and the sample deals, plus one deal with every
//! field filled in.
//! The hand-written files of tests/backup_corpus/ are seeds too; the run script passes them.

use chrono::{DateTime, Duration, TimeZone, Utc};
use pipewright::backup::{export_pipeline, export_workspace};
use pipewright::domain::sample::sample_deals;
use pipewright::domain::templates::{pipeline_from_template, TemplateKind};
use pipewright::domain::{
    default_lost_reasons, Contact, Currency, DealDraft, Money, NextStep, Workspace,
};
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    bucket_of, chunk_key, compact_legacy, decode_chunk, encode_chunk, encode_store, pack, v1,
    BUCKETS, CHUNK_FORMAT, CHUNK_PREFIX, LANG_KEY, LAST_BACKUP_KEY, STORE_VERSION,
    UNREADABLE_PREFIX,
};
use std::fs;
use std::path::{Path, PathBuf};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 14, 32, 0).unwrap()
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).expect("a known currency")
}

/// A workspace from one template in one language, with its sample deals, in a currency.
fn template_workspace(kind: TemplateKind, lang: Lang, code: &str) -> Workspace {
    let mut n = 0;
    let mut new_id = move || {
        n += 1;
        format!("{}-{n:02}", kind.slug())
    };
    let mut ws = Workspace {
        lost_reasons: default_lost_reasons(lang),
        ..Workspace::default()
    };
    let pipeline = pipeline_from_template(
        kind,
        lang,
        kind.name(lang),
        currency(code),
        now(),
        &mut new_id,
    );
    let deals = sample_deals(&pipeline, lang, &ws.lost_reasons, now(), &mut new_id);
    ws.add_pipeline(pipeline).expect("a template pipeline");
    ws.deals.extend(deals);
    ws
}

/// Every template side by side, and one deal with every field set and awkward text.
fn lived_in_workspace() -> Workspace {
    let mut ws = Workspace {
        lost_reasons: default_lost_reasons(Lang::Nb),
        ..Workspace::default()
    };
    for (kind, lang, code) in [
        (TemplateKind::Startup, Lang::Nb, "NOK"),
        (TemplateKind::Consulting, Lang::En, "JPY"),
        (TemplateKind::Agency, Lang::Nb, "KWD"),
        (TemplateKind::Blank, Lang::En, "EUR"),
    ] {
        let part = template_workspace(kind, lang, code);
        ws.pipelines.extend(part.pipelines);
        ws.deals.extend(part.deals);
    }
    let pipeline = &ws.pipelines[0];
    let (pipeline_id, stage_id) = (pipeline.id.clone(), pipeline.stages[0].id.clone());
    let draft = DealDraft {
        title: "Årsavtale «Premium» \"med\" <b>sitat</b> 🚀".into(),
        organisation: "Ærlig Øl & Co. AS".into(),
        contact: Contact {
            name: "Åse Ødegård".into(),
            email: "ase@example.no".into(),
            phone: "+47 900 00 000".into(),
        },
        amount: Money::new(999_999_999_999_999, currency("NOK")),
        expected_close: Some(now().date_naive() + Duration::days(30)),
        probability: Some(100),
        notes: "Line one\nLine two\twith a tab, a \\ backslash and \u{0}".into(),
        next_step: NextStep {
            text: "Ring tirsdag".into(),
            due: Some(now().date_naive() + Duration::days(1)),
        },
    };
    ws.add_deal(&pipeline_id, &stage_id, "full".into(), draft, now())
        .expect("a valid deal");
    ws
}

/// Stored entries as the app writes them: the workspace record and the deals' chunks.
fn stored(ws: &Workspace) -> Vec<(String, String)> {
    encode_store(ws, BUCKETS)
}

/// Stored entries as earlier format-2 releases wrote them: each chunk's deals named (JSON
/// objects) where this release writes them compact (arrays of their fields).
fn stored_named(ws: &Workspace) -> Vec<(String, String)> {
    encode_store(ws, BUCKETS)
        .into_iter()
        .map(|(key, value)| match decode_chunk(&value) {
            Ok(deals) if key.starts_with(CHUNK_PREFIX) => {
                let named = format!(
                    r#"{{"format":"{CHUNK_FORMAT}","version":{STORE_VERSION},"deals":{}}}"#,
                    serde_json::to_string(&deals).expect("deals as JSON")
                );
                (key, pack::pack_text(&named))
            }
            _ => (key, value),
        })
        .collect()
}

/// Stored entries as the previous release wrote them: a record for the workspace and one
/// for each deal.
fn stored_v1(ws: &Workspace) -> Vec<(String, String)> {
    let mut entries = vec![(
        v1::META_KEY.to_string(),
        v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
    )];
    entries.extend(
        ws.deals
            .iter()
            .map(|d| (v1::deal_key(&d.id), v1::encode_deal(d))),
    );
    entries
}

/// A move to format 2 that stopped half-way: the chunks of the first half of the deals
/// written and their format-1 keys removed, the rest still in format 1, one of them packed
/// in place (as a move in a full quota leaves it), and no format-2 workspace record yet.
fn half_moved(ws: &Workspace) -> Vec<(String, String)> {
    let moved = ws.deals.len() / 2;
    let mut entries = vec![(
        v1::META_KEY.to_string(),
        v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
    )];
    let mut by_bucket: std::collections::BTreeMap<u32, Vec<_>> = Default::default();
    for deal in &ws.deals[..moved] {
        by_bucket
            .entry(bucket_of(&deal.id, BUCKETS))
            .or_default()
            .push(deal);
    }
    for (bucket, mut deals) in by_bucket {
        deals.sort_by(|a, b| a.id.cmp(&b.id));
        entries.push((chunk_key(bucket), encode_chunk(&deals)));
    }
    for (n, deal) in ws.deals[moved..].iter().enumerate() {
        let value = if n == 0 {
            compact_legacy(deal)
        } else {
            v1::encode_deal(deal)
        };
        entries.push((v1::deal_key(&deal.id), value));
    }
    entries
}

fn entries_file(entries: &[(String, String)]) -> String {
    entries
        .iter()
        .map(|(key, value)| format!("{key}\t{value}\n"))
        .collect()
}

fn write(dir: &Path, name: &str, contents: &str) {
    fs::write(dir.join(name), contents).expect("writing a seed");
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: seeds OUT_DIR"));
    let (import, storage) = (out.join("import"), out.join("storage"));
    for dir in [&import, &storage] {
        // Seeds from an older version of the app must not linger.
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).expect("creating the seed directory");
    }

    let full = lived_in_workspace();
    let mut workspaces = vec![("full".to_string(), full.clone())];
    workspaces.push(("empty".into(), Workspace::default()));
    for kind in TemplateKind::ALL {
        for lang in Lang::ALL {
            let ws = template_workspace(kind, lang, "NOK");
            workspaces.push((format!("{}-{}", kind.slug(), lang.code()), ws));
        }
    }

    for (name, ws) in &workspaces {
        write(
            &import,
            &format!("{name}.json"),
            &export_workspace(ws, "0.1.0", now()),
        );
        write(&storage, &format!("{name}.txt"), &entries_file(&stored(ws)));
        write(
            &storage,
            &format!("{name}-named.txt"),
            &entries_file(&stored_named(ws)),
        );
        write(
            &storage,
            &format!("{name}-v1.txt"),
            &entries_file(&stored_v1(ws)),
        );
    }
    for pipeline in &full.pipelines {
        let text = export_pipeline(&full, &pipeline.id, "0.1.0", now()).expect("its pipeline");
        write(&import, &format!("pipeline-{}.json", pipeline.id), &text);
    }

    write(
        &storage,
        "full-half-moved.txt",
        &entries_file(&half_moved(&full)),
    );

    // One record a file, so the fuzzer can work on each alone.
    let entries = stored(&full);
    let entries_v1 = stored_v1(&full);
    for (n, entry) in entries.iter().chain(&entries_v1).enumerate() {
        write(
            &storage,
            &format!("record-{n:02}.txt"),
            &entries_file(std::slice::from_ref(entry)),
        );
    }
    // Storage as a browser holds it: other keys beside the app's, kept unreadable values,
    // a chunk under another chunk's key, a deal under another deal's format-1 key, records
    // from a newer version, a format-1 deal newer than its chunk's copy, and the format-1
    // workspace record beside the format-2 one (a move stopped just before removing it).
    let mut mixed = entries;
    let newer_chunk = pack::pack_text(
        &pack::unpack_text(&mixed[1].1)
            .expect("a packed chunk")
            .replacen("\"version\":2", "\"version\":3", 1),
    );
    let newer_deal = entries_v1[1]
        .1
        .replacen("\"version\":1", "\"version\":2", 1);
    let mut edited = full.deals[0].clone();
    edited.title.push_str(" (edited)");
    edited.rev += 1;
    let swapped_chunk = (mixed[2].0.clone(), mixed[3].1.clone());
    let swapped_deal = (entries_v1[2].0.clone(), entries_v1[3].1.clone());
    mixed.extend([
        (LANG_KEY.to_string(), "nb".to_string()),
        (LAST_BACKUP_KEY.to_string(), now().to_rfc3339()),
        (
            format!("{UNREADABLE_PREFIX}{}", chunk_key(7)),
            "Z3broken".to_string(),
        ),
        (
            format!("{UNREADABLE_PREFIX}{}", v1::deal_key("old")),
            "{\"deal\":".to_string(),
        ),
        (chunk_key(BUCKETS), newer_chunk),
        (v1::deal_key("newer"), newer_deal),
        (v1::deal_key(&edited.id), v1::encode_deal(&edited)),
        entries_v1[0].clone(),
        swapped_chunk,
        swapped_deal,
        ("another-app.settings".to_string(), "[1,2,3]".to_string()),
    ]);
    write(&storage, "mixed.txt", &entries_file(&mixed));
}
