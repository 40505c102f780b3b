//! Any datagram from the network: the parser must never panic, and whatever it accepts must serialise to
//! bytes it accepts again as the same message (but for the Content-Length it always writes).
#![no_main]

use council_sip::uas::{self, UasPolicy};
use council_sip::{Message, parse_datagram};
use libfuzzer_sys::fuzz_target;

fn without_length(mut m: Message) -> Message {
    let headers = match &mut m {
        Message::Request(r) => &mut r.headers,
        Message::Response(r) => &mut r.headers,
    };
    headers.0.retain(|h| h.name != "Content-Length");
    m
}

fuzz_target!(|data: &[u8]| {
    match parse_datagram(data) {
        Ok(message) => {
            let again = parse_datagram(&message.to_bytes()).expect("a serialised message parses");
            assert_eq!(without_length(message.clone()), without_length(again));
            match &message {
                Message::Request(r) => {
                    let _ = uas::inspect_request(r, &UasPolicy::default());
                }
                Message::Response(r) => {
                    let _ = uas::inspect_response(r);
                }
            }
        }
        Err(e) => {
            let _ = (e.status(), e.reason());
        }
    }
});
