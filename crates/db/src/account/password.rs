//! argon2id hashing, always off the async runtime (a hash takes tens of ms).

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use rand::RngCore;

pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 with default params cannot fail")
            .to_string()
    })
    .await
    .expect("hashing task panicked")
}

pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing, verified against when the username is unknown so the
/// response time doesn't tell whether an account exists.
pub async fn dummy_verify(password: String) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J3tJ2N0b6Vx8e0pqW0eA4d6n3xXbq2x3QkQvY7p5s9Q";
    let _ = verify(password, DUMMY.to_string()).await;
}
