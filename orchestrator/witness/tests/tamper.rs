//! One test per kind of tampering: `verify` must fail and name the first bad line.

mod common;

use common::*;
use council_witness::{Failure, Note, Problem, SignerKey, VerifyOptions, verify, verify_file};
use serde_json::Value;

struct Case {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    key: SignerKey,
    lines: Vec<String>,
}

/// A signed log of 24 calls checkpointed every 5 entries: genesis, 24 calls, 5 checkpoints, shutdown.
fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let key = SignerKey::generate("council.test/witness").unwrap();
    let path = write_log(dir.path(), Some(&key), 5, 24);
    let lines = lines(&path);
    Case {
        _dir: dir,
        path,
        key,
        lines,
    }
}

impl Case {
    fn opts(&self) -> VerifyOptions {
        VerifyOptions {
            key: Some(self.key.verifier().clone()),
            checkpoints: vec![],
        }
    }

    /// Writes `lines` over the log and verifies it with the pinned key.
    fn check(&self, lines: &[String]) -> Failure {
        write_lines(&self.path, lines);
        match verify_file(&self.path, &self.opts()) {
            Err(council_witness::Error::Invalid { failure, .. }) => failure,
            other => panic!("tampering went unnoticed: {other:?}"),
        }
    }

    /// Index (0-based) of a non-checkpoint line in the middle.
    fn plain_line(&self) -> usize {
        (10..)
            .find(|&i| kind_of(&self.lines[i]) == "call-admitted")
            .unwrap()
    }
}

#[test]
fn untouched_log_verifies() {
    let c = case();
    let report = verify_file(&c.path, &c.opts()).unwrap();
    assert_eq!(report.entries, c.lines.len() as u64);
    // Genesis, 24 calls, a checkpoint after every 5 of those 25 and one at shutdown.
    assert_eq!(report.entries, 1 + 24 + 5 + 1);
    assert_eq!(report.checkpoints, 6);
    assert!(report.closed);
    assert!(report.key_pinned);
    assert!(report.torn_tail.is_none());
    assert_eq!(report.attested, report.entries - 1);
}

#[test]
fn edited_field_is_named() {
    let c = case();
    let i = c.plain_line();
    let mut l = c.lines.clone();
    l[i] = l[i].replace("\"gate\":\"policy\"", "\"gate\":\"identity\"");
    assert_ne!(l[i], c.lines[i]);
    let f = c.check(&l);
    assert_eq!(f.line, i as u64 + 1, "{f}");
    assert_eq!(f.problem, Problem::Altered { by: i as u64 + 2 });
}

#[test]
fn edited_number_in_line_before_last_is_named() {
    let c = case();
    let n = c.lines.len();
    // The second-to-last line has no successor beyond the last, so the blame cannot use a look-ahead.
    let i = n - 2;
    let mut l = c.lines.clone();
    let v: Value = serde_json::from_str(&l[i]).unwrap();
    let old = v["time"].as_str().unwrap().to_owned();
    l[i] = l[i].replace(&old, "2001-01-01T00:00:00.000000Z");
    let f = c.check(&l);
    assert_eq!(f.line, i as u64 + 1, "{f}");
}

#[test]
fn whitespace_only_edit_is_named() {
    let c = case();
    let i = c.plain_line();
    let mut l = c.lines.clone();
    l[i] = l[i].replacen(",", ", ", 1);
    let f = c.check(&l);
    assert_eq!(
        (f.line, f.problem.clone()),
        (i as u64 + 1, Problem::NotCanonical),
        "{f}"
    );
    // Trailing white space too.
    let mut l = c.lines.clone();
    l[i].push(' ');
    assert_eq!(c.check(&l).line, i as u64 + 1);
}

#[test]
fn deleted_line_is_named() {
    let c = case();
    let i = c.plain_line();
    let mut l = c.lines.clone();
    l.remove(i);
    let f = c.check(&l);
    let k = i as u64 + 1;
    assert_eq!(f.line, k, "{f}");
    assert_eq!(
        f.problem,
        Problem::Missing {
            first: k,
            last: k,
            found: k + 1
        }
    );
}

#[test]
fn inserted_line_is_named() {
    let c = case();
    let i = c.plain_line();
    // A well-formed forgery: right sequence number and a correct chain to the line before it.
    let before = c.lines[i - 1].as_bytes();
    let prev = council_witness::hex(&council_witness::merkle::leaf_hash(before));
    let forged = council_witness::Entry {
        seq: i as u64 + 1,
        time: "2026-11-24T00:00:00.000000Z".into(),
        kind: "call-admitted".into(),
        fields: fields(serde_json::json!({"call": "ghost", "gate": "policy", "n": 99})),
        prev,
    };
    let mut l = c.lines.clone();
    l.insert(i, forged.to_line());
    let f = c.check(&l);
    assert_eq!(f.line, i as u64 + 1, "{f}");
    assert_eq!(f.problem, Problem::Inserted { next: i as u64 + 2 });

    // A clumsy one (garbage) is named too.
    let mut l = c.lines.clone();
    l.insert(i, "{\"hello\":1}".into());
    assert_eq!(c.check(&l).line, i as u64 + 1);
}

#[test]
fn duplicated_line_is_named() {
    let c = case();
    let i = c.plain_line();
    let mut l = c.lines.clone();
    l.insert(i + 1, c.lines[i].clone());
    let f = c.check(&l);
    assert_eq!(f.line, i as u64 + 2, "{f}");
    assert_eq!(f.problem, Problem::Duplicate { of: i as u64 + 1 });
}

#[test]
fn reordered_lines_are_named() {
    let c = case();
    let i = c.plain_line();
    let mut l = c.lines.clone();
    l.swap(i, i + 1);
    let f = c.check(&l);
    let k = i as u64 + 1;
    assert_eq!(f.line, k, "{f}");
    assert_eq!(
        f.problem,
        Problem::OutOfOrder {
            expected: k,
            found: k + 1,
            expected_at: Some(k + 1)
        }
    );
}

#[test]
fn truncation_behind_a_held_checkpoint_is_named() {
    let c = case();
    // An auditor kept the final checkpoint; the log is later cut back behind it.
    let last = c.lines.last().unwrap();
    let v: Value = serde_json::from_str(last).unwrap();
    let note = Note::parse(v["fields"]["note"].as_str().unwrap()).unwrap();
    assert_eq!(
        note.check(c.key.verifier()),
        council_witness::SignatureCheck::Valid
    );
    let held = note.checkpoint.clone();
    assert_eq!(held.size, c.lines.len() as u64 - 1);

    let cut = 17;
    write_lines(&c.path, &c.lines[..cut]);
    // Without the held checkpoint the shorter log is self-consistent...
    assert!(verify_file(&c.path, &c.opts()).is_ok());
    // ...with it, the missing entries are named.
    let opts = VerifyOptions {
        checkpoints: vec![held.clone()],
        ..c.opts()
    };
    let err = verify_file(&c.path, &opts).unwrap_err();
    let council_witness::Error::Invalid { failure, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(failure.line, cut as u64 + 1, "{failure}");
    assert_eq!(
        failure.problem,
        Problem::Truncated {
            have: cut as u64,
            attested: held.size
        }
    );

    // Cut in the middle of a line: the torn remainder is not counted as an entry either.
    let mut text = c.lines[..cut].join("\n");
    text.push('\n');
    text.push_str(&c.lines[cut][..20]);
    std::fs::write(&c.path, text).unwrap();
    let err = verify_file(&c.path, &opts).unwrap_err();
    assert!(
        err.to_string().contains(&format!("line {}", cut + 1)),
        "{err}"
    );
}

#[test]
fn forged_checkpoint_signature_is_named() {
    let c = case();
    let i = (5..)
        .find(|&i| kind_of(&c.lines[i]) == "checkpoint")
        .unwrap();
    let v: Value = serde_json::from_str(&c.lines[i]).unwrap();
    let note = v["fields"]["note"].as_str().unwrap();

    // Corrupted: one character of the signature proper (after the 4-byte key id) changed, still base64.
    let sig_at = note.rfind(' ').unwrap() + 30;
    let mut bytes = note.as_bytes().to_vec();
    bytes[sig_at] = if bytes[sig_at] == b'A' { b'B' } else { b'A' };
    let corrupted = String::from_utf8(bytes).unwrap();

    // Forged: a signature by another key of the same name.
    let forger = SignerKey::generate("council.test/witness").unwrap();
    let cp = Note::parse(note).unwrap().checkpoint;
    let forged = cp.to_note(Some(&forger));

    for (label, new_note, problem) in [
        (
            "corrupted",
            corrupted,
            Problem::BadSignature {
                key: c.key.verifier().to_string(),
            },
        ),
        (
            "forged",
            forged,
            Problem::MissingSignature {
                key: c.key.verifier().to_string(),
            },
        ),
    ] {
        let mut l = c.lines.clone();
        l[i] = rewrite(&l[i], |e| {
            e.fields.insert("note".into(), Value::String(new_note));
        });
        // Keep the chain intact so that only the signature can give it away.
        l[i + 1] = rechain(&l[i + 1], &l[i]);
        let f = c.check(&l);
        assert_eq!(f.line, i as u64 + 1, "{label}: {f}");
        assert_eq!(f.problem, problem, "{label}: {f}");
    }
}

#[test]
fn a_rewritten_chain_is_caught_by_the_checkpoint() {
    let c = case();
    let i = c.plain_line();
    let cp = (i..)
        .find(|&j| kind_of(&c.lines[j]) == "checkpoint")
        .unwrap();
    // The forger edits line i and recomputes every prev up to the checkpoint: the chain holds, the root does not.
    let mut l = c.lines.clone();
    l[i] = l[i].replace("\"gate\":\"policy\"", "\"gate\":\"bandwidth\"");
    for j in i + 1..=cp {
        l[j] = rechain(&l[j], &l[j - 1]);
    }
    let f = c.check(&l);
    assert_eq!(f.line, cp as u64 + 1, "{f}");
    assert!(
        matches!(f.problem, Problem::CheckpointRoot { from, to } if (from..=to).contains(&(i as u64 + 1)))
    );
}

#[test]
fn another_key_is_refused() {
    let c = case();
    let other = SignerKey::generate("council.test/witness").unwrap();
    let opts = VerifyOptions {
        key: Some(other.verifier().clone()),
        checkpoints: vec![],
    };
    let err = verify_file(&c.path, &opts).unwrap_err();
    let council_witness::Error::Invalid { failure, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(failure.line, 1);
    assert!(matches!(failure.problem, Problem::WrongKey { .. }));
}

#[test]
fn unsigned_log_verifies_but_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_log(dir.path(), None, 4, 10);
    let report = verify_file(&path, &VerifyOptions::default()).unwrap();
    assert!(report.key.is_none());
    assert!(report.to_string().contains("UNSIGNED"), "{report}");
    // A pinned key against an unsigned log is an error at line 1.
    let key = SignerKey::generate("k").unwrap();
    let opts = VerifyOptions {
        key: Some(key.verifier().clone()),
        checkpoints: vec![],
    };
    let err = verify_file(&path, &opts).unwrap_err();
    assert!(
        err.to_string().contains("line 1: the log is unsigned"),
        "{err}"
    );
}

#[test]
fn garbage_lines_are_named_not_panicked_on() {
    let c = case();
    let i = c.plain_line();
    for garbage in [
        "",
        "not json",
        "\u{feff}{}",
        "[1,2,3]",
        "{\"seq\":-1}",
        "\u{0}\u{1}",
    ] {
        let mut l = c.lines.clone();
        l[i] = garbage.into();
        let f = c.check(&l);
        assert_eq!(f.line, i as u64 + 1, "{garbage:?}: {f}");
    }
    // Invalid UTF-8.
    let mut data = std::fs::read(&c.path).unwrap();
    let at = c.lines[..i].iter().map(|l| l.len() + 1).sum::<usize>() + 3;
    data[at] = 0xff;
    let f = verify(&data, &c.opts()).unwrap_err();
    assert_eq!(f.line, i as u64 + 1, "{f}");
}

#[test]
fn random_mutations_never_pass_or_panic() {
    // A fixed-seed xorshift: every single-byte change of the log must be caught (or be a torn tail when it
    // removes the final newline), and never crash the verifier.
    let c = case();
    let data = std::fs::read(&c.path).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // Bytes of the final line are only attested by its own signature when it is a checkpoint; its "time" and
    // "reason" are not. Mutate everything before it.
    let last_start = data[..data.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    for _ in 0..3000 {
        let mut d = data.clone();
        let at = (rnd() % last_start as u64) as usize;
        let new = (rnd() % 256) as u8;
        if d[at] == new {
            continue;
        }
        d[at] = new;
        assert!(
            verify(&d, &c.opts()).is_err(),
            "byte {at} set to {new:#x} went unnoticed"
        );
    }
}

#[test]
fn an_unterminated_last_line_is_torn_only_if_it_starts_the_next_entry() {
    let c = case();
    let data = std::fs::read(&c.path).unwrap();
    let n = c.lines.len() as u64;
    // A plausible crash remnant: the start of entry n+1.
    for torn in [
        &b"{"[..],
        b"{\"seq\":",
        format!("{{\"seq\":{},\"time\":\"2026-11", n + 1).as_bytes(),
    ] {
        let mut d = data.clone();
        d.extend_from_slice(torn);
        let report = verify(&d, &c.opts()).unwrap();
        assert_eq!(report.torn_tail.unwrap().bytes, torn);
    }
    // Anything else was put there.
    for junk in [&b"x"[..], b"{\"seq\":99,", b"hello world"] {
        let mut d = data.clone();
        d.extend_from_slice(junk);
        let f = verify(&d, &c.opts()).unwrap_err();
        assert_eq!(f.line, n + 1, "{junk:?}: {f}");
    }
    // A file of garbage alone is not a crashed log either.
    let f = verify(b"x", &c.opts()).unwrap_err();
    assert_eq!(f.line, 1, "{f}");
}

#[test]
fn a_first_line_of_sequence_zero_is_named_as_line_one() {
    let c = case();
    let mut l = c.lines.clone();
    l[0] = rewrite(&l[0], |e| e.seq = 0);
    let f = c.check(&l);
    assert_eq!(f.line, 1, "{f}");
}

#[test]
fn an_edited_prev_in_the_last_line_names_the_last_line() {
    let c = case();
    let n = c.lines.len();
    assert_eq!(kind_of(&c.lines[n - 1]), "checkpoint");
    let mut l = c.lines.clone();
    l[n - 1] = rewrite(&l[n - 1], |e| e.prev = "00".repeat(32));
    let f = c.check(&l);
    assert_eq!(
        (f.line, f.problem.clone()),
        (n as u64, Problem::ChainBroken),
        "{f}"
    );
}
