//! Fuzzes the ID-list parser, the encoder and the planner: the list round-trips
//! through the split, every planned ID has a column, the IMS check never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::api::delete::ims;
use osbundle::api::delete::lxca;
use osbundle::api::delete::Inventory;
use osbundle::internals::api::delete::ids;

const INVENTORY: &str = r#"{"items": [{"id": "win2016|", "profiles": [
  {"id": "win2016|dc", "customizationOptions": {"bootOptions": {"bootFileIds": ["b,1"]}}}]}],
  "bootFiles": [{"id": "b,1", "type": "custom"}, {"id": "winpe", "type": "Predefined"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(list) = std::str::from_utf8(data) else {
        return;
    };
    let pieces = ids::parse_list(list);
    let joined: Vec<&str> = pieces.iter().map(|p| p.raw.as_str()).collect();
    assert_eq!(joined.join(","), list);
    let _ = ids::request_path(&joined);
    if let Ok(inventory) = Inventory::from_slice(INVENTORY.as_bytes(), "inv.json") {
        let plan = lxca::plan(list, &inventory, "inv.json");
        assert_eq!(plan.ids.len(), pieces.len());
    }
    let _ = ims::plan(list, true);
});
