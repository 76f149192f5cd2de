//! Standard base64 (RFC 4648, `+/` alphabet, `=` padding), the encoding of every `bytes` field
//! in the ABI's JSON.
//!
//! A dozen lines of our own instead of a crate: the bundle only ever needs this one alphabet.
//! Decoding is as strict as the worker's: padding is required, whitespace and characters outside
//! the alphabet are refused, and so are non-zero bits left over after the last byte (they would
//! make two different strings decode to the same bytes).

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a string is not valid standard base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base64Error {
    /// The length is not a multiple of four (padding is required).
    Length(usize),
    /// A byte outside the alphabet, or `=` anywhere but in the last two places.
    InvalidByte {
        /// Offset of the byte in the input.
        offset: usize,
        /// The byte itself.
        byte: u8,
    },
    /// The last character carries bits that no byte uses.
    TrailingBits,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(len) => write!(f, "invalid base64: length {len} is not a multiple of 4"),
            Self::InvalidByte { offset, byte } => {
                write!(
                    f,
                    "invalid base64: unexpected byte '{}' at offset {offset}",
                    byte.escape_ascii()
                )
            }
            Self::TrailingBits => write!(f, "invalid base64: non-zero trailing bits"),
        }
    }
}

impl std::error::Error for Base64Error {}

/// Encodes `bytes` as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded standard base64.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let input = text.as_bytes();
    if !input.len().is_multiple_of(4) {
        return Err(Base64Error::Length(input.len()));
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
    for (offset, &byte) in digits.iter().enumerate() {
        let value = sextet(byte).ok_or(Base64Error::InvalidByte { offset, byte })?;
        group = group << 6 | u32::from(value);
        if offset % 4 == 3 {
            out.extend_from_slice(&group.to_be_bytes()[1..]);
            group = 0;
        }
    }
    // A padded tail: 2 digits carry 1 byte (4 spare bits), 3 digits carry 2 bytes (2 spare bits).
    match digits.len() % 4 {
        0 => {}
        2 if group & 0xf == 0 => out.push((group >> 4) as u8),
        3 if group & 0x3 == 0 => out.extend_from_slice(&((group >> 2) as u16).to_be_bytes()),
        _ => return Err(Base64Error::TrailingBits),
    }
    Ok(out)
}

/// The 6-bit value of one alphabet character.
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn round_trips_every_byte_value_at_every_tail_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            assert_eq!(decode(&encode(&bytes[..len])).unwrap(), &bytes[..len]);
        }
    }

    #[test]
    fn uses_plus_and_slash() {
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn encodes_json_plain_as_the_abi_shows() {
        assert_eq!(encode(b"json/plain"), "anNvbi9wbGFpbg==");
        assert_eq!(decode("IkFsaWNlIg==").unwrap(), b"\"Alice\"");
    }

    #[test]
    fn refuses_missing_padding() {
        assert_eq!(decode("Zg"), Err(Base64Error::Length(2)));
        assert_eq!(decode("Zm8"), Err(Base64Error::Length(3)));
    }

    #[test]
    fn refuses_url_safe_alphabet_and_whitespace() {
        assert_eq!(
            decode("-_-_"),
            Err(Base64Error::InvalidByte {
                offset: 0,
                byte: b'-'
            })
        );
        assert_eq!(decode("Zm9v\nYmFy"), Err(Base64Error::Length(9)));
        assert_eq!(
            decode("Zm9 "),
            Err(Base64Error::InvalidByte {
                offset: 3,
                byte: b' '
            })
        );
    }

    #[test]
    fn refuses_padding_in_the_middle_or_three_pad_characters() {
        assert_eq!(
            decode("Zg==Zg=="),
            Err(Base64Error::InvalidByte {
                offset: 2,
                byte: b'='
            })
        );
        assert_eq!(
            decode("Z==="),
            Err(Base64Error::InvalidByte {
                offset: 1,
                byte: b'='
            })
        );
        assert_eq!(
            decode("===="),
            Err(Base64Error::InvalidByte {
                offset: 0,
                byte: b'='
            })
        );
    }

    #[test]
    fn refuses_non_zero_trailing_bits() {
        assert_eq!(decode("Zh=="), Err(Base64Error::TrailingBits));
        assert_eq!(decode("Zm9="), Err(Base64Error::TrailingBits));
    }

    #[test]
    fn error_messages_name_the_problem() {
        assert_eq!(
            decode("ab!d").unwrap_err().to_string(),
            "invalid base64: unexpected byte '!' at offset 2"
        );
    }
}
