//! Spotting real card numbers. The sandbox never needs one, so anything that
//! looks like a primary account number (13 to 19 digits passing the Luhn
//! check, grouped by single spaces or dashes or not at all) is refused before
//! it can be stored or logged.

/// The most separator characters allowed between two digit groups ("4242 - 4242").
const MAX_SEPARATOR_RUN: usize = 3;

/// True when `text` contains, anywhere, something that looks like a real card
/// number. Digit groups joined by spaces or dashes are read as one number; any
/// run of consecutive groups holding 13 to 19 digits that passes the Luhn
/// check counts (so a number followed by an expiry date is still caught).
///
/// UUIDs (8-4-4-4-12 hex, as every id in this API) are not numbers: they are
/// set aside first, since their digit groups joined by dashes could pass.
/// Card numbers never start with 0.
pub fn contains_card_number(text: &str) -> bool {
    digit_runs(&without_uuids(text)).iter().any(|groups| {
        (0..groups.len()).any(|start| {
            let mut digits: Vec<u8> = Vec::new();
            groups[start..].iter().any(|g| {
                digits.extend_from_slice(g);
                digits[0] != 0 && (13..=19).contains(&digits.len()) && luhn_valid(&digits)
            })
        })
    })
}

/// `text` with every UUID-shaped word replaced by a letter (which ends digit runs).
fn without_uuids(text: &str) -> String {
    const SHAPE: usize = 36;
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let boundary_before = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        let end = i + SHAPE;
        let boundary_after = end >= chars.len() || !chars[end].is_ascii_alphanumeric();
        if boundary_before && boundary_after && end <= chars.len() && is_uuid(&chars[i..end]) {
            out.push('u');
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_uuid(c: &[char]) -> bool {
    c.len() == 36
        && c.iter().enumerate().all(|(i, ch)| match i {
            8 | 13 | 18 | 23 => *ch == '-',
            _ => ch.is_ascii_hexdigit(),
        })
}

/// Runs of digit groups: groups are maximal digit sequences; two groups belong
/// to one run when only spaces or dashes (a few at most) stand between them.
fn digit_runs(text: &str) -> Vec<Vec<Vec<u8>>> {
    let mut runs: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut run: Vec<Vec<u8>> = Vec::new();
    let mut group: Vec<u8> = Vec::new();
    let mut separators = 0usize;
    for c in text.chars() {
        if c.is_ascii_digit() {
            separators = 0;
            group.push(c as u8 - b'0');
        } else if (c == ' ' || c == '-' || c == '\u{a0}') && (!group.is_empty() || !run.is_empty())
        {
            if !group.is_empty() {
                run.push(std::mem::take(&mut group));
            }
            separators += 1;
            if separators > MAX_SEPARATOR_RUN {
                runs.push(std::mem::take(&mut run));
                separators = 0;
            }
        } else {
            if !group.is_empty() {
                run.push(std::mem::take(&mut group));
            }
            if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
            separators = 0;
        }
    }
    if !group.is_empty() {
        run.push(group);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The Luhn (mod 10) check over decimal digits.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if !i.is_multiple_of(2) {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_of_known_numbers() {
        let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        assert!(luhn_valid(&d("4242424242424242")));
        assert!(luhn_valid(&d("79927398713")));
        assert!(!luhn_valid(&d("4242424242424241")));
        assert!(!luhn_valid(&d("")));
    }

    #[test]
    fn card_numbers_are_found_in_any_layout() {
        for s in [
            "4242424242424242",
            "4242 4242 4242 4242",
            "4242-4242-4242-4242",
            "4242 - 4242 - 4242 - 4242",
            "카드 5555555555554444 로 결제",
            "pm_4242424242424242",
            "378282246310005",     // Amex, 15 digits
            "4222222222222",       // Visa, 13 digits
            "6011 1111 1111 1117", // Discover
            "4242 4242 4242 4242 12/29",
            "{\"token\":\"4000 0566 5566 5556\"}",
            "12345678-1234-4234-8234-123456789012 4242424242424242",
            "4242424242424242 1225", // followed by an expiry
        ] {
            assert!(contains_card_number(s), "{s:?} should be caught");
        }
    }

    #[test]
    fn near_misses_are_not_cards() {
        for s in [
            "",
            "pm_card_ok",
            "4242424242424241",     // Luhn fails
            "4242 4242 4242 4241",  // Luhn fails, grouped
            "424242424242",         // 12 digits
            "42424242424242424242", // 20 digits in one group
            "010-1234-5678",        // a phone number
            "2026-11-25",
            "주문 12,900원",
            "4242.4242.4242.4242", // dots are not card separators
            "00000000-0000-0000-0000-000000000005",
            "12345678-1234-4236-8234-123456789012",
            "{\"order_id\":\"98765432-1098-4765-8432-109876543210\",\"amount_krw\":12900}",
            "0000000000000000", // no card starts with 0
        ] {
            assert!(!contains_card_number(s), "{s:?} is not a card number");
        }
    }
}
