//! Password policy (MLPS 2.0 level-2 practice: ≥ 8 characters, ≥ 3 of 4
//! character classes) and generation of initial passwords.

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
    Ok(())
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
