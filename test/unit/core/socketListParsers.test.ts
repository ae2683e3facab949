import assert from 'node:assert/strict';
import type { SnapshotSocket } from '../../../src/core/connectionSnapshot';
import { parseSsOutput, parseSsUsers, parseWindowsSocketList, runCommandStreams, snapshotCommands } from '../../../src/core/socketListParsers';

/** One socket as a line a person reads: `TCP ESTABLISHED 10.1.1.4:51724 -> 10.1.2.4:8080 nginx/813`. */
function line(socket: SnapshotSocket): string {
  const process = socket.process ? ` ${socket.process.name}${socket.process.pid === undefined ? '' : `/${socket.process.pid}`}` : '';
  const others = socket.otherProcesses ? ` +${socket.otherProcesses.map((other) => `${other.name}/${other.pid}`).join(',')}` : '';
  const remote = socket.remote ? ` -> ${socket.remote.address}:${socket.remote.port}` : '';
  return `${socket.protocol} ${socket.state} ${socket.local.address}:${socket.local.port}${remote}${process}${others}`;
}

// iproute2 6.1 (Debian 12, Ubuntu 24.04) as Run Command runs it (root), header included.
const ssModern = [
  'Netid State  Recv-Q Send-Q                   Local Address:Port    Peer Address:Port Process                                                                      ',
  'udp   UNCONN 0      0                        127.0.0.54:53           0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=16))                                   ',
  'udp   UNCONN 0      0                     127.0.0.53%lo:53           0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=14))                                   ',
  'udp   UNCONN 0      0                    10.1.1.4%eth0:68           0.0.0.0:*     users:(("systemd-network",pid=598,fd=23))                                   ',
  'udp   UNCONN 0      0        [fe80::20d:3aff:fe7a:1001]%eth0:546            [::]:*     users:(("systemd-network",pid=598,fd=26))                                   ',
  'tcp   LISTEN 0      511                         0.0.0.0:443          0.0.0.0:*     users:(("nginx",pid=1013,fd=7),("nginx",pid=1012,fd=7),("nginx",pid=1011,fd=7))',
  'tcp   LISTEN 0      4096                        0.0.0.0:22           0.0.0.0:*     users:(("sshd",pid=890,fd=3))                                               ',
  'tcp   LISTEN 0      4096                  127.0.0.53%lo:53           0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=15))                                   ',
  'tcp   ESTAB  0      0                          10.1.1.4:443         10.0.2.4:50110 users:(("nginx",pid=1013,fd=12))                                            ',
  'tcp   ESTAB  0      0                          10.1.1.4:51724       10.1.2.4:8080  users:(("nginx",pid=1012,fd=19))                                            ',
  'tcp   TIME-WAIT 0   0                          10.1.1.4:51702       10.1.2.5:8080                                                                              ',
  'tcp   ESTAB  0      0                          10.1.1.4:22          10.0.2.4:61002 users:(("sshd",pid=2231,fd=4),("sshd",pid=2110,fd=4))                      ',
  'tcp   SYN-SENT 0    1                          10.1.1.4:40112   168.63.129.16:80   users:(("python3",pid=744,fd=5))                                            ',
  'tcp   LISTEN 0      511                            [::]:443             [::]:*     users:(("nginx",pid=1013,fd=8),("nginx",pid=1012,fd=8),("nginx",pid=1011,fd=8))',
  'tcp   LISTEN 0      4096                           [::]:22              [::]:*     users:(("sshd",pid=890,fd=4))                                               ',
  'tcp   ESTAB  0      0              [::ffff:10.1.1.4]:8443 [::ffff:10.1.2.3]:443   users:(("java",pid=2211,fd=88))                                             ',
  'tcp   ESTAB  0      0                   [fd00:1:1::4]:443  [fd00:1:2::9]:50412 users:(("nginx",pid=1011,fd=30))                                            ',
].join('\n');

// iproute2 4.11 (CentOS 7): no brackets around IPv6 addresses, `*` for any.
const ssOld = [
  'Netid  State      Recv-Q Send-Q Local Address:Port               Peer Address:Port              ',
  'udp    UNCONN     0      0         *:68                    *:*                   users:(("dhclient",pid=1019,fd=6))',
  'tcp    LISTEN     0      128       *:22                    *:*                   users:(("sshd",pid=1305,fd=3))',
  'tcp    LISTEN     0      128      :::22                   :::*                   users:(("sshd",pid=1305,fd=4))',
  'tcp    ESTAB      0      0      ::ffff:10.1.2.6:8080      ::ffff:10.1.1.5:39122   users:(("java",pid=3377,fd=120))',
  'tcp    ESTAB      0      0      ::1:25                   ::1:48812               users:(("master",pid=1490,fd=13))',
].join('\n');

// Process names ss prints as the kernel has them: spaces, quotes, commas, parentheses.
const ssOddNames = [
  'tcp   LISTEN 0      128     127.0.0.1:9000      0.0.0.0:*     users:(("tmux: server",pid=4021,fd=9))',
  'tcp   ESTAB  0      0        10.1.2.4:8080     10.1.1.4:51724 users:(("Web Content",pid=5110,fd=41))',
  'tcp   ESTAB  0      0        10.1.2.4:41800    10.1.3.4:1433  users:(("(sd-pam)",pid=77,fd=3))',
  'tcp   ESTAB  0      0        10.1.2.4:41802    10.1.3.4:1433  users:(("we"ird,na(me)",pid=78,fd=3))',
  'tcp   ESTAB  0      0        10.1.2.4:41804    10.1.3.4:1433  users:(("a),(b",pid=79,fd=3),("a),(b",pid=80,fd=3))',
  'udp   ESTAB  0      0        10.1.2.4:50000  168.63.129.16:53   users:(("kworker/0:1-ev",pid=81,fd=3))',
].join('\n');

describe('socket list parsers: ss', () => {
  it('reads listeners, connections, IPv6, mapped IPv4 and scoped addresses from iproute2 6', () => {
    const listing = parseSsOutput(ssModern);
    assert.equal(listing.skippedCount, 0);
    assert.deepEqual(listing.sockets.map(line), [
      'TCP LISTEN 0.0.0.0:22 sshd/890',
      'TCP LISTEN :::22 sshd/890',
      'TCP LISTEN 127.0.0.53:53 systemd-resolve/612',
      'TCP LISTEN 0.0.0.0:443 nginx/1011 +nginx/1012,nginx/1013',
      'TCP LISTEN :::443 nginx/1011 +nginx/1012,nginx/1013',
      'UDP UNCONN 127.0.0.53:53 systemd-resolve/612',
      'UDP UNCONN 127.0.0.54:53 systemd-resolve/612',
      'UDP UNCONN 10.1.1.4:68 systemd-network/598',
      'UDP UNCONN fe80::20d:3aff:fe7a:1001:546 systemd-network/598',
      'TCP ESTABLISHED 10.1.1.4:443 -> 10.0.2.4:50110 nginx/1013',
      'TCP ESTABLISHED 10.1.1.4:22 -> 10.0.2.4:61002 sshd/2110 +sshd/2231',
      'TCP ESTABLISHED 10.1.1.4:8443 -> 10.1.2.3:443 java/2211',
      'TCP ESTABLISHED 10.1.1.4:51724 -> 10.1.2.4:8080 nginx/1012',
      'TCP TIME_WAIT 10.1.1.4:51702 -> 10.1.2.5:8080',
      'TCP SYN_SENT 10.1.1.4:40112 -> 168.63.129.16:80 python3/744',
      'TCP ESTABLISHED fd00:1:1::4:443 -> fd00:1:2::9:50412 nginx/1011',
    ]);
  });

  it('reads the old unbracketed IPv6 style and `*` for any address', () => {
    const listing = parseSsOutput(ssOld);
    assert.equal(listing.skippedCount, 0);
    assert.deepEqual(listing.sockets.map(line), [
      'TCP LISTEN :::22 sshd/1305',
      'TCP LISTEN *:22 sshd/1305',
      'UDP UNCONN *:68 dhclient/1019',
      'TCP ESTABLISHED 10.1.2.6:8080 -> 10.1.1.5:39122 java/3377',
      'TCP ESTABLISHED ::1:25 -> ::1:48812 master/1490',
    ]);
  });

  it('keeps odd process names whole', () => {
    assert.deepEqual(parseSsUsers('users:(("nginx",pid=13,fd=6),("nginx",pid=12,fd=6))'), [{ name: 'nginx', pid: 13 }, { name: 'nginx', pid: 12 }]);
    const names = parseSsOutput(ssOddNames).sockets.map((socket) => socket.process?.name);
    assert.deepEqual(names.sort(), ['(sd-pam)', 'Web Content', 'a),(b', 'kworker/0:1-ev', 'tmux: server', 'we"ird,na(me)']);
    const shared = parseSsOutput(ssOddNames).sockets.find((socket) => socket.process?.name === 'a),(b');
    assert.deepEqual(shared?.otherProcesses, [{ name: 'a),(b', pid: 80 }]);
  });

  it('skips a first line cut by the 4,096-byte limit and counts it', () => {
    const cut = ssModern.slice(ssModern.indexOf('nginx",pid=1012,fd=7)'));
    const listing = parseSsOutput(cut);
    assert.equal(listing.skippedCount, 1);
    assert.match(listing.skipped[0], /^nginx",pid=1012/);
    assert.equal(listing.sockets.length, 11);
  });

  it('reads empty output and a header alone as no sockets', () => {
    assert.deepEqual(parseSsOutput(''), { sockets: [], skipped: [], skippedCount: 0 });
    assert.deepEqual(parseSsOutput('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n').sockets, []);
  });
});

// Windows Server 2022, the snapshot script's lines as Run Command returns them (CRLF).
const windowsOutput = [
  'TCP,Listen,0.0.0.0,1433,0.0.0.0,0,4120,sqlservr',
  'TCP,Listen,::,1433,::,0,4120,sqlservr',
  'TCP,Listen,0.0.0.0,3389,0.0.0.0,0,1012,svchost',
  'TCP,Listen,0.0.0.0,445,0.0.0.0,0,4,System',
  'TCP,Listen,10.1.3.4,139,0.0.0.0,0,4,System',
  'TCP,Established,10.1.3.4,1433,10.1.2.4,41800,4120,sqlservr',
  'TCP,Established,10.1.3.4,1433,::ffff:10.1.2.5,50211,4120,sqlservr',
  'TCP,Established,10.1.3.4,49711,168.63.129.16,32526,2288,WindowsAzureGuestAgent',
  'TCP,SynSent,10.1.3.4,49720,10.1.2.9,8443,6100,My App, v2 (x86)',
  'TCP,Established,fe80::5cf1:9b2a:1d3e:4c21%6,49800,fe80::1%6,443,6102,',
  'TCP,Bound,0.0.0.0,49720,0.0.0.0,0,6100,My App, v2 (x86)',
  'UDP,,0.0.0.0,123,,,1164,svchost',
  'UDP,,::,500,,,3120,svchost',
  'UDP,,127.0.0.1,54321,,,0,',
  'WARNING: something the script did not print',
].join('\r\n');

describe('socket list parsers: PowerShell', () => {
  it('reads TCP and UDP with process names, IPv6, mapped IPv4 and names with commas', () => {
    const listing = parseWindowsSocketList(windowsOutput);
    assert.equal(listing.skippedCount, 1, 'the stray warning line');
    assert.deepEqual(listing.sockets.map(line), [
      'TCP LISTEN 10.1.3.4:139 System/4',
      'TCP LISTEN 0.0.0.0:445 System/4',
      'TCP LISTEN 0.0.0.0:1433 sqlservr/4120',
      'TCP LISTEN :::1433 sqlservr/4120',
      'TCP LISTEN 0.0.0.0:3389 svchost/1012',
      'UDP UNCONN 0.0.0.0:123 svchost/1164',
      'UDP UNCONN :::500 svchost/3120',
      'UDP UNCONN 127.0.0.1:54321',
      'TCP BOUND 0.0.0.0:49720 My App, v2 (x86)/6100',
      'TCP ESTABLISHED 10.1.3.4:1433 -> 10.1.2.4:41800 sqlservr/4120',
      'TCP ESTABLISHED 10.1.3.4:1433 -> 10.1.2.5:50211 sqlservr/4120',
      'TCP SYN_SENT 10.1.3.4:49720 -> 10.1.2.9:8443 My App, v2 (x86)/6100',
      'TCP ESTABLISHED 10.1.3.4:49711 -> 168.63.129.16:32526 WindowsAzureGuestAgent/2288',
      'TCP ESTABLISHED fe80::5cf1:9b2a:1d3e:4c21:49800 -> fe80::1:443 pid 6102/6102',
    ]);
  });

  it('reads empty output as no sockets', () => {
    assert.deepEqual(parseWindowsSocketList('').sockets, []);
  });
});

describe('socket list parsers: Run Command results', () => {
  it('splits the Linux message into stdout and stderr', () => {
    const streams = runCommandStreams([{ code: 'ProvisioningState/succeeded', message: `Enable succeeded: \n[stdout]\n${ssOld}\n\n[stderr]\n` }]);
    assert.equal(streams.stdout, ssOld.trimEnd());
    assert.equal(streams.stderr, '');
    assert.equal(streams.failure, undefined);
  });

  it('reports a Linux script that failed, with its stderr', () => {
    const streams = runCommandStreams([{ code: 'ProvisioningState/succeeded', message: 'Enable failed: failed to execute command: command terminated with exit status=127\n[stdout]\n\n[stderr]\n/bin/sh: 1: ss: not found\n' }]);
    assert.equal(streams.failure, 'Enable failed: failed to execute command: command terminated with exit status=127');
    assert.equal(streams.stderr, '/bin/sh: 1: ss: not found');
    assert.equal(streams.stdout, '');
  });

  it('keeps stderr beside partial output (permission denied)', () => {
    const streams = runCommandStreams([{ code: 'ProvisioningState/succeeded', message: 'Enable succeeded: \n[stdout]\nNetid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\n[stderr]\nCannot open netlink socket: Permission denied\n' }]);
    assert.equal(streams.stderr, 'Cannot open netlink socket: Permission denied');
    assert.deepEqual(parseSsOutput(streams.stdout).sockets, []);
  });

  it('reads the Windows StdOut and StdErr entries', () => {
    const streams = runCommandStreams([
      { code: 'ComponentStatus/StdOut/succeeded', message: windowsOutput },
      { code: 'ComponentStatus/StdErr/succeeded', message: '' },
    ]);
    assert.equal(streams.stdout, windowsOutput);
    assert.equal(streams.failure, undefined);
    assert.equal(runCommandStreams([{ code: 'ComponentStatus/StdOut/succeeded', message: '' }, { code: 'ComponentStatus/StdErr/failed', message: "Get-NetTCPConnection : The term 'Get-NetTCPConnection' is not recognized" }]).failure, 'ComponentStatus/StdErr/failed');
  });

  it('sends commands that only read', () => {
    assert.deepEqual(snapshotCommands.Linux, { commandId: 'RunShellScript', script: ['ss -tunap'] });
    const windows = snapshotCommands.Windows.script.join('\n');
    assert.equal(snapshotCommands.Windows.commandId, 'RunPowerShellScript');
    assert.doesNotMatch(windows, /\b(Set|Remove|New|Stop|Start|Invoke|Restart)-/);
    assert.match(windows, /Get-NetTCPConnection/);
    assert.match(windows, /Get-NetUDPEndpoint/);
  });
});
