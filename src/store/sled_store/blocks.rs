//! Records in blocks: the positions an append completes a block with are written as one
//! `record-blocks` entry, and reads find a position in its block or in `records`
//! ([`layout`]'s "Blocks").
//!
//! Readers take no lock. A block is written before its earlier records are removed from
//! `records` ([`super::apply`]), so a position is always in at least one of the two trees; a
//! reader that looked in `records` just before a block took a position over finds it in the
//! block when it looks again ([`read_from`]).

use sled::{IVec, Tree};

use super::{engine_error, layout};
use crate::store::engine::{StoreError, StoredRecord};

/// The blocks an append completes, planned under the append gate before it writes.
#[derive(Debug, Default)]
pub struct Packing {
    /// Each completed block's number and value.
    pub blocks: Vec<(u64, Vec<u8>)>,
    /// Earlier positions of those blocks, to remove from `records`.
    pub removed: Vec<u64>,
}

impl Packing {
    /// The blocks completed by appending `new` (the `records` values of positions `first`,
    /// `first + 1`, ...), with the blocks' earlier records read from `records`. A block whose
    /// earlier records are not all in `records` (a directory written before blocks existed,
    /// where they may be anywhere), or that would be larger than [`layout::BLOCK_MAX_BYTES`],
    /// is left as records.
    pub fn plan(records: &Tree, first: u64, new: &[&[u8]]) -> Result<Self, StoreError> {
        let mut packing = Self::default();
        let Some(count) = u64::try_from(new.len()).ok().filter(|&n| n > 0) else {
            return Ok(packing);
        };
        let last = first.saturating_add(count - 1);
        for block in layout::block_of(first)..=layout::block_of(last) {
            let (start, end) = (layout::block_start(block), layout::block_end(block));
            if end > last {
                break;
            }
            let mut earlier: Vec<IVec> = Vec::new();
            for position in start..first {
                match records.get(position.to_be_bytes()).map_err(engine_error)? {
                    Some(value) => earlier.push(value),
                    None => break,
                }
            }
            // Only the first block can have records before this append.
            if earlier.len() as u64 != first.saturating_sub(start) {
                continue;
            }
            let from = start.max(first);
            let ours = new_values(new, first, from, end);
            let values = earlier.iter().map(IVec::as_ref).chain(ours);
            let value = layout::block_value(values);
            if value.len() > layout::BLOCK_MAX_BYTES {
                continue;
            }
            packing.blocks.push((block, value));
            packing.removed.extend(start..from);
        }
        Ok(packing)
    }

    /// Whether `position` goes into a block rather than into `records`.
    pub fn packs(&self, position: u64) -> bool {
        // `blocks` is in block order, as planned.
        let block = layout::block_of(position);
        self.blocks
            .binary_search_by_key(&block, |(packed, _)| *packed)
            .is_ok()
    }
}

/// The values of positions `from..=to` among `new`, which starts at `first`.
fn new_values<'a>(new: &[&'a [u8]], first: u64, from: u64, to: u64) -> Vec<&'a [u8]> {
    let index = |position: u64| usize::try_from(position - first).unwrap_or(usize::MAX);
    new.get(index(from)..=index(to))
        .unwrap_or_default()
        .to_vec()
}

/// Up to `limit` records from `start` to `head`, in order, from blocks and records alike. A
/// position in neither tree is skipped, as a range scan of `records` alone skipped it, so
/// that verification names the gap.
pub fn read_from(
    records: &Tree,
    blocks: &Tree,
    start: u64,
    head: u64,
    limit: usize,
) -> Result<Vec<StoredRecord>, StoreError> {
    let available = usize::try_from(head.saturating_sub(start) + 1).unwrap_or(usize::MAX);
    let mut read = Reading {
        next: start,
        head,
        limit,
        out: Vec::with_capacity(limit.min(available).min(4096)),
    };
    while read.wants_more() {
        let before = read.out.len();
        read.read_blocks(blocks)?;
        read.read_records(records)?;
        if read.out.len() > before {
            continue;
        }
        // `next` is in neither tree as they were read. Either a block took it over between
        // the two reads (the block has it now), or it is missing: go on from the next record
        // stored after it.
        if in_block(blocks, read.next)?.is_some() {
            continue;
        }
        match next_stored(records, blocks, read.next, head)? {
            Some(position) => read.next = position,
            None => break,
        }
    }
    Ok(read.out)
}

/// A [`read_from`] under way.
struct Reading {
    /// The position to read next.
    next: u64,
    head: u64,
    limit: usize,
    out: Vec<StoredRecord>,
}

impl Reading {
    fn wants_more(&self) -> bool {
        self.out.len() < self.limit && self.next <= self.head
    }

    /// Take `record` if it is the one wanted next.
    fn take(&mut self, record: StoredRecord) -> bool {
        let wanted = self.wants_more() && record.position == self.next;
        if wanted {
            self.next += 1;
            self.out.push(record);
        }
        wanted
    }

    /// The blocks from `next`'s on, while they follow one another. A block missing a record
    /// (only tampering does that) ends the run, and [`read_from`] skips the gap.
    fn read_blocks(&mut self, blocks: &Tree) -> Result<(), StoreError> {
        let from = layout::block_of(self.next);
        let range = blocks.range(from.to_be_bytes()..=layout::block_of(self.head).to_be_bytes());
        for (expected, entry) in (from..).zip(range) {
            let (key, value) = entry.map_err(engine_error)?;
            if layout::u64_of(&key, "record block")? != expected {
                return Ok(());
            }
            let wanted = self.limit.saturating_sub(self.out.len());
            let records = layout::decode_block(&key, &value, self.next, wanted)?;
            for record in records {
                if !self.take(record) {
                    return Ok(());
                }
            }
            if self.next <= layout::block_end(expected) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The records from `next` on, while their positions follow one another.
    fn read_records(&mut self, records: &Tree) -> Result<(), StoreError> {
        let mut range = records.range(self.next.to_be_bytes()..=self.head.to_be_bytes());
        // Nothing is decoded past what is wanted: a damaged record after it is not an error.
        while self.wants_more() {
            let Some(entry) = range.next() else {
                return Ok(());
            };
            let (key, value) = entry.map_err(engine_error)?;
            if !self.take(layout::decode_record(&key, &value)?) {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// The first position after `missing`, up to `head`, that either tree may hold: the next
/// record, or the start of the next block.
fn next_stored(
    records: &Tree,
    blocks: &Tree,
    missing: u64,
    head: u64,
) -> Result<Option<u64>, StoreError> {
    let record = match records
        .range(missing.to_be_bytes()..=head.to_be_bytes())
        .next()
    {
        None => None,
        Some(entry) => Some(layout::u64_of(
            &entry.map_err(engine_error)?.0,
            "record position",
        )?),
    };
    let after = layout::block_of(missing).saturating_add(1);
    let block = match blocks.range(after.to_be_bytes()..).next() {
        None => None,
        Some(entry) => {
            let key = entry.map_err(engine_error)?.0;
            Some(layout::block_start(layout::u64_of(&key, "record block")?))
        }
    };
    Ok(match (record, block) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
    .filter(|&position| position <= head))
}

/// The record at `position`, from its block or from `records`.
pub fn record_at(
    records: &Tree,
    blocks: &Tree,
    position: u64,
) -> Result<Option<StoredRecord>, StoreError> {
    let key = position.to_be_bytes();
    if let Some(value) = records.get(key).map_err(engine_error)? {
        return layout::decode_record(&key, &value).map(Some);
    }
    // Looked for in the block second: a block takes records over, never gives them back.
    in_block(blocks, position)
}

/// The record at `position` if its block holds it.
fn in_block(blocks: &Tree, position: u64) -> Result<Option<StoredRecord>, StoreError> {
    let block = layout::block_of(position).to_be_bytes();
    let Some(value) = blocks.get(block).map_err(engine_error)? else {
        return Ok(None);
    };
    match layout::split_block_value(&value)?.get(layout::index_in_block(position)) {
        None => Ok(None),
        Some(stored) => layout::decode_record(&position.to_be_bytes(), stored).map(Some),
    }
}

/// The record at the highest position in either tree.
pub fn last_record(records: &Tree, blocks: &Tree) -> Result<Option<StoredRecord>, StoreError> {
    let single = match records.last().map_err(engine_error)? {
        None => None,
        Some((key, value)) => Some(layout::decode_record(&key, &value)?),
    };
    let blocked = match blocks.last().map_err(engine_error)? {
        None => None,
        Some((key, value)) => layout::decode_block(&key, &value, 0, usize::MAX)?.pop(),
    };
    Ok(match (single, blocked) {
        (Some(a), Some(b)) => Some(if a.position > b.position { a } else { b }),
        (a, b) => a.or(b),
    })
}
