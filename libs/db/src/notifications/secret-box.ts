import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/** The development default of ANOM_SECRET_KEY (base64 of 32 bytes); production refuses it. */
export const DEV_SECRET_KEY = Buffer.alloc(32, 'anom-dev-secret-key').toString('base64');

/**
 * Authenticated encryption of credentials at rest (channel URLs and signing
 * secrets): AES-256-GCM (NIST SP 800-38D) with a random 96-bit IV per value
 * and the key's id as additional data. A sealed value reads
 * `enc:v1:<key id>:<iv base64>:<ciphertext+tag base64>`; the key id is the
 * first 8 hex digits of SHA-256(key), so values sealed with an earlier key
 * (listed in `previous`) stay readable during a rotation.
 *
 * Keys: base64 of exactly 32 bytes. Throws on a wrong key size, and `open`
 * throws when a value was sealed with a key it does not hold or was altered.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    this.current = keyOf(currentKey);
    for (const k of [currentKey, ...previousKeys]) {
      const { id, key } = keyOf(k);
      if (!this.keys.has(id)) this.keys.set(id, key);
    }
  }

  /** `plain` encrypted with the current key. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(this.current.id));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${this.current.id}:${iv.toString('base64')}:${ct.toString('base64')}`;
  }

  /** The plain text of a sealed value; a value that is not sealed (stored before encryption) comes back as is. */
  open(value: string): string {
    if (!value.startsWith(PREFIX)) return value;
    const [id, ivB64, ctB64] = value.slice(PREFIX.length).split(':');
    const key = this.keys.get(id ?? '');
    if (!key || !ivB64 || !ctB64) throw new Error(`secret sealed with key ${id}, which is not configured`);
    const data = Buffer.from(ctB64, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64'));
    decipher.setAAD(Buffer.from(id!));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Whether `value` is sealed with the current key (false: plain text or an earlier key; re-seal it). */
  isCurrent(value: string): boolean {
    return value.startsWith(`${PREFIX}${this.current.id}:`);
  }
}

function keyOf(b64: string): { id: string; key: Buffer } {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error('a secret key must be base64 of 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}
