//! How [`ValueRef`] parameters and column values cross PostgreSQL's binary protocol. Merit's
//! PostgreSQL schema keeps SQLite's storage classes (`BIGINT` for integers and booleans,
//! `DOUBLE PRECISION`, `TEXT`, `BYTEA`); expressions may still yield other types (`boolean`
//! from a comparison, `numeric` from `SUM`), which are read as the SQLite value they stand for.

use std::error::Error;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::value::{Value, ValueRef};

type BoxError = Box<dyn Error + Sync + Send>;

/// The type a parameter is prepared with, so that `?1 IS NULL` and `?1 || '%'` need no cast;
/// `None` lets the server infer it (a NULL).
pub fn param_type(v: &ValueRef<'_>) -> Option<Type> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(_) => Some(Type::INT8),
        ValueRef::Real(_) => Some(Type::FLOAT8),
        ValueRef::Text(_) => Some(Type::TEXT),
        ValueRef::Blob(_) => Some(Type::BYTEA),
    }
}

impl ToSql for ValueRef<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match (*self, ty) {
            (ValueRef::Null, _) => Ok(IsNull::Yes),
            (ValueRef::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::INT4) => i32::try_from(i)?.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::INT2) => i16::try_from(i)?.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::BOOL) => (i != 0).to_sql(ty, out),
            (ValueRef::Integer(i), &Type::FLOAT8) => (i as f64).to_sql(ty, out),
            (ValueRef::Integer(i), t) if <&str as ToSql>::accepts(t) => {
                i.to_string().as_str().to_sql(ty, out)
            }
            (ValueRef::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (ValueRef::Real(f), &Type::FLOAT4) => (f as f32).to_sql(ty, out),
            (ValueRef::Text(s), t) if <&str as ToSql>::accepts(t) => s.to_sql(ty, out),
            (ValueRef::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            (v, t) => Err(format!("cannot store {v:?} as PostgreSQL type {t}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column's value as read from PostgreSQL.
pub struct PgValue(pub Value);

impl<'a> FromSql<'a> for PgValue {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let v = match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            ref t if <&str as FromSql>::accepts(t) => {
                Value::Text(<&str>::from_sql(ty, raw)?.into())
            }
            ref t => return Err(format!("Merit does not read PostgreSQL type {t}").into()),
        };
        Ok(PgValue(v))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(PgValue(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A `numeric` in binary form (what `SUM` and `AVG` of integers give): an integer when it has
/// no fraction, else a real. The form is the digit count, the weight of the first base-10,000
/// digit, the sign, the display scale, then the digits.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        raw.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a truncated numeric".into())
    };
    let ndigits = word(0)? as usize;
    let weight = word(2)? as i16 as i32;
    let sign = word(4)?;
    let scale = word(6)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let negative = sign == 0x4000;
    let mut digits = Vec::with_capacity(ndigits);
    for k in 0..ndigits {
        digits.push(word(8 + 2 * k)?);
    }
    let whole = scale == 0 && weight >= ndigits as i32 - 1;
    if whole && weight < 5 {
        let mut n: i128 = 0;
        for k in 0..=weight {
            n = n * 10_000 + i128::from(*digits.get(k as usize).unwrap_or(&0));
        }
        let n = if negative { -n } else { n };
        if let Ok(i) = i64::try_from(n) {
            return Ok(Value::Integer(i));
        }
    }
    let mut f = 0f64;
    for (k, d) in digits.iter().enumerate() {
        f += f64::from(*d) * 10_000f64.powi(weight - k as i32);
    }
    Ok(Value::Real(if negative { -f } else { f }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(ndigits: u16, weight: i16, sign: u16, scale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for w in [ndigits, weight as u16, sign, scale] {
            v.extend_from_slice(&w.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn numerics_read_as_integers_or_reals() {
        assert_eq!(
            numeric(&encode(0, 0, 0, 0, &[])).unwrap(),
            Value::Integer(0)
        );
        // 1234_5678 = 1234 * 10^4 + 5678
        assert_eq!(
            numeric(&encode(2, 1, 0, 0, &[1234, 5678])).unwrap(),
            Value::Integer(12_345_678)
        );
        // 20000: one digit (2) of weight 1, trailing zero digits left out
        assert_eq!(
            numeric(&encode(1, 1, 0, 0, &[2])).unwrap(),
            Value::Integer(20_000)
        );
        assert_eq!(
            numeric(&encode(1, 0, 0x4000, 0, &[7])).unwrap(),
            Value::Integer(-7)
        );
        // 2.5
        assert_eq!(
            numeric(&encode(2, 0, 0, 1, &[2, 5000])).unwrap(),
            Value::Real(2.5)
        );
        assert!(numeric(&[0, 1]).is_err());
    }
}
