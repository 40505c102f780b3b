//! Arbitrary bytes as a peer's tunnelled H.245, cut into messages at each 0xee, fed to both kinds of tunnel side
//! (master and slave, each opening its channels over H.245) and to one that does not: no input may panic, and what
//! a side answers is H.245 that decodes.
#![no_main]

use council_h245::decode;
use council_h245::tunnel::{MCU, TERMINAL, Tunnel};
use council_rtp::Codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let messages: Vec<Vec<u8>> = data.split(|&b| b == 0xee).map(<[u8]>::to_vec).collect();
    let rtp = "192.0.2.1:10000".parse().unwrap();
    let rtcp = "192.0.2.1:10001".parse().unwrap();
    for (kind, channels) in [(MCU, true), (TERMINAL, true), (MCU, false)] {
        let mut tunnel = Tunnel::new(&[Codec::G729, Codec::Pcmu, Codec::Pcma], kind, 7);
        if channels {
            tunnel.open_channels(rtp, rtcp);
        }
        // Twice: a second round sees the state the first left.
        for _ in 0..2 {
            for reply in tunnel.receive(&messages) {
                decode(&reply).expect("our answers decode");
            }
        }
        let _ = tunnel.channel_media();
    }
});
