//! When to remind the user to export a backup: only when there is something to lose and
//! it has been a while, and never again soon after they said "later".

use crate::domain::Workspace;
use chrono::{DateTime, Duration, Utc};

/// Days after the last backup (or after the first real change) before a reminder shows.
pub const REMIND_AFTER_DAYS: i64 = 7;
/// Days a "remind me later" keeps the reminder away.
pub const SNOOZE_DAYS: i64 = 3;

/// True when the workspace holds changes that are in no backup file and the last backup
/// (or, if there never was one, the oldest unsaved change) is more than
/// [`REMIND_AFTER_DAYS`] old, and the user has not snoozed the reminder. Sample deals do
/// not count: losing them loses nothing.
pub fn reminder_due(
    ws: &Workspace,
    last_backup: Option<DateTime<Utc>>,
    snoozed_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    if snoozed_until.is_some_and(|until| now < until) {
        return false;
    }
    let real_deals = ws.deals.iter().filter(|d| !d.sample);
    let unsaved: Vec<DateTime<Utc>> = match last_backup {
        Some(at) => real_deals
            .map(|d| d.updated_at)
            .filter(|t| *t > at)
            .collect(),
        None => real_deals.map(|d| d.updated_at).collect(),
    };
    let Some(oldest_unsaved) = unsaved.iter().min().copied() else {
        return false;
    };
    let since = last_backup.unwrap_or(oldest_unsaved);
    now - since > Duration::days(REMIND_AFTER_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::templates::{pipeline_from_template, TemplateKind};
    use crate::domain::{Currency, DealDraft, Money};
    use crate::i18n::Lang;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap()
    }

    fn workspace_with_deal_changed_on(changed: DateTime<Utc>, sample: bool) -> Workspace {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id{n}")
        };
        let mut ws = Workspace::default();
        let p = pipeline_from_template(
            TemplateKind::Blank,
            Lang::En,
            "P",
            Currency::nok(),
            changed,
            &mut ids,
        );
        let (pid, sid) = (p.id.clone(), p.stages[0].id.clone());
        ws.add_pipeline(p).unwrap();
        ws.add_deal(
            &pid,
            &sid,
            "d1".into(),
            DealDraft::quick("D", Money::new(1, Currency::nok())),
            changed,
        )
        .unwrap();
        ws.deals[0].sample = sample;
        ws
    }

    #[test]
    fn reminds_only_when_there_is_something_to_lose_and_it_has_been_a_while() {
        let ws = workspace_with_deal_changed_on(day(1), false);
        // Never backed up: due once the oldest change is over a week old.
        assert!(!reminder_due(&ws, None, None, day(5)));
        assert!(reminder_due(&ws, None, None, day(9)));
        // Backed up after the change: nothing to lose.
        assert!(!reminder_due(&ws, Some(day(2)), None, day(20)));
        // Backed up before the change, long ago: due.
        let changed_later = workspace_with_deal_changed_on(day(10), false);
        assert!(reminder_due(&changed_later, Some(day(1)), None, day(12)));
        assert!(!reminder_due(&changed_later, Some(day(8)), None, day(12)));
        // Snoozed: not until the snooze ends.
        assert!(!reminder_due(
            &changed_later,
            Some(day(1)),
            Some(day(14)),
            day(12)
        ));
        assert!(reminder_due(
            &changed_later,
            Some(day(1)),
            Some(day(11)),
            day(12)
        ));
    }

    #[test]
    fn sample_deals_and_an_empty_workspace_never_trigger_a_reminder() {
        let samples = workspace_with_deal_changed_on(day(1), true);
        assert!(!reminder_due(&samples, None, None, day(30)));
        assert!(!reminder_due(&Workspace::default(), None, None, day(30)));
    }
}
