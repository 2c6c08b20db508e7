//! Deals whose pipeline or stage cannot be found: an unreadable workspace record, or
//! another tab that removed the pipeline while this tab added a deal to it. Nothing is
//! hidden or dropped: each such deal is given a place again, rebuilt from the ids it
//! carries, and the user is told.
//!
//! - A deal whose pipeline is gone goes to a "Recovered deals" pipeline that takes the lost
//!   pipeline's id, with one stage per stage id its deals name (current stage and history),
//!   in the order the histories show them. The deals themselves are not changed at all.
//! - A deal whose pipeline exists but whose stage is gone gets that stage back, at the end
//!   of its pipeline, named "Recovered stage", so its history stays its own.

use super::model::*;
use super::money::Currency;
use crate::i18n::{t, tf, Lang};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What [`recover`] did, for the notice that tells the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// The pipelines made for deals whose pipeline was gone, in the order made.
    pub pipeline_ids: Vec<PipelineId>,
    /// Stages given back to existing pipelines.
    pub n_stages_restored: usize,
    /// The deals that had lost their pipeline or stage.
    pub n_deals: usize,
}

impl Recovery {
    pub fn is_empty(&self) -> bool {
        self.n_deals == 0
    }

    /// Adds what a later recovery did to this one.
    pub fn absorb(&mut self, other: Recovery) {
        self.pipeline_ids.extend(other.pipeline_ids);
        self.n_stages_restored += other.n_stages_restored;
        self.n_deals += other.n_deals;
    }
}

/// The stage ids `deals` name that are not `claimed`, in the board order their histories
/// show: a stage deals mostly move out of comes before the stage they move into (the
/// direction most moves between two stages took wins, so a move back does not reorder).
/// Stages no move orders, and any left in a loop, keep the order they were first named in.
fn stage_order<'a>(deals: &[&'a Deal], claimed: &HashSet<String>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    let mut known: HashSet<&str> = HashSet::new();
    let mut moves: HashMap<(&str, &str), usize> = HashMap::new();
    for deal in deals {
        for stage_id in deal.named_stages() {
            if !claimed.contains(stage_id.as_str()) && known.insert(stage_id.as_str()) {
                seen.push(stage_id.as_str());
            }
        }
        for change in &deal.history {
            if let Some(from) = &change.from {
                if *from != change.to {
                    *moves
                        .entry((from.as_str(), change.to.as_str()))
                        .or_default() += 1;
                }
            }
        }
    }
    // An edge a → b where more moves went from a to b than back.
    let mut after: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut n_before: HashMap<&str, usize> = HashMap::new();
    for (&(a, b), &n) in &moves {
        let back = moves.get(&(b, a)).copied().unwrap_or(0);
        if n > back && known.contains(a) && known.contains(b) {
            after.entry(a).or_default().push(b);
            *n_before.entry(b).or_default() += 1;
        }
    }
    let mut order = Vec::with_capacity(seen.len());
    let mut left = seen;
    while !left.is_empty() {
        // The first-named stage nothing left comes before; in a loop, the first-named.
        let next = left
            .iter()
            .position(|s| n_before.get(s).copied().unwrap_or(0) == 0)
            .unwrap_or(0);
        let stage = left.remove(next);
        for later in after.get(stage).into_iter().flatten() {
            if let Some(n) = n_before.get_mut(later) {
                *n = n.saturating_sub(1);
            }
        }
        order.push(stage);
    }
    order
}

/// Gives every deal whose pipeline or stage is missing a place again (see the module
/// text). A deal that cannot be given one (its stage belongs to another pipeline) is left
/// as it is, for validation to report. Deterministic: the same workspace gives the same
/// result in every tab.
pub fn recover(ws: &mut Workspace, lang: Lang) -> Recovery {
    let mut report = Recovery::default();
    let pipeline_ids: HashSet<&str> = ws.pipelines.iter().map(|p| p.id.as_str()).collect();
    // Every stage id is used by one stage only, across all pipelines: an id taken by an
    // existing stage, or by a stage recovered here, is not given out again. A deal that
    // names such an id in another pipeline keeps no place and is reported by validation.
    let mut claimed: HashSet<String> = ws
        .pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(|s| s.id.to_string()))
        .collect();

    // Deals without a pipeline, by the id of the pipeline they name; and stages to give
    // back to existing pipelines, first seen first.
    let mut homeless: BTreeMap<&str, Vec<&Deal>> = BTreeMap::new();
    let mut lost_stages: Vec<(PipelineId, StageId)> = Vec::new();
    let mut n_orphans = 0;
    for deal in &ws.deals {
        if !pipeline_ids.contains(deal.pipeline_id.as_str()) {
            n_orphans += 1;
            homeless.entry(&deal.pipeline_id).or_default().push(deal);
        } else if !claimed.contains(deal.stage_id.as_str()) {
            n_orphans += 1;
            let key = (deal.pipeline_id.clone(), deal.stage_id.clone());
            if !lost_stages.contains(&key) {
                lost_stages.push(key);
            }
        }
    }
    // A stage id two pipelines lost goes back to the first of them only.
    lost_stages.retain(|(_, stage_id)| claimed.insert(stage_id.to_string()));

    let mut new_pipelines = Vec::new();
    for (pipeline_id, deals) in &homeless {
        // The stage ids no one else has, in board order as the histories show it.
        let stage_ids = stage_order(deals, &claimed);
        if stage_ids.is_empty() {
            continue;
        }
        claimed.extend(stage_ids.iter().map(|id| id.to_string()));
        let currency = deals
            .first()
            .map_or_else(Currency::nok, |d| d.amount.currency.clone());
        let created_at = deals.iter().map(|d| d.created_at).min().unwrap_or_default();
        let n_made = new_pipelines.len() + 1;
        let name = if n_made == 1 {
            t(lang, "recovered.pipeline").to_string()
        } else {
            tf(lang, "recovered.pipeline_n", &[("n", &n_made.to_string())])
        };
        let stages = stage_ids
            .iter()
            .enumerate()
            .map(|(n, id)| Stage {
                id: StageId::from(*id),
                name: tf(lang, "recovered.stage_n", &[("n", &(n + 1).to_string())]),
                guidance: String::new(),
                probability: 0,
                rot_days: 0,
            })
            .collect();
        new_pipelines.push(Pipeline {
            id: PipelineId::from(*pipeline_id),
            name,
            currency,
            stages,
            created_at,
        });
    }

    for (pipeline_id, stage_id) in lost_stages {
        if let Some(pipeline) = ws.pipelines.iter_mut().find(|p| p.id == pipeline_id) {
            pipeline.stages.push(Stage {
                id: stage_id,
                name: t(lang, "recovered.stage").to_string(),
                guidance: String::new(),
                probability: 0,
                rot_days: 0,
            });
            report.n_stages_restored += 1;
        }
    }
    report.pipeline_ids = new_pipelines.iter().map(|p| p.id.clone()).collect();
    ws.pipelines.extend(new_pipelines);
    // The deals that had no place and have one now.
    let placed: HashSet<(&str, &str)> = ws
        .pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(move |s| (p.id.as_str(), s.id.as_str())))
        .collect();
    let n_still_lost = ws
        .deals
        .iter()
        .filter(|d| !placed.contains(&(d.pipeline_id.as_str(), d.stage_id.as_str())))
        .count();
    report.n_deals = n_orphans - n_still_lost.min(n_orphans);
    report
}
