//! QR codes as SVG, drawn on the server: the browser gets a picture, not a library.

use qrcode::QrCode;
use qrcode::render::svg;

/// `text` as an SVG QR code, black on white, with the quiet zone scanners need.
pub fn svg(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
        // An otpauth URI is far below a QR code's capacity; this cannot happen.
        Err(error) => {
            tracing::error!(%error, "cannot encode a QR code");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg() {
        let drawn = super::svg("otpauth://totp/Customer%20Portal:ana%40example.com?secret=GEZDGNBV");
        assert!(drawn.starts_with("<?xml") || drawn.starts_with("<svg"), "{}", &drawn[..40]);
        assert!(drawn.contains("<svg") && drawn.contains("</svg>"));
    }
}
