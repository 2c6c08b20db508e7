//! Entry point: installs the panic hook and mounts the app. Everything else is in the
//! library crate so tests can import it.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    pipewright::mount();
}

/// The app runs only in a browser; a native build exists for `cargo test` and says so.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Pipewright runs in the browser: use `make serve`.");
}
