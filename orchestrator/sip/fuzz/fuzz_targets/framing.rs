//! Any byte stream, cut into chunks: the framer must never panic, and must frame the same messages (or
//! fail the same way) however the stream is cut.
#![no_main]

use council_sip::framing::{Frame, FramingError, StreamDecoder};
use libfuzzer_sys::fuzz_target;

fn run(chunks: &[&[u8]]) -> (Vec<Frame>, Option<FramingError>) {
    let mut decoder = StreamDecoder::new(4096);
    let mut frames = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        loop {
            match decoder.poll() {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    (frames, None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&step, stream)) = data.split_first() else {
        return;
    };
    let step = usize::from(step).max(1);
    let chunks: Vec<&[u8]> = stream.chunks(step).collect();
    let (whole_frames, whole_error) = run(&[stream]);
    let (chunked_frames, chunked_error) = run(&chunks);
    assert_eq!(whole_frames, chunked_frames);
    // An error caused by bytes after the last framed message may show up only once they arrive, so only
    // compare errors when both runs report one.
    if let (Some(a), Some(b)) = (&whole_error, &chunked_error) {
        assert_eq!(a, b);
    }
});
