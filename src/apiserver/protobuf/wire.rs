//! Protobuf wire format reading: varints, field keys and the four wire types kube's messages
//! use. Every read is bounds-checked; malformed input is a [`DecodeError`], never a panic.

use super::DecodeError;

/// One field occurrence's payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wire<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: a string, bytes, an embedded message or a packed repeated scalar.
    Bytes(&'a [u8]),
    /// Wire type 5.
    Fixed32(u32),
}

impl Wire<'_> {
    /// The wire type's name, for error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Wire::Varint(_) => "varint",
            Wire::Fixed64(_) => "fixed64",
            Wire::Bytes(_) => "length-delimited",
            Wire::Fixed32(_) => "fixed32",
        }
    }
}

/// A cursor over one message's bytes.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `buf` from its start.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// A base-128 varint of at most ten bytes.
    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.buf.split_first().ok_or(DecodeError::Truncated)?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError::VarintOverflow)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::Truncated);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// The next field's number and payload, or `None` at the end of the message.
    pub fn field(&mut self) -> Result<Option<(u32, Wire<'a>)>, DecodeError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let num = u32::try_from(key >> 3).map_err(|_| DecodeError::BadFieldNumber(key >> 3))?;
        if num == 0 {
            return Err(DecodeError::BadFieldNumber(0));
        }
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                Wire::Fixed64(u64::from_le_bytes(b.try_into().map_err(|_| DecodeError::Truncated)?))
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| DecodeError::Truncated)?;
                Wire::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Wire::Fixed32(u32::from_le_bytes(b.try_into().map_err(|_| DecodeError::Truncated)?))
            }
            t => return Err(DecodeError::BadWireType(t as u8)),
        };
        Ok(Some((num, wire)))
    }

    /// Reads a packed run of fixed-size scalars of `width` bytes (4 or 8).
    pub fn fixed(&mut self, width: usize) -> Result<u64, DecodeError> {
        let b = self.take(width)?;
        let mut v = [0u8; 8];
        v[..width].copy_from_slice(b);
        Ok(u64::from_le_bytes(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_rejects_malformed_input() {
        let mut r = Reader::new(&[0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i']);
        assert_eq!(r.field().unwrap(), Some((1, Wire::Varint(150))));
        assert_eq!(r.field().unwrap(), Some((2, Wire::Bytes(b"hi"))));
        assert_eq!(r.field().unwrap(), None);
        assert_eq!(Reader::new(&[0x12, 0x05, b'h']).field(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[0x08, 0xff]).field(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[0x0b]).field(), Err(DecodeError::BadWireType(3)));
        assert_eq!(Reader::new(&[0x02, 0x00]).field(), Err(DecodeError::BadFieldNumber(0)));
        assert_eq!(
            Reader::new(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
                .field(),
            Err(DecodeError::VarintOverflow)
        );
    }
}
