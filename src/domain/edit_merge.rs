//! Two tabs, one deal: the deal editor's changes are merged field by field against the
//! version the editor opened, so no edit made elsewhere is lost without the user's say.
//! A field changed on one side only keeps that side's value; a field both sides changed
//! to different values is a conflict the user settles.

use super::model::{Deal, StageId};
use super::ops::DealDraft;

/// What the deal editor edits: the fields of a draft and the stage.
#[derive(Clone, Debug, PartialEq)]
pub struct DealEdit {
    pub draft: DealDraft,
    pub stage_id: StageId,
}

impl DealEdit {
    pub fn of(deal: &Deal) -> DealEdit {
        DealEdit {
            draft: DealDraft::from_deal(deal),
            stage_id: deal.stage_id.clone(),
        }
    }
}

/// One field of the editor, as merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Organisation,
    ContactName,
    ContactEmail,
    ContactPhone,
    /// Amount and currency together: a sum means nothing without its currency.
    Amount,
    ExpectedClose,
    Probability,
    Notes,
    NextStepText,
    NextStepDue,
    Stage,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Title,
        Field::Organisation,
        Field::ContactName,
        Field::ContactEmail,
        Field::ContactPhone,
        Field::Amount,
        Field::ExpectedClose,
        Field::Probability,
        Field::Notes,
        Field::NextStepText,
        Field::NextStepDue,
        Field::Stage,
    ];

    /// Whether two edits hold the same value in this field.
    pub fn same(self, a: &DealEdit, b: &DealEdit) -> bool {
        let (x, y) = (&a.draft, &b.draft);
        match self {
            Field::Title => x.title == y.title,
            Field::Organisation => x.organisation == y.organisation,
            Field::ContactName => x.contact.name == y.contact.name,
            Field::ContactEmail => x.contact.email == y.contact.email,
            Field::ContactPhone => x.contact.phone == y.contact.phone,
            Field::Amount => x.amount == y.amount,
            Field::ExpectedClose => x.expected_close == y.expected_close,
            Field::Probability => x.probability == y.probability,
            Field::Notes => x.notes == y.notes,
            Field::NextStepText => x.next_step.text == y.next_step.text,
            Field::NextStepDue => x.next_step.due == y.next_step.due,
            Field::Stage => a.stage_id == b.stage_id,
        }
    }

    /// Sets this field of `to` to its value in `from`.
    pub fn copy(self, from: &DealEdit, to: &mut DealEdit) {
        let (x, y) = (&from.draft, &mut to.draft);
        match self {
            Field::Title => y.title.clone_from(&x.title),
            Field::Organisation => y.organisation.clone_from(&x.organisation),
            Field::ContactName => y.contact.name.clone_from(&x.contact.name),
            Field::ContactEmail => y.contact.email.clone_from(&x.contact.email),
            Field::ContactPhone => y.contact.phone.clone_from(&x.contact.phone),
            Field::Amount => y.amount.clone_from(&x.amount),
            Field::ExpectedClose => y.expected_close = x.expected_close,
            Field::Probability => y.probability = x.probability,
            Field::Notes => y.notes.clone_from(&x.notes),
            Field::NextStepText => y.next_step.text.clone_from(&x.next_step.text),
            Field::NextStepDue => y.next_step.due = x.next_step.due,
            Field::Stage => to.stage_id.clone_from(&from.stage_id),
        }
    }
}

/// Merges `mine` (the editor) and `theirs` (the deal as it is now) against `base` (the
/// deal when the editor opened). `Err` lists the fields both changed to different values,
/// in form order; nothing is merged until the user has chosen for each.
pub fn merge_edit(
    base: &DealEdit,
    theirs: &DealEdit,
    mine: &DealEdit,
) -> Result<DealEdit, Vec<Field>> {
    let mut merged = theirs.clone();
    let mut conflicts = Vec::new();
    for field in Field::ALL {
        let mine_changed = !field.same(base, mine);
        let theirs_changed = !field.same(base, theirs);
        if mine_changed && theirs_changed && !field.same(mine, theirs) {
            conflicts.push(field);
        } else if mine_changed {
            field.copy(mine, &mut merged);
        }
    }
    if conflicts.is_empty() {
        Ok(merged)
    } else {
        Err(conflicts)
    }
}
