//! Answer files of every dialect, read through [`check`](super::check).

use super::*;

fn rules_of(d: Dialect, text: &str) -> Vec<(Rule, Option<usize>)> {
    check(d, "u", text.as_bytes(), &BTreeMap::new())
        .into_iter()
        .map(|f| (f.rule, f.line))
        .collect()
}

const WIN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\n  <settings pass=\"specialize\"/>\n  <settings pass=\"oobeSystem\"/>\n</unattend>\n";

#[test]
fn windows_answer_files() {
    assert_eq!(rules_of(Dialect::Windows, WIN), []);
    let twice = WIN.replace("oobeSystem", "specialize");
    assert_eq!(
        rules_of(Dialect::Windows, &twice),
        [(Rule::UnattendStructure, Some(4))]
    );
    let typo = WIN.replace("oobeSystem", "oobesystem");
    let f = check(Dialect::Windows, "u", typo.as_bytes(), &BTreeMap::new());
    assert!(
        f[0].message.contains("did you mean \"oobeSystem\""),
        "{}",
        f[0].message
    );
    let no_ns = WIN.replace(" xmlns=\"urn:schemas-microsoft-com:unattend\"", "");
    assert_eq!(
        rules_of(Dialect::Windows, &no_ns),
        [(Rule::UnattendStructure, Some(2))]
    );
    let broken = WIN.replace("</unattend>", "</unatend>");
    assert_eq!(
        rules_of(Dialect::Windows, &broken),
        [(Rule::UnattendMalformed, Some(5))]
    );
    assert_eq!(
        rules_of(Dialect::Xml, &twice),
        [(Rule::UnattendStructure, Some(4))]
    );
}

#[test]
fn macro_values_that_break_the_document() {
    let text = WIN.replace(
        "<settings pass=\"oobeSystem\"/>",
        "<settings pass=\"oobeSystem\"><x>#company#</x></settings>",
    );
    let mut values = BTreeMap::new();
    values.insert(
        "company".to_string(),
        MacroValue {
            value: "AT&T".to_string(),
            source: "p/config/c.json".to_string(),
        },
    );
    let f = check(Dialect::Windows, "u", text.as_bytes(), &values);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, Rule::MacroBreaksDocument);
    assert_eq!((f[0].line, f[0].column), (Some(4), Some(34)));
    for says in ["#company#", "AT&T", "p/config/c.json"] {
        assert!(f[0].message.contains(says), "{}", f[0].message);
    }
    values.get_mut("company").unwrap().value = "Lenovo".into();
    assert!(check(Dialect::Windows, "u", text.as_bytes(), &values).is_empty());
    // A neutral placeholder never breaks anything; a macro in a name does.
    assert!(check(Dialect::Windows, "u", text.as_bytes(), &BTreeMap::new()).is_empty());
    let in_name = WIN.replace(
        "<settings pass=\"specialize\"/>",
        "<#tag# a='1'/><b #attr#='2'/>",
    );
    let f = rules_of(Dialect::Windows, &in_name);
    assert_eq!(
        f,
        [
            (Rule::MacroBreaksDocument, Some(3)),
            (Rule::MacroBreaksDocument, Some(3))
        ]
    );
}

#[test]
fn macro_values_break_kickstart_and_yaml_too() {
    let value = |v: &str| {
        let mut values = BTreeMap::new();
        values.insert(
            "host".to_string(),
            MacroValue {
                value: v.to_string(),
                source: "c.json".to_string(),
            },
        );
        values.insert(
            "lang".to_string(),
            MacroValue {
                value: "en_US".to_string(),
                source: "c.json".to_string(),
            },
        );
        values
    };
    let ai = "autoinstall:\n  version: 1\n  identity:\n    hostname: #host#\n";
    assert!(check(Dialect::Ubuntu, "u", ai.as_bytes(), &value("web01")).is_empty());
    let f = check(Dialect::Ubuntu, "u", ai.as_bytes(), &value("[web01"));
    assert_eq!(
        (f[0].rule, f[0].line, f[0].column),
        (Rule::MacroBreaksDocument, Some(4), Some(15))
    );
    let ks = Dialect::of(Some("rhels"), Some("8.6"), "ks.cfg").unwrap();
    let f = check(
        ks,
        "u",
        b"lang #lang#\nnetwork --hostname=#host#\n",
        &value("a \"b"),
    );
    assert_eq!((f[0].rule, f[0].line), (Rule::MacroBreaksDocument, Some(2)));
    assert!(
        f[0].message.contains("#host#") && f[0].message.contains("a \"b"),
        "{}",
        f[0].message
    );
}

#[test]
fn autoyast_profiles() {
    let ok = "<?xml version=\"1.0\"?>\n<!DOCTYPE profile>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\">\n<general><mode><confirm config:type=\"boolean\">false</confirm></mode></general>\n<n t=\"integer\">#predefined.hostPlatforms.networkSettings.mtu#</n>\n</profile>\n";
    assert_eq!(rules_of(Dialect::AutoYast, ok), []);
    let bad = ok.replace(">false<", ">no<");
    assert_eq!(
        rules_of(Dialect::AutoYast, &bad),
        [(Rule::UnattendStructure, Some(4))]
    );
    let bad = ok.replace("\"boolean\"", "\"bool\"");
    assert_eq!(
        rules_of(Dialect::AutoYast, &bad),
        [(Rule::UnattendStructure, Some(4))]
    );
    let no_ns = "<profile><a/></profile>";
    assert_eq!(
        rules_of(Dialect::AutoYast, no_ns),
        [(Rule::UnattendStructure, Some(1))]
    );
}

#[test]
fn kickstart_files() {
    let k = Dialect::of(Some("rhels"), Some("7.5"), "ks.cfg").unwrap();
    assert_eq!(
        rules_of(
            k,
            "lang en_US\nrootpw --iscrypted #predefined.x#\n%post\necho\n%end\n"
        ),
        []
    );
    let f = check(
        k,
        "u",
        b"lang en_US\nnetwrk --bootproto=dhcp\n",
        &BTreeMap::new(),
    );
    assert_eq!(
        (f[0].rule, f[0].line, f[0].column),
        (Rule::UnattendMalformed, Some(2), Some(1))
    );
    assert!(
        f[0].message.contains("did you mean \"network\""),
        "{}",
        f[0].message
    );
    // authselect is RHEL 8's, not RHEL 7's.
    assert_eq!(
        rules_of(k, "authselect x\n"),
        [(Rule::UnattendMalformed, Some(1))]
    );
    let k8 = Dialect::of(Some("rhels"), Some("8.6"), "ks.cfg").unwrap();
    assert_eq!(rules_of(k8, "authselect x\n"), []);
    assert_eq!(
        rules_of(k, "\u{feff}lang en_US\n"),
        [(Rule::UnattendMalformed, Some(1))]
    );
    let f = check(k, "u", b"autopart --nohoem\n", &BTreeMap::new());
    assert!(
        f[0].message.contains("did you mean \"--nohome\""),
        "{}",
        f[0].message
    );
}

#[test]
fn esxi_kickstart_needs_its_commands() {
    let ok = "vmaccepteula\nrootpw x\ninstall --firstdisk --overwritevmfs\nnetwork --bootproto=dhcp\n%firstboot --interpreter=busybox\necho\n";
    assert_eq!(rules_of(Dialect::Esxi, ok), []);
    let f = rules_of(Dialect::Esxi, "rootpw x\n");
    assert_eq!(
        f,
        [
            (Rule::UnattendStructure, Some(1)),
            (Rule::UnattendStructure, Some(1))
        ]
    );
}

#[test]
fn ubuntu_autoinstall_and_preseed() {
    let ai = "#cloud-config\nautoinstall:\n  version: 1\n  identity:\n    hostname: #predefined.hostPlatforms.networkSettings.hostname#\n";
    assert_eq!(rules_of(Dialect::Ubuntu, ai), []);
    assert_eq!(
        rules_of(Dialect::Ubuntu, "#cloud-config\nusers: []\n"),
        [(Rule::UnattendStructure, Some(1))]
    );
    assert_eq!(
        rules_of(Dialect::Ubuntu, "version: 1\nidentity: [\n"),
        [(Rule::UnattendMalformed, Some(3))]
    );
    let ps = "d-i debian-installer/locale string en_US\nd-i netcfg/choose_interface\n";
    assert_eq!(
        rules_of(Dialect::Ubuntu, ps),
        [(Rule::UnattendMalformed, Some(2))]
    );
}
