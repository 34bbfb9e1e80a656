//! The tokens of CQL2 text: words, quoted names and text, numbers, brackets and comparison
//! operators, each with its character position (from 1).

use super::CqlError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A bare word: a keyword, a function or a property name.
    Word(String),
    /// A `"double-quoted"` property name.
    Quoted(String),
    Text(String),
    Number(f64),
    Open,
    Close,
    Comma,
    Op(CmpOp),
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Quoted(w) => format!("\"{w}\""),
            Tok::Text(t) => format!("'{t}'"),
            Tok::Number(n) => format!("{n}"),
            Tok::Open => "`(`".into(),
            Tok::Close => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Op(op) => format!("`{}`", op_text(*op)),
        }
    }

    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
    }
}

pub fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

pub fn lex(text: &str) -> Result<Vec<(usize, Tok)>, CqlError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, message: String| CqlError {
        at: at + 1,
        message,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Tok::Open,
            ')' => Tok::Close,
            ',' => Tok::Comma,
            '=' => Tok::Op(CmpOp::Eq),
            '<' | '>' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, width) = match (c, next) {
                    ('<', Some('=')) => (CmpOp::Le, 2),
                    ('<', Some('>')) => (CmpOp::Ne, 2),
                    ('<', _) => (CmpOp::Lt, 1),
                    ('>', Some('=')) => (CmpOp::Ge, 2),
                    ('>', _) => (CmpOp::Gt, 1),
                    ('!', Some('=')) => (CmpOp::Ne, 2),
                    _ => return Err(err(i, "`!` must be followed by `=` (or write <>)".into())),
                };
                i += width;
                out.push((start + 1, Tok::Op(op)));
                continue;
            }
            '\'' | '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            let what = if c == '\'' { "text" } else { "property name" };
                            return Err(err(
                                start,
                                format!("this {what} is never closed with {c}"),
                            ));
                        }
                        Some(&q) if q == c => {
                            if chars.get(i + 1) == Some(&c) {
                                value.push(c);
                                i += 2;
                            } else {
                                break;
                            }
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push((
                    start + 1,
                    if c == '\'' {
                        Tok::Text(value)
                    } else {
                        Tok::Quoted(value)
                    },
                ));
                continue;
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+' || c == '.')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut end = i + 1;
                while end < chars.len()
                    && (chars[end].is_ascii_digit()
                        || chars[end] == '.'
                        || chars[end] == 'e'
                        || chars[end] == 'E'
                        || ((chars[end] == '-' || chars[end] == '+')
                            && matches!(chars[end - 1], 'e' | 'E')))
                {
                    end += 1;
                }
                let literal: String = chars[i..end].iter().collect();
                let n = literal
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| err(i, format!("'{literal}' is not a number")))?;
                i = end;
                out.push((start + 1, Tok::Number(n)));
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = i + 1;
                while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                    end += 1;
                }
                let word: String = chars[i..end].iter().collect();
                i = end;
                out.push((start + 1, Tok::Word(word)));
                continue;
            }
            other => return Err(err(i, format!("unexpected character '{other}'"))),
        };
        i += 1;
        out.push((start + 1, tok));
    }
    Ok(out)
}
