//! The project configuration (osbundle.toml): any bytes give a configuration or an
//! error with a 1-based line and column, never a panic or a hang.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match osbundle::project::ProjectConfig::parse(data, Path::new("repo")) {
        Ok(config) => {
            if let Some(rules) = &config.rules {
                assert!(rules.value.starts_with("repo"));
                assert!(rules.line >= 1);
            }
        }
        Err(e) => assert!(e.line >= 1 && e.column >= 1),
    }
});
