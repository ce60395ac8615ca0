//! Photos as users upload them from phones: the type is judged by content (not
//! by name), the size is limited, EXIF orientation is applied, and the picture
//! is re-encoded as JPEG — which also drops EXIF metadata such as the GPS
//! position of a village household. A thumbnail is made for lists.

pub mod store;

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload accepted.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// Longest side of the stored picture and of the thumbnail.
const FULL_SIDE: u32 = 2000;
const THUMB_SIDE: u32 = 360;

/// A checked, oriented, re-encoded photo.
pub struct Processed {
    /// What the upload really was.
    pub source_format: &'static str,
    pub width: u32,
    pub height: u32,
    /// JPEG, longest side ≤ 2000 px, no metadata.
    pub full: Vec<u8>,
    /// JPEG, longest side ≤ 360 px.
    pub thumb: Vec<u8>,
}

impl std::fmt::Debug for Processed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Processed({} {}x{}, {} bytes)",
            self.source_format,
            self.width,
            self.height,
            self.full.len()
        )
    }
}

fn mb(n: usize) -> String {
    format!("{:.1}MB", n as f64 / 1024.0 / 1024.0)
}

/// Checks and processes an upload. Errors are Chinese, for the user.
pub fn process(bytes: &[u8]) -> Result<Processed, String> {
    if bytes.is_empty() {
        return Err("照片文件为空".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "照片不能超过{}（这张是{}），请压缩后再上传",
            mb(MAX_BYTES),
            mb(bytes.len())
        ));
    }
    let format =
        image::guess_format(bytes).map_err(|_| "只能上传JPEG、PNG或WebP格式的照片".to_string())?;
    let source_format = match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        _ => return Err("只能上传JPEG、PNG或WebP格式的照片".into()),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Guard against decompression bombs: a phone photo fits well within this.
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| "照片文件已损坏或无法识别".to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|_| "照片文件已损坏或无法识别".to_string())?;
    img.apply_orientation(orientation);
    let full = if img.width().max(img.height()) > FULL_SIDE {
        img.resize(FULL_SIDE, FULL_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    // `thumbnail` also enlarges: a picture already small enough is kept as is
    // (enlarging a 16-pixel image to the thumbnail size was most of a
    // county-year import's time, bench).
    let thumb = if full.width().max(full.height()) > THUMB_SIDE {
        full.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        full.clone()
    };
    Ok(Processed {
        source_format,
        width: full.width(),
        height: full.height(),
        full: jpeg(&full)?,
        thumb: jpeg(&thumb)?,
    })
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    rgb.write_with_encoder(enc)
        .map_err(|_| "照片处理失败".to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, _| {
            image::Rgb([(x % 255) as u8, 10, 20])
        }));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_png_is_reencoded_as_jpeg_with_a_thumbnail() {
        let p = process(&png(800, 600)).unwrap();
        assert_eq!((p.source_format, p.width, p.height), ("PNG", 800, 600));
        assert_eq!(image::guess_format(&p.full).unwrap(), ImageFormat::Jpeg);
        let t = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((t.width(), t.height()), (360, 270));
    }

    #[test]
    fn a_small_picture_is_never_enlarged_in_full_or_thumbnail() {
        let p = process(&png(16, 12)).unwrap();
        assert_eq!((p.width, p.height), (16, 12));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (16, 12));
    }

    #[test]
    fn a_big_picture_is_scaled_to_2000_on_its_longest_side() {
        let p = process(&png(4000, 1000)).unwrap();
        assert_eq!((p.width, p.height), (2000, 500));
    }

    #[test]
    fn a_text_file_named_like_a_photo_is_rejected_by_content() {
        let err = process(b"GIF89a not really").unwrap_err();
        assert!(err.contains("JPEG、PNG或WebP"), "{err}");
        assert!(process(b"hello, I am a .jpg").is_err());
    }

    #[test]
    fn an_oversized_upload_is_rejected_with_its_size() {
        let big = vec![0u8; MAX_BYTES + 1];
        let err = process(&big).unwrap_err();
        assert!(err.contains("不能超过15.0MB"), "{err}");
    }

    #[test]
    fn a_truncated_jpeg_is_rejected() {
        let p = process(&png(100, 100)).unwrap();
        let err = process(&p.full[..40]).unwrap_err();
        assert!(err.contains("损坏"), "{err}");
    }
}
