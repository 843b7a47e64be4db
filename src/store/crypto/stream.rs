//! Streamed AES-256-GCM: a plaintext too large to hold whole (a projection checkpoint) sealed
//! and opened segment by segment with the STREAM construction (`aead::stream`, 32-bit
//! big-endian counter and a last-segment flag in the nonce). SECURITY-SENSITIVE.
//!
//! The sealed stream is its random nonce (7 bytes), then a run of segments, each [`SEGMENT`]
//! plaintext bytes and a 16-byte tag, ended by a *last* segment that is shorter than a full one (it may be a tag alone), so a
//! reader knows it by its length. Segments cannot be reordered, dropped or cut off: the
//! counter and the flag are in every nonce, and a stream cut at a segment boundary ends in a
//! segment sealed as not last. The caller's associated data is bound to every segment.
//!
//! Plaintext exists only in one zeroizing segment buffer on each side; nothing is exposed to
//! a reader before its segment has authenticated. A reader must still check that it reached
//! the end ([`OpeningReader::ensure_end`]) before trusting that it read everything.

use std::fmt;
use std::io::{self, BufRead, Read, Write};

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::OsRng;
use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use zeroize::Zeroizing;

use crate::store::crypto::DataKey;
use crate::store::crypto::keys::TAG_LEN;

/// Plaintext bytes per segment (the last holds fewer).
pub const SEGMENT: usize = 64 * 1024;

/// The stream's nonce: the AEAD's 12 bytes less STREAM's counter (4) and flag (1).
const STREAM_NONCE_LEN: usize = 7;

/// A segment as stored: its plaintext and tag.
const SEALED_SEGMENT: usize = SEGMENT + TAG_LEN;

impl DataKey {
    /// Seal whatever is written to the returned writer into `out`, under a fresh random
    /// stream nonce (written first), binding `aad`.
    pub fn seal_stream<W: Write>(&self, aad: &[u8], mut out: W) -> io::Result<SealingWriter<W>> {
        let mut nonce = [0u8; STREAM_NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        out.write_all(&nonce)?;
        Ok(SealingWriter {
            encryptor: Some(EncryptorBE32::from_aead(
                self.cipher.clone(),
                (&nonce).into(),
            )),
            aad: aad.to_vec(),
            segment: segment_buffer(),
            out,
        })
    }

    /// Open a stream sealed by [`DataKey::seal_stream`] with `aad`, reading it from `input`.
    pub fn open_stream<R: Read>(&self, aad: &[u8], mut input: R) -> io::Result<OpeningReader<R>> {
        let mut nonce = [0u8; STREAM_NONCE_LEN];
        input.read_exact(&mut nonce).map_err(|_| unauthentic())?;
        Ok(OpeningReader {
            decryptor: Some(DecryptorBE32::from_aead(
                self.cipher.clone(),
                (&nonce).into(),
            )),
            aad: aad.to_vec(),
            segment: segment_buffer(),
            read: 0,
            input,
        })
    }
}

/// A zeroizing buffer with room for a sealed segment, so sealing or opening in it never
/// reallocates (which would leave a plaintext copy behind).
fn segment_buffer() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(Vec::with_capacity(SEALED_SEGMENT))
}

/// Seals what is written to it, a segment at a time, into its output. Call
/// [`SealingWriter::finish`]: a writer dropped without it leaves a stream that never opens.
pub struct SealingWriter<W: Write> {
    /// `None` once finished (or failed).
    encryptor: Option<EncryptorBE32<Aes256Gcm>>,
    aad: Vec<u8>,
    segment: Zeroizing<Vec<u8>>,
    out: W,
}

impl<W: Write> SealingWriter<W> {
    /// Seal what is left as the last segment, and return the output (not flushed).
    pub fn finish(mut self) -> io::Result<W> {
        let encryptor = self.encryptor.take().ok_or_else(sealing_failed)?;
        encryptor
            .encrypt_last_in_place(&self.aad, &mut *self.segment)
            .map_err(|_| sealing_failed())?;
        self.out.write_all(&self.segment)?;
        self.segment.clear();
        Ok(self.out)
    }

    /// Seal the full segment buffer and write it out.
    fn seal_full_segment(&mut self) -> io::Result<()> {
        let encryptor = self.encryptor.as_mut().ok_or_else(sealing_failed)?;
        encryptor
            .encrypt_next_in_place(&self.aad, &mut *self.segment)
            .map_err(|_| sealing_failed())?;
        self.out.write_all(&self.segment)?;
        self.segment.clear();
        Ok(())
    }
}

impl<W: Write> Write for SealingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = SEGMENT - self.segment.len();
        let taken = bytes.len().min(room);
        self.segment
            .extend_from_slice(bytes.get(..taken).unwrap_or_default());
        // A full segment is sealed at once, so the last segment is always shorter than full.
        if self.segment.len() == SEGMENT {
            self.seal_full_segment()?;
        }
        Ok(taken)
    }

    /// Flushes the output; bytes of a segment not yet full stay until it fills or finishes.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn sealing_failed() -> io::Error {
    // The 32-bit counter ran out (256 TiB), or the writer was used after failing.
    io::Error::other("the stream cannot be sealed")
}

/// Opens a sealed stream as it reads it, one authenticated segment at a time.
pub struct OpeningReader<R: Read> {
    /// `None` once the last segment is opened.
    decryptor: Option<DecryptorBE32<Aes256Gcm>>,
    aad: Vec<u8>,
    /// The current segment's plaintext.
    segment: Zeroizing<Vec<u8>>,
    /// How much of `segment` has been read.
    read: usize,
    input: R,
}

impl<R: Read> OpeningReader<R> {
    /// Whether the stream ended exactly here, with its last segment authenticated: an error
    /// if bytes are left unread, or the stream was cut off or altered.
    pub fn ensure_end(&mut self) -> io::Result<()> {
        if self.fill_buf()?.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the stream holds more than was read",
            ))
        }
    }

    /// Read and open the next segment into the buffer.
    fn open_next_segment(&mut self) -> io::Result<()> {
        // Read straight into the segment buffer (its capacity is a sealed segment's, so
        // resizing never reallocates), then keep what was read.
        self.segment.clear();
        self.segment.resize(SEALED_SEGMENT, 0);
        self.read = 0;
        let mut filled = 0;
        while filled < SEALED_SEGMENT {
            let into = self.segment.get_mut(filled..).unwrap_or_default();
            match self.input.read(into) {
                Ok(0) => break,
                Ok(count) => filled += count,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.segment.clear();
                    return Err(error);
                }
            }
        }
        self.segment.truncate(filled);
        let opened = if self.segment.len() == SEALED_SEGMENT {
            match self.decryptor.as_mut() {
                Some(decryptor) => decryptor.decrypt_next_in_place(&self.aad, &mut *self.segment),
                None => Err(aes_gcm::aead::Error),
            }
        } else {
            match self.decryptor.take() {
                Some(decryptor) => decryptor.decrypt_last_in_place(&self.aad, &mut *self.segment),
                None => Err(aes_gcm::aead::Error),
            }
        };
        opened.map_err(|_| {
            self.segment.clear();
            self.decryptor = None;
            unauthentic()
        })
    }
}

fn unauthentic() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "the stream does not authenticate: wrong key or context, altered, or cut off",
    )
}

impl<R: Read> BufRead for OpeningReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.read == self.segment.len() && self.decryptor.is_some() {
            self.open_next_segment()?;
        }
        Ok(self.segment.get(self.read..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.read = self.read.saturating_add(amount).min(self.segment.len());
    }
}

impl<R: Read> Read for OpeningReader<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(into.len());
        into.get_mut(..count)
            .unwrap_or_default()
            .copy_from_slice(available.get(..count).unwrap_or_default());
        self.consume(count);
        Ok(count)
    }
}

impl<W: Write> fmt::Debug for SealingWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingWriter(<{} bytes redacted>)", self.segment.len())
    }
}

impl<R: Read> fmt::Debug for OpeningReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpeningReader(<{} bytes redacted>)", self.segment.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(key: &DataKey, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut writer = key.seal_stream(aad, Vec::new()).unwrap();
        // In uneven pieces, so segments fill across writes.
        for piece in plaintext.chunks(7_777) {
            writer.write_all(piece).unwrap();
        }
        writer.finish().unwrap()
    }

    fn opened(key: &DataKey, aad: &[u8], stream: &[u8]) -> io::Result<Vec<u8>> {
        let mut reader = key.open_stream(aad, stream)?;
        let mut plaintext = Vec::new();
        reader.read_to_end(&mut plaintext)?;
        reader.ensure_end()?;
        Ok(plaintext)
    }

    fn plaintext(length: usize) -> Vec<u8> {
        (0..length).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn streams_of_every_shape_round_trip() {
        let key = DataKey::generate();
        for length in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            200_000,
        ] {
            let plaintext = plaintext(length);
            let stream = sealed(&key, b"aad", &plaintext);
            let segments = length / SEGMENT + 1;
            assert_eq!(
                stream.len(),
                STREAM_NONCE_LEN + length + segments * TAG_LEN,
                "{length}"
            );
            if length > 0 {
                assert!(!stream.windows(16).any(|w| plaintext.starts_with(w)));
            }
            assert_eq!(opened(&key, b"aad", &stream).unwrap(), plaintext);
        }
    }

    #[test]
    fn two_streams_of_the_same_plaintext_differ() {
        let key = DataKey::generate();
        let plaintext = plaintext(1000);
        assert_ne!(
            sealed(&key, b"aad", &plaintext),
            sealed(&key, b"aad", &plaintext)
        );
    }

    #[test]
    fn a_stream_cut_short_anywhere_does_not_open() {
        let key = DataKey::generate();
        let stream = sealed(&key, b"aad", &plaintext(2 * SEGMENT + 100));
        // At a segment boundary (the last segment dropped), inside a segment, a byte short,
        // inside the nonce, and nothing at all.
        for cut in [
            STREAM_NONCE_LEN + SEALED_SEGMENT,
            STREAM_NONCE_LEN + 2 * SEALED_SEGMENT,
            STREAM_NONCE_LEN + SEALED_SEGMENT + 5,
            stream.len() - 1,
            STREAM_NONCE_LEN,
            3,
            0,
        ] {
            let error = opened(&key, b"aad", &stream[..cut]).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidData, "cut at {cut}");
        }
    }

    #[test]
    fn an_altered_reordered_or_foreign_stream_does_not_open() {
        let key = DataKey::generate();
        let stream = sealed(&key, b"aad", &plaintext(2 * SEGMENT + 100));
        let mut flipped = stream.clone();
        flipped[STREAM_NONCE_LEN + SEALED_SEGMENT + 3] ^= 1;
        let mut swapped = stream.clone();
        swapped[STREAM_NONCE_LEN..STREAM_NONCE_LEN + 2 * SEALED_SEGMENT]
            .rotate_left(SEALED_SEGMENT);
        let mut longer = stream.clone();
        longer.push(0);
        let mut other_nonce = stream.clone();
        other_nonce[0] ^= 1;
        for bad in [&flipped, &swapped, &longer, &other_nonce] {
            assert!(opened(&key, b"aad", bad).is_err());
        }
        assert!(opened(&key, b"aae", &stream).is_err());
        assert!(opened(&DataKey::generate(), b"aad", &stream).is_err());
    }

    /// An input that gives a few bytes at a time, and is interrupted now and then.
    struct Trickle<'a> {
        bytes: &'a [u8],
        calls: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 7 == 0 {
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            let count = into.len().min(self.bytes.len()).min(1 + self.calls % 5);
            into[..count].copy_from_slice(&self.bytes[..count]);
            self.bytes = &self.bytes[count..];
            Ok(count)
        }
    }

    #[test]
    fn a_stream_read_a_few_bytes_at_a_time_opens() {
        let key = DataKey::generate();
        let plaintext = plaintext(SEGMENT + 1000);
        let stream = sealed(&key, b"aad", &plaintext);
        let input = Trickle {
            bytes: &stream,
            calls: 0,
        };
        let mut reader = key.open_stream(b"aad", input).unwrap();
        let mut opened = Vec::new();
        reader.read_to_end(&mut opened).unwrap();
        reader.ensure_end().unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn a_reader_that_stops_early_is_told_the_stream_holds_more() {
        let key = DataKey::generate();
        let stream = sealed(&key, b"aad", &plaintext(100));
        let mut reader = key.open_stream(b"aad", stream.as_slice()).unwrap();
        let mut first = [0u8; 10];
        reader.read_exact(&mut first).unwrap();
        assert_eq!(
            reader.ensure_end().unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn debug_shows_no_plaintext() {
        let key = DataKey::generate();
        let mut writer = key.seal_stream(b"aad", Vec::new()).unwrap();
        writer.write_all(b"CANARY-Nguyen-Thi-Mai").unwrap();
        assert!(!format!("{writer:?}").contains("CANARY"));
        let stream = writer.finish().unwrap();
        let mut reader = key.open_stream(b"aad", stream.as_slice()).unwrap();
        reader.fill_buf().unwrap();
        assert!(!format!("{reader:?}").contains("CANARY"));
    }
}
