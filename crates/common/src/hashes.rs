//! Hash chains: the CPU-bound workload of the GIL lessons.
//!
//! The Python original's `hash_me` starts from 16 random bytes and applies SHA-256 to its own
//! digest half a million times; twenty such chains make a job that takes seconds on one
//! core and that threads cannot speed up under the GIL, while processes can. Each round
//! needs the previous round's digest, so one chain cannot be split: the only parallelism is
//! between chains.

use sha2::{Digest, Sha256};
use std::fmt::Write;

/// Rounds in one chain, as in the Python `hash_me(n=500_000)`.
pub const HASH_ME_ITERATIONS: u64 = 500_000;

/// Chains in one job, as in the Python `calc_them_all` (twenty calls to `hash_me`).
pub const HASH_ME_CHAINS: u64 = 20;

/// The length of a SHA-256 digest, in bytes.
pub const DIGEST_LEN: usize = 32;

/// Applies SHA-256 `n` times: first to `start`, then each time to the previous digest.
/// Returns the last digest.
///
/// `n` counts hashes, so `hash_me(start, 1)` is plain `sha256(start)`.
///
/// # Panics
///
/// If `n` is 0: a chain of no hashes would have to return `start`, which is not a digest
/// (the Python start is 16 bytes, a digest is 32), so that call is a bug in the caller.
///
/// ```
/// use common::hashes::{hash_me, to_hex};
/// assert_eq!(
///     to_hex(&hash_me(b"abc", 1)),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
// ANCHOR: hash_me
pub fn hash_me(start: &[u8], n: u64) -> [u8; DIGEST_LEN] {
    assert!(n >= 1, "hash_me needs at least one round, got n = 0");
    let mut digest: [u8; DIGEST_LEN] = Sha256::digest(start).into();
    for _ in 1..n {
        digest = Sha256::digest(digest).into();
    }
    digest
}
// ANCHOR_END: hash_me

/// The start of chain number `chain`: the chain number as 16 big-endian bytes.
///
/// The Python original starts every chain from `uuid4().bytes`, 16 random bytes. Ours are just as
/// long and differ from chain to chain, but are the same on every run, so a comparison can
/// check its answers against a serial run.
///
/// ```
/// use common::hashes::chain_start;
/// assert_eq!(chain_start(258), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
/// ```
pub fn chain_start(chain: u64) -> [u8; 16] {
    u128::from(chain).to_be_bytes()
}

/// Lower-case hexadecimal for `bytes`, two digits a byte: the form of Python's
/// `digest().hex()`.
///
/// (`sha2` digests do not format themselves as hex, so this does it by hand.)
///
/// ```
/// use common::hashes::to_hex;
/// assert_eq!(to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        write!(hex, "{byte:02x}").expect("writing to a String cannot fail");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected digests below were computed once with Python's `hashlib`, outside this
    // crate:
    //     data = bytes(range(16))
    //     for _ in range(n): data = hashlib.sha256(data).digest()
    //     data.hex()

    /// The bytes 0, 1, ..., 15.
    const START: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    #[test]
    fn one_round_is_plain_sha256() {
        assert_eq!(
            to_hex(&hash_me(&START, 1)),
            "be45cb2605bf36bebde684841a28f0fd43c69850a3dce5fedba69928ee3a8991"
        );
        assert_eq!(
            to_hex(&hash_me(&START, 2)),
            "fc793c641b354b10b9a264ad4f541f6efe8445a0d05fe39336a126252b166e8b"
        );
    }

    #[test]
    fn a_thousand_rounds_match_python() {
        assert_eq!(
            to_hex(&hash_me(&START, 1_000)),
            "25289fff7e6789872fc387856c565dcbfe915410b9c42053754edd0b06234756"
        );
    }

    #[test]
    fn a_full_chain_matches_python() {
        assert_eq!(
            to_hex(&hash_me(&START, HASH_ME_ITERATIONS)),
            "b5ec12eff6b080e7b132032f8d3a79de412abe68e172c624283e93f82795796f"
        );
    }

    #[test]
    fn chains_start_apart() {
        assert_eq!(chain_start(0), [0; 16]);
        assert_eq!(
            to_hex(&hash_me(&chain_start(0), 1_000)),
            "e7618d3a98648c0e0378288322dda817d16dc1a43ac95583ab387d4eb95d9e0c"
        );
        assert_eq!(
            to_hex(&hash_me(&chain_start(1), 1_000)),
            "0a560059dfd66e04190ae54d3bccae949b6a34933ed1e6515d24505a233ccef9"
        );
    }

    #[test]
    #[should_panic(expected = "at least one round")]
    fn zero_rounds_is_refused() {
        hash_me(&START, 0);
    }

    #[test]
    fn hex_has_two_lower_case_digits_a_byte() {
        assert_eq!(to_hex(&[]), "");
        assert_eq!(to_hex(&[0, 9, 10, 171, 255]), "00090aabff");
    }
}
