//! RAS datagrams come from anyone on the network: decoding must never panic, and whatever decodes must re-encode,
//! and that encoding must decode again to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = council_h225::decode(data) {
        let bytes = council_h225::encode(&message).expect("a decoded message re-encodes");
        let again = council_h225::decode(&bytes).expect("our own encoding decodes");
        assert_eq!(again, message, "re-encoding changed the value");
    }
});
