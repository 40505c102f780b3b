//! Checkpoints in the C2SP `tlog-checkpoint` format, signed as C2SP `signed-note`s.
//!
//! ```text
//! <origin>\n
//! <tree size, decimal>\n
//! <root hash, base64>\n
//! \n
//! — <key name> <base64(key id, 4 bytes big-endian ‖ Ed25519 signature, 64 bytes)>\n
//! ```
//!
//! The signature covers the text up to and including the newline of the root line. An unsigned checkpoint (a log
//! kept without a key) is the body alone.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::key::{SignerKey, Verifier};
use crate::merkle::Hash;

/// What a checkpoint attests: the log `origin` had `size` entries whose Merkle root was `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    pub signature: Vec<u8>,
}

/// A parsed checkpoint note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub checkpoint: Checkpoint,
    /// The signed text: the body lines with their newlines.
    pub body: String,
    pub signatures: Vec<NoteSignature>,
}

/// The outcome of checking a note against a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// A signature by this key verifies.
    Valid,
    /// A line claims this key but does not verify.
    Invalid,
    /// No line claims this key.
    Absent,
}

const SIG_PREFIX: &str = "\u{2014} ";

impl Checkpoint {
    /// The signed body text.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// The note text: signed by `key` if given, else the bare body.
    pub fn to_note(&self, key: Option<&SignerKey>) -> String {
        let body = self.body();
        match key {
            None => body,
            Some(key) => {
                let mut blob = Vec::with_capacity(68);
                blob.extend_from_slice(&key.verifier().id().to_be_bytes());
                blob.extend_from_slice(&key.sign(body.as_bytes()));
                format!(
                    "{body}\n{SIG_PREFIX}{} {}\n",
                    key.verifier().name(),
                    B64.encode(blob)
                )
            }
        }
    }
}

impl Note {
    /// Parses a checkpoint note, signed or not.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
            return Err(format!("note contains the control character {c:?}"));
        }
        // The signatures follow the last blank line.
        let (body, sigs) = match text.rfind("\n\n") {
            Some(i) => (&text[..=i], &text[i + 2..]),
            None => (text, ""),
        };
        if !body.ends_with('\n') {
            return Err("checkpoint body does not end with a newline".into());
        }
        let mut lines = body[..body.len() - 1].split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or("checkpoint has no origin line")?;
        let size = lines.next().ok_or("checkpoint has no size line")?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(format!("checkpoint size {size:?} is not a decimal number"));
        }
        let size: u64 = size
            .parse()
            .map_err(|e| format!("checkpoint size {size:?}: {e}"))?;
        let root = lines.next().ok_or("checkpoint has no root hash line")?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| format!("checkpoint root {root:?} is not a base64 SHA-256 hash"))?;
        // Further body lines are extensions, which we neither write nor interpret.
        let mut signatures = Vec::new();
        if !sigs.is_empty() {
            if !sigs.ends_with('\n') {
                return Err("signature block does not end with a newline".into());
            }
            for line in sigs[..sigs.len() - 1].split('\n') {
                let rest = line
                    .strip_prefix(SIG_PREFIX)
                    .ok_or_else(|| format!("not a signature line: {line:?}"))?;
                let (name, b64) = rest
                    .split_once(' ')
                    .ok_or_else(|| format!("not a signature line: {line:?}"))?;
                let blob = B64
                    .decode(b64)
                    .map_err(|e| format!("signature of {name:?} is not base64: {e}"))?;
                if blob.len() < 5 {
                    return Err(format!("signature of {name:?} is too short"));
                }
                signatures.push(NoteSignature {
                    name: name.to_owned(),
                    key_id: u32::from_be_bytes([blob[0], blob[1], blob[2], blob[3]]),
                    signature: blob[4..].to_vec(),
                });
            }
        }
        Ok(Self {
            checkpoint: Checkpoint {
                origin: origin.to_owned(),
                size,
                root,
            },
            body: body.to_owned(),
            signatures,
        })
    }

    /// Checks the signature lines that claim `key`: one that fails makes the whole note invalid, even beside one
    /// that verifies.
    pub fn check(&self, key: &Verifier) -> SignatureCheck {
        let mut result = SignatureCheck::Absent;
        for s in self
            .signatures
            .iter()
            .filter(|s| s.name == key.name() && s.key_id == key.id())
        {
            if !key.verify(self.body.as_bytes(), &s.signature) {
                return SignatureCheck::Invalid;
            }
            result = SignatureCheck::Valid;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_note_round_trips_and_verifies() {
        let key = SignerKey::generate("example.com/log").unwrap();
        let cp = Checkpoint {
            origin: "example.com/log".into(),
            size: 42,
            root: [9; 32],
        };
        let text = cp.to_note(Some(&key));
        assert!(text.starts_with("example.com/log\n42\nCQkJ"));
        assert!(text.contains("\n\n\u{2014} example.com/log "));
        let note = Note::parse(&text).unwrap();
        assert_eq!(note.checkpoint, cp);
        assert_eq!(note.check(key.verifier()), SignatureCheck::Valid);
        let other = SignerKey::generate("example.com/log").unwrap();
        assert_eq!(note.check(other.verifier()), SignatureCheck::Absent);
    }

    #[test]
    fn a_changed_body_breaks_the_signature() {
        let key = SignerKey::generate("w").unwrap();
        let text = Checkpoint {
            origin: "w".into(),
            size: 7,
            root: [1; 32],
        }
        .to_note(Some(&key));
        let forged = text.replacen("\n7\n", "\n8\n", 1);
        assert_eq!(
            Note::parse(&forged).unwrap().check(key.verifier()),
            SignatureCheck::Invalid
        );
    }

    #[test]
    fn one_bad_signature_of_the_key_spoils_the_note() {
        let key = SignerKey::generate("w").unwrap();
        let text = Checkpoint {
            origin: "w/1".into(),
            size: 3,
            root: [2; 32],
        }
        .to_note(Some(&key));
        let sig_line = text.lines().last().unwrap().to_owned();
        let mut bad = sig_line.clone().into_bytes();
        let at = bad.len() - 10;
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        let both = format!("{text}{}\n", String::from_utf8(bad).unwrap());
        assert_eq!(
            Note::parse(&both).unwrap().check(key.verifier()),
            SignatureCheck::Invalid
        );
        assert!(
            Note::parse(&text.replace("w/1", "w/\u{7}")).is_err(),
            "control character"
        );
    }

    #[test]
    fn malformed_notes_are_errors() {
        for bad in [
            "",
            "o\n",
            "o\n01\nAAAA\n",
            "o\n1\nnot-base64\n",
            "o\n1\nAAAA\n",
            "o\n1\n",
            "o\nx\n",
        ] {
            assert!(Note::parse(bad).is_err(), "{bad:?}");
        }
        let ok = Checkpoint {
            origin: "o".into(),
            size: 1,
            root: [0; 32],
        }
        .body();
        assert!(Note::parse(&format!("{ok}\nnot a signature\n")).is_err());
        assert!(Note::parse(&ok).unwrap().signatures.is_empty());
    }
}
