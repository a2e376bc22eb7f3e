//! Saved server replies: LXCA's envelope and export reply, IMS and OpenStack error
//! bodies, and the empty body of a `204 No Content`.
//!
//! [`read`] never fails and never panics: a reply that is not valid JSON is a
//! `reply-invalid-json` finding at the line and column where strict parsing stopped,
//! and is then read leniently (missing and trailing commas, comments, as the
//! reference's own examples need) so that its result and messages can still be shown.
//! A reply that reports a failure is a `reply-failed` finding; a JSON reply of no
//! known form is `reply-unrecognized`. Either makes `osbundle reply` exit 1.
//!
//! Forms recognized, first match wins:
//! 1. empty body (whitespace only): success, as a 204 reply has no body;
//! 2. `{"error": {"code": ..., "message": ...}}` (IMS), `{"error_code": ...,
//!    "error_msg": ...}` (Huawei Cloud API gateway), `{"<fault>": {"message": ...,
//!    "code": ...}}` (OpenStack: `badRequest`, `itemNotFound`, ...), and
//!    `{"code": ..., "title": ..., "message": ...}`: failed;
//! 3. LXCA: `result` "success" or "failed" (any case), with `messages[]` of `id`,
//!    `text`, `explanation`, `recovery` (an object or an array of `{text, URL}`);
//!    without `result`, an export or import reply (`filename`, `jobID` or `jobId`) is
//!    success.
//!
//! This file holds the model and the reading (strict, then lenient; the HTTP
//! status); `forms.rs` tells the forms apart and takes their members.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::findings::{Finding, Rule};
use crate::json::Document;

mod forms;

use forms::classify;

/// Which server's form the reply has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Server {
    /// Lenovo XClarity Administrator.
    Lxca,
    /// Huawei Cloud IMS or another OpenStack service.
    Ims,
    /// An empty body: either server's 204.
    None,
    /// No known form.
    Unknown,
}

/// What the reply says about the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The request succeeded (or, for a job, was accepted).
    Success,
    /// The request failed.
    Failed,
    /// Cannot be told.
    Unknown,
}

/// Recovery information of an LXCA message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// What the user can do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A link to the help system.
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One LXCA message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The message ID, such as `FQXHMFC0057M`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The message text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recovery: Vec<Recovery>,
}

impl Message {
    /// `ID: text`, or whichever of the two is there.
    pub fn headline(&self) -> String {
        match (&self.id, &self.text) {
            (Some(id), Some(text)) => format!("{id}: {text}"),
            (Some(id), None) => id.clone(),
            (None, Some(text)) => text.clone(),
            (None, None) => self
                .explanation
                .clone()
                .unwrap_or_else(|| "(empty message)".into()),
        }
    }
}

/// An IMS or OpenStack error body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceError {
    /// The member holding the error (`error`, `badRequest`, ...), or empty for the
    /// flat forms.
    pub kind: String,
    /// The error code (`IMG.0001`, `400`, ...), as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A reply, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    /// Which server's form it has.
    pub server: Server,
    /// Success or failure.
    pub status: Status,
    /// Whether the reply was not valid JSON and was read leniently.
    pub lenient: bool,
    /// LXCA's `result`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// LXCA's messages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    /// An export reply's archive name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The job ID of an export (`jobID`) or import (`jobId`) reply.
    #[serde(rename = "jobID", skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// An IMS or OpenStack error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ServiceError>,
    /// The HTTP status the user saw (`--status`), when given.
    #[serde(rename = "httpStatus", skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Findings: invalid JSON, failure, unknown form.
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl Reply {
    fn new(server: Server, status: Status) -> Reply {
        Reply {
            server,
            status,
            lenient: false,
            result: None,
            messages: Vec::new(),
            filename: None,
            job_id: None,
            error: None,
            http_status: None,
            findings: Vec::new(),
        }
    }
}

/// The meaning of an HTTP status for the delete and export endpoints of the
/// references (LXCA 000 and 001, IMS 004); a generic one for other codes.
pub fn status_meaning(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 | 202 => "accepted",
        204 => "No Content: done; the reply has no body",
        400 => "Bad Request: the request is wrong (a malformed ID or body)",
        401 => "Unauthorized: authentication missing or failed",
        403 => "Forbidden: no privilege for this operation",
        404 => "Not Found: no such image or profile",
        412 => "Precondition Failed: invalid data because of missing values (e.g. an unknown ID)",
        500 => "Internal Server Error",
        503 => "Service Unavailable: retry later",
        203 | 205..=299 => "success",
        402 | 405..=411 | 413..=499 => "client error",
        501 | 502 | 504..=599 => "server error",
        _ => "not a final status",
    }
}

/// Reads a saved reply without its HTTP status; `display` names it in findings. An
/// empty body is not judged (`reply-unrecognized`): a 204 has none, but neither has
/// an error reply saved by `curl -s`.
pub fn read(bytes: &[u8], display: &str) -> Reply {
    read_with_status(bytes, display, None)
}

/// Reads a saved reply with the HTTP status the user saw, when known. The status
/// judges what the body cannot: an empty or non-JSON body (or JSON of no known form)
/// succeeds with a 2xx status and fails with 4xx or 5xx; a status of 4xx or 5xx fails
/// whatever the body says, and a body that reports a failure fails whatever the status.
pub fn read_with_status(bytes: &[u8], display: &str, status: Option<u16>) -> Reply {
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    let mut reply = if empty {
        Reply::new(Server::None, Status::Unknown)
    } else {
        read_body(bytes, display)
    };
    let Some(code) = status else {
        if empty {
            reply.findings.push(Finding::error(
                Rule::ReplyUnrecognized,
                display,
                "an empty body: a 204 No Content has none, and so has an error reply saved by `curl -s`; pass --status with the HTTP status (curl -w '%{http_code}')",
            ));
        }
        return reply;
    };
    reply.http_status = Some(code);
    let meaning = status_meaning(code);
    // What the body could not say, the status says: those findings become warnings.
    let soften = |reply: &mut Reply| {
        for f in &mut reply.findings {
            if matches!(f.rule, Rule::ReplyUnrecognized | Rule::ReplyInvalidJson) {
                f.severity = crate::findings::Severity::Warning;
            }
        }
    };
    match code {
        200..=299 => {
            if reply.status == Status::Unknown {
                reply.status = Status::Success;
                soften(&mut reply);
            }
        }
        400..=599 => {
            if reply.status != Status::Failed {
                soften(&mut reply);
                reply.status = Status::Failed;
                reply.findings.push(Finding::error(
                    Rule::ReplyFailed,
                    display,
                    format!("HTTP status {code} ({meaning})"),
                ));
            }
        }
        _ => reply.findings.push(Finding::error(
            Rule::ReplyUnrecognized,
            display,
            format!("HTTP status {code} is not a final reply of these endpoints (expected 2xx, 4xx or 5xx)"),
        )),
    }
    reply
}

fn read_body(bytes: &[u8], display: &str) -> Reply {
    match Document::parse(bytes) {
        Ok(doc) => classify(doc.value(), display, &|p| doc.position_of(p)),
        Err(e) => {
            let invalid = Finding::error(
                Rule::ReplyInvalidJson,
                display,
                format!("the reply is not valid JSON: {}", e.message),
            )
            .at(e.position.line, e.position.column);
            let lenient = std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| jsonc_parser::parse_to_value(text, &Default::default()).ok())
                .flatten()
                .map(convert);
            let mut reply = match lenient {
                Some(value) => {
                    let mut reply = classify(&value, display, &|_| None);
                    reply.lenient = true;
                    reply.findings.retain(|f| f.rule != Rule::ReplyUnrecognized);
                    reply
                }
                None => Reply::new(Server::Unknown, Status::Unknown),
            };
            reply.findings.insert(0, invalid);
            reply
        }
    }
}

fn convert(value: jsonc_parser::JsonValue<'_>) -> Value {
    use jsonc_parser::JsonValue as J;
    match value {
        J::String(s) => Value::String(s.into_owned()),
        J::Number(n) => serde_json::from_str::<serde_json::Number>(n)
            .map_or_else(|_| Value::String(n.to_string()), Value::Number),
        J::Boolean(b) => Value::Bool(b),
        J::Null => Value::Null,
        J::Array(a) => Value::Array(a.take_inner().into_iter().map(convert).collect()),
        J::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v): (Cow<'_, str>, _)| (k.into_owned(), convert(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules(r: &Reply) -> Vec<&'static str> {
        r.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn lxca_success_and_failure() {
        let ok = read(br#"{"result": "success", "messages": []}"#, "r");
        assert_eq!((ok.server, ok.status), (Server::Lxca, Status::Success));
        assert!(ok.findings.is_empty());
        let failed = read(
            br#"{"result": "failed", "messages": [{"id": "FQXHMFC0057M", "text": "T",
                "explanation": "E", "recovery": {"URL": "", "text": "R"}}]}"#,
            "r",
        );
        assert_eq!(failed.status, Status::Failed);
        assert_eq!(rules(&failed), ["reply-failed"]);
        assert_eq!(failed.findings[0].line, Some(1));
        assert_eq!(failed.messages[0].id.as_deref(), Some("FQXHMFC0057M"));
        assert_eq!(failed.messages[0].recovery[0].text.as_deref(), Some("R"));
        assert!(failed.findings[0].message.contains("FQXHMFC0057M: T"));
    }

    #[test]
    fn export_reply_and_empty_body() {
        let r = read(br#"{"filename": "x.tar.gz", "jobID": "12"}"#, "r");
        assert_eq!(
            (r.status, r.job_id.as_deref()),
            (Status::Success, Some("12"))
        );
        let r = read(b" \n", "r");
        assert_eq!((r.server, r.status), (Server::None, Status::Unknown));
        assert_eq!(rules(&r), ["reply-unrecognized"]);
        let r = read_with_status(b" \n", "r", Some(204));
        assert_eq!((r.server, r.status), (Server::None, Status::Success));
        assert!(r.findings.is_empty());
    }

    #[test]
    fn the_http_status_judges_what_the_body_cannot() {
        // Empty bodies: 401 and 500 saved by `curl -s` fail.
        for code in [401, 500, 412, 503] {
            let r = read_with_status(b"", "r", Some(code));
            assert_eq!(
                (r.status, rules(&r)),
                (Status::Failed, vec!["reply-failed"])
            );
            assert!(r.findings[0].message.contains(&code.to_string()));
        }
        // A non-JSON body (an HTML error page) with 500 fails; its parse error is a warning.
        let r = read_with_status(b"<html>oops</html>", "r", Some(500));
        assert_eq!(r.status, Status::Failed);
        assert_eq!(rules(&r), ["reply-invalid-json", "reply-failed"]);
        assert_eq!(r.findings[0].severity, crate::findings::Severity::Warning);
        // The status never turns a reported failure into success, nor the reverse.
        let failed = br#"{"result": "failed", "messages": []}"#;
        assert_eq!(
            read_with_status(failed, "r", Some(200)).status,
            Status::Failed
        );
        let ok = br#"{"result": "success"}"#;
        assert_eq!(read_with_status(ok, "r", Some(403)).status, Status::Failed);
        assert_eq!(read_with_status(ok, "r", Some(200)).status, Status::Success);
        // Not a final status.
        let r = read_with_status(b"", "r", Some(302));
        assert_eq!(rules(&r), ["reply-unrecognized"]);
    }

    #[test]
    fn ims_and_openstack_errors() {
        for body in [
            r#"{"error": {"code": "IMG.0001", "message": "bad"}}"#,
            r#"{"error_code": "IMG.0001", "error_msg": "bad"}"#,
            r#"{"badRequest": {"message": "bad", "code": 400}}"#,
            r#"{"code": 404, "title": "Not Found", "message": "bad"}"#,
        ] {
            let r = read(body.as_bytes(), "r");
            assert_eq!(
                (r.server, r.status),
                (Server::Ims, Status::Failed),
                "{body}"
            );
            assert_eq!(rules(&r), ["reply-failed"]);
            assert_eq!(
                r.error.as_ref().and_then(|e| e.message.as_deref()),
                Some("bad")
            );
        }
    }

    #[test]
    fn malformed_reference_reply_is_read_leniently() {
        let text = "{\n\"filename \"2016121921921_Custom-2016-datacenter-profile.tar.gz\",\n\"jobID\": \"12\",\n\"result\": \"success\"\n\"messages\": []\n}";
        let r = read(text.as_bytes(), "r");
        assert_eq!(rules(&r), ["reply-invalid-json"]);
        assert_eq!(r.findings[0].line, Some(2));
        assert!(!r.lenient, "a missing colon is beyond lenient reading");
        let text = "{\n\"result\": \"failed\",\n\"messages\": [{\n\"explanation\": \"at most 5\nimages.\",\n\"id\": \"FQXHMFC0057M\",\n\"recovery\": {\n\"URL\": \"\",\n\"text\": \"Delete one.\"\n}\n\"text\": \"The maximum.\",\n}]\n}";
        let r = read(text.as_bytes(), "r");
        assert_eq!(rules(&r), ["reply-invalid-json", "reply-failed"]);
        assert!(r.lenient);
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.messages[0].id.as_deref(), Some("FQXHMFC0057M"));
        assert_eq!(
            r.messages[0].explanation.as_deref(),
            Some("at most 5\nimages.")
        );
        let r = read(b"<html>502</html>", "r");
        assert_eq!(
            (r.status, rules(&r)),
            (Status::Unknown, vec!["reply-invalid-json"])
        );
        let r = read(b"\xff\xfe", "r");
        assert_eq!(rules(&r), ["reply-invalid-json"]);
    }

    #[test]
    fn unknown_forms() {
        for body in [
            "{}",
            "[]",
            "42",
            r#"{"result": "maybe"}"#,
            r#"{"messages": []}"#,
        ] {
            let r = read(body.as_bytes(), "r");
            assert_eq!(rules(&r), ["reply-unrecognized"], "{body}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let r = read(&bytes, "r");
            prop_assert!(r.status != Status::Failed || !r.findings.is_empty());
        }

        #[test]
        fn never_panics_on_json_like_text(s in "[{}\\[\\]\",: a-z0-9]{0,80}") {
            let _ = read(s.as_bytes(), "r");
        }
    }
}
