//! The REST endpoints of the servers profiles are uploaded to, offline: requests
//! planned before they are sent ([`delete`]: LXCA `DELETE /osImages/{images_list}`,
//! IMS `DELETE /v2/images/{image_id}`) and the replies those endpoints send, read
//! back ([`reply`]). One room, because both speak the same endpoints' language
//! (IDs, statuses, error bodies); nothing here sends anything.

pub mod delete;
pub mod reply;
mod shown;
