// Runs a wasm32-wasi command module under Node's WASI (preview1).
// Usage: node [V8 flags] node_wasi_runner.mjs prog.wasm [args...]
// The guest sees argv = [basename(prog.wasm), args...], the host environment,
// and the current directory preopened as ".". Exit code is the guest's.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { argv, env, exit, stderr } from 'node:process';
import { WASI } from 'node:wasi';

const [, , wasmPath, ...guestArgs] = argv;
if (!wasmPath) {
  stderr.write('usage: node node_wasi_runner.mjs PROG.wasm [ARGS...]\n');
  exit(2);
}

const wasi = new WASI({
  version: 'preview1',
  args: [basename(wasmPath), ...guestArgs],
  env,
  preopens: { '.': '.' },
  returnOnExit: true,
});

const bytes = await readFile(wasmPath);
const module = await WebAssembly.compile(bytes);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
exit(typeof code === 'number' ? code : 0);
