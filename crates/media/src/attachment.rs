//! Attachments that prove something (a diagnosis, a receipt, a signed
//! hand-over list): a PDF or a picture, judged by content, not by name. A
//! picture goes through [`crate::process`] like a photo (re-encoded, EXIF and
//! GPS dropped); a PDF is kept as sent, so one that can act when opened
//! (JavaScript, launch actions, embedded files) is refused.

use crate::process;

/// Largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// What an attachment turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    /// Stored as JPEG.
    Picture,
}

impl AttachmentKind {
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Picture => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "pdf",
            AttachmentKind::Picture => "jpg",
        }
    }
}

/// A checked attachment, ready to store.
#[derive(Debug)]
pub struct Checked {
    pub kind: AttachmentKind,
    pub bytes: Vec<u8>,
}

/// PDF names that make a reader run or open something.
const ACTIVE_PDF: [&[u8]; 5] = [
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/RichMedia",
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Checks an attachment; errors are Chinese, for the user.
pub fn check(bytes: &[u8]) -> Result<Checked, String> {
    if bytes.is_empty() {
        return Err("附件文件为空".into());
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "附件不能超过{}MB，请压缩后再上传",
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    if bytes.starts_with(b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !contains(tail, b"%%EOF") {
            return Err("PDF文件不完整或已损坏".into());
        }
        if ACTIVE_PDF.iter().any(|n| contains(bytes, n)) {
            return Err("PDF含有脚本或嵌入文件，请另存为普通PDF或拍照上传".into());
        }
        return Ok(Checked {
            kind: AttachmentKind::Pdf,
            bytes: bytes.to_vec(),
        });
    }
    match process(bytes) {
        Ok(p) => Ok(Checked {
            kind: AttachmentKind::Picture,
            bytes: p.full,
        }),
        Err(e) if e.contains("格式") => Err("附件只能是PDF或JPEG、PNG、WebP格式的图片".into()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(body: &str) -> Vec<u8> {
        format!("%PDF-1.7\n1 0 obj << /Type /Catalog {body} >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
            .into_bytes()
    }

    #[test]
    fn a_plain_pdf_is_kept_as_sent() {
        let c = check(&pdf("/Pages 2 0 R")).unwrap();
        assert_eq!(c.kind, AttachmentKind::Pdf);
        assert_eq!(c.bytes, pdf("/Pages 2 0 R"));
    }

    #[test]
    fn a_pdf_that_runs_script_or_is_cut_short_is_refused() {
        let e = check(&pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")).unwrap_err();
        assert!(e.contains("脚本"), "{e}");
        let cut = pdf("/Pages 2 0 R");
        assert!(check(&cut[..cut.len() - 7]).unwrap_err().contains("不完整"));
    }

    #[test]
    fn a_picture_is_reencoded_and_anything_else_is_refused_by_content() {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::new(30, 20));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let c = check(&png.into_inner()).unwrap();
        assert_eq!(c.kind, AttachmentKind::Picture);
        assert_eq!(
            image::guess_format(&c.bytes).unwrap(),
            image::ImageFormat::Jpeg
        );
        let e = check(b"PK\x03\x04 a zip named receipt.pdf").unwrap_err();
        assert_eq!(e, "附件只能是PDF或JPEG、PNG、WebP格式的图片");
    }
}
