#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod dataset;
pub mod domain;
pub mod storage;
pub mod error;
pub mod http;
pub mod cli;
pub mod config;
pub mod server;
