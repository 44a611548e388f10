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

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "byte {}", self.offset)
        } else {
            write!(f, "line {}, column {}", self.line, self.column)
        }
    }
}
