//! Bytes as hexadecimal text, the one implementation: MACs, nonces and key check values in
//! backups, the erasure ledger and checkpoints, the log id, digests in logs and asset names.

use std::fmt::Write as _;

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Lowercase or uppercase hex of exactly `N` bytes; `None` for any other length or a
/// character that is not a hex digit.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    // `from_str_radix` alone would take "+f" for 0x0f.
    if text.len() != 2 * N || !text.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_other_lengths() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(hex(&bytes), "007fabff");
        assert_eq!(unhex::<4>("007fabff"), Some(bytes));
        assert_eq!(unhex::<4>("007FABFF"), Some(bytes));
        assert_eq!(unhex::<4>("007fab"), None);
        assert_eq!(unhex::<2>("zzzz"), None);
        // A sign is not a hex digit (the old helper read "+f" as 0x0f).
        assert_eq!(unhex::<1>("+f"), None);
    }
}
