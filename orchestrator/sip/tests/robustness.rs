//! Deterministic mutations of the RFC 4475 messages (every prefix, and each byte replaced by a handful of
//! troublesome ones): the parser and framer never panic, and whatever the parser accepts serialises to bytes
//! it accepts again as the same message. The fuzz targets do this at random; this runs on every `cargo test`.

use std::path::PathBuf;

use council_sip::{Frame, Message, StreamDecoder, parse_datagram};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sip-torture");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dat"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn without_length(mut m: Message) -> Message {
    let headers = match &mut m {
        Message::Request(r) => &mut r.headers,
        Message::Response(r) => &mut r.headers,
    };
    headers.0.retain(|h| h.name != "Content-Length");
    m
}

/// Returns whether the input was accepted.
fn check(input: &[u8], what: &str) -> bool {
    let Ok(message) = parse_datagram(input) else {
        return false;
    };
    let again = parse_datagram(&message.to_bytes())
        .unwrap_or_else(|e| panic!("{what}: re-parse failed: {e}"));
    assert_eq!(without_length(message), without_length(again), "{what}");
    true
}

#[test]
fn prefixes_and_byte_substitutions() {
    let mut accepted = 0usize;
    let mut total = 0usize;
    for (name, data) in corpus() {
        for end in 0..data.len() {
            total += 1;
            accepted += usize::from(check(&data[..end], &format!("{name}[..{end}]")));
        }
        for i in 0..data.len() {
            for b in [0u8, b'\r', b' ', b';', b'"', 0xff] {
                let mut m = data.clone();
                m[i] = b;
                total += 1;
                accepted += usize::from(check(&m, &format!("{name}[{i}]={b:#04x}")));
            }
        }
    }
    // Some mutations stay valid (e.g. a changed letter in a value); most are refused.
    assert!(accepted > 0 && accepted < total, "{accepted} of {total}");
}

#[test]
fn the_whole_corpus_as_one_stream() {
    // Messages with a usable Content-Length, back to back on one stream, come out one by one, valid or not.
    let framed: Vec<(String, Vec<u8>)> = corpus()
        .into_iter()
        .filter(|(n, _)| {
            ![
                "inv2543.dat",
                "mcl01.dat",
                "ncl.dat",
                "baddn.dat",
                "clerr.dat",
                "dblreq.dat",
            ]
            .contains(&n.as_str())
        })
        .collect();
    let stream: Vec<u8> = framed.iter().flat_map(|(_, d)| d.clone()).collect();
    for chunk in [1, 7, 100, 1500, stream.len()] {
        let mut decoder = StreamDecoder::default();
        let mut frames = Vec::new();
        for piece in stream.chunks(chunk) {
            decoder.push(piece);
            while let Some(frame) = decoder.poll().unwrap() {
                frames.push(frame);
            }
        }
        assert_eq!(frames.len(), framed.len(), "chunk {chunk}");
        for ((name, data), frame) in framed.iter().zip(&frames) {
            let alone = parse_datagram(data);
            match (frame, alone) {
                (Frame::Message(m), Ok(a)) => assert_eq!(**m, a, "{name}"),
                (Frame::Invalid(e), Err(a)) => assert_eq!(e.status(), a.status(), "{name}"),
                (f, a) => panic!("{name}: stream gave {f:?}, datagram {a:?}"),
            }
        }
    }
}
