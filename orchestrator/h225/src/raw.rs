//! Values we keep but do not type: the content of an open type (an extension addition of a SEQUENCE or an extension
//! alternative of a CHOICE), held bit for bit.
//!
//! Aligned PER wraps every extension addition and every extension alternative in an open type: a length and then
//! exactly the octets of the value. The decoder hands such a value a decoder over those octets alone, so a type may
//! take *everything that is left* without knowing its grammar. [`RawOpenType`] does that with the one primitive every
//! PER decoder offers, a single bit (`BOOLEAN` is one unaligned bit in PER), and writes the same bits back, so a
//! message that carries, say, an H.245 `QOSCapability` we have not typed still decodes, and re-encodes to the same
//! octets. It must never be used outside an open type (in a root component it would swallow the rest of the message).

use rasn::prelude::*;

/// The bits of an untyped open-type value (see the module documentation), including the padding up to the octet
/// boundary that aligned PER adds at its end.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RawOpenType {
    /// One `bool` per bit, most significant bit of the first octet first.
    pub bits: Vec<bool>,
}

impl RawOpenType {
    /// The value as octets (the last one padded with zero bits).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bits
            .chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |acc, (i, &b)| acc | (u8::from(b) << (7 - i)))
            })
            .collect()
    }

    /// A value from whole octets, e.g. a complete aligned-PER encoding of the untyped type.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let bits = bytes
            .iter()
            .flat_map(|&o| (0..8).rev().map(move |i| (o >> i) & 1 == 1))
            .collect();
        Self { bits }
    }
}

impl AsnType for RawOpenType {
    // Never seen on the wire in PER (automatic tags replace it); SEQUENCE is the honest guess of what it holds.
    const TAG: Tag = Tag::SEQUENCE;
}

impl Encode for RawOpenType {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        encoder: &mut E,
        _tag: Tag,
        _constraints: &Constraints,
        _identifier: Identifier,
    ) -> Result<(), E::Error> {
        for &bit in &self.bits {
            encoder.encode_bool(Tag::BOOL, bit, Identifier::EMPTY)?;
        }
        Ok(())
    }
}

impl Decode for RawOpenType {
    fn decode_with_tag_and_constraints<D: Decoder>(
        decoder: &mut D,
        _tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let mut bits = Vec::new();
        // The decoder is bounded by the open type's own length, so this ends at its last bit.
        while let Ok(bit) = decoder.decode_bool(Tag::BOOL) {
            bits.push(bit);
        }
        Ok(Self { bits })
    }
}
