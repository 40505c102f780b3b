//! [`Opaque`]: the PER bits of a value this crate declares but does not type.
//!
//! PER is not self-delimiting, so an untyped value can only be carried where its end is known without decoding
//! it: inside an open type — a CHOICE extension alternative or a SEQUENCE extension addition, each of which PER
//! wraps in a length. That is the only place this crate uses `Opaque`; every root component is typed exactly.
//! There `Opaque` takes every bit of the open type, so a peer's valid message still decodes and re-encodes to
//! the same bits.

use rasn::prelude::*;

/// The bits of an untyped value, in wire order (including the zero padding that ends its open type).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Opaque {
    /// One `bool` per bit: the values are small (a few hundred bits) and this keeps the codec trivial.
    pub bits: Vec<bool>,
}

impl AsnType for Opaque {
    // Never seen on the wire in PER (tags are not encoded); any non-CHOICE tag will do.
    const TAG: Tag = Tag::SEQUENCE;
}

impl Decode for Opaque {
    fn decode_with_tag_and_constraints<D: Decoder>(
        decoder: &mut D,
        tag: Tag,
        _: &Constraints,
    ) -> Result<Self, D::Error> {
        // In PER a BOOLEAN is exactly one unaligned bit, so reading booleans until the input ends reads the
        // remaining bits of the enclosing open type verbatim.
        let mut bits = Vec::new();
        while let Ok(bit) = decoder.decode_bool(tag) {
            bits.push(bit);
        }
        Ok(Self { bits })
    }
}

impl Encode for Opaque {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        encoder: &mut E,
        tag: Tag,
        _: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        for &bit in &self.bits {
            encoder.encode_bool(tag, bit, identifier)?;
        }
        Ok(())
    }
}
