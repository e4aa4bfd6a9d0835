//! What providers say back about a message is logged and stored with it, and
//! they quote what they were given: an address, a phone number, a code. Their
//! words are kept, those are not.

/// `text` with every word (a run of characters `is_part` of one) that `is_secret`
/// replaced by `[placeholder]`.
fn replace_words(
    text: &str,
    is_part: impl Fn(char) -> bool,
    is_secret: impl Fn(&str) -> bool,
    placeholder: &str,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let end_word = |word: &mut String, out: &mut String| {
        match is_secret(word) {
            true => out.push_str(&format!("[{placeholder}]")),
            false => out.push_str(word),
        }
        word.clear();
    };
    for character in text.chars() {
        if is_part(character) {
            word.push(character);
        } else {
            end_word(&mut word, &mut out);
            out.push(character);
        }
    }
    end_word(&mut word, &mut out);
    out
}

/// `text` with every run of six digits or more (a phone number, a code) replaced.
pub(super) fn without_numbers(text: &str) -> String {
    replace_words(text, |character| character.is_ascii_digit(), |digits| digits.len() >= 6, "number")
}

/// `text` with `recipient` replaced first, whole (an address may hold characters
/// that end a word, such as `'`), then every word holding an `@`.
pub(super) fn without_addresses(text: &str, recipient: &str) -> String {
    let text = match recipient.is_empty() {
        true => text.to_owned(),
        false => text.replace(recipient, "[address]"),
    };
    let is_part = |character: char| !character.is_whitespace() && !"<>()[]\"',;".contains(character);
    replace_words(&text, is_part, |word| word.contains('@'), "address")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_six_digits_or_more_go() {
        let said = r#"{"code": 21211, "message": "The 'To' number +60123456788 is not valid; body 123456"}"#;
        let kept = without_numbers(said);
        assert_eq!(kept, r#"{"code": 21211, "message": "The 'To' number +[number] is not valid; body [number]"}"#);
    }

    #[test]
    fn addresses_go() {
        let refusal = "permanent error (550): 5.1.1 <ana.lim+portal@example.com>: Recipient address rejected";
        assert_eq!(
            without_addresses(refusal, ""),
            "permanent error (550): 5.1.1 <[address]>: Recipient address rejected"
        );
        assert_eq!(without_addresses("to ana@example.com, bo@example.org", ""), "to [address], [address]");
        assert_eq!(without_addresses("connection refused", ""), "connection refused");
        assert_eq!(without_addresses("ends with ana@example.com", ""), "ends with [address]");
        assert_eq!(without_addresses("ana\0@example.com", ""), "[address]");

        // The recipient goes whole, whatever its local part holds.
        let refusal = "550 <john.o'reilly@example.com>: no such user";
        let recipient = "john.o'reilly@example.com";
        assert_eq!(without_addresses(refusal, recipient), "550 <[address]>: no such user");
    }
}
