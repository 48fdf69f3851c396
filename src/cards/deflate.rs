//! A card's image data as a PNG holds it: rows of palette indices, each after
//! its filter byte, in one zlib stream. Written here rather than by `png`'s
//! fastest setting because a card is not any image, and knowing what it is
//! halves the time (about 120 µs a card instead of 230) for files no larger.
//!
//! Most rows of a card are the row above again, and the others are a few
//! lines of text on a flat ground. Every row is stored with the Up filter, so
//! a row like the one above becomes zeros: one comparison finds it, it is
//! written as a run, and its share of the checksum is known without reading
//! it. The other rows are read 16 bytes at a time: a block of zeros joins a
//! run, any other block is written byte by byte with no branch per byte, so
//! the zeros around a letter's strokes cost what the code makes them cost.
//! That code is made for cards: a zero takes one bit.

/// Adler-32's modulus.
const MOD: u64 = 65521;
/// Bytes read at a time in a row unlike the one above: 16 gave the smallest
/// cards at the best speed (8 was slower, 32 and 64 larger).
const BLOCK: usize = 16;
/// Literal bytes, the end of the block, and the 29 match lengths.
const SYMBOLS: usize = 286;
const END: usize = 256;
/// The Up filter's type byte.
const UP: u8 = 2;

/// Deflate's match lengths: the first length of each symbol, and how many
/// extra bits tell the rest.
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// The zlib stream of `pixels`, rows of `width` palette indices.
pub fn zlib(pixels: &[u8], width: usize) -> Vec<u8> {
    let code = Code::get();
    let mut out = Writer {
        bytes: Vec::with_capacity(32 * 1024),
        pending: 0,
        count: 0,
    };
    // zlib's header: deflate with a 32 KiB window, no dictionary.
    out.bytes.extend_from_slice(&[0x78, 0x01]);
    code.header(&mut out);
    let mut sum = Adler { a: 1, b: 0 };
    let mut filtered = vec![0; width + 1];
    filtered[0] = UP;
    let mut run = 0;
    let mut above: Option<&[u8]> = None;
    for row in pixels.chunks_exact(width) {
        code.zeros(&mut out, run);
        code.literal(&mut out, UP);
        if above == Some(row) {
            sum.filter_byte_and_zeros(width);
            run = width;
            continue;
        }
        match above {
            Some(above) => {
                for ((f, x), y) in filtered[1..].iter_mut().zip(row).zip(above) {
                    *f = x.wrapping_sub(*y);
                }
            }
            None => filtered[1..].copy_from_slice(row),
        }
        sum.add(&filtered);
        run = code.row(&mut out, &filtered[1..]);
        above = Some(row);
    }
    code.zeros(&mut out, run);
    code.symbol(&mut out, END);
    let mut bytes = out.finish();
    bytes.extend_from_slice(&sum.value().to_be_bytes());
    bytes
}

/// Bits written from the lowest up, as deflate reads them.
struct Writer {
    bytes: Vec<u8>,
    pending: u64,
    count: u32,
}

impl Writer {
    /// Appends the low `n` bits of `bits`, which has none set above them.
    #[inline(always)]
    fn put(&mut self, bits: u64, n: u32) {
        self.pending |= bits << self.count;
        self.count += n;
        if self.count >= 64 {
            self.bytes.extend_from_slice(&self.pending.to_le_bytes());
            self.count -= 64;
            // What did not fit: the top `count` bits of `bits`.
            self.pending = bits.checked_shr(n - self.count).unwrap_or(0);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        let last = self.count.div_ceil(8) as usize;
        self.bytes
            .extend_from_slice(&self.pending.to_le_bytes()[..last]);
        self.bytes
    }
}

struct Adler {
    a: u64,
    b: u64,
}

impl Adler {
    fn add(&mut self, bytes: &[u8]) {
        let mut hash = simd_adler32::Adler32::from_checksum(self.value());
        hash.write(bytes);
        let value = hash.finish();
        (self.a, self.b) = (u64::from(value & 0xffff), u64::from(value >> 16));
    }

    /// A row like the one above: the filter byte and `width` zeros. Each
    /// zero adds the running sum once more and nothing to it.
    fn filter_byte_and_zeros(&mut self, width: usize) {
        let n = width as u64 + 1;
        self.b = (self.b + n * self.a + n * u64::from(UP)) % MOD;
        self.a = (self.a + u64::from(UP)) % MOD;
    }

    fn value(&self) -> u32 {
        ((self.b as u32) << 16) | self.a as u32
    }
}

/// The cards' Huffman code: each symbol's code, bit-reversed for the writer,
/// and its length; and each match length's whole code, with its extra bits
/// and the distance code after them.
struct Code {
    lengths: [u8; SYMBOLS],
    codes: [u16; SYMBOLS],
    matches: [(u32, u32); 259],
    /// Each pair of bytes' two codes, the first in the low bits, and their
    /// length in bits above bit 24: a row with text is written two bytes a
    /// lookup rather than one.
    pairs: Box<[u32]>,
}

impl Code {
    fn get() -> &'static Code {
        static CODE: std::sync::OnceLock<Code> = std::sync::OnceLock::new();
        CODE.get_or_init(Code::new)
    }

    /// A zero takes one bit; the other symbols share the other half of the
    /// code, nine bits each but for the 58 least likely, which take ten: the
    /// end of the block, the match lengths but the longest, and the bytes 100
    /// to 128 (a card has far fewer colours, so its indices rarely differ by
    /// so much). 227 codes of nine bits and 58 of ten fill that half exactly,
    /// as deflate wants a code to be complete.
    fn new() -> Code {
        let mut lengths = [9u8; SYMBOLS];
        lengths[0] = 1;
        for (symbol, length) in lengths.iter_mut().enumerate() {
            if (100..=128).contains(&symbol) || (END..SYMBOLS - 1).contains(&symbol) {
                *length = 10;
            }
        }
        let codes = canonical(&lengths);
        let mut matches = [(0, 0); 259];
        for (len, slot) in matches.iter_mut().enumerate().skip(3) {
            let i = LEN_BASE
                .iter()
                .rposition(|&base| usize::from(base) <= len)
                .unwrap_or(0);
            let symbol = 257 + i;
            let (code, n) = (u32::from(codes[symbol]), u32::from(lengths[symbol]));
            let extra = (len - usize::from(LEN_BASE[i])) as u32;
            // The one distance code, distance 1, is a single zero bit.
            *slot = (code | (extra << n), n + u32::from(LEN_EXTRA[i]) + 1);
        }
        let pairs = (0..=u16::MAX)
            .map(|pair| {
                let [a, b] = pair.to_le_bytes().map(usize::from);
                let (na, nb) = (u32::from(lengths[a]), u32::from(lengths[b]));
                let bits = u32::from(codes[a]) | (u32::from(codes[b]) << na);
                bits | ((na + nb) << 24)
            })
            .collect();
        Code {
            lengths,
            codes,
            matches,
            pairs,
        }
    }

    /// One final block with this code: its lengths are written four bits
    /// each, under a code of the sixteen lengths 0 to 15, and one distance
    /// code of one bit follows them.
    fn header(&self, out: &mut Writer) {
        // Final block, its own codes.
        out.put(0b101, 3);
        out.put((SYMBOLS - 257) as u64, 5);
        // One distance code.
        out.put(0, 5);
        // All nineteen lengths of the code-length code, in deflate's order.
        out.put(19 - 4, 4);
        const ORDER: [usize; 19] = [
            16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
        ];
        for symbol in ORDER {
            out.put(if symbol < 16 { 4 } else { 0 }, 3);
        }
        // Sixteen codes of four bits: length `l` is written as `l`.
        let length = |l: u8| u64::from(l.reverse_bits() >> 4);
        for &l in &self.lengths {
            out.put(length(l), 4);
        }
        out.put(length(1), 4);
    }

    #[inline(always)]
    fn symbol(&self, out: &mut Writer, symbol: usize) {
        out.put(
            u64::from(self.codes[symbol]),
            u32::from(self.lengths[symbol]),
        );
    }

    #[inline(always)]
    fn literal(&self, out: &mut Writer, byte: u8) {
        self.symbol(out, usize::from(byte));
    }

    /// Four bytes in one write: 40 bits at most.
    #[inline(always)]
    fn four(&self, out: &mut Writer, bytes: &[u8]) {
        let pair = |i: usize| {
            let p = self.pairs[usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]))];
            (u64::from(p & 0xff_ffff), p >> 24)
        };
        let (c0, n0) = pair(0);
        let (c1, n1) = pair(2);
        out.put(c0 | (c1 << n0), n0 + n1);
    }

    /// `run` zeros: the first as a literal, the rest copied from the byte
    /// before in pieces of 3 to 258.
    fn zeros(&self, out: &mut Writer, run: usize) {
        if run == 0 {
            return;
        }
        self.literal(out, 0);
        let mut left = run - 1;
        while left >= 3 {
            // Never leave one or two after a piece of 258.
            let piece = match left {
                259 | 260 => left - 3,
                _ => left.min(258),
            };
            let (code, n) = self.matches[piece];
            out.put(u64::from(code), n);
            left -= piece;
        }
        for _ in 0..left {
            self.literal(out, 0);
        }
    }

    /// A filtered row after its filter byte, in blocks. Returns the run of
    /// zeros still open at its end, which the next row's writing ends.
    fn row(&self, out: &mut Writer, bytes: &[u8]) -> usize {
        let mut run = 0;
        let mut blocks = bytes.chunks_exact(BLOCK);
        for block in &mut blocks {
            let any = (block.chunks_exact(8)).fold(0, |any, word| {
                any | u64::from_le_bytes(word.try_into().unwrap_or_default())
            });
            if any == 0 {
                run += BLOCK;
                continue;
            }
            self.zeros(out, run);
            run = 0;
            for four in block.chunks_exact(4) {
                self.four(out, four);
            }
        }
        for &byte in blocks.remainder() {
            if byte == 0 {
                run += 1;
            } else {
                self.zeros(out, run);
                run = 0;
                self.literal(out, byte);
            }
        }
        run
    }
}

/// Deflate's canonical codes for `lengths`, each bit-reversed, as the writer
/// puts the lowest bit first and deflate reads a code from its highest.
fn canonical(lengths: &[u8; SYMBOLS]) -> [u16; SYMBOLS] {
    const MAX: usize = 15;
    let mut count = [0u16; MAX + 1];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; MAX + 1];
    let mut code = 0u16;
    for bits in 1..=MAX {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    let mut codes = [0u16; SYMBOLS];
    for (symbol, &l) in lengths.iter().enumerate() {
        if l > 0 {
            let l = usize::from(l);
            codes[symbol] = next[l].reverse_bits() >> (16 - l);
            next[l] += 1;
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG of `pixels` made with [`zlib`] by `png`'s own decoder.
    fn round_trip(pixels: &[u8], width: usize) -> Vec<u8> {
        let height = pixels.len() / width;
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, width as u32, height as u32);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(vec![0; 256 * 3]);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_chunk(png::chunk::IDAT, &zlib(pixels, width))
            .unwrap();
        writer.finish().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut out = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut out).unwrap();
        out
    }

    /// The same stream inflated by another inflater than `png`'s (flate2's),
    /// with its checksum checked.
    fn inflated(pixels: &[u8], width: usize) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&zlib(pixels, width)[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// The bytes a PNG of `pixels` holds with the Up filter on every row.
    fn up_filtered(pixels: &[u8], width: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut above = vec![0; width];
        for row in pixels.chunks_exact(width) {
            out.push(UP);
            out.extend(row.iter().zip(&above).map(|(x, y)| x.wrapping_sub(*y)));
            above = row.to_vec();
        }
        out
    }

    /// A card-like image: a bar down the left, text-like rows of every byte
    /// value between stretches of rows like the ones above.
    fn card_like(width: usize, height: usize, seed: u64) -> Vec<u8> {
        let mut state = seed | 1;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut pixels = vec![0u8; width * height];
        let mut y = 0;
        while y < height {
            let row_start = y * width;
            let repeat = (random() % 40) as usize;
            if y > 0 && repeat > 20 {
                // A stretch of rows like the one above.
                for r in y..(y + repeat - 20).min(height) {
                    pixels.copy_within(row_start - width..row_start, r * width);
                }
                y += repeat - 20;
                continue;
            }
            let row = &mut pixels[row_start..row_start + width];
            row[..width.min(16)].fill(7);
            let mut x = 16;
            while x < width {
                let gap = (random() % 50) as usize;
                let ink = (random() % 12) as usize;
                x += gap;
                for p in &mut row[x.min(width)..(x + ink).min(width)] {
                    *p = random() as u8;
                }
                x += ink;
            }
            y += 1;
        }
        pixels
    }

    #[test]
    fn cards_come_back_pixel_for_pixel_from_both_inflaters() {
        for (width, height, seed) in [(1200, 630, 1), (1200, 630, 2), (37, 90, 3), (16, 40, 4)] {
            let pixels = card_like(width, height, seed);
            assert!(round_trip(&pixels, width) == pixels, "{width}x{height}");
            assert!(
                inflated(&pixels, width) == up_filtered(&pixels, width),
                "{width}x{height}"
            );
        }
    }

    /// Runs of every length that splits differently into pieces, within a
    /// row, across rows and across rows like the one above; rows narrower
    /// than a block; every byte value, as literals of nine and ten bits.
    #[test]
    fn runs_of_every_awkward_length_and_every_byte_value_come_back() {
        for width in [
            1, 2, 3, 15, 16, 17, 255, 256, 257, 258, 259, 260, 261, 262, 600,
        ] {
            let height = 12;
            let mut pixels = vec![0u8; width * height];
            for (i, p) in pixels.iter_mut().enumerate() {
                // A byte now and then, otherwise zeros; one row all zeros and
                // two rows the same, at the middle.
                let (x, y) = (i % width, i / width);
                if y != 4 && y != 7 && y != 8 && (x * 7 + y * 3) % 11 == 0 {
                    *p = (i * 37 % 256) as u8;
                }
            }
            pixels.copy_within(7 * width..8 * width, 8 * width);
            assert!(round_trip(&pixels, width) == pixels, "width {width}");
            assert!(
                inflated(&pixels, width) == up_filtered(&pixels, width),
                "width {width}"
            );
        }
        let every: Vec<u8> = (0..=255u8).cycle().take(256 * 9).collect();
        assert!(round_trip(&every, 256) == every);
        assert!(round_trip(&every, 48) == every);
    }

    /// The code is complete (deflate wants every literal and length code to
    /// fill the code space) and no code is longer than fifteen bits.
    #[test]
    fn the_cards_code_is_complete() {
        let code = Code::new();
        let space: f64 = (code.lengths.iter())
            .map(|&l| 2f64.powi(-i32::from(l)))
            .sum();
        assert_eq!(space, 1.0);
        assert!(code.lengths.iter().all(|&l| (1..=15).contains(&l)));
    }
}
