//! The statistics projection's checkpoint form: its places as JSON, and its cases, rows and
//! links packed into little-endian bytes (base64), because a million rows as JSON objects
//! would be slow to write and read. It holds record keys, so it lives only inside the
//! encrypted checkpoint, and its `Debug` says nothing of them.
//!
//! Packed case: id (16) ‖ key u32 ‖ place u32 ‖ violence u16 ‖ sex, age band, ethnicity,
//! referred by, GBVIMS type, risk, flags (1 each) ‖ row count u32 ‖ rows; packed row: key
//! u32 ‖ place u32 ‖ month u16 ‖ extra u16 ‖ kind, code, aux, risk-and-flag (1 each);
//! packed link: id (16) ‖ case u32 ‖ row u32.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId};
use crate::stats::facts::{CaseRecord, Kind, Month, Row};
use crate::stats::projection::{Link, Place, StatsData};

/// The statistics projection's state in a checkpoint.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct StatsSnapshot {
    places: Vec<(TrustedAddressId, AreaCode)>,
    /// Packed cases (module docs), base64.
    cases: String,
    /// Packed links, base64.
    links: String,
}

impl std::fmt::Debug for StatsSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsSnapshot")
            .field("places", &self.places.len())
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
            places: data
                .places
                .iter()
                .map(|place| (place.trusted_address, place.commune.clone()))
                .collect(),
            cases: BASE64.encode(cases),
            links: BASE64.encode(links),
        }
    }

    /// The state this snapshot holds. A snapshot that does not unpack restores to an empty
    /// state: it can only come from a corrupt checkpoint, whose MAC would have failed first.
    pub(crate) fn into_data(self) -> StatsData {
        self.unpack().unwrap_or_default()
    }

    fn unpack(self) -> Option<StatsData> {
        let mut data = StatsData::default();
        for (trusted_address, commune) in self.places {
            let place = Place {
                trusted_address,
                commune,
            };
            let index = u32::try_from(data.places.len()).ok()?;
            data.place_index.insert(place.clone(), index);
            data.places.push(place);
        }
        let bytes = BASE64.decode(self.cases).ok()?;
        let mut reader = Reader(&bytes);
        while !reader.0.is_empty() {
            let id = CaseId::from_uuid(Uuid::from_bytes(reader.take()?));
            let key = reader.u32()?;
            let place = reader.u32()?;
            let violence = u16::from_le_bytes(reader.take()?);
            let [sex, age_band, ethnicity, referred_by, gbvims, risk, flags] = reader.take()?;
            let count = reader.u32()?;
            let mut rows = Vec::with_capacity(usize::try_from(count).ok()?.min(1 << 16));
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
                    kind: Kind::from_u8(kind)?,
                    code,
                    aux,
                    risk_and_flag,
                });
            }
            let index = u32::try_from(data.cases.len()).ok()?;
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
        let bytes = BASE64.decode(self.links).ok()?;
        let mut reader = Reader(&bytes);
        while !reader.0.is_empty() {
            let id = Uuid::from_bytes(reader.take()?);
            let case = reader.u32()?;
            let row = reader.u32()?;
            data.links.insert(id, Link { case, row });
        }
        Some(data)
    }
}

/// Reads fixed-size pieces off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
}
