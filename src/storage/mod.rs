//! Persistence in localStorage. `codec` is pure (keys, versioned records, what to write);
//! `local` is the one place in the app that touches `window.localStorage`.

pub mod codec;
#[cfg(target_arch = "wasm32")]
pub mod local;
