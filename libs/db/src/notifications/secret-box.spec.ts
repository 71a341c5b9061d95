import { SecretBox } from './secret-box';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

describe('SecretBox', () => {
  it('seals with AES-256-GCM and opens what it sealed', () => {
    const box = new SecretBox(key(1));
    const sealed = box.seal('whsec_abc');
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.isCurrent(sealed)).toBe(true);
  });

  it('reads plain text stored before encryption as is', () => {
    expect(new SecretBox(key(1)).open('https://hooks.example/x')).toBe('https://hooks.example/x');
    expect(new SecretBox(key(1)).isCurrent('https://hooks.example/x')).toBe(false);
  });

  it('refuses an altered value and one sealed with a key it does not hold', () => {
    const box = new SecretBox(key(1));
    const sealed = box.seal('secret');
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox(key(2)).open(sealed)).toThrow(/not configured/);
  });

  it('reads values of a previous key during a rotation, and says they need re-sealing', () => {
    const old = new SecretBox(key(1)).seal('secret');
    const rotated = new SecretBox(key(2), [key(1)]);
    expect(rotated.open(old)).toBe('secret');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('secret'))).toBe(true);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
