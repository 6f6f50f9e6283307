//! A fast hasher for the maps of names the checker consults at every identifier.
//!
//! The standard library's SipHash defends against hash flooding by untrusted keys;
//! here the keys are names from rule files that the user wrote, and the cost of
//! SipHash showed up in the checker's profile. FNV-1a is a few instructions a byte.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, 64 bits.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.write(&n.to_le_bytes());
    }
}

/// A `HashMap` with FNV-1a.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
/// A `HashSet` with FNV-1a.
pub type FastSet<T> = HashSet<T, BuildHasherDefault<Fnv>>;
