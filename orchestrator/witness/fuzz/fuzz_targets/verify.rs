//! The verifier on arbitrary bytes: it reads logs an attacker may have edited, so it must never panic.
#![no_main]

use council_witness::{VerifyOptions, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = verify(data, &VerifyOptions::default());
});
