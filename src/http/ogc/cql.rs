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
use super::values::{self, Kind, Value};
use crate::domain::index::Index;
use crate::domain::time::Instant;

mod lex;

use lex::{CmpOp, Tok, lex};

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

struct Parser {
    tokens: Vec<(usize, Tok)>,
    next: usize,
    collection: Collection,
    depth: usize,
    /// The position just past the filter, for errors at its end.
    end: usize,
}

/// Kinds as the parser sees them: a property's, a literal's, or a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Of(Kind),
    /// Text that a date-time property may read as an instant.
    Text,
    Boolean,
    Null,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }

    fn peek_at(&self) -> Option<(usize, &Tok)> {
        self.tokens.get(self.next).map(|(at, t)| (*at, t))
    }

    fn here(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(at, _)| *at)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, CqlError> {
        Err(CqlError {
            at: self.here(),
            message: message.into(),
        })
    }

    fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "the end of the filter".to_owned(), Tok::describe)
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_keyword(keyword)) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), CqlError> {
        if self.peek() == Some(tok) {
            self.next += 1;
            Ok(())
        } else {
            self.error(format!("expected {what}, found {}", self.found()))
        }
    }

    fn or(&mut self) -> Result<Expr, CqlError> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, CqlError> {
        let mut left = self.not()?;
        while self.keyword("AND") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, CqlError>,
    ) -> Result<T, CqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("the filter nests deeper than {MAX_DEPTH} levels"));
        }
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn not(&mut self) -> Result<Expr, CqlError> {
        if self.keyword("NOT") {
            return self.nested(|p| Ok(Expr::Not(Box::new(p.not()?))));
        }
        if self.peek() == Some(&Tok::Open) {
            self.next += 1;
            let inner = self.nested(Self::or)?;
            self.expect(&Tok::Close, "`)` to close the group")?;
            return Ok(inner);
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, CqlError> {
        let start = self.here();
        let (left, left_type) = self.operand()?;
        let negated = self.keyword("NOT");
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            if negated {
                return self
                    .error("NOT goes before a comparison, not inside it: write NOT (a = b)");
            }
            self.next += 1;
            let (right, right_type) = self.operand()?;
            let (left, right) = unify(start, (left, left_type), (right, right_type))?;
            return Ok(Expr::Compare(left, op, right));
        }
        let caseless = self.peek().is_some_and(|t| t.is_keyword("ILIKE"));
        let expr = if self.keyword("LIKE") || self.keyword("ILIKE") {
            if !matches!(left_type, Type::Of(Kind::Text) | Type::Text) {
                return self.error("LIKE compares text: the left side is not text");
            }
            let Some(Tok::Text(pattern)) = self.peek().cloned() else {
                return self.error(format!(
                    "LIKE needs a quoted pattern such as '%Mosul%', found {}",
                    self.found()
                ));
            };
            self.next += 1;
            Expr::Like {
                operand: left,
                pattern: pattern.chars().collect(),
                caseless,
            }
        } else if self.keyword("BETWEEN") {
            let (lo, lo_type) = self.operand()?;
            if !self.keyword("AND") {
                return self.error(format!(
                    "BETWEEN needs `AND` between its bounds, found {}",
                    self.found()
                ));
            }
            let (hi, hi_type) = self.operand()?;
            let (x, lo) = unify(start, (left.clone(), left_type), (lo, lo_type))?;
            let (_, hi) = unify(start, (left, left_type), (hi, hi_type))?;
            Expr::Between(x, lo, hi)
        } else if self.keyword("IN") {
            self.expect(&Tok::Open, "`(` to open the list after IN")?;
            let mut list = Vec::new();
            let mut x;
            loop {
                let item = self.operand()?;
                let (ux, item) = unify(start, (left.clone(), left_type), item)?;
                x = ux;
                list.push(item);
                if self.peek() == Some(&Tok::Comma) {
                    self.next += 1;
                } else {
                    break;
                }
            }
            self.expect(&Tok::Close, "`,` or `)` in the list after IN")?;
            Expr::In(x, list)
        } else if !negated && self.keyword("IS") {
            let not_null = self.keyword("NOT");
            if !self.keyword("NULL") {
                return self.error(format!("expected NULL after IS, found {}", self.found()));
            }
            let e = Expr::IsNull(left);
            return Ok(if not_null { Expr::Not(Box::new(e)) } else { e });
        } else if !negated && left_type == Type::Boolean {
            return Ok(Expr::Bool(
                left == Operand::Literal(Value::Text(Cow::Borrowed("true"))),
            ));
        } else {
            return self.error(format!(
                "expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL), found {}",
                self.found()
            ));
        };
        Ok(if negated {
            Expr::Not(Box::new(expr))
        } else {
            expr
        })
    }

    fn operand(&mut self) -> Result<(Operand, Type), CqlError> {
        let at = self.here();
        let Some(tok) = self.peek().cloned() else {
            return self
                .error("expected a property, a value or a function, found the end of the filter");
        };
        self.next += 1;
        match tok {
            Tok::Text(t) => Ok((Operand::Literal(Value::Text(Cow::Owned(t))), Type::Text)),
            Tok::Number(n) => Ok((Operand::Literal(Value::Number(n)), Type::Of(Kind::Number))),
            Tok::Quoted(name) => self.property(at, &name),
            Tok::Word(w) => {
                let upper = w.to_ascii_uppercase();
                match upper.as_str() {
                    "TRUE" | "FALSE" => Ok((
                        Operand::Literal(Value::Text(Cow::Owned(upper.to_lowercase()))),
                        Type::Boolean,
                    )),
                    "NULL" => Ok((Operand::Literal(Value::Null), Type::Null)),
                    "TIMESTAMP" | "DATE" => {
                        self.expect(&Tok::Open, &format!("`(` after {upper}"))?;
                        let Some(Tok::Text(t)) = self.peek().cloned() else {
                            return self.error(format!(
                                "{upper} needs a quoted date-time, found {}",
                                self.found()
                            ));
                        };
                        let t_at = self.here();
                        self.next += 1;
                        self.expect(&Tok::Close, &format!("`)` to close {upper}"))?;
                        let instant = lenient_instant(&t).ok_or_else(|| CqlError {
                            at: t_at,
                            message: format!(
                                "'{t}' is not a date-time: expected e.g. '2017-01-24T00:00:00Z' or '2017-01-24'"
                            ),
                        })?;
                        Ok((
                            Operand::Literal(Value::Instant(instant)),
                            Type::Of(Kind::Instant),
                        ))
                    }
                    "CASEI" => {
                        self.expect(&Tok::Open, "`(` after CASEI")?;
                        let (inner, kind) = self.operand()?;
                        self.expect(&Tok::Close, "`)` to close CASEI")?;
                        if !matches!(kind, Type::Of(Kind::Text) | Type::Text) {
                            return Err(CqlError {
                                at,
                                message: "CASEI takes text".into(),
                            });
                        }
                        Ok((Operand::Casei(Box::new(inner)), kind))
                    }
                    _ if self.peek() == Some(&Tok::Open) => Err(CqlError {
                        at,
                        message: format!(
                            "function {w}() is not offered: filters may use TIMESTAMP(), DATE() and CASEI(); \
                             filter by place with the bbox parameter"
                        ),
                    }),
                    _ if is_reserved(&upper) => Err(CqlError {
                        at,
                        message: format!("expected a property, a value or a function, found `{w}`"),
                    }),
                    _ => self.property(at, &w),
                }
            }
            other => Err(CqlError {
                at,
                message: format!(
                    "expected a property, a value or a function, found {}",
                    other.describe()
                ),
            }),
        }
    }

    fn property(&self, at: usize, name: &str) -> Result<(Operand, Type), CqlError> {
        match values::find(self.collection, name) {
            Some(p) => Ok((
                Operand::Property(p),
                Type::Of(values::properties(self.collection)[p].kind),
            )),
            None => {
                let names: Vec<&str> = values::properties(self.collection)
                    .iter()
                    .map(|p| p.name)
                    .collect();
                Err(CqlError {
                    at,
                    message: format!(
                        "no queryable `{name}` in {}: the queryables are {}",
                        self.collection.id(),
                        names.join(", ")
                    ),
                })
            }
        }
    }
}

fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "AND" | "OR" | "NOT" | "LIKE" | "ILIKE" | "BETWEEN" | "IN" | "IS"
    )
}

/// Checks that two operands can be compared, and reads text as an instant where the other side
/// is a date-time.
fn unify(
    at: usize,
    (a, ta): (Operand, Type),
    (b, tb): (Operand, Type),
) -> Result<(Operand, Operand), CqlError> {
    let as_instant = |o: Operand| -> Result<Operand, CqlError> {
        match o {
            Operand::Literal(Value::Text(t)) => lenient_instant(&t)
                .map(|i| Operand::Literal(Value::Instant(i)))
                .ok_or_else(|| CqlError {
                    at,
                    message: format!(
                        "'{t}' is not a date-time: expected e.g. '2017-01-24T00:00:00Z' or '2017-01-24'"
                    ),
                }),
            other => Ok(other),
        }
    };
    let text = |t: Type| matches!(t, Type::Of(Kind::Text) | Type::Text);
    match (ta, tb) {
        (Type::Null, _) | (_, Type::Null) => Ok((a, b)),
        (Type::Of(Kind::Instant), Type::Text) => Ok((a, as_instant(b)?)),
        (Type::Text, Type::Of(Kind::Instant)) => Ok((as_instant(a)?, b)),
        (x, y) if x == y || (text(x) && text(y)) => Ok((a, b)),
        (x, y) => Err(CqlError {
            at,
            message: format!(
                "cannot compare {} with {}: compare text with 'quoted text', numbers with numbers and \
                 date-times with TIMESTAMP('…') or a quoted date-time",
                describe(x),
                describe(y)
            ),
        }),
    }
}

fn describe(t: Type) -> &'static str {
    match t {
        Type::Of(k) => k.as_str(),
        Type::Text => "text",
        Type::Boolean => "a boolean",
        Type::Null => "null",
    }
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
