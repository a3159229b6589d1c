//! Photos decoded and shrunk for the page, so a report with many photos stays small.

use printpdf::{RawImage, RawImageData, RawImageFormat};

/// A photo decoded and shrunk for the page.
#[derive(Debug, Clone)]
pub struct Thumbnail(pub(super) RawImage);

impl Thumbnail {
    /// Decode a JPEG or PNG and shrink it so its longer side is at most `max_px`
    /// pixels; `None` when it cannot be decoded (WebP, a damaged file…).
    pub fn decode(bytes: &[u8], max_px: usize) -> Option<Thumbnail> {
        let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).ok()?;
        shrink(image, max_px)
    }

    pub fn size(&self) -> (usize, usize) {
        (self.0.width, self.0.height)
    }
}

/// Box-filter an 8-bit image down to at most `max_px` on its longer side (never up),
/// dropping any alpha channel onto white.
fn shrink(image: RawImage, max_px: usize) -> Option<Thumbnail> {
    let RawImageData::U8(pixels) = &image.pixels else {
        return None;
    };
    let channels = match image.data_format {
        RawImageFormat::R8 => 1,
        RawImageFormat::RG8 => 2,
        RawImageFormat::RGB8 => 3,
        RawImageFormat::RGBA8 => 4,
        _ => return None,
    };
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 || pixels.len() < w * h * channels {
        return None;
    }
    let scale = (w.max(h) as f64 / max_px.max(1) as f64).max(1.0);
    let (nw, nh) = (
        ((w as f64 / scale).round() as usize).max(1),
        ((h as f64 / scale).round() as usize).max(1),
    );
    let mut out = Vec::with_capacity(nw * nh * 3);
    for y in 0..nh {
        let (y0, y1) = (y * h / nh, ((y + 1) * h / nh).max(y * h / nh + 1));
        for x in 0..nw {
            let (x0, x1) = (x * w / nw, ((x + 1) * w / nw).max(x * w / nw + 1));
            let mut sum = [0u32; 3];
            let mut n = 0u32;
            for sy in y0..y1 {
                for sx in x0..x1 {
                    let p = &pixels[(sy * w + sx) * channels..][..channels];
                    let (color, alpha) = match channels {
                        1 => ([p[0]; 3], 255),
                        2 => ([p[0]; 3], p[1]),
                        3 => ([p[0], p[1], p[2]], 255),
                        _ => ([p[0], p[1], p[2]], p[3]),
                    };
                    for (s, c) in sum.iter_mut().zip(color) {
                        // Composite onto white.
                        *s += (c as u32 * alpha as u32 + 255 * (255 - alpha as u32)) / 255;
                    }
                    n += 1;
                }
            }
            out.extend(sum.map(|s| (s / n) as u8));
        }
    }
    Some(Thumbnail(RawImage {
        pixels: RawImageData::U8(out),
        width: nw,
        height: nh,
        data_format: RawImageFormat::RGB8,
        tag: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_keeps_the_aspect_ratio() {
        let image = RawImage {
            pixels: RawImageData::U8(vec![200; 400 * 200 * 4]),
            width: 400,
            height: 200,
            data_format: RawImageFormat::RGBA8,
            tag: Vec::new(),
        };
        let thumb = shrink(image, 100).unwrap();
        assert_eq!(thumb.size(), (100, 50));
    }
}
