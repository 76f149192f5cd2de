//! Bounds-checked access to a guest's linear memory.
//!
//! Guests hand the host `(offset, len)` pairs as `u32`s. Every access goes through these two
//! functions, which do the arithmetic in `u64` so that `offset + len` can never wrap, and which
//! return a typed error an operator can read instead of panicking the host.

/// A guest passed a range that does not lie inside its memory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{call} was given bytes {offset}..{end} (offset {offset}, length {len}), outside the guest's \
     {memory_size}-byte memory",
    end = u64::from(*offset) + u64::from(*len)
)]
pub struct OutOfBounds {
    /// The host function that received the range.
    pub call: &'static str,
    /// Start of the range.
    pub offset: u32,
    /// Length of the range.
    pub len: u32,
    /// Size of the guest's memory at the time of the call.
    pub memory_size: usize,
}

fn checked_range(
    call: &'static str,
    memory_size: usize,
    offset: u32,
    len: u32,
) -> Result<std::ops::Range<usize>, OutOfBounds> {
    let end = u64::from(offset) + u64::from(len);
    // `usize` is at least 32 bits on every target wasmtime supports, so `offset` fits once `end` does.
    match usize::try_from(end) {
        Ok(end) if end <= memory_size => Ok(offset as usize..end),
        _ => Err(OutOfBounds {
            call,
            offset,
            len,
            memory_size,
        }),
    }
}

/// The `len` bytes at `offset` in `memory`, or an error naming `call`.
pub fn read<'m>(
    memory: &'m [u8],
    call: &'static str,
    offset: u32,
    len: u32,
) -> Result<&'m [u8], OutOfBounds> {
    let range = checked_range(call, memory.len(), offset, len)?;
    Ok(&memory[range])
}

/// Copies `bytes` into `memory` at `offset`, or fails without writing anything.
pub fn write(
    memory: &mut [u8],
    call: &'static str,
    offset: u32,
    bytes: &[u8],
) -> Result<(), OutOfBounds> {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let range = checked_range(call, memory.len(), offset, len)?;
    memory[range].copy_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_inside_memory_returns_the_bytes() {
        let memory = [1, 2, 3, 4];
        assert_eq!(read(&memory, "t", 1, 2).unwrap(), &[2, 3]);
        assert_eq!(read(&memory, "t", 0, 4).unwrap(), &[1, 2, 3, 4]);
    }

    #[test]
    fn zero_length_read_at_the_end_is_allowed() {
        let memory = [0u8; 4];
        assert_eq!(read(&memory, "t", 4, 0).unwrap(), &[] as &[u8]);
    }

    #[test]
    fn read_past_the_end_is_out_of_bounds() {
        let memory = [0u8; 4];
        let err = read(&memory, "write_log", 3, 2).unwrap_err();
        assert_eq!(
            err,
            OutOfBounds {
                call: "write_log",
                offset: 3,
                len: 2,
                memory_size: 4
            }
        );
        assert!(err.to_string().contains("bytes 3..5"), "{err}");
    }

    #[test]
    fn offset_plus_length_overflowing_u32_is_out_of_bounds_not_wrapped() {
        let memory = vec![0u8; 65536];
        assert!(read(&memory, "t", u32::MAX, 2).is_err());
        assert!(read(&memory, "t", 2, u32::MAX).is_err());
        assert!(read(&memory, "t", u32::MAX, u32::MAX).is_err());
    }

    #[test]
    fn write_inside_memory_copies_the_bytes() {
        let mut memory = [0u8; 4];
        write(&mut memory, "t", 2, &[7, 8]).unwrap();
        assert_eq!(memory, [0, 0, 7, 8]);
    }

    #[test]
    fn write_past_the_end_changes_nothing() {
        let mut memory = [0u8; 4];
        assert!(write(&mut memory, "get_info", 3, &[7, 8]).is_err());
        assert_eq!(memory, [0, 0, 0, 0]);
    }
}
