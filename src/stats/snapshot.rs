//! The statistics projection's checkpoint form: its places and counts as JSON, and its cases,
//! rows and links packed into little-endian bytes, because a million rows as JSON objects
//! would be slow to write and read. The checkpoint streams the packed bytes as they are
//! ([`StatsSnapshot::write_packed`], [`StatsSnapshot::unpack`]); as JSON (tests) they are
//! base64. It holds record keys, so it lives only inside the
//! encrypted checkpoint, and its `Debug` says nothing of them.
//!
//! Packed case: id (16) ‖ key u32 ‖ place u32 ‖ violence u16 ‖ sex, age band, ethnicity,
//! referred by, GBVIMS type, risk, flags (1 each) ‖ row count u32 ‖ rows; packed row: key
//! u32 ‖ place u32 ‖ month u16 ‖ extra u16 ‖ kind, code, aux, risk-and-flag (1 each);
//! packed link: id (16) ‖ case u32 ‖ row u32.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId};
use crate::stats::data::{Link, Place, StatsData};
use crate::stats::facts::{CaseRecord, Kind, Month, Row};

/// At most this many cases, rows or links are allocated for before they are read: the counts
/// are only what the checkpoint claims (a claimed 10^8 cases once allocated the best part of
/// a gigabyte before failing; fuzz target `checkpoint_read`).
const PREALLOCATED: usize = 1 << 12;

/// The statistics projection's state in a checkpoint.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct StatsSnapshot {
    #[serde(flatten)]
    head: StatsHead,
    /// Packed cases (module docs).
    #[serde(with = "base64_bytes")]
    cases: Vec<u8>,
    /// Packed links.
    #[serde(with = "base64_bytes")]
    links: Vec<u8>,
}

/// What a reader needs before the packed bytes: the places, and how many cases and links
/// are packed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StatsHead {
    places: Vec<(TrustedAddressId, AreaCode)>,
    case_count: u64,
    link_count: u64,
}

impl std::fmt::Debug for StatsSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsSnapshot")
            .field("places", &self.head.places.len())
            .finish_non_exhaustive()
    }
}

impl StatsSnapshot {
    pub(crate) fn of(data: &StatsData) -> Self {
        let rows: usize = data.cases.iter().map(|case| case.rows.len()).sum();
        let mut cases = Vec::with_capacity(data.cases.len() * 39 + rows * 16);
        for (id, case) in data.ids.iter().zip(&data.cases) {
            cases.extend_from_slice(id.as_uuid().as_bytes());
            cases.extend_from_slice(&case.key.to_le_bytes());
            cases.extend_from_slice(&case.place.to_le_bytes());
            cases.extend_from_slice(&case.violence.to_le_bytes());
            cases.extend_from_slice(&[
                case.sex,
                case.age_band,
                case.ethnicity,
                case.referred_by,
                case.gbvims,
                case.risk,
                case.flags,
            ]);
            let count = u32::try_from(case.rows.len()).unwrap_or(u32::MAX);
            cases.extend_from_slice(&count.to_le_bytes());
            for row in &case.rows {
                cases.extend_from_slice(&row.key.to_le_bytes());
                cases.extend_from_slice(&row.place.to_le_bytes());
                cases.extend_from_slice(&row.month.0.to_le_bytes());
                cases.extend_from_slice(&row.extra.to_le_bytes());
                cases.extend_from_slice(&[row.kind as u8, row.code, row.aux, row.risk_and_flag]);
            }
        }
        let mut links = Vec::with_capacity(data.links.len() * 24);
        // In id order, so the same state always gives the same snapshot.
        let mut sorted: Vec<_> = data.links.iter().collect();
        sorted.sort_unstable_by_key(|(id, _)| **id);
        for (id, link) in sorted {
            links.extend_from_slice(id.as_bytes());
            links.extend_from_slice(&link.case.to_le_bytes());
            links.extend_from_slice(&link.row.to_le_bytes());
        }
        Self {
            head: StatsHead {
                places: data
                    .places
                    .iter()
                    .map(|place| (place.trusted_address, place.commune.clone()))
                    .collect(),
                case_count: data.cases.len() as u64,
                link_count: data.links.len() as u64,
            },
            cases,
            links,
        }
    }

    /// The places and counts, which a reader of [`StatsSnapshot::write_packed`]'s bytes
    /// needs first.
    pub fn head(&self) -> &StatsHead {
        &self.head
    }

    /// The packed cases and links, as [`StatsSnapshot::unpack`] reads them.
    pub fn write_packed(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.cases)?;
        out.write_all(&self.links)
    }

    /// The state this snapshot holds. A snapshot that does not unpack restores to an empty
    /// state: it can only come from a corrupt checkpoint, whose MAC would have failed first.
    pub(crate) fn into_data(self) -> StatsData {
        let mut packed = self.cases.chain(self.links.as_slice());
        Self::unpack(self.head, &mut packed).unwrap_or_default()
    }

    /// The state whose packed cases and links `input` holds (read as it goes, so the packed
    /// form is never held whole), after `head`'s places.
    pub fn unpack(head: StatsHead, input: &mut impl Read) -> io::Result<StatsData> {
        let mut data = StatsData::default();
        for (trusted_address, commune) in head.places {
            let place = Place {
                trusted_address,
                commune,
            };
            let index = u32::try_from(data.places.len()).map_err(|_| malformed())?;
            data.place_index.insert(place.clone(), index);
            data.places.push(place);
        }
        let mut reader = Reader(input);
        let case_count = usize::try_from(head.case_count).map_err(|_| malformed())?;
        data.cases.reserve(case_count.min(PREALLOCATED));
        data.ids.reserve(case_count.min(PREALLOCATED));
        data.index.reserve(case_count.min(PREALLOCATED));
        for _ in 0..case_count {
            let id = CaseId::from_uuid(Uuid::from_bytes(reader.take()?));
            let key = reader.u32()?;
            let place = reader.u32()?;
            let violence = u16::from_le_bytes(reader.take()?);
            let [sex, age_band, ethnicity, referred_by, gbvims, risk, flags] = reader.take()?;
            let count = reader.u32()?;
            let mut rows =
                Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(PREALLOCATED));
            for _ in 0..count {
                let key = reader.u32()?;
                let place = reader.u32()?;
                let month = Month(u16::from_le_bytes(reader.take()?));
                let extra = u16::from_le_bytes(reader.take()?);
                let [kind, code, aux, risk_and_flag] = reader.take()?;
                if risk_and_flag & crate::stats::facts::UNKEYED != 0 {
                    data.unkeyed += 1;
                }
                rows.push(Row {
                    key,
                    place,
                    month,
                    extra,
                    kind: Kind::from_u8(kind).ok_or_else(malformed)?,
                    code,
                    aux,
                    risk_and_flag,
                });
            }
            let index = u32::try_from(data.cases.len()).map_err(|_| malformed())?;
            data.index.insert(id, index);
            data.ids.push(id);
            data.cases.push(CaseRecord {
                key,
                place,
                violence,
                sex,
                age_band,
                ethnicity,
                referred_by,
                gbvims,
                risk,
                flags,
                rows,
            });
        }
        let link_count = usize::try_from(head.link_count).map_err(|_| malformed())?;
        data.links.reserve(link_count.min(PREALLOCATED));
        for _ in 0..link_count {
            let id = Uuid::from_bytes(reader.take()?);
            let case = reader.u32()?;
            let row = reader.u32()?;
            data.links.insert(id, Link { case, row });
        }
        Ok(data)
    }
}

fn malformed() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "malformed statistics snapshot")
}

/// Packed bytes as base64 in JSON.
mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        BASE64.decode(text).map_err(serde::de::Error::custom)
    }
}

/// Reads fixed-size pieces off the front of a reader.
struct Reader<'a, R>(&'a mut R);

impl<R: Read> Reader<'_, R> {
    fn take<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut piece = [0u8; N];
        self.0.read_exact(&mut piece)?;
        Ok(piece)
    }

    fn u32(&mut self) -> io::Result<u32> {
        self.take().map(u32::from_le_bytes)
    }
}
