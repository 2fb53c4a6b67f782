// wasi.js: the few WASI (preview 1) calls gov's wasm modules make, for Node and browsers
// alike: writes to stdout/stderr (kept, for error messages), reads of read-only files the
// embedder provides (the compiler's time-zone data), the clock and random bytes. Nothing
// else: no preopened directories are exposed for writing, no environment, no arguments.
// A module that calls proc_exit gets a WasiExit exception, which the binding treats as a
// trap.

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOENT = 44;
const ENOSYS = 52;
const ENOTCAPABLE = 76;
const FILETYPE_DIRECTORY = 3;
const FILETYPE_REGULAR_FILE = 4;

export class WasiExit extends Error {
  constructor(code) {
    super(`the module exited with status ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

const decoder = new TextDecoder();

/**
 * Build the wasi_snapshot_preview1 import object.
 * @param {object} o
 * @param {() => WebAssembly.Memory} o.memory  the instance's memory, once it exists
 * @param {(text: string) => void} [o.output]  receives what the module writes to fd 1 and 2
 * @param {{dir: string, read: (path: string) => Uint8Array | null}} [o.files]
 *        one read-only directory, preopened as fd 3 under the name `dir`
 */
export function wasiImports({ memory, output = () => {}, files = null }) {
  const open = new Map(); // fd -> { data, pos }
  let nextFd = 4;
  const view = () => new DataView(memory().buffer);
  const bytes = () => new Uint8Array(memory().buffer);
  const dirName = files ? new TextEncoder().encode(files.dir) : null;

  return {
    fd_write(fd, iovs, iovsLen, nwritten) {
      const v = view();
      let n = 0;
      let text = '';
      for (let i = 0; i < iovsLen; i++) {
        const p = v.getUint32(iovs + 8 * i, true);
        const l = v.getUint32(iovs + 8 * i + 4, true);
        text += decoder.decode(bytes().subarray(p, p + l));
        n += l;
      }
      if (fd !== 1 && fd !== 2) return EBADF;
      output(text);
      v.setUint32(nwritten, n, true);
      return ESUCCESS;
    },
    fd_read(fd, iovs, iovsLen, nread) {
      const f = open.get(fd);
      if (!f) return EBADF;
      const v = view();
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const p = v.getUint32(iovs + 8 * i, true);
        const l = v.getUint32(iovs + 8 * i + 4, true);
        const chunk = f.data.subarray(f.pos, f.pos + l);
        bytes().set(chunk, p);
        f.pos += chunk.length;
        n += chunk.length;
        if (chunk.length < l) break;
      }
      v.setUint32(nread, n, true);
      return ESUCCESS;
    },
    fd_seek(fd, offset, whence, newOffset) {
      const f = open.get(fd);
      if (!f) return fd <= 2 ? ENOSYS : EBADF;
      const base = whence === 0 ? 0 : whence === 1 ? f.pos : f.data.length;
      const pos = base + Number(offset);
      if (pos < 0) return EINVAL;
      f.pos = pos;
      view().setBigUint64(newOffset, BigInt(pos), true);
      return ESUCCESS;
    },
    fd_close(fd) {
      if (!open.delete(fd)) return EBADF;
      return ESUCCESS;
    },
    fd_fdstat_get(fd, buf) {
      const v = view();
      let type;
      if (fd <= 2) type = 2; // character device
      else if (fd === 3 && files) type = FILETYPE_DIRECTORY;
      else if (open.has(fd)) type = FILETYPE_REGULAR_FILE;
      else return EBADF;
      v.setUint8(buf, type);
      v.setUint16(buf + 2, 0, true);
      v.setBigUint64(buf + 8, 0xffffffffn, true);
      v.setBigUint64(buf + 16, 0xffffffffn, true);
      return ESUCCESS;
    },
    fd_prestat_get(fd, buf) {
      if (fd !== 3 || !files) return EBADF;
      const v = view();
      v.setUint8(buf, 0); // a directory
      v.setUint32(buf + 4, dirName.length, true);
      return ESUCCESS;
    },
    fd_prestat_dir_name(fd, path, len) {
      if (fd !== 3 || !files) return EBADF;
      bytes().set(dirName.subarray(0, len), path);
      return ESUCCESS;
    },
    path_open(dirfd, dirflags, path, pathLen, oflags, rightsBase, rightsInh, fdflags, fdOut) {
      if (dirfd !== 3 || !files) return EBADF;
      if (oflags !== 0) return ENOTCAPABLE; // create, truncate, directory: read-only files only
      const name = decoder.decode(bytes().subarray(path, path + pathLen));
      if (name.split('/').includes('..')) return ENOTCAPABLE;
      const data = files.read(name);
      if (!data) return ENOENT;
      const fd = nextFd++;
      open.set(fd, { data, pos: 0 });
      view().setUint32(fdOut, fd, true);
      return ESUCCESS;
    },
    path_filestat_get() {
      return ENOSYS;
    },
    fd_filestat_get(fd, buf) {
      const f = open.get(fd);
      if (!f) return EBADF;
      const v = view();
      for (let i = 0; i < 64; i += 8) v.setBigUint64(buf + i, 0n, true);
      v.setUint8(buf + 16, FILETYPE_REGULAR_FILE);
      v.setBigUint64(buf + 32, BigInt(f.data.length), true);
      return ESUCCESS;
    },
    fd_readdir() {
      return ENOSYS;
    },
    environ_sizes_get(count, size) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return ESUCCESS;
    },
    environ_get() {
      return ESUCCESS;
    },
    args_sizes_get(count, size) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return ESUCCESS;
    },
    args_get() {
      return ESUCCESS;
    },
    clock_time_get(id, precision, out) {
      view().setBigUint64(out, BigInt(Date.now()) * 1000000n, true);
      return ESUCCESS;
    },
    random_get(buf, len) {
      crypto.getRandomValues(bytes().subarray(buf, buf + len));
      return ESUCCESS;
    },
    proc_exit(code) {
      throw new WasiExit(code);
    },
  };
}

/** A Proxy that answers ENOSYS for any WASI call not implemented above. */
export function wasiNamespace(o) {
  const impl = wasiImports(o);
  return new Proxy(impl, {
    get(target, name) {
      if (name in target) return target[name];
      return () => ENOSYS;
    },
  });
}
