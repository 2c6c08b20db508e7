//! Undo and redo for the user: Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) anywhere but in
//! a text field, and the message after each change with its Undo (or Redo) button. The
//! work is `Ctx::undo`/`Ctx::redo` over `domain::undo`.

use crate::i18n::t;
use crate::ui::state::Ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// True when the key goes to a field that has its own undo (text inputs, text areas,
/// selects, editable content).
fn in_text_field(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    if el.is_content_editable() {
        return true;
    }
    match el.tag_name().to_ascii_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => !matches!(
            el.get_attribute("type").unwrap_or_default().as_str(),
            "button" | "submit" | "checkbox" | "radio" | "reset"
        ),
        _ => false,
    }
}

/// Listens for the undo and redo keys, and shows the message after a change.
#[component]
pub fn UndoToast() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !(ev.ctrl_key() || ev.meta_key()) || ev.alt_key() || in_text_field(&ev) {
            return;
        }
        let key = ev.key().to_ascii_lowercase();
        let redo = (key == "z" && ev.shift_key()) || (key == "y" && !ev.shift_key());
        if key == "z" || redo {
            ev.prevent_default();
            if redo {
                ctx.redo();
            } else {
                ctx.undo();
            }
        }
    });
    on_cleanup(move || handle.remove());
    move || {
        ctx.toast.get().map(|toast| {
            let (label, redo) = if toast.redo {
                ("undo.redo", true)
            } else {
                ("undo.undo", false)
            };
            view! {
                <aside class="toast" aria-label=move || t(lang.get(), "undo.region")>
                    <p>{toast.text}</p>
                    <button type="button" class="toast-action"
                        on:click=move |_| if redo { ctx.redo() } else { ctx.undo() }>
                        {move || t(lang.get(), label)}
                    </button>
                    <button type="button" class="toast-close" aria-label=move || t(lang.get(), "undo.close")
                        on:click=move |_| ctx.toast.set(None)>
                        "×"
                    </button>
                </aside>
            }
        })
    }
}
