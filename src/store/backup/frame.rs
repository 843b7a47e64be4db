//! The backup file's framing: the magic, `tag ‖ length ‖ body` frames, and the closing MAC
//! (HMAC-SHA-256 under the backup key) over every byte before the end frame, magic and
//! header included (see the parent module for the layout).

use std::io::{Read, Write};

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use super::{BackupError, BackupKey, MAGIC, MAGIC_V1, MAX_FRAME, TAG_END};

/// Writes frames and keeps the running MAC.
pub(super) struct FrameWriter<'a> {
    out: &'a mut dyn Write,
    hasher: Hmac<Sha256>,
    written: u64,
}

impl<'a> FrameWriter<'a> {
    /// Starts a backup: writes the magic.
    pub fn start(out: &'a mut dyn Write, key: &BackupKey) -> Result<Self, BackupError> {
        let mut writer = Self {
            out,
            hasher: key.hmac(),
            written: 0,
        };
        writer.put(MAGIC)?;
        Ok(writer)
    }

    /// One frame whose body is `parts` one after the other.
    pub fn frame(&mut self, tag: u8, parts: &[&[u8]]) -> Result<(), BackupError> {
        let len: usize = parts.iter().map(|part| part.len()).sum();
        let len = u32::try_from(len)
            .ok()
            .filter(|&len| len as usize <= MAX_FRAME)
            .ok_or_else(|| BackupError::Damaged("a frame is too large to write".into()))?;
        let [l0, l1, l2, l3] = len.to_be_bytes();
        self.put(&[tag, l0, l1, l2, l3])?;
        for part in parts {
            self.put(part)?;
        }
        Ok(())
    }

    /// The end frame (the MAC of everything before it); returns the bytes written.
    pub fn finish(mut self) -> Result<u64, BackupError> {
        let digest: [u8; 32] = self.hasher.clone().finalize().into_bytes().into();
        let [l0, l1, l2, l3] = 32u32.to_be_bytes();
        self.write_raw(&[TAG_END, l0, l1, l2, l3])?;
        self.write_raw(&digest)?;
        self.out
            .flush()
            .map_err(|e| BackupError::io("cannot write the backup", e))?;
        Ok(self.written)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.hasher.update(bytes);
        self.write_raw(bytes)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.out
            .write_all(bytes)
            .map_err(|e| BackupError::io("cannot write the backup", e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// Reads frames, checking the MAC at the end frame and that nothing follows it. A frame is
/// handed out before the MAC is checked: nothing read may be written anywhere until
/// [`FrameReader::next`] has answered `None`.
pub(super) struct FrameReader<R: Read> {
    input: R,
    hasher: Hmac<Sha256>,
    body: Vec<u8>,
    ended: bool,
}

impl<R: Read> FrameReader<R> {
    /// Checks the magic. `name` says what is read, for the error.
    pub fn start(mut input: R, name: &str, key: &BackupKey) -> Result<Self, BackupError> {
        let mut magic = [0u8; MAGIC.len()];
        input
            .read_exact(&mut magic)
            .map_err(|_| BackupError::NotABackup(name.to_owned()))?;
        if &magic != MAGIC {
            if &magic == MAGIC_V1 {
                return Err(BackupError::Unauthenticated);
            }
            if magic.starts_with(b"TINCAY-BACKUP-") {
                return Err(BackupError::Damaged(
                    "this backup file format is newer than this tincay: use a newer tincay".into(),
                ));
            }
            return Err(BackupError::NotABackup(name.to_owned()));
        }
        let mut hasher = key.hmac();
        hasher.update(&magic);
        Ok(Self {
            input,
            hasher,
            body: Vec::new(),
            ended: false,
        })
    }

    /// The next frame's tag and body; `None` after the end frame, whose checksum matched and
    /// after which the file ends.
    pub fn next(&mut self) -> Result<Option<(u8, &[u8])>, BackupError> {
        if self.ended {
            return Ok(None);
        }
        let mut head = [0u8; 5];
        self.input.read_exact(&mut head).map_err(truncated)?;
        let [tag, l0, l1, l2, l3] = head;
        let len = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
        if len > MAX_FRAME {
            return Err(BackupError::Damaged(format!("a frame claims {len} bytes")));
        }
        self.body.clear();
        self.body.resize(len, 0);
        if tag == TAG_END {
            self.input.read_exact(&mut self.body).map_err(truncated)?;
            // Constant time; a body of another length fails too.
            if self.hasher.clone().verify_slice(&self.body).is_err() {
                return Err(BackupError::NotAuthentic);
            }
            let mut extra = [0u8; 1];
            match self.input.read(&mut extra) {
                Ok(0) => {}
                Ok(_) => return Err(BackupError::Damaged("bytes follow the end".into())),
                Err(e) => return Err(BackupError::io("cannot read the backup", e)),
            }
            self.ended = true;
            return Ok(None);
        }
        self.hasher.update(&head);
        self.input.read_exact(&mut self.body).map_err(truncated)?;
        self.hasher.update(&self.body);
        Ok(Some((tag, &self.body)))
    }
}

fn truncated(error: std::io::Error) -> BackupError {
    if error.kind() == std::io::ErrorKind::UnexpectedEof {
        BackupError::Damaged("the file ends early (an interrupted copy?)".into())
    } else {
        BackupError::io("cannot read the backup", error)
    }
}

/// A cursor over a frame's body; every read is bounds-checked.
pub(super) struct Body<'a>(pub &'a [u8]);

impl<'a> Body<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], BackupError> {
        let (taken, rest) = self
            .0
            .split_at_checked(n)
            .ok_or_else(|| BackupError::Damaged("a frame is too short".into()))?;
        self.0 = rest;
        Ok(taken)
    }
    pub fn u8(&mut self) -> Result<u8, BackupError> {
        let [byte] = self.array::<1>()?;
        Ok(byte)
    }
    pub fn u16(&mut self) -> Result<u16, BackupError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, BackupError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let bytes = self.take(N)?;
        <[u8; N]>::try_from(bytes).map_err(|_| BackupError::Damaged("a frame is too short".into()))
    }
    pub fn rest(self) -> &'a [u8] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BackupKey {
        BackupKey::of(&crate::store::crypto::MasterKey::from_bytes([7; 32]))
    }

    fn written(frames: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = FrameWriter::start(&mut out, &key()).unwrap();
        for (tag, body) in frames {
            writer.frame(*tag, &[body]).unwrap();
        }
        writer.finish().unwrap();
        out
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<(u8, Vec<u8>)>, BackupError> {
        read_with(bytes, &key())
    }

    fn read_with(bytes: &[u8], key: &BackupKey) -> Result<Vec<(u8, Vec<u8>)>, BackupError> {
        let mut reader = FrameReader::start(bytes, "test", key)?;
        let mut frames = Vec::new();
        while let Some((tag, body)) = reader.next()? {
            frames.push((tag, body.to_vec()));
        }
        Ok(frames)
    }

    #[test]
    fn frames_read_back_and_any_flipped_byte_or_truncation_is_refused() {
        let bytes = written(&[(b'H', b"{}"), (b'R', b"record")]);
        let frames = read_all(&bytes).unwrap();
        assert_eq!(
            frames,
            vec![(b'H', b"{}".to_vec()), (b'R', b"record".to_vec())]
        );
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x01;
            assert!(read_all(&damaged).is_err(), "flipped byte {i}");
        }
        for len in 0..bytes.len() {
            assert!(read_all(&bytes[..len]).is_err(), "truncated to {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read_all(&longer).is_err());
    }

    #[test]
    fn frames_under_another_key_or_with_a_plain_checksum_are_not_authentic() {
        let bytes = written(&[(b'H', b"{}")]);
        let other = BackupKey::of(&crate::store::crypto::MasterKey::from_bytes([8; 32]));
        assert!(matches!(
            read_with(&bytes, &other),
            Err(BackupError::NotAuthentic)
        ));
        // Version 1's unkeyed SHA-256 in place of the MAC, as someone without the key would
        // write it after changing a frame.
        use sha2::Digest as _;
        let end = bytes.len() - 32;
        let mut forged = bytes.clone();
        let digest = sha2::Sha256::digest(&bytes[..end - 5]);
        forged[end..].copy_from_slice(&digest);
        assert!(matches!(read_all(&forged), Err(BackupError::NotAuthentic)));
    }

    #[test]
    fn a_version_1_backup_is_refused_as_unauthenticated() {
        let mut bytes = MAGIC_V1.to_vec();
        bytes.extend_from_slice(b"H\0\0\0\x02{}");
        assert!(matches!(
            read_all(&bytes),
            Err(BackupError::Unauthenticated)
        ));
    }

    #[test]
    fn another_file_is_not_a_backup() {
        assert!(matches!(
            read_all(b"SQLite format 3\0 and more"),
            Err(BackupError::NotABackup(_))
        ));
    }
}
