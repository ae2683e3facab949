import assert from 'node:assert/strict';
import { escapeMarkdown, previewFileName, renderPreview } from '../../../../src/wizards/shared/preview';
import { action, check, plan, subscriptionId } from './builders';

describe('plan preview', () => {
  it('shows the title, summary, checks with their marks, and numbered actions with subscription and dependencies', () => {
    const markdown = renderPreview(
      plan({
        checks: [
          check({ id: 'c1', title: 'NSG exists', status: 'passed', detail: 'nsg-web is in germanywestcentral' }),
          check({ id: 'c2', title: 'Watcher', status: 'fixed', detail: 'No Network Watcher in germanywestcentral', fixedBy: ['a1'] }),
          check({ id: 'c3', title: 'Retention', status: 'warning', detail: 'Retention is off' }),
        ],
        actions: [action({ id: 'a1' }), action({ id: 'a2', dependsOn: ['a1'], impact: 'Blocks no traffic' })],
      }),
    );
    assert.match(markdown, /^# Allow HTTPS on nsg-web\n\nAdds one inbound rule\.\n/);
    assert.match(markdown, /- ✓ \*\*NSG exists\*\*: nsg-web is in germanywestcentral/);
    assert.match(markdown, /- → \*\*Watcher\*\*: No Network Watcher in germanywestcentral \(done by action 1 on Apply\)/);
    assert.match(markdown, /- ! \*\*Retention\*\*: Retention is off/);
    assert.match(markdown, /^1\. \*\*Create\*\* rule-a1 \(`Microsoft\.Network\/networkSecurityGroups\/securityRules`\)$/m);
    assert.match(markdown, /^2\. \*\*Create\*\* rule-a2/m);
    assert.match(markdown, new RegExp(`Subscription \`${subscriptionId}\``));
    assert.match(markdown, /Depends on action 1/);
    assert.match(markdown, /Impact: Blocks no traffic/);
    assert.match(markdown, /Apply sends 2 requests\. Nothing is sent before Apply\./);
  });

  it('names the subscription next to its id when the tree knows it', () => {
    const markdown = renderPreview(plan({ actions: [action({ id: 'a1' })] }), { subscriptionNames: new Map([[subscriptionId.toLowerCase(), 'Contoso *Prod*']]) });
    assert.ok(markdown.includes(`   - Subscription Contoso \\*Prod\\* (\`${subscriptionId}\`)\n`), markdown);
  });

  it("names the preview's file after the plan, cut at a word boundary", () => {
    assert.equal(previewFileName('Peer vnet-dev with vnet-hub'), 'Peer-vnet-dev-with-vnet-hub.md');
    assert.equal(previewFileName('Mirror 1 NIC to nic-collector-01 › ipconfig1 (virtual network TAP vtap-collectors)'), 'Mirror-1-NIC-to-nic-collector-01-ipconfig1-virtual-network….md');
    assert.equal(previewFileName('***'), 'plan.md');
  });

  it('says which checks block Apply', () => {
    const markdown = renderPreview(plan({ checks: [check({ title: 'Same region', status: 'failed', detail: 'nic-1 is in westus2, the TAP in eastus' })] }));
    assert.match(markdown, /- ✗ \*\*Same region\*\*: nic-1 is in westus2, the TAP in eastus/);
    assert.match(markdown, /\*\*Apply is not offered:\*\* a check failed \(Same region\)\. Go Back to change the answers/);
    const remedy = { id: 'peer', label: 'Peer with Hub…', detail: 'vnet-hub with vnet-dev', command: 'trafficLens.createPeering', resourceIds: [] };
    const fixable = renderPreview(plan({ checks: [check({ title: 'Sources reach the destination', status: 'failed' })], remedies: [remedy] }));
    assert.match(fixable, /The review offers \*\*Peer with Hub…\*\* \(vnet-hub with vnet-dev\) to fix it, or Back to change the answers\./);
  });

  it('shows actions already in place as kept, and updates as updates', () => {
    const markdown = renderPreview(plan({ actions: [action({ id: 'a1', existing: 'same' }), action({ id: 'a2', existing: 'differs', query: { syncRemoteAddressSpace: 'true' } })] }));
    assert.match(markdown, /^1\. \*\*Keep\*\* rule-a1 .* — already in place, kept$/m);
    assert.match(markdown, /^2\. \*\*Update\*\* rule-a2/m);
    assert.match(markdown, /- With `syncRemoteAddressSpace=true`/);
    assert.match(markdown, /Apply sends 1 request; 1 already in place is kept\./);
  });

  it('labels the estimate with its inputs and lists warnings', () => {
    const markdown = renderPreview(
      plan({
        warnings: ['Virtual network TAP is in preview here.'],
        estimate: { title: 'Monthly flow-log volume', lines: ['About 12 GB a month'], inputs: ['3 NICs', '40 flows per second'] },
      }),
    );
    assert.match(markdown, /## Warnings\n\n- ⚠ Virtual network TAP is in preview here\./);
    assert.match(markdown, /## Estimate: Monthly flow-log volume\n\n- About 12 GB a month\n\nEstimate inputs:\n\n- 3 NICs\n- 40 flows per second/);
  });

  it('escapes names and messages from Azure so they cannot format, link or inject HTML', () => {
    const markdown = renderPreview(
      plan({
        title: 'Peer <img src=x onerror=alert(1)> [click](https://evil)',
        summary: ['# not a heading', '1. not a list'],
        checks: [check({ detail: 'nsg_*bold*\nsecond line' })],
        actions: [action({ title: 'Create `rule` | x', resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/a`b' })],
      }),
    );
    assert.doesNotMatch(markdown, /(^|[^\\])<img/m, 'no raw HTML');
    assert.match(markdown, /\\<img src=x onerror=alert\(1\)\\> \\\[click\\\]\(https:\/\/evil\)/);
    assert.match(markdown, /^\\# not a heading$/m);
    assert.match(markdown, /^1\\\. not a list$/m);
    assert.match(markdown, /nsg\\_\\\*bold\\\* second line/);
    assert.match(markdown, /Create \\`rule\\` \\\| x/);
    assert.match(markdown, /`\/subscriptions\/s\/.*\/securityRules\/a'b`/, 'a backtick inside a code span becomes a quote');
  });

  it('shows each put action\'s request body as a JSON block inside its list item, and none for a delete or post', () => {
    const markdown = renderPreview(plan({ actions: [action({ id: 'a1' }), action({ id: 'a2', kind: 'delete', body: undefined }), action({ id: 'a3', kind: 'post', operation: 'start', body: undefined })] }));
    const block = ['   ```json', '   {', '     "properties": {', '       "priority": 100,', '       "direction": "Inbound",', '       "access": "Allow",', '       "protocol": "Tcp"', '     }', '   }', '   ```'].join('\n');
    assert.ok(markdown.includes(`Request body:\n\n${block}\n`), markdown);
    assert.ok(markdown.indexOf(block) > markdown.indexOf('1. **Create** rule-a1') && markdown.indexOf(block) < markdown.indexOf('2. **Delete**'), 'the body follows its action');
    assert.equal(markdown.split('Request body:').length - 1, 1, 'only the put has a body');
  });

  it('fences a request body longer than any backtick run in it, so a value cannot close the block', () => {
    const markdown = renderPreview(plan({ actions: [action({ body: { properties: { description: 'x ```` y\n# heading\n```' } } })] }));
    assert.match(markdown, /^ {3}`{5}json$/m);
    const fences = markdown.split('\n').filter((line) => /^\s*`{3,}/.test(line));
    assert.deepEqual(fences, ['   `````json', '   `````']);
    assert.match(markdown, /"description": "x ```` y\\n# heading\\n```"/);
  });

  it('escapes markdown characters one by one', () => {
    assert.equal(escapeMarkdown('nsg_[prod]*'), 'nsg\\_\\[prod\\]\\*');
    assert.equal(escapeMarkdown('- item'), '\\- item');
    assert.equal(escapeMarkdown('10.1.0.0/16 & more'), '10.1.0.0/16 \\& more');
    assert.equal(escapeMarkdown('-5 dB'), '-5 dB');
  });
});
