//! The board's columns as an index kept up to date change by change, so a move re-sorts
//! nothing and touches only the two columns it changes.
//!
//! [`Columns::refresh`] walks the workspace's deals once, comparing each revision with the
//! one it last saw (every rule bumps the revision of every deal it changes): a hash lookup
//! per deal, no filtering or sorting. A changed deal leaves its old column and is inserted
//! in order (rank, then id, as [`Workspace::open_deals_in_stage`] orders) in its new one,
//! by binary search. It returns the stages whose columns changed.

use super::model::{Deal, DealId, StageId, Workspace};
use std::collections::{BTreeSet, HashMap};

/// One card in a column: what orders it, and the revision that was drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub rank: i64,
    pub id: DealId,
    pub rev: u64,
}

#[derive(Clone, Debug)]
struct Slot {
    /// The column the deal is in (`None`: closed), with the rank it was filed under.
    column: Option<(StageId, i64)>,
    rev: u64,
    /// Its index in `Workspace::deals`.
    pos: usize,
    /// The refresh that last saw it.
    seen: u64,
}

/// Open deals by stage, in board order.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    columns: HashMap<StageId, Vec<Entry>>,
    slots: HashMap<DealId, Slot>,
    generation: u64,
}

impl Columns {
    pub fn new(ws: &Workspace) -> Columns {
        let mut columns = Columns::default();
        columns.refresh(ws);
        columns
    }

    /// The open deals of a stage, top to bottom.
    pub fn column(&self, stage_id: &StageId) -> &[Entry] {
        self.columns.get(stage_id).map_or(&[], Vec::as_slice)
    }

    /// The deal with this id, found without a scan.
    pub fn deal<'a>(&self, ws: &'a Workspace, id: &DealId) -> Option<&'a Deal> {
        let pos = self.slots.get(id)?.pos;
        ws.deals.get(pos).filter(|d| d.id == *id)
    }

    /// Brings the index up to date with `ws`; returns the stages whose columns changed.
    pub fn refresh(&mut self, ws: &Workspace) -> BTreeSet<StageId> {
        self.generation += 1;
        let generation = self.generation;
        let mut changed = BTreeSet::new();
        for (pos, deal) in ws.deals.iter().enumerate() {
            match self.slots.get_mut(&deal.id) {
                Some(slot) if slot.rev == deal.rev => {
                    slot.pos = pos;
                    slot.seen = generation;
                }
                Some(slot) => {
                    let old = slot.column.take();
                    slot.rev = deal.rev;
                    slot.pos = pos;
                    slot.seen = generation;
                    slot.column = deal
                        .status
                        .is_open()
                        .then(|| (deal.stage_id.clone(), deal.rank));
                    let new = slot.column.clone();
                    if let Some((stage, rank)) = old {
                        remove(&mut self.columns, &stage, rank, &deal.id);
                        changed.insert(stage);
                    }
                    if let Some((stage, rank)) = new {
                        insert(&mut self.columns, &stage, rank, deal);
                        changed.insert(stage);
                    }
                }
                None => {
                    let column = deal
                        .status
                        .is_open()
                        .then(|| (deal.stage_id.clone(), deal.rank));
                    if let Some((stage, rank)) = &column {
                        insert(&mut self.columns, stage, *rank, deal);
                        changed.insert(stage.clone());
                    }
                    self.slots.insert(
                        deal.id.clone(),
                        Slot {
                            column,
                            rev: deal.rev,
                            pos,
                            seen: generation,
                        },
                    );
                }
            }
        }
        if self.slots.len() > ws.deals.len() {
            let columns = &mut self.columns;
            self.slots.retain(|id, slot| {
                let keep = slot.seen == generation;
                if !keep {
                    if let Some((stage, rank)) = slot.column.take() {
                        remove(columns, &stage, rank, id);
                        changed.insert(stage);
                    }
                }
                keep
            });
        }
        changed
    }
}

fn order(entry: &Entry, rank: i64, id: &DealId) -> std::cmp::Ordering {
    entry.rank.cmp(&rank).then_with(|| entry.id.cmp(id))
}

fn insert(columns: &mut HashMap<StageId, Vec<Entry>>, stage: &StageId, rank: i64, deal: &Deal) {
    let column = columns.entry(stage.clone()).or_default();
    let at = column
        .binary_search_by(|e| order(e, rank, &deal.id))
        .unwrap_or_else(|at| at);
    column.insert(
        at,
        Entry {
            rank,
            id: deal.id.clone(),
            rev: deal.rev,
        },
    );
}

fn remove(columns: &mut HashMap<StageId, Vec<Entry>>, stage: &StageId, rank: i64, id: &DealId) {
    if let Some(column) = columns.get_mut(stage) {
        if let Ok(at) = column.binary_search_by(|e| order(e, rank, id)) {
            column.remove(at);
        }
    }
}
