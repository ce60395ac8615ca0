//! The one way in for uploaded pictures, whichever door they came through
//! (the phone form, a record's page, the API, a ledger's folder): the count is
//! checked first, then every picture goes through [`crate::process`] (type by
//! content, size and pixel caps, EXIF applied and dropped, thumbnail) on the
//! blocking pool, a core each at once. Storing is [`crate::store::Staged`]'s:
//! files appear only after their rows commit and go when they don't.

use crate::{Processed, process};

/// A file as it arrived.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The name the sender gave it, if any (shown in errors, kept on the row).
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

impl Incoming {
    /// How an error names the `i`-th (0-based) file: its name, or 第N张照片.
    pub fn label(&self, i: usize) -> String {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("第{}张照片", i + 1))
    }
}

/// A checked, re-encoded picture with the name it came with.
#[derive(Debug)]
pub struct Ready {
    pub name: Option<String>,
    pub photo: Processed,
}

/// Refuses an upload of no picture or of more than `most` at once.
pub fn check_count(n: usize, most: usize) -> Result<(), String> {
    if n == 0 {
        return Err("请选择照片".into());
    }
    if n > most {
        return Err(format!("一次最多上传{most}张照片，这次选了{n}张"));
    }
    Ok(())
}

/// Processes each `(key, bytes)` on the blocking pool, as many at once as
/// there are cores, and gives each key its outcome in the order given. A
/// picture whose processing panicked is refused like a broken one.
pub async fn process_all<K: Send + 'static>(
    items: Vec<(K, Vec<u8>)>,
) -> Vec<(K, Result<Processed, String>)> {
    let width = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut out = Vec::with_capacity(items.len());
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let batch: Vec<_> = items
            .by_ref()
            .take(width)
            .map(|(k, bytes)| (k, tokio::task::spawn_blocking(move || process(&bytes))))
            .collect();
        for (k, job) in batch {
            let outcome = job.await.unwrap_or_else(|_| Err("照片处理失败".into()));
            out.push((k, outcome));
        }
    }
    out
}

/// The pictures of one upload for one record: at most `most`, each checked;
/// the first bad one refuses them all, named ("IMG_1.jpg：照片文件已损坏…").
pub async fn photos(files: Vec<Incoming>, most: usize) -> Result<Vec<Ready>, String> {
    check_count(files.len(), most)?;
    let items = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| ((i, f.label(i), f.name), f.bytes))
        .collect();
    let mut ready = Vec::new();
    for ((_, label, name), outcome) in process_all(items).await {
        match outcome {
            Ok(photo) => ready.push(Ready { name, photo }),
            Err(e) => return Err(format!("{label}：{e}")),
        }
    }
    Ok(ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::new(40, 30));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn file(name: Option<&str>, bytes: Vec<u8>) -> Incoming {
        Incoming {
            name: name.map(String::from),
            bytes,
        }
    }

    #[tokio::test]
    async fn an_upload_over_the_count_is_refused_before_a_picture_is_decoded() {
        let files = vec![file(Some("a.jpg"), b"not a picture".to_vec()); 10];
        let e = photos(files, 9).await.unwrap_err();
        assert_eq!(e, "一次最多上传9张照片，这次选了10张");
        assert_eq!(photos(Vec::new(), 9).await.unwrap_err(), "请选择照片");
    }

    #[tokio::test]
    async fn one_bad_picture_refuses_the_upload_and_is_named() {
        let files = vec![
            file(Some("good.png"), png()),
            file(None, b"GIF89a".to_vec()),
        ];
        let e = photos(files, 9).await.unwrap_err();
        assert!(e.starts_with("第2张照片："), "{e}");
        let ok = photos(vec![file(Some("good.png"), png())], 9)
            .await
            .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].name.as_deref(), Some("good.png"));
        assert_eq!((ok[0].photo.width, ok[0].photo.height), (40, 30));
    }

    #[tokio::test]
    async fn outcomes_keep_the_order_and_keys_they_were_given() {
        let items: Vec<(usize, Vec<u8>)> = (0..5)
            .map(|i| (i, if i == 3 { Vec::new() } else { png() }))
            .collect();
        let out = process_all(items).await;
        let keys: Vec<usize> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [0, 1, 2, 3, 4]);
        assert!(out[3].1.is_err() && out[4].1.is_ok());
    }
}
