//! Structure-aware bundles: specs derived from the input are rendered into tar
//! streams with correct header checksums in valid gzip, often completed into an
//! osbundle layout with one defect or none (see `osbundle_fuzz::Spec`). Oracles:
//! a valid bundle has no `bundle-*` finding, a defective one has an error; entries
//! listed are entries written; the same findings with and without an extract sink
//! and a right sidecar digest; a wrong sidecar digest is found; `inspect` lists
//! what `verify` read, with the same findings; `extract` writes exactly the safe entries of a valid bundle,
//! nothing for an invalid one, and nothing outside its folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle_fuzz::{oracle, Spec};

fuzz_target!(|spec: Spec| {
    let rendered = spec.render();
    let defect = spec.layout.as_ref().is_some_and(|l| l.defect.is_some());
    let verified = oracle::check_verify(&rendered, defect);
    if spec.layout.is_some() {
        oracle::check_extract(&rendered.bytes, oracle::scratch());
        let dir = oracle::scratch().join("inspect.tar.gz");
        if std::fs::write(&dir, &rendered.bytes).is_ok() {
            // The file's own digest, as `--expect-sha256` gives it: checked on the
            // file and no "no checksum of the download" note, which the in-memory
            // verify above has no reason to give.
            let settings = osbundle::VerifySettings {
                expect_sha256: Some(rendered.sha256),
                ..oracle::settings()
            };
            if let Ok(listed) = osbundle::inspect(&dir, &settings) {
                assert_eq!(
                    listed.entries, verified.entries,
                    "inspect lists other entries than verify read"
                );
                assert_eq!(
                    listed.findings,
                    verified
                        .findings
                        .iter()
                        .map(|f| {
                            let mut f = f.clone();
                            f.path = f
                                .path
                                .replacen("fuzz.tar.gz", &dir.display().to_string(), 1);
                            f
                        })
                        .collect::<Vec<_>>()
                );
            }
        }
    }
});
