//! The phone's subscription as a QR code: SVG for the app, text blocks for the terminal.

use qrcode::QrCode;
use qrcode::render::{svg, unicode};

/// `text` as an SVG QR code (dark on light, with its quiet zone); `None` if it is too long.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

/// `text` as a QR code in Unicode half blocks, two modules per character cell, for a terminal.
pub fn qr_text(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_render_for_the_app_and_the_terminal() {
        let svg = qr_svg("ntfy://ntfy.sh/ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap();
        assert!(svg.contains("<svg") && svg.contains("#000000"), "{svg}");
        let text = qr_text("ntfy://ntfy.sh/ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap();
        assert!(text.lines().count() > 10 && text.contains('█'), "{text}");
        assert_ne!(qr_svg("a"), qr_svg("b"));
    }
}
