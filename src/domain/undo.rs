//! Undo and redo. A [`Baseline`] remembers the workspace as of the last change; after each
//! change it tells what that change did, as a [`Change`]: the records it touched, before and
//! after, found by revision (one lookup per deal, no deep compare of deals). Undoing is a
//! rule like any other ([`Workspace::revert`]): it checks that what it would put back still
//! fits (nothing changed those records since, every deal keeps its pipeline and stage), then
//! writes the earlier values as a new change, with new revisions, so storage and other tabs
//! take it like any edit.

use super::ids::DealId;
use super::model::{Deal, Pipeline, Workspace};
use super::ops::DomainError;
use crate::domain::sort::sort_stable_by;
use std::collections::{HashMap, HashSet};

/// Everything of a workspace that is not a deal: one record in storage.
#[derive(Clone, Debug, PartialEq)]
struct Meta {
    pipelines: Vec<Pipeline>,
    lost_reasons: Vec<String>,
}

impl Meta {
    fn of(ws: &Workspace) -> Meta {
        Meta {
            pipelines: ws.pipelines.clone(),
            lost_reasons: ws.lost_reasons.clone(),
        }
    }

    fn is_in(&self, ws: &Workspace) -> bool {
        self.pipelines == ws.pipelines && self.lost_reasons == ws.lost_reasons
    }
}

/// What one change did. Each deal entry holds the deal before and after (`None`: absent).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    meta: Option<(Meta, Meta)>,
    deals: Vec<(Option<Deal>, Option<Deal>)>,
}

impl Change {
    /// How many deals the change touched.
    pub fn n_deals(&self) -> usize {
        self.deals.len()
    }
}

/// The workspace as of the last change seen, to tell what the next change did.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    meta: Option<Meta>,
    deals: HashMap<DealId, Deal>,
}

impl Baseline {
    pub fn of(ws: &Workspace) -> Baseline {
        Baseline {
            meta: Some(Meta::of(ws)),
            deals: ws.deals.iter().map(|d| (d.id.clone(), d.clone())).collect(),
        }
    }

    /// What changed from the baseline to `ws` (`None` when nothing did); the baseline then
    /// is `ws`. A deal changed when its revision did: every rule bumps it.
    pub fn advance(&mut self, ws: &Workspace) -> Option<Change> {
        let meta = match &self.meta {
            Some(before) if before.is_in(ws) => None,
            before => Some((before.clone(), Meta::of(ws))),
        };
        let mut deals = Vec::new();
        let mut n_kept = 0;
        for deal in &ws.deals {
            match self.deals.get(&deal.id) {
                Some(before) if before.rev == deal.rev => n_kept += 1,
                Some(before) => {
                    n_kept += 1;
                    deals.push((Some(before.clone()), Some(deal.clone())));
                }
                None => deals.push((None, Some(deal.clone()))),
            }
        }
        if n_kept < self.deals.len() {
            let now: HashSet<&DealId> = ws.deals.iter().map(|d| &d.id).collect();
            let mut gone: Vec<&Deal> = self
                .deals
                .values()
                .filter(|d| !now.contains(&d.id))
                .collect();
            sort_stable_by(&mut gone, |a, b| a.id.cmp(&b.id));
            deals.extend(gone.into_iter().map(|d| (Some(d.clone()), None)));
        }
        for (before, after) in &deals {
            match (before, after) {
                (_, Some(after)) => {
                    self.deals.insert(after.id.clone(), after.clone());
                }
                (Some(before), None) => {
                    self.deals.remove(&before.id);
                }
                (None, None) => {}
            }
        }
        let meta = match meta {
            Some((Some(before), after)) => {
                self.meta = Some(after.clone());
                Some((before, after))
            }
            // No baseline record yet: this is the first look, not a change.
            Some((None, after)) => {
                self.meta = Some(after);
                None
            }
            None => None,
        };
        (meta.is_some() || !deals.is_empty()).then_some(Change { meta, deals })
    }
}

impl Workspace {
    /// Puts back what `change` replaced, as a new change. Refused, with nothing changed,
    /// when a record it touched has changed since (another tab, a later change not undone;
    /// compared by value, as undo and redo put values back under new revisions)
    /// or when a deal would be left without its pipeline or stage.
    pub fn revert(&mut self, change: &Change) -> Result<(), DomainError> {
        if let Some((_, after)) = &change.meta {
            if !after.is_in(self) {
                return Err(DomainError::ChangedSince);
            }
        }
        let positions: HashMap<&DealId, usize> = if change.deals.is_empty() {
            HashMap::new()
        } else {
            self.deals
                .iter()
                .enumerate()
                .map(|(i, d)| (&d.id, i))
                .collect()
        };
        let mut index: HashMap<&DealId, usize> = HashMap::new(); // ids borrowed from `change`
        for (before, after) in &change.deals {
            let Some(id) = after.as_ref().or(before.as_ref()).map(|d| &d.id) else {
                continue;
            };
            let at = positions.get(id).copied();
            match (after, at) {
                (Some(after), Some(at)) if same_but_rev(&self.deals[at], after) => {
                    index.insert(id, at);
                }
                (None, None) => {}
                _ => return Err(DomainError::ChangedSince),
            }
        }
        drop(positions);
        let pipelines = change
            .meta
            .as_ref()
            .map_or(&self.pipelines, |(before, _)| &before.pipelines);
        let has_place = |deal: &Deal| {
            pipelines
                .iter()
                .find(|p| p.id == deal.pipeline_id)
                .is_some_and(|p| p.stage(&deal.stage_id).is_some())
        };
        if !change
            .deals
            .iter()
            .filter_map(|(before, _)| before.as_ref())
            .all(has_place)
        {
            return Err(DomainError::ChangedSince);
        }
        if change.meta.is_some() {
            let touched: HashSet<&DealId> = index.keys().copied().collect();
            if !self
                .deals
                .iter()
                .filter(|d| !touched.contains(&d.id))
                .all(has_place)
            {
                return Err(DomainError::ChangedSince);
            }
        }
        // Checked: now change.
        if let Some((before, _)) = &change.meta {
            self.pipelines = before.pipelines.clone();
            self.lost_reasons = before.lost_reasons.clone();
        }
        let mut removed: HashSet<DealId> = HashSet::new();
        for (before, after) in &change.deals {
            match (before, after) {
                (Some(before), Some(after)) => {
                    if let Some(&at) = index.get(&after.id) {
                        let rev = self.deals[at].rev.max(before.rev) + 1;
                        self.deals[at] = Deal {
                            rev,
                            ..before.clone()
                        };
                    }
                }
                (Some(before), None) => self.deals.push(Deal {
                    rev: before.rev + 1,
                    ..before.clone()
                }),
                (None, Some(after)) => {
                    removed.insert(after.id.clone());
                }
                (None, None) => {}
            }
        }
        if !removed.is_empty() {
            self.deals.retain(|d| !removed.contains(&d.id));
        }
        Ok(())
    }
}

/// The undo and redo stacks, newest last, each change with the sentence that named it.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<(Change, String)>,
    redo: Vec<(Change, String)>,
}

/// How many changes can be undone.
pub const HISTORY_DEPTH: usize = 100;

impl History {
    /// A new change: it can be undone, and what was undone can no longer be redone.
    pub fn record(&mut self, change: Change, label: String) {
        self.redo.clear();
        push(&mut self.undo, change, label);
    }

    /// Names the newest change (its sentence is known only after it was made).
    pub fn name_last(&mut self, label: String) {
        if let Some(last) = self.undo.last_mut() {
            last.1 = label;
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The newest change, to undo, and its name.
    pub fn last_done(&self) -> Option<&(Change, String)> {
        self.undo.last()
    }

    /// The newest undone change, to redo, and its name.
    pub fn last_undone(&self) -> Option<&(Change, String)> {
        self.redo.last()
    }

    /// The newest change was undone by `inverse`, which redo reverts in turn.
    pub fn undone(&mut self, inverse: Change) {
        if let Some((_, label)) = self.undo.pop() {
            push(&mut self.redo, inverse, label);
        }
    }

    /// The newest undone change was made again by `inverse`, which undo reverts in turn.
    pub fn redone(&mut self, inverse: Change) {
        if let Some((_, label)) = self.redo.pop() {
            push(&mut self.undo, inverse, label);
        }
    }

    /// Forgets the newest change to undo (it can no longer be undone).
    pub fn drop_last_done(&mut self) {
        self.undo.pop();
    }

    /// Forgets the newest change to redo.
    pub fn drop_last_undone(&mut self) {
        self.redo.pop();
    }
}

/// The same deal, whatever the revisions: undo and redo give a deal back its earlier
/// values under a new revision, so a change made before them still matches.
fn same_but_rev(a: &Deal, b: &Deal) -> bool {
    if a.rev == b.rev {
        return a == b;
    }
    let mut b = b.clone();
    b.rev = a.rev;
    *a == b
}

fn push(stack: &mut Vec<(Change, String)>, change: Change, label: String) {
    if stack.len() == HISTORY_DEPTH {
        stack.remove(0);
    }
    stack.push((change, label));
}
