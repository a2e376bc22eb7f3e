//! `build`: a profile directory to a reproducible bundle.
//!
//! The walk is sorted (entry names `<kind folder>/<file name>` in byte order); every header has mode 0644, owner 0:0, no owner names and the mtime
//! `SOURCE_DATE_EPOCH`; the gzip header is fixed and compression uses fixed blocks.
//! Each file is read once: hashed while it is written. The bundle is written to a
//! hidden temporary file beside its final name (`.osbundle-tmp-<pid>-build-*`, see
//! `crate::cleanup`) and renamed only when complete; an existing bundle of the same
//! name is replaced only with [`BuildSettings::overwrite`]. Messages name the final
//! path, never the temporary.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::format::{self, Ledger, CHECKSUM, FILE_MODE, MANIFEST, METADATA};
use super::gzip::ParGzWriter;
use super::metadata;
use super::tar::{file_header, pad, END};
use crate::error::{Error, Result};
use crate::findings::Finding;
use crate::profile::{self, ProfileFile};

/// Validated settings of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSettings {
    /// Where the bundle goes.
    pub out_dir: PathBuf,
    /// `SOURCE_DATE_EPOCH`, or the current time: header mtimes, IDs and file name.
    pub epoch: u64,
    /// gzip level, 0 (store) to 9.
    pub level: u32,
    /// Compression threads.
    pub threads: usize,
    /// Also write `<bundle>.sha256` for `sha256sum -c`.
    pub sha256_file: bool,
    /// Show a progress bar of the bytes written (when stderr is a terminal).
    pub progress: bool,
    /// Replace a bundle (and `.sha256`) of the same name; without it, one is refused.
    pub overwrite: bool,
    /// What the listing of the profile leaves out (as `check` lists it).
    pub excludes: crate::profile::Excludes,
}

/// A bundle that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The bundle's path.
    pub path: PathBuf,
    /// The `.sha256` file beside it, when written.
    pub sha256_path: Option<PathBuf>,
    /// SHA-256 of the bundle file, hex.
    pub sha256: String,
    /// Size of the bundle file.
    pub size: u64,
    /// Custom files in it.
    pub files: usize,
    /// Files beside the bundle it replaced (`.sha256`, `.minisig`, `.sig`) that
    /// this build did not write and removed, as they were of the old bundle.
    pub removed: Vec<PathBuf>,
}

/// The result of a build: the bundle, or the findings that stopped it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildOutcome {
    /// The bundle, when written.
    pub built: Option<Built>,
    /// Findings about the profile that stop a build (unsafe names, links).
    pub findings: Vec<Finding>,
}

struct Plan {
    files: Vec<(ProfileFile, u64)>,
    metadata: Vec<u8>,
    bundle_name: String,
}

/// Builds the bundle of the profile directory `dir`, shown as `display`. Profile
/// problems that would make an unsafe bundle are findings; I/O failures are errors.
pub fn build(dir: &Path, display: &str, settings: &BuildSettings) -> Result<BuildOutcome> {
    let plan = match plan(dir, display, settings) {
        Ok(plan) => plan,
        Err(findings) => {
            return Ok(BuildOutcome {
                built: None,
                findings,
            })
        }
    };
    let final_path = settings.out_dir.join(&plan.bundle_name);
    let sha256_final = settings.sha256_file.then(|| {
        settings
            .out_dir
            .join(format!("{}.sha256", plan.bundle_name))
    });
    let sidecar = |ext: &str| settings.out_dir.join(format!("{}.{ext}", plan.bundle_name));
    if !settings.overwrite {
        let sidecars = format::SIDECARS.map(sidecar);
        for path in std::iter::once(&final_path).chain(&sidecars) {
            if fs::symlink_metadata(path).is_ok() {
                return Err(Error::io(
                    path,
                    io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "already exists; pass --overwrite to replace it",
                    ),
                ));
            }
        }
    }
    // Temporary files are created 0600; a bundle is as readable as any download.
    // Messages name the final path: the temporary's name means nothing to a user.
    let tmp = temp_file(&settings.out_dir, "build", &final_path)?;
    let registered = crate::cleanup::register(tmp.path());
    let file = tmp
        .as_file()
        .try_clone()
        .map_err(|e| Error::io(&final_path, e))?;
    let (sha256, size) = write_bundle(&plan, settings, file).map_err(|e| match e {
        WriteError::Io(path, e) => Error::io(path.unwrap_or_else(|| final_path.clone()), e),
        WriteError::Changed(path) => Error::io(
            path,
            io::Error::other("the file changed while the bundle was built"),
        ),
    })?;
    // What lies beside the old bundle belongs to it: a signature of other bytes
    // would make `verify --key` say the new bundle is forged. Removed once the new
    // bundle is complete, before it takes the old one's place.
    let mut removed = Vec::new();
    for ext in format::SIDECARS {
        let path = sidecar(ext);
        if Some(&path) == sha256_final.as_ref() || fs::symlink_metadata(&path).is_err() {
            continue;
        }
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        removed.push(path);
    }
    let sha256_path = match sha256_final {
        Some(path) => {
            let mut side = temp_file(&settings.out_dir, "sha256", &path)?;
            let side_registered = crate::cleanup::register(side.path());
            side.write_all(format!("{sha256}  {}\n", plan.bundle_name).as_bytes())
                .and_then(|()| side.as_file().sync_all())
                .map_err(|e| Error::io(&path, e))?;
            persist(tmp, &final_path, settings.overwrite)?;
            persist(side, &path, settings.overwrite)?;
            drop(side_registered);
            Some(path)
        }
        None => {
            persist(tmp, &final_path, settings.overwrite)?;
            None
        }
    };
    drop(registered);
    Ok(BuildOutcome {
        built: Some(Built {
            path: final_path,
            sha256_path,
            sha256,
            size,
            files: plan.files.len(),
            removed,
        }),
        findings: Vec::new(),
    })
}

/// A temporary file in `dir` named for `crate::cleanup`, with the mode of a normal
/// download (0644 on Unix). Errors name `shown`, the final path.
fn temp_file(dir: &Path, purpose: &str, shown: &Path) -> Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(&crate::cleanup::prefix(purpose))
        .tempfile_in(dir)
        .map_err(|e| Error::io(shown, crate::cleanup::without_path(e)))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(shown, e))?;
    }
    Ok(tmp)
}

/// Renames a finished temporary to `path`; without `overwrite`, never replaces a
/// file that appeared there meanwhile.
fn persist(tmp: tempfile::NamedTempFile, path: &Path, overwrite: bool) -> Result<()> {
    let result = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    result.map(drop).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            Error::io(
                path,
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "already exists; pass --overwrite to replace it",
                ),
            )
        } else {
            Error::io(path, e.error)
        }
    })
}

/// The profile's plan ([`profile::plan`], the one `check` reports on), refused when
/// it holds what `--force` does not go past; else its files with the metadata
/// rendered and the bundle's file name.
fn plan(dir: &Path, display: &str, settings: &BuildSettings) -> Result<Plan, Vec<Finding>> {
    let epoch = settings.epoch;
    let planned = profile::plan(dir, display, &settings.excludes, &super::HOOKS);
    let refusals = planned.refusals();
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let info = planned.profile.info.clone().unwrap_or_default();
    let meta = metadata::from_profile(&info, &planned.fallback_name, epoch, &planned.files());
    // The preflight judged this name at the widest timestamp.
    let bundle_name = format::bundle_file_name(epoch, &meta.name);
    Ok(Plan {
        files: planned
            .members
            .into_iter()
            .map(|m| (m.file, m.size))
            .collect(),
        metadata: metadata::to_bytes(&meta),
        bundle_name,
    })
}

enum WriteError {
    Io(Option<PathBuf>, io::Error),
    Changed(PathBuf),
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(None, e)
    }
}

/// Counts and hashes what goes to the file.
struct HashingWriter<W> {
    inner: W,
    sha: Sha256,
    count: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes one entry from memory, returning its data digest.
fn put_memory(
    gz: &mut impl Write,
    ledger: Option<&mut Ledger>,
    name: &str,
    data: &[u8],
    epoch: u64,
) -> io::Result<[u8; 32]> {
    let header = file_header(name, data.len() as u64, FILE_MODE, epoch)?;
    let digest: [u8; 32] = Sha256::digest(data).into();
    gz.write_all(&header)?;
    gz.write_all(data)?;
    gz.write_all(&[0u8; 512][..pad(data.len() as u64) as usize])?;
    if let Some(ledger) = ledger {
        ledger.add(&header, &digest);
    }
    Ok(digest)
}

fn write_bundle(
    plan: &Plan,
    settings: &BuildSettings,
    file: File,
) -> Result<(String, u64), WriteError> {
    let out = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        sha: Sha256::new(),
        count: 0,
    };
    let mut gz = ParGzWriter::new(out, settings.level, settings.threads)?;
    let epoch = settings.epoch;
    let mut ledger = Ledger::default();
    let mut manifest = String::new();
    let digest = put_memory(&mut gz, Some(&mut ledger), METADATA, &plan.metadata, epoch)?;
    manifest.push_str(&format::manifest_line(&digest, METADATA));
    let mut buf = vec![0u8; 256 * 1024];
    let total: u64 = plan.files.iter().map(|(_, size)| *size).sum();
    let progress = crate::progress::Progress::bytes(total, "building", settings.progress);
    for (file, size) in &plan.files {
        let entry = format!("{}/{}", file.kind.folder(), file.name);
        let header = file_header(&entry, *size, FILE_MODE, epoch)?;
        gz.write_all(&header)?;
        let mut input =
            File::open(&file.path).map_err(|e| WriteError::Io(Some(file.path.clone()), e))?;
        let mut sha = Sha256::new();
        let mut left = *size;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = input
                .read(&mut buf[..want])
                .map_err(|e| WriteError::Io(Some(file.path.clone()), e))?;
            if n == 0 {
                return Err(WriteError::Changed(file.path.clone()));
            }
            sha.update(&buf[..n]);
            gz.write_all(&buf[..n])?;
            progress.inc(n as u64);
            left -= n as u64;
        }
        let mut probe = [0u8; 1];
        if input
            .read(&mut probe)
            .map_err(|e| WriteError::Io(Some(file.path.clone()), e))?
            != 0
        {
            return Err(WriteError::Changed(file.path.clone()));
        }
        gz.write_all(&[0u8; 512][..pad(*size) as usize])?;
        let digest: [u8; 32] = sha.finalize().into();
        ledger.add(&header, &digest);
        manifest.push_str(&format::manifest_line(&digest, &entry));
    }
    put_memory(
        &mut gz,
        Some(&mut ledger),
        MANIFEST,
        manifest.as_bytes(),
        epoch,
    )?;
    let checksum = format::checksum_text(&ledger.digest());
    put_memory(&mut gz, None, CHECKSUM, checksum.as_bytes(), epoch)?;
    progress.finish();
    gz.write_all(&END)?;
    let mut out = gz.finish()?;
    out.flush()?;
    let file = out
        .inner
        .into_inner()
        .map_err(|e| WriteError::Io(None, e.into_error()))?;
    file.sync_all()?;
    Ok((super::hex(&out.sha.finalize()), out.count))
}
