//! SHA-256 helpers shared by the artifact store, intake and the audit log.

use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Copies `reader` into `writer` in 64 KiB chunks, returning (SHA-256 hex, bytes copied).
/// Memory stays constant whatever the size of the input.
pub fn copy_hashing(reader: &mut impl Read, writer: &mut impl Write) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((format!("{:x}", hasher.finalize()), total))
}
