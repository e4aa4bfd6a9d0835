//! Mobile numbers for SMS codes: read from what a customer types, kept in E.164
//! (`+60123456788`), shown masked (`+60 •••• ••88`).

use std::fmt;

/// Why a typed number is refused, in words a customer can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPhone {
    #[error("Enter your mobile number in international format: a + and your country code, like +60 12 345 6789.")]
    NotInternational,
    #[error("A phone number has only digits after the +, with optional spaces, dashes, dots or brackets.")]
    UnexpectedCharacter,
    #[error("+{0} is not a country calling code. Check the country code at the start of the number.")]
    UnknownCountryCode(String),
    #[error("That number is too short for a mobile number. Check that every digit is there.")]
    TooShort,
    #[error("That number is too long: international numbers have at most 15 digits.")]
    TooLong,
}

/// A phone number in E.164: `+`, the country calling code, the national number.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    e164: String,
    /// How many digits after the `+` are the country calling code.
    country_digits: usize,
}

/// E.164 allows 15 digits; the shortest mobile numbers in use have 7 (e.g. Niue).
const MAX_DIGITS: usize = 15;
const MIN_DIGITS: usize = 7;

impl PhoneNumber {
    /// Reads a number typed as `+60 12-345 6788`, `(+60) 12.345.6788` or
    /// `0060 12 345 6788`. National formats (`012 …`) are refused: without the
    /// country code the number could belong to any country.
    pub fn parse(typed: &str) -> Result<Self, InvalidPhone> {
        let typed = typed.trim();
        let mut digits = String::with_capacity(MAX_DIGITS);
        let mut seen_plus = false;
        for character in typed.chars() {
            match character {
                '0'..='9' => digits.push(character),
                '+' if !seen_plus && digits.is_empty() => seen_plus = true,
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(InvalidPhone::UnexpectedCharacter),
            }
        }
        let digits = match (seen_plus, digits.strip_prefix("00")) {
            (true, _) => digits,
            (false, Some(rest)) => rest.to_owned(),
            (false, None) => return Err(InvalidPhone::NotInternational),
        };
        if digits.len() > MAX_DIGITS {
            return Err(InvalidPhone::TooLong);
        }
        let country_digits = country_code_length(&digits)
            .ok_or_else(|| InvalidPhone::UnknownCountryCode(digits.chars().take(3).collect()))?;
        let national = digits.len() - country_digits;
        // North America's numbers (the only country code starting with 1) all have
        // ten digits after the 1.
        let (shortest, longest) = if digits.starts_with('1') { (10, 10) } else { (4, MAX_DIGITS) };
        if digits.len() < MIN_DIGITS || national < shortest {
            return Err(InvalidPhone::TooShort);
        }
        if national > longest {
            return Err(InvalidPhone::TooLong);
        }
        Ok(Self { e164: format!("+{digits}"), country_digits })
    }

    /// A number read back from the database, where only E.164 is stored.
    pub fn from_stored(e164: &str) -> Option<Self> {
        Self::parse(e164).ok().filter(|phone| phone.e164 == e164)
    }

    /// `+60123456788`: what the database keeps and the SMS gateway is given.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code: `60` for `+60123456788`.
    pub fn country_code(&self) -> u16 {
        self.e164[1..=self.country_digits].parse().expect("a country code is digits")
    }

    /// `+60 •••• ••88`: the country code and the last two digits, enough for a
    /// customer to recognise their number and too little for anyone else to use it.
    /// Always the same number of dots, so the length does not show either.
    pub fn masked(&self) -> String {
        let country = &self.e164[1..=self.country_digits];
        let last_two = &self.e164[self.e164.len() - 2..];
        format!("+{country} •••• ••{last_two}")
    }
}

impl fmt::Debug for PhoneNumber {
    /// Masked, so that a number never reaches the logs whole.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "PhoneNumber({})", self.masked())
    }
}

/// The length of the country calling code `digits` starts with, if it starts with
/// one assigned to a country or territory by the ITU (E.164 Annex to OB 1234).
/// Codes for satellite and global services are left out: no customer's mobile.
fn country_code_length(digits: &str) -> Option<usize> {
    if digits.starts_with('0') {
        return None;
    }
    (1..=3).find(|&length| {
        digits
            .get(..length)
            .and_then(|prefix| prefix.parse::<u16>().ok())
            .is_some_and(|code| COUNTRY_CODES.contains(&code))
    })
}

/// The countries texts may go to (`SMS_COUNTRIES`): all, or those listed by
/// calling code. Premium-rate fraud ("SMS pumping") targets a few countries, and a
/// provider serving a few countries has no customer anywhere else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SmsCountries {
    #[default]
    All,
    Only(Vec<u16>),
}

impl SmsCountries {
    /// `60, 65 1`: calling codes without the `+`, separated by commas or spaces.
    pub fn parse(text: &str) -> Result<Self, String> {
        let codes = text.split([',', ' ']).filter(|part| !part.is_empty()).map(|part| {
            let code = part.trim_start_matches('+').parse::<u16>().ok().filter(|code| COUNTRY_CODES.contains(code));
            code.ok_or_else(|| format!("{part:?} is not a country calling code (such as 60 or 1)"))
        });
        let codes = codes.collect::<Result<Vec<_>, _>>()?;
        if codes.is_empty() {
            return Err("list at least one calling code, or leave it unset for all countries".into());
        }
        Ok(Self::Only(codes))
    }

    pub fn allows(&self, phone: &PhoneNumber) -> bool {
        match self {
            Self::All => true,
            Self::Only(codes) => codes.contains(&phone.country_code()),
        }
    }
}

#[rustfmt::skip]
const COUNTRY_CODES: &[u16] = &[
    1, 7,
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
    51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86,
    90, 91, 92, 93, 94, 95, 98,
    211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229,
    230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249,
    250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269,
    290, 291, 297, 298, 299,
    350, 351, 352, 353, 354, 355, 356, 357, 358, 359,
    370, 371, 372, 373, 374, 375, 376, 377, 378, 380, 381, 382, 383, 385, 386, 387, 389,
    420, 421, 423,
    500, 501, 502, 503, 504, 505, 506, 507, 508, 509,
    590, 591, 592, 593, 594, 595, 596, 597, 598, 599,
    670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692,
    850, 852, 853, 855, 856, 880, 886,
    960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977,
    992, 993, 994, 995, 996, 998,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_forms_normalise_to_e164() {
        for typed in ["+60 12-345 6788", "(+60) 12.345.6788", "0060 12 345 6788", " +60123456788 "] {
            assert_eq!(PhoneNumber::parse(typed).unwrap().e164(), "+60123456788", "{typed}");
        }
        assert_eq!(PhoneNumber::parse("+1 (415) 555-0134").unwrap().e164(), "+14155550134");
        assert_eq!(PhoneNumber::parse("+44 7700 900123").unwrap().e164(), "+447700900123");
    }

    #[test]
    fn bad_numbers_say_what_is_wrong() {
        assert_eq!(PhoneNumber::parse("012 345 6788"), Err(InvalidPhone::NotInternational));
        assert_eq!(PhoneNumber::parse(""), Err(InvalidPhone::NotInternational));
        assert_eq!(PhoneNumber::parse("+60 12 345 678x"), Err(InvalidPhone::UnexpectedCharacter));
        assert_eq!(PhoneNumber::parse("+60+123456788"), Err(InvalidPhone::UnexpectedCharacter));
        assert_eq!(PhoneNumber::parse("+999 123 4567"), Err(InvalidPhone::UnknownCountryCode("999".into())));
        assert_eq!(PhoneNumber::parse("+0 123 4567"), Err(InvalidPhone::UnknownCountryCode("012".into())));
        assert_eq!(PhoneNumber::parse("+60 12"), Err(InvalidPhone::TooShort));
        assert_eq!(PhoneNumber::parse("+1 415 555 013"), Err(InvalidPhone::TooShort));
        assert_eq!(PhoneNumber::parse("+1 415 555 01345"), Err(InvalidPhone::TooLong));
        assert_eq!(PhoneNumber::parse("+60 1234 5678 9012 34"), Err(InvalidPhone::TooLong));
    }

    #[test]
    fn the_mask_shows_country_and_last_two_digits_only() {
        assert_eq!(PhoneNumber::parse("+60123456788").unwrap().masked(), "+60 •••• ••88");
        assert_eq!(PhoneNumber::parse("+14155550134").unwrap().masked(), "+1 •••• ••34");
        assert_eq!(PhoneNumber::parse("+353871234567").unwrap().masked(), "+353 •••• ••67");
        assert_eq!(format!("{:?}", PhoneNumber::parse("+60123456788").unwrap()), "PhoneNumber(+60 •••• ••88)");
    }

    #[test]
    fn texts_go_to_the_listed_countries_only() {
        let malaysia = PhoneNumber::parse("+60123456788").unwrap();
        let us = PhoneNumber::parse("+14155550134").unwrap();
        let listed = SmsCountries::parse("60, +65").unwrap();
        assert!(listed.allows(&malaysia) && !listed.allows(&us));
        assert_eq!(us.country_code(), 1);
        assert!(SmsCountries::All.allows(&us));
        for bad in ["", "999", "sixty", "60,,abc"] {
            assert!(SmsCountries::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_e164_comes_back_from_storage() {
        assert!(PhoneNumber::from_stored("+60123456788").is_some());
        assert!(PhoneNumber::from_stored("+60 12 345 6788").is_none());
    }
}
