//! The validated layer of import: walks a (migrated) backup value into domain types,
//! checking every field, every limit and every reference between records. The first
//! problem found, in file order, is returned with its path.

use super::error::{Expected, ImportError};
use super::{Backup, FORMAT_NAME};
use crate::backup::json::Json;
use crate::domain::money::Money;
use crate::domain::ops::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use crate::domain::{Contact, Deal, DealStatus, NextStep, Pipeline, Stage, StageChange, Workspace};
use std::collections::HashMap;

mod read;

use read::*;

/// What is known about the pipelines once they are read, for the checks on deals.
#[derive(Default)]
struct Index {
    /// Pipeline id to its path.
    pipelines: HashMap<String, String>,
    /// Stage id to its pipeline's id and its own path.
    stages: HashMap<String, (String, String)>,
    /// Deal id to its path.
    deals: HashMap<String, String>,
}

pub(crate) fn backup(value: &Json<'_>, format_version: u32) -> Result<Backup> {
    let mut root = Obj::new(value, At::root(""))?;
    // The raw layer has checked these two already; reading them marks them as known.
    let format = root.string("format")?;
    debug_assert_eq!(format, FORMAT_NAME);
    root.required("version")?;
    let app_version = root.text("app_version", MAX_NAME_CHARS)?;
    let exported_at = root.timestamp("exported_at")?;
    let mut workspace_obj = root.object("workspace")?;
    let workspace = workspace(&mut workspace_obj)?;
    workspace_obj.finish()?;
    root.finish()?;
    Ok(Backup {
        format_version,
        app_version,
        exported_at,
        workspace,
    })
}

fn workspace(obj: &mut Obj<'_>) -> Result<Workspace> {
    let mut index = Index::default();
    let pipeline_values = obj.list("pipelines")?;
    let pipelines_at = obj.at.field("pipelines");
    let mut pipelines = Vec::with_capacity(pipeline_values.len());
    for (pipeline_idx, value) in pipeline_values.iter().enumerate() {
        let at = pipelines_at.item(pipeline_idx);
        let at = at.owned_by(OwnerOf::Pipeline(value));
        pipelines.push(pipeline(value, at, &mut index)?);
    }
    let deal_values = obj.list("deals")?;
    let deals_at = obj.at.field("deals");
    let mut deals = Vec::with_capacity(deal_values.len());
    for (deal_idx, value) in deal_values.iter().enumerate() {
        let at = deals_at.item(deal_idx);
        let at = at.owned_by(OwnerOf::Deal(value));
        deals.push(deal(value, at, &mut index, &pipelines)?);
    }
    let reason_values = obj.list("lost_reasons")?;
    let reasons_at = obj.at.field("lost_reasons");
    let mut lost_reasons = Vec::with_capacity(reason_values.len());
    for (reason_idx, value) in reason_values.iter().enumerate() {
        let at = || reasons_at.item(reason_idx).place();
        let text = as_text(value, at, Expected::Text)?;
        lost_reasons.push(check_name(text, at)?);
    }
    Ok(Workspace {
        pipelines,
        deals,
        lost_reasons,
    })
}

fn pipeline(value: &Json<'_>, at: At<'_>, index: &mut Index) -> Result<Pipeline> {
    let mut obj = Obj::new(value, at)?;
    let id = obj.id("id")?;
    if let Some(first) = index.pipelines.get(&id) {
        return Err(ImportError::DuplicatePipelineId {
            at: obj.place("id"),
            id,
            first: first.clone(),
        });
    }
    index.pipelines.insert(id.clone(), obj.at.path());
    let name = obj.name("name")?;
    let currency = obj.currency("currency")?;
    let stage_values = obj.list("stages")?;
    let stages_at = obj.at.field("stages");
    if stage_values.is_empty() {
        return Err(ImportError::NoStages {
            at: stages_at.place(),
        });
    }
    let mut stages = Vec::with_capacity(stage_values.len());
    for (stage_idx, value) in stage_values.iter().enumerate() {
        let stage = stage(value, stages_at.item(stage_idx), &id, index)?;
        stages.push(stage);
    }
    let created_at = obj.timestamp("created_at")?;
    obj.finish()?;
    Ok(Pipeline {
        id: id.into(),
        name,
        currency,
        stages,
        created_at,
    })
}

fn stage(value: &Json<'_>, at: At<'_>, pipeline_id: &str, index: &mut Index) -> Result<Stage> {
    let mut obj = Obj::new(value, at)?;
    let id = obj.id("id")?;
    if let Some((_, first)) = index.stages.get(&id) {
        return Err(ImportError::DuplicateStageId {
            at: obj.place("id"),
            id,
            first: first.clone(),
        });
    }
    index
        .stages
        .insert(id.clone(), (pipeline_id.to_string(), obj.at.path()));
    let name = obj.name("name")?;
    let guidance = obj.text("guidance", MAX_TEXT_CHARS)?;
    let probability = obj.probability("probability")?;
    let rot_days = obj.integer("rot_days", 0, i128::from(u32::MAX))?;
    obj.finish()?;
    Ok(Stage {
        id: id.into(),
        name,
        guidance,
        probability,
        rot_days: u32::try_from(rot_days).unwrap_or(u32::MAX),
    })
}

fn deal(value: &Json<'_>, at: At<'_>, index: &mut Index, pipelines: &[Pipeline]) -> Result<Deal> {
    let mut obj = Obj::new(value, at)?;
    let id = obj.id("id")?;
    if let Some(first) = index.deals.get(&id) {
        return Err(ImportError::DuplicateDealId {
            at: obj.place("id"),
            id,
            first: first.clone(),
        });
    }
    index.deals.insert(id.clone(), obj.at.path());
    let pipeline_id = obj.id("pipeline_id")?;
    let Some(pipeline) = pipelines.iter().find(|p| p.id == pipeline_id) else {
        return Err(ImportError::UnknownPipeline {
            at: obj.place("pipeline_id"),
            pipeline_id,
        });
    };
    let stage_id = obj.id("stage_id")?;
    if pipeline.stages.iter().find(|s| s.id == stage_id).is_none() {
        return Err(ImportError::UnknownStage {
            at: obj.place("stage_id"),
            stage_id,
        });
    }
    let rank = obj.integer("rank", i128::from(i64::MIN), i128::from(i64::MAX))?;
    let title = obj.name("title")?;
    let organisation = obj.text("organisation", MAX_NAME_CHARS)?;
    let contact = {
        let mut contact_obj = obj.object("contact")?;
        let contact = Contact {
            name: contact_obj.text("name", MAX_NAME_CHARS)?,
            email: contact_obj.text("email", MAX_NAME_CHARS)?,
            phone: contact_obj.text("phone", MAX_NAME_CHARS)?,
        };
        contact_obj.finish()?;
        contact
    };
    let amount = {
        let mut amount_obj = obj.object("amount")?;
        let minor = amount_obj.minor_units("minor")?;
        let currency = amount_obj.currency("currency")?;
        amount_obj.finish()?;
        Money { minor, currency }
    };
    let expected_close = obj.optional_date("expected_close")?;
    let probability = obj.optional_probability("probability")?;
    let notes = obj.text("notes", MAX_TEXT_CHARS)?;
    let next_step = {
        let mut next_obj = obj.object("next_step")?;
        let next_step = NextStep {
            text: next_obj.text("text", MAX_TEXT_CHARS)?,
            due: next_obj.optional_date("due")?,
        };
        next_obj.finish()?;
        next_step
    };
    let created_at = obj.timestamp("created_at")?;
    let updated_at = obj.timestamp("updated_at")?;
    let status = status(&mut obj)?;
    let history_values = obj.list("history")?;
    let history_at = obj.at.field("history");
    let mut history = Vec::with_capacity(history_values.len());
    for (change_idx, value) in history_values.iter().enumerate() {
        let change = stage_change(value, history_at.item(change_idx), &pipeline_id, index)?;
        history.push(change);
    }
    let sample = obj.optional_bool("sample")?;
    let rev = obj.integer("rev", 0, i128::from(u64::MAX))?;
    obj.finish()?;
    Ok(Deal {
        id: id.into(),
        pipeline_id: pipeline_id.into(),
        stage_id: stage_id.into(),
        rank: i64::try_from(rank).unwrap_or_default(),
        title,
        organisation,
        contact,
        amount,
        expected_close,
        probability,
        notes,
        next_step,
        created_at,
        updated_at,
        status,
        history,
        sample,
        rev: u64::try_from(rev).unwrap_or_default(),
    })
}

fn status(deal_obj: &mut Obj<'_>) -> Result<DealStatus> {
    let mut obj = deal_obj.object("status")?;
    let kind = obj.string("kind")?;
    let status = match kind {
        "open" => DealStatus::Open,
        "won" => DealStatus::Won {
            at: obj.timestamp("at")?,
        },
        "lost" => DealStatus::Lost {
            at: obj.timestamp("at")?,
            reason: obj.name("reason")?,
            note: obj.text("note", MAX_TEXT_CHARS)?,
        },
        other => {
            return Err(ImportError::UnknownStatus {
                at: obj.place("kind"),
                found: other.to_string(),
            })
        }
    };
    obj.finish()?;
    Ok(status)
}

/// A history entry may name a stage that no longer exists: removing a stage keeps the
/// history of deals that passed through it. It may not name a stage of another pipeline.
fn stage_change(
    value: &Json<'_>,
    at: At<'_>,
    pipeline_id: &str,
    index: &Index,
) -> Result<StageChange> {
    let mut obj = Obj::new(value, at)?;
    let from = obj.optional_id("from")?;
    if let Some(from) = &from {
        check_history_stage(&obj, "from", from, pipeline_id, index)?;
    }
    let to = obj.id("to")?;
    check_history_stage(&obj, "to", &to, pipeline_id, index)?;
    let at = obj.timestamp("at")?;
    obj.finish()?;
    Ok(StageChange {
        from: from.map(Into::into),
        to: to.into(),
        at,
    })
}

fn check_history_stage(
    obj: &Obj<'_>,
    key: &str,
    stage_id: &str,
    pipeline_id: &str,
    index: &Index,
) -> Result<()> {
    match index.stages.get(stage_id) {
        Some((owner, _)) if owner != pipeline_id => Err(ImportError::HistoryStageElsewhere {
            at: obj.place(key),
            stage_id: stage_id.to_string(),
            pipeline_id: owner.clone(),
        }),
        _ => Ok(()),
    }
}

/// The one definition of a valid workspace, for data that is already typed: the workspace
/// is seen exactly as its backup file would be, and walked by the same rules as an import.
/// Import, loading from storage, the `storage` event and the tests after every rule all
/// come here, so the app never holds a state its own import would refuse.
pub fn check_workspace(ws: &Workspace) -> Result<()> {
    let text = serde_json::to_string(ws).map_err(|_| ImportError::Empty)?;
    let value = read_own_json(&text)?;
    let mut obj = Obj::new(&value, At::root("workspace"))?;
    workspace(&mut obj)?;
    obj.finish()
}

/// Checks stored deal records one at a time against a set of pipelines, by the same rules
/// as [`check_workspace`]; storage keeps each deal under its own key.
pub struct DealChecker<'a> {
    pipelines: &'a [Pipeline],
    index: Index,
}

impl<'a> DealChecker<'a> {
    pub fn new(pipelines: &'a [Pipeline]) -> DealChecker<'a> {
        let mut index = Index::default();
        for (p_idx, pipeline) in pipelines.iter().enumerate() {
            index.pipelines.insert(
                pipeline.id.to_string(),
                format!("workspace.pipelines[{p_idx}]"),
            );
            for (s_idx, stage) in pipeline.stages.iter().enumerate() {
                index.stages.insert(
                    stage.id.to_string(),
                    (
                        pipeline.id.to_string(),
                        format!("workspace.pipelines[{p_idx}].stages[{s_idx}]"),
                    ),
                );
            }
        }
        DealChecker { pipelines, index }
    }

    /// Whether `deal` could stand in a workspace with these pipelines.
    pub fn check(&mut self, deal: &Deal) -> Result<()> {
        let text = serde_json::to_string(deal).map_err(|_| ImportError::Empty)?;
        let value = read_own_json(&text)?;
        let at = At::root("deal").owned_by(OwnerOf::Deal(&value));
        let result = self::deal(&value, at, &mut self.index, self.pipelines);
        // Each record is checked on its own: forget its id so a re-check is no duplicate.
        self.index.deals.remove(deal.id.as_str());
        result.map(|_| ())
    }
}

/// Reads back JSON this app has just written, for the checks on typed data. The text is
/// serde_json's own output, so it always reads; `Empty` stands for the impossible, as it
/// does for a value serde_json could not write.
fn read_own_json(text: &str) -> Result<Json<'_>> {
    serde_json::from_str(text).map_err(|_| ImportError::Empty)
}
