//! How far assessors agree: the statistics ([`stats`]) and the report over a workspace's
//! double-marked work ([`report`]).

pub mod report;
pub mod stats;
