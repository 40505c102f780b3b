//! No pipeline, socket or task leaks: after a warm-up of a few calls, the server's open file descriptors
//! (`/proc/PID/fd`: sockets, pipes, files) and threads (`/proc/PID/task`: GStreamer streaming threads, runtime
//! workers) are counted; after 1,000 more calls they must be back to (about) the same numbers.

use std::time::{Duration, Instant};

use council_e2e::sip::*;

/// Slack for what may legitimately come and go (a runtime's idle worker, a GStreamer pool thread).
const SLACK: usize = 4;

#[test]
fn a_thousand_calls_leave_no_fds_or_threads_behind() {
    if !have("sipp", "sip-tester") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let pid = server.pid();

    let warm = Sipp::uac(dir.path(), server.sip, 10, 10, 200).run();
    assert_eq!(
        (warm.successful, warm.failed),
        (10, 0),
        "warm-up: {}",
        warm.report()
    );
    let before = settled(pid, None);
    eprintln!("after the warm-up: {} fds, {} threads", before.0, before.1);

    let r = Sipp::uac(dir.path(), server.sip, 1000, 150, 200).run();
    assert_eq!((r.successful, r.failed), (1000, 0), "{}", r.report());
    let after = settled(pid, Some(before));
    eprintln!("after 1,000 calls: {} fds, {} threads", after.0, after.1);

    assert!(
        after.0 <= before.0 + SLACK,
        "fds grew from {} to {} over 1,000 calls: {:?}",
        before.0,
        after.0,
        fd_targets(pid)
    );
    assert!(
        after.1 <= before.1 + SLACK,
        "threads grew from {} to {} over 1,000 calls",
        before.1,
        after.1
    );
    if server.is_council() {
        let released = server.await_witness("call-released", 1010, Duration::from_secs(15));
        assert_eq!(released, 1010, "every call released");
    }
    server.stop();
}

/// The counts once calls have wound down: the smallest seen over 3 s (teardown is asynchronous), or, given a
/// `target`, as soon as they are back within its slack (at most 30 s: on a loaded machine the last pipelines take a
/// while to stop; what is still open after that is a leak).
fn settled(pid: u32, target: Option<(usize, usize)>) -> (usize, usize) {
    let end = Instant::now() + Duration::from_secs(if target.is_some() { 30 } else { 3 });
    let mut best = fds_and_threads(pid);
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(250));
        let now = fds_and_threads(pid);
        best = (best.0.min(now.0), best.1.min(now.1));
        if let Some(t) = target
            && best.0 <= t.0 + SLACK
            && best.1 <= t.1 + SLACK
        {
            break;
        }
    }
    best
}

/// What the descriptors point at (sockets, pipes, files), for the message when they leak.
fn fd_targets(pid: u32) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .map(|p| {
                    let s = p.display().to_string();
                    // socket:[12345] → socket
                    s.split(":[").next().unwrap_or(&s).to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    let mut counted: Vec<String> = Vec::new();
    for k in v.iter().collect::<std::collections::BTreeSet<_>>() {
        counted.push(format!("{k} ×{}", v.iter().filter(|x| *x == k).count()));
    }
    counted
}
