//! The only place that touches raw pointers: checked conversions from C arguments, writes to out
//! parameters, handle boxing, and the panic guard every exported function runs in.
//!
//! Each helper null-checks before it dereferences; the remaining obligations (the pointer is live,
//! points to what the header says, and is not freed during the call) are the C caller's, stated in
//! the header, and repeated in each `SAFETY:` comment below.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::OkdTrustStatus;
use crate::error::{FfiError, clear_last_error, set_last_error};

/// Runs the body of an exported function that returns a status: errors and panics become a status
/// code plus the thread's last error; success clears the last error.
pub(crate) fn status(body: impl FnOnce() -> Result<(), FfiError>) -> OkdTrustStatus {
    match catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| Err(FfiError::panic(payload.as_ref()))) {
        Ok(()) => {
            clear_last_error();
            OkdTrustStatus::Ok
        }
        Err(e) => {
            let code = e.status;
            set_last_error(e);
            code
        }
    }
}

/// Runs the body of an exported function that returns a plain value (a count, a flag): on an error
/// or a panic the error is recorded and `fallback` returned.
pub(crate) fn value<T>(fallback: T, body: impl FnOnce() -> Result<T, FfiError>) -> T {
    match catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| Err(FfiError::panic(payload.as_ref()))) {
        Ok(v) => {
            clear_last_error();
            v
        }
        Err(e) => {
            set_last_error(e);
            fallback
        }
    }
}

/// Runs a function that cannot report anything (the `_free` functions): a panic is swallowed.
pub(crate) fn quiet(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// Runs a function that cannot fail and must leave the last error alone (version and status-name
/// lookups, called while a caller reports an error): a panic returns `fallback`.
pub(crate) fn constant<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Borrows the handle behind `ptr` for the duration of the call.
pub(crate) fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, FfiError> {
    // SAFETY: `as_ref` checks for NULL; otherwise the header requires `ptr` to be a live handle
    // of this type returned by this library and not freed before the call returns.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// Borrows `len` elements at `ptr` (NULL is accepted only when `len` is 0).
pub(crate) fn slice<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], FfiError> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(FfiError::null(what)) };
    }
    if len.checked_mul(size_of::<T>().max(1)).is_none_or(|bytes| bytes > isize::MAX as usize) {
        return Err(FfiError::invalid(format!("{what}: length {len} is too large")));
    }
    // SAFETY: non-NULL and the size fits `isize` (checked above); the header requires `ptr` to
    // point to `len` initialised elements that stay valid and unmodified during the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows input bytes: `data` must not be NULL (even for an empty input).
pub(crate) fn bytes<'a>(data: *const u8, len: usize, what: &str) -> Result<&'a [u8], FfiError> {
    if data.is_null() {
        return Err(FfiError::null(what));
    }
    slice(data, len, what)
}

/// The largest `struct_size` taken as a size at all: a versioned struct grows by a few fields
/// per version, so anything larger is an uninitialised or corrupt size, never read through.
const MAX_STRUCT_SIZE: usize = 4096;

/// The size a caller gives for a versioned struct, checked before any byte past the first
/// field is touched.
fn struct_size(size: usize, oldest: usize, what: &str) -> Result<usize, FfiError> {
    if size < oldest {
        return Err(FfiError::invalid(format!(
            "{what}: struct_size {size} is smaller than any version of the struct ({oldest}); initialise it with its _init function"
        )));
    }
    if size > MAX_STRUCT_SIZE {
        return Err(FfiError::invalid(format!(
            "{what}: struct_size {size} is not a size (uninitialised?); initialise it with its _init function"
        )));
    }
    Ok(size)
}

/// A struct versioned by its size: plain data (integers and pointers only, so any bytes are a
/// valid value) whose first field is a `size_t` the caller sets to the size it was compiled with.
/// The fields an older caller's struct lacks keep their defaults; a newer caller's extra bytes
/// must be zero (options this library does not know, left unset), else the call is refused
/// rather than silently ignoring what was asked. NULL is every default.
pub(crate) fn sized_struct<T: Copy>(ptr: *const T, default: T, oldest: usize, what: &str) -> Result<T, FfiError> {
    if ptr.is_null() {
        return Ok(default);
    }
    // SAFETY: non-NULL; the header requires the struct's first field to be its size_t size,
    // readable at the start of a struct at least that large.
    let size = struct_size(unsafe { ptr.cast::<usize>().read_unaligned() }, oldest, what)?;
    let ours = size_of::<T>();
    if size > ours {
        // SAFETY: the caller's struct is `size` bytes long (its own size field, bounded above),
        // so the bytes past ours are readable; they are only compared with zero.
        let extra = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>().add(ours), size - ours) };
        if extra.iter().any(|&b| b != 0) {
            return Err(FfiError::invalid(format!(
                "{what}: options of a newer okd-trust are set ({size} bytes given, this library knows {ours})"
            )));
        }
    }
    let mut value = default;
    // SAFETY: min(size, ours) bytes are readable at `ptr` (the caller's size) and writable in
    // `value` (ours); `T` holds only integers and pointers, for which any bytes are valid, and
    // versions only ever append fields, so the copied prefix holds whole fields.
    unsafe { std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), (&raw mut value).cast::<u8>(), size.min(ours)) };
    Ok(value)
}

/// Fills a caller's versioned struct of `size` bytes (the size it was compiled with) with the
/// defaults this library knows, zeroes the rest (options of a newer version, left unset), and
/// sets its first field to `size`: never a byte outside the caller's struct.
pub(crate) fn init_sized_struct<T: Copy>(
    ptr: *mut T,
    size: usize,
    default: T,
    oldest: usize,
    what: &str,
) -> Result<(), FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    let size = struct_size(size, oldest, what)?;
    let ours = size_of::<T>();
    // SAFETY: the caller's struct is `size` bytes long (the header asks for sizeof *options),
    // bounded above; min(size, ours) bytes of the default are copied into it, then any bytes
    // past ours are zeroed, then the leading size_t is set. Byte writes need no alignment.
    unsafe {
        let bytes = ptr.cast::<u8>();
        std::ptr::copy_nonoverlapping((&raw const default).cast::<u8>(), bytes, size.min(ours));
        if size > ours {
            std::ptr::write_bytes(bytes.add(ours), 0, size - ours);
        }
        ptr.cast::<usize>().write_unaligned(size);
    }
    Ok(())
}

/// Reads an optional NUL-terminated UTF-8 string (`None` for NULL).
pub(crate) fn optional_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL; the header requires a NUL-terminated string valid during the call.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map(Some).map_err(|e| FfiError::utf8(what, e.valid_up_to()))
}

/// Reads a required NUL-terminated UTF-8 string.
pub(crate) fn required_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    optional_str(ptr, what)?.ok_or_else(|| FfiError::null(what))
}

/// An out parameter, checked to be non-NULL before any work is done, written only on success.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Checks `ptr`.
    pub(crate) fn new(ptr: *mut T, what: &str) -> Result<Self, FfiError> {
        if ptr.is_null() { Err(FfiError::null(what)) } else { Ok(Out(ptr)) }
    }

    /// Checks `ptr`, which may be NULL when the caller does not want the value.
    pub(crate) fn optional(ptr: *mut T) -> Option<Self> {
        (!ptr.is_null()).then_some(Out(ptr))
    }

    /// Stores `value` (without reading or dropping what was there: it may be uninitialised).
    pub(crate) fn set(self, value: T) {
        // SAFETY: non-NULL (checked in `new`/`optional`); the header requires it to point to
        // writable, aligned storage for a `T`.
        unsafe { self.0.write(value) }
    }
}

/// Moves `value` to the heap and hands ownership to C (released by [`drop_handle`]).
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back and drops a handle made by [`into_handle`]; NULL is ignored.
pub(crate) fn drop_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the header requires `ptr` to come from this library's constructor of the same
        // type (i.e. from `into_handle::<T>`) and to be freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Hands a string to C, owned by the caller (released by [`free_string`]). NUL characters, which
/// C strings cannot hold, become U+FFFD.
pub(crate) fn into_c_string(text: impl Into<String>) -> *mut c_char {
    let text = text.into();
    let bytes = if text.contains('\0') { text.replace('\0', "\u{fffd}") } else { text };
    CString::new(bytes).unwrap_or_default().into_raw()
}

/// Takes back and drops a string made by [`into_c_string`]; NULL is ignored.
pub(crate) fn free_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the header requires `ptr` to be a string returned by this library (made by
        // `CString::into_raw`), freed once.
        drop(unsafe { CString::from_raw(ptr) });
    }
}
