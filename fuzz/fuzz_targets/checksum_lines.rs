//! Checksum lines (`bundle/sums.rs`: the coreutils form with its `\` escapes and
//! text/binary marks, the BSD tag form, MD5/SHA-1/SHA-256/SHA-512 told by tag or
//! length). Any text parses without a panic, with line numbers in range; a line
//! parsed back and written again reads the same; a (digest, name) written by
//! `sums::line` or in the BSD form reads back as written.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_archive::sums::{self, Algorithm};

#[derive(Debug, Arbitrary)]
struct Input {
    /// Any checksum file.
    text: String,
    /// A file name to write and read back.
    name: String,
    /// Digest bytes; cut to the algorithm's length.
    digest: Vec<u8>,
    algorithm: u8,
    upper: bool,
}

fuzz_target!(|input: Input| {
    let lines = input.text.lines().count();
    for parsed in sums::parse(&input.text) {
        let number = match &parsed {
            Ok((n, line)) => {
                assert_eq!(line.digest.len(), line.algorithm.digest_len());
                // Written again in the coreutils form, it reads the same.
                if !line.name.is_empty() {
                    let again = sums::parse_line(
                        sums::line(&line.digest, &line.name).trim_end_matches('\n'),
                    )
                    .expect("a line sums::line wrote parses");
                    assert_eq!(
                        (again.digest, again.name),
                        (line.digest.clone(), line.name.clone())
                    );
                }
                *n
            }
            Err((n, why)) => {
                assert!(!why.is_empty());
                *n
            }
        };
        assert!(number >= 1 && number <= lines, "line {number} of {lines}");
    }

    let algorithm = Algorithm::ALL[usize::from(input.algorithm % 4)];
    let mut digest = input.digest;
    digest.resize(algorithm.digest_len(), 0x5a);
    if input.name.is_empty() {
        return;
    }
    let written = sums::line(&digest, &input.name);
    let written = if input.upper {
        // `sha256sum -c` takes upper-case digits too.
        written.replacen(&sums::hex(&digest), &sums::hex(&digest).to_uppercase(), 1)
    } else {
        written
    };
    let parsed = sums::parse(&written);
    assert_eq!(parsed.len(), 1, "{written:?}");
    let (_, line) = parsed[0].clone().expect("a written line parses");
    assert_eq!(line.algorithm, algorithm);
    assert_eq!(line.digest, digest);
    assert_eq!(line.name, input.name, "{written:?}");
    assert!(!line.tagged && !line.binary);
    // The BSD tag form, for names `--tag` writes without escapes.
    if !input.name.contains(['\\', '\n', '\r']) {
        let tagged = format!(
            "{} ({}) = {}",
            algorithm.tag(),
            input.name,
            sums::hex(&digest)
        );
        let line = sums::parse_line(&tagged).expect("a tagged line parses");
        assert_eq!(
            (line.algorithm, &line.digest, &line.name),
            (algorithm, &digest, &input.name)
        );
        assert!(line.tagged);
    }
});
