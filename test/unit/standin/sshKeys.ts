import { generateKeyPairSync } from 'node:crypto';

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(data: Buffer): Buffer {
  return sshString(data[0] & 0x80 ? Buffer.concat([Buffer.from([0]), data]) : data);
}

/** A fresh OpenSSH `ssh-rsa` public key line of `bits` bits. */
export function sshRsaPublicKey(bits = 2048): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(Buffer.from(String(jwk.e), 'base64url')), mpint(Buffer.from(String(jwk.n), 'base64url'))]);
  return `ssh-rsa ${blob.toString('base64')} collector@example`;
}

/** A fresh OpenSSH `ssh-ed25519` public key line. */
export function sshEd25519PublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(Buffer.from(String(jwk.x), 'base64url'))]);
  return `ssh-ed25519 ${blob.toString('base64')} collector@example`;
}
