//! Bringing an imported backup into the workspace: beside what is there (new ids where
//! they clash, so nothing is overwritten), or in place of it (the caller keeps the old one
//! as a snapshot for "undo import").

use crate::domain::{PipelineId, Workspace};
use std::collections::{HashMap, HashSet};

/// What [`add_beside`] did, for the message after an import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddReport {
    /// The ids the added pipelines have in the workspace, in file order.
    pub pipeline_ids: Vec<PipelineId>,
    pub n_deals: usize,
    /// How many pipeline, stage and deal ids were changed because they were taken.
    pub n_new_ids: usize,
    pub n_lost_reasons_added: usize,
}

/// How many times to ask the id generator for an unused id before making one up from the
/// old id; a generator that keeps repeating itself must not hang the app.
const NEW_ID_ATTEMPTS: usize = 8;

/// Room for a `-N` suffix below the longest id an import accepts.
const MAX_BASE_CHARS: usize = crate::domain::ops::MAX_NAME_CHARS - 24;

/// An id not in `taken`: from `new_id` if it gives one, else `base-2`, `base-3`, ….
fn fresh_id(base: &str, taken: &HashSet<String>, new_id: &mut dyn FnMut() -> String) -> String {
    for _ in 0..NEW_ID_ATTEMPTS {
        let candidate = new_id();
        if !candidate.is_empty() && !taken.contains(&candidate) {
            return candidate;
        }
    }
    // `taken` is finite, so this finds a free id. The base is cut so the id stays within
    // the length an import accepts.
    let base: String = base.chars().take(MAX_BASE_CHARS).collect();
    (2_u64..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base)
}

/// For each id the backup uses (in file order), a new id when the workspace already uses
/// it. New ids avoid every id of both sides and every id handed out before.
fn renames<'a>(
    in_workspace: &HashSet<String>,
    in_backup: impl Iterator<Item = &'a str>,
    taken: &mut HashSet<String>,
    new_id: &mut dyn FnMut() -> String,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for id in in_backup {
        if in_workspace.contains(id) && !map.contains_key(id) {
            let fresh = fresh_id(id, taken, new_id);
            taken.insert(fresh.clone());
            map.insert(id.to_string(), fresh);
        }
    }
    map
}

fn rename<Id: From<String> + std::ops::Deref<Target = str>>(
    map: &HashMap<String, String>,
    id: &mut Id,
) {
    if let Some(new) = map.get(&**id) {
        *id = Id::from(new.clone());
    }
}

/// Adds the backup's pipelines and deals beside the current ones, and the lost reasons the
/// workspace lacks. Any pipeline, stage or deal id the workspace already uses is replaced
/// by a new one, and every reference to it (a deal's pipeline and stage, its history) is
/// rewritten, so no existing pipeline or deal is changed and every deal of the backup is
/// added. Stage ids count as used when any pipeline has the stage or any deal's history
/// names it, because history keeps the ids of removed stages.
pub fn add_beside(
    ws: &mut Workspace,
    backup: Workspace,
    new_id: &mut dyn FnMut() -> String,
) -> AddReport {
    let mut backup = backup;

    let ws_pipeline_ids: HashSet<String> = ws
        .pipelines
        .iter()
        .map(|p| p.id.to_string())
        .chain(ws.deals.iter().map(|d| d.pipeline_id.to_string()))
        .collect();
    let ws_stage_ids: HashSet<String> = stage_refs(ws).map(str::to_string).collect();
    let ws_deal_ids: HashSet<String> = ws.deals.iter().map(|d| d.id.to_string()).collect();

    let mut taken_pipelines: HashSet<String> = ws_pipeline_ids.clone();
    taken_pipelines.extend(backup.pipelines.iter().map(|p| p.id.to_string()));
    taken_pipelines.extend(backup.deals.iter().map(|d| d.pipeline_id.to_string()));
    let pipeline_map = renames(
        &ws_pipeline_ids,
        backup
            .pipelines
            .iter()
            .map(|p| p.id.as_str())
            .chain(backup.deals.iter().map(|d| d.pipeline_id.as_str())),
        &mut taken_pipelines,
        new_id,
    );

    let mut taken_stages: HashSet<String> = ws_stage_ids.clone();
    taken_stages.extend(stage_refs(&backup).map(str::to_string));
    let backup_stage_refs: Vec<String> = stage_refs(&backup).map(str::to_string).collect();
    let stage_map = renames(
        &ws_stage_ids,
        backup_stage_refs.iter().map(String::as_str),
        &mut taken_stages,
        new_id,
    );

    let mut taken_deals: HashSet<String> = ws_deal_ids.clone();
    taken_deals.extend(backup.deals.iter().map(|d| d.id.to_string()));
    let deal_map = renames(
        &ws_deal_ids,
        backup.deals.iter().map(|d| d.id.as_str()),
        &mut taken_deals,
        new_id,
    );

    for pipeline in &mut backup.pipelines {
        rename(&pipeline_map, &mut pipeline.id);
        for stage in &mut pipeline.stages {
            rename(&stage_map, &mut stage.id);
        }
    }
    for deal in &mut backup.deals {
        rename(&deal_map, &mut deal.id);
        rename(&pipeline_map, &mut deal.pipeline_id);
        rename(&stage_map, &mut deal.stage_id);
        for change in &mut deal.history {
            if let Some(from) = &mut change.from {
                rename(&stage_map, from);
            }
            rename(&stage_map, &mut change.to);
        }
    }

    let mut n_lost_reasons_added = 0;
    for reason in backup.lost_reasons {
        if !ws.lost_reasons.contains(&reason) {
            ws.lost_reasons.push(reason);
            n_lost_reasons_added += 1;
        }
    }

    let report = AddReport {
        pipeline_ids: backup.pipelines.iter().map(|p| p.id.clone()).collect(),
        n_deals: backup.deals.len(),
        n_new_ids: pipeline_map.len() + stage_map.len() + deal_map.len(),
        n_lost_reasons_added,
    };
    ws.pipelines.extend(backup.pipelines);
    ws.deals.extend(backup.deals);
    report
}

/// Every stage id a workspace uses: its pipelines' stages, and the stages its deals are in
/// or passed through, in file order.
fn stage_refs(ws: &Workspace) -> impl Iterator<Item = &str> {
    ws.named_stages().map(|id| id.as_str())
}

/// Puts the backup in place of the workspace and returns the workspace as it was, which
/// the caller keeps as the snapshot that "undo import" restores.
pub fn replace(ws: &mut Workspace, backup: Workspace) -> Workspace {
    let next = replacement(ws, backup);
    std::mem::replace(ws, next)
}

/// Puts `next`, the [`replacement`] of this very workspace, in its place (measured and
/// packed before, as it is), and returns the workspace as it was.
pub fn put_replacement(ws: &mut Workspace, next: Workspace) -> Workspace {
    std::mem::replace(ws, next)
}

/// The workspace [`replace`] leaves in place of `current`: the backup, as it will be
/// measured and stored.
///
/// Storage writes a deal only when its revision differs from what it last stored, so a
/// restored deal that shares an id with a current one gets a revision above both; otherwise
/// a different stored version with the same revision number would survive a reload.
pub fn replacement(current: &Workspace, backup: Workspace) -> Workspace {
    let mut backup = backup;
    let current_revs: HashMap<&str, u64> = current
        .deals
        .iter()
        .map(|d| (d.id.as_str(), d.rev))
        .collect();
    for deal in &mut backup.deals {
        if let Some(current_rev) = current_revs.get(deal.id.as_str()) {
            deal.rev = deal.rev.max(*current_rev).saturating_add(1);
        }
    }
    backup
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, DealDraft, Money};
    use chrono::{TimeZone, Utc};

    fn one_deal_workspace(title: &str, rev: u64) -> Workspace {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id{n}")
        };
        let mut ws = Workspace::default();
        let pipeline = crate::domain::templates::pipeline_from_template(
            crate::domain::templates::TemplateKind::Blank,
            crate::i18n::Lang::En,
            "P",
            Currency::nok(),
            now,
            &mut ids,
        );
        let (pid, sid) = (pipeline.id.clone(), pipeline.stages[0].id.clone());
        ws.add_pipeline(pipeline).unwrap();
        ws.add_deal(
            &pid,
            &sid,
            "same-id".into(),
            DealDraft::quick(title, Money::new(1, Currency::nok())),
            now,
        )
        .unwrap();
        ws.deals[0].rev = rev;
        ws
    }

    #[test]
    fn a_replaced_deal_sharing_an_id_gets_a_revision_above_both_so_storage_writes_it() {
        let mut ws = one_deal_workspace("current", 6);
        let snapshot = replace(&mut ws, one_deal_workspace("from the file", 6));
        assert_eq!(snapshot.deals[0].title, "current");
        assert_eq!(ws.deals[0].title, "from the file");
        assert_eq!(ws.deals[0].rev, 7);
    }

    #[test]
    fn what_a_replace_leaves_is_known_before_it_is_made() {
        let current = one_deal_workspace("current", 9);
        let file = one_deal_workspace("from the file", 4);
        let after = replacement(&current, file.clone());
        assert_eq!(after.deals[0].rev, 10);
        let mut ws = current.clone();
        replace(&mut ws, file);
        assert_eq!(ws, after);
        let mut ws = current.clone();
        assert_eq!(put_replacement(&mut ws, after.clone()), current);
        assert_eq!(ws, after);
    }
}
