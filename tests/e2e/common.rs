//! Finding what the workspace built, for the end-to-end tests: they run the real `council` binary and load the
//! real plugin library the way a user does. `tests/run.sh` builds both (`cargo build --workspace`) before testing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `target/<profile>`: the test binary lives in `target/<profile>/deps/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_owned()
}

fn built(name: &str) -> PathBuf {
    let p = target_dir().join(name);
    assert!(
        p.exists(),
        "{} is missing: run `cargo build --workspace` first (tests/run.sh does)",
        p.display()
    );
    p
}

/// The `council` binary.
pub fn council() -> PathBuf {
    built("council")
}

/// The witness plugin library, as `cargo build` leaves it.
pub fn witness_plugin() -> PathBuf {
    built("libgstwitness.so")
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repo")
        .to_owned()
}

/// Installs the plugin into `dir/gstreamer-1.0/` (as a distribution would) and returns the environment that makes
/// GStreamer tools find only it there: `GST_PLUGIN_PATH` and a private registry.
pub fn install_plugin(dir: &Path) -> Vec<(String, String)> {
    let plugins = dir.join("gstreamer-1.0");
    std::fs::create_dir_all(&plugins).unwrap();
    std::fs::copy(witness_plugin(), plugins.join("libgstwitness.so")).unwrap();
    vec![
        ("GST_PLUGIN_PATH".into(), plugins.display().to_string()),
        (
            "GST_REGISTRY".into(),
            dir.join("registry.bin").display().to_string(),
        ),
    ]
}

/// Every plugin library the workspace builds.
pub const PLUGINS: [&str; 4] = [
    "libgstwitness.so",
    "libgsth323.so",
    "libgstcouncil.so",
    "libgstg729.so",
];

/// Like [`install_plugin`], for all of Council's plugins.
pub fn install_plugins(dir: &Path) -> Vec<(String, String)> {
    let plugins = dir.join("gstreamer-1.0");
    std::fs::create_dir_all(&plugins).unwrap();
    for lib in PLUGINS {
        std::fs::copy(built(lib), plugins.join(lib)).unwrap();
    }
    vec![
        ("GST_PLUGIN_PATH".into(), plugins.display().to_string()),
        (
            "GST_REGISTRY".into(),
            dir.join("registry.bin").display().to_string(),
        ),
    ]
}

/// Runs a command, returning its output; panics with its stderr if it could not start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// A free UDP port on loopback (bound, read, released).
pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub mod h323;
pub mod sip;
