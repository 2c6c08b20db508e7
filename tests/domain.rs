//! The rules of the board: pipelines, stages, deals, moves, outcomes, totals and money.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{id_source, start};

use chrono::{DateTime, Duration, TimeZone, Utc};
use pipewright::domain::money::{
    minor_to_input, minor_to_major_f64, parse_amount, weighted_minor, AmountError,
    DecimalSeparator, UnknownCurrency, MAX_MINOR,
};
use pipewright::domain::ops::{MAX_NAME_CHARS, MAX_TEXT_CHARS, RANK_STEP};
use pipewright::domain::totals::{pipeline_totals, stage_totals, CurrencyTotal};
use pipewright::domain::DomainError::{self, *};
use pipewright::domain::{
    default_lost_reasons, Contact, Currency, Deal, DealDraft, DealStatus, Money, NextStep,
    Pipeline, Stage, StageChange, StageDraft, StageId, Workspace,
};
use pipewright::i18n::Lang;
use proptest::prelude::*;

const PIPELINE: &str = "sales";
const LEAD: &str = "lead";
const PROPOSAL: &str = "proposal";
const NEGOTIATION: &str = "negotiation";
const OTHER_PIPELINE: &str = "other";
const OTHER_STAGE: &str = "other-lead";

fn days_later(n_days: i64) -> DateTime<Utc> {
    start() + Duration::days(n_days)
}

/// A stage whose guidance names it.
fn guided_stage(id: &str, name: &str, probability: u8, rot_days: u32) -> Stage {
    Stage {
        id: id.into(),
        name: name.to_string(),
        guidance: format!("What happens in {name}"),
        probability,
        rot_days,
    }
}

fn sales_pipeline() -> Pipeline {
    Pipeline {
        id: PIPELINE.into(),
        name: "Sales".to_string(),
        currency: Currency::nok(),
        stages: vec![
            guided_stage(LEAD, "Lead", 10, 14),
            guided_stage(PROPOSAL, "Proposal", 50, 14),
            guided_stage(NEGOTIATION, "Negotiation", 80, 7),
        ],
        created_at: start(),
    }
}

fn other_pipeline() -> Pipeline {
    Pipeline {
        id: OTHER_PIPELINE.into(),
        name: "Partners".to_string(),
        currency: Currency::parse("EUR").unwrap(),
        stages: vec![
            guided_stage(OTHER_STAGE, "Lead", 20, 14),
            guided_stage("other-deal", "Deal", 60, 14),
        ],
        created_at: start(),
    }
}

/// A workspace with the three-stage sales pipeline and no deals.
fn board() -> Workspace {
    Workspace {
        pipelines: vec![sales_pipeline()],
        deals: Vec::new(),
        lost_reasons: default_lost_reasons(Lang::En),
    }
}

/// Whole units of a currency with two decimals (kroner, euros) in minor units.
fn whole(units: i64) -> i64 {
    units * 100
}

fn nok(minor: i64) -> Money {
    Money::new(minor, Currency::nok())
}

fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, Currency::parse(code).unwrap())
}

fn add(ws: &mut Workspace, stage_id: &str, deal_id: &str) {
    add_at(ws, stage_id, deal_id, start());
}

fn add_at(ws: &mut Workspace, stage_id: &str, deal_id: &str, now: DateTime<Utc>) {
    let draft = DealDraft::quick(&format!("Deal {deal_id}"), nok(100_000));
    ws.add_deal(PIPELINE, stage_id, deal_id.into(), draft, now)
        .unwrap_or_else(|err| panic!("adding {deal_id}: {err}"));
}

fn deal<'a>(ws: &'a Workspace, deal_id: &str) -> &'a Deal {
    ws.deal(deal_id)
        .unwrap_or_else(|| panic!("deal {deal_id} is missing"))
}

/// The open deals of a column, top to bottom.
fn column(ws: &Workspace, stage_id: &str) -> Vec<String> {
    ws.open_deals_in_stage(PIPELINE, stage_id)
        .into_iter()
        .map(|d| d.id.to_string())
        .collect()
}

fn stage_ids(ws: &Workspace, pipeline_id: &str) -> Vec<String> {
    ws.pipeline(pipeline_id)
        .unwrap()
        .stages
        .iter()
        .map(|s| s.id.to_string())
        .collect()
}

fn set_rank(ws: &mut Workspace, deal_id: &str, rank: i64) {
    ws.deals.iter_mut().find(|d| d.id == deal_id).unwrap().rank = rank;
}

fn full_draft() -> DealDraft {
    DealDraft {
        title: "Annual licence".to_string(),
        organisation: "Fjordkraft Teknologi AS".to_string(),
        contact: Contact {
            name: "Ingrid Solberg".to_string(),
            email: "ingrid@example.no".to_string(),
            phone: "+47 412 34 567".to_string(),
        },
        amount: nok(18_000_000),
        expected_close: Some(start().date_naive() + Duration::days(60)),
        probability: Some(35),
        notes: "Wants a pilot first.".to_string(),
        next_step: NextStep {
            text: "Send the proposal".to_string(),
            due: Some(start().date_naive() + Duration::days(2)),
        },
    }
}

fn stage_draft(name: &str, probability: u8) -> StageDraft {
    StageDraft {
        name: name.to_string(),
        guidance: "Agree the scope".to_string(),
        probability,
        rot_days: 10,
    }
}

// ---------------------------------------------------------------------------------------
// Pipelines

#[test]
fn a_pipeline_needs_a_name_of_at_most_200_characters() {
    let check = |name: &str, expected: Result<(), DomainError>| {
        let mut ws = Workspace::default();
        let mut pipeline = sales_pipeline();
        pipeline.name = name.to_string();
        assert_eq!(ws.add_pipeline(pipeline), expected, "name {name:?}");
        assert_eq!(
            ws.pipelines.len(),
            usize::from(expected.is_ok()),
            "name {name:?}"
        );
    };
    check("Sales", Ok(()));
    check("", Err(EmptyName));
    check(" \t ", Err(EmptyName));
    // Characters are counted, not bytes: "ø" is two bytes in UTF-8.
    check(&"ø".repeat(MAX_NAME_CHARS), Ok(()));
    check(
        &"x".repeat(MAX_NAME_CHARS + 1),
        Err(NameTooLong { max: 200 }),
    );
}

#[test]
fn renaming_a_pipeline_trims_the_name_and_keeps_it_valid() {
    let mut ws = board();
    assert_eq!(ws.rename_pipeline(PIPELINE, "  Enterprise sales  "), Ok(()));
    assert_eq!(ws.pipeline(PIPELINE).unwrap().name, "Enterprise sales");
    assert_eq!(ws.rename_pipeline(PIPELINE, "   "), Err(EmptyName));
    assert_eq!(
        ws.rename_pipeline(PIPELINE, &"y".repeat(201)),
        Err(NameTooLong {
            max: MAX_NAME_CHARS
        })
    );
    assert_eq!(ws.pipeline(PIPELINE).unwrap().name, "Enterprise sales");
    assert_eq!(ws.rename_pipeline("missing", "Name"), Err(PipelineNotFound));
}

#[test]
fn changing_a_pipelines_currency_leaves_existing_deals_in_theirs() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    let euro = Currency::parse("EUR").unwrap();
    assert_eq!(ws.set_pipeline_currency(PIPELINE, euro.clone()), Ok(()));
    assert_eq!(ws.pipeline(PIPELINE).unwrap().currency, euro);
    assert_eq!(deal(&ws, "a").amount, nok(100_000));
    assert_eq!(
        ws.set_pipeline_currency("missing", euro),
        Err(PipelineNotFound)
    );
}

#[test]
fn duplicating_a_pipeline_copies_its_stages_under_new_ids_without_its_deals() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, PROPOSAL, "b");
    let before = ws.clone();
    let mut next_id = id_source("copy");

    let copy_id = ws
        .duplicate_pipeline(PIPELINE, "  Sales (copy) ", days_later(3), &mut next_id)
        .unwrap();

    assert_eq!(copy_id, "copy-1");
    assert_eq!(
        next_id(),
        "copy-5",
        "one id for the pipeline and one per stage"
    );
    let copy = ws.pipeline(&copy_id).unwrap();
    let source = before.pipeline(PIPELINE).unwrap();
    assert_eq!(copy.name, "Sales (copy)");
    assert_eq!(copy.currency, source.currency);
    assert_eq!(copy.created_at, days_later(3));
    assert_eq!(stage_ids(&ws, &copy_id), ["copy-2", "copy-3", "copy-4"]);
    for (copied, original) in copy.stages.iter().zip(&source.stages) {
        assert_eq!(
            Stage {
                id: original.id.clone(),
                ..copied.clone()
            },
            *original,
            "everything but the id is copied"
        );
    }
    assert_eq!(ws.deals_in_pipeline(&copy_id).count(), 0);
    assert_eq!(ws.deals, before.deals);
    assert_eq!(ws.pipeline(PIPELINE), before.pipeline(PIPELINE));
    // The copy's stages are its own: the original's stage ids do not belong to it.
    let into_original_stage = ws.add_deal(
        &copy_id,
        LEAD,
        "c".into(),
        DealDraft::quick("C", nok(1)),
        start(),
    );
    assert_eq!(into_original_stage, Err(StageNotFound));
}

#[test]
fn a_failed_duplicate_changes_nothing_and_uses_no_ids() {
    let mut ws = board();
    let before = ws.clone();
    let mut next_id = id_source("copy");
    assert_eq!(
        ws.duplicate_pipeline("missing", "Copy", start(), &mut next_id),
        Err(PipelineNotFound)
    );
    assert_eq!(
        ws.duplicate_pipeline(PIPELINE, " ", start(), &mut next_id),
        Err(EmptyName)
    );
    assert_eq!(ws, before);
    assert_eq!(next_id(), "copy-1");
}

#[test]
fn deleting_a_pipeline_removes_only_it_and_its_deals() {
    let mut ws = board();
    ws.add_pipeline(other_pipeline()).unwrap();
    add(&mut ws, LEAD, "a");
    add(&mut ws, NEGOTIATION, "b");
    ws.add_deal(
        OTHER_PIPELINE,
        OTHER_STAGE,
        "o".into(),
        DealDraft::quick("O", nok(5)),
        start(),
    )
    .unwrap();
    ws.mark_won("b", days_later(1)).unwrap();

    assert_eq!(
        ws.delete_pipeline(PIPELINE),
        Ok(2),
        "open and closed deals both count"
    );

    let pipeline_ids: Vec<&str> = ws.pipelines.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(pipeline_ids, [OTHER_PIPELINE]);
    let deal_ids: Vec<&str> = ws.deals.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(deal_ids, ["o"]);
    assert_eq!(ws.delete_pipeline(PIPELINE), Err(PipelineNotFound));
    ws.add_pipeline(sales_pipeline()).unwrap();
    assert_eq!(ws.delete_pipeline(PIPELINE), Ok(0));
}

// ---------------------------------------------------------------------------------------
// Stages

#[test]
fn a_new_stage_goes_where_it_is_asked_to() {
    let check = |index: usize, expected: [&str; 4]| {
        let mut ws = board();
        let added = ws.add_stage(PIPELINE, index, "new".into(), stage_draft("  Demo  ", 30));
        assert_eq!(added, Ok(()), "index {index}");
        assert_eq!(stage_ids(&ws, PIPELINE), expected, "index {index}");
        let new_stage = ws.pipeline(PIPELINE).unwrap().stage("new").unwrap().clone();
        assert_eq!(
            new_stage,
            Stage {
                id: "new".into(),
                name: "Demo".into(),
                guidance: "Agree the scope".into(),
                probability: 30,
                rot_days: 10,
            }
        );
    };
    check(0, ["new", LEAD, PROPOSAL, NEGOTIATION]);
    check(1, [LEAD, "new", PROPOSAL, NEGOTIATION]);
    check(3, [LEAD, PROPOSAL, NEGOTIATION, "new"]);
    check(usize::MAX, [LEAD, PROPOSAL, NEGOTIATION, "new"]);
}

#[test]
fn a_stage_draft_is_validated_before_anything_changes() {
    let check = |draft: StageDraft, expected: Result<(), DomainError>| {
        let label = format!("{:?}/{}", draft.name.get(..10), draft.probability);
        let mut ws = board();
        let before = ws.clone();
        assert_eq!(
            ws.add_stage(PIPELINE, 1, "new".into(), draft.clone()),
            expected,
            "add {label}"
        );
        if expected.is_err() {
            assert_eq!(ws, before, "a refused add changed the board: {label}");
        }
        let mut ws = board();
        assert_eq!(
            ws.edit_stage(PIPELINE, PROPOSAL, draft),
            expected,
            "edit {label}"
        );
        if expected.is_err() {
            assert_eq!(ws, before, "a refused edit changed the board: {label}");
        }
    };
    check(stage_draft("Demo", 0), Ok(()));
    check(stage_draft("Demo", 100), Ok(()));
    check(stage_draft("Demo", 101), Err(ProbabilityOutOfRange));
    check(stage_draft("Demo", u8::MAX), Err(ProbabilityOutOfRange));
    check(stage_draft("", 10), Err(EmptyName));
    check(stage_draft("   ", 10), Err(EmptyName));
    check(stage_draft(&"å".repeat(MAX_NAME_CHARS), 10), Ok(()));
    check(
        stage_draft(&"a".repeat(MAX_NAME_CHARS + 1), 10),
        Err(NameTooLong { max: 200 }),
    );
    let long_guidance = |n_chars: usize| StageDraft {
        guidance: "g".repeat(n_chars),
        ..stage_draft("Demo", 10)
    };
    check(long_guidance(MAX_TEXT_CHARS), Ok(()));
    check(
        long_guidance(MAX_TEXT_CHARS + 1),
        Err(TextTooLong { max: 20_000 }),
    );
}

#[test]
fn adding_a_stage_needs_a_known_pipeline() {
    let mut ws = board();
    assert_eq!(
        ws.add_stage("missing", 0, "new".into(), stage_draft("Demo", 10)),
        Err(PipelineNotFound)
    );
}

#[test]
fn editing_a_stage_changes_only_that_stage() {
    let mut ws = board();
    add(&mut ws, PROPOSAL, "a");
    let deals_before = ws.deals.clone();
    let draft = StageDraft {
        name: " Offer sent ".into(),
        guidance: "Wait for an answer".into(),
        probability: 60,
        rot_days: 0,
    };
    assert_eq!(ws.edit_stage(PIPELINE, PROPOSAL, draft), Ok(()));
    let pipeline = ws.pipeline(PIPELINE).unwrap();
    assert_eq!(
        pipeline.stages[1],
        Stage {
            id: PROPOSAL.into(),
            name: "Offer sent".into(),
            guidance: "Wait for an answer".into(),
            probability: 60,
            rot_days: 0,
        }
    );
    assert_eq!(pipeline.stages[0], sales_pipeline().stages[0]);
    assert_eq!(pipeline.stages[2], sales_pipeline().stages[2]);
    assert_eq!(ws.deals, deals_before);
    assert_eq!(
        ws.edit_stage(PIPELINE, "missing", stage_draft("X", 1)),
        Err(StageNotFound)
    );
    assert_eq!(
        ws.edit_stage("missing", LEAD, stage_draft("X", 1)),
        Err(PipelineNotFound)
    );
}

#[test]
fn reordering_a_stage_moves_it_and_nothing_else() {
    let check = |stage_id: &str, new_index: usize, expected: [&str; 3]| {
        let mut ws = board();
        add(&mut ws, stage_id, "a");
        assert_eq!(ws.reorder_stage(PIPELINE, stage_id, new_index), Ok(()));
        assert_eq!(
            stage_ids(&ws, PIPELINE),
            expected,
            "{stage_id} to {new_index}"
        );
        assert_eq!(
            deal(&ws, "a").stage_id,
            stage_id,
            "the deal stays in its stage"
        );
    };
    check(LEAD, 2, [PROPOSAL, NEGOTIATION, LEAD]);
    check(LEAD, usize::MAX, [PROPOSAL, NEGOTIATION, LEAD]);
    check(NEGOTIATION, 0, [NEGOTIATION, LEAD, PROPOSAL]);
    check(PROPOSAL, 1, [LEAD, PROPOSAL, NEGOTIATION]);
    check(PROPOSAL, 0, [PROPOSAL, LEAD, NEGOTIATION]);

    let mut ws = board();
    assert_eq!(ws.reorder_stage(PIPELINE, "missing", 0), Err(StageNotFound));
    assert_eq!(ws.reorder_stage("missing", LEAD, 0), Err(PipelineNotFound));
    assert_eq!(ws, board());
}

#[test]
fn an_empty_stage_is_removed_without_a_target() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    let deals_before = ws.deals.clone();
    assert_eq!(
        ws.remove_stage(PIPELINE, PROPOSAL, None, days_later(1)),
        Ok(0)
    );
    assert_eq!(stage_ids(&ws, PIPELINE), [LEAD, NEGOTIATION]);
    assert_eq!(ws.deals, deals_before);
}

#[test]
fn a_stage_that_holds_deals_is_not_removed_without_a_target() {
    let mut ws = board();
    for deal_id in ["open-1", "open-2", "won", "lost"] {
        add(&mut ws, PROPOSAL, deal_id);
    }
    add(&mut ws, LEAD, "elsewhere");
    ws.mark_won("won", days_later(1)).unwrap();
    ws.mark_lost("lost", "Price", "", days_later(1)).unwrap();
    let before = ws.clone();

    let refused = ws.remove_stage(PIPELINE, PROPOSAL, None, days_later(2));

    assert_eq!(
        refused,
        Err(StageHasDeals { n_deals: 4 }),
        "closed deals count too"
    );
    assert_eq!(ws, before);
}

#[test]
fn removing_a_stage_moves_every_deal_open_and_closed_to_the_target() {
    let mut ws = board();
    add(&mut ws, NEGOTIATION, "already-there");
    for deal_id in ["open-1", "won", "open-2", "lost"] {
        add(&mut ws, PROPOSAL, deal_id);
    }
    add(&mut ws, LEAD, "elsewhere");
    ws.mark_won("won", days_later(1)).unwrap();
    ws.mark_lost("lost", "Price", "Too dear", days_later(1))
        .unwrap();
    let before = ws.clone();

    assert_eq!(
        ws.remove_stage(PIPELINE, PROPOSAL, Some(&NEGOTIATION.into()), days_later(5)),
        Ok(4)
    );

    assert_eq!(stage_ids(&ws, PIPELINE), [LEAD, NEGOTIATION]);
    assert_eq!(ws.deals.len(), before.deals.len(), "no deal is dropped");
    for moved_id in ["open-1", "won", "open-2", "lost"] {
        let was = deal(&before, moved_id);
        let now = deal(&ws, moved_id);
        assert_eq!(now.stage_id, NEGOTIATION, "{moved_id}");
        assert_eq!(now.status, was.status, "{moved_id} keeps its outcome");
        assert_eq!(now.history.len(), was.history.len() + 1, "{moved_id}");
        assert_eq!(
            now.history.last(),
            Some(&StageChange {
                from: Some(PROPOSAL.into()),
                to: NEGOTIATION.into(),
                at: days_later(5),
            }),
            "{moved_id}"
        );
        assert_eq!(now.rev, was.rev + 1, "{moved_id}");
        assert_eq!(now.updated_at, days_later(5), "{moved_id}");
    }
    assert_eq!(
        column(&ws, NEGOTIATION),
        ["already-there", "open-1", "open-2"],
        "moved deals go below the target's own, in their old order"
    );
    assert_eq!(deal(&ws, "already-there"), deal(&before, "already-there"));
    assert_eq!(deal(&ws, "elsewhere"), deal(&before, "elsewhere"));
    // A reopened deal comes back in the stage its deals went to.
    ws.reopen("won", days_later(6)).unwrap();
    assert_eq!(
        column(&ws, NEGOTIATION),
        ["already-there", "open-1", "open-2", "won"]
    );
}

#[test]
fn a_stage_removal_that_cannot_go_ahead_changes_nothing() {
    let check = |pipeline_id: &str, stage_id: &str, target: Option<&str>, expected: DomainError| {
        let mut ws = board();
        ws.add_pipeline(other_pipeline()).unwrap();
        add(&mut ws, PROPOSAL, "a");
        let before = ws.clone();
        let target = target.map(StageId::from);
        let result = ws.remove_stage(pipeline_id, stage_id, target.as_ref(), days_later(1));
        assert_eq!(
            result,
            Err(expected),
            "{pipeline_id}/{stage_id} to {target:?}"
        );
        assert_eq!(ws, before, "{pipeline_id}/{stage_id} to {target:?}");
    };
    check(PIPELINE, PROPOSAL, Some(PROPOSAL), MoveTargetIsRemovedStage);
    check(PIPELINE, PROPOSAL, Some("missing"), StageNotFound);
    check(PIPELINE, PROPOSAL, Some(OTHER_STAGE), StageNotFound);
    check(PIPELINE, "missing", Some(LEAD), StageNotFound);
    check(PIPELINE, OTHER_STAGE, None, StageNotFound);
    check("missing", PROPOSAL, Some(LEAD), PipelineNotFound);
}

#[test]
fn the_last_stage_of_a_pipeline_cannot_be_removed() {
    let mut ws = board();
    assert_eq!(ws.remove_stage(PIPELINE, LEAD, None, start()), Ok(0));
    assert_eq!(ws.remove_stage(PIPELINE, PROPOSAL, None, start()), Ok(0));
    add(&mut ws, NEGOTIATION, "a");
    assert_eq!(
        ws.remove_stage(PIPELINE, NEGOTIATION, None, start()),
        Err(LastStage)
    );
    assert_eq!(
        ws.remove_stage(PIPELINE, NEGOTIATION, Some(&NEGOTIATION.into()), start()),
        Err(LastStage)
    );
    assert_eq!(stage_ids(&ws, PIPELINE), [NEGOTIATION]);
    assert_eq!(deal(&ws, "a").stage_id, NEGOTIATION);
}

#[test]
fn removing_a_stage_leaves_another_pipelines_deals_alone_even_with_equal_stage_ids() {
    // The rules refuse a stage id that is in use, and so does import; even so, removing a
    // stage must only ever touch its own pipeline's deals.
    let mut ws = board();
    let mut twin = sales_pipeline();
    twin.id = "twin".into();
    assert_eq!(ws.add_pipeline(twin.clone()), Err(IdTaken));
    ws.pipelines.push(twin);
    add(&mut ws, PROPOSAL, "ours");
    ws.add_deal(
        "twin",
        PROPOSAL,
        "theirs".into(),
        DealDraft::quick("T", nok(1)),
        start(),
    )
    .unwrap();
    let theirs_before = deal(&ws, "theirs").clone();

    assert_eq!(
        ws.remove_stage(PIPELINE, PROPOSAL, Some(&LEAD.into()), days_later(1)),
        Ok(1)
    );

    assert_eq!(deal(&ws, "ours").stage_id, LEAD);
    assert_eq!(deal(&ws, "theirs"), &theirs_before);
    assert_eq!(stage_ids(&ws, "twin"), [LEAD, PROPOSAL, NEGOTIATION]);
}

// ---------------------------------------------------------------------------------------
// Adding, editing and deleting deals

#[test]
fn a_new_deal_is_open_at_the_bottom_of_its_stage_with_one_history_entry() {
    let mut ws = board();
    add(&mut ws, LEAD, "first");
    let draft = DealDraft {
        title: "  Annual licence  ".into(),
        organisation: " Fjordkraft ".into(),
        ..full_draft()
    };
    let added = ws.add_deal(
        PIPELINE,
        LEAD,
        "second".into(),
        draft.clone(),
        days_later(1),
    );

    assert_eq!(added, Ok("second".into()));
    let second = deal(&ws, "second");
    assert_eq!(second.title, "Annual licence");
    assert_eq!(second.organisation, "Fjordkraft");
    assert_eq!(second.contact, draft.contact);
    assert_eq!(second.amount, draft.amount);
    assert_eq!(second.expected_close, draft.expected_close);
    assert_eq!(second.probability, Some(35));
    assert_eq!(second.notes, draft.notes);
    assert_eq!(second.next_step, draft.next_step);
    assert_eq!(second.pipeline_id, PIPELINE);
    assert_eq!(second.stage_id, LEAD);
    assert_eq!(second.status, DealStatus::Open);
    assert_eq!(
        second.history,
        [StageChange {
            from: None,
            to: LEAD.into(),
            at: days_later(1),
        }]
    );
    assert_eq!(second.created_at, days_later(1));
    assert_eq!(second.updated_at, days_later(1));
    assert_eq!(second.rev, 1);
    assert!(!second.sample);
    assert_eq!(column(&ws, LEAD), ["first", "second"]);
}

#[test]
fn a_new_deal_goes_below_closed_deals_too() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, LEAD, "b");
    ws.mark_won("b", start()).unwrap();
    add(&mut ws, LEAD, "c");
    assert!(deal(&ws, "c").rank > deal(&ws, "b").rank);
    ws.reopen("b", days_later(1)).unwrap();
    assert_eq!(column(&ws, LEAD), ["a", "c", "b"]);
}

#[test]
fn a_deal_draft_is_validated() {
    let check = |label: &str, change: fn(&mut DealDraft), expected: Result<(), DomainError>| {
        let mut draft = full_draft();
        change(&mut draft);
        let mut ws = board();
        let added = ws.add_deal(PIPELINE, LEAD, "new".into(), draft.clone(), start());
        assert_eq!(added.map(|_| ()), expected, "add: {label}");
        assert_eq!(
            ws.deals.len(),
            usize::from(expected.is_ok()),
            "add: {label}"
        );

        let mut ws = board();
        add(&mut ws, LEAD, "existing");
        let before = ws.clone();
        let updated = ws.update_deal("existing", draft, days_later(1));
        assert_eq!(updated, expected, "update: {label}");
        if expected.is_err() {
            assert_eq!(ws, before, "a refused update changed the deal: {label}");
        }
    };
    check("valid", |_| {}, Ok(()));
    check("empty title", |d| d.title = String::new(), Err(EmptyName));
    check("blank title", |d| d.title = " \n ".into(), Err(EmptyName));
    check("longest title", |d| d.title = "å".repeat(200), Ok(()));
    check(
        "long title",
        |d| d.title = "t".repeat(201),
        Err(NameTooLong { max: 200 }),
    );
    check(
        "long organisation",
        |d| d.organisation = "o".repeat(201),
        Err(NameTooLong { max: 200 }),
    );
    check(
        "long contact",
        |d| d.contact.name = "n".repeat(201),
        Err(NameTooLong { max: 200 }),
    );
    check(
        "long email",
        |d| d.contact.email = "e".repeat(201),
        Err(NameTooLong { max: 200 }),
    );
    check(
        "long phone",
        |d| d.contact.phone = "1".repeat(201),
        Err(NameTooLong { max: 200 }),
    );
    check("longest notes", |d| d.notes = "n".repeat(20_000), Ok(()));
    check(
        "long notes",
        |d| d.notes = "n".repeat(20_001),
        Err(TextTooLong { max: 20_000 }),
    );
    check(
        "long next step",
        |d| d.next_step.text = "s".repeat(20_001),
        Err(TextTooLong { max: 20_000 }),
    );
    check("zero amount", |d| d.amount = nok(0), Ok(()));
    check(
        "negative amount",
        |d| d.amount = nok(-1),
        Err(AmountNegative),
    );
    check("largest amount", |d| d.amount = nok(MAX_MINOR), Ok(()));
    check(
        "too large amount",
        |d| d.amount = nok(MAX_MINOR + 1),
        Err(AmountTooLarge),
    );
    check("no probability", |d| d.probability = None, Ok(()));
    check("probability 0", |d| d.probability = Some(0), Ok(()));
    check("probability 100", |d| d.probability = Some(100), Ok(()));
    check(
        "probability 101",
        |d| d.probability = Some(101),
        Err(ProbabilityOutOfRange),
    );
    check(
        "probability 255",
        |d| d.probability = Some(255),
        Err(ProbabilityOutOfRange),
    );
}

#[test]
fn a_deal_needs_a_known_pipeline_and_a_stage_of_it() {
    let mut ws = board();
    ws.add_pipeline(other_pipeline()).unwrap();
    let check = |pipeline_id: &str, stage_id: &str, expected: DomainError| {
        let mut ws = ws.clone();
        let draft = DealDraft::quick("Deal", nok(1));
        assert_eq!(
            ws.add_deal(pipeline_id, stage_id, "new".into(), draft, start()),
            Err(expected),
            "{pipeline_id}/{stage_id}"
        );
        assert!(ws.deals.is_empty());
    };
    check("missing", LEAD, PipelineNotFound);
    check(PIPELINE, "missing", StageNotFound);
    check(PIPELINE, OTHER_STAGE, StageNotFound);
}

#[test]
fn updating_a_deal_changes_its_fields_but_not_its_place() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, LEAD, "b");
    let before = deal(&ws, "a").clone();
    let draft = DealDraft {
        title: " Renamed ".into(),
        ..full_draft()
    };

    assert_eq!(ws.update_deal("a", draft.clone(), days_later(2)), Ok(()));

    let after = deal(&ws, "a");
    assert_eq!(after.title, "Renamed");
    assert_eq!(
        DealDraft::from_deal(after),
        DealDraft {
            title: "Renamed".into(),
            ..draft
        }
    );
    assert_eq!(after.stage_id, before.stage_id);
    assert_eq!(after.rank, before.rank);
    assert_eq!(after.history, before.history);
    assert_eq!(after.status, before.status);
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(after.updated_at, days_later(2));
    assert_eq!(after.rev, 2);
    assert_eq!(column(&ws, LEAD), ["a", "b"]);
    assert_eq!(
        ws.update_deal("missing", full_draft(), start()),
        Err(DealNotFound)
    );
}

#[test]
fn deleting_a_deal_removes_only_that_deal() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, LEAD, "b");
    assert_eq!(ws.delete_deal("a"), Ok(()));
    assert_eq!(column(&ws, LEAD), ["b"]);
    assert_eq!(ws.delete_deal("a"), Err(DealNotFound));
    assert_eq!(ws.deals.len(), 1);
}

// ---------------------------------------------------------------------------------------
// Moving deals

#[test]
fn moving_a_deal_to_another_stage_records_where_from_where_to_and_when() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");

    assert_eq!(ws.move_deal("a", PROPOSAL, 0, days_later(2)), Ok(()));
    assert_eq!(ws.move_deal("a", NEGOTIATION, 0, days_later(4)), Ok(()));
    assert_eq!(ws.move_deal("a", LEAD, 0, days_later(5)), Ok(()));

    let moved = deal(&ws, "a");
    assert_eq!(moved.stage_id, LEAD);
    let change = |from: Option<&str>, to: &str, n_days: i64| StageChange {
        from: from.map(StageId::from),
        to: to.into(),
        at: days_later(n_days),
    };
    assert_eq!(
        moved.history,
        [
            change(None, LEAD, 0),
            change(Some(LEAD), PROPOSAL, 2),
            change(Some(PROPOSAL), NEGOTIATION, 4),
            change(Some(NEGOTIATION), LEAD, 5),
        ]
    );
    assert_eq!(moved.rev, 4);
    assert_eq!(moved.updated_at, days_later(5));
    assert_eq!(column(&ws, LEAD), ["a"]);
    assert!(column(&ws, PROPOSAL).is_empty());
}

#[test]
fn moving_a_deal_within_its_column_changes_only_its_order() {
    let mut ws = board();
    for deal_id in ["a", "b", "c"] {
        add(&mut ws, LEAD, deal_id);
    }
    assert_eq!(ws.move_deal("c", LEAD, 0, days_later(1)), Ok(()));
    assert_eq!(column(&ws, LEAD), ["c", "a", "b"]);
    let moved = deal(&ws, "c");
    assert_eq!(
        moved.history.len(),
        1,
        "no history entry for a move within the column"
    );
    assert_eq!(moved.stage_id, LEAD);
    assert_eq!(moved.rev, 2);
    assert_eq!(moved.updated_at, days_later(1));
}

#[test]
fn a_moved_deal_lands_at_the_index_given() {
    let check = |to_stage: &str, index: usize, expected: &[&str]| {
        let mut ws = board();
        for deal_id in ["a", "b", "c"] {
            add(&mut ws, LEAD, deal_id);
        }
        for deal_id in ["p", "q"] {
            add(&mut ws, PROPOSAL, deal_id);
        }
        assert_eq!(ws.move_deal("b", to_stage, index, days_later(1)), Ok(()));
        assert_eq!(
            column(&ws, to_stage),
            expected,
            "b to {to_stage} at {index}"
        );
        if to_stage != LEAD {
            assert_eq!(column(&ws, LEAD), ["a", "c"]);
        }
    };
    check(PROPOSAL, 0, &["b", "p", "q"]);
    check(PROPOSAL, 1, &["p", "b", "q"]);
    check(PROPOSAL, 2, &["p", "q", "b"]);
    check(PROPOSAL, 99, &["p", "q", "b"]);
    check(NEGOTIATION, 0, &["b"]);
    check(NEGOTIATION, 7, &["b"]);
    // Within its own column the index counts the other deals, as a drop target does.
    check(LEAD, 0, &["b", "a", "c"]);
    check(LEAD, 1, &["a", "b", "c"]);
    check(LEAD, 2, &["a", "c", "b"]);
    check(LEAD, 99, &["a", "c", "b"]);
}

#[test]
fn the_drop_index_counts_only_the_open_deals_of_the_column() {
    let mut ws = board();
    for deal_id in ["p", "won", "lost", "q"] {
        add(&mut ws, PROPOSAL, deal_id);
    }
    add(&mut ws, LEAD, "x");
    ws.mark_won("won", start()).unwrap();
    ws.mark_lost("lost", "Price", "", start()).unwrap();

    assert_eq!(ws.move_deal("x", PROPOSAL, 1, days_later(1)), Ok(()));

    assert_eq!(column(&ws, PROPOSAL), ["p", "x", "q"]);
}

#[test]
fn when_neighbouring_ranks_leave_no_gap_the_column_is_renumbered() {
    let mut ws = board();
    for deal_id in ["a", "b", "c"] {
        add(&mut ws, LEAD, deal_id);
    }
    add(&mut ws, PROPOSAL, "x");
    for (deal_id, rank) in [("a", 0), ("b", 1), ("c", 2)] {
        set_rank(&mut ws, deal_id, rank);
    }

    assert_eq!(ws.move_deal("x", LEAD, 1, days_later(1)), Ok(()));

    assert_eq!(column(&ws, LEAD), ["a", "x", "b", "c"]);
    let ranks: Vec<i64> = ["a", "x", "b", "c"]
        .iter()
        .map(|id| deal(&ws, id).rank)
        .collect();
    assert!(
        ranks.windows(2).all(|pair| pair[0] < pair[1]),
        "ranks {ranks:?}"
    );
    assert!(
        ranks.windows(2).all(|pair| pair[1] - pair[0] >= RANK_STEP),
        "renumbering restores the full gap for the next drops: {ranks:?}"
    );
    // Storage writes deals whose revision changed, so a renumbered neighbour must bump it
    // and one whose rank stayed must not.
    assert_eq!(deal(&ws, "a").rev, 1);
    assert_eq!(deal(&ws, "b").rev, 2);
    assert_eq!(deal(&ws, "c").rev, 2);
    assert_eq!(deal(&ws, "x").rev, 2);
}

#[test]
fn a_drop_between_two_deals_of_equal_rank_lands_between_them() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, LEAD, "b");
    add(&mut ws, PROPOSAL, "x");
    set_rank(&mut ws, "a", 5);
    set_rank(&mut ws, "b", 5);
    assert_eq!(ws.move_deal("x", LEAD, 1, days_later(1)), Ok(()));
    assert_eq!(column(&ws, LEAD), ["a", "x", "b"]);
}

#[test]
fn many_drops_between_the_same_two_deals_keep_the_order() {
    let mut ws = board();
    add(&mut ws, LEAD, "top");
    add(&mut ws, LEAD, "bottom");
    let mut expected: Vec<String> = vec!["top".into(), "bottom".into()];
    // Halving the gap between two ranks runs out after about 20 drops; then the column is
    // renumbered and dropping goes on.
    for n_drop in 0..45 {
        let deal_id = format!("drop-{n_drop:02}");
        add(&mut ws, PROPOSAL, &deal_id);
        assert_eq!(ws.move_deal(&deal_id, LEAD, 1, days_later(1)), Ok(()));
        expected.insert(1, deal_id);
        assert_eq!(column(&ws, LEAD), expected, "after drop {n_drop}");
    }
    assert!(
        deal(&ws, "bottom").rev > 1,
        "the renumbering path was never taken"
    );
}

#[test]
fn drops_next_to_extreme_ranks_keep_the_order() {
    // Ranks come back from backups and storage as any i64; a drop must neither overflow nor
    // land level with a neighbour. The ids sort "first" < "moved" < "second", so a tie in
    // rank would put "moved" in the wrong place whichever end it was dropped at.
    let check = |ranks: [i64; 2], index: usize, expected: [&str; 3]| {
        let mut ws = board();
        add(&mut ws, LEAD, "first");
        add(&mut ws, LEAD, "second");
        add(&mut ws, PROPOSAL, "moved");
        set_rank(&mut ws, "first", ranks[0]);
        set_rank(&mut ws, "second", ranks[1]);
        assert_eq!(ws.move_deal("moved", LEAD, index, days_later(1)), Ok(()));
        assert_eq!(
            column(&ws, LEAD),
            expected,
            "ranks {ranks:?}, index {index}"
        );
    };
    check([i64::MIN, i64::MAX], 1, ["first", "moved", "second"]);
    check(
        [i64::MIN + 1, i64::MAX - 1],
        1,
        ["first", "moved", "second"],
    );
    check([-5, i64::MAX], 1, ["first", "moved", "second"]);
    check([0, i64::MAX], 2, ["first", "second", "moved"]);
    check([i64::MAX - 1, i64::MAX], 2, ["first", "second", "moved"]);
    check([i64::MIN, 0], 0, ["moved", "first", "second"]);
    check([i64::MIN, i64::MIN + 1], 0, ["moved", "first", "second"]);
}

#[test]
fn removing_a_stage_into_a_column_with_extreme_ranks_moves_every_deal() {
    let mut ws = board();
    add(&mut ws, NEGOTIATION, "already-there");
    set_rank(&mut ws, "already-there", i64::MAX - 1);
    for deal_id in ["a", "b", "c"] {
        add(&mut ws, PROPOSAL, deal_id);
    }
    assert_eq!(
        ws.remove_stage(PIPELINE, PROPOSAL, Some(&NEGOTIATION.into()), days_later(1)),
        Ok(3)
    );
    let in_target = column(&ws, NEGOTIATION);
    assert_eq!(in_target.len(), 4, "{in_target:?}");
    assert_eq!(in_target[0], "already-there");
}

#[test]
fn closed_deals_cannot_be_moved() {
    let mut ws = board();
    add(&mut ws, LEAD, "won");
    add(&mut ws, LEAD, "lost");
    ws.mark_won("won", start()).unwrap();
    ws.mark_lost("lost", "Price", "", start()).unwrap();
    let before = ws.clone();
    assert_eq!(
        ws.move_deal("won", PROPOSAL, 0, days_later(1)),
        Err(DealIsClosed)
    );
    assert_eq!(
        ws.move_deal("lost", PROPOSAL, 0, days_later(1)),
        Err(DealIsClosed)
    );
    assert_eq!(
        ws.move_deal("won", LEAD, 0, days_later(1)),
        Err(DealIsClosed)
    );
    assert_eq!(ws, before);
}

#[test]
fn a_move_needs_a_known_deal_and_a_stage_of_its_pipeline() {
    let mut ws = board();
    ws.add_pipeline(other_pipeline()).unwrap();
    add(&mut ws, LEAD, "a");
    let before = ws.clone();
    assert_eq!(
        ws.move_deal("missing", PROPOSAL, 0, days_later(1)),
        Err(DealNotFound)
    );
    assert_eq!(
        ws.move_deal("a", "missing", 0, days_later(1)),
        Err(StageNotFound)
    );
    assert_eq!(
        ws.move_deal("a", OTHER_STAGE, 0, days_later(1)),
        Err(StageNotFound)
    );
    assert_eq!(ws, before);
}

proptest! {
    /// Any sequence of moves leaves every column in the order a plain list model predicts,
    /// loses no deal, and records exactly the moves that changed a deal's stage.
    #[test]
    fn any_sequence_of_moves_matches_a_simple_model(
        tight_ranks in any::<bool>(),
        moves in proptest::collection::vec((0usize..6, 0usize..3, 0usize..8), 1..60),
    ) {
        let stages = [LEAD, PROPOSAL, NEGOTIATION];
        let deal_ids = ["d0", "d1", "d2", "d3", "d4", "d5"];
        let mut ws = board();
        let mut model: Vec<Vec<&str>> = vec![Vec::new(); 3];
        for (deal_idx, deal_id) in deal_ids.iter().enumerate() {
            add(&mut ws, stages[deal_idx % 3], deal_id);
            model[deal_idx % 3].push(deal_id);
        }
        if tight_ranks {
            // Ranks with no gaps at all, as an old file might hold.
            for (deal_idx, deal_id) in deal_ids.iter().enumerate() {
                set_rank(&mut ws, deal_id, deal_idx as i64);
            }
        }
        let mut n_stage_changes = [0usize; 6];
        for (step, (deal_idx, stage_idx, index)) in moves.into_iter().enumerate() {
            let deal_id = deal_ids[deal_idx];
            let from_idx = model.iter().position(|col| col.contains(&deal_id)).unwrap();
            model[from_idx].retain(|id| *id != deal_id);
            let slot = index.min(model[stage_idx].len());
            model[stage_idx].insert(slot, deal_id);
            if from_idx != stage_idx {
                n_stage_changes[deal_idx] += 1;
            }
            let now = days_later(step as i64);
            prop_assert_eq!(ws.move_deal(deal_id, stages[stage_idx], index, now), Ok(()));
            for (col_idx, stage_id) in stages.iter().enumerate() {
                prop_assert_eq!(column(&ws, stage_id), model[col_idx].clone());
            }
        }
        prop_assert_eq!(ws.deals.len(), deal_ids.len());
        for (deal_idx, deal_id) in deal_ids.iter().enumerate() {
            prop_assert_eq!(deal(&ws, deal_id).history.len(), 1 + n_stage_changes[deal_idx]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Won, lost and reopened

#[test]
fn winning_a_deal_closes_it_where_it_stands() {
    let mut ws = board();
    add(&mut ws, PROPOSAL, "a");
    add(&mut ws, PROPOSAL, "b");

    assert_eq!(ws.mark_won("a", days_later(3)), Ok(()));

    let won = deal(&ws, "a");
    assert_eq!(won.status, DealStatus::Won { at: days_later(3) });
    assert_eq!(won.stage_id, PROPOSAL, "won is an outcome, not a stage");
    assert_eq!(won.history.len(), 1);
    assert_eq!(won.rev, 2);
    assert_eq!(won.updated_at, days_later(3));
    assert_eq!(column(&ws, PROPOSAL), ["b"]);
    let before = ws.clone();
    assert_eq!(ws.mark_won("a", days_later(4)), Err(DealIsClosed));
    assert_eq!(
        ws.mark_lost("a", "Price", "", days_later(4)),
        Err(DealIsClosed)
    );
    assert_eq!(ws, before);
    assert_eq!(ws.mark_won("missing", days_later(4)), Err(DealNotFound));
}

#[test]
fn losing_a_deal_needs_a_reason() {
    let check = |reason: &str, note: &str, expected: Result<(), DomainError>| {
        let mut ws = board();
        add(&mut ws, LEAD, "a");
        let before = ws.clone();
        let label = format!("reason {:?}", reason.get(..20).unwrap_or(reason));
        assert_eq!(
            ws.mark_lost("a", reason, note, days_later(2)),
            expected,
            "{label}"
        );
        if expected.is_err() {
            assert_eq!(ws, before, "{label}");
        }
    };
    check("", "", Err(EmptyLostReason));
    check(" \t ", "Some note", Err(EmptyLostReason));
    check(&"r".repeat(201), "", Err(NameTooLong { max: 200 }));
    check(
        "Price",
        &"n".repeat(20_001),
        Err(TextTooLong { max: 20_000 }),
    );
    check("Price", "", Ok(()));
    check("A reason not in the list", "", Ok(()));

    let mut ws = board();
    add(&mut ws, LEAD, "a");
    assert_eq!(
        ws.mark_lost("a", "  Price  ", "Too dear\nfor now", days_later(2)),
        Ok(())
    );
    let lost = deal(&ws, "a");
    assert_eq!(
        lost.status,
        DealStatus::Lost {
            at: days_later(2),
            reason: "Price".into(),
            note: "Too dear\nfor now".into(),
        }
    );
    assert_eq!(lost.stage_id, LEAD);
    assert_eq!(lost.rev, 2);
    assert!(column(&ws, LEAD).is_empty());
    assert_eq!(
        ws.mark_lost("a", "Price", "", days_later(3)),
        Err(DealIsClosed)
    );
    assert_eq!(ws.mark_won("a", days_later(3)), Err(DealIsClosed));
    assert_eq!(
        ws.mark_lost("missing", "Price", "", days_later(3)),
        Err(DealNotFound)
    );
}

#[test]
fn reopening_puts_a_deal_back_at_the_bottom_of_its_stage() {
    for outcome in ["won", "lost"] {
        let mut ws = board();
        for deal_id in ["a", "b", "c"] {
            add(&mut ws, LEAD, deal_id);
        }
        match outcome {
            "won" => ws.mark_won("a", days_later(1)).unwrap(),
            _ => ws.mark_lost("a", "Price", "", days_later(1)).unwrap(),
        }
        add_at(&mut ws, LEAD, "d", days_later(2));
        ws.move_deal("d", LEAD, 0, days_later(2)).unwrap();

        assert_eq!(ws.reopen("a", days_later(5)), Ok(()), "{outcome}");

        let reopened = deal(&ws, "a");
        assert_eq!(reopened.status, DealStatus::Open, "{outcome}");
        assert_eq!(reopened.stage_id, LEAD, "{outcome}");
        assert_eq!(
            reopened.history.len(),
            1,
            "{outcome}: reopening is not a stage change"
        );
        assert_eq!(reopened.rev, 3, "{outcome}");
        assert_eq!(reopened.updated_at, days_later(5), "{outcome}");
        assert_eq!(column(&ws, LEAD), ["d", "b", "c", "a"], "{outcome}");
        assert_eq!(ws.reopen("a", days_later(6)), Err(DealIsOpen), "{outcome}");
        assert_eq!(
            ws.move_deal("a", PROPOSAL, 0, days_later(6)),
            Ok(()),
            "{outcome}"
        );
    }
    let mut ws = board();
    assert_eq!(ws.reopen("missing", start()), Err(DealNotFound));
}

/// One change to the workspace at a given moment, as the UI would make it.
type Change = fn(&mut Workspace, DateTime<Utc>) -> Result<(), DomainError>;

#[test]
fn every_change_to_a_deal_bumps_its_revision_and_a_refused_one_does_not() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    add(&mut ws, LEAD, "b");
    let changes: [(&str, bool, Change); 11] = [
        ("edit", true, |ws, now| {
            ws.update_deal("a", full_draft(), now)
        }),
        ("move to another stage", true, |ws, now| {
            ws.move_deal("a", PROPOSAL, 0, now)
        }),
        ("move within the column", true, |ws, now| {
            ws.move_deal("a", PROPOSAL, 0, now)
        }),
        ("win", true, |ws, now| ws.mark_won("a", now)),
        ("move a closed deal", false, |ws, now| {
            ws.move_deal("a", LEAD, 0, now)
        }),
        ("reopen", true, |ws, now| ws.reopen("a", now)),
        ("lose without a reason", false, |ws, now| {
            ws.mark_lost("a", "", "", now)
        }),
        ("lose", true, |ws, now| ws.mark_lost("a", "Price", "", now)),
        ("reopen again", true, |ws, now| ws.reopen("a", now)),
        ("edit with an empty title", false, |ws, now| {
            ws.update_deal("a", DealDraft::quick("", nok(1)), now)
        }),
        ("remove its stage", true, |ws, now| {
            ws.remove_stage(PIPELINE, PROPOSAL, Some(&NEGOTIATION.into()), now)
                .map(|_| ())
        }),
    ];
    for (n_day, (label, should_succeed, change)) in (1..).zip(changes) {
        let before = deal(&ws, "a").clone();
        let result = change(&mut ws, days_later(n_day));
        assert_eq!(result.is_ok(), should_succeed, "{label}: {result:?}");
        let after = deal(&ws, "a");
        if should_succeed {
            assert_eq!(after.rev, before.rev + 1, "{label}");
            assert_eq!(after.updated_at, days_later(n_day), "{label}");
        } else {
            assert_eq!(
                after, &before,
                "{label}: a refused change must leave the deal alone"
            );
        }
    }
    assert_eq!(deal(&ws, "a").rev, 9);
    assert_eq!(
        deal(&ws, "b").rev,
        1,
        "a change to one deal leaves the others' revisions"
    );
}

// ---------------------------------------------------------------------------------------
// Probability, time in stage, staleness and search

#[test]
fn a_deals_own_probability_overrides_its_stages() {
    let check = |deal_probability: Option<u8>, stage_probability: u8, expected: u8| {
        let mut ws = board();
        add(&mut ws, LEAD, "a");
        ws.deals[0].probability = deal_probability;
        let stage = guided_stage("s", "Stage", stage_probability, 14);
        assert_eq!(
            deal(&ws, "a").effective_probability(&stage),
            expected,
            "deal {deal_probability:?}, stage {stage_probability}"
        );
    };
    check(None, 50, 50);
    check(None, 0, 0);
    check(Some(80), 50, 80);
    check(Some(0), 50, 0);
    check(Some(100), 10, 100);
}

#[test]
fn days_in_stage_counts_whole_days_since_entering_the_current_stage() {
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    ws.move_deal("a", PROPOSAL, 0, days_later(3)).unwrap();
    let check = |now: DateTime<Utc>, expected: i64| {
        assert_eq!(deal(&ws, "a").days_in_stage(now), expected, "at {now}");
    };
    check(days_later(3), 0);
    check(days_later(4) - Duration::minutes(1), 0);
    check(days_later(4), 1);
    check(days_later(13), 10);
    check(start(), 0);

    ws.move_deal("a", LEAD, 0, days_later(10)).unwrap();
    assert_eq!(
        deal(&ws, "a").days_in_stage(days_later(12)),
        2,
        "counts from the latest entry"
    );
    ws.update_deal("a", full_draft(), days_later(11)).unwrap();
    assert_eq!(
        deal(&ws, "a").days_in_stage(days_later(12)),
        2,
        "an edit is not a stage entry"
    );

    let mut without_history = deal(&ws, "a").clone();
    without_history.history.clear();
    assert_eq!(
        without_history.days_in_stage(days_later(12)),
        12,
        "falls back to created_at"
    );
}

#[test]
fn a_deal_is_stale_when_untouched_for_longer_than_its_stages_rot_days() {
    let lead_stage = sales_pipeline().stages[0].clone();
    assert_eq!(lead_stage.rot_days, 14);
    let mut ws = board();
    add(&mut ws, LEAD, "a");
    let check = |ws: &Workspace, stage: &Stage, now: DateTime<Utc>, expected: bool| {
        assert_eq!(
            deal(ws, "a").is_stale(stage, now),
            expected,
            "at {now}, rot {}",
            stage.rot_days
        );
    };
    check(&ws, &lead_stage, days_later(1), false);
    // Elapsed time, not whole days: exactly the rot days is not stale, a moment more is.
    check(&ws, &lead_stage, days_later(14), false);
    check(
        &ws,
        &lead_stage,
        days_later(14) + Duration::seconds(1),
        true,
    );
    check(&ws, &lead_stage, days_later(14) + Duration::hours(1), true);
    check(&ws, &lead_stage, days_later(15), true);
    check(
        &ws,
        &guided_stage("slow", "Slow", 10, 30),
        days_later(15),
        false,
    );
    check(
        &ws,
        &guided_stage("never", "Never", 10, 0),
        days_later(400),
        false,
    );

    // Any change is activity: it restarts the clock.
    ws.update_deal("a", full_draft(), days_later(10)).unwrap();
    check(&ws, &lead_stage, days_later(20), false);
    check(&ws, &lead_stage, days_later(25), true);
    ws.move_deal("a", LEAD, 0, days_later(24)).unwrap();
    check(&ws, &lead_stage, days_later(25), false);

    // A closed deal is not rotting, however long it has sat.
    ws.mark_won("a", days_later(24)).unwrap();
    check(&ws, &lead_stage, days_later(400), false);
    ws.reopen("a", days_later(30)).unwrap();
    ws.mark_lost("a", "Price", "", days_later(30)).unwrap();
    check(&ws, &lead_stage, days_later(400), false);
}

#[test]
fn search_matches_title_organisation_and_contact_ignoring_case() {
    let mut ws = board();
    let draft = DealDraft {
        title: "Annual licence".into(),
        organisation: "Ålesund Møbler AS".into(),
        contact: Contact {
            name: "Kari Nordmann".into(),
            email: "kari@example.no".into(),
            phone: "+47 412 34 567".into(),
        },
        notes: "secret-word in the notes".into(),
        next_step: NextStep {
            text: "Call about widgets".into(),
            due: None,
        },
        ..full_draft()
    };
    ws.add_deal(PIPELINE, LEAD, "a".into(), draft, start())
        .unwrap();
    let check = |query: &str, expected: bool| {
        assert_eq!(deal(&ws, "a").matches(query), expected, "query {query:?}");
    };
    check("", true);
    check("   ", true);
    check("annual", true);
    check("ANNUAL LICENCE", true);
    check("  licence  ", true);
    check("ålesund", true);
    check("ÅLESUND MØBLER", true);
    check("kari nord", true);
    check("@EXAMPLE.no", true);
    check("412 34", true);
    check("secret-word", false);
    check("widgets", false);
    check("licence ålesund", false);
    check("xyz", false);
}

#[test]
fn the_lost_reason_list_is_editable_without_touching_deals() {
    let mut ws = board();
    let n_defaults = ws.lost_reasons.len();
    add(&mut ws, LEAD, "a");
    ws.mark_lost("a", "Price", "", start()).unwrap();

    assert_eq!(ws.add_lost_reason("  Budget cut  "), Ok(()));
    assert_eq!(ws.add_lost_reason("Budget cut"), Ok(()));
    assert_eq!(ws.add_lost_reason("   "), Err(EmptyLostReason));
    assert_eq!(
        ws.add_lost_reason(&"r".repeat(201)),
        Err(NameTooLong { max: 200 })
    );
    assert_eq!(ws.lost_reasons.len(), n_defaults + 1);
    assert_eq!(
        ws.lost_reasons.last().map(String::as_str),
        Some("Budget cut")
    );

    ws.remove_lost_reason("Price").unwrap();
    assert!(!ws.lost_reasons.iter().any(|r| r == "Price"));
    assert!(matches!(&deal(&ws, "a").status, DealStatus::Lost { reason, .. } if reason == "Price"));
}

#[test]
fn default_lost_reasons_exist_in_both_languages() {
    let nb = default_lost_reasons(Lang::Nb);
    let en = default_lost_reasons(Lang::En);
    assert_eq!(nb.len(), en.len());
    assert!(nb.contains(&"Pris".to_string()));
    assert!(en.contains(&"Price".to_string()));
    assert!(nb.iter().chain(&en).all(|r| !r.trim().is_empty()));
}

// ---------------------------------------------------------------------------------------
// Totals

fn add_money(
    ws: &mut Workspace,
    stage_id: &str,
    deal_id: &str,
    amount: Money,
    probability: Option<u8>,
) {
    let draft = DealDraft {
        probability,
        ..DealDraft::quick(deal_id, amount)
    };
    ws.add_deal(PIPELINE, stage_id, deal_id.into(), draft, start())
        .unwrap();
}

fn row(code: &str, n_deals: usize, total_minor: i64, weighted_minor: i64) -> CurrencyTotal {
    CurrencyTotal {
        currency: Currency::parse(code).unwrap(),
        n_deals,
        total_minor,
        weighted_minor,
    }
}

#[test]
fn a_columns_totals_are_kept_apart_per_currency() {
    let mut ws = board();
    // Proposal is at 50 %.
    add_money(&mut ws, PROPOSAL, "nok-1", nok(10_000_000), None);
    add_money(&mut ws, PROPOSAL, "usd-1", money(whole(300), "USD"), None);
    add_money(&mut ws, PROPOSAL, "eur-1", money(whole(2_000), "EUR"), None);
    add_money(&mut ws, PROPOSAL, "nok-2", nok(5_000_000), Some(80));
    add_money(&mut ws, PROPOSAL, "jpy-1", money(1_001, "JPY"), None);
    add_money(&mut ws, PROPOSAL, "won", nok(999_999), None);
    add_money(&mut ws, PROPOSAL, "lost", money(777, "EUR"), None);
    add_money(&mut ws, LEAD, "elsewhere", nok(123_456), None);
    ws.mark_won("won", start()).unwrap();
    ws.mark_lost("lost", "Price", "", start()).unwrap();
    let pipeline = ws.pipeline(PIPELINE).unwrap().clone();

    assert_eq!(
        stage_totals(&ws, &pipeline, PROPOSAL),
        [
            row("EUR", 1, whole(2_000), whole(1_000)),
            row("JPY", 1, 1_001, 501),
            row("NOK", 2, 15_000_000, 5_000_000 + 4_000_000),
            row("USD", 1, whole(300), whole(150)),
        ]
    );
    assert_eq!(
        stage_totals(&ws, &pipeline, LEAD),
        [row("NOK", 1, 123_456, 12_346)]
    );
    assert_eq!(stage_totals(&ws, &pipeline, NEGOTIATION), []);
    assert_eq!(stage_totals(&ws, &pipeline, "missing"), []);
}

#[test]
fn pipeline_totals_cover_the_open_deals_of_every_stage_of_that_pipeline_only() {
    let mut ws = board();
    ws.add_pipeline(other_pipeline()).unwrap();
    add_money(&mut ws, LEAD, "lead", nok(whole(1_000)), None);
    add_money(&mut ws, PROPOSAL, "proposal", nok(whole(2_000)), None);
    add_money(&mut ws, NEGOTIATION, "negotiation", nok(whole(3_000)), None);
    add_money(
        &mut ws,
        NEGOTIATION,
        "euro",
        money(whole(4_000), "EUR"),
        Some(25),
    );
    add_money(&mut ws, NEGOTIATION, "won", nok(whole(9_000)), None);
    ws.mark_won("won", start()).unwrap();
    ws.add_deal(
        OTHER_PIPELINE,
        OTHER_STAGE,
        "other".into(),
        DealDraft::quick("O", nok(whole(5_000))),
        start(),
    )
    .unwrap();
    let pipeline = ws.pipeline(PIPELINE).unwrap().clone();

    assert_eq!(
        pipeline_totals(&ws, &pipeline),
        [
            row("EUR", 1, whole(4_000), whole(1_000)),
            row(
                "NOK",
                3,
                whole(6_000),
                whole(100) + whole(1_000) + whole(2_400)
            ),
        ]
    );

    // A deal whose stage is gone (possible in a damaged file) is left out, not guessed at.
    ws.deals
        .iter_mut()
        .find(|d| d.id == "lead")
        .unwrap()
        .stage_id = "gone".into();
    assert_eq!(
        pipeline_totals(&ws, &pipeline),
        [
            row("EUR", 1, whole(4_000), whole(1_000)),
            row("NOK", 2, whole(5_000), whole(1_000) + whole(2_400)),
        ]
    );
}

#[test]
fn weighted_values_are_rounded_half_away_from_zero_per_deal() {
    // Each card shows its own rounded weighted value, and the column shows their sum.
    let mut ws = board();
    for (deal_id, minor) in [("one", 1), ("another-one", 1), ("three", 3)] {
        add_money(&mut ws, PROPOSAL, deal_id, nok(minor), None);
    }
    let pipeline = ws.pipeline(PIPELINE).unwrap().clone();
    assert_eq!(
        stage_totals(&ws, &pipeline, PROPOSAL),
        [row("NOK", 3, 5, 1 + 1 + 2)]
    );

    let check = |minor: i64, probability: u8, expected: i64| {
        assert_eq!(
            weighted_minor(minor, probability),
            expected,
            "{minor} at {probability} %"
        );
        assert_eq!(
            nok(minor).weighted(probability),
            expected,
            "{minor} at {probability} %"
        );
    };
    check(1_000, 25, 250);
    check(5, 50, 3);
    check(4, 50, 2);
    check(15, 10, 2);
    check(14, 10, 1);
    check(150, 33, 50);
    check(149, 33, 49);
    check(0, 50, 0);
    check(12_345, 0, 0);
    check(12_345, 100, 12_345);
    check(-5, 50, -3);
    check(-15, 10, -2);
    check(MAX_MINOR, 100, MAX_MINOR);
    check(MAX_MINOR, 1, MAX_MINOR / 100);
    check(i64::MAX, 100, i64::MAX);
}

#[test]
fn a_thousand_of_the_largest_deals_still_add_up_exactly() {
    let mut ws = board();
    for n in 0..1_000 {
        add_money(
            &mut ws,
            NEGOTIATION,
            &format!("big-{n:04}"),
            nok(MAX_MINOR),
            None,
        );
    }
    let pipeline = ws.pipeline(PIPELINE).unwrap().clone();
    assert_eq!(
        stage_totals(&ws, &pipeline, NEGOTIATION),
        [row(
            "NOK",
            1_000,
            1_000 * MAX_MINOR,
            1_000 * (MAX_MINOR / 100 * 80)
        )]
    );
}

// ---------------------------------------------------------------------------------------
// Money

#[test]
fn each_language_types_decimals_with_its_own_separator() {
    assert_eq!(
        DecimalSeparator::for_lang(Lang::Nb),
        DecimalSeparator::Comma
    );
    assert_eq!(
        DecimalSeparator::for_lang(Lang::En),
        DecimalSeparator::Point
    );
}

#[test]
fn amounts_typed_by_people_parse_to_minor_units() {
    use DecimalSeparator::{Comma, Point};
    let check = |input: &str, code: &str, separator, expected: Result<i64, AmountError>| {
        let currency = Currency::parse(code).unwrap();
        assert_eq!(
            parse_amount(input, &currency, separator),
            expected,
            "{input:?} in {code} with {separator:?}"
        );
    };
    // Grouping: spaces of every kind, the other separator, and apostrophes.
    check("12 500", "NOK", Comma, Ok(1_250_000));
    check("12\u{a0}500,50", "NOK", Comma, Ok(1_250_050));
    check("12\u{202f}500", "NOK", Comma, Ok(1_250_000));
    check("12\u{2009}500", "NOK", Comma, Ok(1_250_000));
    check("1.250.000", "NOK", Comma, Ok(125_000_000));
    check("1'250", "NOK", Comma, Ok(125_000));
    check("1,250,000.5", "NOK", Point, Ok(125_000_050));
    check("12,500", "NOK", Point, Ok(1_250_000));
    check(" 42 ", "NOK", Comma, Ok(4_200));
    // Decimals.
    check("12.5", "NOK", Point, Ok(1_250));
    check(",5", "NOK", Comma, Ok(50));
    check("5,", "NOK", Comma, Ok(500));
    check("0,500000", "NOK", Comma, Ok(50));
    check("007", "NOK", Comma, Ok(700));
    check("0", "NOK", Comma, Ok(0));
    check(
        "0,001",
        "NOK",
        Comma,
        Err(AmountError::TooManyDecimals { allowed: 2 }),
    );
    // Typed with the other convention: refused rather than read as a different amount.
    check(
        "1.250,75",
        "NOK",
        Point,
        Err(AmountError::TooManyDecimals { allowed: 2 }),
    );
    // Currencies with no or three decimals.
    check("1,500", "JPY", Point, Ok(1_500));
    check("1500.00", "JPY", Point, Ok(1_500));
    check(
        "1500.5",
        "JPY",
        Point,
        Err(AmountError::TooManyDecimals { allowed: 0 }),
    );
    check("1.234", "BHD", Point, Ok(1_234));
    check("0,5", "BHD", Comma, Ok(500));
    check(
        "1.2345",
        "BHD",
        Point,
        Err(AmountError::TooManyDecimals { allowed: 3 }),
    );
    // Not amounts.
    check("", "NOK", Comma, Err(AmountError::Empty));
    check("   ", "NOK", Comma, Err(AmountError::Empty));
    check("\u{a0}", "NOK", Comma, Err(AmountError::Empty));
    check(",", "NOK", Comma, Err(AmountError::NotANumber));
    check("12,5,0", "NOK", Comma, Err(AmountError::NotANumber));
    check("1e5", "NOK", Point, Err(AmountError::NotANumber));
    check("+5", "NOK", Point, Err(AmountError::NotANumber));
    check("12 kr", "NOK", Comma, Err(AmountError::NotANumber));
    check("kr 12", "NOK", Comma, Err(AmountError::NotANumber));
    check("１２", "NOK", Comma, Err(AmountError::NotANumber));
    check("-5", "NOK", Comma, Err(AmountError::Negative));
    check("\u{2212}5", "NOK", Comma, Err(AmountError::Negative));
    check(" -0 ", "NOK", Comma, Err(AmountError::Negative));
    // The largest amount accepted, and one past it.
    check("10 000 000 000 000", "NOK", Comma, Ok(MAX_MINOR));
    check(
        "10 000 000 000 000,01",
        "NOK",
        Comma,
        Err(AmountError::TooLarge),
    );
    check("1000000000000000", "JPY", Point, Ok(MAX_MINOR));
    check("1000000000000001", "JPY", Point, Err(AmountError::TooLarge));
    check(
        "92233720368547758",
        "NOK",
        Point,
        Err(AmountError::TooLarge),
    );
    check(
        "99999999999999999999999",
        "NOK",
        Point,
        Err(AmountError::TooLarge),
    );
}

#[test]
fn amounts_are_shown_for_input_in_the_locales_style() {
    use DecimalSeparator::{Comma, Point};
    let check = |minor: i64, code: &str, separator, expected: &str| {
        let currency = Currency::parse(code).unwrap();
        assert_eq!(
            minor_to_input(minor, &currency, separator),
            expected,
            "{minor} {code}"
        );
    };
    check(1_250_050, "NOK", Comma, "12500,50");
    check(1_250_005, "NOK", Point, "12500.05");
    check(1_250_000, "NOK", Comma, "12500");
    check(5, "NOK", Point, "0.05");
    check(0, "NOK", Comma, "0");
    check(1_500, "JPY", Comma, "1500");
    check(1_234, "BHD", Point, "1.234");
    check(1_200, "BHD", Comma, "1,200");

    let check_major = |minor: i64, code: &str, expected: f64| {
        let currency = Currency::parse(code).unwrap();
        assert_eq!(
            minor_to_major_f64(minor, &currency),
            expected,
            "{minor} {code}"
        );
    };
    check_major(1_250_050, "NOK", 12_500.5);
    check_major(1_500, "JPY", 1_500.0);
    check_major(1_234, "BHD", 1.234);
}

proptest! {
    /// An amount shown in an input field reads back as the same amount.
    #[test]
    fn amounts_shown_for_input_read_back_unchanged(
        minor in 0..=MAX_MINOR,
        code in prop::sample::select(vec!["NOK", "JPY", "BHD", "EUR", "ISK", "KWD"]),
        comma in any::<bool>(),
    ) {
        let currency = Currency::parse(code).unwrap();
        let separator = if comma { DecimalSeparator::Comma } else { DecimalSeparator::Point };
        let text = minor_to_input(minor, &currency, separator);
        prop_assert_eq!(parse_amount(&text, &currency, separator), Ok(minor), "text {}", text);
    }
}

#[test]
fn currency_codes_are_checked_and_canonical() {
    let check = |input: &str, expected: Result<&str, UnknownCurrency>| {
        let parsed = Currency::parse(input);
        assert_eq!(
            parsed.as_ref().map(Currency::code),
            expected.as_ref().map(|c| *c),
            "{input:?}"
        );
    };
    check("NOK", Ok("NOK"));
    check("nok", Ok("NOK"));
    check(" eur ", Ok("EUR"));
    check("XYZ", Err(UnknownCurrency("XYZ".into())));
    check("", Err(UnknownCurrency(String::new())));
    check("EURO", Err(UnknownCurrency("EURO".into())));
    check("€", Err(UnknownCurrency("€".into())));

    let digits = |code: &str| Currency::parse(code).unwrap().minor_digits();
    assert_eq!(
        ["NOK", "EUR", "JPY", "ISK", "BHD", "KWD"].map(digits),
        [2, 2, 0, 0, 3, 3]
    );
    assert_eq!(Currency::nok().code(), "NOK");
    assert_eq!(Currency::nok().to_string(), "NOK");

    let codes: Vec<&str> = Currency::all_codes().collect();
    assert!(codes.len() > 150, "only {} codes", codes.len());
    let unique: std::collections::BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "a code is listed twice");
    for code in codes {
        assert!(
            code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()),
            "{code}"
        );
        assert_eq!(
            Currency::parse(code).map(|c| c.code().to_string()),
            Ok(code.to_string())
        );
    }
}

#[test]
fn stored_currencies_and_amounts_must_be_canonical() {
    assert_eq!(serde_json::to_string(&Currency::nok()).unwrap(), "\"NOK\"");
    assert_eq!(
        serde_json::from_str::<Currency>("\"EUR\"").ok(),
        Currency::parse("EUR").ok()
    );
    for refused in ["\"eur\"", "\"XYZ\"", "\" EUR\"", "\"\"", "42"] {
        assert!(
            serde_json::from_str::<Currency>(refused).is_err(),
            "{refused} was accepted"
        );
    }
    let amount = money(1_250_050, "EUR");
    let json = serde_json::to_string(&amount).unwrap();
    assert_eq!(json, r#"{"minor":1250050,"currency":"EUR"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), amount);
}

#[test]
fn a_deals_amount_currency_is_its_own_not_the_pipelines() {
    let mut ws = board();
    add_money(&mut ws, LEAD, "euro", money(100, "EUR"), None);
    assert_eq!(deal(&ws, "euro").amount.currency.code(), "EUR");
    assert_eq!(ws.pipeline(PIPELINE).unwrap().currency.code(), "NOK");
    // The time of adding is the one given, never the clock.
    assert_eq!(
        deal(&ws, "euro").created_at,
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    );
}

// ---------------------------------------------------------------------------------------
// Undo and redo (`domain::undo`)

mod undo {
    use super::*;
    use pipewright::domain::undo::{Baseline, History, HISTORY_DEPTH};

    /// A board with three deals in Lead, and a baseline that has seen it.
    fn three_leads() -> (Workspace, Baseline) {
        let mut ws = board();
        for id in ["a", "b", "c"] {
            add(&mut ws, LEAD, id);
        }
        let baseline = Baseline::of(&ws);
        (ws, baseline)
    }

    #[test]
    fn a_move_is_told_as_the_deals_it_changed_and_undone_to_the_same_places() {
        let (mut ws, mut baseline) = three_leads();
        ws.move_deal("b", NEGOTIATION, 0, days_later(1)).unwrap();
        let change = baseline.advance(&ws).expect("the move changed something");
        assert_eq!(change.n_deals(), 1);
        assert_eq!(baseline.advance(&ws), None, "told once");

        let rev_after_move = deal(&ws, "b").rev;
        ws.revert(&change).unwrap();
        assert_eq!(column(&ws, LEAD), ["a", "b", "c"]);
        assert!(column(&ws, NEGOTIATION).is_empty());
        assert_eq!(
            deal(&ws, "b").history.len(),
            1,
            "the move's history entry is gone"
        );
        // Stored like any change: a new revision, so storage writes it and other tabs take it.
        assert!(deal(&ws, "b").rev > rev_after_move);

        let inverse = baseline.advance(&ws).expect("the undo changed something");
        ws.revert(&inverse).unwrap();
        assert_eq!(column(&ws, NEGOTIATION), ["b"]);
        assert_eq!(column(&ws, LEAD), ["a", "c"]);
    }

    #[test]
    fn an_added_deal_is_removed_by_undo_and_a_deleted_one_comes_back() {
        let (mut ws, mut baseline) = three_leads();
        add(&mut ws, PROPOSAL, "new");
        let added = baseline.advance(&ws).unwrap();
        ws.delete_deal("a").unwrap();
        let deleted = baseline.advance(&ws).unwrap();

        ws.revert(&deleted).unwrap();
        assert_eq!(column(&ws, LEAD), ["a", "b", "c"]);
        ws.revert(&added).unwrap();
        assert!(ws.deal("new").is_none());
        assert_eq!(ws.deals.len(), 3);
    }

    #[test]
    fn undo_of_a_deal_changed_since_is_refused_and_changes_nothing() {
        let (mut ws, mut baseline) = three_leads();
        ws.move_deal("a", PROPOSAL, 0, days_later(1)).unwrap();
        let change = baseline.advance(&ws).unwrap();
        // Another tab moves it on; its change reaches this tab.
        ws.move_deal("a", NEGOTIATION, 0, days_later(2)).unwrap();
        let before = ws.clone();
        assert_eq!(ws.revert(&change), Err(DomainError::ChangedSince));
        assert_eq!(ws, before);
    }

    #[test]
    fn undo_that_would_leave_a_deal_without_its_stage_is_refused() {
        let (mut ws, mut baseline) = three_leads();
        ws.add_stage(PIPELINE, 3, "won-back".into(), stage_draft("Won back", 90))
            .unwrap();
        let added_stage = baseline.advance(&ws).unwrap();
        assert_eq!(added_stage.n_deals(), 0);
        // A deal goes into the new stage (in another tab, or a change not undone).
        add(&mut ws, "won-back", "late");
        let before = ws.clone();
        assert_eq!(ws.revert(&added_stage), Err(DomainError::ChangedSince));
        assert_eq!(ws, before);

        // Without that deal the stage goes, and every deal still has its place.
        ws.delete_deal("late").unwrap();
        ws.revert(&added_stage).unwrap();
        assert_eq!(stage_ids(&ws, PIPELINE), [LEAD, PROPOSAL, NEGOTIATION]);
    }

    #[test]
    fn a_new_change_clears_redo_and_history_keeps_the_newest_changes() {
        let (mut ws, mut baseline) = three_leads();
        let mut history = History::default();
        ws.move_deal("a", PROPOSAL, 0, days_later(1)).unwrap();
        history.record(baseline.advance(&ws).unwrap(), "move a".into());
        let (change, label) = history.last_done().cloned().unwrap();
        assert_eq!(label, "move a");
        ws.revert(&change).unwrap();
        history.undone(baseline.advance(&ws).unwrap());
        assert!(history.can_redo() && !history.can_undo());
        ws.move_deal("b", PROPOSAL, 0, days_later(2)).unwrap();
        history.record(baseline.advance(&ws).unwrap(), "move b".into());
        assert!(
            !history.can_redo(),
            "a new change ends what could be redone"
        );

        for n in 0..HISTORY_DEPTH + 5 {
            let target = if n % 2 == 0 { NEGOTIATION } else { LEAD };
            ws.move_deal("c", target, 0, days_later(3 + n as i64))
                .unwrap();
            history.record(baseline.advance(&ws).unwrap(), format!("step {n}"));
        }
        let mut n_undoable = 0;
        while let Some((change, _)) = history.last_done().cloned() {
            ws.revert(&change).unwrap();
            history.undone(baseline.advance(&ws).unwrap());
            n_undoable += 1;
        }
        assert_eq!(n_undoable, HISTORY_DEPTH);
        // The oldest changes fell off: "move b" cannot be undone any more.
        assert_eq!(deal(&ws, "b").stage_id.as_str(), PROPOSAL);
    }
}

// ---------------------------------------------------------------------------------------
// Instants: the app's own form is read directly, with exactly chrono's result.

mod instants {
    use chrono::{DateTime, Utc};
    use pipewright::domain::model::instant::{parse_utc, write_utc};
    use proptest::prelude::*;

    /// What chrono makes of `text`, as the app read it before.
    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        text.parse::<DateTime<Utc>>().ok()
    }

    #[test]
    fn the_apps_own_form_reads_as_chrono_reads_it() {
        for text in [
            "2026-11-30T09:15:00Z",
            "2026-11-30T09:15:00.1Z",
            "2026-11-30T09:15:00.123Z",
            "2026-11-30T09:15:00.123456789Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_utc(text), chrono_reads(text), "{text}");
            assert!(parse_utc(text).is_some(), "{text}");
        }
        // Left to chrono (which decides): other forms, impossible dates, leap seconds.
        for text in [
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-30T24:00:00Z",
            "2026-11-30T09:15:60Z",
            "2026-11-30t09:15:00z",
            "2026-11-30 09:15:00Z",
            "2026-11-30T09:15:00+01:00",
            "2026-11-30T09:15:00.1234567891Z",
            "2026-11-30T09:15:00.Z",
            "2026-11-30T09:15:00",
            "+2026-11-30T09:15:00Z",
            "２026-11-30T09:15:00Z",
        ] {
            assert_eq!(parse_utc(text), None, "{text}");
        }
    }

    /// chrono's own JSON for `at`: what the app wrote before `write_utc`.
    fn chrono_writes(at: &DateTime<Utc>) -> String {
        serde_json::to_string(at).unwrap()
    }

    #[test]
    fn the_apps_own_writing_is_chronos() {
        use chrono::TimeZone;
        for (secs, nanos) in [
            (0, 0),
            (1_796_029_200, 123_000_000),
            (1_796_029_200, 100_000_000),
            (1_796_029_200, 123_456_000),
            (1_796_029_200, 123_456_789),
            (1_796_029_200, 1),
            (-62_135_596_800, 0),           // 0001-01-01
            (253_402_300_799, 999_999_999), // 9999-12-31T23:59:59.999999999
        ] {
            let at = Utc.timestamp_opt(secs, nanos).unwrap();
            let mut buf = [0u8; 30];
            let ours = write_utc(&at, &mut buf).map(|t| format!("\"{t}\""));
            assert_eq!(ours.as_deref(), Some(chrono_writes(&at).as_str()));
            #[derive(serde::Serialize)]
            struct Wrapped(#[serde(with = "pipewright::domain::model::instant")] DateTime<Utc>);
            assert_eq!(
                serde_json::to_string(&Wrapped(at)).unwrap(),
                chrono_writes(&at)
            );
        }
        // Outside 0–9999, and a leap second: left to chrono, which writes them its own way.
        let mut buf = [0u8; 30];
        let far = Utc.timestamp_opt(253_402_300_800, 0).unwrap();
        assert_eq!(write_utc(&far, &mut buf), None);
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .unwrap()
            .and_utc();
        assert_eq!(write_utc(&leap, &mut buf), None);
    }

    proptest! {
        /// Any instant from year 0 to 9999, with any fraction: written exactly as chrono
        /// writes it, and read back to the same instant.
        #[test]
        fn the_direct_writing_is_chronos(
            secs in -62_167_219_200i64..253_402_300_800,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1_000).prop_map(|n| n * 1_000_000),
                (0u32..1_000_000).prop_map(|n| n * 1_000),
                0u32..1_000_000_000,
            ],
        ) {
            use chrono::TimeZone;
            let at = Utc.timestamp_opt(secs, nanos).unwrap();
            let mut buf = [0u8; 30];
            let ours = write_utc(&at, &mut buf).map(str::to_string);
            prop_assert_eq!(ours.as_ref().map(|t| format!("\"{t}\"")), Some(chrono_writes(&at)));
            prop_assert_eq!(ours.as_deref().and_then(parse_utc), Some(at));
        }
    }

    proptest! {
        /// Whatever the fields, the direct reading never disagrees with chrono: it gives
        /// chrono's instant, or leaves the text to chrono.
        #[test]
        fn the_direct_reading_never_disagrees_with_chrono(
            year in 0u32..10_000, month in 0u32..14, day in 0u32..33,
            hour in 0u32..26, minute in 0u32..62, second in 0u32..62,
            fraction in proptest::option::of("[0-9]{0,11}"),
            zone in prop_oneof![Just("Z"), Just("z"), Just("+00:00"), Just("")],
        ) {
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}");
            if let Some(at) = parse_utc(&text) {
                prop_assert_eq!(Some(at), chrono_reads(&text), "{}", text);
            }
        }
    }
}

fn by_first(a: &(u8, u16), b: &(u8, u16)) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
}

proptest! {
    /// `domain::sort`'s shared stable sort orders exactly as the standard library's
    /// `sort_by` and `sort_by_key`: equal keys keep their order.
    #[test]
    fn shared_stable_sort_orders_as_the_standard_library(
        items in prop::collection::vec((0_u8..4, any::<u16>()), 0..200),
    ) {
        let mut ours = items.clone();
        pipewright::domain::sort::sort_stable_by(&mut ours, by_first);
        let mut theirs = items.clone();
        theirs.sort_by(by_first);
        prop_assert_eq!(&ours, &theirs);
        let mut ours = items.clone();
        pipewright::domain::sort::sort_stable_by_key(&mut ours, |item| std::cmp::Reverse(item.0));
        let mut theirs = items;
        theirs.sort_by_key(|item| std::cmp::Reverse(item.0));
        prop_assert_eq!(ours, theirs);
    }
}
