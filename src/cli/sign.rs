//! `osbundle sign BUNDLE --key SECRET_KEY` and `osbundle keygen`.

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{emit_document, Outcome, RunSettings};
use osbundle::report::Report;
use osbundle::sign::{self, read_password, sign_bundles, Password};
use osbundle::{Error, Result};

/// Arguments of `sign`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle keygen\n  \
osbundle sign --key osbundle.key dist/2016121921921_Custom-2016-datacenter-profile.tar.gz\n  \
OSBUNDLE_KEY_PASSWORD=... osbundle sign --key ci.key --password-env OSBUNDLE_KEY_PASSWORD dist/*.tar.gz\n  \
minisign -Vm dist/<bundle>.tar.gz -p osbundle.pub")]
pub struct SignArgs {
    /// Bundles to sign; each gets `<bundle>.minisig` beside it.
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
    /// The minisign secret key (from `osbundle keygen` or `minisign -G`).
    #[arg(long, value_name = "SECRET_KEY")]
    pub key: PathBuf,
    /// Read the key's password from this environment variable instead of the terminal.
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,
    /// Limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Arguments of `keygen`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle keygen                                   osbundle.pub and osbundle.key, password asked\n  \
osbundle keygen --unencrypted -s ci.key -p ci.pub for unattended signing in CI")]
pub struct KeygenArgs {
    /// Where the public key goes (mode 0644).
    #[arg(long, short = 'p', value_name = "FILE", default_value = "osbundle.pub")]
    pub public_key: PathBuf,
    /// Where the secret key goes (mode 0600).
    #[arg(long, short = 's', value_name = "FILE", default_value = "osbundle.key")]
    pub secret_key: PathBuf,
    /// Read the password from this environment variable instead of the terminal.
    #[arg(long, value_name = "NAME", conflicts_with = "unencrypted")]
    pub password_env: Option<String>,
    /// Leave the secret key without a password (for CI secrets stores).
    #[arg(long)]
    pub unencrypted: bool,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

fn password_source(env: &Option<String>) -> Password {
    match env {
        Some(name) => Password::Env(name.clone()),
        None => Password::Prompt,
    }
}

/// Runs `keygen`.
pub fn run_keygen(global: &RunSettings, args: KeygenArgs) -> Result<Outcome> {
    // Before asking for a password: keygen keeps existing keys unless --force.
    for path in [&args.public_key, &args.secret_key] {
        if !args.force && std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists (use --force to replace it)",
                ),
            ));
        }
    }
    let password = if args.unencrypted {
        None
    } else {
        let source = password_source(&args.password_env);
        let first = read_password(&source, "Password for the new secret key: ")?;
        if source == Password::Prompt {
            let again = read_password(&source, "Password (again): ")?;
            if again != first {
                return Err(Error::Usage("the passwords differ".into()));
            }
        }
        Some(first)
    };
    let pair = sign::keygen(&args.public_key, &args.secret_key, password, args.force)?;
    emit_document(global, &Report::default(), &pair, "key")
}

/// Runs `sign`: verify each bundle, then sign those without errors.
pub fn run_sign(global: &RunSettings, args: SignArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    for path in &args.bundles {
        std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    }
    let (sk, id) = sign::load_secret_key(&args.key, &password_source(&args.password_env))?;
    let epoch = super::build::epoch()?;
    let mut signing = sign_bundles(&args.bundles, &sk, &id, &settings, epoch)?;
    report.merge(std::mem::take(&mut signing.report));
    emit_document(global, &report, &signing, "bundle")
}

impl super::Run for SignArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default()
            .report(&self.report)
            .rules(&self.rules_file)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run_sign(global, self)
    }
}

impl super::Run for KeygenArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default().report(&self.report)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run_keygen(global, self)
    }
}
