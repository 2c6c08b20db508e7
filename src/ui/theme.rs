//! Light and dark: the system's scheme (`prefers-color-scheme`) unless the user chose one,
//! which is remembered. The stylesheet holds both palettes; this only sets
//! `<html data-theme>`.

use crate::i18n::t;
use crate::storage::codec::THEME_KEY;
use crate::storage::local;
use crate::ui::state::Ctx;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    fn value(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Theme::System => "theme.system",
            Theme::Light => "theme.light",
            Theme::Dark => "theme.dark",
        }
    }

    fn from_value(value: &str) -> Theme {
        Theme::ALL
            .into_iter()
            .find(|theme| theme.value() == value)
            .unwrap_or(Theme::System)
    }
}

fn apply(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        chosen => root.set_attribute("data-theme", chosen.value()),
    };
}

/// The colour-scheme picker in the header.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let stored = local::get(THEME_KEY).ok().flatten();
    let theme = RwSignal::new(Theme::from_value(stored.as_deref().unwrap_or_default()));
    Effect::new(move |_| apply(theme.get()));
    let on_change = move |ev| {
        let chosen = Theme::from_value(&event_target_value(&ev));
        theme.set(chosen);
        // A choice that cannot be remembered still applies to this visit.
        let _ = local::set(THEME_KEY, chosen.value());
    };
    view! {
        <div class="theme-switch">
            <label for="theme">{move || t(lang.get(), "theme.label")}</label>
            <select id="theme" on:change=on_change>
                {Theme::ALL
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <option value=choice.value() selected=move || theme.get() == choice>
                                {move || t(lang.get(), choice.label_key())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
