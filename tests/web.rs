//! Browser tests, run by wasm-bindgen-test in headless Chromium: the storage module against
//! real localStorage (its quota included, and the real format-1 stores the previous release
//! wrote), and the mounted app.
#![cfg(target_arch = "wasm32")]

#[path = "util.rs"]
#[allow(dead_code)]
mod util;

use pipewright::domain::{Currency, Deal, DealDraft, Money, Workspace};
use pipewright::i18n::Lang;
use pipewright::storage::codec::{self, Saved, BUCKETS};
use pipewright::storage::local::{self, ApplyReport, StorageError};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

type Store = BTreeMap<String, String>;

fn clear() {
    local::storage()
        .expect("localStorage")
        .clear()
        .expect("clear");
}

/// Every key and value in localStorage (not only the app's).
fn everything() -> Store {
    let storage = local::storage().unwrap();
    (0..storage.length().unwrap())
        .filter_map(|idx| storage.key(idx).unwrap())
        .map(|key| {
            let value = storage.get_item(&key).unwrap().unwrap();
            (key, value)
        })
        .collect()
}

fn put_all(store: &Store) {
    for (key, value) in store {
        local::set(key, value).unwrap_or_else(|e| panic!("{key}: {e}"));
    }
}

fn is_v1_key(key: &str) -> bool {
    key == codec::v1::META_KEY || key.starts_with(codec::v1::DEAL_PREFIX)
}

/// What a tab that has stored nothing yet believes is stored.
fn first_visit() -> Saved {
    codec::load(std::iter::empty(), Lang::En).saved
}

fn sorted(mut ws: Workspace) -> Workspace {
    ws.deals.sort_by(|a, b| a.id.cmp(&b.id));
    ws
}

fn chunk_key_of(deal_id: &str) -> String {
    codec::chunk_key(codec::bucket_of(deal_id, BUCKETS))
}

fn stored_deal(deal_id: &str) -> Option<Deal> {
    let raw = local::get(&chunk_key_of(deal_id)).unwrap()?;
    codec::decode_chunk(&raw)
        .unwrap()
        .into_iter()
        .find(|d| d.id == deal_id)
}

/// A pipeline with three deals: "deal-a" and "deal-c-193" share a chunk, "deal-b" has
/// one of its own.
fn sample_workspace() -> Workspace {
    use chrono::TimeZone;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 26, 12, 0, 0)
        .unwrap();
    let mut n = 0;
    let mut ids = move || {
        n += 1;
        format!("id{n}")
    };
    let mut ws = Workspace::default();
    let pipeline = pipewright::domain::templates::pipeline_from_template(
        pipewright::domain::templates::TemplateKind::Startup,
        Lang::En,
        "Test",
        Currency::nok(),
        now,
        &mut ids,
    );
    let (pid, sid) = (pipeline.id.clone(), pipeline.stages[0].id.clone());
    ws.add_pipeline(pipeline).unwrap();
    for (id, title) in [("deal-a", "A"), ("deal-b", "B"), ("deal-c-193", "C")] {
        ws.add_deal(
            &pid,
            &sid,
            id.into(),
            DealDraft::quick(title, Money::new(100, Currency::nok())),
            now,
        )
        .unwrap();
    }
    assert_eq!(chunk_key_of("deal-a"), chunk_key_of("deal-c-193"));
    assert_ne!(chunk_key_of("deal-a"), chunk_key_of("deal-b"));
    ws
}

/// Stores `ws` as a first save does; returns what this tab then knows is stored.
fn save_first(ws: &Workspace) -> Saved {
    let mut saved = first_visit();
    let report = local::apply(codec::plan(ws, &saved), &mut saved);
    assert!(
        report.error.is_none() && !report.conflict && report.taken.is_empty(),
        "{report:?}"
    );
    saved
}

#[wasm_bindgen_test]
fn a_value_written_through_the_storage_module_reads_back() {
    clear();
    local::set("pipewright.test", "hello æøå").unwrap();
    assert_eq!(
        local::get("pipewright.test").unwrap().as_deref(),
        Some("hello æøå")
    );
    // And through the raw API too, so the module is not just reading its own cache.
    let raw = local::storage()
        .unwrap()
        .get_item("pipewright.test")
        .unwrap();
    assert_eq!(raw.as_deref(), Some("hello æøå"));
    clear();
}

#[wasm_bindgen_test]
fn a_packed_value_reads_back_unit_for_unit() {
    clear();
    let ws = sample_workspace();
    let deals: Vec<&Deal> = ws.deals.iter().collect();
    let packed = codec::encode_chunk(&deals);
    local::set("pipewright.test", &packed).unwrap();
    let back = local::get("pipewright.test").unwrap().unwrap();
    assert_eq!(back, packed);
    assert_eq!(codec::decode_chunk(&back).unwrap().len(), 3);
    let (total, ours) = local::used_units(|key| key == "pipewright.test").unwrap();
    let expected = codec::units([("pipewright.test", packed.as_str())]);
    // Beside it, only the write mark the write left.
    let mark = local::get(codec::WRITTEN_KEY).unwrap().unwrap();
    let mark_units = codec::units([(codec::WRITTEN_KEY, mark.as_str())]);
    assert_eq!((total, ours), (expected + mark_units, expected));
    clear();
}

#[wasm_bindgen_test]
fn a_workspace_round_trips_through_real_local_storage() {
    clear();
    let ws = sample_workspace();
    save_first(&ws);
    let mut stored = everything();
    assert!(
        stored.remove(codec::WRITTEN_KEY).is_some(),
        "the write mark"
    );
    assert_eq!(
        stored,
        codec::encode_store(&ws, BUCKETS)
            .into_iter()
            .collect::<Store>()
    );
    let startup = local::load(Lang::En).unwrap();
    assert!(startup.unreadable.is_empty());
    assert!(startup.loaded.migration.is_none());
    assert_eq!(startup.loaded.ws, sorted(ws));
    // Nothing left to write after loading: the saved view matches storage.
    assert!(codec::plan(&startup.loaded.ws, &startup.loaded.saved).is_empty());
    clear();
}

#[wasm_bindgen_test]
fn one_changed_deal_rewrites_only_its_chunk() {
    clear();
    let mut ws = sample_workspace();
    let mut saved = save_first(&ws);
    let before = everything();
    let now = ws.deals[0].created_at;
    ws.mark_won("deal-a", now).unwrap();
    let writes = codec::plan(&ws, &saved);
    assert_eq!(writes.len(), 1, "{writes:?}");
    let report = local::apply(writes, &mut saved);
    assert!(report.error.is_none() && report.taken.is_empty());
    let after = everything();
    assert_eq!(after.len(), before.len());
    for (key, value) in &before {
        if *key == codec::WRITTEN_KEY {
            assert_ne!(after.get(key), Some(value), "the write mark is new");
        } else if *key != chunk_key_of("deal-a") {
            assert_eq!(after.get(key), Some(value), "{key} was rewritten");
        }
    }
    assert!(!stored_deal("deal-a").unwrap().status.is_open());
    assert!(stored_deal("deal-c-193").unwrap().status.is_open());
    clear();
}

#[wasm_bindgen_test]
fn an_unreadable_chunk_is_kept_and_never_overwritten_while_it_cannot_be_kept() {
    clear();
    let ws = sample_workspace();
    save_first(&ws);
    let key = chunk_key_of("deal-a");
    let corrupt = "{\"format\":\"pipewright-deals\",\"version\":2,\"deals\":[{broken";
    local::set(&key, corrupt).unwrap();
    let startup = local::load(Lang::En).unwrap();
    assert_eq!(startup.unreadable.len(), 1);
    let unreadable = &startup.unreadable[0];
    assert_eq!(unreadable.key, key);
    assert_eq!(unreadable.raw, corrupt);
    assert!(!unreadable.shared);
    let kept_as = unreadable
        .kept_as
        .clone()
        .expect("kept under a separate key");
    assert_eq!(local::get(&kept_as).unwrap().as_deref(), Some(corrupt));
    // The readable chunk still loads, and loading writes nothing.
    assert_eq!(startup.loaded.ws.deals.len(), 1);
    assert!(codec::plan(&startup.loaded.ws, &startup.loaded.saved).is_empty());
    assert_eq!(local::get(&key).unwrap().as_deref(), Some(corrupt));

    // When no copy can be made, the key is protected: a new deal for that chunk is not
    // written over it.
    clear();
    save_first(&ws);
    local::set(&key, corrupt).unwrap();
    leave_no_room_to_keep(&key);
    let startup = local::load(Lang::En).unwrap();
    assert_eq!(startup.unreadable[0].kept_as, None);
    let mut saved = startup.loaded.saved;
    assert!(saved.protected.contains(&key));
    let mut ws = startup.loaded.ws;
    let (pid, sid) = (
        ws.pipelines[0].id.clone(),
        ws.pipelines[0].stages[0].id.clone(),
    );
    let draft = DealDraft::quick("New", Money::new(1, Currency::nok()));
    let now = ws.deals[0].created_at;
    ws.add_deal(&pid, &sid, "deal-c-346".into(), draft, now)
        .unwrap();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert!(report.error.is_none());
    assert_eq!(local::get(&key).unwrap().as_deref(), Some(corrupt));
    clear();
}

/// Text that DEFLATE cannot shrink much: a full quota refuses it even packed.
fn noise(n_chars: usize) -> String {
    let mut state: u32 = 12_345;
    (0..n_chars)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'!' + ((state >> 16) % 90) as u8)
        })
        .collect()
}

/// Fills the quota with filler keys until the browser refuses more; returns them.
fn fill_quota() -> Vec<String> {
    let mut filler_keys = Vec::new();
    for (size, prefix) in [(512 * 1024, "filler.big"), (1024, "filler.small")] {
        let chunk = "x".repeat(size);
        for n in 0..4096 {
            let key = format!("{prefix}.{n}");
            if local::set(&key, &chunk).is_err() {
                break;
            }
            filler_keys.push(key);
        }
    }
    filler_keys
}

/// `ws` with `chars` of notes (that DEFLATE cannot shrink much) in its deal at `index`,
/// as an edit leaves it (a new revision).
fn with_long_notes(ws: &Workspace, index: usize, chars: usize) -> Workspace {
    let mut bigger = ws.clone();
    bigger.deals[index].notes = noise(chars);
    bigger.deals[index].rev += 1;
    bigger
}

#[wasm_bindgen_test]
fn a_full_quota_is_reported_and_nothing_stored_changes() {
    clear();
    let ws = sample_workspace();
    let mut saved = save_first(&ws);
    let before = everything();
    let filler_keys = fill_quota();
    let bigger = with_long_notes(&ws, 0, 60_000);
    let report = local::apply(codec::plan(&bigger, &saved), &mut saved);
    assert_eq!(report.error, Some(StorageError::Quota));
    // The failed write left storage exactly as it was, and `saved` still says so, so the
    // change is retried with the next save.
    for key in &filler_keys {
        local::remove(key).unwrap();
    }
    assert_eq!(everything(), before);
    assert_eq!(codec::plan(&bigger, &saved).len(), 1);
    // With room again, it goes in.
    let report = local::apply(codec::plan(&bigger, &saved), &mut saved);
    assert!(report.error.is_none(), "{report:?}");
    assert_eq!(
        stored_deal(&bigger.deals[0].id).as_ref(),
        Some(&bigger.deals[0])
    );
    clear();
}

#[wasm_bindgen_test]
fn the_picture_of_the_board_gives_way_to_a_write_that_needs_its_room() {
    clear();
    let ws = sample_workspace();
    let mut saved = save_first(&ws);
    let filler_keys = fill_quota();
    // Room for a picture of 100,000 units made, and the picture stored in it.
    for key in filler_keys
        .iter()
        .filter(|k| k.starts_with("filler.small"))
        .take(100)
    {
        local::remove(key).unwrap();
    }
    local::set(codec::PICTURE_KEY, &"p".repeat(100_000)).unwrap();
    // The picture is not counted as used: a write may take its room.
    let (total_with, _) = local::used_units(|_| true).unwrap();
    local::remove(codec::PICTURE_KEY).unwrap();
    let (total_without, _) = local::used_units(|_| true).unwrap();
    assert_eq!(total_with, total_without);
    local::set(codec::PICTURE_KEY, &"p".repeat(100_000)).unwrap();
    // A change that does not fit beside the picture: the picture goes, the change is stored.
    let bigger = with_long_notes(&ws, 0, 60_000);
    let report = local::apply(codec::plan(&bigger, &saved), &mut saved);
    assert!(report.error.is_none(), "{report:?}");
    assert_eq!(local::get(codec::PICTURE_KEY).unwrap(), None);
    assert_eq!(
        stored_deal(&bigger.deals[0].id).as_ref(),
        Some(&bigger.deals[0])
    );
    // Without a picture to give way, a full quota is reported as before.
    let biggest = with_long_notes(&bigger, 1, 300_000);
    let report = local::apply(codec::plan(&biggest, &saved), &mut saved);
    assert_eq!(report.error, Some(StorageError::Quota));
    clear();
}

#[wasm_bindgen_test]
fn every_write_of_ours_leaves_a_fresh_write_mark_written_after_it() {
    clear();
    let mark = || local::get(codec::WRITTEN_KEY).unwrap();
    local::load(Lang::En).unwrap();
    assert_eq!(mark(), None);
    assert!(local::written_is_current());
    local::set(codec::LANG_KEY, "nb").unwrap();
    let first = mark().expect("a mark after a write");
    assert!(local::written_is_current());
    // The picture, the colour scheme and keys not ours leave it as it is.
    local::set(codec::PICTURE_KEY, "picture").unwrap();
    local::remove(codec::PICTURE_KEY).unwrap();
    local::set(codec::THEME_KEY, "dark").unwrap();
    local::set("another.app", "x").unwrap();
    assert_eq!(mark().as_ref(), Some(&first));

    // A save of many chunks: the mark is written last, and is new.
    let order = js_sys::eval(
        "(() => { const log = []; const set = Storage.prototype.setItem; \
         Storage.prototype.setItem = function (k, v) { log.push(k); return set.call(this, k, v); }; \
         log.restore = () => { Storage.prototype.setItem = set; }; return log; })()",
    )
    .unwrap();
    save_first(&sample_workspace());
    js_sys::Reflect::get(&order, &"restore".into())
        .unwrap()
        .dyn_into::<js_sys::Function>()
        .unwrap()
        .call0(&order)
        .unwrap();
    let order: Vec<String> = js_sys::Array::from(&order)
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert!(
        order
            .iter()
            .filter(|k| k.starts_with(codec::CHUNK_PREFIX))
            .count()
            > 1
    );
    assert_eq!(order.last().map(String::as_str), Some(codec::WRITTEN_KEY));
    let second = mark().unwrap();
    assert_ne!(second, first);
    // A removal is a write too.
    local::remove(codec::LANG_KEY).unwrap();
    assert_ne!(mark().as_ref(), Some(&second));
    assert!(local::written_is_current());

    // Another tab's write: its mark is stored before its `storage` event is taken in here.
    let storage = local::storage().unwrap();
    storage.set_item(codec::WRITTEN_KEY, "another-tab").unwrap();
    assert!(!local::written_is_current());
    local::saw_written(Some("another-tab".to_string()));
    assert!(local::written_is_current());
    clear();
}

/// Another tab writes `deal` into its chunk (the chunk as this tab saved it, otherwise).
fn other_tab_writes(ws: &Workspace, deal: &Deal) {
    let bucket = codec::bucket_of(&deal.id, BUCKETS);
    let mut deals: Vec<&Deal> = ws
        .deals
        .iter()
        .filter(|d| codec::bucket_of(&d.id, BUCKETS) == bucket && d.id != deal.id)
        .collect();
    deals.push(deal);
    deals.sort_by(|a, b| a.id.cmp(&b.id));
    local::set(&codec::chunk_key(bucket), &codec::encode_chunk(&deals)).unwrap();
}

#[wasm_bindgen_test]
fn another_tabs_change_to_another_deal_of_the_chunk_is_merged_in() {
    clear();
    let mut ws = sample_workspace();
    let mut saved = save_first(&ws);
    let mut theirs = ws.deal("deal-c-193").unwrap().clone();
    theirs.title = "Theirs".into();
    theirs.rev += 1;
    other_tab_writes(&ws, &theirs);
    let now = ws.deals[0].created_at;
    let draft = DealDraft::quick("Ours", Money::new(1, Currency::nok()));
    ws.update_deal("deal-a", draft, now).unwrap();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert!(report.error.is_none() && !report.conflict, "{report:?}");
    let key = chunk_key_of("deal-a");
    assert_eq!(report.taken, vec![(key.clone(), local::get(&key).unwrap())]);
    assert_eq!(stored_deal("deal-a").unwrap().title, "Ours");
    assert_eq!(stored_deal("deal-c-193").unwrap(), theirs);
    // Taking the merged chunk in brings their change here, with nothing left to write.
    let (value, key) = (report.taken[0].1.clone(), report.taken[0].0.clone());
    codec::adopt(&mut ws, &mut saved, &key, value.as_deref(), Lang::En);
    assert_eq!(ws.deal("deal-c-193"), Some(&theirs));
    assert!(codec::plan(&ws, &saved).is_empty());
    clear();
}

#[wasm_bindgen_test]
fn a_write_that_would_overwrite_another_tabs_change_keeps_theirs() {
    clear();
    let mut ws = sample_workspace();
    let mut saved = save_first(&ws);
    // Another tab saves deal-a at a newer revision.
    let mut theirs = ws.deal("deal-a").unwrap().clone();
    theirs.title = "Theirs".into();
    theirs.rev += 1;
    other_tab_writes(&ws, &theirs);
    // This tab edits the same deal without having seen that.
    let now = ws.deals[0].created_at;
    let draft = DealDraft::quick("Ours", Money::new(1, Currency::nok()));
    ws.update_deal("deal-a", draft, now).unwrap();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert!(report.conflict, "{report:?}");
    assert_eq!(report.taken.len(), 1);
    assert_eq!(stored_deal("deal-a").unwrap().title, "Theirs");
    for (key, value) in report.taken {
        codec::adopt(&mut ws, &mut saved, &key, value.as_deref(), Lang::En);
    }

    // Another tab's value this tab cannot read is not written over either.
    let key = chunk_key_of("deal-b");
    local::set(&key, "not a chunk").unwrap();
    ws.mark_won("deal-b", now).unwrap();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert!(report.conflict);
    assert_eq!(
        report.taken,
        vec![(key.clone(), Some("not a chunk".to_string()))]
    );
    assert_eq!(local::get(&key).unwrap().as_deref(), Some("not a chunk"));
    clear();
}

// ---------------------------------------------------------------------------------------
// Moving a format-1 store, in real localStorage

/// What the previous release stored for `ws`.
fn v1_store(ws: &Workspace) -> Store {
    let mut store = Store::new();
    store.insert(
        codec::v1::META_KEY.into(),
        codec::v1::encode_meta(&ws.pipelines, &ws.lost_reasons),
    );
    for deal in &ws.deals {
        store.insert(codec::v1::deal_key(&deal.id), codec::v1::encode_deal(deal));
    }
    store
}

/// Takes every free key a copy of `key`'s unreadable value could be kept under.
fn leave_no_room_to_keep(key: &str) {
    for attempt in 0..100 {
        let copy = if attempt == 0 {
            format!("{}{key}", codec::UNREADABLE_PREFIX)
        } else {
            format!("{}{key}.{attempt}", codec::UNREADABLE_PREFIX)
        };
        local::set(&copy, &format!("something else {attempt}")).unwrap();
    }
}

/// Loads what is stored and moves it as the app does at start-up.
fn start_and_migrate() -> (Workspace, Saved, ApplyReport) {
    let startup = local::load(Lang::En).unwrap();
    let mut loaded = startup.loaded;
    let mut report = ApplyReport::default();
    let migration = loaded.migration.take().expect("a format-1 store to move");
    local::migrate(migration, &loaded.ws, &mut loaded.saved, &mut report)
        .unwrap_or_else(|e| panic!("the move failed: {e}"));
    (loaded.ws, loaded.saved, report)
}

/// After a move: no format-1 key left, every other key as it was, and the workspace loads
/// as before, with nothing to move or write.
fn check_moved(before: &Store, ws: &Workspace, saved: &Saved) {
    let after = everything();
    assert!(!after.keys().any(|k| is_v1_key(k)), "format-1 keys left");
    for (key, value) in before {
        if !is_v1_key(key) {
            assert_eq!(after.get(key), Some(value), "{key} changed");
        }
    }
    assert!(codec::plan(ws, saved).is_empty());
    let again = local::load(Lang::En).unwrap();
    assert!(again.unreadable.is_empty());
    assert!(again.loaded.migration.is_none());
    assert_eq!(&again.loaded.ws, ws);
    assert!(codec::plan(&again.loaded.ws, &again.loaded.saved).is_empty());
}

#[wasm_bindgen_test]
fn the_small_store_of_the_previous_release_moves_to_format_2() {
    clear();
    let store = util::store_of_gzip(include_bytes!("../e2e/fixtures/v1-store-small.json.gz"));
    put_all(&store);
    let (ws, saved, report) = start_and_migrate();
    assert!(!report.conflict && report.taken.is_empty(), "{report:?}");
    assert_eq!(ws.deals.len(), 313);
    check_moved(&store, &ws, &saved);
    clear();
}

#[wasm_bindgen_test]
fn the_full_store_of_the_previous_release_moves_to_format_2_within_its_quota() {
    clear();
    let store = util::store_of_gzip(include_bytes!("../e2e/fixtures/v1-store-full.json.gz"));
    put_all(&store);
    // The quota is full: not even the first chunk fits beside the format-1 records, so
    // the move has to make room by packing them where they are.
    assert_eq!(
        local::set("pipewright.probe", &"x".repeat(4_000)),
        Err(StorageError::Quota)
    );
    let (ws, saved, report) = start_and_migrate();
    assert!(!report.conflict, "{report:?}");
    assert_eq!(ws.deals.len(), 4_858);
    check_moved(&store, &ws, &saved);
    let (total, _) = local::used_units(|_| true).unwrap();
    assert!(
        total * 7 < codec::QUOTA_UNITS,
        "{total} units used after the move"
    );
    clear();
}

#[wasm_bindgen_test]
fn a_move_takes_in_a_chunk_another_tab_moved_first() {
    clear();
    let ws = sample_workspace();
    put_all(&v1_store(&ws));
    let startup = local::load(Lang::En).unwrap();
    let mut loaded = startup.loaded;
    // Meanwhile another tab moved the chunk of deal-a and changed deal-a.
    let mut theirs = ws.deal("deal-a").unwrap().clone();
    theirs.title = "Theirs".into();
    theirs.rev += 1;
    other_tab_writes(&ws, &theirs);
    local::remove(&codec::v1::deal_key("deal-a")).unwrap();
    local::remove(&codec::v1::deal_key("deal-c-193")).unwrap();
    let mut report = ApplyReport::default();
    let migration = loaded.migration.take().unwrap();
    local::migrate(migration, &loaded.ws, &mut loaded.saved, &mut report).unwrap();
    // Theirs stands, and is taken in.
    assert_eq!(stored_deal("deal-a"), Some(theirs.clone()));
    let key = chunk_key_of("deal-a");
    assert!(report.taken.iter().any(|(k, _)| *k == key), "{report:?}");
    assert!(!everything().keys().any(|k| is_v1_key(k)));
    let again = local::load(Lang::En).unwrap();
    assert!(again.unreadable.is_empty());
    assert_eq!(again.loaded.ws.deals.len(), 3);
    assert_eq!(again.loaded.ws.deal("deal-a"), Some(&theirs));
    clear();
}

/// A move stopped after some chunks, and the format-2 record is unreadable: the format-1
/// record, which the workspace is read from, must stay until a readable format-2 record
/// holds its pipelines and lost reasons.
#[wasm_bindgen_test]
fn a_move_keeps_the_format_1_record_while_the_format_2_one_is_unreadable() {
    clear();
    let ws = sample_workspace();
    let mut store = v1_store(&ws);
    store.insert(codec::META_KEY.into(), "{\"broken".into());
    put_all(&store);
    let (moved, _, _) = start_and_migrate();
    assert_eq!(moved, sorted(ws.clone()));
    // Closed before any change was saved, and opened again.
    let again = local::load(Lang::En).unwrap();
    assert!(
        again.loaded.recovered.is_empty(),
        "the pipelines were lost: {:?}",
        again.loaded.recovered
    );
    assert_eq!(again.loaded.ws, sorted(ws));
    clear();
}

/// A chunk key whose unreadable value could not be kept aside is never written, not even by
/// the move: the format-1 deals of that chunk stay where they are, still stored.
#[wasm_bindgen_test]
fn a_move_never_writes_over_an_unreadable_chunk_that_could_not_be_kept() {
    clear();
    let ws = sample_workspace();
    let key = chunk_key_of("deal-a");
    let corrupt = "not a chunk";
    let mut store = v1_store(&ws);
    store.insert(key.clone(), corrupt.into());
    put_all(&store);
    leave_no_room_to_keep(&key);
    let startup = local::load(Lang::En).unwrap();
    assert_eq!(startup.unreadable.len(), 1);
    assert_eq!(startup.unreadable[0].kept_as, None);
    assert!(startup.loaded.saved.protected.contains(&key));
    let mut loaded = startup.loaded;
    let mut report = ApplyReport::default();
    if let Some(migration) = loaded.migration.take() {
        local::migrate(migration, &loaded.ws, &mut loaded.saved, &mut report).unwrap();
    }
    assert_eq!(local::get(&key).unwrap().as_deref(), Some(corrupt));
    let again = local::load(Lang::En).unwrap();
    assert_eq!(again.loaded.ws, sorted(ws), "every deal is still stored");
    clear();
}

#[wasm_bindgen_test]
async fn the_mounted_app_renders_its_header_and_gallery() {
    clear();
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let _handle = leptos::mount::mount_to(host.clone(), pipewright::ui::App);
    let text = host.text_content().unwrap_or_default();
    assert!(host.query_selector("header h1").unwrap().is_some());
    assert!(text.contains("Pipewright"), "{text}");
    // A first visit greets with the template gallery, with the article's templates.
    let templates = host.query_selector_all(".template").unwrap();
    assert_eq!(templates.length(), 4);
    clear();
}

#[wasm_bindgen_test]
fn a_count_takes_the_plural_form_the_browser_chooses_for_it() {
    use pipewright::i18n::PluralCategory;
    use pipewright::ui::intl::{plural_category, tn};
    for lang in Lang::ALL {
        assert_eq!(
            plural_category(lang, 1usize),
            PluralCategory::One,
            "{lang:?}"
        );
        for n in [0usize, 2, 5, 21, 101] {
            assert_eq!(
                plural_category(lang, n),
                PluralCategory::Other,
                "{lang:?} {n}"
            );
        }
    }
    assert_eq!(tn(Lang::En, "count.deals", 1usize, &[]), "1 deal");
    assert_eq!(tn(Lang::En, "count.deals", 0usize, &[]), "0 deals");
    assert_eq!(tn(Lang::Nb, "count.deals", 1usize, &[]), "1 avtale");
    assert_eq!(tn(Lang::Nb, "count.deals", 21usize, &[]), "21 avtaler");
    assert!(tn(Lang::En, "storage.unreadable", 1usize, &[]).starts_with("1 stored value could"));
}
