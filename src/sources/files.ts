// Which files a list of paths names, and their text. Mirrors `kubectl apply -f`: a file is read
// whatever its name; a folder contributes its .yaml, .yml and .json files in name order, and its
// subfolders only with `recursive` (kubectl's -R); `-` is standard input.
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Position } from './text-position.js';
import { LineIndex } from './text-position.js';

export const STDIN = '-';
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface FileProblem {
  file: string;
  code: 'NotFound' | 'ReadFailed' | 'TooLarge' | 'NotText';
  message: string;
  position?: Position;
}

/** The files to read, in order, each once; problems with paths that name nothing readable. */
export async function listFiles(paths: readonly string[], recursive: boolean): Promise<{ files: string[]; problems: FileProblem[] }> {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = file === STDIN ? STDIN : resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
    }
  };
  for (const p of paths) {
    if (p === STDIN) {
      add(p);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (err) {
      problems.push(fsProblem(p, err));
      continue;
    }
    if (!isDir) add(p);
    else await walk(p, recursive, add, problems);
  }
  return { files, problems };
}

async function walk(dir: string, recursive: boolean, add: (file: string) => void, problems: FileProblem[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push(fsProblem(dir, err));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    // Symbolic links to folders are not followed (no cycles), as kubectl's folder walk does not.
    if (e.isDirectory()) {
      if (recursive) await walk(p, recursive, add, problems);
    } else if (MANIFEST_EXTENSIONS.has(extname(e.name)) && (e.isFile() || (e.isSymbolicLink() && (await isFile(p))))) {
      add(p);
    }
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function fsProblem(file: string, err: unknown): FileProblem {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { file, code: 'NotFound', message: `the path "${file}" does not exist` };
  return { file, code: 'ReadFailed', message: `cannot read "${file}": ${(err as Error).message}` };
}

function tooLarge(file: string, maxBytes: number): FileProblem {
  return { file, code: 'TooLarge', message: `larger than ${formatBytes(maxBytes)}: refused (raise the file size limit if this is really a manifest)` };
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** Reads at most `maxBytes` (a size from stat is not trusted: devices and pipes report 0). */
export async function readFileText(file: string, maxBytes: number): Promise<{ text: string } | FileProblem> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) return { file, code: 'ReadFailed', message: `"${file}" is a folder` };
    if (info.size > maxBytes) return tooLarge(file, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return tooLarge(file, maxBytes);
    }
    return decodeText(file, Buffer.concat(chunks, total));
  } catch (err) {
    return fsProblem(file, err);
  } finally {
    await handle?.close();
  }
}

export async function readStreamText(label: string, stream: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<{ text: string } | FileProblem> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      total += buf.length;
      if (total > maxBytes) return tooLarge(label, maxBytes);
      chunks.push(buf);
    }
  } catch (err) {
    return { file: label, code: 'ReadFailed', message: `cannot read ${label}: ${(err as Error).message}` };
  }
  return decodeText(label, Buffer.concat(chunks, total));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, without a byte order mark; anything else (binary, UTF-16, invalid bytes) is refused with where it starts. */
export function decodeText(file: string, bytes: Buffer): { text: string } | FileProblem {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { file, code: 'NotText', message: 'UTF-16 (or UTF-32) text: save the file as UTF-8' };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { file, code: 'NotText', message: 'contains NUL bytes: a binary file, not YAML or JSON', position: positionOfByte(bytes, nul) };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { file, code: 'NotText', message: 'not valid UTF-8 text: save the file as UTF-8', position: positionOfByte(bytes, firstInvalidLine(bytes)) };
  }
}

function positionOfByte(bytes: Buffer, offset: number): Position {
  const before = bytes.subarray(0, offset).toString('utf8');
  return new LineIndex(before).at(before.length);
}

/** Offset of the start of the first line that is not valid UTF-8. */
function firstInvalidLine(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      utf8.decode(bytes.subarray(start, end));
    } catch {
      return start;
    }
    start = end + 1;
  }
  return 0;
}
