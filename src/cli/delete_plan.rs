//! `osbundle delete-plan`: check an LXCA or IMS delete request offline.

use std::path::PathBuf;

use clap::{ArgGroup, Args};

use super::{emit_document, Outcome, RunSettings};
use osbundle::api::delete::ims;
use osbundle::api::delete::lxca;
use osbundle::api::delete::Inventory;
use osbundle::report::Report;
use osbundle::Result;

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

/// Runs `delete-plan`.
pub fn run(global: &RunSettings, args: DeletePlanArgs) -> Result<Outcome> {
    match (&args.inventory, &args.ims) {
        (Some(path), _) => {
            let inventory = Inventory::load(path)?;
            let list = args.ids.as_deref().unwrap_or_default();
            let plan = lxca::plan(list, &inventory, &osbundle::names::from_path(path));
            let report = Report {
                findings: plan.findings.clone(),
                checked: plan.ids.len(),
                subjects: Vec::new(),
            };
            emit_document(global, &report, &plan, "ID")
        }
        (None, Some(id)) => {
            let plan = ims::plan(id, args.delete_backup);
            let report = Report {
                findings: plan.findings.clone(),
                checked: 1,
                subjects: Vec::new(),
            };
            emit_document(global, &report, &plan, "ID")
        }
        (None, None) => Err(osbundle::Error::Usage(
            "give --inventory OSIMAGES.json ID[,ID...] (LXCA) or --ims IMAGE_ID".into(),
        )),
    }
}

impl super::Run for DeletePlanArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default().report(&self.report)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
