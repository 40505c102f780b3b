//! The pipeline descriptions in `pipelines/`, loaded the way `gst-launch-1.0` reads them.
//!
//! Each file is a runnable `gst-launch-1.0` description with working defaults; lines starting with `#` are comments.
//! The orchestrator parses the same text and sets what varies per run on elements by name, so the file stays the
//! one source of truth for each pipeline's shape.

use anyhow::{Context as _, anyhow};
use gst::prelude::*;

/// `pipelines/witness-demo.pipeline`.
pub const WITNESS_DEMO: &str = include_str!("../../../pipelines/witness-demo.pipeline");

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
        let d = description(WITNESS_DEMO);
        assert!(!d.contains('#'));
        for name in ["tx-tap", "rx-tap", "rtp-out", "rtp-in"] {
            assert!(d.contains(&format!("name={name} ")), "{name}");
        }
    }
}
