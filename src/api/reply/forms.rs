//! The forms of a reply told apart, first match wins: an IMS, OpenStack or
//! gateway error body, then LXCA's envelope or an export or import reply; their
//! members taken into a [`Reply`].

use serde_json::{Map, Value};

use super::{Message, Recovery, Reply, Server, ServiceError, Status};
use crate::findings::{Finding, Rule};
use crate::json::Position;

fn string(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The reply `value` is, by the forms of the module documentation, first match
/// wins; `position` places a JSON Pointer in the text when it was read strictly.
pub(super) fn classify(
    value: &Value,
    display: &str,
    position: &dyn Fn(&str) -> Option<Position>,
) -> Reply {
    let Value::Object(map) = value else {
        return unrecognized(display, crate::json::type_name(value));
    };
    if let Some(error) = service_error(map) {
        let pointer = if error.kind.is_empty() {
            String::new()
        } else {
            crate::json::join_pointer("", &error.kind)
        };
        let what = match (&error.code, &error.message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "no message".into(),
        };
        let mut reply = Reply::new(Server::Ims, Status::Failed);
        reply.findings.push(
            Finding::error(
                Rule::ReplyFailed,
                display,
                format!("the service reports an error: {what}"),
            )
            .with_pointer(pointer.clone())
            .at_opt(position(&pointer)),
        );
        reply.error = Some(error);
        return reply;
    }
    let lxca_keys = ["result", "messages", "filename", "jobID", "jobId"];
    if !lxca_keys.iter().any(|k| map.contains_key(*k)) {
        return unrecognized(
            display,
            "an object without result, messages, filename or jobID",
        );
    }
    let mut reply = Reply::new(Server::Lxca, Status::Unknown);
    reply.result = string(map, "result");
    reply.filename = string(map, "filename");
    reply.job_id = string(map, "jobID").or_else(|| string(map, "jobId"));
    reply.messages = match map.get("messages") {
        Some(Value::Array(list)) => list.iter().map(message).collect(),
        Some(Value::Object(m)) => vec![message(&Value::Object(m.clone()))],
        _ => Vec::new(),
    };
    let result = reply
        .result
        .as_deref()
        .map(|r| r.trim().to_ascii_lowercase());
    reply.status = match result.as_deref() {
        Some("success") => Status::Success,
        Some("failed") | Some("failure") | Some("error") => Status::Failed,
        None if reply.filename.is_some() || reply.job_id.is_some() => Status::Success,
        _ => Status::Unknown,
    };
    match reply.status {
        Status::Success => {}
        Status::Failed => {
            let details: Vec<String> = reply.messages.iter().map(Message::headline).collect();
            let message = if details.is_empty() {
                "the server reports result \"failed\" (no messages)".to_string()
            } else {
                format!(
                    "the server reports result \"failed\": {}",
                    details.join("; ")
                )
            };
            reply.findings.push(
                Finding::error(Rule::ReplyFailed, display, message)
                    .with_pointer("/result")
                    .at_opt(position("/result")),
            );
        }
        Status::Unknown => {
            let message = match &reply.result {
                Some(r) => format!("unknown result \"{r}\": expected \"success\" or \"failed\""),
                None => "an LXCA reply without a result".to_string(),
            };
            let pointer = if reply.result.is_some() {
                "/result"
            } else {
                ""
            };
            reply.findings.push(
                Finding::error(Rule::ReplyUnrecognized, display, message)
                    .with_pointer(pointer)
                    .at_opt(position(pointer)),
            );
        }
    }
    reply
}

fn unrecognized(display: &str, what: &str) -> Reply {
    let mut reply = Reply::new(Server::Unknown, Status::Unknown);
    reply.findings.push(
        Finding::error(
            Rule::ReplyUnrecognized,
            display,
            format!("not a reply osbundle knows ({what}): neither LXCA's result/messages nor an IMS error body"),
        )
        .at(1, 1),
    );
    reply
}

fn service_error(map: &Map<String, Value>) -> Option<ServiceError> {
    if let Some(Value::Object(inner)) = map.get("error") {
        return Some(ServiceError {
            kind: "error".into(),
            code: string(inner, "code").or_else(|| string(inner, "error_code")),
            message: string(inner, "message").or_else(|| string(inner, "error_msg")),
        });
    }
    if map.contains_key("error_code") || map.contains_key("error_msg") {
        return Some(ServiceError {
            kind: String::new(),
            code: string(map, "error_code"),
            message: string(map, "error_msg"),
        });
    }
    if map.len() == 1 {
        if let Some((kind, Value::Object(inner))) = map.iter().next() {
            if inner.contains_key("message") {
                return Some(ServiceError {
                    kind: kind.clone(),
                    code: string(inner, "code"),
                    message: string(inner, "message"),
                });
            }
        }
    }
    if map.contains_key("code") && (map.contains_key("message") || map.contains_key("title")) {
        return Some(ServiceError {
            kind: String::new(),
            code: string(map, "code"),
            message: string(map, "message").or_else(|| string(map, "title")),
        });
    }
    None
}

fn message(value: &Value) -> Message {
    let Value::Object(m) = value else {
        return Message {
            text: match value {
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            },
            ..Message::default()
        };
    };
    let recovery_of = |v: &Value| match v {
        Value::Object(r) => Some(Recovery {
            text: string(r, "text"),
            url: string(r, "URL").or_else(|| string(r, "url")),
        }),
        Value::String(s) => Some(Recovery {
            text: Some(s.clone()),
            url: None,
        }),
        _ => None,
    };
    let recovery = match m.get("recovery") {
        Some(Value::Array(list)) => list.iter().filter_map(recovery_of).collect(),
        Some(v) => recovery_of(v).into_iter().collect(),
        None => Vec::new(),
    };
    Message {
        id: string(m, "id"),
        text: string(m, "text"),
        explanation: string(m, "explanation"),
        recovery,
    }
}
