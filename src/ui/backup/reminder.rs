//! The gentle reminder to take a backup, in the banner area.

use super::Backups;
use crate::backup;
use crate::i18n::{t, tf};
use crate::ui::browser;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;

/// A gentle reminder in the banner area when changes are in no backup and it has been a
/// while; "later" keeps it away for a few days.
#[component]
pub fn BackupReminder() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let backups = expect_context::<Backups>();
    let lang = ctx.lang;
    let due = Memo::new(move |_| {
        let last = backups.last_backup.get();
        let snoozed = backups.snoozed_until.get();
        ctx.ws
            .with(|ws| backup::reminder_due(ws, last, snoozed, browser::now()))
    });
    view! {
        <Show when=move || due.get()>
            // A note, not a status: the live region is kept for announcing moves.
            <div class="banner banner-info backup-reminder" role="note">
                <p>
                    {move || match backups.last_backup.get() {
                        Some(at) => tf(lang.get(), "backup.reminder_since", &[("date", &intl::date(lang.get(), at.date_naive()))]),
                        None => t(lang.get(), "backup.reminder_never").to_string(),
                    }}
                </p>
                <button type="button" class="primary" on:click=move |_| backups.export_all(ctx)>
                    {move || t(lang.get(), "backup.export")}
                </button>
                <button type="button" on:click=move |_| backups.snooze()>
                    {move || t(lang.get(), "backup.later")}
                </button>
            </div>
        </Show>
    }
}
