//! The pipeline descriptions in `pipelines/`, loaded the way `gst-launch-1.0` reads them.
//!
//! Each file is a runnable `gst-launch-1.0` description with working defaults; lines starting with `#` are comments.
//! The orchestrator parses the same text and sets what varies per run on elements by name, so the file stays the
//! one source of truth for each pipeline's shape.

use anyhow::{Context as _, anyhow};
use gst::prelude::*;

/// `pipelines/sip-pcmu-out.pipeline`: audio to a SIP phone as PCMU.
pub const SIP_PCMU_OUT: &str = include_str!("../../../pipelines/sip-pcmu-out.pipeline");
/// `pipelines/bridge-sip-to-h323.pipeline`: PCMU from a SIP phone to G.729 for an H.323 terminal.
pub const BRIDGE_SIP_TO_H323: &str = include_str!("../../../pipelines/bridge-sip-to-h323.pipeline");
/// `pipelines/h323-g729-in.pipeline`: G.729 from an H.323 terminal, decoded.
pub const H323_G729_IN: &str = include_str!("../../../pipelines/h323-g729-in.pipeline");

/// The description without its comment lines.
pub fn description(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses `text` into a pipeline and sets each `(element name, property, value)` from its string form.
pub fn launch(text: &str, settings: &[(&str, &str, String)]) -> anyhow::Result<gst::Pipeline> {
    let pipeline = gst::parse::launch(&description(text))
        .context("parsing the pipeline description")?
        .downcast::<gst::Pipeline>()
        .map_err(|_| anyhow!("the description is not a whole pipeline"))?;
    for (element, property, value) in settings {
        let el = pipeline
            .by_name(element)
            .ok_or_else(|| anyhow!("the pipeline has no element named {element:?}"))?;
        if el.find_property(property).is_none() {
            return Err(anyhow!("element {element:?} has no property {property:?}"));
        }
        el.set_property_from_str(property, value);
    }
    Ok(pipeline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_stripped_and_names_are_there() {
        // What `council demo` sets on the leg pipelines.
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
}
