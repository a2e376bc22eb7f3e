//! The IMS planner: `DELETE /v2/images/{image_id}` with body `{"delete_backup": bool}`
//! (Huawei Cloud IMS, OpenStack Glance native API; reference 004).
//!
//! The image ID must be a UUID in its canonical form: 36 characters, lowercase hex in
//! groups of 8-4-4-4-12 separated by hyphens, as IMS and Glance list image IDs (the
//! reference's example is `4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90`). The `uuid` crate
//! also parses the simple (32 digits), braced and `urn:uuid:` forms and uppercase
//! digits; those are UUIDs but not the ID as IMS stores it, so they are findings too,
//! with the canonical form suggested. The path is built from the ID as given
//! (percent-encoded), so that what is shown is what would be sent.

use serde::Serialize;
use uuid::Uuid;

use super::ids::encode_id;
use super::REQUEST;
use crate::findings::{Finding, Rule};

/// The body of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImsBody {
    /// Also delete the cloud-server or cloud backups of a full-server image.
    pub delete_backup: bool,
}

/// The plan of one IMS delete request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImsPlan {
    /// Always `DELETE`.
    pub method: &'static str,
    /// `/v2/images/{image_id}`, the ID percent-encoded.
    pub path: String,
    /// The JSON body.
    pub body: ImsBody,
    /// Findings (at most one, `ims-invalid-image-id`).
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// Plans the deletion of `image_id`.
pub fn plan(image_id: &str, delete_backup: bool) -> ImsPlan {
    ImsPlan {
        method: "DELETE",
        path: format!("/v2/images/{}", encode_id(image_id)),
        body: ImsBody { delete_backup },
        findings: check_image_id(image_id).into_iter().collect(),
    }
}

/// Whether `id` is a canonical hyphenated lowercase UUID.
pub(crate) fn is_canonical_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => matches!(c, '0'..='9' | 'a'..='f'),
        })
}

/// The `ims-invalid-image-id` finding for `id`, if it is not a canonical UUID.
pub(crate) fn check_image_id(id: &str) -> Option<Finding> {
    if is_canonical_uuid(id) {
        return None;
    }
    let message = match Uuid::try_parse(id.trim()) {
        Ok(uuid) => format!(
            "\"{id}\" is a UUID but not in the canonical form IMS uses; write \"{}\"",
            uuid.hyphenated()
        ),
        Err(e) if id.is_empty() => format!("the image ID is empty: expected a UUID ({e})"),
        Err(e) => format!(
            "\"{id}\" is not a UUID ({e}); IMS image IDs look like 4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90"
        ),
    };
    Some(Finding::error(Rule::ImsInvalidImageId, REQUEST, message).at(1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_uuid_is_accepted() {
        let p = plan("4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90", true);
        assert!(p.findings.is_empty());
        assert_eq!(p.path, "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90");
        assert_eq!(
            serde_json::to_string(&p.body).unwrap(),
            r#"{"delete_backup":true}"#
        );
    }

    #[test]
    fn other_forms_are_findings_with_a_suggestion() {
        for id in [
            "4CA46BF1-5C61-48FF-B4F3-0AD4E5E3BA90",
            "4ca46bf15c6148ffb4f30ad4e5e3ba90",
            "{4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90}",
            "urn:uuid:4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90",
            " 4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90",
        ] {
            let f = check_image_id(id).unwrap();
            assert_eq!(f.rule, Rule::ImsInvalidImageId);
            assert!(
                f.message
                    .contains("\"4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90\""),
                "{}",
                f.message
            );
        }
        for id in [
            "",
            "my-image",
            "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba9g",
            "win2016|",
        ] {
            let f = check_image_id(id).unwrap();
            assert!(f.message.contains("UUID"), "{}", f.message);
        }
        assert_eq!(plan("a/b", false).path, "/v2/images/a%2Fb");
    }

    proptest! {
        #[test]
        fn canonical_check_agrees_with_uuid(s in "\\PC{0,40}") {
            let canonical = is_canonical_uuid(&s);
            let parsed = Uuid::try_parse(&s).map(|u| u.hyphenated().to_string() == s).unwrap_or(false);
            prop_assert_eq!(canonical, parsed);
        }

        #[test]
        fn every_uuid_round_trips(bytes in any::<[u8; 16]>()) {
            let s = Uuid::from_bytes(bytes).hyphenated().to_string();
            prop_assert!(check_image_id(&s).is_none());
        }
    }
}
