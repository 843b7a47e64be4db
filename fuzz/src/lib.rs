//! What the fuzz targets share: an allocator that refuses any single allocation larger than
//! a reader should ever make from an input, so that allocating what the input only claims
//! (a length, a count) is a crash (an abort libFuzzer reports) even without a sanitizer and
//! its malloc limit. The largest legitimate allocation is the checkpoint's frame limit
//! (256 MiB).

use std::alloc::{GlobalAlloc, Layout, System};

/// The largest single allocation allowed.
pub const LIMIT: usize = 300 << 20;

/// The system allocator, refusing allocations above [`LIMIT`].
pub struct Limited;

// SAFETY: every call is forwarded unchanged to the system allocator, or refused with a null
// pointer, which `GlobalAlloc` allows (the caller then reports the failure).
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LIMIT {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LIMIT {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > LIMIT {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
