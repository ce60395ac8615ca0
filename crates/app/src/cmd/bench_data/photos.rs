//! The bench photo: one small PNG, attached to a share of the activities. The
//! importer decodes and re-encodes it like a phone photo, so an import times
//! the photo path without shipping an image file.

use super::county::County;

/// Width and height of the photo, in pixels.
const SIDE: u32 = 16;

/// The photo's pixels, RGB row by row: red 200, green rising with x and
/// blue with y, 15 a pixel.
fn pixels() -> Vec<u8> {
    let mut rgb = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            rgb.extend([200u8, (x * 15) as u8, (y * 15) as u8]);
        }
    }
    rgb
}

/// The photo as a PNG file (8-bit RGB, written by the `png` crate).
pub(super) fn tiny_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header into memory");
    writer
        .write_image_data(&pixels())
        .expect("16×16 RGB pixels into memory");
    writer.finish().expect("PNG end into memory");
    out
}

impl County {
    /// The photo's file name (`{活动编号}.png`) for a share of activities,
    /// its bytes kept for the workbook; empty for the others.
    pub(super) fn photo_for(&mut self, code: &str) -> String {
        if !self.rng.chance(self.photo_share) {
            return String::new();
        }
        let file = format!("{code}.png");
        self.photos.push((file.clone(), self.png.clone()));
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_decodes_to_its_sixteen_by_sixteen_gradient() {
        let png = tiny_png();
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!((info.width, info.height), (16, 16));
        assert_eq!(
            (info.color_type, info.bit_depth),
            (png::ColorType::Rgb, png::BitDepth::Eight)
        );
        assert_eq!(&buf[..info.buffer_size()], pixels().as_slice());
        // The corner pixels, as the importer will see them.
        assert_eq!(&buf[..3], &[200, 0, 0]);
        assert_eq!(&buf[buf.len() - 3..], &[200, 225, 225]);
    }

    #[test]
    fn the_photo_path_takes_it_as_a_sixteen_pixel_png() {
        let p = media::process(&tiny_png()).expect("media refused the bench photo");
        assert_eq!((p.source_format, p.width, p.height), ("PNG", 16, 16));
    }
}
