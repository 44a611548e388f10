//! The YAML parser counts characters; edits and positions need bytes.

const STRIDE: usize = 64;

/// Converts character indices of a text into byte offsets with O(n/64) memory: the byte offset
/// of every 64th character is stored and the rest walked.
pub(super) struct CharToByte<'a> {
    text: &'a str,
    /// `None` for ASCII text, where character and byte indices coincide.
    checkpoints: Option<Vec<usize>>,
}

impl<'a> CharToByte<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let checkpoints =
            (!text.is_ascii()).then(|| text.char_indices().step_by(STRIDE).map(|(byte, _)| byte).collect());
        CharToByte { text, checkpoints }
    }

    /// Byte offset of character `index`; the text's length for indices at or past its end.
    pub(super) fn byte(&self, index: usize) -> usize {
        match &self.checkpoints {
            None => index.min(self.text.len()),
            Some(points) => {
                let Some(&base) = points.get(index / STRIDE) else {
                    return self.text.len();
                };
                self.text[base..].char_indices().nth(index % STRIDE).map_or(self.text.len(), |(byte, _)| base + byte)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_characters_to_bytes_in_mixed_text() {
        let text = "é".repeat(100) + "abc";
        let map = CharToByte::new(&text);
        for i in 0..=103 {
            let expected = text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
            assert_eq!(map.byte(i), expected, "char {i}");
        }
        assert_eq!(map.byte(10_000), text.len());
    }
}
