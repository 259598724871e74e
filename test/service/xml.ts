/**
 * A small strict XML reader for plists: fails on anything not well-formed (unbalanced or
 * crossed tags, a bare `&` or `<`, unknown entities, text outside the root, two roots),
 * then turns the plist into JS values.
 */
export interface XmlElement {
  name: string;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([^;]*);|&/g, (all, name: string | undefined) => {
    if (name === undefined) throw new Error(`bare & near offset ${at}`);
    if (name in ENTITIES) return ENTITIES[name] as string;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (num) return String.fromCodePoint(num[1]?.startsWith('x') ? parseInt(num[1].slice(1), 16) : Number(num[1]));
    throw new Error(`unknown entity ${all} near offset ${at}`);
  });
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const prolog = /^<\?xml [^?]*\?>/.exec(xml);
  if (prolog) i = prolog[0].length;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`bare > near offset ${i}`);
    if (stack.length > 0) stack[stack.length - 1]?.children.push(decode(text, i));
    else if (text.trim() !== '') throw new Error(`text outside the root near offset ${i}`);
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1 || xml.slice(lt + 4, end).includes('--')) throw new Error(`bad comment at ${lt}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<!DOCTYPE', lt)) {
      if (root || stack.length) throw new Error('DOCTYPE after the root');
      i = xml.indexOf('>', lt) + 1;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    const close = /^\/([A-Za-z][\w.-]*)\s*$/.exec(tag);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open?.name ?? 'nothing'}> at ${lt}`);
      if (stack.length === 0) root = open;
      continue;
    }
    const m = /^([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<&]*")*)\s*(\/?)$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}> at ${lt}`);
    if (root && stack.length === 0) throw new Error(`a second root <${m[1]}> at ${lt}`);
    const el: XmlElement = { name: m[1] as string, children: [] };
    if (stack.length > 0) stack[stack.length - 1]?.children.push(el);
    if (m[3] === '/') {
      if (stack.length === 0) root = el;
    } else stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

export type PlistValue = string | number | boolean | PlistValue[] | { [k: string]: PlistValue };

function elements(el: XmlElement): XmlElement[] {
  for (const c of el.children) if (typeof c === 'string' && c.trim() !== '') throw new Error(`stray text in <${el.name}>: ${c}`);
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

function value(el: XmlElement): PlistValue {
  const text = el.children.filter((c): c is string => typeof c === 'string').join('');
  switch (el.name) {
    case 'string':
      return text;
    case 'integer':
      return Number(text);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'array':
      return elements(el).map(value);
    case 'dict': {
      const kids = elements(el);
      const out: Record<string, PlistValue> = {};
      for (let k = 0; k < kids.length; k += 2) {
        const key = kids[k];
        const val = kids[k + 1];
        if (key?.name !== 'key' || !val) throw new Error('a dict must alternate <key> and a value');
        out[key.children.join('')] = value(val);
      }
      return out;
    }
    default:
      throw new Error(`unexpected <${el.name}> in a plist`);
  }
}

export function parsePlist(xml: string): PlistValue {
  const root = parseXml(xml);
  if (root.name !== 'plist') throw new Error(`root is <${root.name}>, not <plist>`);
  const kids = elements(root);
  if (kids.length !== 1) throw new Error('a plist holds exactly one value');
  return value(kids[0] as XmlElement);
}
