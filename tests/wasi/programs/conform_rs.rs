// WASI preview1 conformance from Rust: the same areas as the conform_*.c
// programs (rights, paths with trailing slashes, directories, seek/tell,
// readdir), seen through std::fs, whose io::Error carries the WASI errno as
// raw_os_error, and through raw wasi_snapshot_preview1 imports where std
// has no call. One line per check; status 1 if any failed. The sandbox is
// preopened as /sandbox (see run_wasi_test.sh).
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

const BADF: i32 = 8;
const ISDIR: i32 = 31;
const NOENT: i32 = 44;
const NOTDIR: i32 = 54;
const NOTCAPABLE: i32 = 76;
const PERM: i32 = 63;
const EXIST: i32 = 20;

const RIGHTS_FD_READ: u64 = 1 << 1;
const RIGHTS_FD_SEEK: u64 = 1 << 2;
const RIGHTS_FD_TELL: u64 = 1 << 5;
const RIGHTS_FD_WRITE: u64 = 1 << 6;
const RIGHTS_PATH_OPEN: u64 = 1 << 13;
const OFLAGS_DIRECTORY: u32 = 2;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    #[link_name = "fd_prestat_get"]
    fn wasi_fd_prestat_get(fd: u32, out: *mut u32) -> i32;
    #[link_name = "fd_seek"]
    fn wasi_fd_seek(fd: u32, offset: i64, whence: u32, out: *mut u64) -> i32;
    #[link_name = "fd_tell"]
    fn wasi_fd_tell(fd: u32, out: *mut u64) -> i32;
    #[link_name = "fd_fdstat_get"]
    fn wasi_fd_fdstat_get(fd: u32, out: *mut u64) -> i32;
    #[link_name = "fd_fdstat_set_rights"]
    fn wasi_fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> i32;
    #[link_name = "fd_write"]
    fn wasi_fd_write(fd: u32, iovs: *const u32, n: u32, out: *mut u32) -> i32;
    #[link_name = "fd_close"]
    fn wasi_fd_close(fd: u32) -> i32;
    #[link_name = "path_open"]
    fn wasi_path_open(fd: u32, dirflags: u32, path: *const u8, path_len: u32, oflags: u32, base: u64, inh: u64,
                      fdflags: u32, out: *mut u32) -> i32;
    #[link_name = "path_symlink"]
    fn wasi_path_symlink(old: *const u8, old_len: u32, fd: u32, new: *const u8, new_len: u32) -> i32;
}

struct Checks {
    run: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, what: &str, ok: bool, detail: String) {
        self.run += 1;
        if ok {
            println!("ok   {}", what);
        } else {
            self.failed += 1;
            println!("FAIL {}: {}", what, detail);
        }
    }
    fn ok<T>(&mut self, what: &str, r: std::io::Result<T>) -> Option<T> {
        match r {
            Ok(v) => {
                self.check(what, true, String::new());
                Some(v)
            }
            Err(e) => {
                self.check(what, false, format!("{}", e));
                None
            }
        }
    }
    fn err<T>(&mut self, what: &str, r: std::io::Result<T>, want: i32) {
        match r {
            Ok(_) => self.check(what, false, format!("succeeded, expected errno {}", want)),
            Err(e) => {
                let got = e.raw_os_error().unwrap_or(-1);
                self.check(what, got == want, format!("errno {} ({}), expected {}", got, e, want));
            }
        }
    }
    fn errno(&mut self, what: &str, got: i32, want: i32) {
        self.check(what, got == want, format!("errno {}, expected {}", got, want));
    }
}

fn preopen() -> u32 {
    for fd in 3..64 {
        let mut ps = [0u32; 2];
        if unsafe { wasi_fd_prestat_get(fd, ps.as_mut_ptr()) } == 0 {
            return fd;
        }
    }
    u32::MAX
}

fn rights(fd: u32) -> u64 {
    let mut st = [0u64; 3];
    unsafe { wasi_fd_fdstat_get(fd, st.as_mut_ptr()) };
    st[1]
}

fn main() {
    let mut c = Checks { run: 0, failed: 0 };
    let root = preopen();

    // Directories: no file rights, and data operations are EBADF (wasmtime).
    c.check("preopen lacks fd_seek/fd_read/fd_write", rights(root) & (RIGHTS_FD_SEEK | RIGHTS_FD_READ | RIGHTS_FD_WRITE) == 0,
            format!("rights {:#x}", rights(root)));
    let mut pos = 0u64;
    c.errno("fd_seek on the preopen", unsafe { wasi_fd_seek(root, 0, 1, &mut pos) }, BADF);
    c.errno("fd_tell on the preopen", unsafe { wasi_fd_tell(root, &mut pos) }, BADF);
    c.ok("create_dir", fs::create_dir("/sandbox/d"));
    if let Some(mut dir) = c.ok("File::open of a directory", File::open("/sandbox/d")) {
        let mut buf = [0u8; 8];
        c.err("read from a directory", dir.read(&mut buf), BADF);
        c.err("seek in a directory", dir.seek(SeekFrom::Start(0)), BADF);
        c.err("write to a directory", dir.write(b"x"), BADF);
        c.ok("metadata of an open directory", dir.metadata());
    }
    c.err("open a directory for writing", OpenOptions::new().write(true).open("/sandbox/d"), ISDIR);
    let mut fd = 0u32;
    let rc = unsafe { wasi_path_open(root, 0, b"d".as_ptr(), 1, OFLAGS_DIRECTORY, RIGHTS_FD_READ | RIGHTS_FD_WRITE, 0, 0, &mut fd) };
    c.errno("path_open O_DIRECTORY with read+write rights", rc, ISDIR);

    // Files: seek/tell, set_len, rights.
    if let Some(mut f) = c.ok("File::create", File::create("/sandbox/f")) {
        c.ok("write_all", f.write_all(b"0123456789"));
        c.check("seek from the end", matches!(f.seek(SeekFrom::End(-4)), Ok(6)), String::new());
        c.check("stream position", matches!(f.stream_position(), Ok(6)), String::new());
        c.err("seek before the start", f.seek(SeekFrom::Current(-100)), 28);
        c.ok("set_len", f.set_len(3));
        c.check("len after set_len", f.metadata().map(|m| m.len()).unwrap_or(0) == 3, String::new());
    }
    let mut s = String::new();
    c.ok("read back", File::open("/sandbox/f").and_then(|mut f| f.read_to_string(&mut s)));
    c.check("content", s == "012", format!("{:?}", s));
    if let Some(mut ro) = c.ok("open read-only", File::open("/sandbox/f")) {
        c.err("write to a read-only file", ro.write(b"x"), BADF);
    }
    // A right dropped with fd_fdstat_set_rights is enforced.
    let rc = unsafe {
        wasi_path_open(root, 0, b"f".as_ptr(), 1, 0, RIGHTS_FD_WRITE | RIGHTS_FD_SEEK | RIGHTS_FD_TELL, 0, 0, &mut fd)
    };
    c.errno("path_open f for writing", rc, 0);
    c.errno("drop fd_write", unsafe { wasi_fd_fdstat_set_rights(fd, rights(fd) & !RIGHTS_FD_WRITE, 0) }, 0);
    let data = b"zz";
    let iov = [data.as_ptr() as u32, 2u32];
    let mut n = 0u32;
    c.errno("fd_write without fd_write", unsafe { wasi_fd_write(fd, iov.as_ptr(), 1, &mut n) }, BADF);
    c.errno("fd_seek with fd_seek", unsafe { wasi_fd_seek(fd, 1, 0, &mut pos) }, 0);
    c.errno("fd_seek without fd_seek", unsafe {
        wasi_fd_fdstat_set_rights(fd, rights(fd) & !RIGHTS_FD_SEEK, 0);
        wasi_fd_seek(fd, 1, 0, &mut pos)
    }, NOTCAPABLE);
    c.check("file fd has no path_open", rights(fd) & RIGHTS_PATH_OPEN == 0, format!("{:#x}", rights(fd)));
    unsafe { wasi_fd_close(fd) };

    // Trailing slashes.
    c.err("metadata of file/", fs::metadata("/sandbox/f/"), NOTDIR);
    c.check("metadata of d/ is a directory", fs::metadata("/sandbox/d/").map(|m| m.is_dir()).unwrap_or(false), String::new());
    c.err("remove_file of d/", fs::remove_file("/sandbox/d/"), ISDIR);
    c.err("remove_file of d", fs::remove_file("/sandbox/d"), ISDIR);
    c.err("remove_file of f/", fs::remove_file("/sandbox/f/"), NOTDIR);
    c.err("rename f/ to g", fs::rename("/sandbox/f/", "/sandbox/g"), NOTDIR);
    c.err("rename f to g/", fs::rename("/sandbox/f", "/sandbox/g/"), NOTDIR);
    c.err("open f/", File::open("/sandbox/f/"), NOTDIR);
    c.err("hard_link f to h/", fs::hard_link("/sandbox/f", "/sandbox/h/"), NOENT);
    c.err("remove_dir f/", fs::remove_dir("/sandbox/f/"), NOTDIR);
    c.ok("rename d/ to e/", fs::rename("/sandbox/d/", "/sandbox/e/"));
    c.ok("remove_dir e/", fs::remove_dir("/sandbox/e/"));
    c.err("create_dir of an existing file", fs::create_dir("/sandbox/f"), EXIST);

    // Symlinks (no stable std call on wasi in this Rust: raw path_symlink).
    let rc = unsafe { wasi_path_symlink(b"f".as_ptr(), 1, root, b"ln".as_ptr(), 2) };
    c.errno("path_symlink ln -> f", rc, 0);
    c.check("symlink_metadata says symlink",
            fs::symlink_metadata("/sandbox/ln").map(|m| m.file_type().is_symlink()).unwrap_or(false), String::new());
    c.check("read_link", fs::read_link("/sandbox/ln").map(|p| p.to_str() == Some("f")).unwrap_or(false), String::new());
    c.err("metadata of ln/ (a file behind it)", fs::metadata("/sandbox/ln/"), NOTDIR);
    let rc = unsafe { wasi_path_symlink(b"../outside".as_ptr(), 10, root, b"up".as_ptr(), 2) };
    c.errno("path_symlink up -> ../outside", rc, 0);
    c.err("open through a link leading out", File::open("/sandbox/up/secret"), PERM);
    c.err("metadata of up/", fs::metadata("/sandbox/up/"), PERM);
    // No preopen covers /etc: std refuses before any WASI call is made.
    c.check("open an absolute host path fails", File::open("/etc/passwd").is_err(), String::new());

    // read_dir: every entry once, with its type.
    c.ok("create_dir r", fs::create_dir("/sandbox/r"));
    for i in 0..40 {
        c.ok(&format!("create r/f{}", i), File::create(format!("/sandbox/r/f{}", i)));
    }
    c.ok("create_dir r/sub", fs::create_dir("/sandbox/r/sub"));
    let mut names: Vec<String> = Vec::new();
    let mut dirs = 0;
    if let Some(rd) = c.ok("read_dir", fs::read_dir("/sandbox/r")) {
        for e in rd {
            if let Ok(e) = e {
                names.push(e.file_name().to_string_lossy().into_owned());
                if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    dirs += 1;
                }
            }
        }
    }
    names.sort();
    let before = names.len();
    names.dedup();
    c.check("read_dir: 41 entries, none twice", before == 41 && names.len() == 41, format!("{} entries", before));
    c.check("read_dir: one directory", dirs == 1, format!("{} directories", dirs));
    c.check("read_dir: f39 listed", names.iter().any(|n| n == "f39"), String::new());

    if c.failed > 0 {
        println!("{} of {} checks failed", c.failed, c.run);
        std::process::exit(1);
    }
    println!("all {} checks passed", c.run);
    println!("ok");
}
