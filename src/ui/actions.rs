//! What several components do after a change: move a deal and say where it went, and
//! name a deal in a message. Shared by the board, the deal editor and the closed list.

use super::browser;
use super::state::Ctx;
use crate::domain::{DealId, StageId};
use crate::i18n::tf;
use leptos::prelude::*;

/// Moves a deal and tells screen readers where it went. The one path for all three ways
/// of moving a card.
pub fn move_and_announce(ctx: Ctx, deal_id: &DealId, to_stage: &StageId, index: usize) -> bool {
    let now = browser::now();
    let moved = ctx
        .apply(|ws| ws.move_deal(deal_id, to_stage, index, now))
        .is_some();
    if moved {
        announce_move(ctx, deal_id, to_stage);
    }
    moved
}

/// "Moved X to Y, position 2 of 5", in the live region.
pub fn announce_move(ctx: Ctx, deal_id: &DealId, to_stage: &StageId) {
    let lang = ctx.lang.get_untracked();
    let text = ctx.ws.with_untracked(|ws| {
        let deal = ws.deal(deal_id)?;
        let pipeline = ws.pipeline(&deal.pipeline_id)?;
        let stage = pipeline.stage(to_stage)?;
        let column = ws.open_deals_in_stage(&pipeline.id, to_stage);
        let position = column.iter().position(|d| d.id == deal_id)? + 1;
        Some(tf(
            lang,
            "move.announce",
            &[
                ("deal", &deal.title),
                ("stage", &stage.name),
                ("position", &position.to_string()),
                ("count", &column.len().to_string()),
            ],
        ))
    });
    if let Some(text) = text {
        ctx.announce(text);
    }
}

/// Puts focus on a deal's card after it moved: its column scrolls it into view first
/// (columns draw only the cards in view), then the card takes focus.
pub fn focus_card(ctx: Ctx, deal_id: &DealId) {
    ctx.reveal.set(Some(deal_id.clone()));
    let id = format!("card-{deal_id}");
    leptos::prelude::request_animation_frame(move || {
        browser::focus_now(&id);
        ctx.reveal.set(None);
    });
}

pub fn deal_title(ctx: Ctx, deal_id: &DealId) -> String {
    ctx.ws
        .with_untracked(|ws| ws.deal(deal_id).map(|d| d.title.clone()))
        .unwrap_or_default()
}

/// Where focus goes when a deal leaves the board (won, lost): the next card in its column,
/// else the one before it, else the column's quick-add title. Asked before the deal leaves.
#[derive(Clone)]
pub enum FocusAfter {
    Card(DealId),
    Element(String),
}

pub fn focus_after_leaving(ctx: Ctx, deal_id: &DealId) -> FocusAfter {
    let stage_id = ctx
        .ws
        .with_untracked(|ws| ws.deal(deal_id).map(|d| d.stage_id.clone()));
    let Some(stage_id) = stage_id else {
        return FocusAfter::Element("main".to_string());
    };
    let neighbour = ctx.columns.with_value(|columns| {
        let column = columns.column(&stage_id);
        let at = column.iter().position(|e| e.id == *deal_id)?;
        column
            .get(at + 1)
            .or_else(|| at.checked_sub(1).and_then(|i| column.get(i)))
            .map(|e| e.id.clone())
    });
    match neighbour {
        Some(id) => FocusAfter::Card(id),
        None => FocusAfter::Element(format!("quick-title-{stage_id}")),
    }
}

/// Moves focus as [`focus_after_leaving`] said.
pub fn focus_after(ctx: Ctx, target: FocusAfter) {
    match target {
        FocusAfter::Card(id) => focus_card(ctx, &id),
        FocusAfter::Element(id) => browser::focus_later(id),
    }
}
