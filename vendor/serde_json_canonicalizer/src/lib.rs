#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod jcs;
mod util;

#[doc(inline)]
pub use crate::util::*;
