//! Integrity: every state the rules can reach is valid, and restorable from its own backup.
//! A property test drives random sequences of every user action, including ones that fail,
//! and after each step checks that the workspace passes the import's rules, that a failed
//! action changed nothing, and that export → import → export gives the same file. Beside
//! it: the four ways the app once broke that promise, each pinned as a test.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{id_source, start};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pipewright::backup::{
    add_beside, check_workspace, export_workspace, parse_backup, replace, verify_export,
    ImportError,
};
use pipewright::domain::edit_merge::{merge_edit, DealEdit, Field};
use pipewright::domain::ops::MAX_NAME_CHARS;
use pipewright::domain::recovery::recover;
use pipewright::domain::sample::sample_deals;
use pipewright::domain::templates::{pipeline_from_template, TemplateKind};
use pipewright::domain::undo::{Baseline, History};
use pipewright::domain::Deal;
use pipewright::domain::{
    default_lost_reasons, Contact, Currency, DealDraft, DomainError, Money, NextStep, StageDraft,
    StageId, Workspace,
};
use pipewright::i18n::Lang;
use pipewright::storage::codec::{
    adopt, bucket_of, chunk_key, encode_chunk, encode_meta, encode_store, load, merge_chunk, plan,
    v1, Adopted, Saved, Write, BUCKETS, META_KEY,
};
use proptest::prelude::*;

/// A name for a pipeline, stage or deal: usually fine, sometimes blank or too long.
fn name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[A-Za-zÆØÅæøå0-9 <>&\"]{1,30}",
        1 => Just("   ".to_string()),
        1 => Just("x".repeat(MAX_NAME_CHARS + 1)),
        1 => Just("y".repeat(MAX_NAME_CHARS)),
    ]
}

/// What a user can do, with indices into whatever exists at the time (taken modulo the
/// count, so most actions hit something; out-of-range choices test the "not found" paths).
#[derive(Clone, Debug)]
enum Action {
    CreatePipeline {
        template: usize,
        name: String,
        samples: bool,
        reuse_id: bool,
    },
    RenamePipeline {
        p: usize,
        name: String,
    },
    SetCurrency {
        p: usize,
        code: &'static str,
    },
    DuplicatePipeline {
        p: usize,
        name: String,
    },
    DeletePipeline {
        p: usize,
    },
    AddStage {
        p: usize,
        at: usize,
        name: String,
        probability: u8,
        reuse_id: bool,
    },
    EditStage {
        p: usize,
        s: usize,
        name: String,
        probability: u8,
        rot_days: u32,
    },
    ReorderStage {
        p: usize,
        s: usize,
        to: usize,
    },
    RemoveStage {
        p: usize,
        s: usize,
        target: Option<usize>,
    },
    AddDeal {
        p: usize,
        s: usize,
        title: String,
        minor: i64,
        reuse_id: bool,
    },
    SaveDeal {
        d: usize,
        title: String,
        minor: i64,
        probability: Option<u8>,
        s: usize,
        notes: String,
    },
    MoveDeal {
        d: usize,
        s: usize,
        index: usize,
    },
    MarkWon {
        d: usize,
    },
    MarkLost {
        d: usize,
        reason: String,
    },
    Reopen {
        d: usize,
    },
    DeleteDeal {
        d: usize,
    },
    RemoveSamples {
        p: usize,
    },
    AddLostReason {
        reason: String,
    },
    RemoveLostReason {
        r: usize,
    },
    AddBesideOwnBackup,
    ReplaceWithOwnBackup,
}

fn action_strategy() -> impl Strategy<Value = Action> {
    let idx = 0usize..6;
    prop_oneof![
        2 => (0usize..4, name_strategy(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(
            |(template, name, samples, reuse_id)| Action::CreatePipeline { template, name, samples, reuse_id }),
        1 => (idx.clone(), name_strategy()).prop_map(|(p, name)| Action::RenamePipeline { p, name }),
        1 => (idx.clone(), prop::sample::select(vec!["NOK", "EUR", "JPY", "KWD"]))
            .prop_map(|(p, code)| Action::SetCurrency { p, code }),
        1 => (idx.clone(), name_strategy()).prop_map(|(p, name)| Action::DuplicatePipeline { p, name }),
        1 => idx.clone().prop_map(|p| Action::DeletePipeline { p }),
        1 => (idx.clone(), 0usize..8, name_strategy(), 0u8..=110, prop::bool::weighted(0.15)).prop_map(
            |(p, at, name, probability, reuse_id)| Action::AddStage { p, at, name, probability, reuse_id }),
        1 => (idx.clone(), 0usize..8, name_strategy(), 0u8..=110, 0u32..40).prop_map(
            |(p, s, name, probability, rot_days)| Action::EditStage { p, s, name, probability, rot_days }),
        1 => (idx.clone(), 0usize..8, 0usize..8).prop_map(|(p, s, to)| Action::ReorderStage { p, s, to }),
        2 => (idx.clone(), 0usize..8, prop::option::of(0usize..8))
            .prop_map(|(p, s, target)| Action::RemoveStage { p, s, target }),
        4 => (idx.clone(), 0usize..8, name_strategy(), -5i64..2_000_000, prop::bool::weighted(0.1)).prop_map(
            |(p, s, title, minor, reuse_id)| Action::AddDeal { p, s, title, minor, reuse_id }),
        3 => (0usize..40, name_strategy(), -5i64..2_000_000, prop::option::of(0u8..=110), 0usize..8, "[a-z ]{0,20}")
            .prop_map(|(d, title, minor, probability, s, notes)| Action::SaveDeal { d, title, minor, probability, s, notes }),
        4 => (0usize..40, 0usize..8, 0usize..10).prop_map(|(d, s, index)| Action::MoveDeal { d, s, index }),
        1 => (0usize..40).prop_map(|d| Action::MarkWon { d }),
        1 => (0usize..40, name_strategy()).prop_map(|(d, reason)| Action::MarkLost { d, reason }),
        1 => (0usize..40).prop_map(|d| Action::Reopen { d }),
        1 => (0usize..40).prop_map(|d| Action::DeleteDeal { d }),
        1 => idx.clone().prop_map(|p| Action::RemoveSamples { p }),
        1 => name_strategy().prop_map(|reason| Action::AddLostReason { reason }),
        1 => (0usize..8).prop_map(|r| Action::RemoveLostReason { r }),
        1 => Just(Action::AddBesideOwnBackup),
        1 => Just(Action::ReplaceWithOwnBackup),
    ]
}

/// Picks the `n`th of `count` things, or a name that exists nowhere when `n` is past the end.
fn pick<T: Clone>(items: &[T], n: usize, missing: T) -> T {
    items.get(n).cloned().unwrap_or(missing)
}

struct World {
    ws: Workspace,
    next_id: u64,
}

impl World {
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("id-{}", self.next_id)
    }

    fn pipeline_id(&self, p: usize) -> String {
        let ids: Vec<String> = self.ws.pipelines.iter().map(|p| p.id.to_string()).collect();
        pick(&ids, p, "no-such-pipeline".into())
    }

    fn stage_id(&self, pipeline_id: &str, s: usize) -> String {
        let ids: Vec<String> = self
            .ws
            .pipeline(pipeline_id)
            .map(|p| p.stages.iter().map(|s| s.id.to_string()).collect())
            .unwrap_or_default();
        pick(&ids, s, "no-such-stage".into())
    }

    fn deal_id(&self, d: usize) -> String {
        let ids: Vec<String> = self.ws.deals.iter().map(|d| d.id.to_string()).collect();
        pick(&ids, d, "no-such-deal".into())
    }

    /// A stage id already in use (on a pipeline or in a deal's history), to test that the
    /// rules refuse it.
    fn used_stage_id(&self) -> String {
        self.ws
            .pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(|s| s.id.to_string()))
            .chain(
                self.ws
                    .deals
                    .iter()
                    .flat_map(|d| d.history.iter().map(|h| h.to.to_string())),
            )
            .last()
            .unwrap_or_else(|| "id-1".into())
    }

    /// A deal id already in use.
    fn used_deal_id(&self) -> String {
        self.ws
            .deals
            .last()
            .map_or_else(|| "id-1".into(), |d| d.id.to_string())
    }

    /// Carries out one action the way the UI does: one rule call.
    fn act(&mut self, action: &Action, now: DateTime<Utc>) -> Result<(), DomainError> {
        match action.clone() {
            Action::CreatePipeline {
                template,
                name,
                samples,
                reuse_id,
            } => {
                let kind = TemplateKind::ALL[template % TemplateKind::ALL.len()];
                let reused = self.used_stage_id();
                let mut ids = || self.new_id();
                let mut pipeline =
                    pipeline_from_template(kind, Lang::En, &name, Currency::nok(), now, &mut ids);
                if reuse_id {
                    pipeline.stages[0].id = reused.into();
                }
                let reasons = if self.ws.lost_reasons.is_empty() {
                    default_lost_reasons(Lang::En)
                } else {
                    self.ws.lost_reasons.clone()
                };
                let deals = if samples {
                    let mut ids = || self.new_id();
                    sample_deals(&pipeline, Lang::En, &reasons, now, &mut ids)
                } else {
                    Vec::new()
                };
                self.ws.create_pipeline(pipeline, deals, reasons)
            }
            Action::RenamePipeline { p, name } => {
                let id = self.pipeline_id(p);
                self.ws.rename_pipeline(&id, &name)
            }
            Action::SetCurrency { p, code } => {
                let id = self.pipeline_id(p);
                self.ws
                    .set_pipeline_currency(&id, Currency::parse(code).unwrap())
            }
            Action::DuplicatePipeline { p, name } => {
                let id = self.pipeline_id(p);
                let mut n = self.next_id;
                let result = self.ws.duplicate_pipeline(&id, &name, now, &mut || {
                    n += 1;
                    format!("id-{n}")
                });
                self.next_id = n;
                result.map(|_| ())
            }
            Action::DeletePipeline { p } => {
                let id = self.pipeline_id(p);
                self.ws.delete_pipeline(&id).map(|_| ())
            }
            Action::AddStage {
                p,
                at,
                name,
                probability,
                reuse_id,
            } => {
                let id = self.pipeline_id(p);
                let stage_id = if reuse_id {
                    self.used_stage_id()
                } else {
                    self.new_id()
                };
                let draft = StageDraft {
                    name,
                    guidance: String::new(),
                    probability,
                    rot_days: 14,
                };
                self.ws.add_stage(&id, at, stage_id.into(), draft)
            }
            Action::EditStage {
                p,
                s,
                name,
                probability,
                rot_days,
            } => {
                let id = self.pipeline_id(p);
                let stage_id = self.stage_id(&id, s);
                let draft = StageDraft {
                    name,
                    guidance: "g".into(),
                    probability,
                    rot_days,
                };
                self.ws.edit_stage(&id, &stage_id, draft)
            }
            Action::ReorderStage { p, s, to } => {
                let id = self.pipeline_id(p);
                let stage_id = self.stage_id(&id, s);
                self.ws.reorder_stage(&id, &stage_id, to)
            }
            Action::RemoveStage { p, s, target } => {
                let id = self.pipeline_id(p);
                let stage_id = self.stage_id(&id, s);
                let target = target.map(|t| self.stage_id(&id, t));
                self.ws
                    .remove_stage(&id, &stage_id, target.map(StageId::from).as_ref(), now)
                    .map(|_| ())
            }
            Action::AddDeal {
                p,
                s,
                title,
                minor,
                reuse_id,
            } => {
                let id = self.pipeline_id(p);
                let stage_id = self.stage_id(&id, s);
                let deal_id = if reuse_id {
                    self.used_deal_id()
                } else {
                    self.new_id()
                };
                let draft = DealDraft::quick(&title, Money::new(minor, Currency::nok()));
                self.ws
                    .add_deal(&id, &stage_id, deal_id.into(), draft, now)
                    .map(|_| ())
            }
            Action::SaveDeal {
                d,
                title,
                minor,
                probability,
                s,
                notes,
            } => {
                let deal_id = self.deal_id(d);
                let (pipeline_id, stage_now) = self
                    .ws
                    .deal(&deal_id)
                    .map(|d| (d.pipeline_id.clone(), d.stage_id.clone()))
                    .unwrap_or_default();
                // Often the stage is left as it is, as in most saves.
                let to_stage = if s % 2 == 0 {
                    stage_now.to_string()
                } else {
                    self.stage_id(&pipeline_id, s / 2)
                };
                let draft = DealDraft {
                    title,
                    organisation: "Org".into(),
                    contact: Contact::default(),
                    amount: Money::new(minor, Currency::parse("EUR").unwrap()),
                    expected_close: NaiveDate::from_ymd_opt(2026, 6, 30),
                    probability,
                    notes,
                    next_step: NextStep {
                        text: "Call".into(),
                        due: None,
                    },
                };
                self.ws.save_deal(&deal_id, draft, &to_stage, now)
            }
            Action::MoveDeal { d, s, index } => {
                let deal_id = self.deal_id(d);
                let pipeline_id = self
                    .ws
                    .deal(&deal_id)
                    .map(|d| d.pipeline_id.clone())
                    .unwrap_or_default();
                let stage_id = self.stage_id(&pipeline_id, s);
                self.ws.move_deal(&deal_id, &stage_id, index, now)
            }
            Action::MarkWon { d } => {
                let deal_id = self.deal_id(d);
                self.ws.mark_won(&deal_id, now)
            }
            Action::MarkLost { d, reason } => {
                let deal_id = self.deal_id(d);
                self.ws.mark_lost(&deal_id, &reason, "note", now)
            }
            Action::Reopen { d } => {
                let deal_id = self.deal_id(d);
                self.ws.reopen(&deal_id, now)
            }
            Action::DeleteDeal { d } => {
                let deal_id = self.deal_id(d);
                self.ws.delete_deal(&deal_id)
            }
            Action::RemoveSamples { p } => {
                let id = self.pipeline_id(p);
                self.ws.remove_sample_deals(&id);
                Ok(())
            }
            Action::AddLostReason { reason } => self.ws.add_lost_reason(&reason),
            Action::RemoveLostReason { r } => {
                let reason = pick(&self.ws.lost_reasons, r, "no such reason".into());
                self.ws.remove_lost_reason(&reason)
            }
            Action::AddBesideOwnBackup => {
                let file = export_workspace(&self.ws, "test", now);
                let backup = parse_backup(file.as_bytes()).expect("its own backup imports");
                let mut n = self.next_id;
                add_beside(&mut self.ws, backup.workspace, &mut || {
                    n += 1;
                    format!("id-{n}")
                });
                self.next_id = n;
                Ok(())
            }
            Action::ReplaceWithOwnBackup => {
                let file = export_workspace(&self.ws, "test", now);
                let backup = parse_backup(file.as_bytes()).expect("its own backup imports");
                replace(&mut self.ws, backup.workspace);
                Ok(())
            }
        }
    }
}

/// The invariant: valid by the import's rules, and export → import → export is identical.
fn assert_restorable(ws: &Workspace, now: DateTime<Utc>) {
    assert_eq!(check_workspace(ws), Ok(()), "{ws:#?}");
    let file = export_workspace(ws, "test", now);
    let file = verify_export(file).expect("the export passes its own check");
    let backup = parse_backup(file.as_bytes()).expect("the export imports");
    assert_eq!(&backup.workspace, ws);
    assert_eq!(export_workspace(&backup.workspace, "test", now), file);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_sequence_of_user_actions_keeps_the_workspace_valid_and_restorable(
        actions in prop::collection::vec(action_strategy(), 1..45),
    ) {
        let mut world = World { ws: Workspace::default(), next_id: 0 };
        for (step, action) in actions.iter().enumerate() {
            let now = start() + Duration::minutes(step as i64 * 37);
            let before = world.ws.clone();
            if world.act(action, now).is_err() {
                prop_assert_eq!(&world.ws, &before, "a failed {:?} changed the workspace", action);
            }
            assert_restorable(&world.ws, now);
        }
    }
}

/// A workspace with every revision set to 0: undo gives back earlier values under new
/// revisions, so two states are compared without them.
fn without_revs(ws: &Workspace) -> Workspace {
    let mut ws = ws.clone();
    for deal in &mut ws.deals {
        deal.rev = 0;
    }
    ws.deals.sort_by(|a, b| a.id.cmp(&b.id));
    ws
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Undo takes every random sequence of user actions back to where it began, one change
    /// at a time, through states that are each valid and restorable; redo then makes them
    /// all again. Every state passed on the way back is one the user saw.
    #[test]
    fn undo_walks_back_through_every_state_and_redo_forward_again(
        actions in prop::collection::vec(action_strategy(), 1..30),
    ) {
        let mut world = World { ws: Workspace::default(), next_id: 0 };
        let mut baseline = Baseline::of(&world.ws);
        let mut history = History::default();
        let mut seen = vec![without_revs(&world.ws)];
        for (step, action) in actions.iter().enumerate() {
            let now = start() + Duration::minutes(step as i64 * 37);
            if world.act(action, now).is_ok() {
                if let Some(change) = baseline.advance(&world.ws) {
                    history.record(change, format!("{action:?}"));
                    seen.push(without_revs(&world.ws));
                }
            }
        }
        let end = start() + Duration::days(30);
        let mut back = seen.len() - 1;
        while let Some((change, _)) = history.last_done().cloned() {
            prop_assert_eq!(world.ws.revert(&change), Ok(()));
            let inverse = baseline.advance(&world.ws).expect("an undo changes something");
            history.undone(inverse);
            back -= 1;
            prop_assert_eq!(&without_revs(&world.ws), &seen[back]);
            assert_restorable(&world.ws, end);
        }
        prop_assert_eq!(back, 0);
        while let Some((change, _)) = history.last_undone().cloned() {
            prop_assert_eq!(world.ws.revert(&change), Ok(()));
            let inverse = baseline.advance(&world.ws).expect("a redo changes something");
            history.redone(inverse);
            back += 1;
            prop_assert_eq!(&without_revs(&world.ws), &seen[back]);
            assert_restorable(&world.ws, end);
        }
        prop_assert_eq!(back, seen.len() - 1);
    }
}

// ---------------------------------------------------------------------------------------
// The four cases of the issue, at the level of the core.

#[test]
fn a_name_too_long_with_sample_deals_leaves_the_workspace_untouched() {
    let mut ws = Workspace::default();
    let mut ids = id_source("id");
    let name = "n".repeat(MAX_NAME_CHARS + 1);
    let pipeline = pipeline_from_template(
        TemplateKind::Startup,
        Lang::En,
        &name,
        Currency::nok(),
        start(),
        &mut ids,
    );
    let reasons = default_lost_reasons(Lang::En);
    let deals = sample_deals(&pipeline, Lang::En, &reasons, start(), &mut ids);
    assert_eq!(deals.len(), 55);
    assert_eq!(
        ws.create_pipeline(pipeline, deals, reasons),
        Err(DomainError::NameTooLong {
            max: MAX_NAME_CHARS
        })
    );
    assert_eq!(ws, Workspace::default());
}

fn startup_with_samples() -> Workspace {
    let mut ws = Workspace::default();
    let mut ids = id_source("id");
    let pipeline = pipeline_from_template(
        TemplateKind::Startup,
        Lang::En,
        "Sales",
        Currency::nok(),
        start(),
        &mut ids,
    );
    let reasons = default_lost_reasons(Lang::En);
    let deals = sample_deals(&pipeline, Lang::En, &reasons, start(), &mut ids);
    ws.create_pipeline(pipeline, deals, reasons).unwrap();
    ws
}

/// What storage holds after `ws` was written: its record first, then its chunks.
fn entries_of(ws: &Workspace) -> Vec<(String, String)> {
    encode_store(ws, BUCKETS)
}

/// `deals` stored with no workspace record: in chunks (format 2), or one key each as the
/// previous release stored them (format 1, still read).
fn deal_entries(deals: &[Deal], format_1: bool) -> Vec<(String, String)> {
    if format_1 {
        return deals
            .iter()
            .map(|d| (v1::deal_key(&d.id), v1::encode_deal(d)))
            .collect();
    }
    let ws = Workspace {
        deals: deals.to_vec(),
        ..Workspace::default()
    };
    encode_store(&ws, BUCKETS)
        .into_iter()
        .filter(|(key, _)| key != META_KEY)
        .collect()
}

/// The key a deal is stored under, in either format.
fn key_of(deal: &Deal, format_1: bool) -> String {
    if format_1 {
        v1::deal_key(&deal.id)
    } else {
        chunk_key(bucket_of(&deal.id, BUCKETS))
    }
}

/// What a tab that has stored nothing yet believes is stored.
fn first_visit() -> Saved {
    load(std::iter::empty(), Lang::En).saved
}

#[test]
fn an_unreadable_workspace_record_brings_every_deal_back_in_recovered_deals() {
    let ws = startup_with_samples();
    let mut entries = entries_of(&ws);
    entries[0].1 = "{\"broken".into();
    for lang in Lang::ALL {
        let loaded = load(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())), lang);
        assert_eq!(loaded.unreadable.len(), 1);
        assert_eq!(loaded.ws.deals.len(), ws.deals.len(), "no deal is hidden");
        assert_eq!(loaded.ws.pipelines.len(), 1);
        let recovered = &loaded.ws.pipelines[0];
        assert_eq!(
            recovered.id, ws.pipelines[0].id,
            "it takes the lost pipeline's id"
        );
        let expected_name = match lang {
            Lang::Nb => "Gjenopprettede avtaler",
            Lang::En => "Recovered deals",
        };
        assert_eq!(recovered.name, expected_name);
        // Rebuilt from the deals' stage ids, in the order their histories show.
        let original: Vec<&str> = ws.pipelines[0]
            .stages
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let rebuilt: Vec<&str> = recovered.stages.iter().map(|s| s.id.as_str()).collect();
        let mut expected = original.clone();
        expected.retain(|id| rebuilt.contains(id));
        assert_eq!(rebuilt, expected);
        assert_eq!(loaded.recovered.n_deals, ws.deals.len());
        assert_restorable(&loaded.ws, start());
    }
}

#[test]
fn a_deal_whose_stage_was_removed_in_another_tab_gets_its_stage_back() {
    let mut ws = startup_with_samples();
    let pipeline_id = ws.pipelines[0].id.clone();
    let removed = ws.pipelines[0].stages[1].id.clone();
    let n_in_removed = ws.deals.iter().filter(|d| d.stage_id == removed).count();
    assert!(n_in_removed > 0);
    ws.pipelines[0].stages.retain(|s| s.id != removed);
    let report = recover(&mut ws, Lang::En);
    assert_eq!(report.n_deals, n_in_removed);
    assert_eq!(report.n_stages_restored, 1);
    let pipeline = ws.pipeline(&pipeline_id).unwrap();
    assert_eq!(pipeline.stages.last().unwrap().id, removed);
    assert_eq!(pipeline.stages.last().unwrap().name, "Recovered stage");
    assert_restorable(&ws, start());
}

#[test]
fn another_tabs_deal_in_a_pipeline_this_tab_lacks_is_recovered_not_hidden() {
    let other_tab = startup_with_samples();
    let (mut ws, mut saved) = (Workspace::default(), first_visit());
    let deal = &other_tab.deals[0];
    let adopted = adopt(
        &mut ws,
        &mut saved,
        &key_of(deal, false),
        Some(&encode_chunk(&[deal])),
        Lang::En,
    );
    let Adopted::Changed(report) = adopted else {
        panic!("the deal was not taken: {adopted:?}");
    };
    assert_eq!(report.n_deals, 1);
    assert_eq!(ws.deals, vec![deal.clone()]);
    assert_eq!(ws.pipelines[0].id, deal.pipeline_id);
    assert_restorable(&ws, start());
}

#[test]
fn another_tabs_record_that_breaks_the_rules_is_not_taken() {
    let entries = entries_of(&startup_with_samples());
    let loaded = load(
        entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        Lang::En,
    );
    let (mut ws, mut saved) = (loaded.ws, loaded.saved);
    let before = ws.clone();
    let mut deal = ws.deals[0].clone();
    deal.title = "t".repeat(MAX_NAME_CHARS + 1);
    // The deal's chunk as another tab would write it, with every other deal of it intact.
    let bucket = bucket_of(&deal.id, BUCKETS);
    let mut chunk: Vec<&Deal> = ws
        .deals
        .iter()
        .filter(|d| bucket_of(&d.id, BUCKETS) == bucket && d.id != deal.id)
        .collect();
    chunk.push(&deal);
    chunk.sort_by(|a, b| a.id.cmp(&b.id));
    let value = encode_chunk(&chunk);
    let adopted = adopt(
        &mut ws,
        &mut saved,
        &chunk_key(bucket),
        Some(&value),
        Lang::En,
    );
    assert!(
        matches!(&adopted, Adopted::Unreadable(err) if err.to_string().contains("too long")),
        "{adopted:?}"
    );
    assert_eq!(ws, before);

    let mut meta = serde_json::from_str::<serde_json::Value>(&encode_meta(
        &ws.pipelines,
        &ws.lost_reasons,
        BUCKETS,
    ))
    .unwrap();
    meta["pipelines"][0]["stages"] = serde_json::json!([]);
    let adopted = adopt(
        &mut ws,
        &mut saved,
        META_KEY,
        Some(&meta.to_string()),
        Lang::En,
    );
    assert!(matches!(adopted, Adopted::Unreadable(_)), "{adopted:?}");
    assert_eq!(ws, before);
}

#[test]
fn a_first_visit_plans_no_write_until_something_changes() {
    let loaded = load(std::iter::empty(), Lang::En);
    // The empty workspace differs from "nothing stored" only by its record; the app's
    // save effect skips its first run, and the plan for a changed workspace starts with it.
    let mut ws = loaded.ws.clone();
    ws.add_lost_reason("Price").unwrap();
    let writes = plan(&ws, &loaded.saved);
    assert!(matches!(&writes[..], [Write::Meta { expect: None, .. }]));
    // The first deal follows the record, in its chunk.
    let ws = startup_with_samples();
    let writes = plan(&ws, &loaded.saved);
    assert!(matches!(&writes[0], Write::Meta { expect: None, .. }));
    assert!(writes[1..].iter().all(|w| matches!(w, Write::Chunk(_))));
}

#[test]
fn an_export_its_import_refuses_is_caught_with_the_data_kept() {
    let mut ws = startup_with_samples();
    // A state the rules never make: a deal in a pipeline that is not there.
    ws.pipelines.clear();
    let raw = export_workspace(&ws, "test", start());
    let failed = verify_export(raw.clone()).expect_err("the check catches it");
    assert_eq!(failed.raw, raw, "the data is handed over unchanged");
    assert!(
        matches!(failed.error, ImportError::UnknownPipeline { .. }),
        "{:?}",
        failed.error
    );
    assert!(check_workspace(&ws).is_err());
}

// ---------------------------------------------------------------------------------------
// Two tabs, one deal: the editor's merge.

fn edit_of(title: &str, notes: &str, stage: &str) -> DealEdit {
    let mut draft = DealDraft::quick(title, Money::new(100, Currency::nok()));
    draft.notes = notes.into();
    DealEdit {
        draft,
        stage_id: stage.into(),
    }
}

#[test]
fn a_field_changed_on_one_side_only_keeps_that_sides_value() {
    let base = edit_of("Old title", "", "lead");
    let theirs = edit_of("New title", "", "lead");
    let mine = edit_of("Old title", "My notes", "proposal");
    let merged = merge_edit(&base, &theirs, &mine).unwrap();
    assert_eq!(merged, edit_of("New title", "My notes", "proposal"));
}

#[test]
fn a_field_both_sides_changed_differently_is_a_conflict_to_settle() {
    let base = edit_of("Old", "", "lead");
    let theirs = edit_of("Theirs", "n", "lead");
    let mine = edit_of("Mine", "n", "lead");
    assert_eq!(merge_edit(&base, &theirs, &mine), Err(vec![Field::Title]));
    // The same change on both sides is no conflict.
    let mine = edit_of("Theirs", "", "lead");
    assert_eq!(
        merge_edit(&base, &theirs, &mine),
        Ok(edit_of("Theirs", "n", "lead"))
    );
}

// ---------------------------------------------------------------------------------------
// Another tab takes this tab's writes one `storage` event at a time.

/// Applies `change` in tab A and hands each planned write to tab B as its storage event
/// would: after every single one, B's workspace is valid and needed no recovery.
fn other_tab_follows(ws: &Workspace, change: impl FnOnce(&mut Workspace)) {
    let entries = entries_of(ws);
    let open_tab = || {
        let loaded = load(
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Lang::En,
        );
        (loaded.ws, loaded.saved)
    };
    let (mut tab_a, saved_a) = open_tab();
    let (mut tab_b, mut saved_b) = open_tab();
    let mut store: std::collections::BTreeMap<String, String> = entries.iter().cloned().collect();
    change(&mut tab_a);
    for write in plan(&tab_a, &saved_a) {
        let (key, value) = match write {
            Write::Meta { value, .. } => (META_KEY.to_string(), value),
            // A step around the workspace record is merged into what is stored.
            Write::Chunk(chunk) if chunk.merge => {
                let merged = merge_chunk(store.get(&chunk.key).map(String::as_str), &chunk)
                    .expect("the stored chunk reads");
                assert!(merged.conflicts.is_empty());
                (chunk.key, merged.value)
            }
            Write::Chunk(chunk) => (chunk.key, chunk.value),
        };
        store.insert(key.clone(), value.clone());
        let adopted = adopt(&mut tab_b, &mut saved_b, &key, Some(&value), Lang::En);
        assert!(
            matches!(&adopted, Adopted::Changed(r) if r.is_empty()),
            "{key}: {adopted:?}"
        );
        assert_eq!(check_workspace(&tab_b), Ok(()), "after {key}");
    }
    tab_b.deals.sort_by(|a, b| a.id.cmp(&b.id));
    tab_a.deals.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(tab_b, tab_a);
}

#[test]
fn another_tab_taking_writes_one_at_a_time_never_sees_a_deal_without_its_place() {
    let ws = startup_with_samples();
    let pipeline_id = ws.pipelines[0].id.clone();
    let stages: Vec<StageId> = ws.pipelines[0]
        .stages
        .iter()
        .map(|s| s.id.clone())
        .collect();

    // A stage removed with its deals moved on.
    other_tab_follows(&ws, |ws| {
        let n = ws
            .remove_stage(&pipeline_id, &stages[1], Some(&stages[0]), start())
            .unwrap();
        assert!(n > 0);
    });
    // A pipeline deleted with its deals.
    other_tab_follows(&ws, |ws| {
        ws.delete_pipeline(&pipeline_id).unwrap();
    });
    // A new pipeline with sample deals.
    other_tab_follows(&ws, |ws| {
        let mut ids = id_source("new");
        let pipeline = pipeline_from_template(
            TemplateKind::Consulting,
            Lang::En,
            "Second",
            Currency::nok(),
            start(),
            &mut ids,
        );
        let deals = sample_deals(
            &pipeline,
            Lang::En,
            &ws.lost_reasons.clone(),
            start(),
            &mut ids,
        );
        ws.create_pipeline(pipeline, deals, Vec::new()).unwrap();
    });
    // A new stage, and a deal moved into it.
    other_tab_follows(&ws, |ws| {
        let draft = StageDraft {
            name: "Pilot".into(),
            guidance: String::new(),
            probability: 60,
            rot_days: 10,
        };
        ws.add_stage(&pipeline_id, 2, "pilot".into(), draft)
            .unwrap();
        let deal_id = ws.deals[0].id.clone();
        if ws.deals[0].status.is_open() {
            ws.move_deal(&deal_id, "pilot", 0, start()).unwrap();
        }
    });
}

/// "Import backup → Replace" is one change: every deal removed, every deal of the backup
/// added in pipelines storage does not have yet. A chunk can hold both an old deal and a
/// new one; another tab taking the writes one at a time must still never see an old deal
/// without its pipeline (nor a new one).
#[test]
fn another_tab_following_a_replaced_workspace_never_sees_a_deal_without_its_place() {
    let ws = startup_with_samples();
    let mut ids = id_source("backup");
    let pipeline = pipeline_from_template(
        TemplateKind::Consulting,
        Lang::En,
        "From the backup",
        Currency::nok(),
        start(),
        &mut ids,
    );
    let reasons = default_lost_reasons(Lang::En);
    let mut deals = sample_deals(&pipeline, Lang::En, &reasons, start(), &mut ids);
    // Each deal of the backup shares its chunk with a deal of the current workspace.
    for (n, (deal, old)) in deals.iter_mut().zip(&ws.deals).enumerate() {
        let bucket = bucket_of(&old.id, BUCKETS);
        deal.id = (0..)
            .map(|i| format!("backup-{n}-{i}"))
            .find(|id| bucket_of(id, BUCKETS) == bucket)
            .unwrap()
            .into();
    }
    let mut backup = Workspace::default();
    backup.create_pipeline(pipeline, deals, reasons).unwrap();
    assert_eq!(check_workspace(&backup), Ok(()));
    other_tab_follows(&ws, |ws| {
        replace(ws, backup);
    });
}

/// Restoring an older backup: since it was made, a stage was removed (its deals moved on)
/// and a pipeline added. The restore brings the stage back with a deal in it, and takes the
/// new pipeline's deals away; when that deal and one of those share a chunk, another tab
/// taking the writes one at a time must still never see a deal without its place.
#[test]
fn another_tab_following_a_restored_older_backup_never_sees_a_deal_without_its_place() {
    let mut backup = startup_with_samples();
    let pipeline_id = backup.pipelines[0].id.clone();
    let moved = backup
        .deals
        .iter()
        .find(|d| d.status.is_open())
        .unwrap()
        .id
        .clone();
    let draft = StageDraft {
        name: "Pilot".into(),
        guidance: String::new(),
        probability: 60,
        rot_days: 10,
    };
    backup
        .add_stage(&pipeline_id, 1, "pilot".into(), draft)
        .unwrap();
    backup.move_deal(&moved, "pilot", 0, start()).unwrap();

    // Today's workspace: the stage is gone (its deal moved back), and a pipeline was added
    // whose first deal shares the chunk of the moved deal.
    let mut today = backup.clone();
    let first_stage = today.pipelines[0].stages[0].id.clone();
    today
        .remove_stage(&pipeline_id, "pilot", Some(&first_stage), start())
        .unwrap();
    let mut ids = id_source("later");
    let pipeline = pipeline_from_template(
        TemplateKind::Consulting,
        Lang::En,
        "Added later",
        Currency::nok(),
        start(),
        &mut ids,
    );
    let mut deals = sample_deals(&pipeline, Lang::En, &today.lost_reasons, start(), &mut ids);
    deals[0].id = (0..)
        .map(|i| format!("later-deal-{i}"))
        .find(|id| bucket_of(id, BUCKETS) == bucket_of(&moved, BUCKETS))
        .unwrap()
        .into();
    today.create_pipeline(pipeline, deals, Vec::new()).unwrap();
    assert_eq!(check_workspace(&today), Ok(()));

    other_tab_follows(&today, |ws| {
        replace(ws, backup);
    });
}

/// Found by the storage fuzz target: two deals whose pipelines are both gone, in the same
/// unknown stage, once gave two recovered stages one id, a workspace the import refuses.
#[test]
fn recovered_stages_never_share_an_id_and_the_loaded_workspace_always_validates() {
    let ws = startup_with_samples();
    let mut a = ws.deals[0].clone();
    let mut b = ws.deals[1].clone();
    (a.pipeline_id, a.stage_id, a.history) = ("p-gone-a".into(), "s-x".into(), Vec::new());
    (b.pipeline_id, b.stage_id, b.history) = ("p-gone-b".into(), "s-x".into(), Vec::new());
    // Each format, and (for chunks) in one chunk or two.
    let mut b_beside = b.clone();
    b_beside.id = (0..)
        .map(|i| format!("{}-beside-{i}", a.id))
        .find(|id| bucket_of(id, BUCKETS) == bucket_of(&a.id, BUCKETS))
        .unwrap()
        .into();
    for (b, format_1) in [(&b, false), (&b_beside, false), (&b, true)] {
        assert!(a.id < b.id);
        let entries = deal_entries(&[a.clone(), b.clone()], format_1);
        let loaded = load(
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Lang::En,
        );
        assert_eq!(check_workspace(&loaded.ws), Ok(()));
        // The first deal gets the stage; the second is kept raw as unreadable, not dropped.
        assert_eq!(loaded.ws.deals, vec![a.clone()]);
        assert_eq!(loaded.unreadable.len(), 1);
        assert_eq!(loaded.unreadable[0].key, key_of(b, format_1));
    }

    // Two existing pipelines that both lost the same stage id.
    let mut two = startup_with_samples();
    let mut second = two.pipelines[0].clone();
    second.id = "p-2".into();
    for stage in &mut second.stages {
        stage.id = format!("{}-2", stage.id).into();
    }
    two.pipelines.push(second);
    let mut c = two.deals[0].clone();
    let mut d = two.deals[1].clone();
    (c.stage_id, c.history) = ("s-x".into(), Vec::new());
    (d.pipeline_id, d.stage_id, d.history) = ("p-2".into(), "s-x".into(), Vec::new());
    for format_1 in [false, true] {
        let mut entries = vec![(
            META_KEY.to_string(),
            encode_meta(&two.pipelines, &two.lost_reasons, BUCKETS),
        )];
        entries.extend(deal_entries(&[c.clone(), d.clone()], format_1));
        let loaded = load(
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Lang::En,
        );
        assert_eq!(check_workspace(&loaded.ws), Ok(()));
        assert_eq!(loaded.ws.deals.len() + loaded.unreadable.len(), 2);
    }
}

/// Recovered stages come in the order deals moved through them, whatever order the deals'
/// ids put them in: a deal added straight into the second stage does not make it first.
#[test]
fn recovered_stages_follow_the_moves_in_the_histories() {
    let ws = startup_with_samples();
    let original: Vec<StageId> = ws.pipelines[0]
        .stages
        .iter()
        .map(|s| s.id.clone())
        .collect();
    for direct_id in ["0-first", "zzz-last"] {
        let mut direct = ws.deals[0].clone();
        direct.id = direct_id.into();
        direct.stage_id = original[1].clone();
        direct.history = vec![pipewright::domain::StageChange {
            from: None,
            to: original[1].clone(),
            at: start(),
        }];
        let mut deals = ws.deals.clone();
        deals.push(direct);
        for format_1 in [false, true] {
            let entries = deal_entries(&deals, format_1);
            let loaded = load(
                entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                Lang::En,
            );
            let rebuilt: Vec<StageId> = loaded.ws.pipelines[0]
                .stages
                .iter()
                .map(|s| s.id.clone())
                .collect();
            assert_eq!(
                rebuilt, original,
                "with the direct deal named {direct_id}, format 1: {format_1}"
            );
        }
    }
}
