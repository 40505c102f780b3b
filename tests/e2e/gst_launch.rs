//! `witnesstap` through the installed plugin path, driven by the stock GStreamer tools.

use std::process::Command;

use council_e2e::*;

#[test]
fn gst_inspect_documents_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(Command::new("gst-inspect-1.0")
        .arg("witnesstap")
        .envs(install_plugin(dir.path())));
    let s = text(&out.stdout);
    assert!(out.status.success(), "{s}{}", text(&out.stderr));
    for prop in [
        "location", "key", "label", "interval", "buffers", "bytes", "entries",
    ] {
        assert!(
            s.contains(&format!("  {prop:<20}")) || s.contains(&format!("  {prop} ")),
            "property {prop} missing:\n{s}"
        );
    }
    assert!(s.contains("GstBaseTransform"), "{s}");
}

/// The same deterministic audio through gst-launch-1.0 with and without a witnesstap: the output files are
/// identical byte for byte, and the log verifies.
#[test]
fn gst_launch_passes_media_through_unchanged_and_the_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let env = install_plugin(dir.path());
    let log = dir.path().join("w.log");
    let src = "audiotestsrc num-buffers=200 samplesperbuffer=160 wave=sine freq=697 ! audio/x-raw,format=S16LE,rate=8000,channels=1";
    let plain = dir.path().join("plain.raw");
    let tapped = dir.path().join("tapped.raw");
    for (out, tap) in [
        (&plain, String::new()),
        (
            &tapped,
            format!(
                "! witnesstap location={} label=e2e interval=500000000 ",
                log.display()
            ),
        ),
    ] {
        let desc = format!("{src} {tap}! filesink location={}", out.display());
        let o = run(Command::new("gst-launch-1.0")
            .arg("-q")
            .args(desc.split(' '))
            .envs(env.clone()));
        assert!(
            o.status.success(),
            "{desc}\n{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
    let a = std::fs::read(&plain).unwrap();
    let b = std::fs::read(&tapped).unwrap();
    assert_eq!(a.len(), 200 * 160 * 2);
    assert!(a == b, "witnesstap changed the media");

    let o = run(Command::new(council())
        .args(["witness", "verify"])
        .arg(&log));
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    // 200 buffers of 20 ms = 4 s of stream time at 0.5 s per interval: 8 digests, every byte accounted for.
    let entries: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let digests: Vec<_> = entries
        .iter()
        .filter(|e| e["kind"] == "media-digest")
        .collect();
    assert_eq!(digests.len(), 8, "{digests:?}");
    let bytes: u64 = digests
        .iter()
        .map(|d| d["fields"]["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(bytes, a.len() as u64);
    assert!(digests.iter().all(|d| d["fields"]["label"] == "e2e"));
}

/// The demo pipeline description runs by hand exactly as pipelines/README.md says, in two runs: it is valid
/// gst-launch syntax with working defaults (here only the port is changed, to a free one).
#[test]
fn the_demo_pipeline_runs_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let env = install_plugin(dir.path());
    let text_desc =
        std::fs::read_to_string(repo().join("pipelines/witness-demo.pipeline")).unwrap();
    let port = free_udp_port();
    let words: Vec<String> = text_desc
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace())
        .map(|w| w.replace("port=5004", &format!("port={port}")))
        .collect();
    let o = run(Command::new("timeout")
        .args(["-s", "INT", "-k", "5", "3", "gst-launch-1.0", "-e"])
        .args(&words)
        .current_dir(dir.path())
        .envs(env));
    // timeout's own status is 124 when it had to interrupt; gst-launch -e then finishes with EOS.
    let log = dir.path().join("witness-demo.log");
    assert!(
        log.exists(),
        "no log: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let v = run(Command::new(council())
        .args(["witness", "verify"])
        .arg(&log));
    assert!(v.status.success(), "{}{}", text(&v.stdout), text(&v.stderr));
    let s = std::fs::read_to_string(&log).unwrap();
    assert!(
        s.contains("\"label\":\"demo/tx\"") && s.contains("\"label\":\"demo/rx\""),
        "{s}"
    );
}
