/**
 * The subset of KQL the Traffic Analytics gallery sends, evaluated over in-memory tables. Queries
 * are parsed by the Kusto language service (`@kusto/language-service-next`, the parser behind
 * Log Analytics' editor); the syntax tree is then compiled against the tables' columns, so a
 * syntax error, an unknown table, column or function, or an operator outside the subset is refused
 * before any row is read, as Log Analytics refuses it (see `KqlError`). README.md lists the subset.
 */
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';

export type KqlType = 'string' | 'int' | 'long' | 'real' | 'datetime' | 'timespan' | 'bool' | 'dynamic';
/** Datetimes and timespans are milliseconds; null is KQL's null. */
export type KqlValue = string | number | boolean | null;

export interface KqlColumn {
  name: string;
  type: KqlType;
}

export interface KqlTable {
  columns: KqlColumn[];
  rows: KqlValue[][];
}

/**
 * A query Log Analytics would refuse: `kind` decides the inner error (`SyntaxError` "A recognition
 * error occurred in the query." with a SYN code, `SemanticError` "A semantic error occurred."
 * with a SEM code), `message` is the innermost message.
 */
export class KqlError extends Error {
  constructor(readonly kind: 'SyntaxError' | 'SemanticError', readonly code: string, message: string, readonly position?: { line: number; pos: number; token: string }) {
    super(message);
  }
}

/* The language service is a Bridge.NET build that installs `Bridge` and `Kusto` as globals; it is
   16 MB, so it is loaded on the first query rather than bundled into every test. */
interface SyntaxNode {
  ChildCount: number;
  GetChild(index: number): SyntaxNode | null;
  [member: string]: unknown;
}
interface KustoGlobals {
  Kusto: { Language: { KustoCode: { Parse(text: string): { Syntax: SyntaxNode; GetDiagnostics(): { Count: number; getItem(index: number): { Message: string; Start: number; Length: number; Severity: string } } } } } };
  Bridge: { getTypeName(value: unknown): string };
}

let kusto: KustoGlobals | undefined;

function languageService(): KustoGlobals {
  if (!kusto) {
    const load = createRequire(__filename);
    load('@kusto/language-service-next/bridge.min.js');
    load('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = globalThis as unknown as KustoGlobals;
  }
  return kusto;
}

function typeName(node: unknown): string {
  return languageService().Bridge.getTypeName(node).replace('Kusto.Language.Syntax.', '').replace(/`.*$/, '');
}

function child(node: SyntaxNode, member: string): SyntaxNode {
  return node[member] as SyntaxNode;
}

function tokenText(node: SyntaxNode, member: string): string {
  return String((node[member] as { Text?: string } | null)?.Text ?? '');
}

/** Elements of a (separated) syntax list. */
function elements(list: SyntaxNode | null | undefined): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let index = 0; list && index < list.ChildCount; index++) {
    const item = list.GetChild(index);
    if (item) {
      found.push(typeName(item) === 'SeparatedElement' ? child(item, 'Element') : item);
    }
  }
  return found;
}

function nodeText(node: SyntaxNode): string {
  return String((node as unknown as { ToString(): string }).ToString()).trim();
}

/** Where a node starts, as Log Analytics reports it: 1-based line, 0-based position in the line. */
function positionOf(text: string, offset: number): { line: number; pos: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, pos: offset - (before.lastIndexOf('\n') + 1) };
}

interface Compiled {
  type: KqlType;
  eval(row: readonly KqlValue[]): KqlValue;
}

interface Scope {
  columns: KqlColumn[];
  operator: string;
  now: number;
}

const hour = 3_600_000;
const spanUnits: Record<string, number> = { d: 24 * hour, h: hour, m: 60_000, s: 1000, ms: 1, microsecond: 0.001, tick: 0.0001 };

/** `1h`, `30m`, `7d`, `10s`, `100ms` → milliseconds. */
export function parseTimespanLiteral(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(d|h|m|s|ms|microsecond|tick)$/.exec(text.trim());
  return match ? Number(match[1]) * spanUnits[match[2]] : undefined;
}

function isNumeric(type: KqlType): boolean {
  return type === 'int' || type === 'long' || type === 'real';
}

function widen(a: KqlType, b: KqlType): KqlType {
  if (a === 'real' || b === 'real') {
    return 'real';
  }
  return a === 'long' || b === 'long' ? 'long' : 'int';
}

function lower(value: KqlValue): string {
  return value === null ? '' : String(value).toLowerCase();
}

/** KQL's `has`: the term appears as a whole term (bounded by non-alphanumerics), case-insensitive. */
function hasTerm(value: KqlValue, term: KqlValue): boolean {
  const haystack = lower(value);
  const needle = lower(term);
  if (needle === '') {
    return true;
  }
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : haystack[at - 1];
    const after = haystack[at + needle.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) {
      return true;
    }
  }
  return false;
}

function compare(a: KqlValue, b: KqlValue): number {
  if (a === null || b === null) {
    return a === b ? 0 : a === null ? -1 : 1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function inRange(address: KqlValue, range: KqlValue): boolean | null {
  if (address === null || range === null || address === '' || range === '') {
    return null;
  }
  try {
    const ip = ipaddr.IPv4.parse(String(address));
    const text = String(range);
    const [network, length] = text.includes('/') ? ipaddr.IPv4.parseCIDR(text) : [ipaddr.IPv4.parse(text), 32];
    return ip.match(network, length);
  } catch {
    return null;
  }
}

function literalOf(node: SyntaxNode): Compiled {
  const text = tokenText(node, 'Token') || nodeText(node);
  if (/^(['"]).*\1$/s.test(text) || /^@(['"]).*\1$/s.test(text)) {
    const verbatim = text.startsWith('@');
    const body = text.slice(verbatim ? 2 : 1, -1);
    const value = verbatim ? body : body.replace(/\\(.)/g, (_, escaped: string) => ({ n: '\n', t: '\t', r: '\r' })[escaped] ?? escaped);
    return { type: 'string', eval: () => value };
  }
  if (text === 'true' || text === 'false') {
    return { type: 'bool', eval: () => text === 'true' };
  }
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return { type: 'long', eval: () => value };
  }
  if (/^\d*\.\d+(e[+-]?\d+)?$/i.test(text)) {
    const value = Number(text);
    return { type: 'real', eval: () => value };
  }
  const span = parseTimespanLiteral(text);
  if (span !== undefined) {
    return { type: 'timespan', eval: () => span };
  }
  const date = /^datetime\((.+)\)$/.exec(text);
  if (date) {
    const value = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(date[1]) ? date[1] : `${date[1]}Z`);
    if (Number.isNaN(value)) {
      throw new KqlError('SyntaxError', 'SYN0002', `Invalid datetime literal ${text}`);
    }
    return { type: 'datetime', eval: () => value };
  }
  throw new KqlError('SemanticError', 'SEM0001', `The literal ${text} is outside the subset of KQL this endpoint evaluates`);
}

const comparisons = new Set(['==', '!=', '<', '<=', '>', '>=']);
const stringOperators = new Set(['=~', '!~', 'has', '!has', 'contains', '!contains', 'startswith', '!startswith', 'endswith', '!endswith']);
const arithmetic = new Set(['+', '-', '*', '/', '%']);

function compileScalar(node: SyntaxNode, scope: Scope): Compiled {
  const kind = typeName(node);
  switch (kind) {
    case 'LiteralExpression':
      return literalOf(node);
    case 'ParenthesizedExpression':
      return compileScalar(child(node, 'Expression'), scope);
    case 'NameReference': {
      const name = String(node.SimpleName);
      const index = scope.columns.findIndex((column) => column.name === name);
      if (index < 0) {
        throw new KqlError('SemanticError', 'SEM0100', `'${scope.operator}' operator: Failed to resolve scalar expression named '${name}'`);
      }
      return { type: scope.columns[index].type, eval: (row) => row[index] };
    }
    case 'PrefixUnaryExpression': {
      const operand = compileScalar(child(node, 'Expression'), scope);
      const operator = tokenText(node, 'Operator');
      if (!isNumeric(operand.type) && operand.type !== 'timespan') {
        throw new KqlError('SemanticError', 'SEM0025', `Operator '${operator}' needs a numeric or timespan operand`);
      }
      return { type: operand.type, eval: (row) => { const value = operand.eval(row); return value === null ? null : operator === '-' ? -Number(value) : Number(value); } };
    }
    case 'BinaryExpression':
      return compileBinary(node, scope);
    case 'InExpression': {
      const left = compileScalar(child(node, 'Left'), scope);
      const operator = tokenText(node, 'Operator');
      const list = elements(child(child(node, 'Right'), 'Expressions')).map((item) => compileScalar(item, scope));
      const negate = operator.startsWith('!');
      const caseless = operator.endsWith('~');
      return {
        type: 'bool',
        eval: (row) => {
          const value = left.eval(row);
          const found = list.some((item) => (caseless ? lower(item.eval(row)) === lower(value) : item.eval(row) === value));
          return negate ? !found : found;
        },
      };
    }
    case 'BetweenExpression': {
      const left = compileScalar(child(node, 'Left'), scope);
      const couple = child(node, 'Right');
      const low = compileScalar(child(couple, 'First'), scope);
      const high = compileScalar(child(couple, 'Second'), scope);
      const negate = tokenText(node, 'Operator').startsWith('!');
      return {
        type: 'bool',
        eval: (row) => {
          const value = left.eval(row);
          if (value === null) {
            return null;
          }
          const inside = compare(value, low.eval(row)) >= 0 && compare(value, high.eval(row)) <= 0;
          return negate ? !inside : inside;
        },
      };
    }
    case 'FunctionCallExpression':
      return compileFunction(node, scope);
    default:
      throw new KqlError('SemanticError', 'SEM0001', `'${nodeText(node)}' (${kind}) is outside the subset of KQL this endpoint evaluates`);
  }
}

function compileBinary(node: SyntaxNode, scope: Scope): Compiled {
  const operator = tokenText(node, 'Operator');
  const left = compileScalar(child(node, 'Left'), scope);
  const right = compileScalar(child(node, 'Right'), scope);
  if (operator === 'and' || operator === 'or') {
    for (const side of [left, right]) {
      if (side.type !== 'bool') {
        throw new KqlError('SemanticError', 'SEM0025', `Operator '${operator}' needs boolean operands, not ${side.type}`);
      }
    }
    return {
      type: 'bool',
      eval: (row) => {
        const a = left.eval(row);
        const b = right.eval(row);
        return operator === 'and' ? a === true && b === true : a === true || b === true;
      },
    };
  }
  if (comparisons.has(operator)) {
    const comparable = left.type === right.type || (isNumeric(left.type) && isNumeric(right.type));
    if (!comparable) {
      throw new KqlError('SemanticError', 'SEM0025', `Cannot compare values of types ${left.type} and ${right.type}. Try adding explicit casts`);
    }
    return {
      type: 'bool',
      eval: (row) => {
        const a = left.eval(row);
        const b = right.eval(row);
        if (a === null || b === null) {
          return operator === '!=' ? a !== b : operator === '==' ? a === b : null;
        }
        const order = compare(a, b);
        switch (operator) {
          case '==': return order === 0;
          case '!=': return order !== 0;
          case '<': return order < 0;
          case '<=': return order <= 0;
          case '>': return order > 0;
          default: return order >= 0;
        }
      },
    };
  }
  if (stringOperators.has(operator)) {
    const negate = operator.startsWith('!');
    const test = operator.replace(/^!/, '');
    return {
      type: 'bool',
      eval: (row) => {
        const a = lower(left.eval(row));
        const b = lower(right.eval(row));
        let result: boolean;
        switch (test) {
          case '=~':
          case '~':
            result = a === b;
            break;
          case 'has': result = hasTerm(a, b); break;
          case 'contains': result = a.includes(b); break;
          case 'startswith': result = a.startsWith(b); break;
          default: result = a.endsWith(b); break;
        }
        return negate ? !result : result;
      },
    };
  }
  if (arithmetic.has(operator)) {
    let type: KqlType;
    if (isNumeric(left.type) && isNumeric(right.type)) {
      type = widen(left.type, right.type);
    } else if ((left.type === 'datetime' && right.type === 'timespan') && (operator === '+' || operator === '-')) {
      type = 'datetime';
    } else if (left.type === 'datetime' && right.type === 'datetime' && operator === '-') {
      type = 'timespan';
    } else if (left.type === 'timespan' && right.type === 'timespan' && (operator === '+' || operator === '-')) {
      type = 'timespan';
    } else {
      throw new KqlError('SemanticError', 'SEM0025', `Operator '${operator}' cannot be applied to ${left.type} and ${right.type}`);
    }
    return {
      type,
      eval: (row) => {
        const a = left.eval(row);
        const b = right.eval(row);
        if (a === null || b === null) {
          return null;
        }
        const x = Number(a);
        const y = Number(b);
        switch (operator) {
          case '+': return x + y;
          case '-': return x - y;
          case '*': return x * y;
          case '/': return y === 0 ? null : type === 'real' ? x / y : Math.trunc(x / y);
          default: return y === 0 ? null : x % y;
        }
      },
    };
  }
  throw new KqlError('SemanticError', 'SEM0001', `Operator '${operator}' is outside the subset of KQL this endpoint evaluates`);
}

const aggregateNames = new Set(['count', 'sum', 'min', 'max', 'avg', 'dcount']);

function callName(node: SyntaxNode): string {
  return String(child(node, 'Name').SimpleName ?? nodeText(child(node, 'Name')));
}

function callArguments(node: SyntaxNode): SyntaxNode[] {
  return elements(child(child(node, 'ArgumentList'), 'Expressions'));
}

function expectArguments(name: string, args: readonly SyntaxNode[], count: number): void {
  if (args.length !== count) {
    throw new KqlError('SemanticError', 'SEM0219', `function '${name}': expected ${count} argument(s)`);
  }
}

function compileFunction(node: SyntaxNode, scope: Scope): Compiled {
  const name = callName(node);
  const args = callArguments(node);
  if (aggregateNames.has(name)) {
    throw new KqlError('SemanticError', 'SEM0213', `Function '${name}' can only be used in the context of 'summarize'`);
  }
  switch (name) {
    case 'ago': {
      expectArguments(name, args, 1);
      const span = compileScalar(args[0], scope);
      if (span.type !== 'timespan') {
        throw new KqlError('SemanticError', 'SEM0219', `function 'ago': argument #1 expected to be a timespan expression`);
      }
      return { type: 'datetime', eval: (row) => scope.now - Number(span.eval(row)) };
    }
    case 'now':
      expectArguments(name, args, 0);
      return { type: 'datetime', eval: () => scope.now };
    case 'bin':
    case 'floor': {
      expectArguments(name, args, 2);
      const value = compileScalar(args[0], scope);
      const size = compileScalar(args[1], scope);
      return {
        type: value.type,
        eval: (row) => {
          const v = value.eval(row);
          const s = Number(size.eval(row));
          return v === null || !(s > 0) ? null : Math.floor(Number(v) / s) * s;
        },
      };
    }
    case 'iff':
    case 'iif': {
      expectArguments(name, args, 3);
      const [condition, then, otherwise] = args.map((arg) => compileScalar(arg, scope));
      if (condition.type !== 'bool') {
        throw new KqlError('SemanticError', 'SEM0219', `function '${name}': argument #1 expected to be a boolean expression`);
      }
      return { type: then.type, eval: (row) => (condition.eval(row) === true ? then.eval(row) : otherwise.eval(row)) };
    }
    case 'not': {
      expectArguments(name, args, 1);
      const operand = compileScalar(args[0], scope);
      return { type: 'bool', eval: (row) => { const value = operand.eval(row); return value === null ? null : !value; } };
    }
    case 'isempty':
    case 'isnotempty': {
      expectArguments(name, args, 1);
      const operand = compileScalar(args[0], scope);
      return { type: 'bool', eval: (row) => { const value = operand.eval(row); const empty = value === null || value === ''; return name === 'isempty' ? empty : !empty; } };
    }
    case 'ipv4_is_in_range': {
      expectArguments(name, args, 2);
      const [address, range] = args.map((arg) => compileScalar(arg, scope));
      return { type: 'bool', eval: (row) => inRange(address.eval(row), range.eval(row)) };
    }
    case 'tostring': {
      expectArguments(name, args, 1);
      const operand = compileScalar(args[0], scope);
      return { type: 'string', eval: (row) => { const value = operand.eval(row); return value === null ? '' : formatValue(value, operand.type) as string; } };
    }
    case 'strcat': {
      const parts = args.map((arg) => compileScalar(arg, scope));
      return { type: 'string', eval: (row) => parts.map((part) => { const value = part.eval(row); return value === null ? '' : String(formatValue(value, part.type)); }).join('') };
    }
    default:
      throw new KqlError('SemanticError', 'SEM0260', `Unknown function: '${name}'.`);
  }
}

/** A value as the query API writes it in a row: datetimes as ISO text, timespans as `d.hh:mm:ss`, the rest as JSON. */
export function formatValue(value: KqlValue, type: KqlType): KqlValue {
  if (value === null) {
    return null;
  }
  if (type === 'datetime') {
    return new Date(Number(value)).toISOString();
  }
  if (type === 'timespan') {
    const total = Math.abs(Number(value));
    const days = Math.floor(total / (24 * hour));
    const pad = (n: number): string => String(Math.floor(n)).padStart(2, '0');
    const clock = `${pad((total % (24 * hour)) / hour)}:${pad((total % hour) / 60_000)}:${pad((total % 60_000) / 1000)}`;
    return `${Number(value) < 0 ? '-' : ''}${days > 0 ? `${days}.` : ''}${clock}`;
  }
  return value;
}

/** The output name of an unnamed expression: a column keeps its name, `bin(Col, …)` is `Col`, anything else `Column1`, `Column2`… */
function defaultName(node: SyntaxNode, taken: KqlColumn[]): string {
  const kind = typeName(node);
  if (kind === 'NameReference') {
    return String(node.SimpleName);
  }
  if (kind === 'FunctionCallExpression' && ['bin', 'floor'].includes(callName(node))) {
    const first = callArguments(node)[0];
    if (first && typeName(first) === 'NameReference') {
      return String(first.SimpleName);
    }
  }
  let index = 1;
  while (taken.some((column) => column.name === `Column${index}`)) {
    index++;
  }
  return `Column${index}`;
}

function named(node: SyntaxNode): { name?: string; expression: SyntaxNode } {
  if (typeName(node) === 'SimpleNamedExpression') {
    return { name: String(child(node, 'Name').SimpleName), expression: child(node, 'Expression') };
  }
  return { expression: node };
}

interface Aggregate {
  name: string;
  type: KqlType;
  start(): unknown;
  add(state: unknown, row: readonly KqlValue[]): unknown;
  result(state: unknown): KqlValue;
}

function compileAggregate(node: SyntaxNode, name: string | undefined, scope: Scope): Aggregate {
  if (typeName(node) !== 'FunctionCallExpression' || !aggregateNames.has(callName(node))) {
    throw new KqlError('SemanticError', 'SEM0100', `'summarize' operator: the expression '${nodeText(node)}' is not an aggregation the stand-in evaluates (count, sum, min, max, avg, dcount)`);
  }
  const fn = callName(node);
  const args = callArguments(node);
  if (fn === 'count') {
    expectArguments(fn, args, 0);
    return { name: name ?? 'count_', type: 'long', start: () => 0, add: (state) => Number(state) + 1, result: (state) => Number(state) };
  }
  expectArguments(fn, args, 1);
  const operand = compileScalar(args[0], scope);
  const suffix = typeName(args[0]) === 'NameReference' ? String(args[0].SimpleName) : '';
  const outName = name ?? `${fn}_${suffix}`;
  switch (fn) {
    case 'sum':
      if (!isNumeric(operand.type) && operand.type !== 'timespan') {
        throw new KqlError('SemanticError', 'SEM0219', `function 'sum': argument #1 expected to be a numeric expression`);
      }
      return { name: outName, type: operand.type === 'int' ? 'long' : operand.type, start: () => null, add: (state, row) => { const v = operand.eval(row); return v === null ? state : Number(state ?? 0) + Number(v); }, result: (state) => state as KqlValue };
    case 'avg':
      return { name: outName, type: 'real', start: () => [0, 0], add: (state, row) => { const [s, n] = state as number[]; const v = operand.eval(row); return v === null ? state : [s + Number(v), n + 1]; }, result: (state) => { const [s, n] = state as number[]; return n === 0 ? null : s / n; } };
    case 'dcount':
      return { name: outName, type: 'long', start: () => new Set<KqlValue>(), add: (state, row) => (state as Set<KqlValue>).add(operand.eval(row)), result: (state) => (state as Set<KqlValue>).size };
    default:
      return { name: outName, type: operand.type, start: () => null, add: (state, row) => { const v = operand.eval(row); return v === null ? state : state === null || (fn === 'min' ? compare(v, state as KqlValue) < 0 : compare(v, state as KqlValue) > 0) ? v : state; }, result: (state) => state as KqlValue };
  }
}

function countOf(node: SyntaxNode, scope: Scope, operator: string): number {
  const value = compileScalar(node, { ...scope, columns: [], operator }).eval([]);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new KqlError('SemanticError', 'SEM0219', `'${operator}' operator: the number of rows must be a non-negative whole number`);
  }
  return value;
}

function sortKeys(expressions: SyntaxNode[], scope: Scope): { key: Compiled; descending: boolean }[] {
  return expressions.map((item) => {
    const ordered = typeName(item) === 'OrderedExpression';
    const expression = ordered ? child(item, 'Expression') : item;
    const ordering = ordered ? (item.Ordering as SyntaxNode | null) : null;
    const keyword = ordering ? tokenText(ordering, 'AscOrDescKeyword') : '';
    return { key: compileScalar(expression, scope), descending: keyword !== 'asc' };
  });
}

function sortRows(table: KqlTable, keys: { key: Compiled; descending: boolean }[]): KqlValue[][] {
  return [...table.rows].sort((a, b) => {
    for (const { key, descending } of keys) {
      const x = key.eval(a);
      const y = key.eval(b);
      // Nulls go last when descending and first when ascending, as KQL's default.
      const order = compare(x, y);
      if (order !== 0) {
        return descending ? -order : order;
      }
    }
    return 0;
  });
}

function applyOperator(node: SyntaxNode, input: KqlTable, now: number): KqlTable {
  const kind = typeName(node);
  const scopeFor = (operator: string): Scope => ({ columns: input.columns, operator, now });
  switch (kind) {
    case 'FilterOperator': {
      const condition = compileScalar(child(node, 'Condition'), scopeFor('where'));
      if (condition.type !== 'bool') {
        throw new KqlError('SemanticError', 'SEM0025', `'where' operator: the predicate must be a boolean expression, not ${condition.type}`);
      }
      return { columns: input.columns, rows: input.rows.filter((row) => condition.eval(row) === true) };
    }
    case 'ProjectOperator':
    case 'ExtendOperator': {
      const operator = kind === 'ProjectOperator' ? 'project' : 'extend';
      const scope = scopeFor(operator);
      const outputs: { column: KqlColumn; value: Compiled }[] = [];
      for (const item of elements(child(node, 'Expressions'))) {
        const { name, expression } = named(item);
        const value = compileScalar(expression, scope);
        outputs.push({ column: { name: name ?? defaultName(expression, [...input.columns, ...outputs.map((output) => output.column)]), type: value.type }, value });
      }
      if (operator === 'project') {
        return { columns: outputs.map((output) => output.column), rows: input.rows.map((row) => outputs.map((output) => output.value.eval(row))) };
      }
      const columns = [...input.columns];
      const places = outputs.map((output) => {
        const existing = columns.findIndex((column) => column.name === output.column.name);
        if (existing >= 0) {
          columns[existing] = output.column;
          return existing;
        }
        columns.push(output.column);
        return columns.length - 1;
      });
      return {
        columns,
        rows: input.rows.map((row) => {
          const next = [...row];
          outputs.forEach((output, index) => { next[places[index]] = output.value.eval(row); });
          return next;
        }),
      };
    }
    case 'SummarizeOperator': {
      const scope = scopeFor('summarize');
      const byClause = node.ByClause as SyntaxNode | null;
      const groups: { column: KqlColumn; value: Compiled }[] = [];
      for (const item of elements(byClause ? child(byClause, 'Expressions') : null)) {
        const { name, expression } = named(item);
        const value = compileScalar(expression, scope);
        groups.push({ column: { name: name ?? defaultName(expression, groups.map((group) => group.column)), type: value.type }, value });
      }
      const aggregates = elements(child(node, 'Aggregates')).map((item) => {
        const { name, expression } = named(item);
        return compileAggregate(expression, name, scope);
      });
      const buckets = new Map<string, { keys: KqlValue[]; states: unknown[] }>();
      for (const row of input.rows) {
        const keys = groups.map((group) => group.value.eval(row));
        const id = JSON.stringify(keys);
        let bucket = buckets.get(id);
        if (!bucket) {
          bucket = { keys, states: aggregates.map((aggregate) => aggregate.start()) };
          buckets.set(id, bucket);
        }
        bucket.states = bucket.states.map((state, index) => aggregates[index].add(state, row));
      }
      if (groups.length === 0 && buckets.size === 0) {
        buckets.set('[]', { keys: [], states: aggregates.map((aggregate) => aggregate.start()) });
      }
      return {
        columns: [...groups.map((group) => group.column), ...aggregates.map((aggregate) => ({ name: aggregate.name, type: aggregate.type }))],
        rows: [...buckets.values()].map((bucket) => [...bucket.keys, ...bucket.states.map((state, index) => aggregates[index].result(state))]),
      };
    }
    case 'SortOperator':
      return { columns: input.columns, rows: sortRows(input, sortKeys(elements(child(node, 'Expressions')), scopeFor('order'))) };
    case 'TopOperator': {
      const count = countOf(child(node, 'Expression'), scopeFor('top'), 'top');
      return { columns: input.columns, rows: sortRows(input, sortKeys([child(node, 'ByExpression')], scopeFor('top'))).slice(0, count) };
    }
    case 'TakeOperator':
      return { columns: input.columns, rows: input.rows.slice(0, countOf(child(node, 'Expression'), scopeFor('take'), 'take')) };
    case 'CountOperator':
      return { columns: [{ name: 'Count', type: 'long' }], rows: [[input.rows.length]] };
    default: {
      const keyword = String((node as unknown as { GetFirstToken(): { Text: string } }).GetFirstToken().Text);
      throw new KqlError('SemanticError', 'SEM0001', `The '${keyword}' operator is outside the subset of KQL this endpoint evaluates (where, project, extend, summarize, top, order by, sort by, take, limit, count)`);
    }
  }
}

/**
 * Evaluates `text` over `tables` (by name, as the query names them) at time `now` (epoch ms, for
 * `ago()` and `now()`). Throws `KqlError` for what Log Analytics would refuse.
 *
 *   evaluateKql("NTANetAnalytics | where DestPort == 443 | take 5", { NTANetAnalytics: table }, Date.now())
 */
export function evaluateKql(text: string, tables: Readonly<Record<string, KqlTable>>, now: number): KqlTable {
  const code = languageService().Kusto.Language.KustoCode.Parse(text);
  const diagnostics = code.GetDiagnostics();
  for (let index = 0; index < diagnostics.Count; index++) {
    const diagnostic = diagnostics.getItem(index);
    if (String(diagnostic.Severity).toLowerCase() === 'error') {
      const { line, pos } = positionOf(text, diagnostic.Start);
      const token = text.slice(diagnostic.Start, diagnostic.Start + Math.max(diagnostic.Length, 1)).trim() || '<end of query>';
      throw new KqlError('SyntaxError', 'SYN0002', `Query could not be parsed at '${token}' on line [${line},${pos}]`, { line, pos, token });
    }
  }
  const statements = elements(child(code.Syntax, 'Statements'));
  if (statements.length !== 1 || typeName(statements[0]) !== 'ExpressionStatement') {
    throw new KqlError('SemanticError', 'SEM0001', 'Only one tabular expression statement is evaluated here (no let, set or declare statements)');
  }
  const pipeline: SyntaxNode[] = [];
  let source = child(statements[0], 'Expression');
  while (typeName(source) === 'PipeExpression') {
    pipeline.unshift(child(source, 'Operator'));
    source = child(source, 'Expression');
  }
  if (typeName(source) !== 'NameReference') {
    throw new KqlError('SemanticError', 'SEM0001', `The query must start with a table name, not '${nodeText(source)}'`);
  }
  const tableName = String(source.SimpleName);
  const table = Object.entries(tables).find(([name]) => name === tableName)?.[1];
  if (!table) {
    throw new KqlError('SemanticError', 'SEM0100', `'${tableName}' could not be resolved: Failed to resolve table or column expression named '${tableName}'`);
  }
  return pipeline.reduce((current, operator) => applyOperator(operator, current, now), table);
}
