//! Takes the three files the docs page needs out of the pinned, vendored
//! Swagger UI distribution (no download; the whole distribution with its
//! source maps would add ~10 MB to the binary).

use std::io::Read;

const FILES: &[&str] = &[
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "favicon-32x32.png",
];

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(
        utoipa_swagger_ui_vendored::SWAGGER_UI_VENDORED,
    ))
    .unwrap();
    for name in FILES {
        let index = (0..archive.len())
            .find(|&i| {
                archive
                    .by_index(i)
                    .map(|f| f.name().ends_with(&format!("/dist/{name}")))
                    .unwrap_or(false)
            })
            .unwrap_or_else(|| panic!("{name} is not in the vendored Swagger UI"));
        let mut bytes = Vec::new();
        archive
            .by_index(index)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        std::fs::write(out.join(name), bytes).unwrap();
    }
    println!("cargo:rerun-if-changed=build.rs");
}
