//! The inventory parser (a saved `GET /osImages` response) and the LXCA delete
//! planner, both on fuzzed input: the inventory comes from the input, and the ID
//! list mixes IDs from that inventory with fuzzed ones. Every piece of the list is
//! planned; every ID the inventory holds is found.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle::api::delete::lxca;
use osbundle::api::delete::Inventory;
use osbundle::internals::api::delete::ids;

#[derive(Debug, Arbitrary)]
struct Input {
    inventory: Vec<u8>,
    /// Which inventory IDs go into the list.
    picks: Vec<u8>,
    /// Fuzzed pieces between them.
    extra: Vec<String>,
}

fuzz_target!(|input: Input| {
    let Ok(inventory) = Inventory::from_slice(&input.inventory, "inv.json") else {
        return;
    };
    let all: Vec<String> = inventory
        .all_ids()
        .into_iter()
        .map(str::to_string)
        .collect();
    for id in &all {
        assert!(inventory.find(id).is_some(), "{id:?} listed but not found");
    }
    let mut list: Vec<String> = Vec::new();
    for (i, pick) in input.picks.iter().enumerate().take(16) {
        if let Some(id) = all.get(usize::from(*pick) % all.len().max(1)) {
            list.push(id.clone());
        }
        if let Some(extra) = input.extra.get(i) {
            list.push(extra.clone());
        }
    }
    let joined = list.join(",");
    let pieces = ids::parse_list(&joined);
    let plan = lxca::plan(&joined, &inventory, "inv.json");
    assert_eq!(plan.ids.len(), pieces.len(), "every piece is planned");
    let _ = ids::request_path(&list.iter().map(String::as_str).collect::<Vec<_>>());
});
