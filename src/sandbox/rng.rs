//! The deterministic generator behind `random`: xoshiro256** seeded through SplitMix64 from the
//! randomness seed Temporal records for the run.
//!
//! It is written out here rather than taken from a crate so that its output can never change
//! under a dependency upgrade: a replay months later, on a newer worker, must draw exactly the
//! bytes the first run drew.

/// A seeded stream of bytes, identical for identical seeds on every machine and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeterministicRng {
    state: [u64; 4],
}

impl DeterministicRng {
    /// A generator for `seed` (Temporal's `randomness_seed`).
    pub fn new(seed: u64) -> DeterministicRng {
        let mut mix = seed;
        let mut next = || {
            mix = mix.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = mix;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        DeterministicRng {
            state: [next(), next(), next(), next()],
        }
    }

    fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.state;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// Fills `bytes` with the next bytes of the stream, eight per draw, little-endian.
    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let draw = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&draw[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_the_same_bytes() {
        let mut a = DeterministicRng::new(42);
        let mut b = DeterministicRng::new(42);
        let (mut x, mut y) = ([0u8; 37], [0u8; 37]);
        a.fill(&mut x);
        b.fill(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, [0u8; 37]);
    }

    #[test]
    fn different_seeds_give_different_bytes() {
        let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
        DeterministicRng::new(1).fill(&mut x);
        DeterministicRng::new(2).fill(&mut y);
        assert_ne!(x, y);
    }

    #[test]
    fn output_is_pinned_so_replays_on_newer_workers_agree() {
        // Fixed vector: changing the algorithm would break replay of recorded histories.
        let mut bytes = [0u8; 8];
        DeterministicRng::new(0).fill(&mut bytes);
        assert_eq!(u64::from_le_bytes(bytes), 0x99EC_5F36_CB75_F2B4);
    }
}
