//! Vietnamese alphabetical order.

/// A key that orders Vietnamese names as a reader expects: letters in the Vietnamese
/// alphabet's order (a ă â b c d đ e ê …), tones only breaking ties, case ignored. Byte
/// order put "Cà Mau" after "Cao Bằng" and "Đà Nẵng" after "Yên Bái".
pub fn vi_sort_key(s: &str) -> (Vec<u32>, Vec<u8>) {
    const VOWELS: [&str; 12] = [
        "aàáảãạ",
        "ăằắẳẵặ",
        "âầấẩẫậ",
        "eèéẻẽẹ",
        "êềếểễệ",
        "iìíỉĩị",
        "oòóỏõọ",
        "ôồốổỗộ",
        "ơờớởỡợ",
        "uùúủũụ",
        "ưừứửữự",
        "yỳýỷỹỵ",
    ];
    let mut letters = Vec::with_capacity(s.len());
    let mut tones = Vec::with_capacity(s.len());
    for ch in s.chars().flat_map(char::to_lowercase) {
        let (base, tone) = VOWELS
            .iter()
            .find_map(|row| {
                row.chars()
                    .position(|c| c == ch)
                    .map(|t| (row.chars().next().unwrap_or(ch), t as u8))
            })
            .unwrap_or((ch, 0));
        // Each letter between its base and the next one: ă and â after a, đ after d.
        let rank = match base {
            'ă' => u32::from('a') * 4 + 1,
            'â' => u32::from('a') * 4 + 2,
            'đ' => u32::from('d') * 4 + 1,
            'ê' => u32::from('e') * 4 + 1,
            'ô' => u32::from('o') * 4 + 1,
            'ơ' => u32::from('o') * 4 + 2,
            'ư' => u32::from('u') * 4 + 1,
            c if c.is_ascii() => u32::from(c) * 4,
            c => u32::from(c) + 1024,
        };
        letters.push(rank);
        tones.push(tone);
    }
    (letters, tones)
}

#[cfg(test)]
mod tests {
    use super::vi_sort_key;

    #[test]
    fn names_sort_in_the_vietnamese_alphabet() {
        let mut names = vec![
            "Đồng Nai",
            "Cao Bằng",
            "Cà Mau",
            "Yên Bái",
            "Điện Biên",
            "Ân",
            "Bắc Ninh",
            "An Giang",
        ];
        names.sort_by_key(|n| vi_sort_key(n));
        assert_eq!(
            names,
            vec![
                "An Giang",
                "Ân",
                "Bắc Ninh",
                "Cà Mau",
                "Cao Bằng",
                "Điện Biên",
                "Đồng Nai",
                "Yên Bái"
            ]
        );
    }
}
