// Text to documents: YAML (multi-document, read the way kubectl reads it) or JSON, each document
// with a way to find the line of a field, under budgets that stop hostile input early.
import { YAMLException, constructFromEvents, parseEvents } from 'js-yaml';
import { enclosingPaths } from './field-path.js';
import { KUBECTL_SCHEMA } from './kubectl-yaml.js';
import { LineIndex, type Position } from './text-position.js';
import type { Limits } from './types.js';
import { walkDocuments, type DocumentEvents, type Yaml11Reading } from './yaml-events.js';

export interface DecodedDocument {
  /** 1-based position in the file. */
  index: number;
  /** As constructed: aliases may share values, nothing is expanded or copied yet. */
  value: unknown;
  /** Position of the field at `path` or, when it was not written (a missing field), of the nearest enclosing one. */
  locate(path: string): Position | undefined;
  readings: Yaml11Reading[];
}

export class DecodeError extends Error {
  constructor(
    readonly code: 'Syntax' | 'LimitExceeded',
    message: string,
    readonly position?: Position,
    /** 1-based document the error is in, when known. */
    readonly document?: number,
  ) {
    super(message);
  }
}

/** kubectl sends content starting with "{" to its JSON decoder and everything else to its YAML one. */
export function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

export function decodeJson(text: string, limits: Limits): DecodedDocument[] {
  const lines = new LineIndex(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 reports "at position N"; a line and column are what an editor can jump to.
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    throw new DecodeError('Syntax', `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, at ? lines.at(Number(at[1])) : undefined);
  }
  // JSON is YAML too: its event stream gives fields their lines. The values come from JSON.parse
  // (JSON's own rules, as kubectl's JSON decoder has), so when the YAML parser balks at something
  // JSON allows, errors merely go without a line.
  let doc: DocumentEvents | undefined;
  try {
    doc = walkDocuments(parseEvents(text, { maxDepth: limits.maxDepth }), text, Infinity)[0];
  } catch {
    doc = undefined;
  }
  return [{ index: 1, value, locate: locator(doc, lines), readings: [] }];
}

export function decodeYaml(text: string, filename: string, limits: Limits): DecodedDocument[] {
  const lines = new LineIndex(text);
  let events;
  try {
    events = parseEvents(text, { filename, maxDepth: limits.maxDepth });
  } catch (err) {
    throw yamlError(err, limits);
  }
  const walked = walkDocuments(events, text, limits.maxAliases);
  // Aliases are counted before anything is constructed, so a bomb is refused before it costs anything.
  walked.forEach((d, i) => {
    if (d.aliasLimitOffset !== undefined) {
      throw new DecodeError('LimitExceeded', `more than ${limits.maxAliases} aliases (*ref) in one document: refused as a possible YAML bomb`, lines.at(d.aliasLimitOffset), i + 1);
    }
  });
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text, filename, schema: KUBECTL_SCHEMA });
  } catch (err) {
    throw yamlError(err, limits);
  }
  return values.map((value, i) => ({ index: i + 1, value, readings: walked[i]?.readings ?? [], locate: locator(walked[i], lines) }));
}

function locator(doc: DocumentEvents | undefined, lines: LineIndex): (path: string) => Position | undefined {
  return (path) => {
    if (!doc) return undefined;
    for (const p of enclosingPaths(path)) {
      const offset = p === '' ? doc.rootOffset : doc.positions.get(p);
      if (offset !== undefined && offset >= 0) return lines.at(offset);
    }
    return undefined;
  };
}

function yamlError(err: unknown, limits: Limits): DecodeError {
  if (!(err instanceof YAMLException)) return new DecodeError('Syntax', `invalid YAML: ${(err as Error).message}`);
  const position = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined;
  // The parser's own depth guard is the only budget it enforces; it says so in its reason.
  if (/maxDepth/.test(err.reason)) {
    return new DecodeError('LimitExceeded', `nesting deeper than ${limits.maxDepth} levels: refused`, position);
  }
  return new DecodeError('Syntax', `invalid YAML: ${err.reason}`, position);
}
