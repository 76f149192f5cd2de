//! Standard padded base64 (RFC 4648, `+/`), the encoding of every `bytes` field of the ABI.
//!
//! Our own few lines rather than a crate: the fixture needs one alphabet and nothing else, and a
//! dependency would only enlarge the bundle.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `bytes` with `=` padding, as the worker expects in guest output.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (i, &byte)| {
            group | u32::from(byte) << (16 - 8 * i)
        });
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

/// Decodes padded base64. The worker always pads, so anything else is refused rather than
/// guessed at: a host that sent it has a bug the tests should see.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let input = text.as_bytes();
    if !input.len().is_multiple_of(4) {
        return Err(format!(
            "base64 length {} is not a multiple of 4",
            input.len()
        ));
    }
    let padding = input
        .iter()
        .rev()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    let digits = &input[..input.len() - padding];
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut group = 0u32;
    for (i, &byte) in digits.iter().enumerate() {
        let value = ALPHABET
            .iter()
            .position(|&letter| letter == byte)
            .ok_or_else(|| format!("invalid base64 byte {:?} at {i}", char::from(byte)))?;
        group = group << 6 | value as u32;
        if i % 4 == 3 {
            out.extend_from_slice(&group.to_be_bytes()[1..]);
            group = 0;
        }
    }
    // The padded tail: two digits carry one byte, three digits carry two.
    match digits.len() % 4 {
        0 => {}
        2 => out.push((group >> 4) as u8),
        3 => out.extend_from_slice(&((group >> 2) as u16).to_be_bytes()),
        _ => return Err("invalid base64 padding".to_owned()),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn round_trips_every_byte_at_every_tail_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            assert_eq!(decode(&encode(&bytes[..len])).unwrap(), &bytes[..len]);
        }
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn encodes_json_plain_as_the_abi_shows() {
        assert_eq!(encode(b"json/plain"), "anNvbi9wbGFpbg==");
    }

    #[test]
    fn refuses_unpadded_misplaced_padding_and_foreign_bytes() {
        for text in ["Zg", "Zm8", "Zg==Zg==", "Z===", "-_-_", "Zm9 "] {
            assert!(decode(text).is_err(), "{text}");
        }
    }
}
