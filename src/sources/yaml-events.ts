// One pass over js-yaml's event stream that records, per document, what the constructed values
// forget: where each field was written (to give errors a line), how many aliases it uses (a YAML
// bomb budget, checked before anything is expanded), and which unquoted scalars kubectl (YAML 1.1)
// and a YAML 1.2 reader would read differently.
import { EVENT_ID, SCALAR_STYLE, getScalarValue, type Event } from 'js-yaml';
import { childPath } from './field-path.js';
import { readPlainAsKubectl, readPlainAsYaml12 } from './kubectl-yaml.js';

/** An unquoted scalar that YAML 1.1 (kubectl) and YAML 1.2 read differently. */
export interface Yaml11Reading {
  /** Field path of the value, or of the key when `isKey`, as kubectl reads the key. */
  path: string;
  /** The scalar as written. */
  text: string;
  kubectl: unknown;
  yaml12: unknown;
  isKey: boolean;
}

export interface DocumentEvents {
  /** Offset of the root node; -1 for an empty document. */
  rootOffset: number;
  /** Field path -> offset of the key that introduces it (mapping values) or of the node (sequence items). */
  positions: Map<string, number>;
  readings: Yaml11Reading[];
  aliases: number;
  /** Offset of the first alias beyond `maxAliases`, if any. */
  aliasLimitOffset?: number;
}

interface Frame {
  kind: 'map' | 'seq';
  path: string;
  /** Inside a complex (collection) key: nothing under it has a field path. */
  skip: boolean;
  /** This collection is itself a mapping key. */
  isKey: boolean;
  expectKey: boolean;
  key: string;
  index: number;
}

function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

export function walkDocuments(events: readonly Event[], source: string, maxAliases: number): DocumentEvents[] {
  const docs: DocumentEvents[] = [];
  let doc: DocumentEvents | undefined;
  const stack: Frame[] = [];

  // Where the node that starts now sits: its path (undefined inside complex keys) and whether it is a key.
  const slot = (): { path: string | undefined; isKey: boolean; keyParent?: Frame } => {
    const parent = stack[stack.length - 1];
    if (!parent) return { path: '', isKey: false };
    if (parent.skip) return { path: undefined, isKey: parent.kind === 'map' && parent.expectKey };
    if (parent.kind === 'seq') return { path: childPath(parent.path, parent.index), isKey: false };
    if (parent.expectKey) return { path: undefined, isKey: true, keyParent: parent };
    return { path: childPath(parent.path, parent.key), isKey: false };
  };
  // A node has ended: move its parent on to the next key, value or item.
  const completed = (wasKey: boolean) => {
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (parent.kind === 'seq') parent.index++;
    else parent.expectKey = !wasKey;
  };
  const record = (path: string | undefined, offset: number) => {
    if (!doc || path === undefined || offset < 0) return;
    if (path === '') doc.rootOffset = offset;
    else if (!doc.positions.has(path)) doc.positions.set(path, offset);
  };

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        doc = { rootOffset: -1, positions: new Map(), readings: [], aliases: 0 };
        docs.push(doc);
        break;
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame) completed(frame.isKey);
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const at = slot();
        const parent = stack[stack.length - 1];
        // A mapping value's position is its key's, recorded with the key; items and the root record their own.
        if (!at.isKey && (parent === undefined || parent.kind === 'seq')) record(at.path, ev.start);
        if (at.isKey && at.keyParent) at.keyParent.key = '?';
        stack.push({
          kind: ev.type === EVENT_ID.MAPPING ? 'map' : 'seq',
          path: at.path ?? '',
          skip: at.path === undefined,
          isKey: at.isKey,
          expectKey: true,
          key: '',
          index: 0,
        });
        break;
      }
      case EVENT_ID.ALIAS: {
        const at = slot();
        if (doc) {
          doc.aliases++;
          if (doc.aliases > maxAliases && doc.aliasLimitOffset === undefined) doc.aliasLimitOffset = ev.anchorStart;
        }
        if (at.isKey && at.keyParent) at.keyParent.key = `*${source.slice(ev.anchorStart, ev.anchorEnd)}`;
        else if (stack[stack.length - 1]?.kind !== 'map') record(at.path, ev.anchorStart);
        completed(at.isKey);
        break;
      }
      case EVENT_ID.SCALAR: {
        const at = slot();
        const plain = ev.style === SCALAR_STYLE.PLAIN && ev.tagStart < 0 && ev.valueStart >= 0;
        // A quoted scalar's value starts after its quote; the field starts at the quote.
        const quoted = ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED;
        const start = ev.valueStart >= 0 && quoted ? ev.valueStart - 1 : ev.valueStart;
        // Only keys (field paths) and plain scalars (readings) need the text decoded.
        const text = ev.valueStart >= 0 && (at.isKey || plain) ? getScalarValue(source, ev) : '';
        const kubectl = plain ? readPlainAsKubectl(text) : text;
        if (at.isKey && at.keyParent) {
          const parent = at.keyParent;
          parent.key = String(kubectl);
          const path = childPath(parent.path, parent.key);
          record(path, start);
          if (plain && doc && text !== '<<') noteReading(doc, path, text, kubectl, true);
        } else {
          if (stack[stack.length - 1]?.kind !== 'map') record(at.path, start);
          if (plain && doc && at.path !== undefined) noteReading(doc, at.path, text, kubectl, false);
        }
        completed(at.isKey);
        break;
      }
    }
  }
  return docs;
}

function noteReading(doc: DocumentEvents, path: string, text: string, kubectl: unknown, isKey: boolean): void {
  const yaml12 = readPlainAsYaml12(text);
  // Keys are strings either way: only the text they turn into matters.
  if (isKey ? String(kubectl) === String(yaml12) : sameValue(kubectl, yaml12)) return;
  doc.readings.push({ path, text, kubectl: isKey ? String(kubectl) : kubectl, yaml12: isKey ? String(yaml12) : yaml12, isKey });
}
