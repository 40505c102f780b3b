// SPDX-License-Identifier: MPL-2.0

//! The plugin as GStreamer loads it: `gst-inspect-1.0` finds `g729dec` and `g729enc` in the built `cdylib`.

use std::path::PathBuf;
use std::process::Command;

/// The `cdylib` cargo built next to this test (`target/<profile>/deps/libgstg729.so`).
fn built_plugin() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let lib = deps.join(format!(
        "{}gstg729{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    lib.exists().then_some(lib)
}

fn inspect(element: &str) -> Option<String> {
    let Some(lib) = built_plugin() else {
        eprintln!("skipped: no libgstg729 next to the test binary");
        return None;
    };
    // Only our plugin in the path (deps/ holds other libraries), and a registry of our own: the user's stays
    // untouched and tests running at the same time do not share one.
    let dir = std::env::temp_dir().join(format!(
        "gst-plugin-g729-inspect-{}-{element}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&lib, dir.join(lib.file_name().unwrap())).unwrap();
    let out = Command::new("gst-inspect-1.0")
        .arg(element)
        .env("GST_PLUGIN_PATH", &dir)
        .env("GST_PLUGIN_SYSTEM_PATH_1_0", "")
        .env("GST_REGISTRY_1_0", dir.join("registry.bin"))
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = match out {
        Ok(out) => out,
        Err(err) => {
            eprintln!("skipped: gst-inspect-1.0 not runnable: {err}");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "gst-inspect-1.0 {element}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}

#[test]
fn gst_inspect_finds_g729dec() {
    let Some(out) = inspect("g729dec") else {
        return;
    };
    assert!(out.contains("G.729 audio decoder"), "{out}");
    assert!(out.contains("audio/G729"), "{out}");
    assert!(out.contains("plc"), "{out}");
    assert!(out.contains("stats"), "{out}");
}

#[test]
fn gst_inspect_finds_g729enc() {
    let Some(out) = inspect("g729enc") else {
        return;
    };
    assert!(out.contains("G.729 audio encoder"), "{out}");
    assert!(out.contains("audio/G729"), "{out}");
    assert!(out.contains("vad"), "{out}");
}
