//! Checkpoint notes and key texts come from files others hand us: parse anything without panicking.
#![no_main]

use council_witness::{Note, SignerKey, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Note::parse(text);
        let _ = Verifier::parse(text);
        let _ = SignerKey::parse(text);
    }
});
