// A WASI plugin in Rust (std, wasm32-wasi): formats the document it reads
// from stdin (trailing blanks removed, runs of spaces squeezed, a final
// newline) to stdout, and writes a summary to stderr. The host gives it
// the document as stdin bytes and captures both streams.
use std::io::{self, Read, Write};

fn main() {
    let mut doc = String::new();
    io::stdin().read_to_string(&mut doc).expect("stdin");
    let mut out = io::stdout().lock();
    let mut lines = 0;
    for line in doc.lines() {
        let squeezed: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        writeln!(out, "{}", squeezed.join(" ")).expect("stdout");
        lines += 1;
    }
    out.flush().expect("flush");
    eprintln!("formatter: {} lines, {} bytes in", lines, doc.len());
}
