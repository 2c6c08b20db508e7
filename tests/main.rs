//! The native test suite, one crate (as ripgrep's `tests/` is): a module per area of the
//! pure core, and one shared `util` of builders. `tests/web.rs` is the other test crate: it
//! runs in Chromium (wasm-bindgen-test).
#![cfg(not(target_arch = "wasm32"))]

mod util;

mod backup;
mod board_rules;
mod catalogue;
mod domain;
mod integrity;
mod metrics;
mod storage_codec;
mod templates;
