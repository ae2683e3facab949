import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCaptureStorage } from '../../../../src/wizards/packetCapture/gather';
import { bytesPerSessionPrompt, captureLimits, describeBytes, timeLimitPrompt, validateBytesPerPacket, validateBytesPerSession, validateTimeLimit } from '../../../../src/wizards/packetCapture/checks';

interface Limit { minimum?: number; maximum?: number; default?: number }

/** PacketCaptureParameters as the vendored Microsoft.Network 2026-01-01 definitions declare it. */
function definedLimits(): Record<'timeLimitInSeconds' | 'bytesToCapturePerPacket' | 'totalBytesPerSession', Limit> {
  const file = join(process.cwd(), 'test/fixtures/rest/specification/network/resource-manager/Microsoft.Network/stable/2026-01-01/networkWatcher.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { definitions: { PacketCaptureParameters: { properties: Record<string, Limit> } } };
  const { properties } = spec.definitions.PacketCaptureParameters;
  return { timeLimitInSeconds: properties.timeLimitInSeconds, bytesToCapturePerPacket: properties.bytesToCapturePerPacket, totalBytesPerSession: properties.totalBytesPerSession };
}

describe('packet capture limits the wizard quotes (REST definitions and Microsoft Learn)', () => {
  it('match the definitions\' maxima and defaults: 18000 s (5 hours), 4294967295 bytes, 1 GB per session', () => {
    const defined = definedLimits();
    assert.equal(captureLimits.maxTimeLimitSeconds, defined.timeLimitInSeconds.maximum);
    assert.equal(captureLimits.azureDefaultTimeLimitSeconds, defined.timeLimitInSeconds.default);
    assert.equal(captureLimits.maxBytes, defined.bytesToCapturePerPacket.maximum);
    assert.equal(captureLimits.maxBytes, defined.totalBytesPerSession.maximum);
    assert.equal(captureLimits.azureDefaultBytesPerSession, defined.totalBytesPerSession.default);
    assert.equal(defined.bytesToCapturePerPacket.default, 0, 'whole packets unless asked');
    assert.equal(captureLimits.maxTimeLimitSeconds, 5 * 3600, 'Learn: "Up to 5 hours (18,000 seconds)"');
    assert.equal(describeBytes(captureLimits.azureDefaultBytesPerSession), '1073741824 bytes (1 GB)', 'Learn: "Up to 1 GB is captured if left blank"');
  });

  it('quotes those limits in the questions and enforces exactly them', () => {
    assert.match(timeLimitPrompt, /\(1 to 18000, at most 5 hours/);
    assert.match(bytesPerSessionPrompt, /at most 4294967295 bytes, just under 4 GB/);
    assert.equal(validateTimeLimit(String(captureLimits.maxTimeLimitSeconds)), undefined);
    assert.match(validateTimeLimit(String(captureLimits.maxTimeLimitSeconds + 1)) ?? '', /from 1 to 18000/);
    assert.equal(validateBytesPerPacket('0'), undefined, '0 keeps whole packets, as Learn says');
    assert.equal(validateBytesPerPacket(String(captureLimits.maxBytes)), undefined);
    assert.match(validateBytesPerPacket(String(captureLimits.maxBytes + 1)) ?? '', /4294967295 bytes \(just under 4 GB\)/);
    assert.equal(validateBytesPerSession(String(captureLimits.maxBytes)), undefined);
    assert.match(validateBytesPerSession('4 GB') ?? '', /to 4294967295 bytes/, '4 GB itself is one byte too many');
  });
});

describe('packet capture storage: standard accounts only', () => {
  it('never picks a premium account for the defaults', () => {
    const vm = { location: 'germanywestcentral', subscriptionId: 'sub' };
    const account = (name: string, sku: string, kind = 'StorageV2') => ({ armId: `/x/${name}`, name, location: 'germanywestcentral', subscriptionId: 'sub', resourceGroup: 'rg', sku, kind });
    assert.equal(defaultCaptureStorage([account('stpremium', 'Premium_LRS')], vm), undefined);
    assert.equal(defaultCaptureStorage([account('stfiles', 'Premium_LRS', 'FileStorage'), account('ststandard', 'Standard_LRS')], vm)?.name, 'ststandard');
  });
});
