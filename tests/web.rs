//! Browser tests, run by wasm-bindgen-test in headless Chromium: the storage module against
//! real localStorage, and the mounted app.
#![cfg(target_arch = "wasm32")]

use pipewright::domain::{Currency, DealDraft, Money, Workspace};
use pipewright::storage::codec::{self, Saved};
use pipewright::storage::local::{self, StorageError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clear() {
    local::storage()
        .expect("localStorage")
        .clear()
        .expect("clear");
}

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
        pipewright::i18n::Lang::En,
        "Test",
        Currency::nok(),
        now,
        &mut ids,
    );
    let (pid, sid) = (pipeline.id.clone(), pipeline.stages[0].id.clone());
    ws.add_pipeline(pipeline).unwrap();
    ws.add_deal(
        &pid,
        &sid,
        "deal-a".into(),
        DealDraft::quick("A", Money::new(100, Currency::nok())),
        now,
    )
    .unwrap();
    ws.add_deal(
        &pid,
        &sid,
        "deal-b".into(),
        DealDraft::quick("B", Money::new(200, Currency::nok())),
        now,
    )
    .unwrap();
    ws
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
fn a_workspace_round_trips_through_real_local_storage() {
    clear();
    let ws = sample_workspace();
    let mut saved = Saved::default();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert!(
        report.error.is_none() && report.conflicts.is_empty(),
        "{report:?}"
    );
    let startup = local::load(pipewright::i18n::Lang::En).unwrap();
    assert!(startup.unreadable.is_empty());
    let mut loaded = startup.loaded.ws;
    loaded.deals.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded, ws);
    // Nothing left to write after loading: the saved view matches storage.
    assert!(codec::plan(&loaded, &startup.saved).is_empty());
    clear();
}

#[wasm_bindgen_test]
fn one_changed_deal_rewrites_only_that_deal() {
    clear();
    let mut ws = sample_workspace();
    let mut saved = Saved::default();
    local::apply(codec::plan(&ws, &saved), &mut saved);
    let before_b = local::get(&codec::deal_key("deal-b")).unwrap();
    let now = ws.deals[0].created_at;
    ws.mark_won("deal-a", now).unwrap();
    let writes = codec::plan(&ws, &saved);
    assert_eq!(writes.len(), 1, "{writes:?}");
    local::apply(writes, &mut saved);
    assert_eq!(local::get(&codec::deal_key("deal-b")).unwrap(), before_b);
    let stored_a =
        codec::decode_deal(&local::get(&codec::deal_key("deal-a")).unwrap().unwrap()).unwrap();
    assert!(!stored_a.status.is_open());
    clear();
}

#[wasm_bindgen_test]
fn an_unreadable_stored_value_is_kept_and_never_overwritten() {
    clear();
    let ws = sample_workspace();
    let mut saved = Saved::default();
    local::apply(codec::plan(&ws, &saved), &mut saved);
    let corrupt = "{\"format\":\"pipewright-deal\",\"version\":1,\"deal\":{broken";
    local::set(&codec::deal_key("deal-a"), corrupt).unwrap();
    let startup = local::load(pipewright::i18n::Lang::En).unwrap();
    assert_eq!(startup.unreadable.len(), 1);
    let unreadable = &startup.unreadable[0];
    assert_eq!(unreadable.key, codec::deal_key("deal-a"));
    assert_eq!(unreadable.raw, corrupt);
    let kept_as = unreadable
        .kept_as
        .clone()
        .expect("kept under a separate key");
    assert_eq!(local::get(&kept_as).unwrap().as_deref(), Some(corrupt));
    // The readable deal still loads.
    assert_eq!(startup.loaded.ws.deals.len(), 1);
    // Saving the loaded workspace does not touch the unreadable key.
    let mut saved = startup.saved;
    local::apply(codec::plan(&startup.loaded.ws, &saved), &mut saved);
    assert_eq!(
        local::get(&codec::deal_key("deal-a")).unwrap().as_deref(),
        Some(corrupt)
    );
    clear();
}

#[wasm_bindgen_test]
fn a_full_quota_is_reported_and_nothing_stored_changes() {
    clear();
    let ws = sample_workspace();
    let mut saved = Saved::default();
    local::apply(codec::plan(&ws, &saved), &mut saved);
    let before = local::entries().unwrap();
    // Fill the quota with filler until the browser refuses more.
    let chunk = "x".repeat(512 * 1024);
    let mut filler_keys = Vec::new();
    for n in 0..64 {
        let key = format!("filler.{n}");
        if local::set(&key, &chunk).is_err() {
            break;
        }
        filler_keys.push(key);
    }
    let small = "y".repeat(1024);
    for n in 0..1024 {
        let key = format!("filler.small.{n}");
        if local::set(&key, &small).is_err() {
            break;
        }
        filler_keys.push(key);
    }
    let mut bigger = ws.clone();
    bigger.deals[0].notes = "z".repeat(200_000);
    bigger.deals[0].rev += 1;
    let report = local::apply(codec::plan(&bigger, &saved), &mut saved);
    assert_eq!(report.error, Some(StorageError::Quota));
    // The failed write left storage exactly as it was, and `saved` still says so, so the
    // change is retried with the next save.
    for key in &filler_keys {
        local::remove(key).unwrap();
    }
    assert_eq!(local::entries().unwrap(), before);
    assert_eq!(codec::plan(&bigger, &saved).len(), 1);
    clear();
}

#[wasm_bindgen_test]
fn a_write_that_would_overwrite_another_tabs_change_is_refused() {
    clear();
    let mut ws = sample_workspace();
    let mut saved = Saved::default();
    local::apply(codec::plan(&ws, &saved), &mut saved);
    // Another tab saves deal-a at a newer revision.
    let mut theirs = ws.deal("deal-a").unwrap().clone();
    theirs.title = "Theirs".into();
    theirs.rev += 1;
    local::set(&codec::deal_key("deal-a"), &codec::encode_deal(&theirs)).unwrap();
    // This tab edits the same deal without having seen that.
    let now = ws.deals[0].created_at;
    let draft = DealDraft::quick("Ours", Money::new(1, Currency::nok()));
    ws.update_deal("deal-a", draft, now).unwrap();
    let report = local::apply(codec::plan(&ws, &saved), &mut saved);
    assert_eq!(report.conflicts.len(), 1);
    let stored =
        codec::decode_deal(&local::get(&codec::deal_key("deal-a")).unwrap().unwrap()).unwrap();
    assert_eq!(stored.title, "Theirs");
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
    use pipewright::i18n::{Lang, PluralCategory};
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
