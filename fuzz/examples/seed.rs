//! Seeds for the fuzz targets, and the generated corpus of the name differential.
//!
//! ```text
//! seed corpus OUT      seeds under OUT/<target>/ (run from the repository root)
//! seed names OUT N     N generated tar files in OUT plus OUT/names.tsv: per file
//!                      the names written and the names osbundle's reader lists
//! seed render IN OUT   the bundle a bundle_gen input describes (for fixtures)
//! seed replay IN...     the bundle_gen oracles on each input (a spec), on the
//!                      stable toolchain: no nightly needed to reproduce a failure;
//!                      prints the spec, panics as the target would
//! seed census TARGET DIR...
//!                      how far the inputs in DIR... get into verify: whole gzip,
//!                      complete tar, osbundle layout, manifest and ledger compared,
//!                      extract sink reached, no error (TARGET bundle_gen: inputs
//!                      are specs, rendered first; any other: bundle bytes)
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use osbundle::bundle::{build, BuildSettings};
use osbundle_archive::tar::TarReader;
use osbundle_fuzz::layout::{example, Defect};
use osbundle_fuzz::{seed_bytes, spec_from_seed, Dialect};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["corpus", out] => corpus(Path::new(out)),
        ["names", out, n] => names(Path::new(out), n.parse().unwrap_or(500)),
        ["render", input, out] => render(Path::new(input), Path::new(out)),
        ["census", target, dirs @ ..] if !dirs.is_empty() => census(target, dirs),
        ["replay", inputs @ ..] if !inputs.is_empty() => replay(inputs),
        _ => Err(
            "usage: seed corpus OUT | seed names OUT N | seed render IN OUT | seed replay IN... | seed census TARGET DIR..."
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("seed: {e}");
        std::process::exit(2);
    }
}

type Result<T> = std::result::Result<T, String>;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))
}

fn corpus(out: &Path) -> Result<()> {
    let at = |t: &str| out.join(t);
    // Bundles built from the example profiles, by the library's build.
    let profiles = Path::new("testdata/profiles");
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut built = 0;
    for entry in fs::read_dir(profiles)
        .map_err(|e| format!("{}: {e}", profiles.display()))?
        .flatten()
    {
        let settings = BuildSettings {
            out_dir: scratch.path().to_path_buf(),
            epoch: 1_482_113_961,
            level: 6,
            threads: 1,
            sha256_file: false,
            progress: false,
            overwrite: false,
            excludes: osbundle::profile::Excludes::default(),
        };
        let shown = entry.path().display().to_string();
        if let Ok(outcome) = build(&entry.path(), &shown, &settings) {
            if let Some(b) = outcome.built {
                let bytes = fs::read(&b.path).map_err(|e| e.to_string())?;
                write(
                    &at("bundle_verify"),
                    &format!("built-{built}.tar.gz"),
                    &bytes,
                )?;
                built += 1;
            }
        }
        if let Ok(bytes) = fs::read(entry.path().join("profile.json")) {
            write(
                &at("profile_json"),
                &format!("{}.json", entry.file_name().to_string_lossy()),
                &bytes,
            )?;
        }
    }
    // The hand-made bundle, valid and with each defect, in two dialects.
    let defects = [
        None,
        Some(Defect::ManifestWrongDigest(1)),
        Some(Defect::ChecksumWrong),
        Some(Defect::WrongSize(0)),
        Some(Defect::MetadataNotFirst),
        Some(Defect::FileMissing(0)),
    ];
    for (i, defect) in defects.into_iter().enumerate() {
        for dialect in [Dialect::Ustar, Dialect::Gnu] {
            let r = example(dialect, defect).render();
            write(
                &at("bundle_verify"),
                &format!("example-{i}-{dialect:?}.tar.gz"),
                &r.bytes,
            )?;
            write(
                &at("tar_reader"),
                &format!("example-{i}-{dialect:?}.tar"),
                &r.tar,
            )?;
        }
    }
    // Generated bundles, and random bytes for the structure-aware targets.
    for seed in 0..64u64 {
        let len = 256 + (seed as usize % 8) * 256;
        if let Some(spec) = spec_from_seed(seed, len) {
            let r = spec.render();
            write(&at("bundle_verify"), &format!("gen-{seed}"), &r.bytes)?;
            write(&at("tar_reader"), &format!("gen-{seed}.tar"), &r.tar)?;
        }
        for target in [
            "bundle_gen",
            "bundle_build",
            "report_writers",
            "macros",
            "inventory",
            "sidecar",
        ] {
            if seed < 16 {
                write(
                    &at(target),
                    &format!("random-{seed}"),
                    &seed_bytes(seed * 31 + 7, len),
                )?;
            }
        }
    }
    // JSON documents of the repository's test data.
    for file in json_files(Path::new("testdata")) {
        let bytes = fs::read(&file).map_err(|e| e.to_string())?;
        let name = file.to_string_lossy().replace('/', "_");
        for target in ["json_document", "config", "rules"] {
            write(&at(target), &name, &bytes)?;
        }
    }
    for file in json_files(Path::new("tests/fixtures")) {
        let bytes = fs::read(&file).map_err(|e| e.to_string())?;
        write(
            &at("reply"),
            &file.to_string_lossy().replace('/', "_"),
            &bytes,
        )?;
    }
    for (i, list) in ["win2016|", "win2016|dc,b,1", "a,,b", " x ,%2C"]
        .iter()
        .enumerate()
    {
        write(&at("delete_ids"), &format!("list-{i}"), list.as_bytes())?;
    }
    eprintln!("seeds written to {} ({built} built bundles)", out.display());
    Ok(())
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A name in `names.tsv`: `x` and its hex.
fn listed(name: &[u8]) -> String {
    format!("x{}", hex(name))
}

/// Generated tar files and, per file, the names written and read (each `x` and its
/// hex, so that an empty name is `x`, not nothing; `,`-joined; `!` when osbundle's
/// reader stopped with a fault).
fn names(out: &Path, n: u64) -> Result<()> {
    fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let mut table = String::from("file\tplain\twritten\tosbundle\n");
    let mut count = 0;
    for seed in 0..n * 4 {
        if count == n {
            break;
        }
        let Some(mut spec) = spec_from_seed(seed + 1_000_000, 200 + (seed as usize % 16) * 128)
        else {
            continue;
        };
        // Entries only: layouts add nothing to names.
        spec.layout = None;
        let r = spec.render();
        if r.expected.is_empty() {
            continue;
        }
        let file = format!("g{seed:05}.tar");
        fs::write(out.join(&file), &r.tar).map_err(|e| e.to_string())?;
        let written: Vec<String> = r.expected.iter().map(|e| listed(&e.name)).collect();
        let mut read = Vec::new();
        let mut reader = TarReader::new(&r.tar[..]);
        let complete = loop {
            match reader.next_header() {
                Ok(Some(h)) => {
                    read.push(listed(&h.name));
                    if reader.read_data(|_| {}).is_err() {
                        break false;
                    }
                }
                Ok(None) => break true,
                Err(_) => break false,
            }
        };
        let ours = if complete {
            read.join(",")
        } else {
            format!("!{}", read.join(","))
        };
        table.push_str(&format!(
            "{file}\t{}\t{}\t{ours}\n",
            r.plain,
            written.join(",")
        ));
        count += 1;
    }
    fs::write(out.join("names.tsv"), table).map_err(|e| e.to_string())
}

/// The bundle bytes a `bundle_gen` input renders to.
fn render(input: &Path, out: &Path) -> Result<()> {
    let bytes = fs::read(input).map_err(|e| e.to_string())?;
    let spec = osbundle_fuzz::spec_from_bytes(&bytes)
        .ok_or_else(|| format!("{}: not a spec", input.display()))?;
    fs::write(out, spec.render().bytes).map_err(|e| e.to_string())
}

/// The bundle_gen target's body on each input, as `cargo fuzz run bundle_gen IN`
/// would run it.
fn replay(inputs: &[&str]) -> Result<()> {
    for input in inputs {
        let bytes = fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let Some(spec) = osbundle_fuzz::spec_from_bytes(&bytes) else {
            println!("{input}: not a spec (the target returns at once)");
            continue;
        };
        eprintln!("{input}: {:#?}", spec.layout);
        osbundle_fuzz::oracle::check_spec(&spec);
        println!("{input}: the oracles hold");
    }
    Ok(())
}

/// Counts the entries an extract sink would be handed.
#[derive(Default)]
struct CountingSink {
    entries: usize,
}

impl osbundle_archive::stream::Sink for CountingSink {
    fn begin(&mut self, _name: &str, _mode: u32) -> std::io::Result<()> {
        self.entries += 1;
        Ok(())
    }
    fn data(&mut self, _chunk: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
    fn end(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How far the inputs of a corpus get into `verify` (the embedded rules, the
/// fuzz limits): a line of counts and shares.
fn census(target: &str, dirs: &[&str]) -> Result<()> {
    let settings = osbundle_fuzz::oracle::settings();
    let mut files = Vec::new();
    for dir in dirs {
        for entry in fs::read_dir(dir)
            .map_err(|e| format!("{dir}: {e}"))?
            .flatten()
        {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    let mut counts = [0usize; 6];
    for path in &files {
        let data = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = if target == "bundle_gen" {
            match osbundle_fuzz::spec_from_bytes(&data) {
                Some(spec) => spec.render().bytes,
                None => continue,
            }
        } else {
            data
        };
        let mut sink = CountingSink::default();
        let (v, _) =
            osbundle::bundle::verify_reader(&bytes[..], "census", &settings, None, Some(&mut sink));
        let named = |n: &str| v.entries.iter().any(|e| e.name == n);
        let osbundle = v.layout == "osbundle";
        let reached = [
            osbundle_fuzz::gzip::inflate(&bytes).is_some(),
            v.complete,
            osbundle,
            osbundle && v.complete && named("SHA256SUMS") && named("CHECKSUM"),
            sink.entries > 0,
            v.findings
                .iter()
                .all(|f| f.severity != osbundle::Severity::Error),
        ];
        for (count, hit) in counts.iter_mut().zip(reached) {
            *count += usize::from(hit);
        }
    }
    let n = files.len().max(1);
    let share = |k: usize| format!("{k} ({:.1} %)", 100.0 * k as f64 / n as f64);
    println!(
        "{target}: {} inputs; whole gzip {}; complete tar {}; osbundle layout {}; manifest and ledger compared {}; extract sink reached {}; no error {}",
        files.len(),
        share(counts[0]),
        share(counts[1]),
        share(counts[2]),
        share(counts[3]),
        share(counts[4]),
        share(counts[5])
    );
    Ok(())
}
