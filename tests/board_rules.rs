//! Rules the board's components used to hold: where Shift+arrow and a drop take a card,
//! "an empty amount means 0", the 0–100 probability check, and "the stage holds deals".
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{stage, start};

use pipewright::domain::board::Nudge;
use pipewright::domain::money::{parse_amount_or_zero, AmountError, DecimalSeparator};
use pipewright::domain::ops::parse_probability;
use pipewright::domain::{Currency, DealDraft, DomainError, Money, Pipeline, Workspace};

/// Stages a, b, c; deals a1, a2, a3 in a (top to bottom) and b1 in b.
fn board() -> Workspace {
    let mut ws = Workspace::default();
    ws.add_pipeline(Pipeline {
        id: "p".into(),
        name: "P".into(),
        currency: Currency::nok(),
        stages: vec![
            stage("a", "A", 10, 14),
            stage("b", "B", 10, 14),
            stage("c", "C", 10, 14),
        ],
        created_at: start(),
    })
    .unwrap();
    for (stage, id) in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1")] {
        let draft = DealDraft::quick(id, Money::new(100, Currency::nok()));
        ws.add_deal("p", stage, id.into(), draft, start()).unwrap();
    }
    ws
}

#[test]
fn shift_arrows_move_a_card_to_the_neighbouring_stage_at_the_same_height_or_within_its_column() {
    let ws = board();
    assert_eq!(Nudge::from_key("ArrowRight"), Some(Nudge::Right));
    assert_eq!(Nudge::from_key("Enter"), None);
    assert_eq!(ws.nudge_target("a2", Nudge::Right), Some(("b".into(), 1)));
    assert_eq!(ws.nudge_target("b1", Nudge::Left), Some(("a".into(), 0)));
    assert_eq!(ws.nudge_target("a2", Nudge::Up), Some(("a".into(), 0)));
    assert_eq!(ws.nudge_target("a2", Nudge::Down), Some(("a".into(), 2)));
    // The edges of the board: nothing to the left of the first stage, above the top card,
    // or to the right of the last stage.
    assert_eq!(ws.nudge_target("a1", Nudge::Left), None);
    assert_eq!(ws.nudge_target("a1", Nudge::Up), None);
    let mut ws = ws;
    ws.move_deal("b1", "c", 0, start()).unwrap();
    assert_eq!(ws.nudge_target("b1", Nudge::Right), None);
    // A closed deal is on no column.
    ws.mark_won("a3", start()).unwrap();
    assert_eq!(ws.nudge_target("a3", Nudge::Up), None);
    assert_eq!(ws.nudge_target("missing", Nudge::Up), None);
}

#[test]
fn a_dropped_card_lands_before_the_card_under_the_pointer_or_after_its_lower_half() {
    let ws = board();
    // Dragging a3 within its own column: the column without it is [a1, a2].
    assert_eq!(
        ws.drop_index("p", "a", "a3", Some((&"a1".into(), false))),
        0
    );
    assert_eq!(ws.drop_index("p", "a", "a3", Some((&"a1".into(), true))), 1);
    assert_eq!(ws.drop_index("p", "a", "a3", Some((&"a2".into(), true))), 2);
    // Onto the column itself, or a card that is not in it: the end.
    assert_eq!(ws.drop_index("p", "a", "a3", None), 2);
    assert_eq!(
        ws.drop_index("p", "a", "a3", Some((&"b1".into(), false))),
        2
    );
    // Into another column.
    assert_eq!(
        ws.drop_index("p", "b", "a1", Some((&"b1".into(), false))),
        0
    );
    assert_eq!(ws.drop_index("p", "b", "a1", None), 1);
}

#[test]
fn an_empty_amount_means_zero_and_anything_else_must_read_as_an_amount() {
    let nok = Currency::nok();
    let comma = DecimalSeparator::Comma;
    assert_eq!(parse_amount_or_zero("", &nok, comma), Ok(0));
    assert_eq!(parse_amount_or_zero("   ", &nok, comma), Ok(0));
    assert_eq!(parse_amount_or_zero("12,50", &nok, comma), Ok(1250));
    assert_eq!(
        parse_amount_or_zero("abc", &nok, comma),
        Err(AmountError::NotANumber)
    );
    assert_eq!(
        parse_amount_or_zero("-5", &nok, comma),
        Err(AmountError::Negative)
    );
}

#[test]
fn a_deals_own_probability_is_empty_or_a_whole_number_from_0_to_100() {
    assert_eq!(parse_probability(""), Ok(None));
    assert_eq!(parse_probability(" 0 "), Ok(Some(0)));
    assert_eq!(parse_probability("100"), Ok(Some(100)));
    for bad in ["101", "-1", "50.5", "half", "256"] {
        assert_eq!(
            parse_probability(bad),
            Err(DomainError::ProbabilityOutOfRange),
            "{bad}"
        );
    }
}

#[test]
fn a_stage_that_holds_deals_open_or_closed_is_not_removed_without_a_target() {
    let mut ws = board();
    ws.mark_lost("b1", "Price", "", start()).unwrap();
    assert_eq!(ws.deals_in_stage_count("p", "a"), 3);
    assert_eq!(
        ws.deals_in_stage_count("p", "b"),
        1,
        "closed deals count too"
    );
    assert_eq!(ws.deals_in_stage_count("p", "c"), 0);
    let before = ws.clone();
    assert_eq!(
        ws.remove_stage("p", "b", None, start()),
        Err(DomainError::StageHasDeals { n_deals: 1 })
    );
    assert_eq!(ws, before);
    assert_eq!(ws.remove_stage("p", "c", None, start()), Ok(0));
}

/// The column index agrees with `open_deals_in_stage` after every kind of change, and says
/// which columns changed.
#[test]
fn the_column_index_follows_every_change_and_names_the_columns_it_touched() {
    use pipewright::domain::columns::Columns;
    use pipewright::domain::StageId;
    let mut ws = board();
    let mut columns = Columns::new(&ws);
    let agrees = |ws: &Workspace, columns: &Columns| {
        for stage in ["a", "b", "c"] {
            let expected: Vec<String> = ws
                .open_deals_in_stage("p", stage)
                .iter()
                .map(|d| d.id.to_string())
                .collect();
            let got: Vec<String> = columns
                .column(&StageId::from(stage))
                .iter()
                .map(|e| e.id.to_string())
                .collect();
            assert_eq!(got, expected, "stage {stage}");
        }
        for deal in &ws.deals {
            assert_eq!(columns.deal(ws, &deal.id).map(|d| &d.id), Some(&deal.id));
        }
    };
    agrees(&ws, &columns);
    let names = |set: std::collections::BTreeSet<StageId>| -> Vec<String> {
        set.into_iter().map(|s| s.to_string()).collect()
    };
    assert!(columns.refresh(&ws).is_empty(), "nothing changed");

    ws.move_deal("a1", "b", 1, start()).unwrap();
    assert_eq!(names(columns.refresh(&ws)), ["a", "b"]);
    agrees(&ws, &columns);

    ws.move_deal("a3", "a", 0, start()).unwrap();
    assert_eq!(names(columns.refresh(&ws)), ["a"]);
    agrees(&ws, &columns);

    ws.mark_won("b1", start()).unwrap();
    assert_eq!(names(columns.refresh(&ws)), ["b"]);
    agrees(&ws, &columns);

    let draft = DealDraft::quick("new", Money::new(5, Currency::nok()));
    ws.add_deal("p", "c", "c1".into(), draft, start()).unwrap();
    assert_eq!(names(columns.refresh(&ws)), ["c"]);
    agrees(&ws, &columns);

    ws.delete_deal("a2").unwrap();
    assert_eq!(names(columns.refresh(&ws)), ["a"]);
    agrees(&ws, &columns);
}
