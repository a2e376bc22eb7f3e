//! Structure-aware bundles: specs derived from the input are rendered into tar
//! streams with correct header checksums in valid gzip, often completed into an
//! osbundle layout with one defect or none (see `osbundle_fuzz::Spec`). Oracles:
//! a valid bundle has no `bundle-*` finding, a defective one has an error; entries
//! listed are entries written; the same findings with and without an extract sink
//! and a right sidecar digest; a wrong sidecar digest is found; `inspect` lists
//! what `verify` read, with the same findings; `extract` writes exactly the safe
//! entries of a valid bundle (and its rebuilt `profile.json`), nothing for an
//! invalid one, and nothing outside its folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle_fuzz::{oracle, Spec};

fuzz_target!(|spec: Spec| {
    oracle::check_spec(&spec);
});
