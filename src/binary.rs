//! The binary files skillfolio keeps in its cache folder (the record of a
//! build's files, the rendered markdown) are written and read with these:
//! numbers little-endian, lengths as four bytes before what they measure.
//! Reading stops with `None` at the first short or malformed part, so a damaged
//! file reads as an empty cache rather than as wrong content.

/// Bytes being written.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn byte(&mut self, n: u8) {
        self.0.push(n);
    }

    /// A length or a count.
    pub fn count(&mut self, n: usize) {
        self.u32(n as u32);
    }

    pub fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    pub fn u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    /// Text after its length.
    pub fn str(&mut self, s: &str) {
        self.count(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A byte saying whether there is text, then the text.
    pub fn option(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.byte(1);
                self.str(s);
            }
            None => self.byte(0),
        }
    }
}

/// Bytes being read, from the front.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    /// What [`Writer::count`] wrote.
    pub fn count(&mut self) -> Option<usize> {
        Some(self.u32()? as usize)
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// The bytes of what [`Writer::str`] wrote, unchecked.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.count()?;
        self.take(n)
    }

    /// What [`Writer::str`] wrote.
    pub fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    /// What [`Writer::option`] wrote.
    pub fn option(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_a_short_read_is_none() {
        let mut out = Writer::default();
        out.byte(7);
        out.u64(1 << 40);
        out.str("pâte");
        out.option(None);
        out.option(Some("x"));
        let mut r = Reader(&out.0);
        assert_eq!(r.byte(), Some(7));
        assert_eq!(r.u64(), Some(1 << 40));
        assert_eq!(r.string().as_deref(), Some("pâte"));
        assert_eq!(r.option(), Some(None));
        assert_eq!(r.option(), Some(Some("x".to_string())));
        assert!(r.is_empty());
        let mut short = Reader(&out.0[..out.0.len() - 1]);
        short.take(1 + 8).unwrap();
        short.string().unwrap();
        short.option().unwrap();
        assert_eq!(short.option(), None);
    }
}
