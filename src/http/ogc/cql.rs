//! CQL2 text filters (OGC API – Features Part 3): Basic CQL2 (comparisons, `AND`/`OR`/`NOT`,
//! `IS [NOT] NULL`) plus `LIKE`/`ILIKE`, `BETWEEN`, `IN` and `CASEI`, over a collection's
//! properties (see [`super::values`]).
//!
//! Properties that hold date-times compare as instants: `valid_from <= '2017-01-24T00:00:00Z'`,
//! `valid_to > TIMESTAMP('2017-01-24T00:00:00Z')` and `valid_from >= DATE('2017-01-24')` all
//! work, as does what GDAL's OAPIF driver sends (`'2017-06-03T'` for a date). Logic is
//! three-valued: a comparison with a null is unknown, and only features for which the whole
//! filter is true match, so `valid_to > X` never matches a state that still holds — write
//! `(valid_to IS NULL OR valid_to > X)`.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::Collection;
use super::values::{self, Value};
use crate::domain::index::Index;
use crate::domain::time::Instant;

mod lex;
mod parse;

use lex::{CmpOp, lex};
use parse::Parser;

/// The longest filter accepted, characters.
pub const MAX_LENGTH: usize = 8192;
/// The deepest nesting of parentheses and `NOT`s accepted.
const MAX_DEPTH: usize = 64;

/// A parse or type error, with the character position it was found at (from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {at}: {message}")]
pub struct CqlError {
    pub at: usize,
    pub message: String,
}

/// A parsed filter, bound to one collection's properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    collection: Collection,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Property(usize),
    Literal(Value<'static>),
    /// `CASEI(x)`: text compared without regard to case.
    Casei(Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Bool(bool),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare(Operand, CmpOp, Operand),
    Like {
        operand: Operand,
        pattern: Vec<char>,
        caseless: bool,
    },
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    IsNull(Operand),
}

impl Filter {
    /// Parses `text` as CQL2 text over the properties of `collection`.
    ///
    /// # Errors
    /// A [`CqlError`] saying where the filter stopped making sense and what would be valid
    /// there: an unknown property (with the list of queryables), a literal of the wrong type,
    /// a misplaced keyword.
    pub fn parse(text: &str, collection: Collection) -> Result<Self, CqlError> {
        if text.chars().count() > MAX_LENGTH {
            return Err(CqlError {
                at: MAX_LENGTH,
                message: format!("a filter is at most {MAX_LENGTH} characters long"),
            });
        }
        let tokens = lex(text)?;
        let mut parser = Parser {
            tokens,
            next: 0,
            collection,
            depth: 0,
            end: text.chars().count() + 1,
        };
        let expr = parser.or()?;
        if let Some((at, tok)) = parser.peek_at() {
            return Err(CqlError {
                at,
                message: format!(
                    "unexpected {}: expected AND, OR or the end of the filter",
                    tok.describe()
                ),
            });
        }
        Ok(Self { collection, expr })
    }

    /// Whether the feature at `position` matches: the filter is true for it (not false, not
    /// unknown).
    #[must_use]
    pub fn matches(&self, index: &Index, position: usize) -> bool {
        eval(&self.expr, &|p| {
            values::value(index, self.collection, position, p)
        }) == Some(true)
    }
}

#[cfg(test)]
impl Filter {
    /// Evaluates over any values, by property position.
    fn eval_with<'a>(&self, get: &dyn Fn(usize) -> Value<'a>) -> Option<bool> {
        eval(&self.expr, get)
    }
}

fn eval<'a>(expr: &Expr, get: &dyn Fn(usize) -> Value<'a>) -> Option<bool> {
    match expr {
        Expr::Bool(b) => Some(*b),
        Expr::And(a, b) => match (eval(a, get), eval(b, get)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Expr::Or(a, b) => match (eval(a, get), eval(b, get)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Expr::Not(e) => eval(e, get).map(|b| !b),
        Expr::Compare(a, op, b) => {
            let ord = resolve(a, get).compare(&resolve(b, get))?;
            Some(match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Ne => ord != Ordering::Equal,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
            })
        }
        Expr::Like {
            operand,
            pattern,
            caseless,
        } => match resolve(operand, get) {
            Value::Text(t) => Some(like(&t, pattern, *caseless)),
            _ => None,
        },
        Expr::Between(x, lo, hi) => {
            let v = resolve(x, get);
            let above = v.compare(&resolve(lo, get))? != Ordering::Less;
            let below = v.compare(&resolve(hi, get))? != Ordering::Greater;
            Some(above && below)
        }
        Expr::In(x, list) => {
            let v = resolve(x, get);
            if v == Value::Null {
                return None;
            }
            Some(
                list.iter()
                    .any(|o| v.compare(&resolve(o, get)) == Some(Ordering::Equal)),
            )
        }
        Expr::IsNull(x) => Some(resolve(x, get) == Value::Null),
    }
}

fn resolve<'a>(operand: &Operand, get: &dyn Fn(usize) -> Value<'a>) -> Value<'a> {
    match operand {
        Operand::Property(p) => get(*p),
        Operand::Literal(v) => v.clone(),
        Operand::Casei(inner) => match resolve(inner, get) {
            Value::Text(t) => Value::Text(Cow::Owned(t.to_lowercase())),
            other => other,
        },
    }
}

/// `%` matches any run of characters, `_` any one, `\` makes the next one literal.
///
/// # Runtime
/// O(text × pattern) at worst (greedy matching with one backtrack point).
fn like(text: &str, pattern: &[char], caseless: bool) -> bool {
    let fold = |c: char| {
        if caseless {
            c.to_lowercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    // Pattern items: Some(c) literal, None for `_`; `%` as a separate marker.
    #[derive(Clone, Copy, PartialEq)]
    enum Item {
        Any,
        One,
        Char(char),
    }
    let mut items = Vec::with_capacity(pattern.len());
    let mut i = 0;
    while i < pattern.len() {
        items.push(match pattern[i] {
            '%' => Item::Any,
            '_' => Item::One,
            '\\' if i + 1 < pattern.len() => {
                i += 1;
                Item::Char(fold(pattern[i]))
            }
            c => Item::Char(fold(c)),
        });
        i += 1;
    }
    let text: Vec<char> = text.chars().map(fold).collect();
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match items.get(p) {
            Some(Item::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Item::One) => {
                t += 1;
                p += 1;
            }
            Some(Item::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    items[p..].iter().all(|i| *i == Item::Any)
}

/// An instant from the spellings clients send: RFC 3339, a date, and GDAL's shortened forms
/// (`2017-06-03T`, `2017-06-03T10Z`, `2017-06-03T10:30Z`).
#[must_use]
pub fn lenient_instant(text: &str) -> Option<Instant> {
    let t = text.trim();
    if let Ok(i) = t.parse::<Instant>() {
        return Some(i);
    }
    let t = t.strip_suffix('T').unwrap_or(t);
    if let Ok(i) = t.parse::<Instant>() {
        return Some(i);
    }
    let bare = t.strip_suffix('Z')?;
    let filled = match bare.len() {
        13 => format!("{bare}:00:00Z"),
        16 => format!("{bare}:00Z"),
        _ => return None,
    };
    filled.parse().ok()
}

#[cfg(test)]
mod tests;
