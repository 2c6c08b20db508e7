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

/// The stage ids a deal names, oldest first: its history, then its current stage.
fn named_stages(deal: &Deal) -> impl Iterator<Item = &StageId> {
    deal.history
        .iter()
        .flat_map(|change| change.from.iter().chain(std::iter::once(&change.to)))
        .chain(std::iter::once(&deal.stage_id))
}

/// Gives every deal whose pipeline or stage is missing a place again (see the module
/// text). A deal that cannot be given one (its stage belongs to another pipeline) is left
/// as it is, for validation to report. Deterministic: the same workspace gives the same
/// result in every tab.
pub fn recover(ws: &mut Workspace, lang: Lang) -> Recovery {
    let mut report = Recovery::default();
    let stage_owner: HashMap<&str, &str> = ws
        .pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(move |s| (s.id.as_str(), p.id.as_str())))
        .collect();
    let pipeline_ids: HashSet<&str> = ws.pipelines.iter().map(|p| p.id.as_str()).collect();

    // Deals without a pipeline, by the id of the pipeline they name.
    let mut homeless: BTreeMap<&str, Vec<&Deal>> = BTreeMap::new();
    // Stages to give back to existing pipelines: (pipeline id, stage id), first seen first.
    let mut lost_stages: Vec<(PipelineId, StageId)> = Vec::new();
    for deal in &ws.deals {
        if !pipeline_ids.contains(deal.pipeline_id.as_str()) {
            homeless.entry(&deal.pipeline_id).or_default().push(deal);
        } else if !stage_owner.contains_key(deal.stage_id.as_str()) {
            report.n_deals += 1;
            let key = (deal.pipeline_id.clone(), deal.stage_id.clone());
            if !lost_stages.contains(&key) {
                lost_stages.push(key);
            }
        }
    }

    let mut new_pipelines = Vec::new();
    for (pipeline_id, deals) in &homeless {
        // Order the stages by how early they come in the deals' histories.
        let mut first_position: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut n_seen = 0;
        for deal in deals {
            for (position, stage_id) in named_stages(deal).enumerate() {
                if stage_owner.contains_key(stage_id.as_str()) {
                    continue;
                }
                let entry = first_position.entry(stage_id).or_insert_with(|| {
                    n_seen += 1;
                    (position, n_seen)
                });
                entry.0 = entry.0.min(position);
            }
        }
        let mut stage_ids: Vec<(&str, (usize, usize))> = first_position.into_iter().collect();
        stage_ids.sort_by_key(|(_, order)| *order);
        if stage_ids.is_empty() {
            continue;
        }
        report.n_deals += deals.len();
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
            .map(|(n, (id, _))| Stage {
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
    report
}
