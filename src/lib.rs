//! Pipewright: a sales-pipeline board that runs entirely in the browser.
//!
//! `domain` and `i18n` are the pure core (no browser, no I/O); `storage` keeps the
//! workspace in localStorage; `ui` is the Leptos shell. See ARCHITECTURE.md.

pub mod backup;
pub mod domain;
pub mod i18n;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// The app's version, written into backups.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Mounts the app on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    leptos::mount::mount_to_body(ui::App);
}
