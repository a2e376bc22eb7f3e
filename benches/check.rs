//! Criterion benchmarks of `check`: a 10,000-file profile tree, one config file, and
//! the JSON position layer.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use osbundle::check::{self, CheckSettings};
use osbundle::rules::RuleSet;

const CONFIG: &str = include_str!("../testdata/config/reference-corrected.json");
/// A Windows driver zip with a `.inf` (three stored entries): what a driver is.
const DRIVER: &[u8] = include_bytes!(
    "../testdata/profiles/win2016-datacenter/drivers/nic-broadcom-bnxtnd-win2016.zip"
);

/// 100 profiles of 100 files each: drivers, scripts, software and a few configs.
fn tree(root: &Path) {
    for p in 0..100 {
        let dir = root.join(format!("profile-{p:03}"));
        std::fs::create_dir_all(dir.join("drivers")).unwrap();
        std::fs::create_dir_all(dir.join("software")).unwrap();
        std::fs::create_dir_all(dir.join("config")).unwrap();
        std::fs::write(
            dir.join("profile.json"),
            r#"{"name": "p", "os": "win", "release": "2016"}"#,
        )
        .unwrap();
        for f in 0..96 {
            std::fs::write(dir.join(format!("drivers/nic-{f:03}.zip")), DRIVER).unwrap();
        }
        std::fs::write(dir.join("software/tools.zip"), DRIVER).unwrap();
        std::fs::write(dir.join("software/bad.exe"), "MZ").unwrap();
        std::fs::write(dir.join("config/settings.json"), CONFIG).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let settings = CheckSettings {
        rules: RuleSet::embedded(),
        ..CheckSettings::default()
    };
    let paths: Vec<PathBuf> = vec![tmp.path().to_path_buf()];
    let report = check::run(&paths, &settings).unwrap();
    assert_eq!(report.checked, 10_000);
    assert_eq!(report.findings.len(), 100);

    let mut group = c.benchmark_group("check");
    group.sample_size(20);
    group.bench_function("tree of 10,000 files", |b| {
        b.iter(|| check::run(&paths, &settings).unwrap())
    });
    group.bench_function("one config file", |b| {
        b.iter(|| osbundle::config::check_bytes(CONFIG.as_bytes(), "c.json"))
    });
    group.bench_function("parse a config file", |b| {
        b.iter(|| osbundle::internals::json::Document::parse(CONFIG.as_bytes()).unwrap())
    });
    group.bench_function("locate a pointer", |b| {
        b.iter(|| {
            let doc = osbundle::internals::json::Document::parse(CONFIG.as_bytes()).unwrap();
            doc.position_of("/content/1/template/0/regex")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
