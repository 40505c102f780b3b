//! The pipeline descriptions in `pipelines/`, loaded the way `gst-launch-1.0` reads them.
//!
//! Each file is a runnable `gst-launch-1.0` description with working defaults; lines starting with `#` are comments.
//! The orchestrator parses the same text and sets what varies per run on elements by name, so the file stays the
//! one source of truth for each pipeline's shape. A leg's *core* is the part a call needs: an in leg from `rtp-in`
//! to `tap` (without its standalone WAV tail), an out leg from `tap` to `rtp-out` (without its test-tone head).

use gst::prelude::*;

use crate::Error;

/// `pipelines/sip-pcmu-in.pipeline`.
pub const SIP_PCMU_IN: &str = include_str!("../../../pipelines/sip-pcmu-in.pipeline");
/// `pipelines/sip-pcmu-out.pipeline`: audio to a SIP phone as PCMU.
pub const SIP_PCMU_OUT: &str = include_str!("../../../pipelines/sip-pcmu-out.pipeline");
/// `pipelines/sip-pcma-in.pipeline`.
pub const SIP_PCMA_IN: &str = include_str!("../../../pipelines/sip-pcma-in.pipeline");
/// `pipelines/sip-pcma-out.pipeline`.
pub const SIP_PCMA_OUT: &str = include_str!("../../../pipelines/sip-pcma-out.pipeline");
/// `pipelines/h323-g729-in.pipeline`: G.729 from an H.323 terminal (or any RTP peer), decoded.
pub const H323_G729_IN: &str = include_str!("../../../pipelines/h323-g729-in.pipeline");
/// `pipelines/h323-g729-out.pipeline`.
pub const H323_G729_OUT: &str = include_str!("../../../pipelines/h323-g729-out.pipeline");
/// `pipelines/bridge-sip-to-h323.pipeline`: PCMU from a SIP phone to G.729 for an H.323 terminal.
pub const BRIDGE_SIP_TO_H323: &str = include_str!("../../../pipelines/bridge-sip-to-h323.pipeline");

/// The description without its comment lines.
pub fn description(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The elements of a description: its words (split at white space) cut at each `!`. A caps filter is an element
/// of one word.
fn elements(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    for word in description(text).split_whitespace() {
        if word == "!" {
            out.push(Vec::new());
        } else {
            out.last_mut().expect("never empty").push(word.to_owned());
        }
    }
    out
}

fn position_of(elements: &[Vec<String>], name: &str) -> Result<usize, Error> {
    let word = format!("name={name}");
    elements
        .iter()
        .position(|e| e.contains(&word))
        .ok_or_else(|| Error::NoSuchElement(name.to_owned()))
}

fn join(elements: &[Vec<String>], prefix: &str) -> String {
    elements
        .iter()
        .map(|e| {
            e.iter()
                .map(|w| match w.strip_prefix("name=") {
                    Some(n) => format!("name={prefix}{n}"),
                    None => w.clone(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ! ")
}

/// The whole description with every `name=X` made `name=<prefix>X`.
pub fn prefix_names(text: &str, prefix: &str) -> String {
    join(&elements(text), prefix)
}

/// An in leg's core, from its first element to `tap` inclusive, with every `name=X` made `name=<prefix>X`.
pub fn in_core(text: &str, prefix: &str) -> Result<String, Error> {
    let e = elements(text);
    let tap = position_of(&e, "tap")?;
    position_of(&e, "rtp-in")?;
    Ok(join(&e[..=tap], prefix))
}

/// An out leg's core, from `tap` to its last element, names prefixed likewise.
pub fn out_core(text: &str, prefix: &str) -> Result<String, Error> {
    let e = elements(text);
    let tap = position_of(&e, "tap")?;
    position_of(&e, "rtp-out")?;
    Ok(join(&e[tap..], prefix))
}

/// `text` with the element named `name` replaced by `with` (one element or a chain, gst-launch syntax), e.g. the
/// out legs' test-tone source `audio-in` by `filesrc location="F" ! wavparse`.
pub fn replace(text: &str, name: &str, with: &str) -> Result<String, Error> {
    let e = elements(text);
    let at = position_of(&e, name)?;
    let before = join(&e[..at], "");
    let after = join(&e[at + 1..], "");
    Ok([before.as_str(), with, after.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ! "))
}

/// Parses `text` into a pipeline and sets each `(element name, property, value)` from its string form.
pub fn launch(text: &str, settings: &[(&str, &str, String)]) -> Result<gst::Pipeline, Error> {
    let pipeline = gst::parse::launch(&description(text))
        .map_err(|e| Error::Parse(e.to_string()))?
        .downcast::<gst::Pipeline>()
        .map_err(|_| Error::Parse("the description is not a whole pipeline".into()))?;
    set(&pipeline, settings)?;
    Ok(pipeline)
}

/// Sets each `(element name, property, value)` on the elements of `pipeline` (or any bin), from the value's string
/// form.
pub fn set(pipeline: &impl IsA<gst::Bin>, settings: &[(&str, &str, String)]) -> Result<(), Error> {
    for (element, property, value) in settings {
        let el = pipeline
            .by_name(element)
            .ok_or_else(|| Error::NoSuchElement((*element).to_owned()))?;
        if el.find_property(property).is_none() {
            return Err(Error::NoSuchProperty {
                element: (*element).to_owned(),
                property: (*property).to_owned(),
            });
        }
        el.set_property_from_str(property, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_stripped_and_names_are_there() {
        for (text, names) in [
            (SIP_PCMU_OUT, &["tap", "rtp-out"][..]),
            (BRIDGE_SIP_TO_H323, &["tap", "rtp-in", "rtp-out"]),
            (H323_G729_IN, &["tap", "rtp-in", "audio-out"]),
        ] {
            let d = description(text);
            assert!(!d.contains('#'));
            for name in names {
                assert!(d.contains(&format!("name={name} ")), "{name}");
            }
        }
    }

    #[test]
    fn an_element_is_replaced_by_a_chain() {
        let d = replace(
            H323_G729_OUT,
            "audio-in",
            "filesrc location=\"/tmp/a b.wav\" ! wavparse",
        )
        .unwrap();
        assert!(
            d.starts_with("filesrc location=\"/tmp/a b.wav\" ! wavparse ! audioconvert"),
            "{d}"
        );
        assert!(!d.contains("audiotestsrc"), "{d}");
        assert!(d.ends_with("port=16002"), "{d}");
        assert!(matches!(
            replace(H323_G729_OUT, "nope", "x"),
            Err(Error::NoSuchElement(_))
        ));
    }

    #[test]
    fn leg_cores() {
        let rx = in_core(SIP_PCMU_IN, "rx-").unwrap();
        assert!(rx.starts_with("udpsrc name=rx-rtp-in "), "{rx}");
        assert!(rx.ends_with("location=sip-pcmu-in.log"), "{rx}");
        assert!(!rx.contains("wavenc") && !rx.contains("audio-out"), "{rx}");
        assert!(rx.contains(" ! rtpjitterbuffer name=rx-jitter "), "{rx}");
        let tx = out_core(SIP_PCMU_OUT, "tx-").unwrap();
        assert!(tx.starts_with("witnesstap name=tx-tap "), "{tx}");
        assert!(
            tx.ends_with("udpsink name=tx-rtp-out host=127.0.0.1 port=16012"),
            "{tx}"
        );
        assert!(!tx.contains("audiotestsrc"), "{tx}");
        for (i, o) in [(SIP_PCMA_IN, SIP_PCMA_OUT), (H323_G729_IN, H323_G729_OUT)] {
            assert!(in_core(i, "").is_ok() && out_core(o, "").is_ok());
        }
        assert!(matches!(in_core(SIP_PCMU_OUT, ""), Err(Error::NoSuchElement(n)) if n == "rtp-in"));
    }
}
