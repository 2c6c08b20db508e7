//! Storage health on the backup screen: how much of the browser's quota Pipewright's data
//! takes (a meter and the figures), a warning from 80 % full, and whether the browser has
//! promised to keep the data (`navigator.storage.persist()`), with a button to ask.

use crate::i18n::{t, tf};
use crate::storage::codec::{self, QUOTA_UNITS};
use crate::storage::local;
use crate::ui::intl;
use crate::ui::state::Ctx;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// From this share of the quota in use, the screen warns.
const WARN_AT: f64 = 0.8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kept {
    Unknown,
    Yes,
    No,
    Refused,
}

#[component]
pub fn StorageHealth() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // Measured again after every change while the screen is open (values are measured in
    // the browser, never copied).
    let usage = Memo::new(move |_| {
        ctx.ws.track();
        local::used_units(|key| key.starts_with(codec::PREFIX)).ok()
    });
    let kept = RwSignal::new(Kept::Unknown);
    // The answers come back later: the screen may have closed by then, and a closed
    // screen's signal is not there to set (`try_set`).
    leptos::task::spawn_local(async move {
        if let Some(yes) = ask(false).await {
            kept.try_set(if yes { Kept::Yes } else { Kept::No });
        }
    });
    let request = move |_| {
        leptos::task::spawn_local(async move {
            kept.try_set(match ask(true).await {
                Some(true) => Kept::Yes,
                Some(false) => Kept::Refused,
                None => Kept::Unknown,
            });
        });
    };
    let megabytes = move |units: usize| intl::megabytes(lang.get(), units);
    view! {
        <section class="storage-health" aria-labelledby="storage-health-title">
            <h3 id="storage-health-title">{move || t(lang.get(), "health.title")}</h3>
            {move || usage.get().map(|(total, ours)| {
                let share = total as f64 / QUOTA_UNITS as f64;
                view! {
                    <p>
                        <label for="storage-meter">
                            {tf(lang.get(), "health.used", &[
                                ("used", &megabytes(ours)),
                                ("quota", &megabytes(QUOTA_UNITS)),
                                ("percent", &intl::percent(lang.get(), ours as f64 / QUOTA_UNITS as f64)),
                            ])}
                        </label>
                    </p>
                    <meter id="storage-meter" min="0" max=QUOTA_UNITS.to_string() value=ours.to_string()
                        low=intl::plain(QUOTA_UNITS as f64 * 0.6) high=intl::plain(QUOTA_UNITS as f64 * WARN_AT)
                        optimum="0"></meter>
                    {(total > ours).then(|| view! {
                        <p class="hint">{tf(lang.get(), "health.others", &[("others", &megabytes(total - ours))])}</p>
                    })}
                    {(share >= WARN_AT).then(|| view! {
                        <p class="banner banner-warning" role="alert">
                            {tf(lang.get(), "health.warn", &[("percent", &intl::percent(lang.get(), share))])}
                        </p>
                    })}
                }
            })}
            <p>
                {move || match kept.get() {
                    Kept::Yes => t(lang.get(), "health.kept"),
                    Kept::No => t(lang.get(), "health.not_kept"),
                    Kept::Refused => t(lang.get(), "health.refused"),
                    Kept::Unknown => t(lang.get(), "health.unknown"),
                }}
                " "
                <Show when=move || matches!(kept.get(), Kept::No | Kept::Refused)>
                    <button type="button" on:click=request>{move || t(lang.get(), "health.ask")}</button>
                </Show>
            </p>
        </section>
    }
}

/// `navigator.storage.persisted()`, or with `request` `persist()`; `None` when the browser
/// has no such API or does not answer.
async fn ask(request: bool) -> Option<bool> {
    let manager = web_sys::window()?.navigator().storage();
    let promise = if request {
        manager.persist().ok()?
    } else {
        manager.persisted().ok()?
    };
    JsFuture::from(promise).await.ok()?.as_bool()
}
