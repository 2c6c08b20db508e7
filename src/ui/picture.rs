//! The board as the user left it, shown the moment the page opens (and on a first visit,
//! the gallery: `assets/first-visit.*.html`, made from this same picture).
//!
//! Before the app can draw its board, the wasm must load and every stored deal be read:
//! about half a second at 10,000 deals. So when the page is hidden or left, a picture of
//! the board (its markup) is stored under [`PICTURE_KEY`], and `assets/picture.js`, a
//! classic script at the top of `<body>`, draws it at once on the next visit, inert and
//! hidden from assistive technology, until the app's own board replaces it ([`take_down`]).
//!
//! The rules that keep the picture honest:
//! - It is drawn only if what it shows is still so: `picture.js` stamps what it was drawn
//!   from, and shows the picture only under the same stamp: the write mark (a fresh random
//!   value `storage::local` writes after every write of ours, from any tab), every stored
//!   key of ours with the length of its value, short values whole (the language, the
//!   workspace record), the UTC day (Overdue and Stale depend on it) and the window width.
//!   Reading and hashing every deal at every start would cost more than the picture saves.
//! - It is stored only when this tab has taken in the writes made to storage (the mark
//!   stored is the one it wrote or last saw come in, after the writes it stands for; a
//!   write another tab made just before this tab's own is the exception, for the moment
//!   its events take to arrive), and a start would open on its language and pipeline. A
//!   tab hidden with its picture stored removes it when another tab's write comes in.
//! - It is stored only when the board on screen is what a fresh start would draw: the board
//!   screen, no search, no dialog, every column at its top, the first stage tab, and every
//!   change stored (a failed save shows changes that storage does not have).
//! - It is not data: never read as the workspace, not in backups, not counted in what the
//!   workspace uses, and the first thing to go when a write needs room (`local::set`).
//!   While the app runs it is not kept at all: it is removed at start and when the page is
//!   shown again, so it never holds room or goes stale beside a live board.
//! - No inline style reaches the page's markup (the policy forbids it): style attributes
//!   are stored aside and set through the DOM.

use super::state::{Ctx, Screen};
use crate::storage::codec::PICTURE_KEY;
use crate::storage::local;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlSelectElement, VisibilityState};

/// The picture's container, made by `assets/picture.js`.
const HOLDER_ID: &str = "pw-picture";
/// A picture larger than this (UTF-16 units of markup) is not stored: it would take more
/// room than it saves time.
const MAX_UNITS: usize = 400_000;
/// What the picture leaves out: messages and menus of the moment, and the banners (the app
/// works out its own at start).
const LEFT_OUT: &str =
    ".toast, [role=status], [role=menu], .drop-zones, dialog, .banners, .skip-link";

/// Whether a picture is up, drawn by `picture.js` before the app started.
pub fn is_up() -> bool {
    document().is_some_and(|d| d.get_element_by_id(HOLDER_ID).is_some())
}

/// Runs `start` once the browser has painted the picture: the app's start (reading every
/// deal, drawing the board) takes the page for up to half a second, and a picture only
/// drawn, never painted, before it would have been no use (the wasm is often ready before
/// the page's first paint). After the next frame, or after 100 ms should frames not come
/// (a page opened in the background).
pub fn after_painted(start: fn()) {
    let started = Rc::new(Cell::new(false));
    let once = move || {
        if !started.replace(true) {
            start();
        }
    };
    let after_frame = once.clone();
    request_animation_frame(move || set_timeout(after_frame, std::time::Duration::ZERO));
    set_timeout(once, std::time::Duration::from_millis(100));
}

/// Takes the picture down once the app's board is drawn, and forgets the stored copy.
pub fn take_down() {
    if let Some(holder) = document().and_then(|d| d.get_element_by_id(HOLDER_ID)) {
        holder.remove();
    }
    let _ = local::remove(PICTURE_KEY);
}

/// Stores a picture when the page is hidden or left; removes it when the page is shown
/// again.
pub fn install(ctx: Ctx) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Hiding and then leaving a page both call this: one picture per time hidden.
    let stored = Rc::new(Cell::new(false));
    let on_visibility = {
        let stored = stored.clone();
        Closure::<dyn Fn()>::new(move || {
            let hidden =
                document().is_some_and(|d| d.visibility_state() == VisibilityState::Hidden);
            if hidden {
                if !stored.replace(true) {
                    store(ctx);
                }
            } else {
                stored.set(false);
                let _ = local::remove(PICTURE_KEY);
            }
        })
    };
    let on_pagehide = Closure::<dyn Fn()>::new(move || {
        if !stored.replace(true) {
            store(ctx);
        }
    });
    if let Some(document) = document() {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
    }
    let _ =
        window.add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    on_visibility.forget();
    on_pagehide.forget();
}

fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Stores the picture of the board on screen, or none when a fresh start would not draw
/// the same board.
fn store(ctx: Ctx) {
    let _ = local::remove(PICTURE_KEY);
    // Another tab chose another language or pipeline: a start would not open on this board.
    if !ctx.starts_as_shown() {
        return;
    }
    let Some(html) = picture(ctx) else {
        return;
    };
    let Some(stamp) = stamp() else {
        return;
    };
    // Another tab's writes still on their way in: this board is not what storage holds.
    // Asked after the stamp is read, so the stamp's mark is one this tab has taken in.
    if !local::written_is_current() {
        return;
    }
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        html: &'a str,
        stamp: &'a str,
    }
    let value = serde_json::to_string(&Stored {
        html: &html,
        stamp: &stamp,
    })
    .unwrap_or_default();
    // Best effort: a picture that does not fit is simply not stored.
    let _ = local::set(PICTURE_KEY, &value);
}

/// The stamp `picture.js` compares at start, from the same function.
fn stamp() -> Option<String> {
    let window = web_sys::window()?;
    let function = js_sys::Reflect::get(&window, &JsValue::from_str("pipewrightPictureStamp"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    function.call0(&window).ok()?.as_string()
}

/// The markup of the app with its board (or its gallery, with no pipeline), as a fresh
/// start would draw it; `None` when the screen is anything else.
fn picture(ctx: Ctx) -> Option<String> {
    // The board screen: the board, or the gallery when there is no pipeline (a first visit).
    let fresh = ctx.screen.get_untracked() == Screen::Board
        && ctx.query.with_untracked(String::is_empty)
        && ctx.editing.with_untracked(Option::is_none)
        && ctx.losing.with_untracked(Option::is_none)
        && ctx.save_error.with_untracked(Option::is_none);
    if !fresh {
        return None;
    }
    let document = document()?;
    let app = document.query_selector(".app").ok()??;
    let at_top = all(&app, "section.column")
        .iter()
        .all(|c| c.scroll_top() == 0)
        && web_sys::window()?.scroll_y().ok()? == 0.0;
    let first_tab = app
        .query_selector("[role=tab][aria-selected=true]")
        .ok()?
        .is_none_or(|tab| tab.previous_element_sibling().is_none());
    if !at_top || !first_tab || app.query_selector("dialog[open]").ok()?.is_some() {
        return None;
    }
    let copy = app
        .clone_node_with_deep(true)
        .ok()?
        .dyn_into::<Element>()
        .ok()?;
    for gone in all(&copy, LEFT_OUT) {
        gone.remove();
    }
    // A select's choice is a property, not markup: written into the copy.
    for (live, copied) in all(&app, "select").iter().zip(all(&copy, "select")) {
        let (Some(live), Some(copied)) = (
            live.dyn_ref::<HtmlSelectElement>(),
            copied.dyn_ref::<HtmlSelectElement>(),
        ) else {
            continue;
        };
        let chosen = live.selected_index();
        for (index, option) in all(copied, "option").iter().enumerate() {
            if i32::try_from(index).ok() == Some(chosen) {
                let _ = option.set_attribute("selected", "");
            } else {
                let _ = option.remove_attribute("selected");
            }
        }
    }
    let mut styled = all(&copy, "[style]");
    styled.push(copy.clone());
    for element in styled {
        if let Some(style) = element.get_attribute("style") {
            let _ = element.set_attribute("data-pw-style", &style);
            let _ = element.remove_attribute("style");
        }
    }
    let html = copy.outer_html();
    (html.encode_utf16().count() <= MAX_UNITS).then_some(html)
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}
