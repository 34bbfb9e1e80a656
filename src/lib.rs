#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod export;
pub mod files;
pub mod http;
pub mod render;
pub mod server;
pub mod storage;
pub mod tiles;
