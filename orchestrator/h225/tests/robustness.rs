//! Bad input is an error, never a panic: every prefix of every sample, single-bit flips, and random datagrams.
//! Whatever decodes must re-encode and decode again to the same value (what the fuzz target checks at scale).

use council_h225::{decode, encode, samples};

fn check(bytes: &[u8]) -> bool {
    match decode(bytes) {
        Ok(m) => {
            let again = encode(&m)
                .unwrap_or_else(|e| panic!("decoded {bytes:02x?} but cannot re-encode: {e}"));
            assert_eq!(
                decode(&again).expect("re-encoding decodes"),
                m,
                "from {bytes:02x?}"
            );
            true
        }
        Err(_) => false,
    }
}

#[test]
fn truncated_messages_are_errors() {
    for m in samples::all() {
        let bytes = encode(&m).unwrap();
        for len in 0..bytes.len() {
            // A prefix may by chance be a shorter valid message; it must never panic.
            let _ = check(&bytes[..len]);
        }
        assert!(check(&bytes));
    }
}

#[test]
fn bit_flips_never_panic() {
    let mut decoded = 0;
    let mut total = 0;
    for m in samples::all() {
        let bytes = encode(&m).unwrap();
        // Every bit of the small messages; every third of the large ones (their tokens repeat one shape).
        for bit in (0..bytes.len() * 8).step_by(if bytes.len() > 96 { 3 } else { 1 }) {
            let mut b = bytes.clone();
            b[bit / 8] ^= 0x80 >> (bit % 8);
            total += 1;
            decoded += usize::from(check(&b));
        }
    }
    // Sanity: most flips land in values (still valid), some in structure (errors). Both happen.
    assert!(
        decoded > 0 && decoded < total,
        "{decoded} of {total} flipped messages decoded"
    );
}

#[test]
fn random_datagrams_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = usize::try_from(next() % 96).unwrap();
        let bytes: Vec<u8> = (0..len)
            .map(|_| u8::try_from(next() & 0xff).unwrap())
            .collect();
        let _ = check(&bytes);
    }
}
