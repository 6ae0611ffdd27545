//! JSON-LD contexts bundled into the binary: document loading never touches the network, and
//! a context Merit does not know is an error rather than a fetch.

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// The CLR 2.0 context (1EdTech's, as bundled with their validator), for learner records.
pub const CLR_V2P0: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

const BUNDLED: &[(&str, &[u8])] = &[
    (
        CREDENTIALS_V2,
        include_bytes!("../../contexts/credentials-v2.jsonld"),
    ),
    (
        OB_V3P0,
        include_bytes!("../../contexts/ob_v3p0_context-3.0.3.json"),
    ),
    (
        OB_EXTENSIONS,
        include_bytes!("../../contexts/ob_v3p0_extensions.json"),
    ),
    (
        CLR_V2P0,
        include_bytes!("../../contexts/clr-v2p0-2.0.1.json"),
    ),
];

/// The bundled document for a context URL.
pub fn get(url: &str) -> Option<&'static [u8]> {
    BUNDLED.iter().find(|(u, _)| *u == url).map(|(_, d)| *d)
}

/// The URLs Merit can load.
pub fn known() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(u, _)| *u)
}
