//! The tray icons as StatusNotifierItem pixmaps: PNG decoded to ARGB32 in network byte order
//! (A, R, G, B bytes per pixel, rows top to bottom), as the SNI specification wants.

use crate::error::TrayError;
use crate::model::TrayIcon;
use png::{ColorType, Transformations};
use std::io::Cursor;

/// One decoded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Argb32 {
    pub width: u32,
    pub height: u32,
    /// `width × height` pixels, 4 bytes each: alpha, red, green, blue.
    pub data: Vec<u8>,
}

/// The three tray icons, decoded once.
#[derive(Debug, Clone)]
pub(crate) struct Pixmaps {
    off_call: Argb32,
    on_call: Argb32,
    paging: Argb32,
}

impl Pixmaps {
    /// Decodes every tray icon.
    pub fn decode() -> Result<Self, TrayError> {
        let one = |icon: TrayIcon| argb32(icon.png()).map_err(|source| TrayError::Icon { icon, source });
        Ok(Pixmaps {
            off_call: one(TrayIcon::OffCall)?,
            on_call: one(TrayIcon::OnCall)?,
            paging: one(TrayIcon::Paging)?,
        })
    }

    /// The decoded image of an icon.
    pub fn get(&self, icon: TrayIcon) -> &Argb32 {
        match icon {
            TrayIcon::OffCall => &self.off_call,
            TrayIcon::OnCall => &self.on_call,
            TrayIcon::Paging => &self.paging,
        }
    }
}

/// Decodes a PNG (any colour type and depth) to ARGB32.
pub(crate) fn argb32(png: &[u8]) -> Result<Argb32, png::DecodingError> {
    let mut decoder = png::Decoder::new(Cursor::new(png));
    // 8 bits per sample, palettes expanded, and always an alpha channel: RGBA or grey + alpha.
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16 | Transformations::ALPHA);
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf)?;
    let pixels = &buf[..info.buffer_size()];
    let data = match info.color_type {
        ColorType::Rgba => pixels.chunks_exact(4).flat_map(|p| [p[3], p[0], p[1], p[2]]).collect(),
        ColorType::GrayscaleAlpha => pixels.chunks_exact(2).flat_map(|p| [p[1], p[0], p[0], p[0]]).collect(),
        ColorType::Rgb => pixels.chunks_exact(3).flat_map(|p| [0xff, p[0], p[1], p[2]]).collect(),
        ColorType::Grayscale => pixels.iter().flat_map(|&v| [0xff, v, v, v]).collect(),
        // EXPAND turns palettes into RGB(A): never here.
        ColorType::Indexed => return Err(std::io::Error::other("palette left unexpanded").into()),
    };
    Ok(Argb32 { width: info.width, height: info.height, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(width: u32, height: u32, color: ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(data).unwrap();
        out
    }

    #[test]
    fn rgba_becomes_argb_in_network_order() {
        let png = encode(2, 1, ColorType::Rgba, &[0x10, 0x20, 0x30, 0x40, 0xa0, 0xb0, 0xc0, 0xd0]);
        let image = argb32(&png).unwrap();
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(image.data, [0x40, 0x10, 0x20, 0x30, 0xd0, 0xa0, 0xb0, 0xc0]);
    }

    #[test]
    fn opaque_and_grey_images_get_full_alpha() {
        let rgb = argb32(&encode(1, 1, ColorType::Rgb, &[1, 2, 3])).unwrap();
        assert_eq!(rgb.data, [0xff, 1, 2, 3]);
        let grey = argb32(&encode(1, 1, ColorType::Grayscale, &[9])).unwrap();
        assert_eq!(grey.data, [0xff, 9, 9, 9]);
    }

    #[test]
    fn every_tray_icon_decodes_to_64_px() {
        let pixmaps = Pixmaps::decode().unwrap();
        for icon in TrayIcon::ALL {
            let image = pixmaps.get(icon);
            assert_eq!((image.width, image.height), (64, 64), "{icon:?}");
            assert_eq!(image.data.len(), 64 * 64 * 4, "{icon:?}");
            assert!(image.data.chunks_exact(4).any(|p| p[0] > 0), "{icon:?} is not fully transparent");
        }
        assert_ne!(pixmaps.get(TrayIcon::OnCall), pixmaps.get(TrayIcon::Paging));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(argb32(b"not a png").is_err());
    }
}
