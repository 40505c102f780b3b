//! Ed25519 witness keys in the signed-note text formats of the transparency-log ecosystem (C2SP `signed-note`):
//!
//! - verifier (public): `<name>+<key id, 8 hex digits>+<base64(0x01 ‖ 32-byte public key)>`
//! - signer (private): `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ 32-byte seed)>`
//!
//! where the key id is the first four bytes, big-endian, of `SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)` and 0x01 is
//! the signature-type byte of Ed25519.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::Error;

/// Signature-type byte of Ed25519 in signed notes.
const ALG_ED25519: u8 = 0x01;
/// Prefix of a private key line.
const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";
/// File names `council witness keygen` writes.
pub const PRIVATE_KEY_FILE: &str = "witness.key";
pub const PUBLIC_KEY_FILE: &str = "witness.pub";

/// A key name is the note's signer identity: non-empty, printable, no `+` and no white space.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("key name is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| *c == '+' || c.is_whitespace() || c.is_control())
    {
        return Err(format!("key name {name:?} contains {c:?}"));
    }
    Ok(())
}

fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// The public half: checks checkpoint signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// Parses the text form `<name>+<id>+<base64>`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::Key(format!("bad public key {:?}: {why}", text.trim()));
        let text = text.trim();
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected <name>+<key id>+<base64 key>".into()));
        };
        check_name(name).map_err(bad)?;
        let id = parse_id(id).map_err(bad)?;
        let raw = B64.decode(b64).map_err(|e| bad(format!("base64: {e}")))?;
        let [ALG_ED25519, key @ ..] = raw.as_slice() else {
            return Err(bad("not an Ed25519 key (type byte must be 0x01)".into()));
        };
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| bad(format!("key is {} bytes, not 32", key.len())))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|e| bad(e.to_string()))?;
        if key_id(name, key.as_bytes()) != id {
            return Err(bad("key id does not match the name and key".into()));
        }
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// Reads a public key file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, "read public key", e))?;
        Self::parse(&text)
    }

    /// The signer name (also the checkpoint origin of logs kept under this key).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 32-bit key id that prefixes every signature.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Whether `signature` (64 bytes) is this key's signature of `msg`.
    pub(crate) fn verify(&self, msg: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify(msg, &sig).is_ok()
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = [0u8; 33];
        raw[0] = ALG_ED25519;
        raw[1..].copy_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.id, B64.encode(raw))
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier({self})")
    }
}

fn parse_id(hex: &str) -> Result<u32, String> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("key id {hex:?} is not 8 hex digits"));
    }
    u32::from_str_radix(hex, 16).map_err(|e| e.to_string())
}

/// The private half: signs checkpoints.
#[derive(Clone)]
pub struct SignerKey {
    verifier: Verifier,
    key: SigningKey,
}

impl SignerKey {
    /// A new random key named `name`.
    pub fn generate(name: &str) -> Result<Self, Error> {
        check_name(name).map_err(Error::Key)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::Key(format!("no randomness for a key: {e}")))?;
        Ok(Self::from_seed(name, seed))
    }

    fn from_seed(name: &str, seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let public = key.verifying_key();
        let verifier = Verifier {
            name: name.to_owned(),
            id: key_id(name, public.as_bytes()),
            key: public,
        };
        Self { verifier, key }
    }

    /// Parses the text form `PRIVATE+KEY+<name>+<id>+<base64>`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::Key(format!("bad private key: {why}"));
        let rest = text
            .trim()
            .strip_prefix(PRIVATE_PREFIX)
            .ok_or_else(|| bad(format!("does not start with {PRIVATE_PREFIX}")))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(
                "expected PRIVATE+KEY+<name>+<key id>+<base64 seed>".into()
            ));
        };
        check_name(name).map_err(bad)?;
        let id = parse_id(id).map_err(bad)?;
        let raw = B64.decode(b64).map_err(|e| bad(format!("base64: {e}")))?;
        let [ALG_ED25519, seed @ ..] = raw.as_slice() else {
            return Err(bad("not an Ed25519 key (type byte must be 0x01)".into()));
        };
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| bad(format!("seed is {} bytes, not 32", seed.len())))?;
        let key = Self::from_seed(name, seed);
        if key.verifier.id != id {
            return Err(bad("key id does not match the name and key".into()));
        }
        Ok(key)
    }

    /// Reads a private key file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, "read private key", e))?;
        Self::parse(&text)
    }

    /// The matching public key.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The private key's text form (a secret).
    pub fn to_private_text(&self) -> String {
        let mut raw = [0u8; 33];
        raw[0] = ALG_ED25519;
        raw[1..].copy_from_slice(self.key.as_bytes());
        format!(
            "{PRIVATE_PREFIX}{}+{:08x}+{}",
            self.verifier.name,
            self.verifier.id,
            B64.encode(raw)
        )
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }

    /// Writes `dir/witness.key` (mode 0600) and `dir/witness.pub`, creating `dir`; never overwrites a key.
    pub fn write_pair(&self, dir: &Path) -> Result<(PathBuf, PathBuf), Error> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create key directory", e))?;
        let private = dir.join(PRIVATE_KEY_FILE);
        let public = dir.join(PUBLIC_KEY_FILE);
        for p in [&private, &public] {
            if p.exists() {
                return Err(Error::Key(format!(
                    "{} already exists; refusing to overwrite a key",
                    p.display()
                )));
            }
        }
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&private)
            .map_err(|e| Error::io(&private, "create private key", e))?;
        writeln!(f, "{}", self.to_private_text())
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io(&private, "write private key", e))?;
        fs::write(&public, format!("{}\n", self.verifier))
            .map_err(|e| Error::io(&public, "write public key", e))?;
        Ok((private, public))
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        write!(f, "SignerKey({})", self.verifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        let k = SignerKey::generate("council.example/witness").unwrap();
        let again = SignerKey::parse(&k.to_private_text()).unwrap();
        assert_eq!(again.verifier(), k.verifier());
        let v = Verifier::parse(&k.verifier().to_string()).unwrap();
        assert_eq!(&v, k.verifier());
        let sig = k.sign(b"hello\n");
        assert!(v.verify(b"hello\n", &sig));
        assert!(!v.verify(b"hello!\n", &sig));
    }

    #[test]
    fn key_id_matches_go_note_definition() {
        // Fixed seed, so the id is a regression value computed from the definition above.
        let k = SignerKey::from_seed("PeterNeumann", [7u8; 32]);
        let pk = k.verifier().key.as_bytes();
        let mut h = Sha256::new();
        h.update(b"PeterNeumann\n\x01");
        h.update(pk);
        let d = h.finalize();
        assert_eq!(
            k.verifier().id(),
            u32::from_be_bytes([d[0], d[1], d[2], d[3]])
        );
        assert!(
            k.verifier()
                .to_string()
                .starts_with(&format!("PeterNeumann+{:08x}+", k.verifier().id()))
        );
    }

    #[test]
    fn bad_keys_are_rejected_with_reasons() {
        let k = SignerKey::generate("w").unwrap();
        let text = k.verifier().to_string();
        let wrong_id = text.replacen('+', "+0", 1).replacen("+0", "+", 0);
        for bad in [
            "",
            "w",
            "w+1234",
            "w+zzzzzzzz+AAAA",
            "a b+00000000+AQ==",
            &wrong_id[..text.len() - 2],
        ] {
            assert!(Verifier::parse(bad).is_err(), "{bad:?}");
        }
        let mut tampered = text.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(Verifier::parse(std::str::from_utf8(&tampered).unwrap()).is_err());
        assert!(SignerKey::parse(&text).is_err());
        assert!(SignerKey::generate("has+plus").is_err());
    }
}
