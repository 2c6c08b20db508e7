//! The service worker (`assets/sw.js`) and the prompt that lets a new release in.
//!
//! Release builds register the worker, so after one visit the app and its data load with
//! no network. A new release never replaces the code of an open page: its worker installs
//! and waits, this prompt says "A new version is ready", and only the user's "Reload" asks
//! the waiting worker to take over (`skip-waiting`) and reloads once it has. Debug builds
//! (`trunk serve`, the browser tests) register nothing, so live reload always shows the
//! latest code.

use super::Ctx;
use crate::i18n::t;
use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The worker's file, next to `index.html`: a relative URL, so the app works under any
/// sub-path and the registration's scope is the app's folder.
const WORKER: &str = "./sw.js";

/// The message the worker answers with `skipWaiting()`.
const SKIP_WAITING: &str = "skip-waiting";

/// How often a page that stays open asks the server for a new release: when it becomes
/// visible again, at most once an hour.
const CHECK_EVERY_MS: f64 = 60.0 * 60.0 * 1000.0;

/// The update state shared by the worker's events and the prompt.
#[derive(Clone, Copy)]
struct Updates {
    /// A new release is waiting (or already took over from another tab).
    ready: RwSignal<bool>,
    /// The user pressed "Reload": the next change of worker reloads the page.
    asked: StoredValue<bool>,
    registration: StoredValue<Option<ServiceWorkerRegistration>, LocalStorage>,
}

/// "A new version is ready" with its "Reload" button, shown only when a release waits.
/// The words also go to the app's polite live region, so a screen reader hears them.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let updates = Updates {
        ready: RwSignal::new(false),
        asked: StoredValue::new(false),
        registration: StoredValue::new_local(None),
    };
    let ready = updates.ready;
    if !cfg!(debug_assertions) {
        if let Some(container) = container() {
            leptos::task::spawn_local(register(container, updates));
        }
    }
    Effect::new(move |_| {
        if ready.get() {
            ctx.announce(t(lang.get_untracked(), "app.update.ready").to_string());
        }
    });
    let reload = move |_| apply(updates);
    view! {
        <Show when=move || ready.get()>
            <div class="banner banner-info update-banner">
                <p>{move || t(lang.get(), "app.update.ready")}</p>
                <button type="button" class="primary" on:click=reload>
                    {move || t(lang.get(), "app.update.reload")}
                </button>
            </div>
        </Show>
    }
}

/// `navigator.serviceWorker`, where the browser has it: not on a page served over plain
/// HTTP from anywhere but localhost (not a secure context), where the app runs without
/// offline support.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let present = js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).ok()?;
    present.then(|| navigator.service_worker())
}

/// Registers the worker and watches for a release that waits.
async fn register(container: ServiceWorkerContainer, updates: Updates) {
    // A page that had a worker when a new one takes control is running an older release
    // (another tab let the new one in); the first worker taking control of a first visit
    // changes nothing the page runs.
    let had_controller = Cell::new(container.controller().is_some());
    let on_change = Closure::<dyn Fn()>::new(move || {
        if updates.asked.try_get_value().unwrap_or(false) {
            reload_page();
        } else if had_controller.replace(true) {
            updates.ready.try_set(true);
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    let Ok(registration) = JsFuture::from(container.register(WORKER)).await else {
        // No worker (a host that does not serve sw.js): the app works, only not offline.
        return;
    };
    let registration: ServiceWorkerRegistration = registration.unchecked_into();
    if registration.waiting().is_some() && container.controller().is_some() {
        updates.ready.try_set(true);
    }
    let on_found = {
        let registration = registration.clone();
        let ready = updates.ready;
        Closure::<dyn Fn()>::new(move || {
            let Some(worker) = registration.installing() else {
                return;
            };
            let container = container.clone();
            let installing = worker.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                // Installed while a worker controls the page: a new release, waiting.
                if installing.state() == ServiceWorkerState::Installed
                    && container.controller().is_some()
                {
                    ready.try_set(true);
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        })
    };
    registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
    check_when_visible(registration.clone());
    updates.registration.try_set_value(Some(registration));
}

/// Asks the server for a new release when the page becomes visible again, at most once
/// an hour; the browser itself checks on every visit.
fn check_when_visible(registration: ServiceWorkerRegistration) {
    let last = Cell::new(js_sys::Date::now());
    let on_visible = Closure::<dyn Fn()>::new(move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        let now = js_sys::Date::now();
        if !visible || now - last.get() < CHECK_EVERY_MS {
            return;
        }
        last.set(now);
        if let Ok(promise) = registration.update() {
            // Offline, the check fails; the next one will do.
            leptos::task::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    });
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
    }
    on_visible.forget();
}

/// The user's "Reload": the waiting worker takes over, and the page reloads when it has
/// (`controllerchange`). With no worker waiting (another tab let it in already), reload now.
fn apply(updates: Updates) {
    let waiting = updates
        .registration
        .with_value(|r| r.as_ref().and_then(ServiceWorkerRegistration::waiting));
    match waiting {
        Some(worker) => {
            updates.asked.set_value(true);
            if worker
                .post_message(&JsValue::from_str(SKIP_WAITING))
                .is_err()
            {
                reload_page();
            }
        }
        None => reload_page(),
    }
}

fn reload_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
