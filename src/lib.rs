//! Pipewright: a sales-pipeline board that runs entirely in the browser.
//!
//! The pure core is `domain` (the workspace and every rule that changes it, templates,
//! metrics, recovery, the editor's merge), `backup` (export, the one validation of a
//! workspace, import, CSV), `i18n` (the message catalogue) and `storage::codec` (the stored
//! layout and what to write): no browser, no I/O, no clock, tested natively. The browser
//! parts are `storage::local`, the only code that touches localStorage, and `ui`, the
//! Leptos shell; both are compiled for wasm32 only. See ARCHITECTURE.md.

pub mod backup;
pub mod domain;
pub mod i18n;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// The app's version, written into backups.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Mounts the app on `<body>`: at once, or, when a picture of the board is up
/// (`ui::picture`), once the browser has painted it.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    if ui::picture::is_up() {
        ui::picture::after_painted(start);
    } else {
        start();
    }
}

#[cfg(target_arch = "wasm32")]
fn start() {
    leptos::mount::mount_to_body(ui::App);
    // The app's board is in the page now and is drawn in the next frame: the picture of
    // it drawn while the app loaded comes down in that same frame.
    leptos::prelude::request_animation_frame(ui::picture::take_down);
}
