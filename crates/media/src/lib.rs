//! Photos as users upload them from phones: the type is judged by content (not
//! by name), the size is limited, EXIF orientation is applied, and the picture
//! is re-encoded as JPEG — which also drops EXIF metadata such as the GPS
//! position of a village household. A thumbnail is made for lists.

pub mod attachment;
pub mod store;
pub mod upload;

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload accepted.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// Largest picture decoded, in pixels (50 MP: a 48 MP phone photo fits; at
/// 4 bytes a pixel that is a 200 MB frame at most). `JINGUO_PHOTO_MAX_PIXELS`
/// changes it.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side decoded.
const MAX_SIDE: u32 = 12_000;

fn max_pixels() -> u64 {
    std::env::var("JINGUO_PHOTO_MAX_PIXELS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(MAX_PIXELS)
}

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
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => format!(
            "照片尺寸超过上限：每边最多 {MAX_SIDE} 像素、最多 {} 万像素，请缩小后再上传",
            max_pixels() / 10_000
        ),
        _ => "照片文件已损坏或无法识别".to_string(),
    })?;
    // The header's dimensions are checked before a pixel is decoded.
    let (w, h) = decoder.dimensions();
    let max = max_pixels();
    if u64::from(w) * u64::from(h) > max {
        return Err(format!(
            "照片像素数超过上限：最多 {} 万像素，这张是 {w}×{h}（{} 万像素），请缩小后再上传",
            max / 10_000,
            u64::from(w) * u64::from(h) / 10_000
        ));
    }
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

    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn a_picture_over_the_pixel_cap_is_refused_from_its_header() {
        // A PNG header claiming 10000×9000 (90 MP) and no pixel data: refused
        // by its dimensions before any frame is allocated.
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&10_000u32.to_be_bytes());
        ihdr.extend_from_slice(&9_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        let idat = b"IDAT\x78\x9c";
        png.extend_from_slice(&2u32.to_be_bytes());
        png.extend_from_slice(idat);
        png.extend_from_slice(&crc32(idat).to_be_bytes());
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IEND");
        png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
        let e = process(&png).unwrap_err();
        assert!(
            e.contains("像素数超过上限") && e.contains("10000×9000"),
            "{e}"
        );
    }

    #[test]
    fn a_truncated_jpeg_is_rejected() {
        let p = process(&png(100, 100)).unwrap();
        let err = process(&p.full[..40]).unwrap_err();
        assert!(err.contains("损坏"), "{err}");
    }
}
