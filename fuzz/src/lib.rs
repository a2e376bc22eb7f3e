//! Structure-aware inputs for the osbundle fuzz targets.
//!
//! A [`Spec`] is derived with `arbitrary` from the fuzzer's bytes: a list of tar
//! entries (name class, type flag, mode, number encoding, extension headers, data),
//! the tar dialect, how the archive ends, the gzip container (header fields, member
//! splits) and, optionally, an osbundle layout around the entries. [`Spec::render`]
//! turns it into bytes with correct tar header checksums and valid gzip framing, so
//! that mutations reach the code behind the checksums instead of dying at them.
//!
//! The layout is completed with the library's own writers (`metadata.json`,
//! `SHA256SUMS` lines, the `CHECKSUM` ledger, the build's gzip writer), so a spec
//! without a [`layout::Defect`] is a valid bundle, and a spec with one is a bundle
//! valid but for that one defect.
//!
//! Shared by the fuzz targets (`fuzz_targets/`), the corpus seeder
//! (`examples/seed.rs`) and the name differential (`scripts/fuzz-names.py`).

#![forbid(unsafe_code)]

pub mod gzip;
pub mod layout;
pub mod names;
pub mod oracle;
pub mod repair;
pub mod tar;

use arbitrary::Arbitrary;

pub use layout::{Defect, LayoutSpec};
pub use tar::{Dialect, Ending, EntrySpec, Expected};

/// The most entries a spec renders (more are ignored).
pub const MAX_ENTRIES: usize = 24;
/// The most data bytes of one entry.
pub const MAX_DATA: usize = 8 * 1024;

/// A whole input: entries, tar dialect and ending, container, and layout.
#[derive(Debug, Clone, Arbitrary)]
pub struct Spec {
    /// The entries, in archive order (for a layout: the custom files).
    pub entries: Vec<EntrySpec>,
    /// ustar, GNU or v7 headers.
    pub dialect: Dialect,
    /// How the archive ends.
    pub ending: Ending,
    /// How the tar stream is wrapped.
    pub container: gzip::Container,
    /// Complete the entries into an osbundle layout.
    pub layout: Option<LayoutSpec>,
}

/// A rendered input: the bundle bytes and what a tar reader should see in them.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file bytes (gzip, or raw tar for [`gzip::Container::RawTar`]).
    pub bytes: Vec<u8>,
    /// The uncompressed tar stream.
    pub tar: Vec<u8>,
    /// The entries as GNU tar reads them, in order.
    pub expected: Vec<Expected>,
    /// Whether every construct used has one reading that GNU tar, Python's
    /// `tarfile` and osbundle agree on (no global headers, no NUL in names, ...),
    /// so `expected` can be compared with what a reader listed.
    pub plain: bool,
    /// Whether the result should verify without any finding (a layout with no
    /// defect, every entry safe, canonical container).
    pub valid: bool,
    /// The SHA-256 of `bytes`, for a sidecar `.sha256`.
    pub sha256: [u8; 32],
}

impl Rendered {
    /// Bytes from elsewhere (a seed, a mutation): nothing is known about them.
    pub fn from_bytes(bytes: &[u8]) -> Rendered {
        Rendered {
            bytes: bytes.to_vec(),
            tar: Vec::new(),
            expected: Vec::new(),
            plain: false,
            valid: false,
            sha256: sha256(bytes),
        }
    }
}

impl Spec {
    /// Renders the spec into bytes.
    pub fn render(&self) -> Rendered {
        let entries: Vec<EntrySpec> = self.entries.iter().take(MAX_ENTRIES).cloned().collect();
        let (tar, expected, plain, valid) = match &self.layout {
            Some(layout) => layout.render(&entries, self.dialect, self.ending),
            None => {
                let archive = tar::render(&entries, self.dialect, self.ending);
                (archive.bytes, archive.expected, archive.plain, false)
            }
        };
        let canonical = self.layout.is_some() && self.container == gzip::Container::Canonical;
        let bytes = self.container.wrap(&tar);
        let sha256 = sha256(&bytes);
        Rendered {
            bytes,
            tar,
            expected,
            plain,
            valid: valid && canonical,
            sha256,
        }
    }
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// A deterministic byte source for seeds: xorshift64* from `seed`.
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A valid bundle (the hand-made [`layout::example`]).
pub fn valid_bundle() -> Vec<u8> {
    layout::example(Dialect::Ustar, None).render().bytes
}

/// The spec that `seed` gives (for seeds, tests and the name differential).
pub fn spec_from_seed(seed: u64, len: usize) -> Option<Spec> {
    spec_from_bytes(&seed_bytes(seed, len))
}

/// The spec a `bundle_gen` input describes, decoded as libFuzzer hands it to the
/// target (`None`: the target returns at once).
pub fn spec_from_bytes(bytes: &[u8]) -> Option<Spec> {
    Spec::arbitrary_take_rest(arbitrary::Unstructured::new(bytes)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracles hold on a few hundred generated bundles (a smoke test of the
    /// generator and the oracles against today's reader, extract and inspect: an
    /// oracle that no longer states what the library does fails here, not only in
    /// a campaign).
    #[test]
    fn generated_bundles_meet_the_oracles() {
        let mut valid = 0;
        let mut layouts = 0;
        for seed in 0..1000u64 {
            let Some(spec) = spec_from_seed(seed, 600 + (seed as usize % 7) * 300) else {
                continue;
            };
            let result = std::panic::catch_unwind(|| oracle::check_spec(&spec));
            let Ok(r) = result else {
                panic!("seed {seed}: {spec:#?}");
            };
            layouts += usize::from(spec.layout.is_some());
            valid += usize::from(r.valid);
        }
        eprintln!("{layouts} layouts, {valid} valid");
    }

    /// Archives with no file in them (an empty tar, a gzip of nothing, folders
    /// only, zero bytes) meet the oracles: each is an error, never a clean verdict.
    #[test]
    fn empty_archives_meet_the_oracles() {
        use std::io::Write;
        let gz = |tar: &[u8]| {
            let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            w.write_all(tar).unwrap();
            w.finish().unwrap()
        };
        let mut folder = vec![0u8; 512];
        folder[..2].copy_from_slice(b"d/");
        folder[100..107].copy_from_slice(b"0000755");
        folder[124..135].copy_from_slice(b"00000000000");
        folder[136..147].copy_from_slice(b"00000000000");
        folder[156] = b'5';
        folder[257..263].copy_from_slice(b"ustar\0");
        folder[263..265].copy_from_slice(b"00");
        folder[148..156].fill(b' ');
        let sum: u32 = folder.iter().map(|&b| u32::from(b)).sum();
        folder[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        folder.extend_from_slice(&[0; 1024]);
        for bytes in [
            gz(&[0; 10240]),
            gz(b""),
            gz(&folder),
            Vec::new(),
            vec![0; 4096],
        ] {
            let r = Rendered::from_bytes(&bytes);
            let verified = oracle::check_verify(&r, false);
            assert!(
                verified
                    .findings
                    .iter()
                    .any(|f| f.severity == osbundle::Severity::Error),
                "{:?}",
                verified.findings
            );
        }
    }

    /// The names osbundle's tar reader lists: `(names, read to the end)`.
    fn our_names(tar: &[u8]) -> (Vec<Vec<u8>>, bool) {
        let mut reader = osbundle_archive::tar::TarReader::new(tar);
        let mut names = Vec::new();
        loop {
            match reader.next_header() {
                Ok(Some(h)) => {
                    names.push(h.name.clone());
                    if reader.read_data(|_| {}).is_err() {
                        return (names, false);
                    }
                }
                Ok(None) => return (names, true),
                Err(_) => return (names, false),
            }
        }
    }

    /// Python's `tarfile` lists every file named on stdin: a line per file, `ok`
    /// and the names (each `x` and its hex), or `refused`.
    const PYTHON_NAMES: &str = r#"
import sys, tarfile
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        with tarfile.open(path, "r:", encoding="utf-8", errors="surrogateescape") as tf:
            names = [m.name.encode("utf-8", "surrogateescape") for m in tf.getmembers()]
        print("ok " + ",".join("x" + n.hex() for n in names))
    except Exception:
        print("refused")
"#;

    /// A folder's trailing slash is listed by some readers and not others.
    fn canon(name: &[u8]) -> &[u8] {
        let mut n = name;
        while let [rest @ .., b'/'] = n {
            n = rest;
        }
        n
    }

    /// The differential of issue 15: on generated tar files of every name class
    /// and dialect, osbundle's reader lists the names Python's `tarfile` lists.
    /// Where both read to the end, the lists are equal; where osbundle stops at a
    /// fault (the refusal is a finding), every name it listed before is Python's
    /// name at that place: it never reads a name differently. Needs `python3`.
    #[test]
    fn names_agree_with_python_tarfile() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for seed in 0..1200u64 {
            let Some(mut spec) = spec_from_seed(seed + 1_000_000, 200 + (seed as usize % 16) * 128)
            else {
                continue;
            };
            spec.layout = None;
            let r = spec.render();
            if r.expected.is_empty() {
                continue;
            }
            let path = dir.path().join(format!("g{seed:05}.tar"));
            std::fs::write(&path, &r.tar).unwrap();
            files.push((path, our_names(&r.tar)));
        }
        assert!(
            files.len() >= 300,
            "only {} generated tar files",
            files.len()
        );
        let list: String = files
            .iter()
            .map(|(p, _)| format!("{}\n", p.display()))
            .collect();
        let mut child = std::process::Command::new("python3")
            .args(["-c", PYTHON_NAMES])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs (the differential needs it)");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), list.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
        assert_eq!(lines.len(), files.len());
        let (mut equal, mut stopped) = (0, 0);
        for ((path, (ours, complete)), line) in files.iter().zip(lines) {
            let Some(listed) = line.strip_prefix("ok ") else {
                continue;
            };
            let python: Vec<Vec<u8>> = listed
                .split(',')
                .filter(|h| !h.is_empty())
                .map(|h| {
                    let h = h.strip_prefix('x').unwrap();
                    (0..h.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                        .collect()
                })
                .collect();
            let ours: Vec<&[u8]> = ours.iter().map(|n| canon(n)).collect();
            let python: Vec<&[u8]> = python.iter().map(|n| canon(n)).collect();
            if *complete {
                assert_eq!(ours, python, "{}", path.display());
                equal += 1;
            } else {
                assert!(
                    python.starts_with(&ours),
                    "{}: osbundle {ours:?}, python {python:?}",
                    path.display()
                );
                stopped += 1;
            }
        }
        eprintln!(
            "{} files: {equal} read alike, {stopped} where osbundle stopped at a fault",
            files.len()
        );
        assert!(equal >= files.len() / 2);
    }
}
