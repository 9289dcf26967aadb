//! What an uploaded file really is, from its bytes, and a safe name for
//! it (docs/uploads.md). Nothing here trusts the name or the header the
//! client sent: the type comes from the content (`infer`), containers are
//! opened (`zip`) and images decoded (`image`) to prove it.

use std::io::{Cursor, Read};

use unicode_normalization::UnicodeNormalization;

use super::FileKind;
use crate::error::{ApiError, ApiResult};

/// The multipart field that carries the file.
pub const FIELD: &str = "fichier";

/// SHA-256 of the content.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The formats the API accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Doc,
    Docx,
    Odt,
    Png,
    Jpeg,
    Webp,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Doc => "application/msword",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }

    /// Extensions a name may have for this format; the first is added to a
    /// name that has none.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Pdf => &["pdf"],
            Format::Doc => &["doc"],
            Format::Docx => &["docx"],
            Format::Odt => &["odt"],
            Format::Png => &["png"],
            Format::Jpeg => &["jpg", "jpeg"],
            Format::Webp => &["webp"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Doc => "DOC",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Webp => "WebP",
        }
    }
}

/// The formats each kind accepts: documents for reading (CV, letter), or
/// a scan or photo of a paper (verification documents).
pub fn accepted(kind: FileKind) -> &'static [Format] {
    match kind {
        FileKind::Cv | FileKind::Lettre | FileKind::BusinessPlan => {
            &[Format::Pdf, Format::Doc, Format::Docx, Format::Odt]
        }
        FileKind::Document | FileKind::Diplome | FileKind::Certificat | FileKind::Portfolio => {
            &[Format::Pdf, Format::Png, Format::Jpeg]
        }
    }
}

/// A checked file: its clean name and its real type.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub name: String,
    pub format: Format,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::field(FIELD, message)
}

/// Checks a file of `kind` sent as `name`: not empty, a clean name, a type
/// the kind accepts found in the content and proven, and a name whose
/// extension agrees with it (one is added if the name has none). A 400 on
/// `fichier` otherwise. The size limit is the reader's (413).
pub fn check(kind: FileKind, name: &str, bytes: &[u8]) -> ApiResult<Checked> {
    if bytes.is_empty() {
        return Err(invalid("Le fichier est vide."));
    }
    let name = clean_name(name).map_err(invalid)?;
    let allowed = accepted(kind);
    let labels: Vec<&str> = allowed.iter().map(|f| f.label()).collect();
    let refused = || {
        invalid(format!(
            "Type de fichier non accepté pour « {} » : {} attendu (d'après le contenu du fichier).",
            kind.as_str(),
            labels.join(", ")
        ))
    };
    let format = detect(bytes)
        .filter(|f| allowed.contains(f))
        .ok_or_else(refused)?;
    prove(format, bytes).map_err(|why| invalid(format!("{} illisible : {why}", format.label())))?;
    // An extension is letters after the last dot (`CV 2024.06` has none).
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphabetic()));
    let name = match extension {
        Some(ext) if format.extensions().contains(&ext.to_lowercase().as_str()) => name,
        Some(ext) => {
            return Err(invalid(format!(
                "L'extension « .{ext} » ne correspond pas au contenu ({}) : .{} attendu.",
                format.label(),
                format.extensions()[0]
            )));
        }
        _ => format!("{name}.{}", format.extensions()[0]),
    };
    Ok(Checked { name, format })
}

/// The format the content shows, if it is one we accept. Office files are
/// ZIP archives (DOCX, ODT) or OLE2 compound files (DOC): the archive is
/// opened to tell them apart.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "application/pdf" => Some(Format::Pdf),
        "image/png" => Some(Format::Png),
        "image/jpeg" => Some(Format::Jpeg),
        "image/webp" => Some(Format::Webp),
        // `infer` says msword for an OLE2 file with Word's class id; other
        // OLE2 files (installers, Outlook messages) are refused.
        "application/msword" => Some(Format::Doc),
        "application/zip"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.oasis.opendocument.text" => office_archive(bytes),
        _ => None,
    }
}

/// DOCX (a `word/document.xml` part) or ODT (a `mimetype` entry naming
/// it), from the archive's directory.
fn office_archive(bytes: &[u8]) -> Option<Format> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if archive.index_for_name("word/document.xml").is_some() {
        return Some(Format::Docx);
    }
    let mut mimetype = String::new();
    archive
        .by_name("mimetype")
        .ok()?
        .take(100)
        .read_to_string(&mut mimetype)
        .ok()?;
    (mimetype.trim() == Format::Odt.content_type()).then_some(Format::Odt)
}

/// Images as wide or high as this at most (a 48 MP photo is 8000 × 6000).
const MAX_IMAGE_SIDE: u32 = 12_000;
/// Memory the decoder may use (the uploads function has 1 GB).
const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;

/// A decoder for an image of `format`, within the limits above.
fn image_reader(format: Format, bytes: &[u8]) -> image::ImageReader<Cursor<&[u8]>> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        Format::Png => image::ImageFormat::Png,
        Format::Webp => image::ImageFormat::WebP,
        _ => image::ImageFormat::Jpeg,
    });
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader
}

fn undecodable(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => {
            format!("l'image dépasse {MAX_IMAGE_SIDE} pixels de côté.")
        }
        _ => "l'image ne se décode pas.".into(),
    }
}

/// Proves the format beyond its first bytes: images decode, a PDF ends
/// with its end-of-file marker (within the last 1 KB, as readers allow).
fn prove(format: Format, bytes: &[u8]) -> Result<(), String> {
    match format {
        Format::Png | Format::Jpeg | Format::Webp => image_reader(format, bytes)
            .decode()
            .map(|_| ())
            .map_err(undecodable),
        Format::Pdf => {
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            if tail.windows(5).any(|w| w == b"%%EOF") {
                Ok(())
            } else {
                Err("le document est incomplet (pas de marqueur de fin).".into())
            }
        }
        // The archive was opened to tell DOCX from ODT; DOC is the OLE2
        // signature.
        Format::Doc | Format::Docx | Format::Odt => Ok(()),
    }
}

/// A photo or logo made safe to publish: decoded, turned upright (EXIF
/// orientation), shrunk to `MAX_SIDE` pixels at most, and encoded anew,
/// so nothing of the sent file survives but its pixels (no EXIF, no GPS
/// position, no trailing bytes).
#[derive(Debug)]
pub struct Reencoded {
    pub bytes: Vec<u8>,
    /// JPEG, or PNG when the image has transparency.
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

impl Reencoded {
    pub fn extension(&self) -> &'static str {
        self.format.extensions()[0]
    }
}

/// JPEG quality of re-encoded photos: no visible loss at 512 px.
const JPEG_QUALITY: u8 = 85;

/// Checks an image by its content (PNG, JPEG or WebP, whatever its name
/// says) and re-encodes it; a 400 on `fichier` otherwise.
pub fn image(bytes: &[u8], max_side: u32) -> ApiResult<Reencoded> {
    use image::ImageDecoder;
    if bytes.is_empty() {
        return Err(invalid("Le fichier est vide."));
    }
    let format = detect(bytes)
        .filter(|f| matches!(f, Format::Png | Format::Jpeg | Format::Webp))
        .ok_or_else(|| {
            invalid("Type de fichier non accepté pour une image : PNG, JPEG ou WebP attendu (d'après le contenu du fichier).")
        })?;
    let unreadable = |e| invalid(format!("{} illisible : {}", format.label(), undecodable(e)));
    let mut decoder = image_reader(format, bytes)
        .into_decoder()
        .map_err(unreadable)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    // Shrunk first (the box is square, so either way round fits it), then
    // turned: rotating the full-size image would copy it whole.
    if picture.width() > max_side || picture.height() > max_side {
        picture = picture.resize(max_side, max_side, image::imageops::FilterType::Lanczos3);
    }
    picture.apply_orientation(orientation);
    let (width, height) = (picture.width(), picture.height());
    let mut out = Cursor::new(Vec::new());
    let format = if picture.color().has_alpha() {
        picture
            .to_rgba8()
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(ApiError::internal)?;
        Format::Png
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        picture
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(ApiError::internal)?;
        Format::Jpeg
    };
    Ok(Reencoded {
        bytes: out.into_inner(),
        format,
        width,
        height,
    })
}

/// The longest name kept, in bytes (what file systems allow).
const MAX_NAME_BYTES: usize = 200;

/// A name safe to store and to offer back in a download: refused if it
/// holds a path (`/`, `\`), control characters, or starts with a dot;
/// otherwise normalized (NFC) and cleaned of the characters file systems
/// refuse (`sanitize-filename`), shortened if needed.
pub fn clean_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Le nom du fichier est vide.".into());
    }
    // Control characters, and the invisible ones that reorder or hide
    // text (a bidi override makes `cv<U+202E>fdp.exe` read `cvexe.pdf`).
    let invisible = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    if name.chars().any(|c| c.is_control() || invisible(c)) {
        return Err("Le nom du fichier contient des caractères de contrôle.".into());
    }
    if name.contains(['/', '\\']) {
        return Err("Le nom du fichier ne doit pas contenir de chemin (« / » ou « \\ »).".into());
    }
    if name.starts_with('.') {
        return Err("Le nom du fichier ne peut pas commencer par un point.".into());
    }
    let name: String = name.nfc().collect();
    let clean = sanitize_filename::sanitize_with_options(
        &name,
        sanitize_filename::Options {
            windows: true,
            truncate: false,
            replacement: "_",
        },
    );
    Ok(shorten(&clean, MAX_NAME_BYTES))
}

/// `name` within `max` bytes, its extension kept.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if ext.len() <= 10 => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let mut cut = max - ext.len();
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal PDF that readers open.
    pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
        out.into_inner()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::RgbImage::new(width, height)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    fn refusal(result: ApiResult<Checked>) -> String {
        match result {
            Err(ApiError::Fields(f)) => f[FIELD].join(" "),
            other => panic!("expected a 400 on fichier, got {other:?}"),
        }
    }

    #[test]
    fn documents_are_recognised_by_content() {
        let docx = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        let odt = zip_with(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
        ]);
        for (bytes, format, name) in [
            (PDF.to_vec(), Format::Pdf, "CV Amina.pdf"),
            (docx, Format::Docx, "cv.DOCX"),
            (odt, Format::Odt, "cv.odt"),
        ] {
            let checked = check(FileKind::Cv, name, &bytes).unwrap();
            assert_eq!(checked.format, format, "{name}");
            assert_eq!(checked.name, name);
        }
        // An OLE2 file that is not a Word document (an installer, say).
        let ole = [
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
            &[0; 504],
        ]
        .concat();
        assert!(refusal(check(FileKind::Cv, "cv.doc", &ole)).contains("non accepté"));
        let spreadsheet = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
        assert!(refusal(check(FileKind::Cv, "cv.docx", &spreadsheet)).contains("non accepté"));
    }

    #[test]
    fn names_and_headers_do_not_make_a_type() {
        assert!(
            refusal(check(FileKind::Cv, "cv.pdf", b"hello, I am a CV")).contains("non accepté")
        );
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00";
        assert!(refusal(check(FileKind::Cv, "cv.pdf", elf)).contains("non accepté"));
        let exe = [b"MZ".as_slice(), &[0x90; 200]].concat();
        assert!(refusal(check(FileKind::Document, "kbis.pdf", &exe)).contains("non accepté"));
        // A PDF is not a CV's only format, but an image is not a CV.
        assert!(refusal(check(FileKind::Cv, "cv.png", &png(2, 2))).contains("PDF, DOC, DOCX, ODT"));
        let truncated = &PDF[..40];
        assert!(refusal(check(FileKind::Cv, "cv.pdf", truncated)).contains("incomplet"));
        assert_eq!(
            refusal(check(FileKind::Cv, "cv.pdf", b"")),
            "Le fichier est vide."
        );
    }

    #[test]
    fn images_must_decode() {
        assert_eq!(
            check(FileKind::Document, "kbis.png", &png(4, 3))
                .unwrap()
                .format,
            Format::Png
        );
        let mut broken = png(4, 3);
        let len = broken.len();
        broken.truncate(len - 30);
        assert!(refusal(check(FileKind::Document, "kbis.png", &broken)).contains("décode"));
        let fake_jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x41; 300]].concat();
        assert!(refusal(check(FileKind::Document, "kbis.jpg", &fake_jpeg)).contains("JPEG"));
    }

    #[test]
    fn extensions_agree_with_the_content() {
        assert!(refusal(check(FileKind::Cv, "cv.exe", PDF)).contains(".pdf attendu"));
        assert_eq!(
            check(FileKind::Cv, "mon cv", PDF).unwrap().name,
            "mon cv.pdf"
        );
        for (sent, kept) in [("CV 2024.06", "CV 2024.06.pdf"), ("CV_v2.0", "CV_v2.0.pdf")] {
            assert_eq!(check(FileKind::Cv, sent, PDF).unwrap().name, kept);
        }
        assert_eq!(
            check(FileKind::Document, "KBIS.JPEG", &{
                let mut out = Cursor::new(Vec::new());
                image::RgbImage::new(3, 3)
                    .write_to(&mut out, image::ImageFormat::Jpeg)
                    .unwrap();
                out.into_inner()
            })
            .unwrap()
            .name,
            "KBIS.JPEG"
        );
    }

    #[test]
    fn names_with_paths_or_controls_are_refused() {
        for bad in [
            "../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "/etc/passwd",
            "cv\u{0}.pdf",
            "cv\n.pdf",
            "cv\u{202E}fdp.exe",
            "cv\u{200B}.pdf",
            ".htaccess",
            "..",
            "   ",
        ] {
            assert!(clean_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(clean_name(" CV <final>?.pdf ").unwrap(), "CV _final__.pdf");
        // Decomposed accents are stored composed.
        assert_eq!(
            clean_name("re\u{301}sume\u{301}.pdf").unwrap(),
            "résumé.pdf"
        );
        let long = format!("{}.pdf", "é".repeat(300));
        let short = clean_name(&long).unwrap();
        assert!(short.len() <= MAX_NAME_BYTES && short.ends_with(".pdf"));
    }

    fn encoded(picture: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_come_out_small_opaque_as_jpeg_transparent_as_png() {
        let photo = encoded(
            image::DynamicImage::ImageRgb8(image::RgbImage::new(1200, 800)),
            image::ImageFormat::Png,
        );
        let out = image(&photo, 512).unwrap();
        assert_eq!(
            (out.format, out.width, out.height),
            (Format::Jpeg, 512, 341)
        );
        let decoded = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (512, 341));

        let logo = encoded(
            image::DynamicImage::ImageRgba8(image::RgbaImage::new(100, 40)),
            image::ImageFormat::WebP,
        );
        assert_eq!(detect(&logo), Some(Format::Webp));
        let out = image(&logo, 512).unwrap();
        assert_eq!(
            (out.format, out.width, out.height),
            (Format::Png, 100, 40),
            "never enlarged, transparency kept"
        );
        assert_eq!(out.extension(), "png");
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        let refused = |bytes: &[u8]| match image(bytes, 512) {
            Err(ApiError::Fields(f)) => f[FIELD].join(" "),
            other => panic!("{other:?}"),
        };
        assert!(refused(b"<html><script>alert(1)</script></html>").contains("PNG, JPEG ou WebP"));
        assert!(refused(PDF).contains("PNG, JPEG ou WebP"));
        assert!(refused(b"").contains("vide"));
        let mut cut = png(64, 64);
        cut.truncate(60);
        assert!(refused(&cut).contains("illisible"));
    }
}
