//! Where in an input a problem was found.

use std::fmt;

/// A byte offset into an input, with its 1-based line and column when the input is text.
///
/// ```
/// use okd_trust::Position;
/// let p = Position::in_text(b"a: 1\nb: [\n", 9);
/// assert_eq!((p.line, p.column), (2, 5));
/// assert_eq!(p.to_string(), "line 2, column 5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// 1-based line number; 0 when the input is binary (DER).
    pub line: usize,
    /// 1-based column, counted in characters; 0 when the input is binary.
    pub column: usize,
}

impl Position {
    /// A position in binary input: a byte offset only.
    pub const fn at_byte(offset: usize) -> Self {
        Position { offset, line: 0, column: 0 }
    }

    /// The position of byte `offset` in `text`, with its line and column (offsets past the end are clamped).
    pub fn in_text(text: &[u8], offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        Position { offset, line, column }
    }

    /// The same place, `base` bytes further into an enclosing input.
    pub const fn shifted(self, base: usize) -> Self {
        Position { offset: self.offset + base, ..self }
    }
}

/// Positions of many offsets in one text, each found without rescanning the text: the line
/// starts are indexed once (on the first call, so a text that never needs a position costs
/// nothing), then each lookup is a binary search plus the width of its own line.
///
/// ```
/// use okd_trust::{LineIndex, Position};
/// let text = b"a: 1\nb: [\n";
/// let lines = LineIndex::new(text);
/// assert_eq!(lines.position(9), Position::in_text(text, 9));
/// ```
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    /// An index of `text`; nothing is scanned until the first [`LineIndex::position`].
    pub fn new(text: &'a [u8]) -> Self {
        LineIndex { text, starts: std::cell::OnceCell::new() }
    }

    /// The position of byte `offset`, as [`Position::in_text`] gives it (offsets past the end are clamped).
    pub fn position(&self, offset: usize) -> Position {
        let starts = self
            .starts
            .get_or_init(|| std::iter::once(0).chain(memchr::memchr_iter(b'\n', self.text).map(|i| i + 1)).collect());
        let offset = offset.min(self.text.len());
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = String::from_utf8_lossy(&self.text[start..offset]).chars().count() + 1;
        Position { offset, line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "byte {}", self.offset)
        } else {
            write!(f, "line {}, column {}", self.line, self.column)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_position_in_text() {
        let text = "ab\nçd\n\nlast".as_bytes();
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(index.position(offset), Position::in_text(text, offset), "{offset}");
        }
    }
}
