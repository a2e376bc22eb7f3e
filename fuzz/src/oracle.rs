//! What must hold for any bundle, beyond "no panic": the checks the bundle targets
//! share. Each check panics (a fuzzer crash) when it fails.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use osbundle::bundle::{verify_reader, Limits, Verified, VerifySettings};
use osbundle::{Finding, Rule, Severity};
use osbundle_archive::stream::Sink;

use crate::{Rendered, Spec};

/// A scratch folder of this process, in `/dev/shm` when there is one (no disk
/// I/O), kept for the life of the process.
pub fn scratch() -> &'static Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        tempfile::Builder::new()
            .prefix("osbundle-fuzz-")
            .tempdir_in(base)
            .map(|d| d.keep())
            .unwrap_or_else(|_| std::env::temp_dir())
    })
}

/// Limits small enough for fuzzing, large enough for every generated bundle.
pub fn limits() -> Limits {
    Limits {
        max_entries: 64,
        max_entry_size: 1 << 20,
        max_total_size: 4 << 20,
        max_ratio: 200,
    }
}

/// Verify settings with the embedded rules, so the rules checks inside run too.
pub fn settings() -> VerifySettings {
    VerifySettings {
        rules: crate::layout::embedded().clone(),
        limits: limits(),
        ..VerifySettings::default()
    }
}

/// Why a name must never reach a sink: an independent, simpler statement of the
/// safety rules (absolute, `..`, `.`, empty components, NUL, backslash, control
/// characters). Names reach a sink as UTF-8, so a U+FFFD in one is a real
/// character, not a sign of bytes that were not UTF-8.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("empty");
    }
    if name.starts_with('/') {
        return Some("absolute");
    }
    if name.contains('\\') || name.contains('\0') || name.contains(':') {
        return Some("backslash, NUL or colon");
    }
    if name.chars().any(char::is_control) {
        return Some("control character");
    }
    if name
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Some("empty, `.` or `..` component");
    }
    None
}

/// A sink that checks what it is handed: safe names, one entry open at a time, no
/// duplicate (or case twin), data only inside an entry.
#[derive(Debug, Default)]
pub struct CheckingSink {
    open: Option<(String, u64)>,
    seen: HashSet<String>,
    dirs: HashSet<String>,
    /// Entries completed: name and data size.
    pub done: Vec<(String, u64)>,
}

impl Sink for CheckingSink {
    fn begin(&mut self, name: &str, _mode: u32) -> io::Result<()> {
        assert!(
            self.open.is_none(),
            "sink: {name:?} begins while {:?} is open",
            self.open
        );
        if let Some(why) = unsafe_name(name) {
            panic!("sink: unsafe name {name:?} ({why})");
        }
        let key = name.to_lowercase();
        assert!(
            !self.dirs.contains(&key),
            "sink: file {name:?} is also a folder"
        );
        assert!(
            self.seen.insert(key),
            "sink: {name:?} twice (or a case twin)"
        );
        self.open = Some((name.to_string(), 0));
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        match &mut self.open {
            Some((_, n)) => *n += chunk.len() as u64,
            None => panic!("sink: data outside an entry"),
        }
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        match self.open.take() {
            Some(entry) => self.done.push(entry),
            None => panic!("sink: end without begin"),
        }
        Ok(())
    }

    fn dir(&mut self, name: &str) -> io::Result<()> {
        assert!(
            self.open.is_none(),
            "sink: folder {name:?} while {:?} is open",
            self.open
        );
        if let Some(why) = unsafe_name(name) {
            panic!("sink: unsafe folder name {name:?} ({why})");
        }
        // A folder may come again (tar writers repeat them); never as a file's name.
        let key = name.to_lowercase();
        assert!(
            !self.seen.contains(&key),
            "sink: folder {name:?} is also a file"
        );
        self.dirs.insert(key);
        self.done.push((name.to_string(), 0));
        Ok(())
    }
}

/// A raw name as readers list it: UTF-8 as is, each byte of an invalid sequence as
/// `\xNN` (never U+FFFD, so two names never look the same).
pub fn shown(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// A name as a tolerant (foreign) layout lists it: without leading `./` and
/// without the trailing `/` of a folder.
fn tolerant(name: &str) -> String {
    let mut n = name;
    while let Some(rest) = n.strip_prefix("./") {
        n = rest;
    }
    n.strip_suffix('/').unwrap_or(n).to_string()
}

/// Whether a finding is about the container or the layout (a `bundle-*` rule).
pub fn is_bundle_rule(f: &Finding) -> bool {
    f.rule.as_str().starts_with("bundle-")
}

fn errors(v: &Verified) -> usize {
    v.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// Verifies `r` with and without a sink and with a sidecar digest, and checks:
/// - the same findings and entries with and without a sink; the sink saw exactly
///   the safe entries, with their sizes, when the stream was complete;
/// - a valid bundle has no `bundle-*` finding; a defective one has an error;
/// - an archive read whole that holds no file (empty, folders only) has an error;
/// - where the construction is agreed, the entries listed are the ones written;
/// - a right sidecar digest adds nothing, a wrong one is a checksum mismatch.
pub fn check_verify(r: &Rendered, defect: bool) -> Verified {
    let settings = settings();
    let (plain, _) = verify_reader(&r.bytes[..], "fuzz.tar.gz", &settings, None, None);
    let mut sink = CheckingSink::default();
    let (sunk, sink_error) = verify_reader(
        &r.bytes[..],
        "fuzz.tar.gz",
        &settings,
        Some(r.sha256),
        Some(&mut sink),
    );
    assert!(sink_error.is_none(), "the checking sink never fails");
    assert!(
        sink.open.is_none() || !sunk.complete,
        "an entry left open in a complete read"
    );
    assert_eq!(
        plain.findings, sunk.findings,
        "findings differ with a sink and a right sidecar digest"
    );
    assert_eq!(plain.entries, sunk.entries, "entries differ with a sink");
    assert_eq!(plain.complete, sunk.complete);
    if plain.complete && plain.entries.iter().all(|e| e.label == "folder") {
        assert!(
            errors(&plain) > 0,
            "an archive with no file in it verified: {:?}",
            plain.entries
        );
    }
    if plain.complete {
        let safe: Vec<(String, u64)> = plain
            .entries
            .iter()
            // The archive's own top folder (`./`, or a folder entry whose name is
            // empty once `./` is stripped) is listed but has nothing to create.
            .filter(|e| e.safe && !is_top_folder(e.label, &e.name))
            .map(|e| (e.name.clone(), e.size))
            .collect();
        assert_eq!(
            sink.done, safe,
            "the sink did not see exactly the safe entries"
        );
    }
    if r.valid {
        let bad: Vec<&Finding> = plain
            .findings
            .iter()
            .filter(|f| is_bundle_rule(f))
            .collect();
        assert!(bad.is_empty(), "a valid bundle has findings: {bad:#?}");
        assert_eq!(
            plain.layout, "osbundle",
            "a valid bundle read as another layout"
        );
        assert!(plain.complete);
    }
    // A bundle whose first entry is not metadata.json is read as a foreign archive
    // (the layout is told by the first entry): its defects are then no longer ours.
    if defect && r.plain && plain.layout == "osbundle" {
        assert!(
            errors(&plain) > 0,
            "a defective bundle verified without errors"
        );
    }
    if r.plain && plain.complete {
        let listed: Vec<(String, u64)> = plain
            .entries
            .iter()
            .map(|e| (tolerant(&e.name), e.size))
            .collect();
        let written: Vec<(String, u64)> = r
            .expected
            .iter()
            .map(|e| (tolerant(&shown(&e.name)), e.size))
            .collect();
        assert_eq!(
            listed, written,
            "entries listed differ from the entries written"
        );
    }
    if plain.complete {
        let mut wrong = r.sha256;
        wrong[0] ^= 1;
        let (v, _) = verify_reader(&r.bytes[..], "fuzz.tar.gz", &settings, Some(wrong), None);
        assert!(
            v.findings
                .iter()
                .any(|f| f.rule == Rule::BundleChecksumMismatch && f.path == "fuzz.tar.gz"),
            "a wrong sidecar digest went unnoticed"
        );
    }
    plain
}

/// Extracts `bytes` (saved as `bundle.tar.gz` in a fresh folder) with the library's
/// own extract, and checks the folder afterwards: a valid bundle gives exactly its
/// safe entries below the target (and, for an osbundle bundle, the rebuilt
/// `profile.json`); an invalid one leaves nothing; nothing is ever
/// written outside the folder.
pub fn check_extract(bytes: &[u8], scratch: &Path) {
    let Ok(dir) = tempfile::Builder::new().prefix("x").tempdir_in(scratch) else {
        return;
    };
    let bundle = dir.path().join("bundle.tar.gz");
    if std::fs::write(&bundle, bytes).is_err() {
        return;
    }
    let out = dir.path().join("out");
    if std::fs::create_dir(&out).is_err() {
        return;
    }
    let outside = |root: &Path| -> Vec<(String, bool)> {
        listing(root)
            .into_iter()
            .filter(|(p, _)| !p.contains("/out/") && !p.ends_with("/out"))
            .collect()
    };
    let before = outside(scratch);
    let result = osbundle::bundle::extract(&bundle, &out, &settings(), false);
    let mut found = listing(&out);
    found.sort();
    match result {
        Ok(extracted) => match extracted.target {
            Some(_) => {
                assert!(extracted.verified.complete);
                assert_eq!(
                    errors(&extracted.verified),
                    0,
                    "extracted a bundle with errors"
                );
                let mut want: Vec<String> = extracted
                    .verified
                    .entries
                    .iter()
                    .filter(|e| e.safe)
                    .map(|e| format!("bundle/{}", e.name))
                    .collect();
                // An osbundle bundle becomes a profile directory: extract adds the
                // profile.json it rebuilds from metadata.json (no entry of a bundle
                // that extracts may have that name).
                if extracted.verified.layout == "osbundle" && extracted.verified.metadata.is_some()
                {
                    let profile = format!("bundle/{}", osbundle::profile::PROFILE_FILE);
                    assert!(
                        !want.contains(&profile),
                        "an entry named {profile} was extracted"
                    );
                    want.push(profile);
                }
                want.sort();
                let files: Vec<String> = found
                    .iter()
                    .filter(|(_, dir)| !dir)
                    .map(|(p, _)| p.clone())
                    .collect();
                assert_eq!(files, want, "extracted files differ from the safe entries");
            }
            None => assert!(found.is_empty(), "an invalid bundle left {found:?} behind"),
        },
        Err(_) => assert!(found.is_empty(), "a failed extract left {found:?} behind"),
    }
    assert_eq!(
        outside(scratch),
        before,
        "extract wrote outside its target folder"
    );
    drop(dir);
}

/// `inspect` of `r` saved as a file lists the entries `verified` (the in-memory
/// verify of [`check_verify`]) read, with the same findings. It gets the file's own
/// digest, as `--expect-sha256` gives it: the digest is checked on the file, and
/// there is no `download-unverified` note, which the in-memory verify has no reason
/// to give.
pub fn check_inspect(r: &Rendered, verified: &Verified, scratch: &Path) {
    let file = scratch.join("inspect.tar.gz");
    if std::fs::write(&file, &r.bytes).is_err() {
        return;
    }
    let settings = VerifySettings {
        expect_sha256: Some(r.sha256),
        ..settings()
    };
    let Ok(listed) = osbundle::bundle::inspect(&file, &settings) else {
        return;
    };
    assert_eq!(
        listed.entries, verified.entries,
        "inspect lists other entries than verify read"
    );
    let shown = file.display().to_string();
    let want: Vec<Finding> = verified
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.path = f.path.replacen("fuzz.tar.gz", &shown, 1);
            f
        })
        .collect();
    assert_eq!(
        listed.findings, want,
        "inspect finds other things than verify"
    );
}

/// Every path below `root` (relative, with whether it is a folder), sorted.
pub fn listing(root: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if let Ok(rel) = path.strip_prefix(root) {
                out.push((rel.to_string_lossy().into_owned(), is_dir));
            }
            if is_dir {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether a listed entry is the archive's own top folder, which a reader lists and
/// never hands to the extraction sink.
fn is_top_folder(kind: &str, name: &str) -> bool {
    let mut rest = name;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    kind == "folder" && matches!(rest.trim_end_matches('/'), "" | ".")
}

/// The `bundle_gen` target's body: a spec rendered, then every oracle that applies
/// (verify; with a layout, extract and inspect too). `seed replay` and the
/// generator's tests run the same. Returns what was rendered.
pub fn check_spec(spec: &Spec) -> Rendered {
    let rendered = spec.render();
    let defect = spec.layout.as_ref().is_some_and(|l| l.defect.is_some());
    let verified = check_verify(&rendered, defect);
    if spec.layout.is_some() {
        check_extract(&rendered.bytes, scratch());
        check_inspect(&rendered, &verified, scratch());
    }
    rendered
}
