use std::{
    fmt::Display,
    io::{self},
};

use serde::{ser::Serializer as SerSerializer, Serialize};
use serde_json::{
    error::Result,
    ser::{CharEscape, Formatter, Serializer},
};

/// One property of an open object: where its key and value are in the formatter's buffer.
///
/// Merit patch: properties used to be copied into a key buffer, a value buffer and a
/// `BTreeSet` per object, and every nested object was copied again into its parent's buffer.
/// Now everything is written once into one buffer, and an object is only rewritten when its
/// properties did not arrive in canonical order (serde_json's `Value` map is already sorted
/// by code point, which is the canonical order unless a key has characters outside the BMP).
#[derive(Clone, Copy)]
struct Property {
    /// Offset of the key's opening quote.
    key_start: usize,
    /// Offset just past the key's closing quote (the `:` follows).
    key_end: usize,
    /// Offset just past the value.
    value_end: usize,
}

/// An object being written: the offset of its `{` and its properties so far.
#[derive(Default)]
struct OpenObject {
    start: usize,
    properties: Vec<Property>,
}

/// The text a key sorts by: its characters with escape sequences undone.
fn key_text(key: &[u8]) -> io::Result<std::borrow::Cow<'_, str>> {
    let inner = key
        .get(1..key.len().saturating_sub(1))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed object key"))?;
    if !inner.contains(&b'\\') {
        return std::str::from_utf8(inner)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "Invalid UTF8 sequence"));
    }
    // Go through deserialization again to process escape sequences in the key
    // "\\a" should be processed as '\a' for sorting
    let value = serde_json::from_slice::<serde_json::Value>(key)?;
    value
        .as_str()
        .map(|s| std::borrow::Cow::Owned(s.to_string()))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "Invalid UTF8 sequence"))
}

/// Orders two keys as RFC 8785 says: by their UTF-16 code units.
fn compare_keys(a: &[u8], b: &[u8]) -> io::Result<std::cmp::Ordering> {
    // The common case, without decoding: no escapes and no characters outside the BMP (lead
    // byte 0xF0 or above), so UTF-8 byte order is UTF-16 order. The quotes are left out.
    let plain = |k: &[u8]| k.len() >= 2 && !k.iter().any(|&c| c == b'\\' || c >= 0xF0);
    if plain(a) && plain(b) {
        return Ok(a[1..a.len() - 1].cmp(&b[1..b.len() - 1]));
    }
    let (a, b) = (key_text(a)?, key_text(b)?);
    // UTF-8 byte order is code point order, which is UTF-16 order unless a character outside
    // the BMP (a 4-byte sequence, lead byte 0xF0 or above) is involved.
    let astral = |s: &str| s.bytes().any(|c| c >= 0xF0);
    if !astral(&a) && !astral(&b) {
        return Ok(a.as_bytes().cmp(b.as_bytes()));
    }
    Ok(a.encode_utf16().cmp(b.encode_utf16()))
}

fn duplicate_key() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "duplicate object key")
}

/// The formatter that's used by the [JcsSerializer].
///
/// This formatter is not fully RFC 8785 compliant in its own right, because the [JcsSerializer] is
/// instead responsible for handling floating point NaN and infinity.
#[derive(Default)]
pub(crate) struct JcsFormatter {
    /// Everything written since the outermost open object began.
    buffer: Vec<u8>,
    /// The open objects, innermost last; `depth` of them are in use (the rest keep their
    /// allocations for the next object).
    objects: Vec<OpenObject>,
    depth: usize,
    /// Where an object is rebuilt when its properties must be reordered.
    scratch: Vec<u8>,
}

impl JcsFormatter {
    /// Writes to the buffer while an object is open, else straight to `writer`.
    #[inline]
    fn write_out<W>(&mut self, writer: &mut W, bytes: &[u8]) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if self.depth > 0 {
            self.buffer.extend_from_slice(bytes);
            Ok(())
        } else {
            writer.write_all(bytes)
        }
    }

    fn innermost(&mut self) -> io::Result<&mut OpenObject> {
        match self.depth.checked_sub(1) {
            Some(i) => Ok(&mut self.objects[i]),
            None => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "object key or value outside an object",
            )),
        }
    }

    /// Puts the properties of the innermost object, written from `start`, in canonical order.
    fn sort_object(&mut self, depth: usize) -> io::Result<()> {
        let buffer = &self.buffer;
        let object = &mut self.objects[depth];
        let key = |p: &Property| &buffer[p.key_start..p.key_end];
        let mut in_order = true;
        for pair in object.properties.windows(2) {
            match compare_keys(key(&pair[0]), key(&pair[1]))? {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Err(duplicate_key()),
                std::cmp::Ordering::Greater => {
                    in_order = false;
                    break;
                }
            }
        }
        if in_order {
            return Ok(());
        }
        let mut failed = None;
        object.properties.sort_by(|a, b| {
            compare_keys(key(a), key(b)).unwrap_or_else(|e| {
                failed = Some(e);
                std::cmp::Ordering::Equal
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        for pair in object.properties.windows(2) {
            if compare_keys(key(&pair[0]), key(&pair[1]))? == std::cmp::Ordering::Equal {
                return Err(duplicate_key());
            }
        }
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.push(b'{');
        for (i, p) in object.properties.iter().enumerate() {
            if i > 0 {
                scratch.push(b',');
            }
            scratch.extend_from_slice(&buffer[p.key_start..p.value_end]);
        }
        let start = object.start;
        self.buffer.truncate(start);
        self.buffer.extend_from_slice(&self.scratch);
        Ok(())
    }
}

impl Formatter for JcsFormatter {
    /// Writes a `null` value to the specified writer.
    fn write_null<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, b"null")
    }

    /// Writes a `true` or `false` value to the specified writer.
    fn write_bool<W>(&mut self, writer: &mut W, value: bool) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let s = if value {
            b"true" as &[u8]
        } else {
            b"false" as &[u8]
        };
        self.write_out(writer, s)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_i8<W>(&mut self, writer: &mut W, value: i8) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_i16<W>(&mut self, writer: &mut W, value: i16) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_i32<W>(&mut self, writer: &mut W, value: i32) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_i64<W>(&mut self, writer: &mut W, value: i64) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_i128<W>(&mut self, writer: &mut W, value: i128) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_u8<W>(&mut self, writer: &mut W, value: u8) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_u16<W>(&mut self, writer: &mut W, value: u16) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_u32<W>(&mut self, writer: &mut W, value: u32) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_u64<W>(&mut self, writer: &mut W, value: u64) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_u128<W>(&mut self, writer: &mut W, value: u128) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Javascript (and as a consequence JSON) only supports a single numeric
    /// type which is the double. Format all numbers according to this.
    fn write_f32<W>(&mut self, writer: &mut W, value: f32) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_f64(writer, value as f64)
    }

    /// Writes a floating point value like `-31.26e+12` to the specified writer.
    /// JCS (and JSON in general) does not permit NaN or (-)Infinity
    fn write_f64<W>(&mut self, writer: &mut W, value: f64) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if value.is_finite() {
            let mut buffer = ryu_js::Buffer::new();
            let s = buffer.format_finite(value);
            self.write_out(writer, s.as_bytes())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "NaN and +/-Infinity are not permitted in JSON",
            ))
        }
    }

    /// Writes a number that has already been rendered to a string.
    /// To be JCS conformant the string is parsed into a double
    /// and reformatted.
    fn write_number_str<W>(&mut self, writer: &mut W, value: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let number: f64 = value
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "Cannot parse str to f64"))?;
        self.write_f64(writer, number)
    }

    /// Called before each series of `write_string_fragment` and
    /// `write_char_escape`.  Writes a `"` to the specified writer.
    fn begin_string<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, b"\"")
    }

    /// Called after each series of `write_string_fragment` and
    /// `write_char_escape`.  Writes a `"` to the specified writer.
    fn end_string<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, b"\"")
    }

    /// Writes a string fragment that doesn't need any escaping to the
    /// specified writer.
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, fragment.as_bytes())
    }

    /// Writes a character escape code to the specified writer.
    fn write_char_escape<W>(&mut self, writer: &mut W, char_escape: CharEscape) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        use self::CharEscape::*;

        let s = match char_escape {
            Quote => b"\\\"",
            ReverseSolidus => b"\\\\",
            Solidus => {
                // This is according to the javascript reference implementation (https://www.npmjs.com/package/canonicalize) where
                // an escaped solidus is turned into a non escaped one, in javascript "\/" === "/".
                // RFC 8785 in Section 3.2.2.2 does not list a solidus as a special escape character.
                // Because of the return type of the match block we need to return here early
                return self.write_out(writer, b"/");
            }
            Backspace => b"\\b",
            FormFeed => b"\\f",
            LineFeed => b"\\n",
            CarriageReturn => b"\\r",
            Tab => b"\\t",
            AsciiControl(byte) => {
                static HEX_DIGITS: [u8; 16] = *b"0123456789abcdef";
                let bytes = &[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX_DIGITS[(byte >> 4) as usize],
                    HEX_DIGITS[(byte & 0xF) as usize],
                ];

                return self.write_out(writer, bytes);
            }
        };

        self.write_out(writer, s)
    }

    /// Called before every array.  Writes a `[` to the specified
    /// writer.
    #[inline]
    fn begin_array<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, b"[")
    }

    /// Called after every array.  Writes a `]` to the specified
    /// writer.
    #[inline]
    fn end_array<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.write_out(writer, b"]")
    }

    /// Called before every array value.  Writes a `,` if needed to
    /// the specified writer.
    #[inline]
    fn begin_array_value<W>(&mut self, writer: &mut W, first: bool) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if first {
            Ok(())
        } else {
            self.write_out(writer, b",")
        }
    }

    /// Called after every array value.
    #[inline]
    fn end_array_value<W>(&mut self, _writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        Ok(())
    }

    /// Opens an object: its `{` goes into the buffer.
    #[inline]
    fn begin_object<W>(&mut self, _writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if self.depth == self.objects.len() {
            self.objects.push(OpenObject::default());
        }
        let object = &mut self.objects[self.depth];
        object.start = self.buffer.len();
        object.properties.clear();
        self.depth += 1;
        self.buffer.push(b'{');
        Ok(())
    }

    /// Closes an object, putting its properties in canonical order; the outermost object
    /// then goes to `writer`.
    #[inline]
    fn end_object<W>(&mut self, writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let depth = self.depth.checked_sub(1).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "end_object called before start_object",
            )
        })?;
        self.sort_object(depth)?;
        self.buffer.push(b'}');
        self.depth = depth;
        if depth == 0 {
            writer.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Notes where the key starts (after the `,` separating it from the previous property).
    #[inline]
    fn begin_object_key<W>(&mut self, _writer: &mut W, first: bool) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if !first {
            self.buffer.push(b',');
        }
        let at = self.buffer.len();
        self.innermost()?.properties.push(Property {
            key_start: at,
            key_end: at,
            value_end: at,
        });
        Ok(())
    }

    /// Notes where the key ends.
    #[inline]
    fn end_object_key<W>(&mut self, _writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let at = self.buffer.len();
        let property = self.innermost()?.properties.last_mut().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "end_object_key called before begin_object_key",
            )
        })?;
        property.key_end = at;
        Ok(())
    }

    /// Writes the `:` between key and value.
    #[inline]
    fn begin_object_value<W>(&mut self, _writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        self.buffer.push(b':');
        Ok(())
    }

    /// Notes where the value ends.
    #[inline]
    fn end_object_value<W>(&mut self, _writer: &mut W) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let at = self.buffer.len();
        let property = self.innermost()?.properties.last_mut().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "end_object_value called before begin_object_value",
            )
        })?;
        property.value_end = at;
        Ok(())
    }

    /// Raw fragments are not supported because it cannot be verified that they conform to JCS without modifying them
    #[inline]
    fn write_raw_fragment<W>(&mut self, _writer: &mut W, _fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "Raw values are not supported for JCS serialization",
        ))
    }
}

/// An RFC 8785 compatible JSON Canonicalization Scheme (JCS) serializer for [serde_json].
pub(crate) struct JcsSerializer<W: io::Write> {
    serializer: Serializer<W, JcsFormatter>,
}

impl<W: io::Write> JcsSerializer<W> {
    /// Creates a new JSON serializer.
    #[inline]
    pub fn new(writer: W) -> Self {
        Self {
            serializer: Serializer::with_formatter(writer, JcsFormatter::default()),
        }
    }

    /// Consumes this serializer returning the underlying writer.
    #[inline]
    #[allow(dead_code)]
    pub fn into_inner(self) -> W {
        self.serializer.into_inner()
    }
}

impl<'a, W: io::Write> SerSerializer for &'a mut JcsSerializer<W> {
    type Ok = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::Ok;
    type Error = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::Error;

    type SerializeSeq = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeSeq;
    type SerializeTuple = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeTuple;
    type SerializeTupleStruct =
        <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeTupleStruct;
    type SerializeTupleVariant =
        <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeTupleVariant;
    type SerializeMap = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeMap;
    type SerializeStruct = <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeStruct;
    type SerializeStructVariant =
        <&'a mut Serializer<W, JcsFormatter> as SerSerializer>::SerializeStructVariant;

    #[inline]
    fn serialize_bool(self, value: bool) -> Result<()> {
        self.serializer.serialize_bool(value)
    }

    #[inline]
    fn serialize_i8(self, value: i8) -> Result<()> {
        self.serializer.serialize_i8(value)
    }

    #[inline]
    fn serialize_i16(self, value: i16) -> Result<()> {
        self.serializer.serialize_i16(value)
    }

    #[inline]
    fn serialize_i32(self, value: i32) -> Result<()> {
        self.serializer.serialize_i32(value)
    }

    #[inline]
    fn serialize_i64(self, value: i64) -> Result<()> {
        self.serializer.serialize_i64(value)
    }

    fn serialize_i128(self, value: i128) -> Result<()> {
        self.serializer.serialize_i128(value)
    }

    #[inline]
    fn serialize_u8(self, value: u8) -> Result<()> {
        self.serializer.serialize_u8(value)
    }

    #[inline]
    fn serialize_u16(self, value: u16) -> Result<()> {
        self.serializer.serialize_u16(value)
    }

    #[inline]
    fn serialize_u32(self, value: u32) -> Result<()> {
        self.serializer.serialize_u32(value)
    }

    #[inline]
    fn serialize_u64(self, value: u64) -> Result<()> {
        self.serializer.serialize_u64(value)
    }

    fn serialize_u128(self, value: u128) -> Result<()> {
        self.serializer.serialize_u128(value)
    }

    #[inline]
    fn serialize_f32(self, value: f32) -> Result<()> {
        if value.is_finite() {
            self.serializer.serialize_f32(value)
        } else {
            Err(Self::Error::io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "NaN and +/-Infinity are not permitted in JSON",
            )))
        }
    }

    #[inline]
    fn serialize_f64(self, value: f64) -> Result<()> {
        if value.is_finite() {
            self.serializer.serialize_f64(value)
        } else {
            Err(Self::Error::io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "NaN and +/-Infinity are not permitted in JSON",
            )))
        }
    }

    #[inline]
    fn serialize_char(self, value: char) -> Result<()> {
        self.serializer.serialize_char(value)
    }

    #[inline]
    fn serialize_str(self, value: &str) -> Result<()> {
        self.serializer.serialize_str(value)
    }

    #[inline]
    fn serialize_bytes(self, value: &[u8]) -> Result<()> {
        self.serializer.serialize_bytes(value)
    }

    #[inline]
    fn serialize_unit(self) -> Result<()> {
        self.serializer.serialize_unit()
    }

    #[inline]
    fn serialize_unit_struct(self, name: &'static str) -> Result<()> {
        self.serializer.serialize_unit_struct(name)
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.serializer
            .serialize_unit_variant(name, variant_index, variant)
    }

    /// Serialize newtypes without an object wrapper.
    #[inline]
    fn serialize_newtype_struct<T>(self, name: &'static str, value: &T) -> Result<()>
    where
        T: ?Sized + Serialize,
    {
        self.serializer.serialize_newtype_struct(name, value)
    }

    #[inline]
    fn serialize_newtype_variant<T>(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()>
    where
        T: ?Sized + Serialize,
    {
        self.serializer
            .serialize_newtype_variant(name, variant_index, variant, value)
    }

    #[inline]
    fn serialize_none(self) -> Result<()> {
        self.serializer.serialize_none()
    }

    #[inline]
    fn serialize_some<T>(self, value: &T) -> Result<()>
    where
        T: ?Sized + Serialize,
    {
        self.serializer.serialize_some(value)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.serializer.serialize_seq(len)
    }

    #[inline]
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        self.serializer.serialize_tuple(len)
    }

    #[inline]
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        self.serializer.serialize_tuple_struct(name, len)
    }

    #[inline]
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        self.serializer
            .serialize_tuple_variant(name, variant_index, variant, len)
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.serializer.serialize_map(len)
    }

    #[inline]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        self.serializer.serialize_struct(name, len)
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        self.serializer
            .serialize_struct_variant(name, variant_index, variant, len)
    }

    fn collect_str<T>(self, value: &T) -> Result<()>
    where
        T: ?Sized + Display,
    {
        self.serializer.collect_str(value)
    }
}
