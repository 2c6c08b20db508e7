//! The stored layout (format 2): a workspace record and deals in packed chunks, that
//! round-trip; loading that keeps what it cannot read; save plans that write only the chunks
//! that changed and never overwrite another tab's work (a chunk another tab changed is
//! merged); taking in another tab's chunk; and reading and moving a format-1 store,
//! including the real ones the previous release wrote (`e2e/fixtures/`).
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{crc32, gunzip, id_source, rfc3339, store_of_gzip};

use chrono::{DateTime, Duration, Utc};
use pipewright::backup::check_workspace;
use pipewright::domain::sample::sample_deals;
use pipewright::domain::templates::{pipeline_from_template, TemplateKind};
use pipewright::domain::{
    default_lost_reasons, Contact, Currency, Deal, DealDraft, DealId, DealStatus, Money, NextStep,
    StageChange, Workspace,
};
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    adopt, bucket_of, chunk_key, compact_legacy, decode_chunk, decode_meta, encode_chunk,
    encode_meta, encode_store, finish_check, is_workspace_key, load, load_unchecked, merge_chunk,
    pack, plan, record_chunk, record_meta, store_units, units, v1, value_hash, Adopted, ChunkWrite,
    DecodeError, Loaded, Meta, Migration, Ours, PackAhead, Saved, Unread, Write, BUCKETS,
    CHUNK_FORMAT, CHUNK_PREFIX, LANG_KEY, LAST_BACKUP_KEY, META_FORMAT, META_KEY, PREFIX,
    QUOTA_UNITS, STORE_VERSION, UNREADABLE_PREFIX,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

type Store = BTreeMap<String, String>;

fn now() -> DateTime<Utc> {
    rfc3339("2026-11-26T14:32:00Z")
}

/// A lived-in workspace: a template pipeline with sample deals (open, won and lost), a
/// second pipeline, and one deal with every field filled in and awkward text.
fn workspace() -> Workspace {
    let mut next_id = id_source("id");
    let sales = pipeline_from_template(
        TemplateKind::Startup,
        Lang::Nb,
        "Salg",
        Currency::nok(),
        now(),
        &mut next_id,
    );
    let agency = pipeline_from_template(
        TemplateKind::Agency,
        Lang::En,
        "Agency",
        Currency::parse("EUR").unwrap(),
        now(),
        &mut next_id,
    );
    let mut ws = Workspace {
        lost_reasons: default_lost_reasons(Lang::Nb),
        ..Workspace::default()
    };
    let samples = sample_deals(&sales, Lang::Nb, &ws.lost_reasons, now(), &mut next_id);
    let sales_id = sales.id.clone();
    let first_stage = sales.stages[0].id.clone();
    ws.add_pipeline(sales).unwrap();
    ws.add_pipeline(agency).unwrap();
    ws.deals.extend(samples);
    let draft = DealDraft {
        title: "Årsavtale «Premium» \"med\" sitat 🚀".into(),
        organisation: "Ærlig Øl & Co. AS".into(),
        contact: Contact {
            name: "Åse Ødegård".into(),
            email: "ase@example.no".into(),
            phone: "+47 900 00 000".into(),
        },
        amount: Money::new(12_500_050, Currency::nok()),
        expected_close: Some(now().date_naive() + Duration::days(30)),
        probability: Some(65),
        notes: "Line one\nLine two\twith a tab and a \\ backslash".into(),
        next_step: NextStep {
            text: "Ring tirsdag".into(),
            due: Some(now().date_naive() + Duration::days(1)),
        },
    };
    ws.add_deal(&sales_id, &first_stage, "full".into(), draft, now())
        .unwrap();
    ws
}

/// `n` new deal ids, `prefix-…`, that all go in chunk `bucket`.
fn ids_in_bucket(prefix: &str, bucket: u32, n: usize) -> Vec<String> {
    (0..)
        .map(|i| format!("{prefix}-{i}"))
        .filter(|id| bucket_of(id, BUCKETS) == bucket)
        .take(n)
        .collect()
}

/// Adds an open deal called `id` to the first stage of the first pipeline.
fn add_quick(ws: &mut Workspace, id: &str) {
    let pipeline_id = ws.pipelines[0].id.clone();
    let stage_id = ws.pipelines[0].stages[0].id.clone();
    let draft = DealDraft::quick(id, Money::new(100, Currency::nok()));
    ws.add_deal(&pipeline_id, &stage_id, id.into(), draft, now())
        .unwrap();
}

/// The bucket of the deal "full", and the workspace with three more deals in it:
/// "same-…" ids, so that two tabs can change different deals of one chunk.
fn crowded_workspace() -> (Workspace, u32, Vec<String>) {
    let mut ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let ids = ids_in_bucket("same", bucket, 3);
    for id in &ids {
        add_quick(&mut ws, id);
    }
    (ws, bucket, ids)
}

/// What storage holds after `ws` was written in full, in format 2.
fn stored(ws: &Workspace) -> Store {
    encode_store(ws, BUCKETS).into_iter().collect()
}

/// What storage held after the previous release (format 1) wrote `ws`.
fn stored_v1(ws: &Workspace) -> Store {
    let mut store = Store::new();
    store.insert(
        v1::META_KEY.to_string(),
        v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
    );
    for deal in &ws.deals {
        store.insert(v1::deal_key(&deal.id), v1::encode_deal(deal));
    }
    store
}

fn load_pairs(entries: &[(String, String)]) -> Loaded {
    let pairs = || {
        entries
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    };
    let loaded = load(pairs(), Lang::En);
    assert_deferred_check_is_the_same(&loaded, load_unchecked(pairs(), Lang::En));
    loaded
}

fn load_store(store: &Store) -> Loaded {
    let pairs = || {
        store
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    };
    let loaded = load(pairs(), Lang::En);
    assert_deferred_check_is_the_same(&loaded, load_unchecked(pairs(), Lang::En));
    loaded
}

/// Every store these tests load is also loaded with the check deferred (the board drawn
/// first, `check_loaded` after): the outcome must be exactly that of `load`.
fn assert_deferred_check_is_the_same(eager: &Loaded, mut deferred: Loaded) {
    if deferred.unchecked.is_none() {
        assert!(
            deferred.migration.is_some() || eager.migration.is_none(),
            "only a format-1 store is checked at once"
        );
    }
    finish_check(&mut deferred, Lang::En);
    assert_eq!(deferred.ws, eager.ws);
    assert_eq!(deferred.unreadable, eager.unreadable);
    assert_eq!(deferred.recovered, eager.recovered);
    assert_eq!(deferred.saved, eager.saved);
    assert_eq!(deferred.migration, eager.migration);
    assert_eq!(deferred.had_meta, eager.had_meta);
}

fn with_deals_sorted(mut ws: Workspace) -> Workspace {
    ws.deals.sort_by(|a, b| a.id.cmp(&b.id));
    ws
}

fn json_of(raw: &str) -> Value {
    serde_json::from_str(raw).expect("a record is JSON")
}

fn deal_mut<'a>(ws: &'a mut Workspace, deal_id: &str) -> &'a mut Deal {
    ws.deals.iter_mut().find(|d| d.id == deal_id).unwrap()
}

/// The deals of `ws` in chunk `bucket`.
fn deals_in(ws: &Workspace, bucket: u32) -> Vec<Deal> {
    let mut deals: Vec<Deal> = ws
        .deals
        .iter()
        .filter(|d| bucket_of(&d.id, BUCKETS) == bucket)
        .cloned()
        .collect();
    deals.sort_by(|a, b| a.id.cmp(&b.id));
    deals
}

fn chunk_of(deals: &[Deal]) -> String {
    encode_chunk(&deals.iter().collect::<Vec<&Deal>>())
}

/// A chunk as earlier releases wrote it: each deal a JSON object with its fields named,
/// the record's fields in the order those releases wrote them.
fn named_chunk(deals: &[Deal]) -> String {
    pack::pack_text(&format!(
        r#"{{"format":"{CHUNK_FORMAT}","version":2,"deals":{}}}"#,
        serde_json::to_string(deals).unwrap()
    ))
}

/// The chunk's record as JSON, changed by `edit`, packed again.
fn edited_chunk(raw: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut record = json_of(&pack::unpack_text(raw).expect("a packed chunk"));
    edit(&mut record);
    pack::pack_text(&record.to_string())
}

/// The state a tab has after loading `store`: its workspace and what it believes is stored.
fn open_tab(store: &Store) -> (Workspace, Saved) {
    let loaded = load_store(store);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    (loaded.ws, loaded.saved)
}

/// What carrying out writes did, as `storage::local::apply` reports it.
#[derive(Debug, Default, PartialEq)]
struct Report {
    /// Keys not written: another tab's value is in the way (a workspace record this tab
    /// has not seen, or a chunk this tab cannot read).
    refused: Vec<String>,
    /// Chunks another tab had changed, merged, with the value stored now: to be taken in.
    merged: Vec<(String, String)>,
    /// Deals both tabs changed: theirs was kept.
    conflicts: Vec<DealId>,
}

/// Carries out `writes` against an in-memory store the way the browser layer does: a
/// workspace record only over the one this tab last saw; a chunk over the value this tab
/// last saw, or else merged into what is there (never over a value it cannot read).
fn apply(store: &mut Store, writes: Vec<Write>, saved: &mut Saved) -> Report {
    let mut report = Report::default();
    for write in writes {
        match write {
            Write::Meta { value, expect } => {
                if store.get(META_KEY) != expect.as_ref() {
                    report.refused.push(META_KEY.to_string());
                    continue;
                }
                record_meta(saved, &value);
                store.insert(META_KEY.to_string(), value);
            }
            Write::Chunk(write) => {
                let stored = store.get(&write.key).cloned();
                if !write.merge && stored.as_deref().map(value_hash) == write.base {
                    record_chunk(saved, &write);
                    store.insert(write.key.clone(), write.value.clone());
                    continue;
                }
                match merge_chunk(stored.as_deref(), &write) {
                    Ok(merged) => {
                        store.insert(write.key.clone(), merged.value.clone());
                        report.conflicts.extend(merged.conflicts);
                        report.merged.push((write.key.clone(), merged.value));
                    }
                    Err(_) => report.refused.push(write.key.clone()),
                }
            }
        }
    }
    report
}

/// Takes in the merged chunks of `report`, as the app does right after writing.
fn take_in(ws: &mut Workspace, saved: &mut Saved, report: &Report) {
    for (key, value) in &report.merged {
        let adopted = adopt(ws, saved, key, Some(value), Lang::En);
        assert!(
            matches!(&adopted, Adopted::Changed(r) if r.is_empty())
                || adopted == Adopted::Unchanged,
            "{key}: {adopted:?}"
        );
    }
}

/// Carries out a migration as `storage::local::migrate` does when no other tab writes
/// meanwhile and the quota has room: each chunk, then the format-1 keys it replaces; then
/// the workspace record, then the format-1 one once a readable format-2 record is there.
/// `each_step` sees storage after every write and removal.
fn apply_migration(
    store: &mut Store,
    migration: Migration,
    saved: &mut Saved,
    mut each_step: impl FnMut(&Store),
) {
    for (write, legacy_keys) in migration.chunks {
        assert_eq!(
            store.get(&write.key).map(|v| value_hash(v)),
            write.base,
            "{}: the chunk is what loading saw",
            write.key
        );
        record_chunk(saved, &write);
        store.insert(write.key.clone(), write.value.clone());
        each_step(store);
        for key in legacy_keys {
            assert!(store.remove(&key).is_some(), "{key} listed, but not stored");
            each_step(store);
        }
    }
    if let Some(meta) = migration.meta {
        // Into an empty key, or over the unreadable value loading saw (and kept aside).
        assert_eq!(store.get(META_KEY), saved.meta.as_ref());
        assert!(decode_meta(&meta).is_ok());
        record_meta(saved, &meta);
        store.insert(META_KEY.to_string(), meta);
        each_step(store);
    }
    if let Some(key) = migration.legacy_meta {
        // Only once a readable format-2 record holds its place.
        if store.get(META_KEY).is_some_and(|m| decode_meta(m).is_ok()) {
            store.remove(&key);
            each_step(store);
        }
    }
}

fn chunk_writes(writes: &[Write]) -> Vec<&ChunkWrite> {
    writes
        .iter()
        .filter_map(|w| match w {
            Write::Chunk(chunk) => Some(chunk),
            Write::Meta { .. } => None,
        })
        .collect()
}

fn is_v1_key(key: &str) -> bool {
    key == v1::META_KEY || key.starts_with(v1::DEAL_PREFIX)
}

// ---------------------------------------------------------------------------------------
// Records

#[test]
fn the_workspace_record_round_trips_and_names_its_format_version_and_buckets() {
    let ws = workspace();
    let raw = encode_meta(&ws.pipelines, &ws.lost_reasons, BUCKETS);
    assert_eq!(
        decode_meta(&raw),
        Ok(Meta {
            pipelines: ws.pipelines.clone(),
            lost_reasons: ws.lost_reasons.clone(),
            buckets: BUCKETS,
        })
    );
    let record = json_of(&raw);
    assert_eq!(record["format"], json!(META_FORMAT));
    assert_eq!(record["version"], json!(STORE_VERSION));
    assert_eq!(record["buckets"], json!(BUCKETS));
    let mut fields: Vec<&str> = record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["buckets", "format", "lost_reasons", "pipelines", "version"],
        "deals are in chunks of their own"
    );
    assert!(
        !raw.contains("Årsavtale"),
        "a deal leaked into the workspace record"
    );
    // Any bucket count a store may have is kept; none outside 1..=65,536 is read.
    for buckets in [1, 16, 65_536] {
        let raw = encode_meta(&ws.pipelines, &ws.lost_reasons, buckets);
        assert_eq!(decode_meta(&raw).map(|m| m.buckets), Ok(buckets));
    }
    for buckets in [0, 65_537] {
        let raw = encode_meta(&ws.pipelines, &ws.lost_reasons, buckets);
        assert!(
            matches!(decode_meta(&raw), Err(DecodeError::Invalid(_))),
            "{buckets} buckets"
        );
    }
}

#[test]
fn every_kind_of_deal_round_trips_through_a_packed_chunk() {
    let ws = workspace();
    let statuses: BTreeSet<&str> = ws
        .deals
        .iter()
        .map(|d| match d.status {
            DealStatus::Open => "open",
            DealStatus::Won { .. } => "won",
            DealStatus::Lost { .. } => "lost",
        })
        .collect();
    assert_eq!(
        statuses.len(),
        3,
        "the fixture should hold open, won and lost deals"
    );
    let sorted = with_deals_sorted(ws.clone()).deals;
    let raw = chunk_of(&sorted);
    assert_eq!(decode_chunk(&raw), Ok(sorted.clone()));
    for deal in &sorted {
        assert_eq!(
            decode_chunk(&chunk_of(std::slice::from_ref(deal))),
            Ok(vec![deal.clone()]),
            "{}",
            deal.id
        );
    }
    assert_eq!(decode_chunk(&encode_chunk(&[])), Ok(Vec::new()));

    // Packed: the tag, a pad digit, then only units of the packed range, which no JSON
    // string escapes, and far fewer units than the JSON it holds.
    assert!(pack::is_packed(&raw));
    let mut chars = raw.chars();
    assert_eq!(chars.next(), Some(pack::TAG));
    assert!(chars.next().is_some_and(|c| c.is_ascii_hexdigit()));
    assert!(chars.all(|c| (0x4E00..=0xCDFF).contains(&(c as u32))));
    assert_eq!(
        serde_json::to_string(&raw).unwrap(),
        format!("\"{raw}\""),
        "nothing in a packed value needs escaping"
    );
    let record = json_of(&pack::unpack_text(&raw).unwrap());
    assert_eq!(record["format"], json!(CHUNK_FORMAT));
    assert_eq!(record["version"], json!(STORE_VERSION));
    let deals = record["deals"].as_array().unwrap();
    assert_eq!(deals.len(), sorted.len());
    assert!(
        deals
            .iter()
            .all(|d| d.as_array().is_some_and(|f| f.len() == 18)),
        "a chunk holds each deal as an array of its 18 fields"
    );
    // The same deals as earlier releases stored them (named) read back the same. The
    // reader is the same derived `Deserialize` in both releases, so those read these
    // chunks too.
    assert_eq!(decode_chunk(&named_chunk(&sorted)), Ok(sorted.clone()));
    for deal in &sorted {
        assert_eq!(
            decode_chunk(&named_chunk(std::slice::from_ref(deal))),
            Ok(vec![deal.clone()]),
            "{} from a chunk of named deals",
            deal.id
        );
    }
    let json_units = pack::utf16_len(&record.to_string());
    assert!(
        pack::utf16_len(&raw) * 3 < json_units,
        "{} units packed, {json_units} as JSON",
        pack::utf16_len(&raw)
    );
}

#[test]
fn a_deal_written_before_sample_deals_existed_still_loads_from_a_chunk() {
    let ws = workspace();
    let deal = ws.deal("full").unwrap().clone();
    let raw = edited_chunk(&named_chunk(std::slice::from_ref(&deal)), |r| {
        r["deals"][0].as_object_mut().unwrap().remove("sample");
    });
    let decoded = decode_chunk(&raw).unwrap();
    assert!(!decoded[0].sample);
    assert_eq!(decoded, vec![deal]);
}

#[test]
fn keys_name_their_bucket_and_a_deal_always_hashes_to_the_same_one() {
    assert_eq!(chunk_key(0), "pipewright.deals.0");
    assert_eq!(chunk_key(127), "pipewright.deals.127");
    assert!(chunk_key(5).starts_with(CHUNK_PREFIX));
    for key in [
        META_KEY,
        CHUNK_PREFIX,
        UNREADABLE_PREFIX,
        LANG_KEY,
        LAST_BACKUP_KEY,
    ] {
        assert!(key.starts_with(PREFIX), "{key}");
    }
    assert!(
        !UNREADABLE_PREFIX.starts_with(CHUNK_PREFIX) && !CHUNK_PREFIX.starts_with(v1::DEAL_PREFIX),
        "kept copies and chunks must not load as anything else"
    );
    // FNV-1a of the id: stored chunks depend on it, so it must never change.
    for (id, bucket_128, bucket_16) in [
        ("", 69, 5),
        ("full", 60, 12),
        ("id-1", 114, 2),
        ("deal-a", 37, 5),
        ("ø", 126, 14),
    ] {
        assert_eq!(bucket_of(id, 128), bucket_128, "{id:?}");
        assert_eq!(bucket_of(id, 16), bucket_16, "{id:?}");
        assert_eq!(bucket_of(id, 1), 0);
    }
    assert_eq!(
        bucket_of("full", 0),
        0,
        "no bucket count is no division by zero"
    );
    // Only the workspace record and canonical chunk keys matter to other tabs.
    assert!(is_workspace_key(META_KEY));
    assert!(is_workspace_key(&chunk_key(0)) && is_workspace_key(&chunk_key(127)));
    for key in [
        "pipewright.deals.",
        "pipewright.deals.07",
        "pipewright.deals.+7",
        "pipewright.deals.x",
        "pipewright.deals.-1",
        "pipewright.deals.4294967296",
        v1::META_KEY,
        "pipewright.deal.full",
        "pipewright.unreadable.pipewright.deals.3",
        LANG_KEY,
        LAST_BACKUP_KEY,
    ] {
        assert!(!is_workspace_key(key), "{key}");
    }
}

// ---------------------------------------------------------------------------------------
// Loading

#[test]
fn a_stored_workspace_loads_whole_in_any_key_order() {
    let ws = workspace();
    let mut entries = encode_store(&ws, BUCKETS);
    assert!(entries.len() > 3, "the deals take several chunks");
    entries.reverse();
    entries.swap(0, 2);

    let loaded = load_pairs(&entries);

    assert!(loaded.had_meta);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert!(loaded.recovered.is_empty());
    assert!(loaded.migration.is_none());
    assert_eq!(loaded.ws, with_deals_sorted(ws));
}

#[test]
fn a_store_of_another_bucket_count_loads_and_keeps_its_count() {
    let mut ws = workspace();
    let entries = encode_store(&ws, 16);
    assert!(entries[1..].iter().all(|(key, _)| key
        .strip_prefix(CHUNK_PREFIX)
        .unwrap()
        .parse::<u32>()
        .unwrap()
        < 16));
    let loaded = load_pairs(&entries);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(loaded.saved.buckets, 16);
    assert_eq!(plan(&loaded.ws, &loaded.saved), []);
    // A change is written in the chunk its deal has in this store.
    ws = loaded.ws;
    ws.mark_won("full", now() + Duration::hours(1)).unwrap();
    let writes = plan(&ws, &loaded.saved);
    assert_eq!(chunk_writes(&writes).len(), 1);
    assert_eq!(chunk_writes(&writes)[0].bucket, bucket_of("full", 16));
}

#[test]
fn a_first_visit_loads_an_empty_workspace() {
    let loaded = load(std::iter::empty(), Lang::En);
    assert!(!loaded.had_meta);
    assert!(loaded.unreadable.is_empty());
    assert!(loaded.migration.is_none());
    assert_eq!(loaded.ws, Workspace::default());
    assert_eq!(loaded.saved.buckets, BUCKETS);
    assert!(loaded.saved.meta.is_none() && loaded.saved.chunks.is_empty());
}

#[test]
fn keys_that_are_not_the_workspace_are_left_alone() {
    let ws = workspace();
    let mut entries = encode_store(&ws, BUCKETS);
    for (key, value) in [
        ("theme", "dark"),
        ("other-app.deal.1", "{}"),
        (LANG_KEY, "nb"),
        (LAST_BACKUP_KEY, "2026-11-01T10:00:00Z"),
        ("pipewright.snapshot", "{garbage"),
        ("pipewright.current", "id-1"),
        ("pipewright.unreadable.pipewright.deals.3", "{garbage"),
        ("pipewright.unreadable.pipewright.store", "{garbage"),
        ("pipewright.unreadable.pipewright.deal.x", "{garbage"),
        ("pipewright.deals.", "{garbage"),
        ("pipewright.deals.07", "{garbage"),
        ("pipewright.deals.x", "{garbage"),
        ("pipewright.dealings", "not ours either"),
        ("pipewright.store.old", "{garbage"),
    ] {
        entries.insert(1, (key.to_string(), value.to_string()));
    }
    let loaded = load_pairs(&entries);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert!(loaded.migration.is_none());
    assert_eq!(loaded.ws, with_deals_sorted(ws));

    let only_unrelated = [("theme".to_string(), "dark".to_string())];
    assert!(!load_pairs(&only_unrelated).had_meta);
}

/// A store of `workspace()` with the chunk of "full" replaced by `raw`: loading lists that
/// chunk, whole, and loads every other deal; nothing is written until something changes.
fn check_unreadable_chunk(raw: String, expected: &dyn Fn(&DecodeError) -> bool, label: &str) {
    let ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    store.insert(key.clone(), raw);
    let loaded = load_store(&store);
    assert_eq!(
        loaded.unreadable.len(),
        1,
        "{label}: {:?}",
        loaded.unreadable
    );
    let Unread {
        key: got,
        reason,
        deal,
        shared,
    } = &loaded.unreadable[0];
    assert_eq!(got, &key, "{label}");
    assert!(expected(reason), "{label}: got {reason:?}");
    assert_eq!(deal, &None, "{label}: the whole chunk is unread");
    assert!(!shared, "{label}: nothing else of the key loaded");
    assert!(loaded.had_meta, "{label}");
    let mut rest = with_deals_sorted(ws);
    rest.deals.retain(|d| bucket_of(&d.id, BUCKETS) != bucket);
    assert_eq!(loaded.ws, rest, "{label}: the rest must load");
    assert!(loaded
        .saved
        .deal_revs
        .keys()
        .all(|id| rest.deal(id).is_some()));
    assert_eq!(plan(&loaded.ws, &loaded.saved), [], "{label}");
}

#[test]
fn an_unreadable_chunk_is_listed_whole_and_every_other_chunk_loads() {
    let ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let good = chunk_of(&deals_in(&ws, bucket));
    let not_json = |e: &DecodeError| matches!(e, DecodeError::NotJson(_));
    let wrong_format = |e: &DecodeError| {
        *e == DecodeError::WrongFormat {
            expected: CHUNK_FORMAT,
        }
    };
    let invalid = |e: &DecodeError| matches!(e, DecodeError::Invalid(_));

    // Not a packed value at all.
    check_unreadable_chunk(String::new(), &invalid, "empty");
    check_unreadable_chunk("undefined".into(), &invalid, "text");
    let as_json = pack::unpack_text(&good).unwrap();
    check_unreadable_chunk(as_json, &invalid, "the chunk's JSON, not packed");
    check_unreadable_chunk(
        v1::encode_deal(ws.deal("full").unwrap()),
        &invalid,
        "a v1 record",
    );
    check_unreadable_chunk("Z".into(), &invalid, "the tag alone");
    check_unreadable_chunk(format!("Zx{}", &good[2..]), &invalid, "a bad pad");
    check_unreadable_chunk(format!("{good}a"), &invalid, "an ASCII unit");
    check_unreadable_chunk(format!("{good}\u{D7FF}"), &invalid, "a unit past the range");
    // Packed, but the DEFLATE stream is damaged.
    let units: Vec<char> = good.chars().collect();
    let cut: String = units[..units.len() / 2].iter().collect();
    check_unreadable_chunk(cut, &invalid, "cut in half");
    let mut flipped = units.clone();
    flipped[2] = char::from_u32(0x4E00 + (0x7FFF - (units[2] as u32 - 0x4E00))).unwrap();
    check_unreadable_chunk(flipped.into_iter().collect(), &invalid, "damaged deflate");
    // Packed and inflated, but not a chunk record.
    check_unreadable_chunk(pack::pack_text("{\"format\":"), &not_json, "cut-off JSON");
    check_unreadable_chunk(pack::pack_text("[1,2]"), &wrong_format, "a list");
    check_unreadable_chunk(
        pack::pack_text(&encode_meta(&ws.pipelines, &ws.lost_reasons, BUCKETS)),
        &wrong_format,
        "a workspace record",
    );
    let newer = |e: &DecodeError| {
        *e == DecodeError::NewerVersion {
            found: STORE_VERSION + 1,
            known: STORE_VERSION,
        }
    };
    // The record, with compact deals as this release writes them and named ones as
    // earlier releases did: both are held to every rule.
    let named = named_chunk(&deals_in(&ws, bucket));
    for (raw, version) in [(&good, "compact"), (&named, "named")] {
        let edited = |edit: fn(&mut Value)| edited_chunk(raw, edit);
        check_unreadable_chunk(
            edited(|r| {
                r.as_object_mut().unwrap().remove("version");
            }),
            &wrong_format,
            &format!("{version}: no version"),
        );
        check_unreadable_chunk(
            edited(|r| {
                r["version"] = json!(STORE_VERSION + 1);
                r["deals_v3"] = r["deals"].take();
            }),
            &newer,
            &format!("{version}: written by a newer version"),
        );
        check_unreadable_chunk(
            edited(|r| r["extra"] = json!(1)),
            &invalid,
            &format!("{version}: unknown record field"),
        );
        check_unreadable_chunk(
            edited(|r| r["deals"] = json!({})),
            &invalid,
            &format!("{version}: deals not a list"),
        );
        check_unreadable_chunk(
            edited(|r| r["deals"][0] = json!(7)),
            &invalid,
            &format!("{version}: a deal that is a number"),
        );
    }
    // Named deals.
    let edited = |edit: fn(&mut Value)| edited_chunk(&named, edit);
    check_unreadable_chunk(
        edited(|r| {
            r["deals"][0].as_object_mut().unwrap().remove("title");
        }),
        &invalid,
        "a deal without a title",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0]["amount"]["currency"] = json!("nok")),
        &invalid,
        "lower-case currency",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0]["surprise"] = json!(true)),
        &invalid,
        "unknown deal field",
    );
    // Compact deals: [id, pipeline, stage, rank, title, organisation,
    // contact, amount, expected close, probability, notes, next step, created, updated,
    // status, history, sample, rev].
    let edited = |edit: fn(&mut Value)| edited_chunk(&good, edit);
    check_unreadable_chunk(
        edited(|r| {
            r["deals"][0].as_array_mut().unwrap().pop();
        }),
        &invalid,
        "a compact deal a field short",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0].as_array_mut().unwrap().push(json!(true))),
        &invalid,
        "a compact deal with a field too many",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][4] = json!(null)),
        &invalid,
        "a compact deal whose title is null",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][7][1] = json!("nok")),
        &invalid,
        "a compact deal in lower-case currency",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][6].as_array_mut().unwrap().push(json!("x"))),
        &invalid,
        "a compact contact with a field too many",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][14] = json!(["maybe"])),
        &invalid,
        "a compact deal of an unknown status",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][14] = json!(["open", "2025-01-01T00:00:00Z"])),
        &invalid,
        "an open status with a field too many",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][12] = json!("yesterday")),
        &invalid,
        "a compact deal created at no instant",
    );
    check_unreadable_chunk(
        edited(|r| r["deals"][0][15][0][2] = json!(5)),
        &invalid,
        "a stage change at a number",
    );
}

#[test]
fn a_compact_deal_keeps_every_character_and_every_edge_value() {
    // The compact writer is hand-written: JSON's escapes, text beyond ASCII, and the values
    // at the edges of each field's range must all read back as they were.
    let ws = workspace();
    let mut deal = ws.deal("full").unwrap().clone();
    let every_control: String = (0u8..0x20).map(char::from).collect();
    deal.title = format!("\"quoted\" back\\slash /slash {every_control} \u{7f} æøå \u{2028} 🚀");
    deal.notes = "\\\"\\n".into();
    deal.organisation = String::new();
    deal.rank = i64::MIN;
    deal.amount.minor = i64::MAX;
    deal.probability = Some(0);
    deal.next_step.due = Some(chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap());
    deal.created_at = DateTime::parse_from_rfc3339("2026-11-30T09:15:00.123456789Z")
        .unwrap()
        .with_timezone(&Utc);
    deal.updated_at = DateTime::parse_from_rfc3339("2026-11-30T09:15:00Z")
        .unwrap()
        .with_timezone(&Utc);
    deal.history[0].at = DateTime::parse_from_rfc3339("9999-12-31T23:59:59.5Z")
        .unwrap()
        .with_timezone(&Utc);
    deal.rev = u64::MAX;
    let raw = chunk_of(std::slice::from_ref(&deal));
    assert_eq!(decode_chunk(&raw), Ok(vec![deal.clone()]));
    // Valid JSON to any reader, not only to this app's.
    let record = json_of(&pack::unpack_text(&raw).unwrap());
    assert_eq!(record["deals"][0][4], json!(deal.title));
    assert_eq!(record["deals"][0][16], json!(deal.sample));
    // Past year 9999 the instant is chrono's own form, which reads back too.
    deal.updated_at = DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::days(400);
    let raw = chunk_of(std::slice::from_ref(&deal));
    assert_eq!(decode_chunk(&raw), Ok(vec![deal]));
}

/// A compact chunk exactly as this release writes it: the stored layout, fixed. Chunks
/// already in browsers hold their deals in this order; a change to `Deal`'s field order
/// (or a type it holds) that the writer follows would still pass the round trips, but not
/// this.
const COMPACT_CHUNK: &str = concat!(
    r#"{"format":"pipewright-deals","version":2,"deals":[["d-1","p-1","s-2",-7,"Title","Org","#,
    r#"["Kari","kari@example.no","+47 900 00 000"],[1234500,"NOK"],"2026-12-24",40,"Notes","#,
    r#"["Call back","2026-12-01"],"2026-11-01T10:00:00Z","2026-11-02T11:00:00.250Z","#,
    r#"["lost","2026-11-03T12:00:00Z","Price","Too dear"],[[null,"s-1","2026-11-01T10:00:00Z"],"#,
    r#"["s-1","s-2","2026-11-02T11:00:00.250Z"]],true,9]]}"#
);

#[test]
fn the_compact_layout_is_fixed() {
    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    };
    let deal = Deal {
        id: "d-1".into(),
        pipeline_id: "p-1".into(),
        stage_id: "s-2".into(),
        rank: -7,
        title: "Title".into(),
        organisation: "Org".into(),
        contact: Contact {
            name: "Kari".into(),
            email: "kari@example.no".into(),
            phone: "+47 900 00 000".into(),
        },
        amount: Money::new(1_234_500, Currency::nok()),
        expected_close: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
        probability: Some(40),
        notes: "Notes".into(),
        next_step: NextStep {
            text: "Call back".into(),
            due: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        },
        created_at: at("2026-11-01T10:00:00Z"),
        updated_at: at("2026-11-02T11:00:00.250Z"),
        status: DealStatus::Lost {
            at: at("2026-11-03T12:00:00Z"),
            reason: "Price".into(),
            note: "Too dear".into(),
        },
        history: vec![
            StageChange {
                from: None,
                to: "s-1".into(),
                at: at("2026-11-01T10:00:00Z"),
            },
            StageChange {
                from: Some("s-1".into()),
                to: "s-2".into(),
                at: at("2026-11-02T11:00:00.250Z"),
            },
        ],
        sample: true,
        rev: 9,
    };
    assert_eq!(
        decode_chunk(&pack::pack_text(COMPACT_CHUNK)),
        Ok(vec![deal.clone()])
    );
    assert_eq!(
        pack::unpack_text(&encode_chunk(&[&deal])).unwrap(),
        COMPACT_CHUNK
    );
    // The other statuses, as they are laid out.
    let won = r#"["won","2026-11-03T12:00:00Z"]"#;
    let open = r#"["open"]"#;
    let lost = r#"["lost","2026-11-03T12:00:00Z","Price","Too dear"]"#;
    for (status, text) in [
        (
            DealStatus::Won {
                at: at("2026-11-03T12:00:00Z"),
            },
            won,
        ),
        (DealStatus::Open, open),
    ] {
        let deal = Deal {
            status,
            ..deal.clone()
        };
        let chunk = COMPACT_CHUNK.replace(lost, text);
        assert_eq!(
            decode_chunk(&pack::pack_text(&chunk)),
            Ok(vec![deal.clone()])
        );
        assert_eq!(pack::unpack_text(&encode_chunk(&[&deal])).unwrap(), chunk);
    }
}

#[test]
fn a_chunk_record_whose_fields_come_in_another_order_reads_the_same() {
    // The app writes format, version, deals; JSON does not fix the order, and another
    // program (or `edited_chunk`, which sorts them) may write the deals first.
    let ws = workspace();
    let deals = deals_in(&ws, bucket_of("full", BUCKETS));
    for raw in [chunk_of(&deals), named_chunk(&deals)] {
        let json = pack::unpack_text(&raw).unwrap();
        assert!(json.starts_with(r#"{"format":"#), "{json}");
        let sorted = edited_chunk(&raw, |_| {});
        assert!(pack::unpack_text(&sorted)
            .unwrap()
            .starts_with(r#"{"deals":"#));
        assert_eq!(decode_chunk(&sorted), Ok(deals.clone()));
        let newer = edited_chunk(&raw, |r| r["version"] = json!(STORE_VERSION + 1));
        assert_eq!(
            decode_chunk(&newer),
            Err(DecodeError::NewerVersion {
                found: STORE_VERSION + 1,
                known: STORE_VERSION,
            })
        );
    }
    // A field given twice is refused, as the version it would have is one this app reads.
    let twice =
        pack::pack_text(r#"{"format":"pipewright-deals","version":2,"version":2,"deals":[]}"#);
    assert_eq!(
        decode_chunk(&twice),
        Err(DecodeError::WrongFormat {
            expected: CHUNK_FORMAT
        })
    );
}

#[test]
fn a_chunk_of_a_newer_version_is_not_read_even_when_its_deals_still_parse() {
    // A later format may keep the deals' shape and change what they mean; this version
    // must not read them as its own and then write them back as version 2.
    let ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let good = chunk_of(&deals_in(&ws, bucket));
    let newer = edited_chunk(&good, |r| r["version"] = json!(STORE_VERSION + 1));
    assert_eq!(
        decode_chunk(&newer),
        Err(DecodeError::NewerVersion {
            found: STORE_VERSION + 1,
            known: STORE_VERSION,
        })
    );
    let other = edited_chunk(&good, |r| r["format"] = json!("someone-else"));
    assert_eq!(
        decode_chunk(&other),
        Err(DecodeError::WrongFormat {
            expected: CHUNK_FORMAT
        })
    );
    let older = edited_chunk(&good, |r| r["version"] = json!(1));
    assert!(
        decode_chunk(&older).is_err(),
        "there never was a version 1 chunk"
    );
}

#[test]
fn a_workspace_record_of_a_newer_version_is_not_read_even_when_it_still_parses() {
    let ws = workspace();
    let mut record = json_of(&encode_meta(&ws.pipelines, &ws.lost_reasons, BUCKETS));
    record["version"] = json!(STORE_VERSION + 1);
    assert_eq!(
        decode_meta(&record.to_string()),
        Err(DecodeError::NewerVersion {
            found: STORE_VERSION + 1,
            known: STORE_VERSION,
        })
    );
}

#[test]
fn an_unreadable_workspace_record_is_listed_and_every_deal_still_loads() {
    let ws = workspace();
    let check = |raw: String, expected: DecodeErrorKind| {
        let mut store = stored(&ws);
        store.insert(META_KEY.to_string(), raw);
        let loaded = load_store(&store);
        assert!(
            loaded.had_meta,
            "a workspace record existed, readable or not"
        );
        assert_eq!(loaded.unreadable.len(), 1);
        assert_eq!(loaded.unreadable[0].key, META_KEY);
        assert_eq!(loaded.unreadable[0].deal, None);
        assert!(!loaded.unreadable[0].shared);
        assert_eq!(
            kind(&loaded.unreadable[0].reason),
            expected,
            "{:?}",
            loaded.unreadable[0].reason
        );
        // What this tab saw there, so that its first save writes over it (once kept).
        assert_eq!(loaded.saved.meta.as_ref(), store.get(META_KEY));
        assert_eq!(loaded.saved.meta_parts, None);
        assert!(loaded.migration.is_none());
        // The deals load unchanged, each in a "Recovered deals" pipeline that takes its
        // lost pipeline's id, and the whole passes the import's rules.
        assert_eq!(loaded.ws.deals, with_deals_sorted(ws.clone()).deals);
        assert_eq!(loaded.recovered.n_deals, ws.deals.len());
        let mut lost_ids: Vec<&str> = ws.deals.iter().map(|d| d.pipeline_id.as_str()).collect();
        lost_ids.sort();
        lost_ids.dedup();
        let mut recovered_ids: Vec<&str> =
            loaded.ws.pipelines.iter().map(|p| p.id.as_str()).collect();
        recovered_ids.sort();
        assert_eq!(recovered_ids, lost_ids);
        assert!(loaded.ws.pipelines[0].name.starts_with("Recovered deals"));
        assert_eq!(check_workspace(&loaded.ws), Ok(()));
    };
    let meta = encode_meta(&ws.pipelines, &ws.lost_reasons, BUCKETS);
    check("{\"format\":".into(), DecodeErrorKind::NotJson);
    check(chunk_of(&ws.deals[..1]), DecodeErrorKind::NotJson);
    check(
        v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
        DecodeErrorKind::WrongFormat,
    );
    check(v1::encode_deal(&ws.deals[0]), DecodeErrorKind::WrongFormat);
    let mut record = json_of(&meta);
    record["version"] = json!(STORE_VERSION + 1);
    record["boards"] = record["pipelines"].take();
    check(record.to_string(), DecodeErrorKind::NewerVersion);
    let mut record = json_of(&meta);
    record["pipelines"][0]["currency"] = json!("XYZ");
    check(record.to_string(), DecodeErrorKind::Invalid);
    let mut record = json_of(&meta);
    record["deals"] = json!([]);
    check(record.to_string(), DecodeErrorKind::Invalid);
    let mut record = json_of(&meta);
    record["buckets"] = json!(0);
    check(record.to_string(), DecodeErrorKind::Invalid);
    // Read, but two pipelines with one id: refused by the workspace rules.
    let mut record = json_of(&meta);
    record["pipelines"][1]["id"] = record["pipelines"][0]["id"].clone();
    check(record.to_string(), DecodeErrorKind::Refused);
}

#[derive(Debug, PartialEq, Eq)]
enum DecodeErrorKind {
    NotJson,
    WrongFormat,
    NewerVersion,
    Invalid,
    Refused,
}

fn kind(error: &DecodeError) -> DecodeErrorKind {
    match error {
        DecodeError::NotJson(_) => DecodeErrorKind::NotJson,
        DecodeError::WrongFormat { .. } => DecodeErrorKind::WrongFormat,
        DecodeError::NewerVersion { .. } => DecodeErrorKind::NewerVersion,
        DecodeError::Invalid(_) => DecodeErrorKind::Invalid,
        DecodeError::Refused(_) => DecodeErrorKind::Refused,
    }
}

#[test]
fn a_refused_deal_is_kept_with_its_chunk_and_the_chunks_other_deals_load() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let mut deals = deals_in(&ws, bucket);
    let refused_idx = deals.iter().position(|d| d.id == same[1]).unwrap();
    deals[refused_idx].title = "t".repeat(pipewright::domain::ops::MAX_NAME_CHARS + 1);
    store.insert(key.clone(), chunk_of(&deals));

    let loaded = load_store(&store);

    assert_eq!(loaded.unreadable.len(), 1, "{:?}", loaded.unreadable);
    let unread = &loaded.unreadable[0];
    assert_eq!(unread.key, key);
    assert_eq!(kind(&unread.reason), DecodeErrorKind::Refused);
    assert!(unread.shared, "the chunk's other deals loaded");
    let apart: Deal = serde_json::from_str(unread.deal.as_deref().expect("the deal, apart"))
        .expect("the deal as JSON");
    assert_eq!(apart, deals[refused_idx]);
    let mut expected = with_deals_sorted(ws.clone());
    expected.deals.retain(|d| d.id != same[1]);
    assert_eq!(loaded.ws, expected);
    assert!(!loaded.saved.deal_revs.contains_key(same[1].as_str()));
    assert_eq!(plan(&loaded.ws, &loaded.saved), []);

    // A chunk that holds only the refused deal is unread whole.
    let alone = deals[refused_idx].clone();
    let mut store = stored(&ws);
    let other_bucket = (0..BUCKETS).find(|b| deals_in(&ws, *b).is_empty()).unwrap();
    let mut lone = alone.clone();
    lone.id = ids_in_bucket("lone", other_bucket, 1).remove(0).into();
    store.insert(
        chunk_key(other_bucket),
        chunk_of(std::slice::from_ref(&lone)),
    );
    let loaded = load_store(&store);
    assert_eq!(loaded.unreadable.len(), 1);
    assert_eq!(loaded.unreadable[0].key, chunk_key(other_bucket));
    assert!(!loaded.unreadable[0].shared);
    assert_eq!(
        loaded.unreadable[0].deal.as_deref(),
        Some(serde_json::to_string(&lone).unwrap().as_str())
    );
    assert_eq!(loaded.ws, with_deals_sorted(ws));
}

#[test]
fn a_deal_in_the_wrong_chunk_or_twice_is_kept_apart_and_loaded_once_at_most() {
    let ws = workspace();
    let full = ws.deal("full").unwrap().clone();
    let home = bucket_of("full", BUCKETS);
    let away = (home + 1) % BUCKETS;

    // In the wrong chunk only: not loaded, kept apart with that chunk's other deals loaded.
    let mut store = stored(&ws);
    let mut home_deals = deals_in(&ws, home);
    home_deals.retain(|d| d.id != "full");
    store.insert(chunk_key(home), chunk_of(&home_deals));
    let mut away_deals = deals_in(&ws, away);
    away_deals.push(full.clone());
    store.insert(chunk_key(away), chunk_of(&away_deals));
    let loaded = load_store(&store);
    assert_eq!(loaded.unreadable.len(), 1, "{:?}", loaded.unreadable);
    assert_eq!(loaded.unreadable[0].key, chunk_key(away));
    assert_eq!(kind(&loaded.unreadable[0].reason), DecodeErrorKind::Invalid);
    assert_eq!(
        serde_json::from_str::<Deal>(loaded.unreadable[0].deal.as_deref().unwrap()).unwrap(),
        full
    );
    assert_eq!(loaded.unreadable[0].shared, away_deals.len() > 1);
    let mut expected = with_deals_sorted(ws.clone());
    expected.deals.retain(|d| d.id != "full");
    assert_eq!(loaded.ws, expected);

    // In its own chunk and in another, in either order: loaded once, from its own.
    let mut store = stored(&ws);
    let mut changed_copy = full.clone();
    changed_copy.title = "A copy in the wrong chunk".into();
    changed_copy.rev += 5;
    let mut away_deals = deals_in(&ws, away);
    away_deals.push(changed_copy.clone());
    store.insert(chunk_key(away), chunk_of(&away_deals));
    let mut entries: Vec<(String, String)> = store.into_iter().collect();
    for _ in 0..2 {
        entries.reverse();
        let loaded = load_pairs(&entries);
        assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
        assert_eq!(loaded.unreadable.len(), 1);
        assert_eq!(loaded.unreadable[0].key, chunk_key(away));
        assert!(loaded.unreadable[0].shared);
        assert!(loaded.unreadable[0]
            .deal
            .as_deref()
            .unwrap()
            .contains("A copy in the wrong chunk"));
        assert_eq!(loaded.saved.deal_revs["full"], full.rev);
    }

    // Twice in its own chunk: the first loads, the second is kept apart.
    let mut store = stored(&ws);
    let mut twice = deals_in(&ws, home);
    twice.push(changed_copy);
    store.insert(chunk_key(home), chunk_of(&twice));
    let loaded = load_store(&store);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(loaded.unreadable.len(), 1);
    assert_eq!(loaded.unreadable[0].key, chunk_key(home));
    assert!(loaded.unreadable[0].deal.is_some());
    assert!(loaded.unreadable[0].shared);
}

#[test]
fn several_unreadable_keys_are_all_listed_in_key_order() {
    let ws = workspace();
    let mut store = stored(&ws);
    let first = *store
        .keys()
        .filter_map(|k| k.strip_prefix(CHUNK_PREFIX))
        .map(|b| b.parse::<u32>().unwrap())
        .collect::<Vec<_>>()
        .iter()
        .min()
        .unwrap();
    store.insert(chunk_key(first), "{".into());
    store.insert(chunk_key(127), "[".into());
    store.insert(META_KEY.into(), "{".into());
    store.insert(v1::deal_key("zz-broken"), "{".into());
    let mut entries: Vec<(String, String)> = store.into_iter().collect();
    entries.reverse();
    let loaded = load_pairs(&entries);
    let keys: Vec<&str> = loaded.unreadable.iter().map(|u| u.key.as_str()).collect();
    let mut expected = vec![
        chunk_key(first),
        chunk_key(127),
        v1::deal_key("zz-broken"),
        META_KEY.to_string(),
    ];
    expected.sort();
    assert_eq!(keys, expected);
}

#[test]
fn decode_errors_say_what_is_wrong() {
    let check = |error: DecodeError, expected: &str| {
        assert_eq!(error.to_string(), expected);
    };
    check(DecodeError::NotJson("EOF".into()), "not JSON: EOF");
    check(
        DecodeError::WrongFormat {
            expected: CHUNK_FORMAT,
        },
        "not a pipewright-deals record",
    );
    check(
        DecodeError::NewerVersion { found: 3, known: 2 },
        "written by a newer version (format 3, this app knows 2)",
    );
    check(
        DecodeError::Invalid("missing field".into()),
        "invalid: missing field",
    );
    // What an unreadable packed value says.
    let Err(err) = decode_chunk("{\"deals\":[]}") else {
        panic!("read");
    };
    assert_eq!(err.to_string(), "invalid: not a packed value");
}

// ---------------------------------------------------------------------------------------
// Saving: the plan

#[test]
fn what_this_tab_saw_is_remembered_on_load() {
    let ws = workspace();
    let store = stored(&ws);
    let (loaded_ws, saved) = open_tab(&store);
    assert_eq!(saved.meta.as_ref(), Some(&store[META_KEY]));
    assert_eq!(
        saved.meta_parts,
        Some((ws.pipelines.clone(), ws.lost_reasons.clone()))
    );
    assert_eq!(saved.buckets, BUCKETS);
    assert_eq!(saved.deal_revs.len(), ws.deals.len());
    for deal in &loaded_ws.deals {
        assert_eq!(
            saved.deal_revs.get(&deal.id),
            Some(&deal.rev),
            "{}",
            deal.id
        );
    }
    let chunks: BTreeMap<u32, u64> = store
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(CHUNK_PREFIX)?.parse().ok()?, value_hash(v))))
        .collect();
    assert_eq!(
        saved.chunks.clone().into_iter().collect::<BTreeMap<_, _>>(),
        chunks
    );
    assert!(saved.protected.is_empty());
}

#[test]
fn nothing_is_written_when_nothing_changed() {
    let (ws, saved) = open_tab(&stored(&workspace()));
    assert_eq!(plan(&ws, &saved), []);
    // Nor when a change is undone before it is saved.
    let mut renamed = ws.clone();
    let id = renamed.pipelines[0].id.clone();
    let name = renamed.pipelines[0].name.clone();
    renamed.rename_pipeline(&id, "Midlertidig").unwrap();
    renamed.rename_pipeline(&id, &name).unwrap();
    assert_eq!(plan(&renamed, &saved), []);
}

#[test]
fn a_first_save_writes_the_record_then_every_chunk_expecting_nothing_stored() {
    let ws = workspace();
    let first_visit = load(std::iter::empty(), Lang::En).saved;
    let writes = plan(&ws, &first_visit);
    let encoded = encode_store(&ws, BUCKETS);
    // The record first: none of the deals' stages is stored yet.
    assert_eq!(
        writes[0],
        Write::Meta {
            value: encoded[0].1.clone(),
            expect: None,
        }
    );
    let chunks = chunk_writes(&writes[1..]);
    assert_eq!(chunks.len(), writes.len() - 1);
    assert_eq!(chunks.len(), encoded.len() - 1);
    for (write, (key, value)) in chunks.iter().zip(&encoded[1..]) {
        assert_eq!(&write.key, key);
        assert_eq!(&write.value, value);
        assert_eq!(write.key, chunk_key(write.bucket));
        assert_eq!(write.base, None);
        let deals = deals_in(&ws, write.bucket);
        assert_eq!(
            write.revs,
            deals
                .iter()
                .map(|d| (d.id.clone(), d.rev))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            write.changed,
            deals
                .iter()
                .map(|d| (d.id.clone(), None, Ours::InValue))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_move_writes_exactly_the_one_chunk_of_its_deal() {
    let store = stored(&workspace());
    let (mut ws, mut saved) = open_tab(&store);
    let stage_id = ws.pipelines[0].stages[2].id.clone();
    let old_rev = ws.deal("full").unwrap().rev;
    ws.move_deal("full", &stage_id, 0, now() + Duration::hours(1))
        .unwrap();
    let bucket = bucket_of("full", BUCKETS);

    let writes = plan(&ws, &saved);

    let moved = ws.deal("full").unwrap().clone();
    let deals = deals_in(&ws, bucket);
    assert_eq!(
        writes,
        [Write::Chunk(ChunkWrite {
            bucket,
            key: chunk_key(bucket),
            value: chunk_of(&deals),
            revs: deals.iter().map(|d| (d.id.clone(), d.rev)).collect(),
            base: Some(value_hash(&store[&chunk_key(bucket)])),
            changed: vec![("full".into(), Some(old_rev), Ours::InValue)],
            merge: false,
        })]
    );
    // The moved deal is in the chunk's value, where a merge would take it from.
    assert!(decode_chunk(&chunk_of(&deals)).unwrap().contains(&moved));
    let mut after = store.clone();
    assert_eq!(apply(&mut after, writes, &mut saved), Report::default());
    for (key, value) in &store {
        if *key != chunk_key(bucket) {
            assert_eq!(after.get(key), Some(value), "{key} was rewritten");
        }
    }
    assert_ne!(after[&chunk_key(bucket)], store[&chunk_key(bucket)]);
    assert_eq!(after.len(), store.len());
    assert_eq!(load_store(&after).ws, with_deals_sorted(ws.clone()));
    assert_eq!(plan(&ws, &saved), []);
}

/// `store` as earlier releases left it: every chunk's deals named.
fn as_named(ws: &Workspace, store: &Store) -> Store {
    let mut old = store.clone();
    for key in store.keys().filter(|k| k.starts_with(CHUNK_PREFIX)) {
        let bucket: u32 = key[CHUNK_PREFIX.len()..].parse().unwrap();
        old.insert(key.clone(), named_chunk(&deals_in(ws, bucket)));
    }
    old
}

#[test]
fn a_store_of_named_deals_loads_whole_and_a_move_rewrites_only_its_chunk_compact() {
    let ws = workspace();
    let store = as_named(&ws, &stored(&ws));
    assert_ne!(store, stored(&ws), "the chunks are written the old way");
    let (mut tab, mut saved) = open_tab(&store);
    assert_eq!(tab, with_deals_sorted(ws.clone()));
    assert_eq!(plan(&tab, &saved), [], "loading it rewrites nothing");

    let stage_id = tab.pipelines[0].stages[2].id.clone();
    tab.move_deal("full", &stage_id, 0, now() + Duration::hours(1))
        .unwrap();
    let bucket = bucket_of("full", BUCKETS);
    let mut after = store.clone();
    assert_eq!(
        apply(&mut after, plan(&tab, &saved), &mut saved),
        Report::default()
    );
    for (key, value) in &store {
        if *key != chunk_key(bucket) {
            assert_eq!(after.get(key), Some(value), "{key} was rewritten");
        }
    }
    let record = json_of(&pack::unpack_text(&after[&chunk_key(bucket)]).unwrap());
    assert!(record["deals"][0].is_array(), "rewritten compact");
    assert_eq!(load_store(&after).ws, with_deals_sorted(tab.clone()));
    assert_eq!(plan(&tab, &saved), []);
}

#[test]
fn a_chunk_of_named_deals_another_tab_wrote_meanwhile_is_merged() {
    // A tab of the previous release, still open, changes one deal of a chunk (writing its
    // deals named) while this tab moves another deal of the same chunk.
    let (ws, bucket, ids) = crowded_workspace();
    let store = stored(&ws);
    let (mut tab, mut saved) = open_tab(&store);
    let mut theirs = ws.clone();
    deal_mut(&mut theirs, &ids[0]).notes = "changed in the old tab".into();
    deal_mut(&mut theirs, &ids[0]).rev += 1;
    let mut after = store.clone();
    after.insert(chunk_key(bucket), named_chunk(&deals_in(&theirs, bucket)));

    let stage_id = tab.pipelines[0].stages[1].id.clone();
    tab.move_deal(&ids[1], &stage_id, 0, now() + Duration::hours(1))
        .unwrap();
    let report = apply(&mut after, plan(&tab, &saved), &mut saved);
    assert_eq!(report.refused, Vec::<String>::new());
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    assert_eq!(
        report.merged.len(),
        1,
        "the chunk was merged, not written over"
    );
    take_in(&mut tab, &mut saved, &report);
    let stored_now = decode_chunk(&after[&chunk_key(bucket)]).unwrap();
    let find = |id: &str| stored_now.iter().find(|d| d.id == id).unwrap();
    assert_eq!(find(&ids[0]).notes, "changed in the old tab");
    assert_eq!(find(&ids[1]).stage_id, stage_id);
    assert_eq!(load_store(&after).ws, with_deals_sorted(tab.clone()));
}

#[test]
fn deals_are_written_by_revision_alone() {
    // Every rule in the domain bumps `rev`; the plan trusts it rather than comparing text.
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    deal_mut(&mut ws, "full").notes = "changed without a new revision".into();
    assert_eq!(plan(&ws, &saved), []);
    deal_mut(&mut ws, "full").rev += 1;
    assert_eq!(plan(&ws, &saved).len(), 1);
}

#[test]
fn a_change_to_pipelines_or_lost_reasons_writes_only_the_workspace_record() {
    let store = stored(&workspace());
    let check = |change: &dyn Fn(&mut Workspace)| {
        let (mut ws, saved) = open_tab(&store);
        change(&mut ws);
        assert_eq!(
            plan(&ws, &saved),
            [Write::Meta {
                value: encode_meta(&ws.pipelines, &ws.lost_reasons, BUCKETS),
                expect: Some(store[META_KEY].clone()),
            }]
        );
    };
    check(&|ws| {
        let id = ws.pipelines[0].id.clone();
        ws.rename_pipeline(&id, "Nytt navn").unwrap();
    });
    check(&|ws| ws.add_lost_reason("Budsjettkutt").unwrap());
    check(&|ws| ws.remove_lost_reason("Pris").unwrap());
    check(&|ws| {
        let id = ws.pipelines[1].id.clone();
        let stage_id = ws.pipelines[1].stages[0].id.clone();
        ws.reorder_stage(&id, &stage_id, 3).unwrap();
    });
}

#[test]
fn deleted_deals_are_taken_out_of_their_chunks_expecting_the_revision_last_seen() {
    let (ws0, bucket, same) = crowded_workspace();
    let (mut ws, saved) = open_tab(&stored(&ws0));
    let doomed = [same[2].as_str(), "full", "id-15", same[0].as_str()];
    for deal_id in doomed {
        ws.delete_deal(deal_id).unwrap();
    }
    let writes = plan(&ws, &saved);
    let chunks = chunk_writes(&writes);
    assert_eq!(chunks.len(), writes.len(), "no workspace record");
    let buckets: BTreeSet<u32> = doomed.iter().map(|id| bucket_of(id, BUCKETS)).collect();
    assert_eq!(
        chunks.iter().map(|c| c.bucket).collect::<BTreeSet<_>>(),
        buckets
    );
    for chunk in &chunks {
        let mut expected: Vec<(DealId, Option<u64>, Ours)> = doomed
            .iter()
            .filter(|id| bucket_of(id, BUCKETS) == chunk.bucket)
            .map(|id| ((*id).into(), Some(saved.deal_revs[*id]), Ours::Removed))
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(chunk.changed, expected, "bucket {}", chunk.bucket);
        assert_eq!(chunk.value, chunk_of(&deals_in(&ws, chunk.bucket)));
    }
    let crowded = chunks.iter().find(|c| c.bucket == bucket).unwrap();
    let left: Vec<(DealId, u64)> = deals_in(&ws, bucket)
        .into_iter()
        .map(|d| (d.id, d.rev))
        .collect();
    assert!(left.iter().any(|(id, _)| *id == same[1].as_str()));
    assert_eq!(crowded.revs, left);
}

#[test]
fn a_new_deal_is_written_into_its_chunk_expecting_it_not_stored() {
    let ws0 = workspace();
    let empty_bucket = (0..BUCKETS)
        .find(|b| deals_in(&ws0, *b).is_empty())
        .unwrap();
    let (mut ws, saved) = open_tab(&stored(&ws0));
    let new_id = ids_in_bucket("brand-new", empty_bucket, 1).remove(0);
    let pipeline_id = ws.pipelines[1].id.clone();
    let stage_id = ws.pipelines[1].stages[0].id.clone();
    let draft = DealDraft::quick("New", Money::new(100, Currency::nok()));
    ws.add_deal(&pipeline_id, &stage_id, new_id.clone().into(), draft, now())
        .unwrap();
    let deal = ws.deal(&new_id).unwrap().clone();
    assert_eq!(
        plan(&ws, &saved),
        [Write::Chunk(ChunkWrite {
            bucket: empty_bucket,
            key: chunk_key(empty_bucket),
            value: chunk_of(std::slice::from_ref(&deal)),
            revs: vec![(deal.id.clone(), deal.rev)],
            base: None,
            changed: vec![(deal.id.clone(), None, Ours::InValue)],
            merge: false,
        })]
    );
}

#[test]
fn deleting_a_pipeline_takes_its_deals_out_first_and_writes_the_record_last() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let sales_id = ws.pipelines[0].id.clone();
    let removed: BTreeSet<DealId> = ws
        .deals
        .iter()
        .filter(|d| d.pipeline_id == sales_id)
        .map(|d| d.id.clone())
        .collect();
    let n_removed = ws.delete_pipeline(&sales_id).unwrap();
    assert_eq!(n_removed, removed.len());
    let writes = plan(&ws, &saved);
    // Another tab taking them one at a time never sees a deal whose pipeline is gone
    // (which it would have to recover).
    assert!(matches!(writes.last(), Some(Write::Meta { .. })));
    let chunks = chunk_writes(&writes);
    assert_eq!(chunks.len(), writes.len() - 1);
    let taken_out: BTreeSet<DealId> = chunks
        .iter()
        .flat_map(|c| c.changed.iter())
        .map(|(id, expect, ours)| {
            assert!(*ours == Ours::Removed && expect.is_some());
            id.clone()
        })
        .collect();
    assert_eq!(taken_out, removed);
}

#[test]
fn a_new_pipeline_with_sample_deals_writes_the_record_first() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let mut ids = id_source("second");
    let pipeline = pipeline_from_template(
        TemplateKind::Consulting,
        Lang::En,
        "Second",
        Currency::nok(),
        now(),
        &mut ids,
    );
    let deals = sample_deals(&pipeline, Lang::En, &ws.lost_reasons, now(), &mut ids);
    let n_deals = deals.len();
    ws.create_pipeline(pipeline, deals, Vec::new()).unwrap();
    let writes = plan(&ws, &saved);
    assert!(
        matches!(writes.first(), Some(Write::Meta { .. })),
        "{writes:?}"
    );
    let chunks = chunk_writes(&writes);
    assert_eq!(chunks.len(), writes.len() - 1);
    assert_eq!(
        chunks.iter().map(|c| c.changed.len()).sum::<usize>(),
        n_deals
    );
}

#[test]
fn a_removed_stage_writes_its_moved_deals_before_the_record() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let pipeline_id = ws.pipelines[0].id.clone();
    let stages: Vec<_> = ws.pipelines[0]
        .stages
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let moved = ws
        .remove_stage(&pipeline_id, &stages[1], Some(&stages[0]), now())
        .unwrap();
    assert!(moved > 0);
    let writes = plan(&ws, &saved);
    assert!(
        matches!(writes.last(), Some(Write::Meta { .. })),
        "{writes:?}"
    );
    assert_eq!(chunk_writes(&writes).len(), writes.len() - 1);
}

#[test]
fn protected_keys_are_never_written() {
    let (ws0, bucket, same) = crowded_workspace();
    let (mut ws, mut saved) = open_tab(&stored(&ws0));
    saved.protected = vec![META_KEY.to_string(), chunk_key(bucket)];
    let id = ws.pipelines[0].id.clone();
    ws.rename_pipeline(&id, "Renamed").unwrap();
    for deal_id in ["full", same[0].as_str(), "id-15"] {
        ws.update_deal(
            deal_id,
            DealDraft::quick("Changed", Money::new(1, Currency::nok())),
            now(),
        )
        .unwrap();
    }
    let written: Vec<String> = plan(&ws, &saved)
        .into_iter()
        .map(|write| match write {
            Write::Chunk(chunk) => chunk.key,
            Write::Meta { .. } => META_KEY.to_string(),
        })
        .collect();
    assert_ne!(bucket_of("id-15", BUCKETS), bucket);
    assert_eq!(written, [chunk_key(bucket_of("id-15", BUCKETS))]);
}

#[test]
fn the_room_a_workspace_takes_is_measured_on_what_the_save_then_writes() {
    let ws = workspace();
    let first_visit = load(std::iter::empty(), Lang::En).saved;
    let encoded = encode_store(&ws, BUCKETS);
    let measured = store_units(&ws, BUCKETS);
    assert_eq!(
        measured,
        units(encoded.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    );
    // The save that follows writes the very values measured (packed once, kept for it).
    let mut store = Store::new();
    let mut saved = first_visit.clone();
    assert_eq!(
        apply(&mut store, plan(&ws, &saved), &mut saved),
        Report::default()
    );
    assert_eq!(store, encoded.into_iter().collect::<Store>());
    // Measured, then not saved: a later save of another workspace is not given stale
    // chunks.
    store_units(&ws, BUCKETS);
    let mut other = ws.clone();
    other.mark_won("full", now()).unwrap();
    let mut store = Store::new();
    let mut saved = first_visit;
    apply(&mut store, plan(&other, &saved), &mut saved);
    assert_eq!(store, stored(&other));
    assert_eq!(load_store(&store).ws, with_deals_sorted(other));
}

#[test]
fn chunks_packed_ahead_are_what_the_save_writes_and_never_stale() {
    let ws = workspace();
    let first_visit = load(std::iter::empty(), Lang::En).saved;
    let encoded = encode_store(&ws, BUCKETS);
    let whole = units(encoded.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // Packed ahead, all of it: one step a chunk, then done.
    let mut ahead = PackAhead::new(&ws, BUCKETS);
    let chunks = encoded.len() - 1;
    let steps = std::iter::from_fn(|| Some(ahead.step(&ws)))
        .take_while(|more| *more)
        .count();
    assert_eq!(steps + 1, chunks, "one step for each chunk");
    assert!(!ahead.step(&ws), "nothing is left to pack");
    assert_eq!(store_units(&ws, BUCKETS), whole);
    let mut store = Store::new();
    let mut saved = first_visit.clone();
    apply(&mut store, plan(&ws, &saved), &mut saved);
    assert_eq!(store, encoded.iter().cloned().collect::<Store>());

    // Packed ahead for one workspace, then a deal changed before the import: the changed
    // deal's chunk is packed again, the others are used as they are.
    let mut ahead = PackAhead::new(&ws, BUCKETS);
    while ahead.step(&ws) {}
    let mut other = ws.clone();
    other.mark_won("full", now()).unwrap();
    let measured = store_units(&other, BUCKETS);
    let expected = encode_store(&other, BUCKETS);
    assert_eq!(
        measured,
        units(expected.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    );
    let mut store = Store::new();
    let mut saved = first_visit.clone();
    apply(&mut store, plan(&other, &saved), &mut saved);
    assert_eq!(store, expected.into_iter().collect::<Store>());
    assert_eq!(load_store(&store).ws, with_deals_sorted(other.clone()));

    // Made for one workspace, stepped with another of the same size: what it packs is not
    // that workspace's chunks, and is never written for it.
    let mut ahead = PackAhead::new(&ws, BUCKETS);
    let mut shuffled = other.clone();
    shuffled.deals.reverse();
    while ahead.step(&shuffled) {}
    let mut store = Store::new();
    let mut saved = first_visit;
    apply(&mut store, plan(&other, &saved), &mut saved);
    assert_eq!(store, stored(&other));
    // A workspace of another size stops it at once.
    let mut ahead = PackAhead::new(&ws, BUCKETS);
    let mut fewer = ws.clone();
    fewer.deals.pop();
    assert!(!ahead.step(&fewer));
}

#[test]
fn what_the_plan_writes_loads_back_as_the_same_workspace() {
    let mut store = Store::new();
    let mut saved = load(std::iter::empty(), Lang::En).saved;
    let mut ws = workspace();
    assert_eq!(
        apply(&mut store, plan(&ws, &saved), &mut saved),
        Report::default()
    );
    assert_eq!(store, stored(&ws), "a first save is the whole store");
    assert_eq!(load_store(&store).ws, with_deals_sorted(ws.clone()));
    assert_eq!(plan(&ws, &saved), []);

    let stage_id = ws.pipelines[0].stages[1].id.clone();
    ws.move_deal("full", &stage_id, 0, now() + Duration::hours(2))
        .unwrap();
    ws.delete_deal("id-15").unwrap();
    ws.add_lost_reason("Budsjettkutt").unwrap();
    ws.mark_won("id-16", now() + Duration::hours(3)).unwrap();
    add_quick(&mut ws, "late-arrival");
    assert_eq!(
        apply(&mut store, plan(&ws, &saved), &mut saved),
        Report::default()
    );

    let loaded = load_store(&store);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(
        plan(&ws, &saved),
        [],
        "a saved workspace needs no more writes"
    );
    // What this tab recorded is what a fresh load sees.
    assert_eq!(saved.deal_revs, loaded.saved.deal_revs);
    assert_eq!(saved.chunks, loaded.saved.chunks);
    assert_eq!(saved.meta, loaded.saved.meta);
    assert_eq!(saved.meta_parts, loaded.saved.meta_parts);
}

// ---------------------------------------------------------------------------------------
// Two tabs: merging a chunk another tab changed

#[test]
fn two_tabs_changing_different_deals_of_one_chunk_both_keep_their_change() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let later = now() + Duration::hours(1);

    tab_a.mark_won(same[0].as_str(), later).unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );

    tab_b
        .update_deal(
            same[1].as_str(),
            DealDraft::quick("From tab B", Money::new(2, Currency::nok())),
            later,
        )
        .unwrap();
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.refused, Vec::<String>::new());
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    assert_eq!(report.merged, vec![(key.clone(), store[&key].clone())]);
    let in_store = decode_chunk(&store[&key]).unwrap();
    let stored_deal = |id: &str| in_store.iter().find(|d| d.id == id).unwrap().clone();
    assert!(
        !stored_deal(&same[0]).status.is_open(),
        "tab A's change is kept"
    );
    assert_eq!(stored_deal(&same[1]).title, "From tab B");

    // Each tab takes in the other's change: B from its merge, A from the storage event.
    take_in(&mut tab_b, &mut saved_b, &report);
    let adopted = adopt(
        &mut tab_a,
        &mut saved_a,
        &key,
        store.get(&key).map(String::as_str),
        Lang::En,
    );
    assert_eq!(adopted, Adopted::Changed(Default::default()));
    let loaded = load_store(&store);
    assert!(loaded.unreadable.is_empty());
    assert_eq!(with_deals_sorted(tab_a.clone()), loaded.ws);
    assert_eq!(with_deals_sorted(tab_b.clone()), loaded.ws);
    assert_eq!(plan(&tab_a, &saved_a), []);
    assert_eq!(plan(&tab_b, &saved_b), []);
}

#[test]
fn the_same_deal_changed_in_two_tabs_is_a_conflict_and_the_first_change_stays() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let later = now() + Duration::hours(1);

    tab_a
        .update_deal(
            "full",
            DealDraft::quick("From tab A", Money::new(1, Currency::nok())),
            later,
        )
        .unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );
    tab_b
        .update_deal(
            "full",
            DealDraft::quick("From tab B", Money::new(2, Currency::nok())),
            later,
        )
        .unwrap();
    tab_b.mark_won(same[2].as_str(), later).unwrap();
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.conflicts, vec![DealId::from("full")]);
    assert_eq!(report.merged.len(), 1);
    let in_store = decode_chunk(&store[&key]).unwrap();
    let stored_deal = |id: &str| in_store.iter().find(|d| d.id == id).unwrap().clone();
    assert_eq!(stored_deal("full").title, "From tab A");
    assert!(
        !stored_deal(&same[2]).status.is_open(),
        "B's other change in the chunk is kept"
    );
    take_in(&mut tab_b, &mut saved_b, &report);
    assert_eq!(plan(&tab_b, &saved_b), []);

    // The same holds for the workspace record: the second change is not written over
    // the first.
    tab_a.add_lost_reason("Fra fane A").unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );
    tab_b.add_lost_reason("Fra fane B").unwrap();
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.refused, [META_KEY]);
    assert!(store[META_KEY].contains("Fra fane A"));
    assert!(!store[META_KEY].contains("Fra fane B"));
}

/// Both tabs changed the deal once from the same revision, so each has the same new
/// revision number with different content. The tab whose change lost must show, and keep,
/// the change that was stored; else it shows a deal storage does not hold, and never
/// writes or reloads it.
#[test]
fn after_a_conflict_the_tab_takes_in_the_change_that_was_kept() {
    let (ws, _, _) = crowded_workspace();
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let later = now() + Duration::hours(1);
    for (tab, saved, title) in [
        (&mut tab_a, &mut saved_a, "From tab A"),
        (&mut tab_b, &mut saved_b, "From tab B"),
    ] {
        tab.update_deal(
            "full",
            DealDraft::quick(title, Money::new(1, Currency::nok())),
            later,
        )
        .unwrap();
        let report = apply(&mut store, plan(tab, saved), saved);
        take_in(tab, saved, &report);
    }
    assert_eq!(
        tab_a.deal("full").unwrap().rev,
        tab_b.deal("full").unwrap().rev
    );
    assert_eq!(
        load_store(&store).ws.deal("full").unwrap().title,
        "From tab A"
    );
    assert_eq!(tab_b.deal("full").unwrap().title, "From tab A");
    assert_eq!(with_deals_sorted(tab_b.clone()), load_store(&store).ws);
}

#[test]
fn removals_and_new_deals_of_two_tabs_merge_and_a_removed_deal_is_not_brought_back() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let later = now() + Duration::hours(1);
    let new_ids = ids_in_bucket("new", bucket, 2);

    // A removes one deal and adds one; B removes another, adds another and changes a third.
    tab_a.delete_deal(same[0].as_str()).unwrap();
    add_quick(&mut tab_a, &new_ids[0]);
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );
    tab_b.delete_deal(same[1].as_str()).unwrap();
    add_quick(&mut tab_b, &new_ids[1]);
    tab_b.mark_won(same[2].as_str(), later).unwrap();
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    let ids: BTreeSet<String> = decode_chunk(&store[&key])
        .unwrap()
        .into_iter()
        .map(|d| d.id.to_string())
        .collect();
    let mut expected: BTreeSet<String> = deals_in(&ws, bucket)
        .into_iter()
        .map(|d| d.id.to_string())
        .collect();
    expected.remove(&same[0]);
    expected.remove(&same[1]);
    expected.extend(new_ids.iter().cloned());
    assert_eq!(ids, expected);
    take_in(&mut tab_b, &mut saved_b, &report);
    assert!(
        tab_b.deal(same[0].as_str()).is_none(),
        "A's removal reached B"
    );
    assert!(
        tab_b.deal(new_ids[0].as_str()).is_some(),
        "A's new deal reached B"
    );
    assert_eq!(with_deals_sorted(tab_b.clone()), load_store(&store).ws);

    // A changes a deal that B removed before A heard of it: a conflict, and the removal
    // stands; the deal is not brought back.
    tab_a
        .update_deal(
            same[1].as_str(),
            DealDraft::quick("Stale", Money::new(3, Currency::nok())),
            later,
        )
        .unwrap();
    let report = apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a);
    assert_eq!(report.conflicts, vec![DealId::from(same[1].as_str())]);
    assert!(decode_chunk(&store[&key])
        .unwrap()
        .iter()
        .all(|d| d.id != same[1]));
    take_in(&mut tab_a, &mut saved_a, &report);
    assert!(tab_a.deal(same[1].as_str()).is_none());
    assert_eq!(with_deals_sorted(tab_a.clone()), load_store(&store).ws);
    assert_eq!(plan(&tab_a, &saved_a), []);
}

/// A removal that went into storage by a merge is stored: the tab that made it must know,
/// or its next save writes the chunk again to remove the deal once more, and reports a
/// conflict if another tab changed the chunk meanwhile.
#[test]
fn after_a_merged_removal_nothing_is_left_to_write() {
    let (ws, _, same) = crowded_workspace();
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    tab_a.mark_won(same[0].as_str(), now()).unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );
    tab_b.delete_deal(same[1].as_str()).unwrap();
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.merged.len(), 1);
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    take_in(&mut tab_b, &mut saved_b, &report);
    assert_eq!(with_deals_sorted(tab_b.clone()), load_store(&store).ws);
    assert!(!saved_b.deal_revs.contains_key(same[1].as_str()));
    assert_eq!(plan(&tab_b, &saved_b), []);
}

#[test]
fn the_first_deals_of_an_empty_chunk_from_two_tabs_are_both_kept() {
    let ws = workspace();
    let empty = (0..BUCKETS).find(|b| deals_in(&ws, *b).is_empty()).unwrap();
    let key = chunk_key(empty);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let ids = ids_in_bucket("first", empty, 2);
    add_quick(&mut tab_a, &ids[0]);
    add_quick(&mut tab_b, &ids[1]);
    let writes_b = plan(&tab_b, &saved_b);
    assert_eq!(chunk_writes(&writes_b)[0].base, None);
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Report::default()
    );
    let report = apply(&mut store, writes_b, &mut saved_b);
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    assert_eq!(report.merged.len(), 1);
    assert_eq!(
        decode_chunk(&store[&key])
            .unwrap()
            .iter()
            .map(|d| d.id.to_string())
            .collect::<BTreeSet<_>>(),
        ids.iter().cloned().collect::<BTreeSet<_>>()
    );
    // Both tabs adding a deal of the same id: the second is a conflict.
    let (mut tab_c, mut saved_c) = open_tab(&stored(&ws));
    add_quick(&mut tab_c, &ids[0]);
    let report = apply(&mut store, plan(&tab_c, &saved_c), &mut saved_c);
    assert_eq!(report.conflicts, vec![DealId::from(ids[0].as_str())]);
}

#[test]
fn a_chunk_another_tab_left_unreadable_is_not_written_over() {
    let ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab, mut saved) = open_tab(&store);
    store.insert(key.clone(), "not a chunk".into());
    tab.mark_won("full", now()).unwrap();
    let writes = plan(&tab, &saved);
    let Write::Chunk(write) = &writes[0] else {
        panic!("{writes:?}")
    };
    assert!(matches!(
        merge_chunk(Some("not a chunk"), write),
        Err(DecodeError::Invalid(_))
    ));
    let report = apply(&mut store, writes, &mut saved);
    assert_eq!(report.refused, std::slice::from_ref(&key));
    assert_eq!(store[&key], "not a chunk");
    // Still to be written: the change is not forgotten.
    assert_eq!(plan(&tab, &saved).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Taking in another tab's chunk

#[test]
fn another_tabs_chunk_brings_its_changes_new_deals_and_removals() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let new_id = ids_in_bucket("new", bucket, 1).remove(0);
    tab_a.mark_won(same[0].as_str(), now()).unwrap();
    tab_a.delete_deal(same[1].as_str()).unwrap();
    add_quick(&mut tab_a, &new_id);
    apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a);

    let adopted = adopt(&mut tab_b, &mut saved_b, &key, Some(&store[&key]), Lang::En);

    assert_eq!(adopted, Adopted::Changed(Default::default()));
    assert_eq!(
        with_deals_sorted(tab_b.clone()),
        with_deals_sorted(tab_a.clone())
    );
    assert_eq!(check_workspace(&tab_b), Ok(()));
    assert_eq!(saved_b.chunks[&bucket], value_hash(&store[&key]));
    assert!(!saved_b.deal_revs.contains_key(same[1].as_str()));
    assert_eq!(
        saved_b.deal_revs[new_id.as_str()],
        tab_a.deal(&new_id).unwrap().rev
    );
    assert_eq!(
        plan(&tab_b, &saved_b),
        [],
        "nothing of theirs is written back"
    );
    // The same value again is nothing new.
    assert_eq!(
        adopt(&mut tab_b, &mut saved_b, &key, Some(&store[&key]), Lang::En),
        Adopted::Unchanged
    );
}

#[test]
fn a_deal_this_tab_has_not_stored_yet_survives_another_tabs_chunk() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    tab_a.mark_won(same[0].as_str(), now()).unwrap();
    apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a);
    // B added a deal to the same chunk and has not written it yet.
    let mine = ids_in_bucket("mine", bucket, 1).remove(0);
    add_quick(&mut tab_b, &mine);

    let adopted = adopt(&mut tab_b, &mut saved_b, &key, Some(&store[&key]), Lang::En);

    assert_eq!(adopted, Adopted::Changed(Default::default()));
    assert!(tab_b.deal(&mine).is_some());
    assert!(!tab_b.deal(same[0].as_str()).unwrap().status.is_open());
    let writes = plan(&tab_b, &saved_b);
    let chunks = chunk_writes(&writes);
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].base, Some(value_hash(&store[&key])));
    assert_eq!(chunks[0].changed.len(), 1);
    assert_eq!(chunks[0].changed[0].0.as_str(), mine);
    assert_eq!(chunks[0].changed[0].1, None);
    assert_eq!(apply(&mut store, writes, &mut saved_b), Report::default());
}

/// A change this tab has made but not stored (the quota was full, say) is its own until it
/// is written: another tab's change to another deal of the same chunk must not undo it.
#[test]
fn a_change_this_tab_has_not_stored_yet_survives_another_tabs_change_to_the_same_chunk() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let mut store = stored(&ws);
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    tab_a.mark_won(same[0].as_str(), now()).unwrap();
    apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a);
    // B changed one deal and removed another of that chunk, not yet stored.
    tab_b
        .update_deal(
            same[1].as_str(),
            DealDraft::quick("Unsaved in B", Money::new(7, Currency::nok())),
            now(),
        )
        .unwrap();
    tab_b.delete_deal(same[2].as_str()).unwrap();
    let b_expected = {
        let mut expected = tab_b.clone();
        *deal_mut(&mut expected, &same[0]) = tab_a.deal(same[0].as_str()).unwrap().clone();
        with_deals_sorted(expected)
    };

    adopt(&mut tab_b, &mut saved_b, &key, Some(&store[&key]), Lang::En);

    assert_eq!(
        tab_b.deal(same[1].as_str()).map(|d| d.title.as_str()),
        Some("Unsaved in B"),
        "an unsaved change was undone"
    );
    assert!(
        tab_b.deal(same[2].as_str()).is_none(),
        "an unsaved removal was undone"
    );
    assert_eq!(with_deals_sorted(tab_b.clone()), b_expected);
    // And both are still written, over the revisions stored.
    let report = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert_eq!(report.conflicts, Vec::<DealId>::new());
    assert_eq!(load_store(&store).ws, b_expected);
}

#[test]
fn an_unreadable_chunk_from_another_tab_changes_nothing() {
    let (ws, bucket, same) = crowded_workspace();
    let key = chunk_key(bucket);
    let store = stored(&ws);
    let (tab, saved) = open_tab(&store);
    let deals = deals_in(&ws, bucket);
    let mut wrong_bucket = deals.clone();
    wrong_bucket.push(ws.deal("id-15").unwrap().clone());
    let mut twice = deals.clone();
    twice.push(deals[0].clone());
    let mut refused = deals.clone();
    refused[1].title = String::new();
    let mut unknown_reason = deals.clone();
    unknown_reason[0].status = DealStatus::Lost {
        at: now(),
        reason: String::new(),
        note: "x".repeat(20_000),
    };
    let newer = edited_chunk(&chunk_of(&deals), |r| {
        r["version"] = json!(STORE_VERSION + 1);
        r["deals_v3"] = r["deals"].take();
    });
    for (value, label) in [
        ("{broken".to_string(), "not packed"),
        (pack::pack_text("{\"broken"), "not JSON"),
        (newer, "newer"),
        (chunk_of(&wrong_bucket), "a deal of another chunk"),
        (chunk_of(&twice), "a deal twice"),
        (chunk_of(&refused), "a deal the rules refuse"),
        (chunk_of(&unknown_reason), "a lost deal the rules refuse"),
    ] {
        let (mut ws_b, mut saved_b) = (tab.clone(), saved.clone());
        let adopted = adopt(&mut ws_b, &mut saved_b, &key, Some(&value), Lang::En);
        assert!(
            matches!(adopted, Adopted::Unreadable(_)),
            "{label}: {adopted:?}"
        );
        assert_eq!(ws_b, tab, "{label}");
        assert_eq!(saved_b.chunks, saved.chunks, "{label}");
        assert_eq!(saved_b.deal_revs, saved.deal_revs, "{label}");
        assert_eq!(plan(&ws_b, &saved_b), [], "{label}");
    }
    let _ = same;
}

#[test]
fn keys_that_are_not_the_workspace_are_not_taken_in() {
    let ws = workspace();
    let (mut tab, mut saved) = open_tab(&stored(&ws));
    let before = tab.clone();
    let deal = v1::encode_deal(ws.deal("full").unwrap());
    for (key, value) in [
        (v1::deal_key("full"), Some(deal.as_str())),
        (v1::META_KEY.to_string(), None),
        (LANG_KEY.to_string(), Some("en")),
        ("pipewright.deals.07".to_string(), Some("x")),
        (
            "pipewright.unreadable.pipewright.deals.3".to_string(),
            Some("x"),
        ),
        (META_KEY.to_string(), None),
    ] {
        assert_eq!(
            adopt(&mut tab, &mut saved, &key, value, Lang::En),
            Adopted::Unchanged,
            "{key}"
        );
    }
    assert_eq!(tab, before);
}

#[test]
fn another_tabs_workspace_record_is_taken_in() {
    let mut store = stored(&workspace());
    let (mut tab_a, mut saved_a) = open_tab(&store);
    let (mut tab_b, mut saved_b) = open_tab(&store);
    let id = tab_a.pipelines[0].id.clone();
    tab_a.rename_pipeline(&id, "Nytt navn").unwrap();
    tab_a.add_lost_reason("Budsjettkutt").unwrap();
    apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a);
    let adopted = adopt(
        &mut tab_b,
        &mut saved_b,
        META_KEY,
        Some(&store[META_KEY]),
        Lang::En,
    );
    assert_eq!(adopted, Adopted::Changed(Default::default()));
    assert_eq!(tab_b, tab_a);
    assert_eq!(saved_b.meta.as_ref(), Some(&store[META_KEY]));
    assert_eq!(plan(&tab_b, &saved_b), []);
    // An unreadable one is not.
    let adopted = adopt(&mut tab_b, &mut saved_b, META_KEY, Some("{"), Lang::En);
    assert!(matches!(
        adopted,
        Adopted::Unreadable(DecodeError::NotJson(_))
    ));
    assert_eq!(tab_b, tab_a);
    assert_eq!(saved_b.meta.as_ref(), Some(&store[META_KEY]));
}

// ---------------------------------------------------------------------------------------
// Format 1: read, and moved to format 2

#[test]
fn a_format_1_store_loads_as_the_same_workspace() {
    let ws = workspace();
    let loaded = load_store(&stored_v1(&ws));
    assert!(loaded.had_meta);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert!(loaded.recovered.is_empty());
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(loaded.ws, load_store(&stored(&ws)).ws);
    // Nothing of it is stored in format 2 yet.
    assert!(loaded.saved.meta.is_none() && loaded.saved.meta_parts.is_none());
    assert!(loaded.saved.deal_revs.is_empty() && loaded.saved.chunks.is_empty());
    assert_eq!(loaded.saved.buckets, BUCKETS);
}

#[test]
fn the_move_of_a_format_1_store_lists_every_chunk_with_the_keys_it_replaces() {
    let ws = workspace();
    let v1_store = stored_v1(&ws);
    let loaded = load_store(&v1_store);
    let migration = loaded.migration.expect("a format-1 store is moved");
    let v2_store = stored(&ws);

    assert_eq!(migration.meta.as_ref(), Some(&v2_store[META_KEY]));
    assert_eq!(migration.legacy_meta.as_deref(), Some(v1::META_KEY));
    let mut listed = BTreeSet::new();
    for (write, keys) in &migration.chunks {
        assert_eq!(write.key, chunk_key(write.bucket));
        assert_eq!(
            Some(&write.value),
            v2_store.get(&write.key),
            "{}",
            write.key
        );
        assert_eq!(write.base, None);
        let deals = deals_in(&ws, write.bucket);
        let mut expected_keys: Vec<String> = deals.iter().map(|d| v1::deal_key(&d.id)).collect();
        let mut keys = keys.clone();
        keys.sort();
        expected_keys.sort();
        assert_eq!(keys, expected_keys, "{}", write.key);
        assert_eq!(
            write.changed,
            deals
                .iter()
                .map(|d| (d.id.clone(), None, Ours::InValue))
                .collect::<Vec<_>>()
        );
        for key in keys {
            assert!(listed.insert(key.clone()), "{key} listed twice");
        }
    }
    assert_eq!(
        migration.chunks.len(),
        v2_store.len() - 1,
        "one write per chunk"
    );
    let all_v1_deal_keys: BTreeSet<String> = v1_store
        .keys()
        .filter(|k| k.starts_with(v1::DEAL_PREFIX))
        .cloned()
        .collect();
    assert_eq!(listed, all_v1_deal_keys);
}

#[test]
fn a_moved_format_1_store_is_the_format_2_store_of_the_same_workspace() {
    let ws = workspace();
    let mut store = stored_v1(&ws);
    store.insert(LANG_KEY.into(), "nb".into());
    store.insert(LAST_BACKUP_KEY.into(), "2026-11-01T10:00:00Z".into());
    let loaded = load_store(&store);
    let mut saved = loaded.saved.clone();
    let n_deals = ws.deals.len();
    apply_migration(&mut store, loaded.migration.unwrap(), &mut saved, |step| {
        // Storage holds every deal at every step.
        let now_stored = load_store(step);
        assert!(now_stored.unreadable.is_empty());
        assert_eq!(now_stored.ws.deals.len(), n_deals);
        assert_eq!(now_stored.ws, loaded.ws);
    });
    let mut expected = stored(&ws);
    expected.insert(LANG_KEY.into(), "nb".into());
    expected.insert(LAST_BACKUP_KEY.into(), "2026-11-01T10:00:00Z".into());
    assert_eq!(store, expected);
    let again = load_store(&store);
    assert!(again.migration.is_none());
    assert_eq!(again.ws, loaded.ws);
    // What the move recorded is what storage holds: nothing more to write.
    assert_eq!(plan(&loaded.ws, &saved), []);
    assert_eq!(saved.deal_revs, again.saved.deal_revs);
    assert_eq!(saved.chunks, again.saved.chunks);
}

#[test]
fn a_half_moved_store_loads_every_deal_once_and_the_move_goes_on() {
    let ws = workspace();
    let v1_store = stored_v1(&ws);
    let migration = load_store(&v1_store).migration.unwrap();
    let n_chunks = migration.chunks.len();
    assert!(n_chunks >= 4);
    // The move stopped after writing half the chunks (their format-1 keys removed), and
    // one more chunk written with its format-1 keys still there; no format-2 record yet.
    let mut store = v1_store.clone();
    let mut chunks = migration.chunks.into_iter();
    for (write, keys) in chunks.by_ref().take(n_chunks / 2) {
        store.insert(write.key, write.value);
        for key in keys {
            store.remove(&key);
        }
    }
    let (half_written, _) = chunks.next().unwrap();
    store.insert(half_written.key.clone(), half_written.value.clone());

    let loaded = load_store(&store);

    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    let ids: BTreeSet<&str> = loaded.ws.deals.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), ws.deals.len(), "every deal once");
    let rest = loaded.migration.expect("the move goes on");
    assert_eq!(rest.chunks.len(), n_chunks - n_chunks / 2);
    assert!(rest.meta.is_some());
    assert_eq!(rest.legacy_meta.as_deref(), Some(v1::META_KEY));
    // The chunk already written is written again as it is, over what is stored.
    let (again, keys) = &rest.chunks[0];
    assert_eq!(again.key, half_written.key);
    assert_eq!(again.value, half_written.value);
    assert_eq!(again.base, Some(value_hash(&half_written.value)));
    assert!(again.changed.is_empty(), "nothing in it changes");
    assert!(!keys.is_empty());
    let mut saved = loaded.saved.clone();
    apply_migration(&mut store, rest, &mut saved, |_| {});
    assert_eq!(store, stored(&ws));
    assert_eq!(plan(&loaded.ws, &saved), []);

    // Stopped after the workspace record, before the format-1 one was removed.
    let mut store = stored(&ws);
    store.insert(v1::META_KEY.into(), v1_store[v1::META_KEY].clone());
    let loaded = load_store(&store);
    assert!(loaded.unreadable.is_empty());
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(
        loaded.migration,
        Some(Migration {
            chunks: Vec::new(),
            meta: None,
            legacy_meta: Some(v1::META_KEY.into()),
        })
    );
}

#[test]
fn a_format_1_key_holding_its_deal_packed_loads() {
    let ws = workspace();
    let mut store = stored_v1(&ws);
    let full = ws.deal("full").unwrap();
    store.insert(v1::deal_key("full"), compact_legacy(full));
    assert!(
        pack::utf16_len(&compact_legacy(full)) * 2 < pack::utf16_len(&v1::encode_deal(full)),
        "packing in place frees room"
    );
    let loaded = load_store(&store);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    let migration = loaded.migration.unwrap();
    assert!(migration
        .chunks
        .iter()
        .any(|(_, keys)| keys.contains(&v1::deal_key("full"))));

    // Packed, but not that one deal: kept unread.
    for (value, label) in [
        (chunk_of(&ws.deals[..2]), "two deals"),
        (encode_chunk(&[]), "no deal"),
        (compact_legacy(ws.deal("id-15").unwrap()), "another deal"),
        ("Zbroken".to_string(), "damaged"),
    ] {
        let mut store = stored_v1(&ws);
        store.insert(v1::deal_key("full"), value);
        let loaded = load_store(&store);
        assert_eq!(loaded.unreadable.len(), 1, "{label}");
        assert_eq!(loaded.unreadable[0].key, v1::deal_key("full"), "{label}");
        assert!(loaded.ws.deal("full").is_none(), "{label}");
    }
}

#[test]
fn a_format_1_deal_newer_than_its_chunk_copy_wins_and_an_older_one_does_not() {
    let ws = workspace();
    let bucket = bucket_of("full", BUCKETS);
    let chunk_rev = ws.deal("full").unwrap().rev;

    let mut newer = ws.deal("full").unwrap().clone();
    newer.title = "Newer, in format 1".into();
    newer.rev += 1;
    let mut store = stored(&ws);
    store.insert(v1::deal_key("full"), v1::encode_deal(&newer));
    let mut loaded = load_store(&store);
    assert!(loaded.unreadable.is_empty());
    assert_eq!(loaded.ws.deal("full"), Some(&newer));
    // Stored in the chunk over the revision the chunk has.
    assert_eq!(loaded.saved.deal_revs["full"], chunk_rev);
    let migration = loaded.migration.take().unwrap();
    assert_eq!(migration.meta, None);
    assert_eq!(migration.legacy_meta, None);
    assert_eq!(migration.chunks.len(), 1);
    let (write, keys) = &migration.chunks[0];
    assert_eq!(write.bucket, bucket);
    assert_eq!(keys, &[v1::deal_key("full")]);
    assert_eq!(
        write.changed,
        vec![("full".into(), Some(chunk_rev), Ours::InValue)]
    );
    assert!(decode_chunk(&write.value).unwrap().contains(&newer));
    assert_eq!(write.base, Some(value_hash(&store[&chunk_key(bucket)])));
    let mut saved = loaded.saved.clone();
    apply_migration(&mut store, migration, &mut saved, |_| {});
    assert_eq!(load_store(&store).ws.deal("full"), Some(&newer));
    assert_eq!(plan(&loaded.ws, &saved), []);

    // An older (or the same) revision under a format-1 key: the chunk's copy stays, and the
    // format-1 key goes.
    for rev in [chunk_rev.saturating_sub(1), chunk_rev] {
        let mut older = ws.deal("full").unwrap().clone();
        older.title = "Older, in format 1".into();
        older.rev = rev;
        let mut store = stored(&ws);
        let before = store.clone();
        store.insert(v1::deal_key("full"), v1::encode_deal(&older));
        let mut loaded = load_store(&store);
        assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
        let migration = loaded.migration.take().unwrap();
        assert_eq!(migration.chunks.len(), 1);
        assert!(migration.chunks[0].0.changed.is_empty());
        let mut saved = loaded.saved.clone();
        apply_migration(&mut store, migration, &mut saved, |_| {});
        assert_eq!(store, before);
    }
}

#[test]
fn unreadable_format_1_values_are_listed_and_never_listed_for_removal() {
    let ws = workspace();
    let full = ws.deal("full").unwrap().clone();
    let mut too_long = full.clone();
    too_long.title = "t".repeat(pipewright::domain::ops::MAX_NAME_CHARS + 1);
    let mut store = stored_v1(&ws);
    store.insert(v1::deal_key("broken"), "{\"format\":".into());
    store.insert(v1::deal_key("full"), v1::encode_deal(&too_long));
    let mut misplaced = full.clone();
    misplaced.id = "elsewhere".into();
    store.insert(v1::deal_key("not-elsewhere"), v1::encode_deal(&misplaced));

    let loaded = load_store(&store);

    let unread: Vec<(&str, DecodeErrorKind)> = loaded
        .unreadable
        .iter()
        .map(|u| (u.key.as_str(), kind(&u.reason)))
        .collect();
    assert_eq!(
        unread,
        [
            ("pipewright.deal.broken", DecodeErrorKind::NotJson),
            ("pipewright.deal.full", DecodeErrorKind::Refused),
            ("pipewright.deal.not-elsewhere", DecodeErrorKind::Invalid),
        ]
    );
    let mut expected = with_deals_sorted(ws.clone());
    expected.deals.retain(|d| d.id != "full");
    assert_eq!(loaded.ws, expected);
    let migration = loaded.migration.unwrap();
    let listed: Vec<&String> = migration.chunks.iter().flat_map(|(_, k)| k).collect();
    for (key, _) in &unread {
        assert!(!listed.iter().any(|k| k == key), "{key} listed for removal");
    }
    assert_eq!(listed.len(), ws.deals.len() - 1);
    let mut saved = loaded.saved.clone();
    apply_migration(&mut store, migration, &mut saved, |_| {});
    for (key, _) in &unread {
        assert!(store.contains_key(*key), "{key} removed");
    }
    let after = load_store(&store);
    assert_eq!(after.ws, expected);
    assert_eq!(after.unreadable.len(), 3);

    // An unreadable format-1 workspace record with no format-2 one: listed, kept, and not
    // replaced; the deals are recovered.
    let mut store = stored_v1(&ws);
    store.insert(v1::META_KEY.into(), "{\"broken".into());
    let loaded = load_store(&store);
    assert!(loaded.had_meta);
    assert_eq!(loaded.unreadable.len(), 1);
    assert_eq!(loaded.unreadable[0].key, v1::META_KEY);
    assert_eq!(loaded.recovered.n_deals, ws.deals.len());
    assert_eq!(check_workspace(&loaded.ws), Ok(()));
    let migration = loaded.migration.unwrap();
    assert_eq!(migration.meta, None);
    assert_eq!(migration.legacy_meta, None);
    let mut saved = loaded.saved.clone();
    apply_migration(&mut store, migration, &mut saved, |_| {});
    assert_eq!(store[v1::META_KEY], "{\"broken");
    assert!(!store.contains_key(META_KEY));
}

/// The format-1 record is unreadable, and a format-2 one exists (the user saved after the
/// move, which could not replace it): the old one must still be listed, and kept.
#[test]
fn an_unreadable_format_1_record_beside_a_format_2_one_is_listed_and_kept() {
    let ws = workspace();
    let mut store = stored(&ws);
    store.insert(v1::META_KEY.into(), "{\"broken".into());
    let loaded = load_store(&store);
    assert_eq!(loaded.ws, with_deals_sorted(ws.clone()));
    assert_eq!(
        loaded
            .unreadable
            .iter()
            .map(|u| u.key.as_str())
            .collect::<Vec<_>>(),
        [v1::META_KEY],
        "an unreadable value is never dropped silently"
    );
    assert!(
        loaded
            .migration
            .as_ref()
            .is_none_or(|m| m.legacy_meta.is_none()),
        "listed for removal: {:?}",
        loaded.migration
    );
}

/// The format-2 record is unreadable and the format-1 one is not (a move stopped, then
/// something damaged the new record): the workspace comes from the format-1 record, which
/// must stay until a format-2 record holding its content is stored.
#[test]
fn a_readable_format_1_record_is_not_removed_while_the_format_2_one_is_unreadable() {
    let ws = workspace();
    let mut store = stored_v1(&ws);
    store.insert(META_KEY.into(), "{\"broken".into());
    let loaded = load_store(&store);
    assert_eq!(
        loaded
            .unreadable
            .iter()
            .map(|u| u.key.as_str())
            .collect::<Vec<_>>(),
        [META_KEY]
    );
    assert_eq!(
        loaded.ws,
        with_deals_sorted(ws.clone()),
        "read from format 1"
    );
    assert!(loaded.recovered.is_empty());
    let migration = loaded.migration.expect("the deals are moved");
    let mut saved = loaded.saved.clone();
    apply_migration(&mut store, migration, &mut saved, |_| {});
    // Storage still holds the pipelines and lost reasons, in one format or the other.
    let after = load_store(&store);
    assert!(after.recovered.is_empty(), "{:?}", after.recovered);
    assert_eq!(after.ws, with_deals_sorted(ws));
}

#[test]
fn unreadable_format_1_deal_records_are_listed_and_everything_else_loads() {
    let ws = workspace();
    let template = ws.deal("full").unwrap().clone();
    let check = |raw: String, expected: &dyn Fn(&DecodeError) -> bool, label: &str| {
        let broken_key = v1::deal_key("broken");
        let mut store = stored_v1(&ws);
        store.insert(broken_key.clone(), raw);
        let loaded = load_store(&store);
        assert_eq!(
            loaded.unreadable.len(),
            1,
            "{label}: {:?}",
            loaded.unreadable
        );
        let Unread {
            key,
            reason,
            deal,
            shared,
        } = &loaded.unreadable[0];
        assert_eq!(key, &broken_key, "{label}");
        assert!(expected(reason), "{label}: got {reason:?}");
        assert_eq!((deal, shared), (&None, &false), "{label}");
        assert!(loaded.had_meta, "{label}");
        assert_eq!(
            loaded.ws,
            with_deals_sorted(ws.clone()),
            "{label}: the rest must load"
        );
    };
    let broken = |edit: fn(&mut Value)| {
        let mut renamed = template.clone();
        renamed.id = "broken".into();
        let mut record = json_of(&v1::encode_deal(&renamed));
        edit(&mut record);
        record.to_string()
    };
    let not_json = |e: &DecodeError| matches!(e, DecodeError::NotJson(_));
    let wrong_format = |e: &DecodeError| {
        *e == DecodeError::WrongFormat {
            expected: v1::DEAL_FORMAT,
        }
    };
    let invalid = |e: &DecodeError| matches!(e, DecodeError::Invalid(_));

    check(
        "{\"format\": \"pipewright-deal\", \"vers".into(),
        &not_json,
        "cut off",
    );
    check(String::new(), &not_json, "empty");
    check("undefined".into(), &not_json, "not JSON at all");
    check(
        v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
        &wrong_format,
        "a workspace record under a deal key",
    );
    check(
        broken(|r| {
            r.as_object_mut().unwrap().remove("format");
        }),
        &wrong_format,
        "no format",
    );
    check(
        broken(|r| {
            r.as_object_mut().unwrap().remove("version");
        }),
        &wrong_format,
        "no version",
    );
    check(
        broken(|r| {
            r["version"] = json!(2);
            r["deal_v2"] = r["deal"].take();
        }),
        &|e| *e == DecodeError::NewerVersion { found: 2, known: 1 },
        "written by a newer version",
    );
    check(
        broken(|r| {
            r["deal"].as_object_mut().unwrap().remove("title");
        }),
        &invalid,
        "missing field",
    );
    check(
        broken(|r| r["deal"]["amount"]["currency"] = json!("nok")),
        &invalid,
        "lower-case currency",
    );
    check(
        broken(|r| r["deal"]["surprise"] = json!(true)),
        &invalid,
        "unknown deal field",
    );
    check(
        broken(|r| r["extra"] = json!(1)),
        &invalid,
        "unknown record field",
    );
    check(
        broken(|r| r["deal"]["status"] = json!({"kind": "paused"})),
        &invalid,
        "unknown status",
    );
    check(
        broken(|r| r["deal"]["id"] = json!("someone-else")),
        &invalid,
        "the id does not match the key",
    );
}

/// Format 1 read the envelope first: a record of another format, or of a newer version,
/// was never read as a deal, even when its body had a deal's shape.
#[test]
fn a_format_1_deal_record_of_another_format_or_a_newer_version_is_not_read() {
    let ws = workspace();
    let full = ws.deal("full").unwrap();
    let mut record = json_of(&v1::encode_deal(full));
    record["format"] = json!("someone-else");
    assert_eq!(
        v1::decode_deal_under("full", &record.to_string()),
        Err(DecodeError::WrongFormat {
            expected: v1::DEAL_FORMAT
        })
    );
    let mut record = json_of(&v1::encode_deal(full));
    record["version"] = json!(2);
    assert_eq!(
        v1::decode_deal_under("full", &record.to_string()),
        Err(DecodeError::NewerVersion { found: 2, known: 1 })
    );
}

#[test]
fn format_1_records_round_trip_as_the_previous_release_wrote_them() {
    let ws = workspace();
    let raw = v1::encode_meta(&ws.pipelines, &ws.lost_reasons);
    assert_eq!(
        v1::decode_meta(&raw),
        Ok((ws.pipelines.clone(), ws.lost_reasons.clone()))
    );
    let record = json_of(&raw);
    assert_eq!(record["format"], json!(META_FORMAT));
    assert_eq!(record["version"], json!(v1::VERSION));
    for deal in &ws.deals {
        let raw = v1::encode_deal(deal);
        assert_eq!(v1::decode_deal_under(&deal.id, &raw).as_ref(), Ok(deal));
        let record = json_of(&raw);
        assert_eq!(record["format"], json!(v1::DEAL_FORMAT));
        assert_eq!(record["version"], json!(v1::VERSION));
        assert_eq!(record["deal"]["id"], json!(deal.id));
        // A record written before sample deals existed.
        let mut record = record;
        record["deal"].as_object_mut().unwrap().remove("sample");
        let old = v1::decode_deal_under(&deal.id, &record.to_string()).unwrap();
        assert_eq!(
            &Deal {
                sample: deal.sample,
                ..old
            },
            deal
        );
    }
    assert_eq!(v1::deal_key("abc-123"), "pipewright.deal.abc-123");
    assert_eq!(v1::META_KEY, "pipewright.workspace");
}

// ---------------------------------------------------------------------------------------
// The stores the previous release wrote (e2e/fixtures/, made by e2e/gen/make-v1-fixtures.mjs)

fn fixture(name: &str) -> Store {
    let path = format!("{}/e2e/fixtures/{name}.json.gz", env!("CARGO_MANIFEST_DIR"));
    store_of_gzip(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

#[test]
fn gunzip_reads_every_optional_header_field() {
    let text = b"{\"pipewright.lang\":\"nb\"}";
    let deflated = miniz_oxide::deflate::compress_to_vec(text, 6);
    let mut gz = vec![0x1f, 0x8b, 8, 0x1E, 0, 0, 0, 0, 0, 255];
    gz.extend([3, 0, b'a', b'b', b'c']); // FEXTRA
    gz.extend(b"store.json\0"); // FNAME
    gz.extend(b"a comment\0"); // FCOMMENT
    gz.extend((crc32(&gz) as u16).to_le_bytes()); // FHCRC
    gz.extend(&deflated);
    gz.extend(crc32(text).to_le_bytes());
    gz.extend((text.len() as u32).to_le_bytes());
    assert_eq!(gunzip(&gz), text);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

/// Every v1 deal key of `store`, each with the deal it holds as the previous release read it.
fn v1_deals(store: &Store) -> BTreeMap<String, Deal> {
    store
        .iter()
        .filter_map(|(key, value)| {
            let id = key.strip_prefix(v1::DEAL_PREFIX)?;
            Some((
                key.clone(),
                v1::decode_deal_under(id, value).expect("a v1 deal"),
            ))
        })
        .collect()
}

#[test]
fn the_stores_the_previous_release_wrote_load_whole_and_move_into_far_less_room() {
    // Chunks of a few deals compress less than chunks of forty.
    for (name, n_deals, check_each_step, at_least) in [
        ("v1-store-small", 313, true, 4),
        ("v1-store-full", 4_858, false, 7),
    ] {
        let store = fixture(name);
        let originals = v1_deals(&store);
        assert_eq!(originals.len(), n_deals, "{name}");
        assert!(store.contains_key(v1::META_KEY), "{name}");
        let v1_units = units(store.iter().map(|(k, v)| (k.as_str(), v.as_str())));

        let loaded = load_store(&store);
        assert!(
            loaded.unreadable.is_empty(),
            "{name}: {:?}",
            loaded.unreadable
        );
        assert!(loaded.recovered.is_empty(), "{name}");
        assert_eq!(loaded.ws.deals.len(), n_deals, "{name}");
        assert_eq!(check_workspace(&loaded.ws), Ok(()), "{name}");
        for deal in &loaded.ws.deals {
            assert_eq!(Some(deal), originals.get(&v1::deal_key(&deal.id)), "{name}");
        }
        let (pipelines, lost_reasons) = v1::decode_meta(&store[v1::META_KEY]).unwrap();
        assert_eq!(loaded.ws.pipelines, pipelines, "{name}");
        assert_eq!(loaded.ws.lost_reasons, lost_reasons, "{name}");

        let migration = loaded.migration.expect("a format-1 store is moved");
        let listed: Vec<&String> = migration.chunks.iter().flat_map(|(_, k)| k).collect();
        assert_eq!(listed.len(), n_deals, "{name}: every deal key, once");
        assert_eq!(
            listed.iter().collect::<BTreeSet<_>>().len(),
            n_deals,
            "{name}"
        );
        let mut moved = store.clone();
        let mut saved = loaded.saved.clone();
        apply_migration(&mut moved, migration, &mut saved, |step| {
            if check_each_step {
                let now_stored = load_store(step);
                assert!(now_stored.unreadable.is_empty());
                assert_eq!(
                    now_stored.ws.deals.len(),
                    n_deals,
                    "{name}: a deal unstored"
                );
            }
        });

        assert!(
            !moved.keys().any(|k| is_v1_key(k)),
            "{name}: format-1 keys left"
        );
        for (key, value) in &store {
            if !is_v1_key(key) {
                assert_eq!(moved.get(key), Some(value), "{name}: {key} changed");
            }
        }
        let again = load_store(&moved);
        assert!(again.unreadable.is_empty(), "{name}");
        assert!(again.migration.is_none(), "{name}");
        assert_eq!(again.ws, loaded.ws, "{name}");
        assert_eq!(plan(&again.ws, &again.saved), [], "{name}");
        assert_eq!(plan(&loaded.ws, &saved), [], "{name}");

        let v2_units = units(moved.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(
            v2_units * at_least < v1_units,
            "{name}: {v2_units} units in format 2, {v1_units} in format 1"
        );
        assert!(v1_units <= QUOTA_UNITS, "{name}");
    }
}
