//! `osbundle delete-plan`: check an LXCA or IMS delete request offline.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{ArgGroup, Args};
use serde::Serialize;

use super::{with_stdout, GlobalArgs, Outcome};
use osbundle::{
    plan_ims_delete, plan_lxca_delete, write_report, Finding, Format, ImsPlan, Inventory, LxcaPlan,
    Report, ResponseStatus as Status, Result, Summary, Via, IMS_STATUS, LXCA_STATUS,
};

/// Arguments of `delete-plan`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("server").required(true).args(["inventory", "ims"])))]
#[command(after_long_help = concat!(
    "Examples:\n  ",
    "osbundle delete-plan --inventory osimages.json 'win2016|'\n  ",
    "osbundle delete-plan --inventory osimages.json 'sles12|sles12-x86_64-install-Basic,2018012943447_jre.tar.gz'\n  ",
    "osbundle delete-plan --ims 4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90 --delete-backup --format json\n\n",
    "The ID list is split at every comma, as the endpoint does; IDs are taken as written (no \
trimming: spaces are a finding). Each ID is percent-encoded on its own (| is %7C), the commas \
stay literal. An ID that holds a comma cannot be sent through this endpoint.\n\n",
    "LXCA DELETE /osImages/{images_list} answers:\n  ",
    "204 No Content            deleted; no body\n  ",
    "401 Unauthorized          authentication missing or failed\n  ",
    "403 Forbidden             no privilege (or no license for advanced functions)\n  ",
    "412 Precondition Failed   invalid data, missing values (e.g. an unknown ID)\n  ",
    "500 Internal Server Error an internal error; the body has a message\n\n",
    "IMS DELETE /v2/images/{image_id} answers:\n  ",
    "204 No Content            the image was deleted; no body\n  ",
    "400 Bad Request           the request is wrong (malformed ID or body)\n  ",
    "401 Unauthorized          authentication failed\n  ",
    "403 Forbidden             no permission for the operation\n  ",
    "404 Not Found             no image with this ID\n  ",
    "500 Internal Server Error an internal error of the service\n  ",
    "503 Service Unavailable   the service is unavailable; retry later\n\n",
    "Read a saved reply with `osbundle reply FILE`.",
))]
pub struct DeletePlanArgs {
    /// A saved GET /osImages response of the LXCA server (`-` is stdin).
    #[arg(
        long,
        value_name = "OSIMAGES.json",
        conflicts_with = "ims",
        requires = "ids"
    )]
    pub inventory: Option<PathBuf>,
    /// LXCA: OS image, profile and file IDs, comma-separated, as GET /osImages lists them.
    #[arg(
        value_name = "ID[,ID...]",
        requires = "inventory",
        allow_hyphen_values = true
    )]
    pub ids: Option<String>,
    /// IMS (OpenStack Glance): the UUID of the image to delete.
    #[arg(long, value_name = "IMAGE_ID", allow_hyphen_values = true)]
    pub ims: Option<String>,
    /// IMS: also delete the cloud-server or cloud backups of a full-server image.
    #[arg(long, requires = "ims")]
    pub delete_backup: bool,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

#[derive(Serialize)]
struct Doc<'a, P: Serialize> {
    version: u32,
    server: &'static str,
    request: &'a P,
    responses: &'a [Status],
    findings: &'a [Finding],
    summary: Summary,
}

/// Runs `delete-plan`.
pub fn run(global: &GlobalArgs, args: DeletePlanArgs) -> Result<Outcome> {
    match (&args.inventory, &args.ims) {
        (Some(path), _) => {
            let inventory = Inventory::load(path)?;
            let list = args.ids.as_deref().unwrap_or_default();
            let plan = plan_lxca_delete(list, &inventory, &path.display().to_string());
            let report = Report {
                findings: plan.findings.clone(),
                checked: plan.ids.len(),
            };
            output(global, &report, "lxca", &plan, &LXCA_STATUS, |out| {
                write_lxca(&plan, out)
            })
        }
        (None, Some(id)) => {
            let plan = plan_ims_delete(id, args.delete_backup);
            let report = Report {
                findings: plan.findings.clone(),
                checked: 1,
            };
            output(global, &report, "ims", &plan, &IMS_STATUS, |out| {
                write_ims(&plan, out)
            })
        }
        (None, None) => Err(osbundle::Error::Usage(
            "give --inventory OSIMAGES.json ID[,ID...] (LXCA) or --ims IMAGE_ID".into(),
        )),
    }
}

fn output<P: Serialize>(
    global: &GlobalArgs,
    report: &Report,
    server: &'static str,
    plan: &P,
    responses: &[Status],
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Outcome> {
    let mut report = report.clone();
    global.project.apply_severity(&mut report);
    let report = &report;
    let options = global.write_options("ID");
    with_stdout(|out| match global.format() {
        Format::Json => {
            let doc = Doc {
                version: 1,
                server,
                request: plan,
                responses,
                findings: &report.findings,
                summary: report.summary(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Text => {
            text(out)?;
            write_report(report, options, out)
        }
        Format::Sarif | Format::Github => write_report(report, options, out),
    })?;
    Ok(Outcome::of(report, global.strict))
}

fn write_lxca(plan: &LxcaPlan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "request: {} {}", plan.method, plan.path)?;
    let r = &plan.removes;
    if r.images.is_empty() && r.profiles.is_empty() && r.files.is_empty() {
        writeln!(out, "removes: nothing")?;
    } else {
        writeln!(out, "removes:")?;
        for image in &r.images {
            writeln!(out, "  image    {image}")?;
            for p in r.profiles.iter().filter(|p| &p.image == image) {
                writeln!(out, "    profile  {} (with its image)", p.id)?;
            }
        }
        for p in r.profiles.iter().filter(|p| p.via == Via::Requested) {
            writeln!(out, "  profile  {}", p.id)?;
        }
        for f in &r.files {
            writeln!(out, "  file     {} ({})", f.id, f.kind)?;
        }
    }
    if !plan.unreferenced_files.is_empty() {
        writeln!(
            out,
            "left unused (custom files only the removed profiles reference):"
        )?;
        for f in &plan.unreferenced_files {
            writeln!(out, "  file     {f}")?;
        }
    }
    Ok(())
}

fn write_ims(plan: &ImsPlan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "request: {} {}", plan.method, plan.path)?;
    writeln!(out, "Content-Type: application/json")?;
    writeln!(out)?;
    serde_json::to_writer_pretty(&mut *out, &plan.body)?;
    writeln!(out)?;
    writeln!(out)
}
