// SPDX-License-Identifier: MPL-2.0

//! Arbitrary text into the `pt-map` parser: no panic, and a map that parses prints back to itself.

#![no_main]

use gsth323::rtp::PtMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(map) = text.parse::<PtMap>() {
        let printed = map.to_string();
        assert_eq!(printed.parse::<PtMap>(), Ok(map));
    }
});
