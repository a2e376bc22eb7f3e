//! Java reads what `build` writes: bundles built at `--level` 0, 1, 6 and 9 read by
//! `java.util.zip.GZIPInputStream` and by Apache Commons Compress's
//! `GzipCompressorInputStream`, each under `TarArchiveInputStream`, with default
//! settings as an importer (LXCA is Java) uses them. Every entry's SHA-256 as Java
//! read it must be the one `SHA256SUMS` lists, and Java must reach `CHECKSUM`, the
//! last entry: a reader that stopped early (after a first gzip member, say) fails.
//! The reader is tests/fixtures/java/ReadBundle.java, run by the JDK's source
//! launcher (one JVM for all bundles).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use tempfile::TempDir;

use super::bundle::{make_profile, osb, NAME};

const COMMONS_COMPRESS: &str = "/usr/share/java/commons-compress.jar";

/// Whether `java` and Commons Compress are installed; when they are not, the test is
/// skipped with a message, or fails under CI=true, saying what to install.
fn java_ready() -> bool {
    let java = Process::new("java").arg("-version").output();
    let have_java = java.is_ok_and(|o| o.status.success());
    let have_jar = Path::new(COMMONS_COMPRESS).is_file();
    if have_java && have_jar {
        return true;
    }
    let missing = "java (Debian: default-jdk-headless, JDK 11+) and /usr/share/java/commons-compress.jar (libcommons-compress-java); .ci/install-peers installs both";
    assert!(
        std::env::var_os("CI").is_none_or(|v| v != "true"),
        "the Java readers are missing: install {missing}"
    );
    eprintln!("skipped: install {missing}");
    false
}

/// What Java read of one bundle with one reader.
#[derive(Debug, Default)]
struct Read {
    entries: Vec<(String, String)>,
    sums: Vec<String>,
    ended: Option<(usize, u64)>,
}

fn parse(stdout: &str) -> BTreeMap<(String, String), Read> {
    let mut out: BTreeMap<(String, String), Read> = BTreeMap::new();
    let mut key = None;
    for line in stdout.lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        if tag == "reader" {
            let (reader, bundle) = rest.split_once(' ').expect("reader NAME BUNDLE");
            let k = (bundle.to_string(), reader.to_string());
            out.entry(k.clone()).or_default();
            key = Some(k);
            continue;
        }
        let read = out
            .get_mut(key.as_ref().expect("a reader line first"))
            .expect("known reader");
        match tag {
            "entry" => {
                let mut parts = rest.splitn(3, ' ');
                let hex = parts.next().unwrap_or_default().to_string();
                let _size = parts.next();
                let name = parts.next().unwrap_or_default().to_string();
                read.entries.push((name, hex));
            }
            "sums" if !rest.is_empty() => read.sums.push(rest.to_string()),
            "sums" => {}
            "end" => {
                let (n, bytes) = rest.split_once(' ').expect("end N BYTES");
                read.ended = Some((n.parse().unwrap(), bytes.parse().unwrap()));
            }
            other => panic!("unexpected line from ReadBundle.java: {other} {rest}"),
        }
    }
    out
}

fn build_at(profile: &Path, out: &Path, level: &str) -> PathBuf {
    fs::create_dir_all(out).unwrap();
    osb()
        .args(["build", "-q", "--jobs", "2", "--level", level, "-o"])
        .arg(out)
        .arg(profile)
        .assert()
        .success();
    out.join(NAME)
}

#[test]
fn java_gzip_and_commons_compress_read_every_entry_of_bundles_at_levels_0_1_6_9() {
    if !java_ready() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    // Several 128 KiB deflate blocks, and an incompressible payload so that levels
    // 1 to 9 mix deflated and stored blocks.
    let profile = make_profile(tmp.path(), 24, 700_000);
    let mut noise = vec![0u8; 400_000];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    // A real driver zip (stored, so its bytes stay incompressible) holding the noise.
    fs::write(
        profile.join("drivers/firmware.zip"),
        crate::util::stored_zip(&noise),
    )
    .unwrap();
    let levels = ["0", "1", "6", "9"];
    let bundles: Vec<PathBuf> = levels
        .iter()
        .map(|level| build_at(&profile, &tmp.path().join(format!("level-{level}")), level))
        .collect();

    let source = super::util::root().join("tests/fixtures/java/ReadBundle.java");
    let out = Process::new("java")
        .args(["-cp", COMMONS_COMPRESS])
        .arg(&source)
        .args(&bundles)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ReadBundle.java failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reads = parse(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(reads.len(), bundles.len() * 2, "two readers per bundle");

    for ((bundle, reader), read) in &reads {
        let case = format!("{reader} on {bundle}");
        let (count, _) = read.ended.unwrap_or_else(|| panic!("{case}: no end line"));
        assert_eq!(count, read.entries.len(), "{case}");
        let names: Vec<&str> = read.entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"metadata.json"), "{case}");
        assert_eq!(
            names.last(),
            Some(&"CHECKSUM"),
            "{case}: Java stopped before the last entry"
        );
        for payload in [
            "drivers/nic.zip",
            "drivers/firmware.zip",
            "scripts/post.ps1",
        ] {
            assert!(names.contains(&payload), "{case}: {payload} not read");
        }
        let listed: Vec<(String, String)> = read
            .sums
            .iter()
            .map(|line| {
                let (hex, name) = line
                    .split_once("  ")
                    .unwrap_or_else(|| panic!("{case}: SHA256SUMS line {line:?}"));
                (name.to_string(), hex.to_string())
            })
            .collect();
        let read_by_java: Vec<(String, String)> = read
            .entries
            .iter()
            .filter(|(n, _)| n != "SHA256SUMS" && n != "CHECKSUM")
            .cloned()
            .collect();
        assert!(!listed.is_empty(), "{case}: SHA256SUMS empty or not read");
        assert_eq!(
            read_by_java, listed,
            "{case}: the SHA-256 of each entry as Java read it is the one SHA256SUMS lists"
        );
    }
    // The same content at every level: Java read the same entries from each.
    for reader in ["java.util.zip.GZIPInputStream", "GzipCompressorInputStream"] {
        let per_level: Vec<&Vec<(String, String)>> = bundles
            .iter()
            .map(|b| &reads[&(b.display().to_string(), reader.to_string())].entries)
            .collect();
        assert!(per_level.windows(2).all(|w| w[0] == w[1]), "{reader}");
    }
}
