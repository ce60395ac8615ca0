//! Field-level encryption with key rotation (AES-256-GCM) and a blind index
//! (HMAC-SHA256) for exact-match lookup of encrypted values.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const FORMAT_VERSION: &str = "v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Encryption keys by id. The last key is current (used for new
/// ciphertexts); older keys stay to decrypt existing data. The first key also
/// roots the blind index, which must never change.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<(String, [u8; 32])>,
}

impl fmt::Debug for Keyring {
    // Never print key material, not even in debug logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("Keyring")
            .field("key_ids", &ids)
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// A new ring with one random key `k1`.
    pub fn generate() -> Keyring {
        Keyring {
            keys: vec![("k1".into(), rand::random())],
        }
    }

    /// Reads lines `id:hex64`; blank lines and `#` comments are skipped; the
    /// LAST key line is current.
    pub fn from_text(text: &str) -> Result<Keyring, String> {
        let mut keys: Vec<(String, [u8; 32])> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad_line = || format!("密钥文件第{}行格式不正确（应为“编号:64位十六进制”）", i + 1);
            let (id, hex_key) = line.split_once(':').ok_or_else(bad_line)?;
            let id = id.trim();
            if !valid_key_id(id) {
                return Err(format!(
                    "密钥文件第{}行的密钥编号无效（只能用字母、数字、-、_）",
                    i + 1
                ));
            }
            let mut key = [0u8; 32];
            hex::decode_to_slice(hex_key.trim(), &mut key).map_err(|_| bad_line())?;
            if keys.iter().any(|(existing, _)| existing == id) {
                return Err(format!("密钥文件第{}行的密钥编号 {id} 重复", i + 1));
            }
            keys.push((id.to_string(), key));
        }
        if keys.is_empty() {
            return Err("密钥文件中没有密钥".into());
        }
        Ok(Keyring { keys })
    }

    /// Text form accepted by [`Keyring::from_text`].
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# jinguo field-encryption keys; the last line is current. Keep secret.\n",
        );
        for (id, key) in &self.keys {
            out.push_str(&format!("{id}:{}\n", hex::encode(key)));
        }
        out
    }

    /// Adds a fresh random key (`k{n+1}`) and makes it current. Old keys stay
    /// so existing ciphertexts still decrypt.
    pub fn rotate(&mut self) {
        let next = self
            .keys
            .iter()
            .filter_map(|(id, _)| id.strip_prefix('k')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let mut id = format!("k{next}");
        while self.keys.iter().any(|(existing, _)| *existing == id) {
            id.push('_');
        }
        self.keys.push((id, rand::random()));
    }

    /// Id of the current key.
    pub fn current_id(&self) -> &str {
        self.current().0.as_str()
    }

    fn current(&self) -> &(String, [u8; 32]) {
        // Constructors guarantee at least one key.
        &self.keys[self.keys.len() - 1]
    }

    /// Encrypts with the current key: `v1:{kid}:{base64(nonce‖ciphertext)}`.
    /// The key id is bound as associated data so it cannot be swapped.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let (kid, key) = self.current();
        let cipher = Aes256Gcm::new(key.into());
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: kid.as_bytes(),
        };
        // AES-GCM only fails for inputs beyond 64 GiB, impossible for a field.
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce_bytes), payload)
            .expect("AES-GCM encryption of a field-sized input cannot fail");
        let mut blob = nonce_bytes.to_vec();
        blob.extend_from_slice(&ciphertext);
        format!("{FORMAT_VERSION}:{kid}:{}", B64.encode(blob))
    }

    /// Decrypts a value made by [`Keyring::encrypt`] with any key on the ring.
    pub fn decrypt(&self, stored: &str) -> Result<String, String> {
        let malformed = || "密文格式不正确".to_string();
        let rest = stored
            .strip_prefix(FORMAT_VERSION)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or_else(malformed)?;
        let (kid, data) = rest.split_once(':').ok_or_else(malformed)?;
        let key = self
            .keys
            .iter()
            .find(|(id, _)| id == kid)
            .map(|(_, key)| key)
            .ok_or_else(|| format!("找不到密钥 {kid}，无法解密"))?;
        let blob = B64.decode(data).map_err(|_| malformed())?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(malformed());
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let plain = Aes256Gcm::new(key.into())
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| "解密失败：数据被篡改或密钥不匹配".to_string())?;
        String::from_utf8(plain).map_err(|_| "解密结果不是有效文本".to_string())
    }

    /// Deterministic keyed hash of an already normalised value, for exact
    /// lookup without decrypting (e.g. "is this ID number already aided?").
    /// Rooted in the FIRST key so it survives rotation, and domain-separated
    /// by `kind` ("id_number", "phone") so equal strings of different kinds
    /// do not collide.
    pub fn blind_index(&self, kind: &str, normalized: &str) -> String {
        let root = &self.keys[0].1;
        let kind_key = hmac_sha256(root, format!("jinguo/blind-index/v1/{kind}").as_bytes());
        hex::encode(hmac_sha256(&kind_key, normalized.as_bytes()))
    }
}

fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so construction cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_text_round_trips_and_is_randomised() {
        let ring = Keyring::generate();
        let a = ring.encrypt("42052719850315002X");
        let b = ring.encrypt("42052719850315002X");
        assert!(a.starts_with("v1:k1:"));
        assert_ne!(a, b, "random nonce");
        assert!(!a.contains("42052719850315002X"));
        assert_eq!(ring.decrypt(&a), Ok("42052719850315002X".to_string()));
        assert_eq!(ring.decrypt(&ring.encrypt("")), Ok(String::new()));
    }

    #[test]
    fn tampered_ciphertext_is_rejected() {
        let ring = Keyring::generate();
        let stored = ring.encrypt("张小梅");
        let (head, data) = stored.rsplit_once(':').unwrap();
        let mut blob = B64.decode(data).unwrap();
        let last = blob.len() - 1;
        blob[last] ^= 1;
        let tampered = format!("{head}:{}", B64.encode(blob));
        assert!(ring.decrypt(&tampered).is_err_and(|e| e.contains("篡改")));
        assert!(ring.decrypt("v1:k1:@@@").is_err());
        assert!(ring.decrypt("plaintext").is_err());
    }

    #[test]
    fn swapping_the_key_id_is_detected() {
        let mut ring = Keyring::generate();
        let old = ring.encrypt("13812345678");
        ring.rotate();
        let relabelled = old.replacen("v1:k1:", "v1:k2:", 1);
        assert!(ring.decrypt(&relabelled).is_err());
    }

    #[test]
    fn rotated_ring_still_decrypts_old_ciphertext() {
        let mut ring = Keyring::generate();
        let old = ring.encrypt("旧数据");
        ring.rotate();
        assert_eq!(ring.current_id(), "k2");
        let new = ring.encrypt("新数据");
        assert!(new.starts_with("v1:k2:"));
        assert_eq!(ring.decrypt(&old), Ok("旧数据".to_string()));
        assert_eq!(ring.decrypt(&new), Ok("新数据".to_string()));
    }

    #[test]
    fn ring_without_the_old_key_cannot_decrypt() {
        let old = Keyring::generate().encrypt("x");
        let other = Keyring::generate();
        assert!(other.decrypt(&old).is_err());
    }

    #[test]
    fn keyring_text_round_trips_and_last_line_is_current() {
        let mut ring = Keyring::generate();
        ring.rotate();
        let text = ring.to_text();
        let loaded = Keyring::from_text(&text).unwrap();
        assert_eq!(loaded.current_id(), "k2");
        assert_eq!(loaded.decrypt(&ring.encrypt("abc")), Ok("abc".to_string()));
        assert_eq!(
            loaded.blind_index("phone", "1"),
            ring.blind_index("phone", "1")
        );
    }

    #[test]
    fn malformed_keyring_text_is_rejected_without_echoing_keys() {
        assert!(Keyring::from_text("# only a comment\n").is_err());
        let err = Keyring::from_text("k1:abcd").unwrap_err();
        assert!(err.contains("第1行") && !err.contains("abcd"));
        let key = "00".repeat(32);
        assert!(Keyring::from_text(&format!("k1:{key}\nk1:{key}")).is_err());
        assert!(Keyring::from_text(&format!("k 1:{key}")).is_err());
    }

    #[test]
    fn blind_index_is_deterministic_stable_across_rotation_and_kind_separated() {
        let mut ring = Keyring::generate();
        let before = ring.blind_index("id_number", "42052719850315002X");
        assert_eq!(before, ring.blind_index("id_number", "42052719850315002X"));
        assert_eq!(before.len(), 64);
        ring.rotate();
        assert_eq!(ring.blind_index("id_number", "42052719850315002X"), before);
        assert_ne!(ring.blind_index("phone", "42052719850315002X"), before);
        assert_ne!(ring.blind_index("id_number", "420527199001010013"), before);
    }

    #[test]
    fn debug_output_hides_key_material() {
        let ring = Keyring::generate();
        let hex_key = hex::encode(ring.keys[0].1);
        assert!(!format!("{ring:?}").contains(&hex_key));
    }
}
