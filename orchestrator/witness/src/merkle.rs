//! RFC 6962 (Certificate Transparency) Merkle tree hashing.
//!
//! A leaf is `SHA-256(0x00 ‖ data)`, an interior node `SHA-256(0x01 ‖ left ‖ right)`, and the tree over `n` leaves
//! splits at the largest power of two below `n` (RFC 6962 §2.1). [`Tree`] keeps only the compact range (one hash per
//! perfect subtree on the right edge), so appending is O(1) amortised and computing the root O(log n).

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ data)`: the hash of one leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256()` of nothing (RFC 6962 §2.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// An append-only Merkle tree that remembers only what it needs to extend itself and compute its root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// Number of leaves.
    size: u64,
    /// Roots of the perfect subtrees that make up the tree, largest (leftmost) first; their sizes are the set bits
    /// of `size`, from the highest down.
    range: Vec<Hash>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf given by its leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        // Merge equal-sized subtrees like a binary counter: one merge per trailing one bit of the old size.
        let mut node = leaf;
        let mut carry = self.size;
        while carry & 1 == 1 {
            let left = self.range.pop().expect("a set bit of size has a subtree");
            node = node_hash(&left, &node);
            carry >>= 1;
        }
        self.range.push(node);
        self.size += 1;
    }

    /// The Merkle tree hash of all leaves so far (RFC 6962 MTH).
    pub fn root(&self) -> Hash {
        let mut iter = self.range.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        // The unbalanced right edge folds from the smallest subtree leftwards.
        iter.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// The Merkle tree hash of `leaves` computed straight from the recursive definition in RFC 6962 §2.1; slow, for
/// cross-checking [`Tree`].
pub fn reference_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            // Split at the largest power of two strictly less than n.
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn empty_tree_is_sha256_of_nothing() {
        assert_eq!(
            hex(&Tree::new().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn incremental_root_matches_recursive_definition() {
        let mut tree = Tree::new();
        let mut leaves = Vec::new();
        for i in 0u32..300 {
            let leaf = leaf_hash(&i.to_be_bytes());
            tree.push(leaf);
            leaves.push(leaf);
            assert_eq!(tree.root(), reference_root(&leaves), "size {}", i + 1);
        }
    }
}
