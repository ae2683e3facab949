/**
 * How the viewer shows times, counts, durations, directions and decisions. The table (in the
 * page) and the row details (from the worker) both use these, so a value reads the same in both.
 */

/** UTC time with milliseconds and no zone letter: 1663146003599 → `2022-09-14 09:00:03.599`. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '';
  }
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function formatCount(value: number | undefined): string {
  return value === undefined ? '' : value.toLocaleString('en-US');
}

/** 850 → `850 ms`, 12_900 → `12.9 s`, 772_757 → `12.9 min`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${ms} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 120) {
    return `${seconds.toFixed(1)} s`;
  }
  return `${(seconds / 60).toFixed(1)} min`;
}

export function formatDirection(direction: 'inbound' | 'outbound'): string {
  return direction === 'inbound' ? 'Inbound' : 'Outbound';
}

export function formatDecision(decision: 'allow' | 'deny'): string {
  return decision === 'allow' ? 'Allow' : 'Deny';
}

/** An address and port as one value: `10.0.0.4:443`, `[2001:db8::7]:443` (brackets keep an IPv6 port apart). */
export function formatEndpoint(ip: string, port: number | string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A VNet flow log's encryption code in words, the code kept: `X` → `Encrypted (X)`, `NX_LOCAL_DST` → `Not encrypted (NX_LOCAL_DST)`. */
export function formatEncryption(code: string): string {
  if (code === 'X') {
    return 'Encrypted (X)';
  }
  return code === 'NX' || code.startsWith('NX_') ? `Not encrypted (${code})` : code;
}
