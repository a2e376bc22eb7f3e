//! Offline preflight of image deletions, for the two servers of the reference:
//!
//! - [`lxca`]: `DELETE /osImages/{images_list}` of Lenovo XClarity Administrator
//!   (reference 000), checked against a saved `GET /osImages` response
//!   (`inventory`): unknown, empty, padded and duplicate IDs, an image listed with one
//!   of its own profiles, predefined files, and the real cascade (an image takes all
//!   of its profiles; custom files still referenced by a kept profile are warned
//!   about). The request path is percent-encoded by `ids`.
//! - [`ims`]: `DELETE /v2/images/{image_id}` of Huawei Cloud IMS (OpenStack Glance
//!   native, reference 004): the image ID must be a canonical UUID.
//!
//! Findings about the ID list have the path `REQUEST`, line 1 and the column of the
//! ID in the list as given; findings about the inventory have the inventory's path
//! with pointer, line and column. Nothing here sends anything.

pub(crate) mod ids;
pub mod ims;
pub(crate) mod inventory;
pub mod lxca;

pub use inventory::Inventory;

/// The finding path of problems in the request itself (the ID list, the image ID).
pub(crate) const REQUEST: &str = "<request>";

/// A documented response status of a delete endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The HTTP status code.
    pub code: u16,
    /// Its reason phrase.
    pub reason: &'static str,
    /// What it means for this endpoint.
    pub meaning: &'static str,
}

/// The documented responses of LXCA's `DELETE /osImages/{images_list}` (reference 000).
pub const LXCA_STATUS: [Status; 5] = [
    Status {
        code: 204,
        reason: "No Content",
        meaning: "deleted; the response has no body",
    },
    Status {
        code: 401,
        reason: "Unauthorized",
        meaning: "authentication missing or failed; the body has an error message",
    },
    Status {
        code: 403,
        reason: "Forbidden",
        meaning: "no privilege to delete (or no license for advanced functions)",
    },
    Status {
        code: 412,
        reason: "Precondition Failed",
        meaning: "the data is invalid because of missing values (e.g. an unknown ID)",
    },
    Status {
        code: 500,
        reason: "Internal Server Error",
        meaning: "an internal error; the body has an error message",
    },
];

/// The documented responses of IMS's `DELETE /v2/images/{image_id}` (reference 004).
pub const IMS_STATUS: [Status; 7] = [
    Status {
        code: 204,
        reason: "No Content",
        meaning: "the image was deleted; no body",
    },
    Status {
        code: 400,
        reason: "Bad Request",
        meaning: "the request is wrong (malformed ID or body)",
    },
    Status {
        code: 401,
        reason: "Unauthorized",
        meaning: "authentication failed (token missing or expired)",
    },
    Status {
        code: 403,
        reason: "Forbidden",
        meaning: "no permission for the operation (e.g. not your private image)",
    },
    Status {
        code: 404,
        reason: "Not Found",
        meaning: "no image with this ID",
    },
    Status {
        code: 500,
        reason: "Internal Server Error",
        meaning: "an internal error of the service",
    },
    Status {
        code: 503,
        reason: "Service Unavailable",
        meaning: "the service is unavailable; retry later",
    },
];
