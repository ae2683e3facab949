/**
 * One record's structure: its keys (category, time, resource IDs, MAC, versions), NSG rules and
 * MAC groups, VNet ACLs and flow groups, down to their flowTuples lists; and the contexts that
 * the tuples of one rule group share.
 */
import { ParseError, describeByte, needFraming, quoteForMessage } from './decodeProblem';
import type { FlowLogFormat, RecordContext } from './flowTable';
import { COMMA, LBRACE, LBRACKET, RBRACE, RBRACKET, frameValue } from './jsonBytes';
import { RecordChecks } from './recordChecks';
import { Layout } from './tupleText';

const nsgCategory = 'NetworkSecurityGroupFlowEvent';
const vnetCategory = 'FlowLogFlowEvent';

export interface RecordHeader {
  time?: string;
  category?: string;
  resourceId?: string;
  macAddress?: string;
  nsgVersion?: number;
  flowLogVersion?: number;
  flowLogResourceId?: string;
  targetResourceId?: string;
  /** NSG: the NSG's system GUID. */
  systemId?: string;
  /** VNet: the flow-log resource's GUID. */
  flowLogGuid?: string;
  operationName?: string;
}

/** Format label for `DecodeResult.formats`. */
export function formatLabel(format: FlowLogFormat, version: number): string {
  return format === 'nsg' ? `NSG flow log v${version}` : `VNet flow log v${version}`;
}

export abstract class RecordParser extends RecordChecks {
  readonly formats: string[] = [];
  protected lastFormat: FlowLogFormat | undefined;
  protected lastVersion = -1;
  protected nestedDepth = 0;
  protected nestedListsDecoded = 0;
  protected optimistic = false;
  protected nsgLayoutInferred = false;

  /** Decodes the record object at `start` (rolled back when it fails); the position after it. */
  protected abstract decodeRecord(start: number): number;

  /** Whether the top level is inside a records list (a nested list there is worth a warning). */
  protected abstract isInRecordsList(): boolean;

  protected newContext(format: FlowLogFormat, version: number): number {
    const context: RecordContext = {
      recordIndex: this.records,
      recordOffset: 0,
      recordTime: '',
      format,
      version,
      resourceId: '',
      mac: '',
      rule: '',
      operationName: undefined,
    };
    if (format === 'vnet') {
      context.targetResourceId = undefined;
      context.aclId = '';
      context.flowLogGuid = undefined;
    } else {
      context.systemId = undefined;
    }
    this.table.contexts.push(context);
    return this.table.contexts.length - 1;
  }

  protected noteFormat(format: FlowLogFormat, version: number): void {
    if (format === this.lastFormat && version === this.lastVersion) {
      return;
    }
    this.lastFormat = format;
    this.lastVersion = version;
    const label = formatLabel(format, version);
    if (!this.formats.includes(label)) {
      this.formats.push(label);
    }
  }

  protected parseRecord(start: number): { end: number; isList: boolean; header: RecordHeader } {
    const buf = this.buf;
    let p = this.ws(start);
    if (buf[p] !== LBRACE) {
      throw new ParseError(p, `expected a record object, found ${describeByte(buf[p])}`);
    }
    const header: RecordHeader = {
      time: undefined,
      category: undefined,
      resourceId: undefined,
      macAddress: undefined,
      nsgVersion: undefined,
      flowLogVersion: undefined,
      flowLogResourceId: undefined,
      targetResourceId: undefined,
      systemId: undefined,
      flowLogGuid: undefined,
      operationName: undefined,
    };
    let propertiesAt = -1;
    let flowRecordsAt = -1;
    let nestedLists = 0;
    let keys = 0;
    let parsedFlows: FlowLogFormat | undefined;
    p = this.ws(p + 1);
    if (buf[p] !== RBRACE) {
      for (;;) {
        const key = this.readKey(p);
        p = this.cursor;
        keys++;
        switch (key) {
          case 'time':
            header.time = this.readString(p);
            break;
          case 'category':
            header.category = this.readCached(p);
            break;
          case 'resourceId':
          case 'resourceid':
            header.resourceId = this.readCached(p);
            break;
          case 'macAddress':
            header.macAddress = this.readCached(p);
            break;
          case 'flowLogVersion':
            header.flowLogVersion = this.readNumber(p);
            break;
          case 'flowLogResourceID':
            header.flowLogResourceId = this.readCached(p);
            break;
          case 'targetResourceID':
            header.targetResourceId = this.readCached(p);
            break;
          case 'systemId':
            header.systemId = this.readOptionalString(p);
            break;
          case 'flowLogGUID':
            header.flowLogGuid = this.readOptionalString(p);
            break;
          case 'operationName':
            header.operationName = this.readOptionalString(p);
            break;
          case 'properties':
            if (header.category === nsgCategory) {
              this.parseNsgProperties(p);
              parsedFlows = 'nsg';
            } else {
              propertiesAt = p;
              this.cursor = this.skipValue(p, 0);
            }
            break;
          case 'flowRecords':
            if (header.category === vnetCategory) {
              this.parseVnetFlowRecords(p);
              parsedFlows = 'vnet';
            } else {
              flowRecordsAt = p;
              this.cursor = this.skipValue(p, 0);
            }
            break;
          case 'records':
            if (buf[p] === LBRACKET) {
              nestedLists++;
              this.parseNestedList(p, start);
            } else {
              this.cursor = this.skipValue(p, 0);
            }
            break;
          default:
            this.cursor = this.skipValue(p, 0);
        }
        p = this.ws(this.cursor);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACE) {
          break;
        }
        throw new ParseError(p, `expected ',' or '}' after the value of ${quoteForMessage(key)}, found ${describeByte(buf[p])}`);
      }
    }
    const end = p + 1;
    if (nestedLists > 0 && keys === nestedLists) {
      return { end, isList: true, header };
    }
    let format: FlowLogFormat | undefined;
    if (header.category === nsgCategory || (header.category === undefined && propertiesAt >= 0 && flowRecordsAt < 0)) {
      format = 'nsg';
    } else if (header.category === vnetCategory || (header.category === undefined && flowRecordsAt >= 0 && propertiesAt < 0)) {
      format = 'vnet';
    }
    if (format === undefined) {
      const what = header.category === undefined ? 'no category and no properties.flows or flowRecords' : `category ${quoteForMessage(header.category)}`;
      throw new ParseError(start, `unknown record (${what}); expected an NSG flow log (${nsgCategory}) or VNet flow log (${vnetCategory}) record`);
    }
    if (parsedFlows === undefined) {
      const saved = this.cursor;
      if (format === 'nsg') {
        if (propertiesAt < 0) {
          this.throwMissingList(start, 'properties', `the NSG flow log record (category ${quoteForMessage(nsgCategory)})`);
        }
        this.parseNsgProperties(propertiesAt);
      } else {
        if (flowRecordsAt < 0) {
          this.throwMissingList(start, 'flowRecords', `the VNet flow log record (category ${quoteForMessage(vnetCategory)})`);
        }
        this.parseVnetFlowRecords(flowRecordsAt);
      }
      this.cursor = saved;
    }
    this.completeContexts(format, header, start);
    if (header.time !== undefined && this.table.length > this.recordRowStart) {
      this.checkTupleTimes(header.time, start, end);
    }
    return { end, isList: false, header };
  }

  /** A `records` list inside a record: flattened, each element decoded as a record. */
  protected parseNestedList(p: number, ownerStart: number): void {
    const buf = this.buf;
    if (this.nestedDepth > 8) {
      throw new ParseError(p, 'records lists nested too deeply');
    }
    if (this.optimistic) {
      throw needFraming;
    }
    const isInsideList = this.isInRecordsList() || this.nestedDepth > 0;
    if (isInsideList) {
      this.report({
        severity: 'warning',
        code: 'nested-records',
        message: 'this item of the records list is itself a {"records":[…]} list; its records were read as if listed at the top level',
        offset: this.base + ownerStart,
        recordIndex: this.records,
      });
    }
    this.nestedDepth++;
    this.nestedListsDecoded++;
    try {
      p = this.ws(p + 1);
      if (buf[p] === RBRACKET) {
        this.cursor = p + 1;
        return;
      }
      for (;;) {
        if (buf[p] !== LBRACE) {
          throw new ParseError(p, `expected a record object in the records list, found ${describeByte(buf[p])}`);
        }
        const elementEnd = frameValue(buf, p, this.limit);
        if (elementEnd < 0) {
          throw new ParseError(p, 'record not closed');
        }
        const savedLimit = this.limit;
        this.limit = elementEnd;
        this.decodeRecord(p);
        this.limit = savedLimit;
        p = this.ws(elementEnd);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACKET) {
          this.cursor = p + 1;
          return;
        }
        throw new ParseError(p, `expected ',' or ']' in the records list, found ${describeByte(buf[p])}`);
      }
    } finally {
      this.nestedDepth--;
    }
  }

  protected completeContexts(format: FlowLogFormat, header: RecordHeader, start: number): void {
    const recordOffset = this.base + start;
    const recordTime = header.time ?? '';
    let version: number;
    let resourceId: string;
    if (format === 'nsg') {
      version = header.nsgVersion ?? 0;
      resourceId = this.intern(header.resourceId ?? '');
    } else {
      version = header.flowLogVersion ?? 4;
      resourceId = this.intern(header.flowLogResourceId ?? '');
      if (version !== 4) {
        this.report({
          severity: 'warning',
          code: 'unknown-version',
          message: `flowLogVersion ${version} is not documented; tuples were read with the version 4 layout`,
          offset: recordOffset,
          recordIndex: this.records,
        });
      }
    }
    if (header.time === undefined) {
      this.report({ severity: 'warning', code: 'missing-field', message: 'the record has no time', offset: recordOffset, recordIndex: this.records });
    }
    const targetResourceId = header.targetResourceId === undefined ? undefined : this.intern(header.targetResourceId);
    const recordMac = header.macAddress === undefined ? '' : this.mac(header.macAddress);
    const contexts = this.table.contexts;
    for (let c = this.recordContextStart; c < contexts.length; c++) {
      const context = contexts[c];
      context.recordOffset = recordOffset;
      context.recordTime = recordTime;
      context.resourceId = resourceId;
      if (context.version === 0) {
        context.version = version;
      }
      if (context.mac === '') {
        context.mac = recordMac;
      }
      context.operationName = header.operationName;
      if (format === 'vnet') {
        context.targetResourceId = targetResourceId;
        context.flowLogGuid = header.flowLogGuid;
        context.version = version;
      } else {
        context.systemId = header.systemId;
      }
      this.noteFormat(format, context.version);
    }
    if (this.recordContextStart === contexts.length && version !== 0) {
      this.noteFormat(format, version);
    }
  }

  protected parseNsgProperties(p: number): void {
    const buf = this.buf;
    if (buf[p] !== LBRACE) {
      throw new ParseError(p, `expected properties to be an object, found ${describeByte(buf[p])}`);
    }
    const propertiesAt = p;
    let version: number | undefined;
    let flowsAt = -1;
    let hasFlows = false;
    p = this.ws(p + 1);
    if (buf[p] !== RBRACE) {
      for (;;) {
        const key = this.readKey(p);
        p = this.cursor;
        if (key === 'Version' || key === 'version') {
          version = this.readNumber(p);
        } else if (key === 'flows') {
          hasFlows = true;
          if (version !== undefined) {
            this.parseNsgRules(p, version);
          } else {
            flowsAt = p;
            this.cursor = this.skipValue(p, 0);
          }
        } else {
          this.cursor = this.skipValue(p, 0);
        }
        p = this.ws(this.cursor);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACE) {
          break;
        }
        throw new ParseError(p, `expected ',' or '}' in properties, found ${describeByte(buf[p])}`);
      }
    }
    const end = p + 1;
    if (flowsAt >= 0) {
      this.parseNsgRules(flowsAt, version ?? 0);
    }
    if (!hasFlows) {
      this.reportMissingList(propertiesAt, 'flows', 'properties');
    }
    this.cursor = end;
  }

  /** `[{rule, flows: [{mac, flowTuples: [...]}]}]` */
  protected parseNsgRules(p: number, version: number): void {
    const buf = this.buf;
    let layout: Layout;
    if (version === 1) {
      layout = Layout.nsg1;
    } else if (version === 2) {
      layout = Layout.nsg2;
    } else if (version === 0) {
      layout = Layout.nsgUnknown;
      if (!this.nsgLayoutInferred) {
        this.nsgLayoutInferred = true;
        this.report({
          severity: 'warning',
          code: 'unknown-version',
          message: 'NSG record without properties.Version: each tuple was read as version 1 or 2 from its field count',
          offset: this.base + p,
          recordIndex: this.records,
        });
      }
    } else {
      // Like an unknown flowLogVersion: read what is recognisable rather than drop the record.
      layout = Layout.nsgUnknown;
      this.report({
        severity: 'warning',
        code: 'unknown-version',
        message: `properties.Version ${version} is not documented (versions 1 and 2 are); each tuple was read as version 1 or 2 from its field count`,
        offset: this.base + p,
        recordIndex: this.records,
      });
    }
    const contexts = this.table.contexts;
    let ruleIndex = 0;
    for (let q = this.arrayFirst(p, 'properties.flows'); q >= 0; q = this.arrayNext('properties.flows'), ruleIndex++) {
      if (buf[q] !== LBRACE) {
        throw new ParseError(q, `expected a rule object in properties.flows, found ${describeByte(buf[q])}`);
      }
      // Contexts of this rule are contiguous from here; the rule name may come after its flows.
      const ruleContextStart = contexts.length;
      let rule = '';
      let hasFlows = false;
      for (let r = this.objectFirst(q, 'rule object'); r >= 0; r = this.objectNext('rule object')) {
        const key = this.readKey(r);
        const valueAt = this.cursor;
        if (key === 'rule') {
          rule = this.readCached(valueAt);
          for (let c = ruleContextStart; c < contexts.length; c++) {
            contexts[c].rule = rule;
          }
        } else if (key === 'flows') {
          hasFlows = true;
          let macIndex = 0;
          for (let t = this.arrayFirst(valueAt, 'flows'); t >= 0; t = this.arrayNext('flows'), macIndex++) {
            const contextIndex = this.newContext('nsg', version);
            const context = contexts[contextIndex];
            context.rule = rule;
            let hasTuples = false;
            for (let u = this.objectFirst(t, 'MAC group'); u >= 0; u = this.objectNext('MAC group')) {
              const innerKey = this.readKey(u);
              const at = this.cursor;
              if (innerKey === 'mac') {
                context.mac = this.mac(this.readCached(at));
              } else if (innerKey === 'flowTuples') {
                hasTuples = true;
                this.parseTuples(at, layout, contextIndex);
              } else {
                this.cursor = this.skipValue(at, 0);
              }
            }
            if (!hasTuples) {
              this.reportMissingList(t, 'flowTuples', `properties.flows[${ruleIndex}].flows[${macIndex}]`);
            }
          }
        } else {
          this.cursor = this.skipValue(valueAt, 0);
        }
      }
      if (!hasFlows) {
        this.reportMissingList(q, 'flows', `properties.flows[${ruleIndex}]`);
      }
    }
  }

  /** `{flows: [{aclID, flowGroups: [{rule, flowTuples: [...]}]}]}` */
  protected parseVnetFlowRecords(p: number): void {
    const contexts = this.table.contexts;
    let hasFlows = false;
    for (let q = this.objectFirst(p, 'flowRecords'); q >= 0; q = this.objectNext('flowRecords')) {
      const key = this.readKey(q);
      const valueAt = this.cursor;
      if (key !== 'flows') {
        this.cursor = this.skipValue(valueAt, 0);
        continue;
      }
      hasFlows = true;
      let aclIndex = 0;
      for (let r = this.arrayFirst(valueAt, 'flowRecords.flows'); r >= 0; r = this.arrayNext('flowRecords.flows'), aclIndex++) {
        const aclContextStart = contexts.length;
        let aclId = '';
        let hasGroups = false;
        for (let s = this.objectFirst(r, 'ACL object'); s >= 0; s = this.objectNext('ACL object')) {
          const aclKey = this.readKey(s);
          const aclValueAt = this.cursor;
          if (aclKey === 'aclID') {
            aclId = this.readCached(aclValueAt);
            for (let c = aclContextStart; c < contexts.length; c++) {
              contexts[c].aclId = aclId;
            }
          } else if (aclKey === 'flowGroups') {
            hasGroups = true;
            let groupIndex = 0;
            for (let t = this.arrayFirst(aclValueAt, 'flowGroups'); t >= 0; t = this.arrayNext('flowGroups'), groupIndex++) {
              const contextIndex = this.newContext('vnet', 4);
              const context = contexts[contextIndex];
              context.aclId = aclId;
              let hasTuples = false;
              for (let u = this.objectFirst(t, 'flow group'); u >= 0; u = this.objectNext('flow group')) {
                const groupKey = this.readKey(u);
                const at = this.cursor;
                if (groupKey === 'rule') {
                  context.rule = this.readCached(at);
                } else if (groupKey === 'flowTuples') {
                  hasTuples = true;
                  this.parseTuples(at, Layout.vnet, contextIndex);
                } else {
                  this.cursor = this.skipValue(at, 0);
                }
              }
              if (!hasTuples) {
                this.reportMissingList(t, 'flowTuples', `flowRecords.flows[${aclIndex}].flowGroups[${groupIndex}]`);
              }
            }
          } else {
            this.cursor = this.skipValue(aclValueAt, 0);
          }
        }
        if (!hasGroups) {
          this.reportMissingList(r, 'flowGroups', `flowRecords.flows[${aclIndex}]`);
        }
      }
    }
    if (!hasFlows) {
      this.reportMissingList(p, 'flows', 'flowRecords');
    }
  }
}
