// SPDX-License-Identifier: MPL-2.0

//! GStreamer caps of the codecs in [`crate::rtp::CODECS`], shared by both elements.

use crate::rtp::{CODECS, Codec};

/// Media type of a codec's encoded audio, as the rest of GStreamer names it.
pub fn media_type(codec: Codec) -> &'static str {
    match codec {
        Codec::Pcmu => "audio/x-mulaw",
        Codec::Pcma => "audio/x-alaw",
        Codec::G729 => "audio/G729",
    }
}

/// `audio/…, rate=8000, channels=1` for one codec.
pub fn audio_caps(codec: Codec) -> gst::Caps {
    gst::Caps::builder(media_type(codec))
        .field("rate", codec.info().clock_rate as i32)
        .field("channels", 1i32)
        .build()
}

/// The codec of encoded-audio caps, if they are one of ours.
pub fn codec_of(s: &gst::StructureRef) -> Option<Codec> {
    CODECS
        .iter()
        .map(|c| c.codec)
        .find(|c| media_type(*c) == s.name())
}

/// All codecs' audio caps, in table order.
pub fn all_audio_caps() -> gst::Caps {
    let mut caps = gst::Caps::new_empty();
    {
        let caps = caps.get_mut().unwrap();
        for info in &CODECS {
            caps.append(audio_caps(info.codec));
        }
    }
    caps
}

/// `application/x-rtp, media=audio, clock-rate=8000`: what both elements carry on their RTP side.
pub fn rtp_caps() -> gst::Caps {
    gst::Caps::builder("application/x-rtp")
        .field("media", "audio")
        .field("clock-rate", 8000i32)
        .build()
}
