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
        // Cards leave their columns first; cards that arrive are added after, by binary
        // insertion, or all at once and one sort when many arrive (a load, an import).
        let mut arriving: HashMap<StageId, Vec<Entry>> = HashMap::new();
        for (pos, deal) in ws.deals.iter().enumerate() {
            let column = || {
                deal.status
                    .is_open()
                    .then(|| (deal.stage_id.clone(), deal.rank))
            };
            let slot = match self.slots.get_mut(&deal.id) {
                Some(slot) if slot.rev == deal.rev => {
                    slot.pos = pos;
                    slot.seen = generation;
                    continue;
                }
                Some(slot) => {
                    if let Some((stage, rank)) = slot.column.take() {
                        remove(&mut self.columns, &stage, rank, &deal.id);
                        changed.insert(stage);
                    }
                    slot.rev = deal.rev;
                    slot.pos = pos;
                    slot.seen = generation;
                    slot.column = column();
                    slot
                }
                None => self.slots.entry(deal.id.clone()).or_insert(Slot {
                    column: column(),
                    rev: deal.rev,
                    pos,
                    seen: generation,
                }),
            };
            if let Some((stage, rank)) = &slot.column {
                arriving.entry(stage.clone()).or_default().push(Entry {
                    rank: *rank,
                    id: deal.id.clone(),
                    rev: deal.rev,
                });
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
        for (stage, entries) in arriving {
            let column = self.columns.entry(stage.clone()).or_default();
            if entries.len() > 16 {
                column.extend(entries);
                crate::domain::sort::sort_stable_by(column, |a, b| order(a, b.rank, &b.id));
            } else {
                for entry in entries {
                    let at = column
                        .binary_search_by(|e| order(e, entry.rank, &entry.id))
                        .unwrap_or_else(|at| at);
                    column.insert(at, entry);
                }
            }
            changed.insert(stage);
        }
        changed
    }
}

fn order(entry: &Entry, rank: i64, id: &DealId) -> std::cmp::Ordering {
    entry.rank.cmp(&rank).then_with(|| entry.id.cmp(id))
}

fn remove(columns: &mut HashMap<StageId, Vec<Entry>>, stage: &StageId, rank: i64, id: &DealId) {
    if let Some(column) = columns.get_mut(stage) {
        if let Ok(at) = column.binary_search_by(|e| order(e, rank, id)) {
            column.remove(at);
        }
    }
}
