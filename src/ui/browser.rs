//! Small wrappers over browser facilities the UI needs: the clock, random ids, the
//! browser's languages, confirmations, file downloads and a task of its own for work.

use chrono::{DateTime, Utc};
use wasm_bindgen::{JsCast, JsValue};

/// The current time, from the browser's clock. The domain never reads a clock itself.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// A new random id: a UUID from `crypto.randomUUID()` (36 characters, well within the
/// 200-character id limit), so two tabs creating records at once do not collide. Where
/// `randomUUID` is missing (an old browser, or a page not served over a secure
/// connection), 12 base-36 characters from `Math.random` (36^12 is about 4.7e18).
pub fn new_id() -> String {
    random_uuid().unwrap_or_else(|| {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..12)
            .map(|_| {
                let idx = (js_sys::Math::random() * ALPHABET.len() as f64) as usize;
                ALPHABET[idx.min(ALPHABET.len() - 1)] as char
            })
            .collect()
    })
}

/// `crypto.randomUUID()`, if the browser offers it here. Asked first whether it exists:
/// calling a missing function through the binding would throw.
fn random_uuid() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let present = js_sys::Reflect::get(&crypto, &JsValue::from_str("randomUUID"))
        .ok()
        .is_some_and(|f| f.is_function());
    present.then(|| crypto.random_uuid())
}

/// The browser's preferred languages, most preferred first.
pub fn languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let navigator = window.navigator();
    let list: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        list
    }
}

/// Asks the user a yes/no question with the browser's own dialog.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Offers `contents` to the user as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Calls `close` on Escape wherever focus is, for as long as the calling component lives.
/// A menu or dialog opened in this frame takes focus only in the next ([`focus_later`]),
/// and a quick Escape before that must still close it.
pub fn close_on_escape(close: impl Fn() + 'static) {
    use leptos::prelude::{on_cleanup, window_event_listener};
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && !ev.default_prevented() {
            ev.prevent_default();
            close();
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves keyboard focus to the element with `id`, once the DOM has caught up.
pub fn focus_later(id: String) {
    leptos::prelude::request_animation_frame(move || focus_now(&id));
}

/// Focuses, after the next frame, the first element matching a CSS selector.
pub fn focus_first_later(selector: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// Focuses the element with this id, if there is one.
pub fn focus_now(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The id of the element that has focus, if it has one.
pub fn focused_id() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| e.id())
        .filter(|id| !id.is_empty())
}

/// Whether focus is inside an element matching `selector`.
pub fn focus_within(selector: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.closest(selector).ok().flatten())
        .is_some()
}

/// Runs `f` in a task of its own, queued now: input and rendering that are due go first,
/// and there is no timer's minimum delay (a message on a new channel, as schedulers of
/// long work in slices do). Where the channel cannot be made, in a timer's task.
pub fn next_task(f: impl FnOnce() + 'static) {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
        return;
    };
    let (port, sender) = (channel.port1(), channel.port2());
    // The closure holds the channel until it runs, then is freed.
    let run = wasm_bindgen::closure::Closure::once_into_js(move || {
        f();
        drop(channel);
    });
    port.set_onmessage(Some(run.unchecked_ref()));
    let _ = sender.post_message(&JsValue::NULL);
}
