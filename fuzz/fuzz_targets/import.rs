//! The backup importer, fed any bytes: it must never panic, every file it refuses must
//! come with a message in both languages, and every file it accepts must export and import
//! again to the same workspace.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use pipewright::backup::{export_workspace, parse_backup};
use pipewright::i18n::Lang;

fuzz_target!(|data: &[u8]| {
    match parse_backup(data) {
        Err(err) => {
            for lang in Lang::ALL {
                let message = err.message(lang);
                assert!(
                    !message.trim().is_empty(),
                    "a refused file without a message ({lang:?}): {err:?}"
                );
                // A key missing from the catalogue shows as the key itself.
                assert!(
                    !message.starts_with("import."),
                    "a message missing from the catalogue ({lang:?}): {message}"
                );
            }
        }
        Ok(backup) => {
            let text = export_workspace(&backup.workspace, "fuzz", backup.exported_at);
            let again = parse_backup(text.as_bytes()).unwrap_or_else(|err| {
                panic!(
                    "an imported file, exported again, does not import: {}\n{text}",
                    err.message(Lang::En)
                )
            });
            assert_eq!(
                again.workspace, backup.workspace,
                "export changed the workspace"
            );
            assert_eq!(again.exported_at, backup.exported_at);
        }
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    pipewright_fuzz::mutate_structured(
        data,
        size,
        max_size,
        seed,
        pipewright_fuzz::json::mutate_text,
    )
    .unwrap_or_else(|| fuzzer_mutate(data, size, max_size))
});
