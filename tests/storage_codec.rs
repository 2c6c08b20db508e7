//! The stored layout: versioned records that round-trip, loading that keeps what it cannot
//! read, and save plans that write only what changed and never overwrite another tab's work.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{id_source, rfc3339};

use chrono::{DateTime, Duration, Utc};
use pipewright::backup::check_workspace;
use pipewright::domain::sample::sample_deals;
use pipewright::domain::templates::{pipeline_from_template, TemplateKind};
use pipewright::domain::{
    default_lost_reasons, Contact, Currency, Deal, DealDraft, Money, NextStep, Workspace,
};
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    deal_key, decode_deal, decode_meta, encode_deal, encode_meta, expectation_holds, load, plan,
    DecodeError, Expect, Loaded, Saved, Write, DEAL_FORMAT, DEAL_PREFIX, LANG_KEY, LAST_BACKUP_KEY,
    META_FORMAT, META_KEY, PREFIX, STORE_VERSION, UNREADABLE_PREFIX,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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

/// What storage holds after `ws` was written in full.
fn stored(ws: &Workspace) -> Vec<(String, String)> {
    let mut entries = vec![(META_KEY.to_string(), encode_meta(ws))];
    entries.extend(ws.deals.iter().map(|d| (deal_key(&d.id), encode_deal(d))));
    entries
}

fn load_entries(entries: &[(String, String)]) -> Loaded {
    load(
        entries
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str())),
        Lang::En,
    )
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

/// The state a tab has after loading `entries`: its workspace and what it believes is stored.
fn open_tab(entries: &[(String, String)]) -> (Workspace, Saved) {
    let loaded = load_entries(entries);
    let meta_raw = entries
        .iter()
        .find(|(key, _)| key == META_KEY)
        .map(|(_, value)| value.clone());
    let saved = Saved::from_loaded(&loaded, meta_raw);
    (loaded.ws, saved)
}

/// Carries out `writes` against an in-memory store the way the browser layer does: a write
/// goes ahead only when its expectation holds. Returns the keys that were refused.
fn apply(
    store: &mut BTreeMap<String, String>,
    writes: Vec<Write>,
    saved: &mut Saved,
) -> Vec<String> {
    let mut refused = Vec::new();
    for write in writes {
        let (key, expect) = match &write {
            Write::Put { key, expect, .. } | Write::Remove { key, expect } => {
                (key.clone(), expect.clone())
            }
        };
        if !expectation_holds(&expect, store.get(&key).map(String::as_str)) {
            refused.push(key);
            continue;
        }
        match write {
            Write::Put { value, .. } => {
                if key == META_KEY {
                    saved.meta = Some(value.clone());
                } else if let Some(id) = key.strip_prefix(DEAL_PREFIX) {
                    saved
                        .deal_revs
                        .insert(id.into(), decode_deal(&value).unwrap().rev);
                }
                store.insert(key, value);
            }
            Write::Remove { .. } => {
                if let Some(id) = key.strip_prefix(DEAL_PREFIX) {
                    saved.deal_revs.remove(id);
                }
                store.remove(&key);
            }
        }
    }
    refused
}

fn store_entries(store: &BTreeMap<String, String>) -> Vec<(String, String)> {
    store.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

// ---------------------------------------------------------------------------------------
// Records

#[test]
fn the_meta_record_round_trips_and_names_its_format_and_version() {
    let ws = workspace();
    let raw = encode_meta(&ws);
    assert_eq!(
        decode_meta(&raw),
        Ok((ws.pipelines.clone(), ws.lost_reasons.clone()))
    );

    let record = json_of(&raw);
    assert_eq!(record["format"], json!(META_FORMAT));
    assert_eq!(record["version"], json!(STORE_VERSION));
    let mut fields: Vec<&str> = record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["format", "lost_reasons", "pipelines", "version"],
        "deals have keys of their own"
    );
    assert!(
        !raw.contains("Årsavtale"),
        "a deal leaked into the meta record"
    );
}

#[test]
fn every_kind_of_deal_record_round_trips() {
    let ws = workspace();
    let statuses: std::collections::BTreeSet<&str> = ws
        .deals
        .iter()
        .map(|d| match d.status {
            pipewright::domain::DealStatus::Open => "open",
            pipewright::domain::DealStatus::Won { .. } => "won",
            pipewright::domain::DealStatus::Lost { .. } => "lost",
        })
        .collect();
    assert_eq!(
        statuses.len(),
        3,
        "the fixture should hold open, won and lost deals"
    );
    for deal in &ws.deals {
        let raw = encode_deal(deal);
        assert_eq!(decode_deal(&raw).as_ref(), Ok(deal), "{}", deal.id);
        let record = json_of(&raw);
        assert_eq!(record["format"], json!(DEAL_FORMAT));
        assert_eq!(record["version"], json!(STORE_VERSION));
        assert_eq!(record["deal"]["id"], json!(deal.id));
    }
}

#[test]
fn a_deal_record_written_before_sample_deals_existed_still_loads() {
    let ws = workspace();
    let deal = ws.deal("full").unwrap();
    let mut record = json_of(&encode_deal(deal));
    record["deal"].as_object_mut().unwrap().remove("sample");
    let decoded = decode_deal(&record.to_string()).unwrap();
    assert!(!decoded.sample);
    assert_eq!(&decoded, deal);
}

#[test]
fn deal_keys_are_the_deal_prefix_and_the_id() {
    assert_eq!(deal_key("abc-123"), "pipewright.deal.abc-123");
    assert!(deal_key("x").starts_with(DEAL_PREFIX));
    assert!(DEAL_PREFIX.starts_with(PREFIX) && META_KEY.starts_with(PREFIX));
    assert!(UNREADABLE_PREFIX.starts_with(PREFIX));
    assert!(
        !UNREADABLE_PREFIX.starts_with(DEAL_PREFIX),
        "kept copies must not load as deals"
    );
}

// ---------------------------------------------------------------------------------------
// Loading

#[test]
fn a_stored_workspace_loads_whole_in_any_key_order() {
    let ws = workspace();
    let mut entries = stored(&ws);
    entries.reverse();
    entries.swap(0, 3);

    let loaded = load_entries(&entries);

    assert!(loaded.had_meta);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert_eq!(loaded.ws, with_deals_sorted(ws));
}

#[test]
fn a_first_visit_loads_an_empty_workspace() {
    let loaded = load(std::iter::empty(), Lang::En);
    assert!(!loaded.had_meta);
    assert!(loaded.unreadable.is_empty());
    assert_eq!(loaded.ws, Workspace::default());
}

#[test]
fn keys_that_are_not_the_workspace_are_left_alone() {
    let ws = workspace();
    let mut entries = stored(&ws);
    for (key, value) in [
        ("theme", "dark"),
        ("other-app.deal.1", "{}"),
        (LANG_KEY, "nb"),
        (LAST_BACKUP_KEY, "2026-11-01T10:00:00Z"),
        ("pipewright.unreadable.pipewright.deal.x", "{garbage"),
        ("pipewright.unreadable.pipewright.workspace", "{garbage"),
        ("pipewright.dealings", "not ours either"),
        ("pipewright.workspace.old", "{garbage"),
    ] {
        entries.insert(1, (key.to_string(), value.to_string()));
    }
    let loaded = load_entries(&entries);
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    assert_eq!(loaded.ws, with_deals_sorted(ws));

    let only_unrelated = [("theme".to_string(), "dark".to_string())];
    assert!(!load_entries(&only_unrelated).had_meta);
}

/// A deal record with one change made to its JSON.
fn edited_deal_record(deal: &Deal, edit: impl FnOnce(&mut Value)) -> String {
    let mut record = json_of(&encode_deal(deal));
    edit(&mut record);
    record.to_string()
}

#[test]
fn unreadable_deal_values_are_listed_and_everything_else_loads() {
    let ws = workspace();
    let template = ws.deal("full").unwrap().clone();
    let check = |raw: String, expected: &dyn Fn(&DecodeError) -> bool, label: &str| {
        let broken_key = deal_key("broken");
        let mut entries = stored(&ws);
        entries.insert(2, (broken_key.clone(), raw));
        let loaded = load_entries(&entries);
        assert_eq!(
            loaded.unreadable.len(),
            1,
            "{label}: {:?}",
            loaded.unreadable
        );
        let (key, error) = &loaded.unreadable[0];
        assert_eq!(key, &broken_key, "{label}");
        assert!(expected(error), "{label}: got {error:?}");
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
        edited_deal_record(&renamed, edit)
    };
    let not_json = |e: &DecodeError| matches!(e, DecodeError::NotJson(_));
    let wrong_format = |e: &DecodeError| {
        *e == DecodeError::WrongFormat {
            expected: DEAL_FORMAT,
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
        encode_meta(&ws),
        &wrong_format,
        "a meta record under a deal key",
    );
    check(
        broken(|r| r["format"] = json!("someone-else")),
        &wrong_format,
        "another format",
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
        &|e| {
            *e == DecodeError::NewerVersion {
                found: 2,
                known: STORE_VERSION,
            }
        },
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
        broken(|r| r["deal"]["rank"] = json!("first")),
        &invalid,
        "rank is not a number",
    );
    check(
        broken(|r| r["deal"]["id"] = json!("someone-else")),
        &|e| matches!(e, DecodeError::Invalid(detail) if detail.contains("id")),
        "the deal's id does not match its key",
    );
}

#[test]
fn json_that_is_not_a_record_is_a_wrong_format_not_broken_json() {
    // These values are valid JSON; saying "not JSON" about them would send the user looking
    // for the wrong problem.
    let check = |raw: &str| {
        assert_eq!(
            decode_deal(raw),
            Err(DecodeError::WrongFormat {
                expected: DEAL_FORMAT
            }),
            "{raw}"
        );
        assert_eq!(
            decode_meta(raw).map(|_| ()),
            Err(DecodeError::WrongFormat {
                expected: META_FORMAT
            }),
            "{raw}"
        );
    };
    check("42");
    check("null");
    check("\"pipewright-deal\"");
    check("[]");
    check("{}");
    check(r#"{"format": 5, "version": 1}"#);
    check(r#"{"format": "pipewright-deal", "version": "1"}"#);
    check(r#"{"format": "pipewright-workspace", "version": -1}"#);
}

#[test]
fn an_unreadable_meta_record_is_listed_and_the_deals_still_load() {
    let ws = workspace();
    let check = |raw: String, expected: DecodeErrorKind| {
        let mut entries = stored(&ws);
        entries[0].1 = raw;
        let loaded = load_entries(&entries);
        assert!(loaded.had_meta, "a meta record existed, readable or not");
        assert_eq!(loaded.unreadable.len(), 1);
        assert_eq!(loaded.unreadable[0].0, META_KEY);
        assert_eq!(
            kind(&loaded.unreadable[0].1),
            expected,
            "{:?}",
            loaded.unreadable[0].1
        );
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
    let mut record = json_of(&encode_meta(&ws));
    check("{\"format\":".into(), DecodeErrorKind::NotJson);
    check(encode_deal(&ws.deals[0]), DecodeErrorKind::WrongFormat);
    record["version"] = json!(STORE_VERSION + 1);
    record["boards"] = record["pipelines"].take();
    check(record.to_string(), DecodeErrorKind::NewerVersion);
    let mut record = json_of(&encode_meta(&ws));
    record["pipelines"][0]["currency"] = json!("XYZ");
    check(record.to_string(), DecodeErrorKind::Invalid);
    let mut record = json_of(&encode_meta(&ws));
    record["deals"] = json!([]);
    check(record.to_string(), DecodeErrorKind::Invalid);
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
fn several_unreadable_keys_are_all_listed_in_key_order() {
    let ws = workspace();
    let mut entries = stored(&ws);
    entries.push((deal_key("zz-broken"), "{".into()));
    entries.insert(0, (deal_key("aa-broken"), "[".into()));
    entries[1].1 = "{".into(); // the meta record
    let loaded = load_entries(&entries);
    let keys: Vec<&str> = loaded
        .unreadable
        .iter()
        .map(|(key, _)| key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "pipewright.deal.aa-broken",
            "pipewright.deal.zz-broken",
            META_KEY
        ]
    );
    assert_eq!(loaded.ws.deals.len(), ws.deals.len());
}

#[test]
fn decode_errors_say_what_is_wrong() {
    let check = |error: DecodeError, expected: &str| {
        assert_eq!(error.to_string(), expected);
    };
    check(DecodeError::NotJson("EOF".into()), "not JSON: EOF");
    check(
        DecodeError::WrongFormat {
            expected: DEAL_FORMAT,
        },
        "not a pipewright-deal record",
    );
    check(
        DecodeError::NewerVersion { found: 3, known: 1 },
        "written by a newer version (format 3, this app knows 1)",
    );
    check(
        DecodeError::Invalid("missing field".into()),
        "invalid: missing field",
    );
}

// ---------------------------------------------------------------------------------------
// Saving: the plan

#[test]
fn what_this_tab_saw_is_remembered_on_load() {
    let ws = workspace();
    let entries = stored(&ws);
    let (loaded_ws, saved) = open_tab(&entries);
    assert_eq!(saved.meta.as_deref(), Some(entries[0].1.as_str()));
    assert_eq!(saved.deal_revs.len(), ws.deals.len());
    for deal in &loaded_ws.deals {
        assert_eq!(
            saved.deal_revs.get(&deal.id),
            Some(&deal.rev),
            "{}",
            deal.id
        );
    }
    assert!(saved.protected.is_empty());
}

#[test]
fn nothing_is_written_when_nothing_changed() {
    let (ws, saved) = open_tab(&stored(&workspace()));
    assert_eq!(plan(&ws, &saved), []);
}

#[test]
fn a_first_save_writes_everything_expecting_empty_keys() {
    let ws = workspace();
    let writes = plan(&ws, &Saved::default());
    assert_eq!(writes.len(), 1 + ws.deals.len());
    assert_eq!(
        writes[0],
        Write::Put {
            key: META_KEY.into(),
            value: encode_meta(&ws),
            expect: Expect::Meta(None),
        }
    );
    for (write, deal) in writes[1..].iter().zip(&ws.deals) {
        assert_eq!(
            write,
            &Write::Put {
                key: deal_key(&deal.id),
                value: encode_deal(deal),
                expect: Expect::Nothing,
            }
        );
    }
}

#[test]
fn a_changed_deal_is_the_only_write() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let stage_id = ws.pipelines[0].stages[2].id.clone();
    let old_rev = ws.deal("full").unwrap().rev;
    ws.move_deal("full", &stage_id, 0, now() + Duration::hours(1))
        .unwrap();

    let writes = plan(&ws, &saved);

    assert_eq!(
        writes,
        [Write::Put {
            key: deal_key("full"),
            value: encode_deal(ws.deal("full").unwrap()),
            expect: Expect::DealRev(old_rev),
        }]
    );
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
fn a_change_to_pipelines_or_lost_reasons_writes_only_the_meta_record() {
    let entries = stored(&workspace());
    let check = |change: &dyn Fn(&mut Workspace)| {
        let (mut ws, saved) = open_tab(&entries);
        change(&mut ws);
        assert_eq!(
            plan(&ws, &saved),
            [Write::Put {
                key: META_KEY.into(),
                value: encode_meta(&ws),
                expect: Expect::Meta(Some(entries[0].1.clone())),
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
fn deleted_deals_are_removed_in_key_order_expecting_the_revision_last_seen() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let doomed = ["id-20", "full", "id-15"];
    for deal_id in doomed {
        ws.delete_deal(deal_id).unwrap();
    }
    let rev_of = |id: &str| saved.deal_revs[id];
    assert_eq!(
        plan(&ws, &saved),
        [
            Write::Remove {
                key: deal_key("full"),
                expect: Expect::DealRev(rev_of("full")),
            },
            Write::Remove {
                key: deal_key("id-15"),
                expect: Expect::DealRev(rev_of("id-15")),
            },
            Write::Remove {
                key: deal_key("id-20"),
                expect: Expect::DealRev(rev_of("id-20")),
            },
        ]
    );
}

#[test]
fn a_new_deal_is_written_expecting_its_key_empty() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let pipeline_id = ws.pipelines[1].id.clone();
    let stage_id = ws.pipelines[1].stages[0].id.clone();
    let draft = DealDraft::quick("New", Money::new(100, Currency::nok()));
    ws.add_deal(&pipeline_id, &stage_id, "brand-new".into(), draft, now())
        .unwrap();
    assert_eq!(
        plan(&ws, &saved),
        [Write::Put {
            key: deal_key("brand-new"),
            value: encode_deal(ws.deal("brand-new").unwrap()),
            expect: Expect::Nothing,
        }]
    );
}

#[test]
fn deleting_a_pipeline_writes_the_meta_record_and_removes_its_deals() {
    let (mut ws, saved) = open_tab(&stored(&workspace()));
    let sales_id = ws.pipelines[0].id.clone();
    let n_removed = ws.delete_pipeline(&sales_id).unwrap();
    let writes = plan(&ws, &saved);
    // Removals first, the meta record last: another tab taking them one at a time never
    // sees a deal whose pipeline is gone (which it would have to recover).
    assert_eq!(writes.len(), 1 + n_removed);
    assert!(matches!(&writes[n_removed], Write::Put { key, .. } if key == META_KEY));
    assert!(writes[..n_removed]
        .iter()
        .all(|w| matches!(w, Write::Remove { .. })));
}

#[test]
fn protected_keys_are_never_written() {
    let (mut ws, mut saved) = open_tab(&stored(&workspace()));
    saved.protected = vec![META_KEY.to_string(), deal_key("full")];
    let id = ws.pipelines[0].id.clone();
    ws.rename_pipeline(&id, "Renamed").unwrap();
    ws.update_deal(
        "full",
        DealDraft::quick("Changed", Money::new(1, Currency::nok())),
        now(),
    )
    .unwrap();
    ws.update_deal(
        "id-15",
        DealDraft::quick("Also changed", Money::new(1, Currency::nok())),
        now(),
    )
    .unwrap();

    let written: Vec<String> = plan(&ws, &saved)
        .into_iter()
        .map(|write| match write {
            Write::Put { key, .. } | Write::Remove { key, .. } => key,
        })
        .collect();

    assert_eq!(written, [deal_key("id-15")]);
}

// ---------------------------------------------------------------------------------------
// Expectations, and two tabs

#[test]
fn expectations_hold_only_for_what_this_tab_last_saw() {
    let ws = workspace();
    let deal = ws.deal("full").unwrap().clone();
    let at_rev = |rev: u64| {
        encode_deal(&Deal {
            rev,
            ..deal.clone()
        })
    };
    let meta = encode_meta(&ws);
    let check = |expect: Expect, stored: Option<&str>, expected: bool| {
        assert_eq!(
            expectation_holds(&expect, stored),
            expected,
            "{expect:?} with {:?}",
            stored.map(|s| s.get(..40).unwrap_or(s))
        );
    };
    check(Expect::Nothing, None, true);
    check(Expect::Nothing, Some(""), false);
    check(Expect::Nothing, Some(&at_rev(1)), false);
    check(Expect::Meta(None), None, true);
    check(Expect::Meta(None), Some(&meta), false);
    check(Expect::Meta(Some(meta.clone())), Some(&meta), true);
    check(
        Expect::Meta(Some(meta.clone())),
        Some(&format!("{meta} ")),
        false,
    );
    check(Expect::Meta(Some(meta.clone())), None, false);
    check(Expect::DealRev(3), Some(&at_rev(3)), true);
    check(Expect::DealRev(3), Some(&at_rev(4)), false);
    check(Expect::DealRev(3), Some(&at_rev(2)), false);
    check(Expect::DealRev(3), None, false);
    check(Expect::DealRev(3), Some("{broken"), false);
    check(Expect::DealRev(3), Some(&meta), false);
}

#[test]
fn what_the_plan_writes_loads_back_as_the_same_workspace() {
    let mut store = BTreeMap::new();
    let mut saved = Saved::default();
    let mut ws = workspace();
    assert_eq!(
        apply(&mut store, plan(&ws, &saved), &mut saved),
        Vec::<String>::new()
    );
    assert_eq!(
        load_entries(&store_entries(&store)).ws,
        with_deals_sorted(ws.clone())
    );

    let stage_id = ws.pipelines[0].stages[1].id.clone();
    ws.move_deal("full", &stage_id, 0, now() + Duration::hours(2))
        .unwrap();
    ws.delete_deal("id-15").unwrap();
    ws.add_lost_reason("Budsjettkutt").unwrap();
    ws.mark_won("id-16", now() + Duration::hours(3)).unwrap();
    assert_eq!(
        apply(&mut store, plan(&ws, &saved), &mut saved),
        Vec::<String>::new()
    );

    assert_eq!(
        load_entries(&store_entries(&store)).ws,
        with_deals_sorted(ws.clone())
    );
    assert_eq!(
        plan(&ws, &saved),
        [],
        "a saved workspace needs no more writes"
    );
}

#[test]
fn two_tabs_editing_different_deals_both_save_and_the_same_deal_is_a_conflict() {
    let mut store: BTreeMap<String, String> = stored(&workspace()).into_iter().collect();
    let (mut tab_a, mut saved_a) = open_tab(&store_entries(&store));
    let (mut tab_b, mut saved_b) = open_tab(&store_entries(&store));
    let later = now() + Duration::hours(1);

    tab_a.mark_won("id-15", later).unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Vec::<String>::new()
    );

    tab_b.mark_lost("id-16", "Pris", "", later).unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b),
        Vec::<String>::new(),
        "a different deal is a different key"
    );

    // Both tabs now change the same deal; the second to save must not overwrite the first.
    tab_a
        .update_deal(
            "full",
            DealDraft::quick("From tab A", Money::new(1, Currency::nok())),
            later,
        )
        .unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Vec::<String>::new()
    );
    tab_b
        .update_deal(
            "full",
            DealDraft::quick("From tab B", Money::new(2, Currency::nok())),
            later,
        )
        .unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b),
        [deal_key("full")]
    );
    assert_eq!(
        decode_deal(&store[&deal_key("full")]).unwrap().title,
        "From tab A"
    );

    // The same holds for the meta record.
    tab_a.add_lost_reason("Fra fane A").unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Vec::<String>::new()
    );
    tab_b.add_lost_reason("Fra fane B").unwrap();
    let refused = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert!(refused.contains(&META_KEY.to_string()), "{refused:?}");
    assert!(store[META_KEY].contains("Fra fane A"));

    // A deal another tab already deleted is not resurrected by a stale write.
    tab_a.delete_deal("id-17").unwrap();
    assert_eq!(
        apply(&mut store, plan(&tab_a, &saved_a), &mut saved_a),
        Vec::<String>::new()
    );
    tab_b
        .update_deal(
            "id-17",
            DealDraft::quick("Stale", Money::new(3, Currency::nok())),
            later,
        )
        .unwrap();
    let refused = apply(&mut store, plan(&tab_b, &saved_b), &mut saved_b);
    assert!(refused.contains(&deal_key("id-17")), "{refused:?}");
    assert!(!store.contains_key(&deal_key("id-17")));
}
