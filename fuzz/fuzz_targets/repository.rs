//! Fuzzes the repository snapshot reader (a saved GET /osImages response, the
//! `delete-plan` inventory) and the checks of `--repository` against a fixed profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::api::delete::Inventory;
use osbundle::repository::{check, size_range, CustomFile, Place, Reference, Subject};
use osbundle::Kind;

fuzz_target!(|data: &[u8]| {
    let Ok(inventory) = Inventory::from_slice(data, "osimages.json") else {
        return;
    };
    let at = Place {
        path: "p/profile.json".into(),
        pointer: Some("/release".into()),
        position: None,
    };
    let subject = Subject {
        os: Some("win".into()),
        release: Some("2016".into()),
        os_image: None,
        release_at: at.clone(),
        references: vec![Reference {
            id: "winpe-64-base".into(),
            kind: Kind::Boot,
            at,
        }],
        custom: vec![CustomFile {
            id: Some("2018012943447_tools.zip".into()),
            name: "tools.zip".into(),
            kind: Kind::Software,
            size: 8_802_304,
            path: "p/software/tools.zip".into(),
        }],
    };
    let _ = check(&inventory, &subject);
    for f in &inventory.files {
        if let Some(size) = &f.size {
            if let Some((low, high)) = size_range(size) {
                assert!(low <= high);
            }
        }
    }
});
