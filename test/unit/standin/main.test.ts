import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { createTestToken } from '../../standin/credential';

/** The built demo entry point (out/test/standin/main.js), next to this built test. */
const mainScript = join(__dirname, '..', '..', 'standin', 'main.js');

describe('stand-in command-line entry (built bundle)', function () {
  this.timeout(15000);

  it('starts, prints its URL and CA as JSON, serves ARM, and stops when stdin closes', async () => {
    const child = spawn(process.execPath, [mainScript, '--topology', 'demo', '--page-size', '10'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const end = buffer.indexOf('\n');
        if (end >= 0) {
          resolve(buffer.slice(0, end));
        }
      });
      child.on('exit', (code) => reject(new Error(`the stand-in exited early with ${code}`)));
    });
    const info = JSON.parse(firstLine) as { url: string; caPath: string; caBundlePath: string; tenantId: string; subscriptions: Array<{ name: string }> };
    assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.subscriptions.length, 4);
    const ca = readFileSync(info.caPath, 'utf8');
    assert.ok(readFileSync(info.caBundlePath, 'utf8').endsWith(ca), 'the bundle ends with the stand-in CA');
    const token = createTestToken({ tenantId: info.tenantId }).token;
    const body = await new Promise<string>((resolve, reject) => {
      request(`${info.url}/subscriptions?api-version=2022-12-01`, { ca, headers: { Authorization: `Bearer ${token}` } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
        response.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    assert.equal((JSON.parse(body) as { value: unknown[] }).value.length, 4);
    child.stdin.end();
    assert.equal(await exited, 0);
  });
});
