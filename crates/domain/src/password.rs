//! Password policy (MLPS 2.0 level-2 practice: ≥ 8 characters, ≥ 3 of 4
//! character classes, not the username, not a common password) and generation
//! of initial passwords.

use rand::Rng;
use rand::seq::SliceRandom;

const MIN_LEN: usize = 8;
// Hashing very long inputs with argon2 is a cheap denial of service.
const MAX_LEN: usize = 128;
const GENERATED_LEN: usize = 14;

// Alphabets without look-alikes (0 O 1 l I) so passwords read out over the
// phone or copied from paper come through intact.
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGIT: &[u8] = b"23456789";
const SYMBOL: &[u8] = b"@#$%&*+-=?";

/// Checks `password` against the policy; the error is a Chinese sentence
/// naming 密码.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!("密码至少需要{MIN_LEN}位"));
    }
    if len > MAX_LEN {
        return Err(format!("密码不能超过{MAX_LEN}位"));
    }
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    let classes = [
        has(char::is_ascii_lowercase),
        has(char::is_ascii_uppercase),
        has(char::is_ascii_digit),
        has(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err("密码需包含小写字母、大写字母、数字、符号中的至少3类".into());
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && password.to_lowercase().contains(&user) {
        return Err("密码不能包含用户名".into());
    }
    if is_common(password) {
        return Err(
            "密码过于常见（在常见密码表中，或是 Password1、Jinguo@2020 这类常见单词加数字、符号的组合），请换一个"
                .into(),
        );
    }
    Ok(())
}

/// The bundled list (`common_passwords.txt`): whole passwords and the words
/// they are built from, in lower case.
const COMMON: &str = include_str!("common_passwords.txt");

fn common_list() -> impl Iterator<Item = &'static str> {
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Look-alike swaps undone: "P@ssw0rd" reads as "password".
fn unleet(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '5' | '$' => 's',
        c => c,
    }
}

/// On the bundled list as it is, or once the digits and symbols around a
/// common word are stripped ("Jinguo@2020" → "jinguo", "Password1" →
/// "password", "P@ssw0rd!" → "password").
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let plain: String = core.chars().map(unleet).collect();
    // "password" with its "1" or "0" read as "i"/"o" is checked both ways.
    let plain_i_as_l: String = plain.replace('i', "l");
    common_list().any(|w| w == lower || w == core || w == plain || w == plain_i_as_l)
}

/// A random 14-character password that satisfies the policy (all four
/// classes present) and avoids ambiguous characters.
pub fn generate_password() -> String {
    let mut rng = rand::rng();
    let classes = [LOWER, UPPER, DIGIT, SYMBOL];
    let all: Vec<u8> = classes.concat();
    // One from each class guarantees the policy; the rest are uniform.
    let mut chars: Vec<u8> = classes
        .iter()
        .map(|class| class[rng.random_range(0..class.len())])
        .collect();
    while chars.len() < GENERATED_LEN {
        chars.push(all[rng.random_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    chars.into_iter().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_password_is_rejected_with_the_minimum_length() {
        assert_eq!(
            check_password_policy("Ab1!", "zhang"),
            Err("密码至少需要8位".to_string())
        );
    }

    #[test]
    fn password_with_only_two_classes_is_rejected() {
        let err = check_password_policy("abcdefgh12", "zhang").unwrap_err();
        assert!(err.contains("至少3类"));
    }

    #[test]
    fn password_with_three_classes_is_accepted() {
        assert_eq!(check_password_policy("Zigui2020", "zhang"), Ok(()));
        assert_eq!(check_password_policy("zigui#2020", "zhang"), Ok(()));
    }

    #[test]
    fn password_containing_the_username_is_rejected_case_insensitively() {
        assert_eq!(
            check_password_policy("ZhangXm#2020", "zhangxm"),
            Err("密码不能包含用户名".to_string())
        );
    }

    #[test]
    fn common_passwords_and_word_plus_year_patterns_are_rejected() {
        for p in [
            "Password1",
            "P@ssw0rd!",
            "Jinguo@2020",
            "Jinguo@2021",
            "@Jinguo2020",
            "Admin@123",
            "Qwer1234!",
            "Aa123456",
            "1qaz@WSX",
            "Fulian#2019",
            "Welcome1!",
        ] {
            let err = check_password_policy(p, "zhang").unwrap_err();
            assert!(err.contains("过于常见"), "{p}: {err}");
        }
    }

    #[test]
    fn uncommon_words_with_digits_and_symbols_pass() {
        for p in [
            "Xinmima#2020",
            "Str0ng#Pass2021",
            "Jinguo#2020test",
            "Maoping@Li42",
        ] {
            assert_eq!(check_password_policy(p, "zhang"), Ok(()), "{p}");
        }
    }

    #[test]
    fn overly_long_password_is_rejected() {
        let long = format!("Aa1!{}", "x".repeat(200));
        assert!(check_password_policy(&long, "u").is_err());
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_avoid_ambiguous_characters() {
        for _ in 0..200 {
            let p = generate_password();
            assert_eq!(p.len(), GENERATED_LEN);
            assert_eq!(check_password_policy(&p, "admin"), Ok(()), "{p}");
            assert!(!p.chars().any(|c| "0O1lI".contains(c)), "{p}");
        }
    }

    #[test]
    fn generated_passwords_differ() {
        assert_ne!(generate_password(), generate_password());
    }
}
