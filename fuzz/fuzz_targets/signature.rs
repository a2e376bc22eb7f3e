//! Fuzzes the signature readers: minisign `.minisig` files and SSH `.sig` files (PEM
//! SSHSIG), parsed and verified against a fixed file with fixed keys. Never a panic;
//! random bytes never verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::internals::sign::{minisig, ssh};
use osbundle::sign::AllowedSigners;

const PUBLIC: &str = "untrusted comment: minisign public key\nRWR7r8GY4dIDNyhPevCACj+2oiemFUqOOrKQoUrvpFZDJEW8rNfc0uif\n";
const ALLOWED: &str = "ops@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = minisig::signer_of(&text);
    let _ = ssh::signer_of(&text);
    let file = std::env::temp_dir().join("osbundle-fuzz-signed-file");
    if !file.exists() {
        let _ = std::fs::write(&file, b"the signed bytes");
    }
    if let Ok(key) = minisig::parse_public_key(PUBLIC) {
        let _ = minisig::verify_file(&file, &text, &key);
    }
    let allowed = AllowedSigners::parse(ALLOWED);
    let _ = ssh::verify_file(
        &file,
        &text,
        &allowed,
        Some("ops@example.com"),
        1_700_000_000,
    );
});
