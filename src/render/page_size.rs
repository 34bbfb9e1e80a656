//! How big a report page is: pixels, or a paper size at a resolution.

use std::str::FromStr;

use super::{DEFAULT_DPI, DEFAULT_HEIGHT, DEFAULT_WIDTH, RenderError, SCREEN_DPI};

/// Paper sizes for printing, in millimetres (portrait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
    Letter,
}

impl Paper {
    pub const VALID: &'static str = "a4, a3 or letter";

    /// Width and height, mm, portrait.
    #[must_use]
    pub fn mm(self) -> (f64, f64) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::A3 => (297.0, 420.0),
            Self::Letter => (215.9, 279.4),
        }
    }
}

impl FromStr for Paper {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Self::A4),
            "a3" => Ok(Self::A3),
            "letter" => Ok(Self::Letter),
            other => Err(format!(
                "'{other}' is not a paper size: expected {}",
                Self::VALID
            )),
        }
    }
}

/// Which way up a paper page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    Portrait,
    #[default]
    Landscape,
}

impl FromStr for Orientation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "portrait" => Ok(Self::Portrait),
            "landscape" => Ok(Self::Landscape),
            other => Err(format!(
                "'{other}' is not an orientation: expected portrait or landscape"
            )),
        }
    }
}

/// How big the page is: pixels (at [`SCREEN_DPI`]), or a paper size at a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    Pixels {
        width: u32,
        height: u32,
    },
    Paper {
        paper: Paper,
        orientation: Orientation,
        dpi: u32,
    },
}

impl Default for PageSize {
    fn default() -> Self {
        Self::Pixels {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
        }
    }
}

impl PageSize {
    /// The page size the options ask for: a paper size (with an optional orientation and dpi)
    /// or pixels (each defaulting to 1600 × 1200), not both.
    ///
    /// # Errors
    /// Pixels together with a paper size, or an orientation or dpi without one.
    pub fn from_options(
        width: Option<u32>,
        height: Option<u32>,
        paper: Option<Paper>,
        orientation: Option<Orientation>,
        dpi: Option<u32>,
    ) -> Result<Self, RenderError> {
        match paper {
            Some(paper) if width.is_none() && height.is_none() => Ok(Self::Paper {
                paper,
                orientation: orientation.unwrap_or_default(),
                dpi: dpi.unwrap_or(DEFAULT_DPI),
            }),
            Some(_) => Err(RenderError::invalid(
                "paper",
                "give either a paper size (paper, with orientation and dpi) or a size in pixels (width, height), not both",
            )),
            None if orientation.is_some() || dpi.is_some() => Err(RenderError::invalid(
                if dpi.is_some() { "dpi" } else { "orientation" },
                format!(
                    "orientation and dpi go with a paper size: add paper ({})",
                    Paper::VALID
                ),
            )),
            None => Ok(Self::Pixels {
                width: width.unwrap_or(DEFAULT_WIDTH),
                height: height.unwrap_or(DEFAULT_HEIGHT),
            }),
        }
    }

    /// Width and height in px, and the resolution they are at.
    #[must_use]
    pub fn pixels(self) -> (u32, u32, u32) {
        match self {
            Self::Pixels { width, height } => (width, height, SCREEN_DPI),
            Self::Paper {
                paper,
                orientation,
                dpi,
            } => {
                let (w, h) = paper.mm();
                let (w, h) = match orientation {
                    Orientation::Portrait => (w, h),
                    Orientation::Landscape => (h, w),
                };
                let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
                (px(w), px(h), dpi)
            }
        }
    }
}
