//! Benchmarks of `build` and `verify` on a generated 8 MiB profile. The side-by-side
//! comparison with pigz and gzip is `scripts/bench-bundle.sh`.

use std::fs;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use osbundle::bundle::{build, verify_path, BuildSettings, VerifySettings};

const MIB: usize = 1024 * 1024;

fn profile(root: &Path) {
    fs::create_dir_all(root.join("drivers")).unwrap();
    fs::write(
        root.join("profile.json"),
        r#"{"name": "bench", "os": "win", "release": "2016"}"#,
    )
    .unwrap();
    let mut x: u64 = 42;
    let mut data = Vec::with_capacity(8 * MIB);
    while data.len() < 8 * MIB {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        if x >> 62 == 0 {
            data.extend_from_slice(&x.to_le_bytes());
        } else {
            data.extend_from_slice(b"lenovo xclarity driver ");
        }
    }
    fs::write(root.join("drivers/nic.zip"), &data).unwrap();
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    profile(&dir);
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let settings = BuildSettings {
        out_dir: out.clone(),
        epoch: 1_482_113_961,
        level: 6,
        threads: 2,
        sha256_file: false,
        progress: false,
        overwrite: true,
        excludes: osbundle::profile::Excludes::default(),
    };
    let mut group = c.benchmark_group("bundle");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(8 * MIB as u64));
    group.bench_function("build 8 MiB", |b| {
        b.iter(|| build(&dir, "p", &settings).unwrap().built.unwrap())
    });
    let bundle = build(&dir, "p", &settings).unwrap().built.unwrap().path;
    let verify = VerifySettings::default();
    group.bench_function("verify 8 MiB", |b| {
        b.iter(|| {
            let v = verify_path(&bundle, &verify).unwrap();
            assert!(v.findings.is_empty());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
