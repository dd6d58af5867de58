// json_rs: a short real-program workload in Rust (issue 15: tiered mode on
// 50-300 ms programs). Generates a JSON document of N records (strings with
// escapes, numbers, nested objects and arrays), parses it into a tree,
// walks the tree, serialises it again and parses the output back, ROUNDS
// times. Exercises what parsers and serialisers do: byte dispatch, String and
// Vec growth, allocation, enum matching, float formatting and parsing.
//
// Build: rustc --target wasm32-wasi -O json_rs.rs   (and natively: rustc -O json_rs.rs)
// Run:   brisk run json_rs.wasm [N [ROUNDS]]
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 12] = [
    "alpha", "beta", "gamma", "delta", "quote\"d", "back\\slash", "tab\there", "line\nbreak",
    "caf\u{e9}", "\u{263a}smile", "x", "omega",
];

fn gen_string(rng: &mut Rng) -> String {
    let mut s = String::new();
    for i in 0..1 + rng.below(4) {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    s
}

fn gen_record(rng: &mut Rng, id: u64) -> Value {
    let tags = (0..rng.below(5)).map(|_| Value::Str(gen_string(rng))).collect();
    let point = Value::Obj(vec![
        ("x".to_string(), Value::Num((rng.below(20001) as f64 - 10000.0) / 8.0)),
        ("y".to_string(), Value::Num(rng.below(1000) as f64)),
    ]);
    Value::Obj(vec![
        ("id".to_string(), Value::Num(id as f64)),
        ("name".to_string(), Value::Str(gen_string(rng))),
        ("active".to_string(), Value::Bool(rng.below(2) == 0)),
        ("score".to_string(), Value::Num(rng.below(1_000_000) as f64 / 1000.0)),
        ("tags".to_string(), Value::Arr(tags)),
        ("point".to_string(), point),
        ("note".to_string(), if rng.below(3) == 0 { Value::Null } else { Value::Str(gen_string(rng)) }),
    ])
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(n) => {
            let _ = write!(out, "{}", n);
        }
        Value::Str(s) => write_str(out, s),
        Value::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Obj(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\n' | b'\t' | b'\r') {
            self.pos += 1;
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.pos < self.b.len() && self.b[self.pos] == c {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at byte {}", c as char, self.pos))
        }
    }
    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.b.get(self.pos..self.pos + 4).ok_or("short \\u escape")?;
        let text = std::str::from_utf8(digits).map_err(|e| e.to_string())?;
        self.pos += 4;
        u32::from_str_radix(text, 16).map_err(|e| e.to_string())
    }
    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut s = String::new();
        loop {
            let start = self.pos;
            while self.pos < self.b.len() && self.b[self.pos] != b'"' && self.b[self.pos] != b'\\' {
                self.pos += 1;
            }
            s.push_str(std::str::from_utf8(&self.b[start..self.pos]).map_err(|e| e.to_string())?);
            match self.b.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b'\\') => {
                    let esc = *self.b.get(self.pos + 1).ok_or("unterminated escape")?;
                    self.pos += 2;
                    match esc {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'n' => s.push('\n'),
                        b't' => s.push('\t'),
                        b'r' => s.push('\r'),
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xd800..0xdc00).contains(&code) {
                                if self.b.get(self.pos..self.pos + 2) != Some(b"\\u") {
                                    return Err("lone surrogate".to_string());
                                }
                                self.pos += 2;
                                let low = self.hex4()?;
                                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                            }
                            s.push(char::from_u32(code).ok_or("bad code point")?);
                        }
                        _ => return Err(format!("bad escape at byte {}", self.pos)),
                    }
                }
                _ => return Err("unterminated string".to_string()),
            }
        }
    }
    fn number(&mut self) -> Result<f64, String> {
        let start = self.pos;
        while self.pos < self.b.len() && matches!(self.b[self.pos], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.b[start..self.pos]).map_err(|e| e.to_string())?;
        text.parse::<f64>().map_err(|e| format!("{} at byte {}", e, start))
    }
    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        match self.b.get(self.pos) {
            Some(b'n') if self.b[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Ok(Value::Null)
            }
            Some(b't') if self.b[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            Some(b'f') if self.b[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Value::Arr(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::Arr(items));
                        }
                        _ => return Err(format!("expected ',' or ']' at byte {}", self.pos)),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Value::Obj(fields));
                }
                loop {
                    let key = self.string()?;
                    self.expect(b':')?;
                    fields.push((key, self.value()?));
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Value::Obj(fields));
                        }
                        _ => return Err(format!("expected ',' or '}}' at byte {}", self.pos)),
                    }
                }
            }
            Some(_) => Ok(Value::Num(self.number()?)),
            None => Err("unexpected end of input".to_string()),
        }
    }
}

fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser { b: text.as_bytes(), pos: 0 };
    let v = p.value()?;
    p.ws();
    if p.pos != p.b.len() {
        return Err(format!("trailing data at byte {}", p.pos));
    }
    Ok(v)
}

// Folds the tree into a number that depends on every value and the order.
fn digest(v: &Value, h: &mut u64) {
    let mix = |h: &mut u64, x: u64| *h = (*h ^ x).wrapping_mul(0x100000001b3);
    match v {
        Value::Null => mix(h, 1),
        Value::Bool(b) => mix(h, 2 + *b as u64),
        Value::Num(n) => mix(h, n.to_bits()),
        Value::Str(s) => s.bytes().for_each(|c| mix(h, c as u64)),
        Value::Arr(items) => {
            mix(h, 3 + items.len() as u64);
            items.iter().for_each(|item| digest(item, h));
        }
        Value::Obj(fields) => {
            mix(h, 5 + fields.len() as u64);
            for (k, item) in fields {
                k.bytes().for_each(|c| mix(h, c as u64));
                digest(item, h);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let records: u64 = args.get(1).map_or(20000, |s| s.parse().expect("N must be a number"));
    let rounds: u64 = args.get(2).map_or(4, |s| s.parse().expect("ROUNDS must be a number"));
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let doc = Value::Arr((0..records).map(|i| gen_record(&mut rng, i)).collect());
    let mut text = String::new();
    write_value(&mut text, &doc);
    let mut check: u64 = 0xcbf29ce484222325;
    for round in 0..rounds {
        let tree = parse(&text).unwrap_or_else(|e| panic!("round {}: {}", round, e));
        let mut again = String::with_capacity(text.len());
        write_value(&mut again, &tree);
        let back = parse(&again).unwrap_or_else(|e| panic!("round {} (reparse): {}", round, e));
        if back != tree || again != text {
            panic!("round {}: the serialised document does not parse back to the same tree", round);
        }
        digest(&back, &mut check);
        check = check.wrapping_add(again.len() as u64);
    }
    println!("json: {} records, {} bytes, {} rounds", records, text.len(), rounds);
    println!("checksum: {}", check);
}
