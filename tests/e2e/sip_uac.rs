//! Council as the caller (`council call`): against SIPp's own UAS it places the call, ACKs the 200 and hangs up
//! with a BYE; against a SIPp callee that only rings, it CANCELs and ACKs the 487; and against `council serve`
//! both ends witness the call.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use council_e2e::{council, repo};

fn have_sipp() -> bool {
    let ok = Command::new("sipp").arg("-v").output().is_ok();
    if !ok && std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "sipp is not installed, but CI must run this test (.ci/deps.sh installs sip-tester)"
        );
    }
    if !ok {
        eprintln!("sipp is not installed: skipping (apt-get install sip-tester)");
    }
    ok
}

struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// SIPp as a callee on a free port, logging every message; `scenario` is `None` for its built-in `uas`.
fn sipp_callee(dir: &std::path::Path, scenario: Option<&str>) -> (Reaped, u16) {
    let port = free_port();
    let mut cmd = Command::new("timeout");
    cmd.args(["30", "sipp"]);
    match scenario {
        Some(s) => cmd.arg("-sf").arg(repo().join("tests/data/sipp").join(s)),
        None => cmd.args(["-sn", "uas"]),
    };
    cmd.args([
        "-i",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-m",
        "1",
        "-nostdin",
        "-trace_msg",
        "-message_file",
    ])
    .arg(dir.join("messages.log"))
    .current_dir(dir)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let child = cmd.spawn().expect("start sipp");
    std::thread::sleep(Duration::from_millis(500));
    (Reaped(child), port)
}

fn call(dir: &std::path::Path, to: &str, seconds: u64) -> std::process::Output {
    Command::new("timeout")
        .args(["60"])
        .arg(council())
        .args([
            "call",
            to,
            "--seconds",
            &seconds.to_string(),
            "--sip",
            "127.0.0.1:0",
            "--witness-dir",
        ])
        .arg(dir)
        .output()
        .expect("run council call")
}

/// The request methods and response codes SIPp saw, in order (`>` sent, `<` received).
fn messages(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("messages.log")).unwrap_or_default();
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let dir = if l.contains("message received") {
            "<"
        } else if l.contains("message sent") {
            ">"
        } else {
            continue;
        };
        if let Some(first) = lines.by_ref().find(|l| !l.trim().is_empty()) {
            let word = if first.starts_with("SIP/2.0 ") {
                first[8..11].to_owned()
            } else {
                first.split(' ').next().unwrap_or_default().to_owned()
            };
            out.push(format!("{dir}{word}"));
        }
    }
    out
}

fn kinds(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("witness.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .filter(|k| k.starts_with("call-"))
        .collect()
}

#[test]
fn council_calls_sipp_and_hangs_up() {
    if !have_sipp() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut sipp, port) = sipp_callee(dir.path(), None);
    let out = call(dir.path(), &format!("sip:bob@127.0.0.1:{port}"), 1);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = sipp.0.wait();
    let seen = messages(dir.path());
    let order: Vec<&str> = seen.iter().map(String::as_str).collect();
    for expected in ["<INVITE", ">180", ">200", "<ACK", "<BYE", ">200"] {
        assert!(
            order.contains(&expected),
            "{expected} missing from {order:?}"
        );
    }
    let ack = order.iter().position(|m| *m == "<ACK").unwrap();
    let bye = order.iter().position(|m| *m == "<BYE").unwrap();
    assert!(ack < bye, "{order:?}");
    assert_eq!(kinds(dir.path()), ["call-bridged", "call-released"]);
}

#[test]
fn an_unanswered_call_is_cancelled() {
    if !have_sipp() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut sipp, port) = sipp_callee(dir.path(), Some("uas-ring-cancel.xml"));
    let out = call(dir.path(), &format!("sip:bob@127.0.0.1:{port}"), 1);
    // Not answered: exit 1.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = sipp.0.wait().unwrap();
    assert!(
        status.success(),
        "the SIPp scenario did not complete: {:?}",
        messages(dir.path())
    );
    let seen = messages(dir.path());
    for expected in ["<INVITE", ">180", "<CANCEL", ">200", ">487", "<ACK"] {
        assert!(
            seen.iter().any(|m| m == expected),
            "{expected} missing from {seen:?}"
        );
    }
    assert_eq!(kinds(dir.path()), ["call-released"]);
}

#[test]
fn council_calls_council() {
    let dir = tempfile::tempdir().unwrap();
    let serve_dir = dir.path().join("serve");
    let mut child = Command::new(council())
        .args([
            "serve",
            "--media",
            "echo",
            "--sip",
            "127.0.0.1:0",
            "--witness-dir",
        ])
        .arg(&serve_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let serve = Reaped(child);
    let port: u16 = line.split(':').next_back().unwrap().trim().parse().unwrap();
    let out = call(
        &dir.path().join("call"),
        &format!("sip:council@127.0.0.1:{port}"),
        1,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        kinds(&dir.path().join("call")),
        ["call-bridged", "call-released"]
    );
    std::thread::sleep(Duration::from_millis(300));
    drop(serve);
    // The callee's side passed the gates first.
    assert_eq!(
        kinds(&serve_dir),
        ["call-admitted", "call-bridged", "call-released"]
    );
}
