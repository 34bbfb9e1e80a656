//! The CQL2 text parser: tokens to a typed expression over a collection's properties, with
//! errors that say where and what would be valid.

use std::borrow::Cow;

use super::lex::Tok;
use super::values::{self, Kind, Value};
use super::{Collection, CqlError, Expr, MAX_DEPTH, Operand, lenient_instant};

pub(super) struct Parser {
    pub(super) tokens: Vec<(usize, Tok)>,
    pub(super) next: usize,
    pub(super) collection: Collection,
    pub(super) depth: usize,
    /// The position just past the filter, for errors at its end.
    pub(super) end: usize,
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

    pub(super) fn peek_at(&self) -> Option<(usize, &Tok)> {
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

    pub(super) fn or(&mut self) -> Result<Expr, CqlError> {
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
