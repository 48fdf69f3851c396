//! Removing metadata from an image file without decoding it, so a photo that needs
//! no rotation is published with its pixels exactly as taken. Only the segments or
//! chunks that describe the picture are kept; EXIF (with its GPS position and
//! camera serial), XMP, IPTC, comments and timestamps are dropped.

/// The file without its metadata, or `None` if it is not a well-formed file of
/// the kind; the caller then re-encodes from the decoded pixels instead.
pub fn strip(bytes: &[u8], format: super::Format) -> Option<Vec<u8>> {
    match format {
        super::Format::Jpeg => jpeg(bytes),
        super::Format::Png => png(bytes),
        super::Format::WebP => webp(bytes),
    }
}

/// Keeps JFIF (APP0), the colour profile (APP2) and Adobe's colour transform
/// (APP14), which decoders need; drops every other APPn segment and comments.
fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xFF => i += 1,
            // Start of scan: the compressed picture follows, and nothing after it
            // is metadata a viewer reads.
            0xDA => {
                out.extend_from_slice(&bytes[i..]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[i..i + 2]);
                i += 2;
            }
            _ => {
                let len = u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]) as usize;
                let end = i + 2 + len;
                if len < 2 || end > bytes.len() {
                    return None;
                }
                let metadata = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
                if !metadata {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
            }
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PNG_METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];

fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    loop {
        let len = u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(i + 4..i + 8)?;
        // Length, type, data and CRC.
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > bytes.len() {
            return None;
        }
        if !PNG_METADATA.iter().any(|m| m.as_slice() == kind) {
            out.extend_from_slice(&bytes[i..end]);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        i = end;
    }
}

/// Drops the EXIF and XMP chunks and clears their flags in the extended header.
fn webp(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return None;
    }
    let mut body = Vec::with_capacity(bytes.len());
    body.extend_from_slice(b"WEBP");
    let mut i = 12;
    while i < bytes.len() {
        let kind = bytes.get(i..i + 4)?;
        let len = u32::from_le_bytes(bytes.get(i + 4..i + 8)?.try_into().ok()?) as usize;
        let end = i.checked_add(8)?.checked_add(len + (len & 1))?;
        if end > bytes.len() {
            return None;
        }
        if kind != b"EXIF" && kind != b"XMP " {
            let start = body.len();
            body.extend_from_slice(&bytes[i..end]);
            if kind == b"VP8X" && len > 0 {
                body[start + 8] &= !(0x08 | 0x04);
            }
        }
        i = end;
    }
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::Format;

    #[test]
    fn jpeg_loses_exif_and_comments_but_keeps_the_picture() {
        let mut file = vec![0xFF, 0xD8];
        file.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x04, b'J', b'F']);
        file.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x06, b'E', b'x', b'i', b'f']);
        file.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x04, b'h', b'i']);
        file.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x03, 0x07]);
        file.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        let out = strip(&file, Format::Jpeg).unwrap();
        assert_eq!(
            out,
            [
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, b'J', b'F', 0xFF, 0xDB, 0x00, 0x03, 0x07, 0xFF,
                0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9
            ]
        );
        assert_eq!(strip(&file[..9], Format::Jpeg), None);
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    #[test]
    fn png_loses_text_exif_and_time_chunks() {
        let mut file = PNG_SIGNATURE.to_vec();
        let ihdr = chunk(b"IHDR", &[1; 13]);
        let idat = chunk(b"IDAT", &[2; 5]);
        let iend = chunk(b"IEND", &[]);
        file.extend(&ihdr);
        file.extend(chunk(b"eXIf", b"MM\0*GPS"));
        file.extend(chunk(b"tEXt", b"Author\0someone"));
        file.extend(&idat);
        file.extend(chunk(b"tIME", &[0; 7]));
        file.extend(&iend);
        let expected = [PNG_SIGNATURE.to_vec(), ihdr, idat, iend].concat();
        assert_eq!(strip(&file, Format::Png).unwrap(), expected);
    }

    #[test]
    fn webp_loses_exif_and_xmp_and_their_flags() {
        let riff = |chunks: &[u8]| {
            let mut f = b"RIFF".to_vec();
            f.extend_from_slice(&(chunks.len() as u32 + 4).to_le_bytes());
            f.extend_from_slice(b"WEBP");
            f.extend_from_slice(chunks);
            f
        };
        let vp8x = |flags: u8| [b"VP8X".as_slice(), &[10, 0, 0, 0, flags], &[0; 9]].concat();
        let image = [b"VP8L".as_slice(), &[3, 0, 0, 0, 9, 9, 9, 0]].concat();
        let exif = [b"EXIF".as_slice(), &[4, 0, 0, 0], b"GPS!"].concat();
        let xmp = [b"XMP ".as_slice(), &[1, 0, 0, 0, b'x', 0]].concat();
        let file = riff(&[vp8x(0x0C), image.clone(), exif, xmp].concat());
        let expected = riff(&[vp8x(0x00), image].concat());
        assert_eq!(strip(&file, Format::WebP).unwrap(), expected);
    }
}
