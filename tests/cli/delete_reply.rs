//! Integration tests of `osbundle delete-plan` and `osbundle reply` over the binary.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const DATACENTER: &str = "win2016|win2016-x86_64-install-Datacenter";
const JRE: &str = "2018012943447_jre-8u151-linux-x64.tar.gz";
const SLES_JRE: &str = "sles12.2|sles12.2-x86_64-install-Basic_jre";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/delete")
        .join(name)
}

fn osbundle() -> Command {
    let mut cmd = Command::cargo_bin("osbundle").unwrap_or_else(|e| panic!("binary: {e}"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `delete-plan --inventory osimages.json LIST` and returns (exit code, stdout).
fn lxca(list: &str, json: bool) -> (i32, String) {
    let mut cmd = osbundle();
    cmd.arg("delete-plan")
        .arg("--inventory")
        .arg(fixture("osimages.json"))
        .arg(list);
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("run: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn lxca_json(list: &str) -> (i32, Value) {
    let (code, out) = lxca(list, true);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
    (code, doc)
}

/// The (rule, column) of every finding of a JSON document.
fn findings(doc: &Value) -> Vec<(String, Option<u64>)> {
    doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["column"].as_u64(),
            )
        })
        .collect()
}

fn rules(doc: &Value) -> Vec<String> {
    findings(doc).into_iter().map(|(r, _)| r).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|s| s.as_str().unwrap_or("").to_string())
        .collect()
}

// ---- LXCA delete-plan ------------------------------------------------------------

#[test]
fn image_id_cascades_to_every_profile_with_encoded_path() {
    let (code, doc) = lxca_json("win2016|");
    assert_eq!(code, 0);
    assert!(rules(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["server"], "lxca");
    assert_eq!(doc["request"]["method"], "DELETE");
    assert_eq!(doc["request"]["path"], "/osImages/win2016%7C");
    assert_eq!(strings(&doc["request"]["removes"]["images"]), ["win2016|"]);
    let profiles: Vec<(String, String)> = doc["request"]["removes"]["profiles"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or("").into(),
                p["via"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        profiles,
        [
            (DATACENTER.to_string(), "image".to_string()),
            (
                "win2016|win2016-x86_64-install-Datacenter_custom".into(),
                "image".into()
            ),
            (
                "win2016|win2016-x86_64-install-Standard_core".into(),
                "image".into()
            ),
        ]
    );
    // Custom files the removed profiles used are left behind, unused; predefined ones are not listed.
    let unused = strings(&doc["request"]["unreferencedFiles"]);
    assert!(unused.contains(&"2018012944012_winpe-custom.zip".to_string()));
    assert!(!unused.contains(&"winpe-64-base".to_string()));
}

#[test]
fn correct_mixed_list_has_no_findings_and_literal_commas() {
    let list = format!("{SLES_JRE},sles12.2|sles12.2-x86_64-install-Basic_dev,{JRE},rhels7.5|");
    let (code, out) = lxca(&list, false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!(
        "request: DELETE /osImages/sles12.2%7Csles12.2-x86_64-install-Basic_jre,sles12.2%7Csles12.2-x86_64-install-Basic_dev,{JRE},rhels7.5%7C"
    )));
    assert!(
        out.contains("profile  rhels7.5|rhels7.5-x86_64-install-Basic (with its image)"),
        "{out}"
    );
    assert!(out.contains(&format!("file     {JRE} (software)")));
    assert!(out.contains("checked 4 IDs: 0 errors, 0 warnings"), "{out}");
}

#[test]
fn unknown_id_with_hint() {
    let (code, doc) = lxca_json("win2016|,sles12.2");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        [("delete-unknown-id".to_string(), Some(10))]
    );
    let message = doc["findings"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("did you mean the image \"sles12.2|\""),
        "{message}"
    );
    assert_eq!(doc["findings"][0]["path"], "<request>");
    assert_eq!(doc["findings"][0]["line"], 1);
}

#[test]
fn already_encoded_id_is_unknown_with_hint() {
    let (code, doc) = lxca_json("sles12.2%7Csles12.2-x86_64-install-Basic_jre");
    assert_eq!(code, 1);
    assert_eq!(rules(&doc), ["delete-unknown-id"]);
    assert!(doc["findings"][0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("percent-encoded"));
}

#[test]
fn duplicate_id() {
    let (code, doc) = lxca_json(&format!("{JRE},{SLES_JRE},{JRE}"));
    assert_eq!(code, 1);
    let col = (JRE.len() + SLES_JRE.len() + 3) as u64;
    let errors: Vec<_> = findings(&doc)
        .into_iter()
        .filter(|(r, _)| r != "delete-still-referenced")
        .collect();
    assert_eq!(errors, [("delete-duplicate-id".to_string(), Some(col))]);
    assert_eq!(
        doc["request"]["removes"]["files"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn image_with_one_of_its_own_profiles() {
    let (code, doc) = lxca_json(&format!("win2016|,{DATACENTER}"));
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        [("delete-mixed-image-profile".to_string(), Some(10))]
    );
    // A profile of another image next to an image is fine.
    let (code, doc) = lxca_json(&format!("win2016|,{SLES_JRE}"));
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn predefined_files_cannot_be_removed() {
    for id in [
        "winpe-64-base",
        "storage-broadcom-mpt3sas-sles12",
        "sles12-predefined-autoyast",
    ] {
        let (code, doc) = lxca_json(id);
        assert_eq!(code, 1, "{id}");
        assert_eq!(
            findings(&doc),
            [("delete-predefined".to_string(), Some(1))],
            "{id}"
        );
        assert_eq!(doc["request"]["removes"]["files"], serde_json::json!([]));
    }
    // A custom file of the same list is removable.
    let (code, doc) = lxca_json("2018012944012_winpe-custom.zip");
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(rules(&doc), ["delete-still-referenced"]);
    assert_eq!(doc["request"]["removes"]["files"][0]["kind"], "boot");
}

#[test]
fn custom_file_still_referenced_by_a_kept_profile_is_a_warning() {
    let (code, doc) = lxca_json(&format!("{SLES_JRE},{JRE}"));
    assert_eq!(code, 0, "warnings do not fail");
    assert_eq!(rules(&doc), ["delete-still-referenced"]);
    let f = &doc["findings"][0];
    assert_eq!(f["severity"], "warning");
    assert!(f["path"].as_str().unwrap_or("").ends_with("osimages.json"));
    assert_eq!(
        f["pointer"],
        "/items/1/profiles/1/customizationOptions/customSoftwareOptions/customSoftwareIds/0"
    );
    assert!(f["line"].as_u64().is_some() && f["column"].as_u64().is_some());
    assert!(f["message"]
        .as_str()
        .unwrap_or("")
        .contains("sles12.2-x86_64-install-Basic_dev"));
    // Deleting the other profile too removes the warning.
    let (_, doc) = lxca_json(&format!("sles12.2|,{JRE}"));
    assert!(rules(&doc).is_empty(), "{doc:#}");
    // --strict makes the warning fail.
    osbundle()
        .args(["delete-plan", "--strict", "--inventory"])
        .arg(fixture("osimages.json"))
        .arg(format!("{SLES_JRE},{JRE}"))
        .assert()
        .code(1);
}

#[test]
fn empty_ids_and_whitespace() {
    let (code, doc) = lxca_json(",win2016|,,rhels7.5| ,");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        [
            ("delete-empty-id".to_string(), Some(1)),
            ("delete-empty-id".to_string(), Some(11)),
            ("delete-id-whitespace".to_string(), Some(12)),
            ("delete-empty-id".to_string(), Some(23)),
        ]
    );
    assert_eq!(
        doc["request"]["path"],
        "/osImages/,win2016%7C,,rhels7.5%7C%20,"
    );
    let (code, doc) = lxca_json("");
    assert_eq!(
        (code, rules(&doc)),
        (1, vec!["delete-empty-id".to_string()])
    );
}

#[test]
fn id_with_a_comma_cannot_be_sent() {
    let (code, doc) = lxca_json("2018012945000_tools,v2.zip");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        [("delete-id-contains-comma".to_string(), Some(1))]
    );
    assert_eq!(
        doc["request"]["path"],
        "/osImages/2018012945000_tools,v2.zip"
    );
}

#[test]
fn every_mistake_at_once_in_text() {
    let list = format!("win2016|,{DATACENTER},,nope,winpe-64-base, {JRE},{SLES_JRE},{SLES_JRE}");
    let (code, out) = lxca(&list, false);
    assert_eq!(code, 1);
    for rule in [
        "error[delete-mixed-image-profile]",
        "error[delete-empty-id]",
        "error[delete-unknown-id]",
        "error[delete-predefined]",
        "error[delete-id-whitespace]",
        "error[delete-duplicate-id]",
        "warning[delete-still-referenced]",
    ] {
        assert!(out.contains(rule), "{rule} missing in:\n{out}");
    }
    assert!(
        out.contains("<request>:1:10: error[delete-mixed-image-profile]"),
        "{out}"
    );
}

#[test]
fn sarif_and_github_formats_work() {
    for format in ["sarif", "github"] {
        osbundle()
            .args(["delete-plan", "--format", format, "--inventory"])
            .arg(fixture("osimages.json"))
            .arg("nope")
            .assert()
            .code(1)
            .stdout(predicate::str::contains("delete-unknown-id"));
    }
}

#[test]
fn inventory_from_stdin() {
    let inventory = std::fs::read(fixture("osimages.json")).unwrap_or_default();
    osbundle()
        .args(["delete-plan", "--inventory", "-", "win2016|"])
        .write_stdin(inventory)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "request: DELETE /osImages/win2016%7C",
        ));
}

#[test]
fn invalid_inventory_is_exit_2_with_position() {
    osbundle()
        .args(["delete-plan", "--inventory"])
        .arg(fixture("osimages-invalid.json"))
        .arg("win2016|")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "osimages-invalid.json:3:23: trailing comma",
        ));
}

#[test]
fn inventory_that_is_not_a_get_osimages_response_is_exit_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("reply.json");
    std::fs::write(&path, r#"{"result": "success", "messages": []}"#).unwrap_or_default();
    osbundle()
        .args(["delete-plan", "--inventory"])
        .arg(&path)
        .arg("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no \"items\""));
    osbundle()
        .args(["delete-plan", "--inventory"])
        .arg(dir.path().join("missing.json"))
        .arg("x")
        .assert()
        .code(2);
}

#[test]
fn usage_errors_are_exit_2() {
    osbundle().arg("delete-plan").assert().code(2);
    osbundle()
        .args(["delete-plan", "--inventory", "x.json"])
        .assert()
        .code(2);
    osbundle()
        .args(["delete-plan", "--ims", "x", "--inventory", "y", "z"])
        .assert()
        .code(2);
    osbundle()
        .args(["delete-plan", "--inventory", "y", "z", "--delete-backup"])
        .assert()
        .code(2);
}

// ---- IMS delete-plan -------------------------------------------------------------

#[test]
fn ims_request_line_and_body() {
    let id = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90";
    osbundle()
        .args(["delete-plan", "--ims", id, "--delete-backup"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "request: DELETE /v2/images/{id}"
        )))
        .stdout(predicate::str::contains("\"delete_backup\": true"));
    let out = osbundle()
        .args(["delete-plan", "--ims", id, "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["server"], "ims");
    assert_eq!(doc["request"]["path"], format!("/v2/images/{id}"));
    assert_eq!(
        doc["request"]["body"],
        serde_json::json!({"delete_backup": false})
    );
    let codes: Vec<u64> = doc["responses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["code"].as_u64())
        .collect();
    assert_eq!(codes, [204, 400, 401, 403, 404, 500, 503]);
}

#[test]
fn ims_rejects_non_uuids_and_non_canonical_forms() {
    for id in [
        "my-image",
        "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba9",
        "4CA46BF1-5C61-48FF-B4F3-0AD4E5E3BA90",
        "{4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90}",
        "4ca46bf15c6148ffb4f30ad4e5e3ba90",
        "",
    ] {
        osbundle()
            .args(["delete-plan", "--ims", id])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("error[ims-invalid-image-id]"));
    }
}

#[test]
fn help_explains_the_status_codes() {
    let out = osbundle()
        .args(["delete-plan", "--help"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&out.stdout);
    for status in osbundle::api::delete::IMS_STATUS
        .iter()
        .chain(&osbundle::api::delete::LXCA_STATUS)
    {
        assert!(
            help.contains(&format!("{} {}", status.code, status.reason)),
            "{} missing from --help",
            status.code
        );
    }
}

// ---- reply -----------------------------------------------------------------------

fn reply(name: &str) -> (i32, String) {
    let out = osbundle()
        .arg("reply")
        .arg(fixture(name))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn reply_json(name: &str) -> (i32, Value) {
    let out = osbundle()
        .args(["reply", "--format", "json"])
        .arg(fixture(name))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    (out.status.code().unwrap_or(-1), doc)
}

#[test]
fn lxca_success_reply() {
    let (code, out) = reply("lxca-success.json");
    assert_eq!(code, 0);
    assert!(
        out.contains("server:  LXCA") && out.contains("status:  success"),
        "{out}"
    );
}

#[test]
fn lxca_failed_reply_is_shown_readably_and_fails() {
    let (code, out) = reply("lxca-failed.json");
    assert_eq!(code, 1);
    assert!(out.contains(
        "message FQXHMFC0057M: The maximum number of imported operating systems has been reached."
    ));
    assert!(out.contains("explanation: The management server supports a maximum of 5"));
    assert!(out.contains("recovery:    Delete an operating system image"));
    assert!(out.contains(":2:13: error[reply-failed]"), "{out}");
    let (code, doc) = reply_json("lxca-failed.json");
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["reply"]["server"], "lxca");
    assert_eq!(doc["reply"]["status"], "failed");
    assert_eq!(doc["reply"]["messages"][0]["id"], "FQXHMFC0057M");
    assert_eq!(doc["reply"]["messages"][0]["recovery"][0]["URL"], "");
    assert_eq!(rules(&doc), ["reply-failed"]);
}

#[test]
fn export_reply_is_success_with_job() {
    let (code, doc) = reply_json("export-reply.json");
    assert_eq!(code, 0);
    assert_eq!(
        doc["reply"]["filename"],
        "2016121921921_Custom-2016-datacenter-profile.tar.gz"
    );
    assert_eq!(doc["reply"]["jobID"], "12");
    let (_, out) = reply("export-reply.json");
    assert!(out.contains("GET /tasks/12"), "{out}");
}

#[test]
fn reference_style_malformed_reply_says_where_and_is_still_read() {
    let (code, out) = reply("reference-malformed.json");
    assert_eq!(code, 1);
    assert!(
        out.contains("reference-malformed.json:4:88: error[reply-invalid-json]"),
        "{out}"
    );
    assert!(out.contains("read leniently"));
    assert!(out.contains("message FQXHMFC0057M"));
    let (code, doc) = reply_json("reference-export-malformed.json");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        [("reply-invalid-json".to_string(), Some(12))]
    );
    assert_eq!(doc["findings"][0]["line"], 2);
}

#[test]
fn ims_error_bodies_fail() {
    for (name, code) in [
        ("ims-error.json", "IMG.0001"),
        ("ims-error-code.json", "APIGW.0301"),
        ("openstack-bad-request.json", "400"),
    ] {
        let (exit, doc) = reply_json(name);
        assert_eq!(exit, 1, "{name}");
        assert_eq!(doc["reply"]["server"], "ims", "{name}");
        assert_eq!(doc["reply"]["error"]["code"], code, "{name}");
        assert_eq!(rules(&doc), ["reply-failed"], "{name}");
    }
    let (_, out) = reply("ims-error.json");
    assert!(out.contains("code:    IMG.0001") && out.contains("message: The image does not exist"));
}

#[test]
fn empty_body_is_judged_by_the_http_status() {
    // Without the status an empty body is not success: `curl -s` saves a 401 or a
    // 500 as an empty file too.
    let (code, out) = reply("empty.txt");
    assert_eq!(code, 1);
    assert!(out.contains("--status"), "{out}");
    osbundle()
        .args(["reply", "-"])
        .write_stdin("")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("reply-unrecognized"));
    osbundle()
        .args(["reply", "--status", "204", "-"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("204"));
    for status in ["401", "500"] {
        osbundle()
            .args(["reply", "--status", status, "-"])
            .write_stdin("")
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "error[reply-failed]: HTTP status {status}"
            )));
    }
    // A non-JSON body (an HTML error page of a proxy) with a 503 fails by its status.
    osbundle()
        .args(["reply", "--status", "503", "--format", "json", "-"])
        .write_stdin("<html><body>Service Unavailable</body></html>")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"httpStatus\": 503"));
    // A body that reports success cannot hide a failed status.
    osbundle()
        .args(["reply", "--status", "403", "-"])
        .write_stdin(r#"{"result": "success"}"#)
        .assert()
        .code(1);
    osbundle()
        .args(["reply", "--status", "99", "-"])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn reply_from_stdin_and_unknown_forms() {
    osbundle()
        .args(["reply", "-"])
        .write_stdin(r#"{"result":"failed","messages":[]}"#)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-:1:11: error[reply-failed]"));
    osbundle()
        .args(["reply", "-"])
        .write_stdin("[1, 2]")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("reply-unrecognized"));
    osbundle()
        .args(["reply", "-"])
        .write_stdin(vec![0xff_u8, 0x00, 0x7b])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("reply-invalid-json"));
    osbundle()
        .args(["reply", "/nonexistent/reply.json"])
        .assert()
        .code(2);
}
