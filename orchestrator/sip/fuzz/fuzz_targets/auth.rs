//! Any `Authorization` / `WWW-Authenticate` value: the digest parser must never panic, a value it accepts
//! must write back to one it reads as the same, and a server check of it must never panic either.
#![no_main]

use std::time::Duration;

use council_sip::auth::{Challenge, Challenger, Credentials, Secret, parse_auth_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_auth_value(value);
    if let Ok(c) = Credentials::parse(value) {
        assert_eq!(Credentials::parse(&c.to_string()).as_ref(), Ok(&c));
    }
    if let Ok(c) = Challenge::parse(value) {
        assert_eq!(Challenge::parse(&c.to_string()).as_ref(), Ok(&c));
    }
    let challenger = Challenger::new("council.example", [7; 32], Duration::from_secs(300))
        .expect("a plain realm");
    let _ = challenger.verify(
        "INVITE",
        "sip:council@council.example",
        Some(value),
        1_780_000_000,
        |_| Some(Secret::Password("pass".into())),
    );
});
